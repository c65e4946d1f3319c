"""ccxt's own static tests for its in-tree lighter (``peer/ccxt-static``), run through OUR class.

Requests: each public case is called over real HTTP against the venue stub and the request it sends
is compared with ccxt's stored URL (path and query). Responses: the stored ``httpResponse`` is served
at the endpoint and our parsed result is compared with ccxt's ``parsedResponse`` (the keys ccxt
stored; numbers to 1e-12 relative, null and empty containers equal, as in ccxt's comparison).

Where we differ on purpose, DIVERGENCES says what we return instead and why; the test asserts our
value, so a divergence can neither go unnoticed nor silently disappear.
"""
from __future__ import annotations

import json
import math
import os
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from tools.venue_payloads import PEER_STATIC

NOW = 1763090400000  # fixed clock, shortly after the recorded payloads (2025-11-14T03:20Z)

with open(os.path.join(PEER_STATIC, "request-lighter.json")) as _f:
    REQUESTS = json.load(_f)["methods"]
with open(os.path.join(PEER_STATIC, "response-lighter.json")) as _f:
    RESPONSES = json.load(_f)["methods"]

PUBLIC = ("fetchStatus", "fetchTime", "fetchMarkets", "fetchCurrencies", "fetchOrderBook", "fetchTicker",
          "fetchTickers", "fetchOHLCV", "fetchFundingRates")

# path the stored response is served at, per method
ENDPOINT = {"fetchStatus": "/", "fetchTime": "/", "fetchMarkets": "/api/v1/orderBookDetails",
            "fetchCurrencies": "/api/v1/assetDetails", "fetchOrderBook": "/api/v1/orderBookOrders",
            "fetchTicker": "/api/v1/orderBookDetails", "fetchTickers": "/api/v1/orderBookDetails",
            "fetchOHLCV": "/api/v1/candles", "fetchFundingRates": "/api/v1/funding-rates"}

# last / (1 + percent / 100), kept to a millionth of the 0.01 tick (see parsers.ticker_fields)
OPEN = float((Decimal("3550.69") / (1 + Decimal("0.5294300840859545") / 100)).quantize(Decimal("1e-8")))
TICKER = {  # daily_price_change is a percent (0.529 %), not an absolute change of 0.529 USDC
    "percentage": (0.5294300840859545, "the venue's daily_price_change is already a percent"),
    "change": (float(Decimal("3550.69") - Decimal(repr(OPEN))), "last - open, open derived from the percent"),
    "open": (OPEN, "last / (1 + percent / 100), not last - percent"),
    "average": (3541.34, "(open + last) / 2 with the corrected open, at price precision"),
    "openInterest": ("<absent>", "not a ccxt Ticker field; fetchOpenInterest(s) returns it"),
}
NEXT_HOUR = 1763092800000  # 04:00Z
DIVERGENCES = {
    "fetchMarkets": {
        "0.limits.leverage.max": (50, "10000 / min_initial_margin_fraction (200)"),
        "0.limits.leverage.min": (1, "leverage starts at 1x"),
        "0.limits.amount.max": ((2**48 - 1) / 10**4, "BaseAmount wire maximum 2**48-1 ticks of 0.0001"),
        "0.limits.price.min": (0.01, "one price tick"),
        "0.limits.price.max": ((2**32 - 1) / 100, "Price is a uint32 of ticks of 0.01"),
    },
    "fetchCurrencies": {
        "USDC.numericId": (3, "asset_id is the venue's numeric id"),
        "USDC.active": (None, "assetDetails has no status field; not guessed"),
        "USDC.limits.deposit.min": (None, "min_transfer_amount is the L2 transfer minimum, not a deposit "
                                          "minimum; it is in limits.transfer.min"),
    },
    "fetchTicker": TICKER,
    "fetchTickers": {"ETH/USDC:USDC." + k: v for k, v in TICKER.items()},
    "fetchFundingRates": {
        "ETH/USDC:USDC.fundingRate": (1.2e-05, "funding-rates gives an 8-hour figure (0.0012 % * 8 / 100); "
                                               "Lighter charges hourly, so the hourly fraction is /8"),
        "ETH/USDC:USDC.interval": ("1h", "Lighter settles funding every hour"),
        "ETH/USDC:USDC.fundingTimestamp": (NEXT_HOUR, "the next full hour"),
        "ETH/USDC:USDC.fundingDatetime": ("2025-11-14T04:00:00.000Z", "iso8601 of fundingTimestamp"),
    },
}
REQUEST_DIVERGENCES = {
    # ccxt's file predates the endpoint rename (README: /candlesticks -> /candles); we send windows that
    # hold exactly `limit` candle opens and say so in count_back (a cap can never truncate a page)
    "fetchOHLCV": {"path": "/api/v1/candles", "count_back": "100", "end_timestamp": "1763090345861"},
    # GET / : ccxt writes the bare host; the request line is "GET /" either way
    "fetchStatus": {"path": "/"}, "fetchTime": {"path": "/"},
}


