"""Connection care against the simulator: dropped sockets (no order update lost), resubscription,
keep-alive against the idle rule, the per-connection limits, and auth token renewal."""
import asyncio

import pytest

from tests.ws_support import BTC, ETH, book_levels, engine_levels, make_exchange, post, server_topics, settle

pytestmark = pytest.mark.timeout(180)

SOL = "SOL/USDC:USDC"


def bid_below(sim, factor, market=0):
    _, bids, _ = sim.engine.book_levels(market, depth=1)
    return round(float(bids[0][0]) * factor, sim.engine.market(market).price_decimals)


async def test_watch_orders_delivers_the_final_state_of_100_orders_across_drops(sim, sim_account):
    """ws_drop_after_messages cuts the socket every few frames while 100 orders are placed, some
    canceled and some filled; watchOrders must still end with every order's final state."""
    ex = make_exchange(sim, sim_account)
    final = {}

    async def consume():
        while True:
            for order in await ex.watch_orders(ETH):
                final[order["id"]] = order["status"]

    try:
        await ex.load_markets()
        consumer = asyncio.ensure_future(consume())
        account = sim_account["account_index"]
        assert await settle(lambda: f"account_all_orders:{account}" in server_topics(sim))  # live first
        await post(sim, "/sim/faults", {"ws_drop_after_messages": 9})
        price = bid_below(sim, 0.9)
        ids = {"open": [], "canceled": [], "market": []}
        for round_ in range(10):
            batch = [{"symbol": ETH, "type": "limit", "side": "buy", "amount": 0.01,
                      "price": round(price - round_ * 0.1 - i * 0.01, 2)} for i in range(6)]
            batch += [{"symbol": ETH, "type": "market", "side": "buy", "amount": 0.01} for _ in range(4)]
            placed = await ex.create_orders(batch)
            resting = [p["id"] for p in placed[:6]]
            await ex.cancel_orders(resting[:3], ETH)
            ids["canceled"] += resting[:3]
            ids["open"] += resting[3:]
            ids["market"] += [p["id"] for p in placed[6:]]
        assert sum(len(v) for v in ids.values()) == 100
        await post(sim, "/sim/faults", {"ws_drop_after_messages": 0})
        # the venue's truth, over REST
        truth = {o["id"]: o["status"] for o in await ex.fetch_canceled_and_closed_orders(ETH, None, 500)}
        truth.update({o["id"]: o["status"] for o in await ex.fetch_open_orders(ETH)})
        everything = ids["open"] + ids["canceled"] + ids["market"]
        assert all(truth[i] == "open" for i in ids["open"]) and all(truth[i] == "canceled" for i in ids["canceled"])
        assert all(truth[i] in ("closed", "canceled") for i in ids["market"])
        assert await settle(lambda: all(final.get(i) == truth[i] for i in everything), attempts=1000), \
            [(i, final.get(i), truth[i]) for i in everything if final.get(i) != truth[i]][:5]
        assert ex._ws_state()["reconnects"] >= 5  # the stream really was cut, many times
        consumer.cancel()
    finally:
        await post(sim, "/sim/faults", {"ws_drop_after_messages": 0})
        await ex.close()


async def test_dropped_public_stream_resubscribes_and_resyncs(sim):
    ex = make_exchange(sim)
    try:
        await ex.load_markets()
        await ex.watch_order_book(ETH)
        await ex.watch_ticker(BTC)
        first = {s.session_id for s in sim.stream.sessions}
        for session in list(sim.stream.sessions):
            session.drop()  # abort the TCP connection, no close frame
        sim.flow.step()
        asks, bids, nonce = engine_levels(sim, 0)
        assert await settle(lambda: ex.orderbooks.get(ETH) is not None and ex.orderbooks[ETH]["nonce"] == nonce
                            and ex._ws_books["order_book:0"][0].synced, attempts=500)
        assert book_levels(ex.orderbooks[ETH]) == (asks, bids)
        assert {s.session_id for s in sim.stream.sessions}.isdisjoint(first)
        assert {"order_book:0", "market_stats:1"} <= server_topics(sim)
        assert ex._ws_state()["reconnects"] == 1
        book = await asyncio.wait_for(ex.watch_order_book(ETH), 5)  # the watch keeps working
        assert book["symbol"] == ETH
    finally:
        await ex.close()


