"""Pure parser functions on the recorded payloads (no HTTP)."""
from __future__ import annotations

import json
import os
from decimal import Decimal

import pytest

from ccxt_lighter import parsers
from ccxt_lighter.parsers_paging import CANDLES_CAP, FUNDINGS_CAP, plan, select, span, windows
from tests.conftest import EXAMPLES
from tools import venue_payloads


def _example(name):
    with open(os.path.join(EXAMPLES, name + ".json")) as f:
        return json.load(f)


# ---------------------------------------------------------------- ticker: daily_price_change is a percent


def test_ticker_from_recorded_detail_reads_percent():
    detail = _example("rest_orderBookDetails")["order_book_details"][0]
    t = parsers.ticker_fields(detail, price_decimals=2)
    assert t["percentage"] == "-0.5215684126709949"  # the venue's percent, unchanged
    assert t["last"] == "2361.31" and t["open"] == "2373.69041944" and t["change"] == "-12.38041944"
    # open/change are derived from (and reproduce) the venue's percent, not the other way round
    assert float(Decimal(t["change"]) / Decimal(t["open"]) * 100) == pytest.approx(-0.5215684126709949, rel=1e-9)
    # a tick-snapped open would not: -12.38 / 2373.69 is -0.5215508 %
    assert float(Decimal("-12.38") / Decimal("2373.69") * 100) != pytest.approx(-0.5215684126709949, rel=1e-6)
    assert t["high"] == "2398" and t["low"] == "2313.36"
    assert t["baseVolume"] == "195399.1521" and t["quoteVolume"] == "460664167.955905"
    assert t["markPrice"] is None and t["indexPrice"] is None  # not in this payload


def test_ticker_mark_and_index_when_present():
    t = parsers.ticker_fields(venue_payloads.perp_details()[1], price_decimals=1)
    assert (t["markPrice"], t["indexPrice"]) == ("67010.5", "67008.9")
    assert Decimal(t["open"]) * Decimal("1.0125") == pytest.approx(Decimal("67012.3"), abs=Decimal("0.06"))


def test_ticker_without_stats():
    t = parsers.ticker_fields({"market_id": 0}, price_decimals=2)
    assert t["last"] is None and t["open"] is None and t["change"] is None and t["percentage"] is None


# ---------------------------------------------------------------- order book aggregation


def _order(price, size):
    row = dict(_example("rest_orderBookOrders")["asks"][0])
    row.update(price=price, remaining_base_amount=size)
    return row


def test_book_levels_are_aggregated_exactly_and_sorted():
    asks = [_order("2361.33", "0.1"), _order("2361.32", "0.0317"), _order("2361.33", "0.2"),
            _order("2361.40", "1.0000")]
    bids = [_order("2361.10", "1"), _order("2361.17", "3.4125"), _order("2361.10", "2.5")]
    assert parsers.book_side(asks, False, str) == [["2361.32", "0.0317"], ["2361.33", "0.3"], ["2361.40", "1.0000"]]
    assert parsers.book_side(bids, True, float) == [[2361.17, 3.4125], [2361.1, 3.5]]
    assert parsers.book_side([], True, float) == []


def test_book_from_recorded_payload():
    payload = _example("rest_orderBookOrders")
    assert parsers.book_side(payload["asks"], False, float) == [[2361.32, 0.0317]]
    assert parsers.book_side(payload["bids"], True, float) == [[2361.17, 3.4125]]


# ---------------------------------------------------------------- trades


def test_public_trade_side_is_the_aggressor():
    trade = _example("rest_recentTrades")["trades"][0]  # is_maker_ask false: the bid rested
    t = parsers.trade_fields(trade)
    assert t["side"] == "sell" and t["takerOrMaker"] is None and t["order"] is None
    assert t["id"] == "19211490282" and t["timestamp"] == 1777945103092
    assert (t["price"], t["amount"], t["cost"]) == ("2361.31", "0.0005", "1.180655")
    assert parsers.trade_fields(dict(trade, is_maker_ask=True))["side"] == "buy"


def test_account_view_of_a_trade():
    trade = _example("rest_recentTrades")["trades"][0]
    maker = parsers.trade_fields(trade, account_index=trade["bid_account_id"])
    assert (maker["side"], maker["takerOrMaker"], maker["order"]) == ("buy", "maker", "562947905454831")
    assert maker["fee"] == {"cost": "0.00003305834", "currency": "USDC", "rate": "0.000028"}  # 28 ppm
    taker = parsers.trade_fields(trade, account_index=trade["ask_account_id"])
    assert (taker["side"], taker["takerOrMaker"]) == ("sell", "taker")
    assert taker["fee"]["cost"] == "0"  # taker_fee omitted = 0


# ---------------------------------------------------------------- candles


def test_candle_rows_current_and_older_shapes():
    current = parsers.candles_of(_example("rest_candles"))
    assert parsers.ohlcv_row(current[0], float) == [1700000000000, 2361.11, 2362.22, 2360.0, 2361.31, 1.2345]
    path = os.path.join(venue_payloads.PEER_STATIC, "response-lighter.json")
    with open(path) as f:
        older = json.load(f)["methods"]["fetchOHLCV"][0]["httpResponse"]
    assert parsers.ohlcv_row(parsers.candles_of(older)[0], float) == \
        [1763090460000, 3223.32, 3224.61, 3221.1, 3223.56, 183.81289999999998]
    assert parsers.ohlcv_row({"t": 60000, "o": 1, "h": 1, "l": 1, "c": 1}, float)[5] == 0.0  # omitted = 0
    assert parsers.ohlcv_row({"t": 60000, "o": 1, "h": 2, "l": 1, "c": 2, "sc": 60}, float, mark=True)[5] is None


