"""Reading scalar venue values: decimals, their plain text, and timestamps.

Venue facts (REFERENCE.md 2.2, 3.2, 6.4): prices, sizes and amounts arrive as decimal strings, some
market statistics as JSON floats and ids/counters as ints; ``""`` means "no value" (e.g. no limit).
Timestamps are mostly ms, but ``fundings`` (and ``GET /``) send seconds and some account payloads
microseconds, so a timestamp is read by its magnitude.

Invariant: these are the package's only copies of these readers (parsers.py, parsers_account.py,
parsers_history.py and markets.py import them); they never raise on a malformed value (they answer
None) and never let a float's binary value into a Decimal (a float goes through its shortest repr).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from .scaling import strip

#: below this a timestamp is in seconds (10**11 s is the year 5138; 10**11 ms is March 1973)
SECONDS_BELOW = 10**11
#: above this a timestamp is in microseconds (10**14 ms is the year 5138; 10**14 µs is 1973)
MICROSECONDS_ABOVE = 10**14


def dec(value: Any) -> Optional[Decimal]:
    """Finite Decimal of a venue string / int / float / Decimal; None if absent, '' or not a number.

    A bool is not a number here (JSON true is not an amount); NaN and infinities are refused.
    """
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def text(value: Any) -> Optional[str]:
    """Plain decimal string of a venue value (no exponent, no trailing zeros), or None."""
    number = dec(value)
    return None if number is None else strip(number)


def ms(value: Any) -> Optional[int]:
    """A venue timestamp in ms from seconds, ms or µs (int or digit string); None if absent, '',
    not an integer, or not positive (the venue writes 0 for "never")."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if number <= 0:
        return None
    if number < SECONDS_BELOW:
        return number * 1000
    if number > MICROSECONDS_ABOVE:
        return number // 1000
    return number