async def test_keepalive_pings_beat_the_idle_rule(sim):
    """The server closes sockets silent for idle_timeout (2 min on the venue, 0.6 s here)."""
    sim.stream.settings.idle_timeout = 0.6
    quiet = make_exchange(sim)
    chatty = make_exchange(sim)
    chatty.options["ws"] = {"keepAlive": 150}
    quiet.options["ws"] = {"keepAlive": 60000}
    try:
        for ex in (quiet, chatty):
            await ex.load_markets()
            await ex.watch_order_book(ETH)
        sessions = {id(ex): {s.session_id for s in sim.stream.sessions} for ex in (quiet, chatty)}
        await asyncio.sleep(2.0)
        assert quiet._ws_state().get("reconnects", 0) >= 1  # closed for silence, then reconnected
        assert chatty._ws_state().get("reconnects", 0) == 0
        client = chatty._ws_main_client()
        assert client.lastPong is not None and client.pacer.sent_total >= 5  # pings, answered
        assert "order_book:0" in server_topics(sim)
        assert sessions  # both were connected at the start
    finally:
        sim.stream.settings.idle_timeout = 120.0
        for ex in (quiet, chatty):
            await ex.close()


async def test_subscription_cap_opens_another_connection(sim):
    sim.stream.settings.max_subscriptions = 3
    ex = make_exchange(sim, wsConnection={"maxSubscriptionsPerConnection": 3})
    try:
        await ex.load_markets()
        books = await asyncio.gather(*(ex.watch_order_book(s) for s in (ETH, BTC, SOL)))
        tickers = await asyncio.gather(ex.watch_ticker(ETH), ex.watch_ticker(BTC))
        assert [b["symbol"] for b in books] == [ETH, BTC, SOL] and [t["symbol"] for t in tickers] == [ETH, BTC]
        assert len(ex._ws_clients()) == 2 and len(sim.stream.sessions) == 2
        assert all(len(s.subs) <= 3 for s in sim.stream.sessions)
    finally:
        sim.stream.settings.max_subscriptions = 500
        await ex.close()


async def test_message_rate_and_inflight_limits_are_queued_not_exceeded(sim):
    settings = sim.stream.settings
    settings.max_messages_per_minute, settings.message_window, settings.max_inflight = 4, 1.0, 2
    ex = make_exchange(sim, wsConnection={"maxMessagesPerMinute": 4, "messageWindow": 1.0, "maxInflight": 2})
    errors = []
    original = ex._ws_on_error_frame
    ex._ws_on_error_frame = lambda client, message: (errors.append(message), original(client, message))
    try:
        await ex.load_markets()
        symbols = [ETH, BTC, SOL]
        results = await asyncio.gather(*(ex.watch_order_book(s) for s in symbols),
                                       *(ex.watch_ticker(s) for s in symbols),
                                       *(ex.watch_bids_asks([s]) for s in symbols))
        assert len(results) == 9 and not errors  # 9 subscribes, never a 30009/30010
        await ex.un_watch_order_book(ETH)
        assert await settle(lambda: "order_book:0" not in server_topics(sim), attempts=500)
        assert not errors
    finally:
        settings.max_messages_per_minute, settings.message_window, settings.max_inflight = 200, 60.0, 50
        await ex.close()


async def watching_orders(ex, sim, account):
    """A watchOrders call in progress once the venue lists its channel; (that call, trading state)."""
    await ex.load_markets()
    first = asyncio.ensure_future(ex.watch_orders())
    assert await settle(lambda: f"account_all_orders:{account}" in server_topics(sim))
    return first, ex._lighter_state


