"""Every public unified method over real HTTP (venue stub on 127.0.0.1): the exact requests it sends
(method, path, query) and its output checked by ccxt's own structure validators."""
from __future__ import annotations

import pytest
from ccxt.base.errors import BadRequest, BadSymbol

from ccxt_lighter import spec

ETH, BTC, SPOT = "ETH/USDC:USDC", "BTC/USDC:USDC", "ETH/USDC"
NOW = 1_779_000_000_000  # fixed clock (2026-05-17T06:40Z), after every recorded timestamp


@pytest.fixture
async def ex(public_lighter, venue):
    await public_lighter.load_markets()
    public_lighter.milliseconds = lambda: NOW  # pure clock function
    venue.requests.clear()
    return public_lighter


def sent(venue):
    return [(r.method, r.path, r.query) for r in venue.requests]


async def test_fetch_status_and_time(ex, venue, ccxt_check):
    status = await ex.fetch_status()
    assert status["status"] == "ok" and status["info"]["network_id"] == 1
    ccxt_check("status", ex, status, now=NOW)
    assert await ex.fetch_time() == 1763005601000  # seconds on the wire
    assert sent(venue) == [("GET", "/", {}), ("GET", "/", {})]


async def test_fetch_markets_request(ex, venue):
    result = await ex.fetch_markets()
    assert [m["symbol"] for m in result] == [ETH, BTC, SPOT]
    assert sent(venue) == [("GET", "/api/v1/orderBookDetails", {})]


async def test_fetch_ticker(ex, venue, ccxt_check):
    ticker = await ex.fetch_ticker(ETH)
    assert sent(venue) == [("GET", "/api/v1/orderBookDetails", {"market_id": "0"})]
    ccxt_check("ticker", ex, ticker, method="fetchTicker", symbol=ETH)
    assert ticker["percentage"] == -0.5215684126709949  # daily_price_change is a percent
    assert ticker["last"] == 2361.31 and ticker["open"] == 2373.69041944
    assert ticker["change"] == pytest.approx(-12.38041944)
    assert ticker["baseVolume"] == 195399.1521 and ticker["quoteVolume"] == 460664167.955905
    spot = await ex.fetch_ticker(SPOT)
    assert spot["symbol"] == SPOT and venue.requests[-1].query == {"market_id": "2048"}
    btc = await ex.fetch_ticker(BTC)
    assert (btc["markPrice"], btc["indexPrice"]) == (67010.5, 67008.9)


async def test_fetch_tickers_and_last_prices(ex, venue, ccxt_check):
    tickers = await ex.fetch_tickers()
    assert set(tickers) == {ETH, BTC, SPOT}
    for symbol, ticker in tickers.items():
        ccxt_check("ticker", ex, ticker, method="fetchTickers", symbol=symbol)
    assert set(await ex.fetch_tickers([BTC])) == {BTC}
    prices = await ex.fetch_last_prices([ETH, SPOT])
    assert set(prices) == {ETH, SPOT} and prices[ETH]["price"] == 2361.31
    for symbol, entry in prices.items():
        ccxt_check("last_price", ex, entry, method="fetchLastPrices", symbol=symbol)
    assert [r.path for r in venue.requests] == ["/api/v1/orderBookDetails"] * 3
    assert all(r.query == {} for r in venue.requests)


# orderBookOrders has no timestamp (resting orders carry transaction_time 0): timestamp stays None
BOOK_SKIP = {"timestamp": True, "datetime": True}


async def test_fetch_order_book_request_and_limit(ex, venue, ccxt_check):
    book = await ex.fetch_order_book(ETH, 5)
    assert sent(venue) == [("GET", "/api/v1/orderBookOrders", {"market_id": "0", "limit": "5"})]
    assert book["bids"] == [[2361.17, 3.4125]] and book["asks"] == [[2361.32, 0.0317]]
    ccxt_check("order_book", ex, book, method="fetchOrderBook", symbol=ETH, skip=BOOK_SKIP)
    await ex.fetch_order_book(ETH)
    await ex.fetch_order_book(SPOT, 1000)
    assert [r.query["limit"] for r in venue.requests[1:]] == ["250", "250"]
    assert venue.requests[-1].query["market_id"] == "2048"
    with pytest.raises(BadRequest):
        await ex.fetch_order_book(ETH, 0)


async def test_fetch_order_book_aggregates_levels(ex, venue, ccxt_check):
    def order(price, size):
        return {"order_index": 1, "order_id": "1", "owner_account_index": 2, "initial_base_amount": size,
                "remaining_base_amount": size, "price": price, "order_expiry": 1780364303894, "transaction_time": 0}
    venue.routes["/api/v1/orderBookOrders"] = {
        "code": 200, "total_asks": 3, "total_bids": 3,
        "asks": [order("2361.40", "0.1000"), order("2361.32", "0.0317"), order("2361.40", "0.2000")],
        "bids": [order("2361.10", "1.0000"), order("2361.17", "3.4125"), order("2361.10", "0.5000")]}
    book = await ex.fetch_order_book(ETH, 2)
    assert book["asks"] == [[2361.32, 0.0317], [2361.4, 0.3]]
    assert book["bids"] == [[2361.17, 3.4125], [2361.1, 1.5]]
    ccxt_check("order_book", ex, book, method="fetchOrderBook", symbol=ETH, skip=BOOK_SKIP)


