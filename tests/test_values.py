"""values.dec / text / ms: the package's one reader of venue decimals and timestamps."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ccxt_lighter import markets, parsers, parsers_account, values


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), (" ", None), ("abc", None), (True, None), (False, None), ([1], None),
    ({"a": 1}, None), ("NaN", None), ("Infinity", None), (float("nan"), None), (float("-inf"), None),
    (Decimal("NaN"), None),
    ("0.0050", Decimal("0.0050")), ("-0", Decimal("-0")), (" 1.5\n", Decimal("1.5")), ("1E-8", Decimal("1E-8")),
    (0, Decimal(0)), (2398, Decimal(2398)), (10**30, Decimal(10**30)),
    (2361.31, Decimal("2361.31")), (0.1, Decimal("0.1")),  # a float through its repr, not its binary value
    (9.599999999999999e-05, Decimal("0.00009599999999999999")),
    (Decimal("1.50"), Decimal("1.50")),
])
def test_dec(value, expected):
    got = values.dec(value)
    if expected is None:
        assert got is None
    else:
        assert got == expected and str(got) == str(expected)  # the exponent is kept too ("1.50")


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("x", None), ("0.0050", "0.005"), ("10.000000", "10"), ("1E+1", "10"),
    ("0E-8", "0"), ("-0.00", "0"), (2361.31, "2361.31"), (1e-7, "0.0000001"), (Decimal("2.500"), "2.5"),
])
def test_text(value, expected):
    assert values.text(value) == expected


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("abc", None), ("1.5", None), ([1], None), (float("inf"), None),
    (float("nan"), None), (0, None), ("0", None), (-5, None), ("-1", None),
    (1778702400, 1778702400000), ("1778702400", 1778702400000),  # seconds (fundings)
    (99_999_999_999, 99_999_999_999_000),  # the largest value read as seconds
    (100_000_000_000, 100_000_000_000),  # the smallest read as ms
    (1777945103092, 1777945103092), ("1777945103092", 1777945103092), (1.7e12, 1_700_000_000_000),
    (Decimal("1777945103092"), 1777945103092),
    (100_000_000_000_000, 100_000_000_000_000),  # the largest read as ms
    (100_000_000_000_001, 100_000_000_000),  # the smallest read as microseconds
    (1774883844921166, 1774883844921), ("1774883844921166", 1774883844921),  # µs (ticker last_updated_at)
])
def test_ms(value, expected):
    assert values.ms(value) == expected


def test_every_module_uses_the_one_helper():
    assert parsers.ms is parsers_account.ms is values.ms
    assert parsers.dec is parsers_account.dec is markets._dec is values.dec
    assert parsers.text is values.text


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("0", None), ("0.00", None), (0, None), ("NaN", None), (True, None),
    ("abc", None), (" 5.00 ", "5.00"), ("42", "42"), (42, "42"), (1.5, "1.5"),
])
def test_nonzero_keeps_the_venue_text(value, expected):
    assert parsers_account.nonzero(value) == expected