async def test_auth_token_renewal_resubscribes_private_channels(sim, sim_account):
    ex = make_exchange(sim, sim_account)
    account = sim_account["account_index"]
    try:
        first, state = await watching_orders(ex, sim, account)
        made = state.auth.created
        deadline = state.auth.deadline(account, 4)
        client = ex._ws_main_client()
        await ex._ws_refresh_auth(client)
        assert await settle(lambda: state.auth.created == made + 1 and client.pacer.oldest_inflight() is None)
        assert state.auth.deadline(account, 4) >= deadline
        assert f"account_all_orders:{account}" in server_topics(sim)
        waiting = asyncio.ensure_future(ex.watch_orders())
        await asyncio.sleep(0)
        placed = await ex.create_order(ETH, "limit", "buy", 0.01, bid_below(sim, 0.9))
        orders = await asyncio.wait_for(waiting, 10)
        assert placed["id"] in {o["id"] for o in orders}
        assert first.done() and placed["id"] in {o["id"] for o in first.result()}
    finally:
        await ex.close()


async def test_the_renewal_timer_fires_on_its_own_before_each_deadline(sim, sim_account):
    """Tokens of 60 s, renewed 59 s before expiry: the timer alone renews (and resubscribes) about once
    a second, each time for the new token's deadline, and the stream keeps delivering."""
    ex = make_exchange(sim, sim_account, authTokenLifetime=60, wsConnection={"authRefreshMargin": 59})
    account = sim_account["account_index"]
    try:
        first, state = await watching_orders(ex, sim, account)
        made, deadline = state.auth.created, state.auth.deadline(account, 4)
        assert await settle(lambda: state.auth.created >= made + 2, attempts=1000)  # no call of ours
        assert state.auth.deadline(account, 4) > deadline
        assert f"account_all_orders:{account}" in server_topics(sim)
        placed = await ex.create_order(ETH, "limit", "buy", 0.01, bid_below(sim, 0.9))
        seen = set()
        while placed["id"] not in seen:
            seen |= {o["id"] for o in await asyncio.wait_for(ex.watch_orders(), 10)}
        assert first.done()
    finally:
        await ex.close()


def test_refresh_is_scheduled_before_the_deadline():
    from ccxt_lighter.pro import lighter

    ex = lighter({"options": {"wsConnection": {"authRefreshMargin": 300}}})
    assert ex.ws_option("authRefreshMargin") == 300
    assert ex.ws_option("maxSubscriptionsPerConnection") == 500  # defaults fill what is not given


async def test_without_reconnect_watchers_get_network_error_and_no_stale_book(sim):
    from ccxt.base.errors import NetworkError

    ex = make_exchange(sim, wsConnection={"reconnect": False})
    try:
        await ex.load_markets()
        await ex.watch_order_book(ETH)
        waiting = asyncio.ensure_future(ex.watch_order_book(ETH))
        await asyncio.sleep(0)
        for session in list(sim.stream.sessions):
            session.drop()
        with pytest.raises(NetworkError):
            await asyncio.wait_for(waiting, 10)
        assert len(ex.orderbooks[ETH]["asks"]) == 0  # the dead stream's book is not left behind
        book = await asyncio.wait_for(ex.watch_order_book(ETH), 10)  # a new watch starts afresh
        assert book_levels(book) == engine_levels(sim, 0)[:2]
    finally:
        await ex.close()


async def test_backoff_gives_up_after_max_attempts_when_the_venue_is_gone():
    from ccxt.base.errors import NetworkError

    from ccxt_lighter.sim import Simulator

    sim = await Simulator(port=0, seed=1, flow=False).start()
    ex = make_exchange(sim, wsConnection={"maxReconnectAttempts": 3, "reconnectDelay": 0.01})
    try:
        await ex.load_markets()
        await ex.watch_order_book(ETH)
        waiting = asyncio.ensure_future(ex.watch_order_book(ETH))
        await asyncio.sleep(0)
        await sim.stop()  # the listening socket is gone: every redial is refused
        with pytest.raises(NetworkError):
            await asyncio.wait_for(waiting, 20)
        assert ex._ws_state()["reconnects"] == 3  # 1 after the drop + 2 failed dials, then ccxt's error
    finally:
        await ex.close()
        await sim.stop()