async def test_fetch_trades_recent(ex, venue, ccxt_check):
    trades = await ex.fetch_trades(ETH, limit=10)
    assert sent(venue) == [("GET", "/api/v1/recentTrades", {"market_id": "0", "limit": "10"})]
    (trade,) = trades
    assert trade["side"] == "sell" and trade["id"] == "19211490282" and trade["amount"] == 0.0005
    ccxt_check("trade", ex, trade, method="fetchTrades", symbol=ETH, now=NOW)
    await ex.fetch_trades(ETH)
    assert venue.requests[-1].query == {"market_id": "0", "limit": "100"}


async def test_fetch_trades_since_pages_by_cursor(ex, venue, ccxt_check):
    since = 1777940000000 + 20_000  # the history (250 trades, 1 s apart) starts at 1777940000000
    trades = await ex.fetch_trades(ETH, since=since, limit=5)
    assert [t["timestamp"] for t in trades] == [since + k * 1000 for k in range(5)]
    queries = [r.query for r in venue.requests]
    assert [q.get("cursor") for q in queries] == [None, "100", "200"]  # back in time to reach since
    assert all(q["sort_by"] == "timestamp" and q["sort_dir"] == "desc" and q["limit"] == "100"
               and q["market_id"] == "0" for q in queries)
    assert {r.path for r in venue.requests} == {"/api/v1/trades"}
    for trade in trades:
        ccxt_check("trade", ex, trade, method="fetchTrades", symbol=ETH, now=NOW)
    venue.requests.clear()
    newest = await ex.fetch_trades(ETH, limit=150)  # more than one page, no since: the newest 150
    assert len(newest) == 150 and len(venue.requests) == 2
    assert newest[-1]["timestamp"] == 1777940000000 + 249_000


@pytest.mark.parametrize("timeframe", list(spec.TIMEFRAMES))
async def test_fetch_ohlcv_every_timeframe(ex, venue, ccxt_check, timeframe):
    step = ex.parse_timeframe(timeframe) * 1000
    since = 1_699_999_200_000 // step * step + step  # aligned
    candles = await ex.fetch_ohlcv(ETH, timeframe, since, 3)
    assert [c[0] for c in candles] == [since, since + step, since + 2 * step]
    assert sent(venue) == [("GET", "/api/v1/candles", {
        "market_id": "0", "resolution": timeframe, "start_timestamp": str(since),
        "end_timestamp": str(since + 3 * step - 1), "count_back": "3"})]
    for candle in candles:
        ccxt_check("ohlcv", ex, candle, method="fetchOHLCV", symbol=ETH, now=NOW)


async def test_fetch_ohlcv_pages_past_the_cap(ex, venue):
    since = 1_700_000_012_345  # not aligned: candles start at the first open >= since
    candles = await ex.fetch_ohlcv(ETH, "1m", since, 1200)
    assert len(candles) == 1200 and candles[0][0] == 1_700_000_040_000
    assert all(b[0] - a[0] == 60_000 for a, b in zip(candles, candles[1:]))
    queries = [r.query for r in venue.requests]
    assert [q["count_back"] for q in queries] == ["500", "500", "200"]
    assert int(queries[0]["start_timestamp"]) == since
    assert all(int(a["end_timestamp"]) + 1 == int(b["start_timestamp"]) for a, b in zip(queries, queries[1:]))


async def test_fetch_ohlcv_without_since_ends_at_until_or_now(ex, venue):
    candles = await ex.fetch_ohlcv(ETH, "1h", None, 4, {"until": 1_700_003_600_000})
    assert [c[0] for c in candles] == [1_699_992_000_000 + k * 3_600_000 for k in range(4)]  # last opens <= until
    assert "until" not in venue.requests[-1].query
    await ex.fetch_ohlcv(ETH, "1h", None, 2)
    assert venue.requests[-1].query["end_timestamp"] == str(NOW)
    with pytest.raises(BadRequest):
        await ex.fetch_ohlcv(ETH, "3m")


async def test_fetch_mark_ohlcv(ex, venue, ccxt_check):
    candles = await ex.fetch_mark_ohlcv(ETH, "5m", 1_700_000_100_000, 2)
    assert venue.requests[-1].path == "/api/v1/markPriceCandles"
    assert "price" not in venue.requests[-1].query
    assert [c[5] for c in candles] == [None, None] and candles[0][0] == 1_700_000_100_000
    # mark candles have no volume
    for candle in candles:
        ccxt_check("ohlcv", ex, candle, method="fetchMarkOHLCV", symbol=ETH, now=NOW, skip={"allowNull": [5]})


