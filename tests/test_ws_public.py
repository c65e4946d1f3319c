"""Public watch*/un_watch* end to end against the simulator's /stream (real sockets on 127.0.0.1)."""
import asyncio

import pytest

from ccxt_lighter.orderbook import is_crossed
from tests.ws_support import BTC, ETH, SPOT, book_levels, engine_levels, make_exchange, server_topics, settle

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def ex(sim):
    exchange = make_exchange(sim)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def until(coro_factory, predicate, steps=None, sim=None, rounds=60):
    """Await a watch repeatedly until ``predicate(result)``; between rounds step the flow if given."""
    for _ in range(rounds):
        try:
            result = await asyncio.wait_for(coro_factory(), 2.0)
        except asyncio.TimeoutError:
            result = None
        if result is not None and predicate(result):
            return result
        if sim is not None:
            sim.flow.step()
    raise AssertionError("condition never met")


async def test_watch_order_book_tracks_the_engine_and_unwatch_unsubscribes(sim, ex):
    book = await ex.watch_order_book(ETH)
    asks, bids, nonce = engine_levels(sim, 0)
    assert book_levels(book) == (asks, bids) and book["nonce"] == nonce
    for _ in range(5):
        sim.flow.step()
        target = engine_levels(sim, 0)
        book = await until(lambda: ex.watch_order_book(ETH), lambda b: b["nonce"] == target[2])
        assert book_levels(book) == target[:2] and not is_crossed(book)
    sim.flow.step()
    cut = await asyncio.wait_for(ex.watch_order_book(ETH, 2), 5.0)
    assert len(cut["asks"]) == 2 and len(ex.orderbooks[ETH]["asks"]) > 2  # the synced book keeps all
    assert "order_book:0" in server_topics(sim)
    assert await ex.un_watch_order_book(ETH) is True
    assert await settle(lambda: "order_book:0" not in server_topics(sim))
    assert ETH not in ex.orderbooks


async def test_gapped_stream_is_resynced_and_never_delivered_crossed_or_stale(sim, ex):
    """book_gap_every withholds deltas: every gap must end in a fresh snapshot equal to the engine,
    and no book handed to the user is crossed or built across a gap."""
    await ex.watch_order_book(ETH)
    sync = ex._ws_books["order_book:0"][0]
    delivered = []

    async def consume():
        while True:
            book = await ex.watch_order_book(ETH)
            delivered.append((book["nonce"], is_crossed(book), sync.synced))

    consumer = asyncio.ensure_future(consume())
    await sim_faults(sim, book_gap_every=3)
    compared, resyncs_seen = 0, set()
    try:
        for _ in range(60):
            sim.flow.step()
            asks, bids, nonce = engine_levels(sim, 0)
            # caught up, or the withheld delta was the step's last (the next step reveals the gap)
            if await settle(lambda: sync.synced and sync.nonce == nonce, attempts=30):
                assert book_levels(ex.orderbooks[ETH]) == (asks, bids)
                compared += 1
                resyncs_seen.add(sync.resyncs)
    finally:
        consumer.cancel()
        await sim_faults(sim, book_gap_every=0)
    assert sync.gaps >= 5 and sync.resyncs >= 5, (sync.gaps, sync.resyncs)
    assert len(resyncs_seen) >= 5  # compared after several distinct resyncs
    assert compared >= 20 and len(delivered) >= compared
    assert not any(crossed for _, crossed, _ in delivered)
    assert all(synced for _, _, synced in delivered)  # nothing delivered while waiting for a snapshot


async def sim_faults(sim, **faults):
    from tests.ws_support import post

    await post(sim, "/sim/faults", faults)


async def test_watch_order_book_for_symbols_and_unwatch(sim, ex):
    seen = set()
    for _ in range(40):
        book = await asyncio.wait_for(ex.watch_order_book_for_symbols([ETH, BTC]), 5.0)
        seen.add(book["symbol"])
        if seen == {ETH, BTC}:
            break
        sim.flow.step()
    assert seen == {ETH, BTC}
    for symbol, market_id in ((ETH, 0), (BTC, 1)):
        asks, bids, nonce = engine_levels(sim, market_id)
        assert await settle(lambda: ex.orderbooks[symbol]["nonce"] == nonce)  # last frames in flight
        assert book_levels(ex.orderbooks[symbol]) == (asks, bids)
    await ex.un_watch_order_book_for_symbols([ETH, BTC])
    assert await settle(lambda: not {"order_book:0", "order_book:1"} & server_topics(sim))


async def test_watch_trades_and_unwatch(sim, ex):
    trades = await until(lambda: ex.watch_trades(ETH), lambda t: len(t) > 0, sim=sim)
    engine_ids = {str(t["trade_id"]) for t in sim.engine.recent_trades(0, 100)}
    assert all(t["symbol"] == ETH and t["id"] in engine_ids for t in trades)
    assert all(t["side"] in ("buy", "sell") and t["price"] > 0 and t["amount"] > 0 for t in trades)
    before = len(ex.trades[ETH])
    fresh = await until(lambda: ex.watch_trades(ETH), lambda t: len(t) > 0, sim=sim)
    assert len(ex.trades[ETH]) > before and fresh[-1]["timestamp"] >= trades[-1]["timestamp"]
    await ex.un_watch_trades(ETH)
    assert await settle(lambda: "trade:0" not in server_topics(sim))