# ---------------------------------------------------------------- funding


def test_funding_history_is_signed_fraction():
    long_row, short_row = _example("rest_fundings")["fundings"]
    assert parsers.funding_history_rate(long_row) == "0.000012"  # "0.0012" percent, longs pay
    assert parsers.funding_history_rate(short_row) == "-0.000002"  # shorts pay
    assert parsers.ms(long_row["timestamp"]) == 1778702400000  # seconds in the payload


def test_funding_rate_units_evidence():
    """Why the units are read this way, from the recorded numbers themselves."""
    for row in _example("rest_fundings")["fundings"]:
        implied_price = Decimal(row["value"]) / (Decimal(row["rate"]) / 100)
        assert 2200 < implied_price < 2300  # an ETH price: value = price * rate%
    recorded_8h = venue_payloads.funding_rates()["funding_rates"][0]["rate"]
    assert recorded_8h == float(0.0012) * 8 / 100  # funding-rates = hourly percent * 8 / 100
    assert parsers.hourly_from_8h(recorded_8h) == "0.000012"


def test_next_hour_and_timestamps():
    assert parsers.next_hour(1778702400000) == 1778706000000
    assert parsers.next_hour(1778702400001) == 1778706000000
    assert parsers.ms(1763005601) == 1763005601000 and parsers.ms(1777945103092) == 1777945103092
    assert parsers.ms(None) is None and parsers.ms(0) is None


def test_status_values():
    assert parsers.status({"status": 200}) == "ok" and parsers.status({"status": 1}) == "ok"
    assert parsers.status({"status": 0}) == "error"


def test_open_interest_and_leverage_tier():
    eth, btc = venue_payloads.perp_details()
    assert parsers.open_interest_fields(eth) == {"openInterestAmount": "27350.8981",
                                                 "openInterestValue": "64583949.192511"}  # at last price
    assert parsers.open_interest_fields(btc)["openInterestValue"] == "54435684.8288"  # at mark 67010.5
    assert parsers.leverage_tier_fields(eth) == {"tier": "1", "minNotional": "0", "maxNotional": None,
                                                 "maintenanceMarginRate": "0.012", "maxLeverage": "50"}
    assert parsers.leverage_tier_fields({}) is None


# ---------------------------------------------------------------- paging plans


@pytest.mark.parametrize("since, limit, step", [
    (1700000000000, 1, 60_000), (1700000000000, 500, 60_000), (1700000000000, 501, 60_000),
    (1700000012345, 1234, 300_000), (None, 1000, 3_600_000), (None, 7, 604_800_000),
])
def test_candle_windows_cover_exactly_without_exceeding_cap(since, limit, step):
    now = 1763090345862
    wins = plan(since, None, limit, step, now, CANDLES_CAP)
    start, end = span(since, None, limit, step, now)
    assert wins[0].start == start and wins[-1].end == end
    assert all(a.end + 1 == b.start for a, b in zip(wins, wins[1:]))
    assert all(1 <= w.count <= CANDLES_CAP for w in wins)
    assert len(wins) == -(-limit // CANDLES_CAP) or (since is not None and since % step and
                                                      len(wins) <= -(-limit // CANDLES_CAP) + 1)
    opens = sum(len(range(-(-w.start // step) * step, w.end + 1, step)) for w in wins)
    assert opens == limit


def test_windows_without_since_end_at_now():
    wins = plan(None, None, 3, 60_000, 1_700_000_030_000, CANDLES_CAP)
    assert wins == [type(wins[0])(1_699_999_860_000, 1_700_000_030_000, 3)]  # opens :58 :59 :00
    assert windows(0, 749 * 3_600_000, 3_600_000, FUNDINGS_CAP)[0].count == 750


def test_select_dedupes_sorts_and_limits():
    rows = [[3, "c"], [1, "a"], [2, "b"], [3, "c2"], [0, "z"]]
    assert select(rows, 1, 2) == [[1, "a"], [2, "b"]]
    assert select(rows, None, 2) == [[2, "b"], [3, "c2"]]
    with pytest.raises(ValueError):
        span(None, None, 0, 60_000, 0)


def test_module_samples_still_parse():
    assert parsers.ticker_fields(parsers.SAMPLE_DETAIL, 2)["percentage"] == "-0.5215684126709949"
    assert parsers.book_side([parsers.SAMPLE_BOOK_ORDER], False, float) == [[2361.32, 0.0317]]
    assert parsers.trade_fields(parsers.SAMPLE_TRADE)["side"] == "sell"
    assert parsers.ohlcv_row(parsers.SAMPLE_CANDLE, float)[0] == 1700000000000
    assert parsers.funding_history_rate(parsers.SAMPLE_FUNDING) == "0.000012"
    assert parsers.hourly_from_8h(parsers.SAMPLE_FUNDING_RATE["rate"]) == "0.000012"
    assert parsers.open_interest_fields(parsers.SAMPLE_DETAIL)["openInterestAmount"] == "27350.8981"
    assert parsers.leverage_tier_fields(parsers.SAMPLE_DETAIL)["maxLeverage"] == "50"