def _empty(value):
    return value is None or value == {} or value == []


def _compare(ours, stored, path, divergences, problems, visited):
    if path in divergences:
        visited.add(path)
        expected, _why = divergences[path]
        if expected == "<absent>":
            if ours is not None:
                problems.append(f"{path}: expected absent, got {ours!r}")
            return
        stored = expected
    if _empty(ours) and _empty(stored):
        return
    if isinstance(stored, dict):
        if not isinstance(ours, dict):
            problems.append(f"{path}: {ours!r} is not a dict")
            return
        for key, value in stored.items():
            if key == "info":
                continue  # compared separately (the venue payload, unchanged)
            _compare(ours.get(key), value, f"{path}.{key}" if path else key, divergences, problems, visited)
    elif isinstance(stored, list):
        if not isinstance(ours, list) or len(ours) != len(stored):
            problems.append(f"{path}: {ours!r} != {stored!r}")
            return
        for index, (a, b) in enumerate(zip(ours, stored)):
            _compare(a, b, f"{path}.{index}" if path else str(index), divergences, problems, visited)
    elif isinstance(stored, (int, float)) and not isinstance(stored, bool) and isinstance(ours, (int, float)):
        if not math.isclose(ours, stored, rel_tol=1e-12, abs_tol=1e-15):
            problems.append(f"{path}: {ours!r} != {stored!r}")
    elif ours != stored:
        problems.append(f"{path}: {ours!r} != {stored!r}")


@pytest.fixture
async def static_ex(public_lighter):
    public_lighter.milliseconds = lambda: NOW  # pure clock function
    return public_lighter


def _cases(source, wanted):
    return [(method, case) for method in wanted for case in source[method]]


@pytest.mark.parametrize("method, case", _cases(RESPONSES, PUBLIC), ids=lambda v: v if isinstance(v, str) else "")
async def test_static_response(static_ex, venue, method, case):
    if method not in ("fetchMarkets", "fetchCurrencies", "fetchStatus", "fetchTime"):
        await static_ex.load_markets()
    venue.routes[ENDPOINT[method]] = case["httpResponse"]
    ours = await getattr(static_ex, method)(*case["input"])
    divergences = DIVERGENCES.get(method, {})
    problems: list = []
    visited: set = set()
    _compare(json.loads(json.dumps(ours)), case["parsedResponse"], "", divergences, problems, visited)
    assert not problems, "\n".join(problems)
    assert visited == set(divergences), f"stale divergences: {set(divergences) - visited}"
    stored_info = case["parsedResponse"]
    if method in ("fetchStatus", "fetchTicker"):
        assert ours["info"] == stored_info["info"]  # the venue payload passes through unchanged
    for path, (_, why) in divergences.items():
        assert why  # every divergence carries its reason


@pytest.mark.parametrize("method, case", _cases(REQUESTS, PUBLIC), ids=lambda v: v if isinstance(v, str) else "")
async def test_static_request(static_ex, venue, method, case):
    if method not in ("fetchMarkets", "fetchCurrencies", "fetchStatus", "fetchTime"):
        await static_ex.load_markets()
    venue.requests.clear()
    await getattr(static_ex, method)(*case["input"])
    stored = urlsplit(case["url"])
    expected_query = dict(parse_qsl(stored.query))
    expected_path = stored.path or "/"
    override = dict(REQUEST_DIVERGENCES.get(method, {}))
    expected_path = override.pop("path", expected_path)
    expected_query.update(override)
    ours = [(r.method, r.path, r.query) for r in venue.requests]
    assert ours[0] == ("GET", expected_path, expected_query), ours
    if method == "fetchFundingRates":  # plus mark/index prices, which ccxt leaves empty
        assert ours[1:] == [("GET", "/api/v1/orderBookDetails", {})]
    else:
        assert len(ours) == 1