async def test_fetch_funding_rates(ex, venue):
    rates = await ex.fetch_funding_rates()
    assert set(rates) == {ETH}  # the binance row and other venues are dropped
    rate = rates[ETH]
    assert rate["fundingRate"] == 1.2e-05 and rate["interval"] == "1h"  # hourly, from the 8 h figure
    assert rate["fundingTimestamp"] == 1779001200000 and rate["fundingDatetime"] == "2026-05-17T07:00:00.000Z"
    assert [r.path for r in venue.requests] == ["/api/v1/funding-rates", "/api/v1/orderBookDetails"]
    one = await ex.fetch_funding_rate(ETH)
    assert one["symbol"] == ETH and one["fundingRate"] == 1.2e-05
    with pytest.raises(BadSymbol):
        await ex.fetch_funding_rate(SPOT)


async def test_fetch_funding_rate_mark_and_index_from_details(ex, venue):
    venue.routes["/api/v1/funding-rates"] = {"code": 200, "funding_rates": [
        {"market_id": 1, "exchange": "lighter", "symbol": "BTC", "rate": -0.00008},
        {"market_id": 1, "exchange": "bybit", "symbol": "BTC", "rate": 0.0001}]}
    rate = (await ex.fetch_funding_rates([BTC]))[BTC]
    assert (rate["markPrice"], rate["indexPrice"], rate["fundingRate"]) == (67010.5, 67008.9, -1e-05)


async def test_fetch_funding_intervals(ex, venue):
    intervals = await ex.fetch_funding_intervals()
    assert set(intervals) == {ETH, BTC} and all(i["interval"] == "1h" for i in intervals.values())
    assert (await ex.fetch_funding_interval(BTC))["interval"] == "1h"
    assert venue.requests == []  # a venue constant: no request


async def test_fetch_funding_rate_history(ex, venue, ccxt_check):
    since = 1_778_702_400_000
    history = await ex.fetch_funding_rate_history(ETH, since, 800)
    assert len(history) == 800 and history[0]["timestamp"] == since
    assert history[0]["fundingRate"] == 1.2e-05 and history[1]["fundingRate"] == -2e-06
    queries = [r.query for r in venue.requests]
    assert [q["count_back"] for q in queries] == ["750", "50"] and queries[0]["resolution"] == "1h"
    assert queries[0]["start_timestamp"] == str(since) and queries[0]["market_id"] == "0"
    for entry in history[:3]:
        ccxt_check("funding_rate_history", ex, entry, method="fetchFundingRateHistory", symbol=ETH)
    recent = await ex.fetch_funding_rate_history(ETH, None, 3)
    assert [e["timestamp"] for e in recent] == [1778990400000, 1778994000000, 1778997600000]
    with pytest.raises(BadSymbol):
        await ex.fetch_funding_rate_history()


async def test_fetch_open_interests(ex, venue, ccxt_check):
    interests = await ex.fetch_open_interests()
    assert set(interests) == {ETH, BTC}
    assert interests[BTC]["openInterestAmount"] == 812.3456
    for entry in interests.values():
        ccxt_check("open_interest", ex, entry, method="fetchOpenInterests")
    one = await ex.fetch_open_interest(ETH)
    assert one["openInterestAmount"] == 27350.8981 and venue.requests[-1].query == {"market_id": "0"}
    with pytest.raises(BadSymbol):
        await ex.fetch_open_interest(SPOT)


# a Lighter market has a single margin tier with no notional cap
TIER_SKIP = {"maxNotional": True}


async def test_fetch_leverage_tiers(ex, venue, ccxt_check):
    tiers = await ex.fetch_leverage_tiers()
    assert set(tiers) == {ETH, BTC}
    (tier,) = tiers[ETH]
    assert (tier["maxLeverage"], tier["maintenanceMarginRate"], tier["currency"]) == (50.0, 0.012, "USDC")
    ccxt_check("leverage_tier", ex, tier, method="fetchLeverageTiers", skip=TIER_SKIP)
    assert set(await ex.fetch_leverage_tiers([BTC])) == {BTC}
    (one,) = await ex.fetch_market_leverage_tiers(BTC)
    assert one["symbol"] == BTC and venue.requests[-1].query == {"market_id": "1"}
    with pytest.raises(BadSymbol):
        await ex.fetch_market_leverage_tiers(SPOT)


async def test_fetch_trading_fees(ex, venue, ccxt_check):
    fees = await ex.fetch_trading_fees()
    assert set(fees) == {ETH, BTC, SPOT}
    assert (fees[BTC]["maker"], fees[BTC]["taker"]) == (0.00004, 0.00028)  # "0.0040" %, "0.0280" %
    for symbol, fee in fees.items():
        ccxt_check("trading_fee", ex, fee, method="fetchTradingFees", symbol=symbol)
    assert sent(venue) == [("GET", "/api/v1/orderBookDetails", {})]


async def test_unknown_symbol_sends_nothing(ex, venue):
    with pytest.raises(BadSymbol):
        await ex.fetch_ticker("DOGE/USDC:USDC")
    assert venue.requests == []