async def test_watch_trades_for_symbols(sim, ex):
    symbols = set()
    for _ in range(80):
        try:
            trades = await asyncio.wait_for(ex.watch_trades_for_symbols([ETH, BTC]), 1.0)
            symbols.update(t["symbol"] for t in trades)
        except asyncio.TimeoutError:
            pass
        if symbols == {ETH, BTC}:
            break
        sim.flow.step()
    assert symbols == {ETH, BTC}
    await ex.un_watch_trades_for_symbols([ETH, BTC])
    assert await settle(lambda: not {"trade:0", "trade:1"} & server_topics(sim))


async def test_ticker_mark_price_and_funding_share_one_subscription(sim, ex):
    ticker = await ex.watch_ticker(ETH)
    stats = sim.engine.market_stats(0)
    assert ticker["symbol"] == ETH and ticker["markPrice"] == float(stats["mark_price"])
    assert ticker["last"] == float(stats["last_trade_price"])
    mark = await ex.watch_mark_price(ETH)
    rate = await ex.watch_funding_rate(ETH)
    assert rate["symbol"] == ETH and rate["interval"] == "1h"
    assert rate["fundingRate"] == pytest.approx(float(stats["current_funding_rate"]) / 100)
    assert mark["markPrice"] == ticker["markPrice"]
    assert [t for t in server_topics(sim) if t.startswith("market_stats")] == ["market_stats:0"]
    # leaving two of three watchers keeps the channel; the last one unsubscribes it
    await ex.un_watch_ticker(ETH)
    await ex.un_watch_mark_price(ETH)
    assert "market_stats:0" in server_topics(sim)
    waiting = asyncio.ensure_future(ex.watch_funding_rate(ETH))
    await asyncio.sleep(0)
    await post_mark(sim, "3100.00")
    moved = await asyncio.wait_for(waiting, 5.0)
    assert moved["markPrice"] == 3100.0
    await ex.un_watch_funding_rate(ETH)
    assert await settle(lambda: "market_stats:0" not in server_topics(sim))


async def post_mark(sim, price):
    from tests.ws_support import post

    await post(sim, "/sim/mark_price", {"market_id": 0, "price": price})


async def test_plural_stats_watches(sim, ex):
    tickers = await ex.watch_tickers()
    assert set(tickers) <= set(ex.symbols) and tickers
    assert {"market_stats:all"} <= server_topics(sim)
    marks = await asyncio.wait_for(ex.watch_mark_prices([ETH, BTC]), 5.0)
    assert set(marks) <= {ETH, BTC} and all(m["markPrice"] for m in marks.values())
    rates = await asyncio.wait_for(ex.watch_funding_rates([ETH]), 5.0)
    assert list(rates) == [ETH]
    spot = await asyncio.wait_for(ex.watch_ticker(SPOT), 5.0)
    assert spot["symbol"] == SPOT and "spot_market_stats:2048" in server_topics(sim)
    with pytest.raises(Exception):
        await ex.watch_funding_rate(SPOT)
    await ex.un_watch_tickers()
    await ex.un_watch_mark_prices([ETH, BTC])
    await ex.un_watch_funding_rates([ETH])
    await ex.un_watch_ticker(SPOT)
    assert await settle(lambda: not any("market_stats" in t for t in server_topics(sim)))


async def test_watch_bids_asks(sim, ex):
    result = await ex.watch_bids_asks([ETH])
    asks, bids, _ = engine_levels(sim, 0)
    quote = result[ETH]
    assert quote["ask"] == asks[0][0] and quote["bid"] == bids[0][0]
    assert quote["askVolume"] == asks[0][1] and quote["bidVolume"] == bids[0][1]
    await ex.un_watch_bids_asks([ETH])
    assert await settle(lambda: "ticker:0" not in server_topics(sim))


async def test_watch_ohlcv_and_for_symbols(sim, ex):
    candles = await until(lambda: ex.watch_ohlcv(ETH, "1m"), lambda c: len(c) > 0, sim=sim)
    engine_rows = sim.engine.candles(0, "1m", count=100)
    assert candles and candles[-1][0] == engine_rows[-1]["t"]
    assert all(len(c) == 6 and c[2] >= c[3] for c in candles)
    both = await until(lambda: ex.watch_ohlcv_for_symbols([[ETH, "5m"], [BTC, "1m"]]), lambda r: True, sim=sim)
    (symbol, per_tf), = both.items()
    assert symbol in (ETH, BTC) and list(per_tf)[0] in ("5m", "1m")
    with pytest.raises(Exception):
        await ex.watch_ohlcv(ETH, "1w")  # REST-only resolution
    await ex.un_watch_ohlcv(ETH, "1m")
    await ex.un_watch_ohlcv_for_symbols([[ETH, "5m"], [BTC, "1m"]])
    assert await settle(lambda: not any(t.startswith("candle") for t in server_topics(sim)))
