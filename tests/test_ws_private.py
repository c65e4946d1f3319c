"""Account streams end to end against the simulator: watchOrders, watchMyTrades, watchPositions,
watchBalance, watchMyLiquidations (+ the public watchLiquidations), each with its un_watch."""
import asyncio

import pytest
from ccxt.base.errors import AuthenticationError

from tests.ws_support import BTC, ETH, make_exchange, post, server_topics, settle

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def ex(sim, sim_account):
    exchange = make_exchange(sim, sim_account)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


def best(sim, market_id=0):
    asks, bids, _ = sim.engine.book_levels(market_id, depth=1)
    return float(asks[0][0]), float(bids[0][0])


async def next_update(coro_factory, predicate, rounds=50):
    for _ in range(rounds):
        result = await asyncio.wait_for(coro_factory(), 10.0)
        if predicate(result):
            return result
    raise AssertionError("no matching update")


async def test_watch_orders_follows_create_and_cancel(sim, sim_account, ex):
    ask, bid = best(sim)
    watcher = asyncio.ensure_future(ex.watch_orders(ETH))
    await settle(lambda: f"account_all_orders:{sim_account['account_index']}" in server_topics(sim))
    placed = await ex.create_order(ETH, "limit", "buy", 0.01, round(bid * 0.9, 2))
    orders = await asyncio.wait_for(watcher, 10.0)
    mine = [o for o in orders if o["id"] == placed["id"]]
    assert mine and mine[-1]["status"] == "open" and mine[-1]["symbol"] == ETH
    assert mine[-1]["amount"] == 0.01 and mine[-1]["side"] == "buy"
    waiting = asyncio.ensure_future(next_update(lambda: ex.watch_orders(ETH),
                                                lambda os: any(o["id"] == placed["id"] and o["status"] == "canceled"
                                                               for o in os)))
    await ex.cancel_order(placed["id"], ETH)
    await waiting
    assert ex.orders.hashmap[ETH][placed["id"]]["status"] == "canceled"
    await ex.un_watch_orders(ETH)
    assert await settle(lambda: not any(t.startswith("account_all_orders") for t in server_topics(sim)))


async def test_fills_positions_balance_and_unwatch(sim, sim_account, ex):
    account = sim_account["account_index"]
    trades_w = asyncio.ensure_future(next_update(lambda: ex.watch_my_trades(), lambda ts: len(ts) > 0))
    positions_w = asyncio.ensure_future(next_update(lambda: ex.watch_positions([ETH]),
                                                    lambda ps: any(p["contracts"] for p in ps)))
    balance = await ex.watch_balance()
    stats = sim.engine.account_stats(account)
    assert balance["USDC"]["total"] == float(stats["portfolio_value"])
    assert balance["USDC"]["free"] == float(stats["available_balance"])
    await settle(lambda: f"account_all_trades:{account}" in server_topics(sim)
                 and f"account_all_positions:{account}" in server_topics(sim))
    balance_w = asyncio.ensure_future(next_update(lambda: ex.watch_balance(), lambda b: b["USDC"]["used"] > 0))
    await asyncio.sleep(0)
    await ex.create_order(ETH, "market", "buy", 0.05)
    trades = await trades_w
    fill = trades[-1]
    assert fill["symbol"] == ETH and fill["side"] == "buy" and fill["takerOrMaker"] == "taker"
    assert fill["fee"]["currency"] == "USDC" and fill["amount"] > 0
    positions = await positions_w
    position = [p for p in positions if p["symbol"] == ETH][-1]
    engine_position = sim.engine.account_positions(account)[0]
    assert position["side"] == "long" and position["contracts"] == float(engine_position["position"])
    # the balance stream follows the margin now in use
    moved = await balance_w
    assert moved["USDC"]["total"] == pytest.approx(float(sim.engine.account_stats(account)["portfolio_value"]))
    await ex.un_watch_my_trades()
    await ex.un_watch_positions([ETH])
    await ex.un_watch_balance()
    assert await settle(lambda: not any(t.endswith(f":{account}") for t in server_topics(sim)))
    assert ex.myTrades is None and ex.positions is None


async def test_spot_balance(sim, signer_backend):
    private_key, public_key = signer_backend.generate_api_key()
    body = await post(sim, "/sim/accounts", {"collateral": "100", "api_keys": {"4": public_key},
                                             "spot": {"3": "250", "1": "1.5"}})
    account = {"account_index": body["account_index"], "api_key_index": 4, "private_key": private_key}
    ex = make_exchange(sim, account)
    try:
        balance = await ex.watch_balance({"type": "spot"})
        assert balance["ETH"]["total"] == 1.5 and balance["USDC"]["total"] == 250.0
        assert balance["ETH"]["used"] == 0 and balance["ETH"]["free"] == 1.5
        await ex.un_watch_balance({"type": "spot"})
        assert await settle(lambda: f"account_all_assets:{account['account_index']}" not in server_topics(sim))
    finally:
        await ex.close()


async def funded_exchange(sim, signer_backend, collateral: str):
    private_key, public_key = signer_backend.generate_api_key()
    body = await post(sim, "/sim/accounts", {"collateral": collateral, "api_keys": {"4": public_key}})
    account = body["account_index"]
    ex = make_exchange(sim, {"account_index": account, "api_key_index": 4, "private_key": private_key})
    await ex.load_markets()
    return ex, account


async def test_liquidations_public_and_mine(sim, signer_backend):
    """Two thin accounts are liquidated by one mark move; one exchange watches with the single-symbol
    methods, the other with the *ForSymbols ones."""
    (one, first), (two, second) = [await funded_exchange(sim, signer_backend, "60") for _ in range(2)]
    try:
        sizes = {}
        for ex, account in ((one, first), (two, second)):
            await ex.create_order(ETH, "market", "buy", 0.15)
            sizes[account] = float(sim.engine.account_positions(account)[0]["position"])
            assert sizes[account] > 0
        waits = [
            next_update(lambda: one.watch_my_liquidations(ETH), lambda ls: len(ls) > 0),
            next_update(lambda: one.watch_liquidations(ETH), lambda ls: len(ls) > 0),
            next_update(lambda: two.watch_my_liquidations_for_symbols([ETH, BTC]), lambda ls: len(ls) > 0),
            next_update(lambda: two.watch_liquidations_for_symbols([ETH, BTC]), lambda ls: len(ls) > 0),
        ]
        tasks = [asyncio.ensure_future(w) for w in waits]
        await settle(lambda: {f"notification:{first}", f"notification:{second}", "trade:0", "trade:1"}
                     <= server_topics(sim))
        await post(sim, "/sim/mark_price", {"market_id": 0, "price": "1500.00"})
        await post(sim, "/sim/advance", {"seconds": 1})
        mine_one, public_one, mine_two, public_two = await asyncio.wait_for(asyncio.gather(*tasks), 20.0)
        for mine, account in ((mine_one, first), (mine_two, second)):
            liq = mine[-1]
            assert liq["symbol"] == ETH and liq["contracts"] == sizes[account] and liq["side"] == "sell"
            assert liq["price"] == 1500.0
            assert float((sim.engine.account_positions(account).get(0) or {"position": "0"})["position"]) == 0
        assert {x["contracts"] for x in public_one} <= set(sizes.values()) and public_one[-1]["symbol"] == ETH
        assert public_two[-1]["symbol"] == ETH
        await one.un_watch_my_liquidations(ETH)
        await one.un_watch_liquidations(ETH)
        await two.un_watch_my_liquidations(ETH)
        await two.un_watch_my_liquidations(BTC)
        await two.un_watch_liquidations_for_symbols([ETH, BTC])
        assert await settle(lambda: not {f"notification:{first}", f"notification:{second}", "trade:0", "trade:1"}
                            & server_topics(sim))
    finally:
        await one.close()
        await two.close()


async def test_private_watch_without_credentials_sends_nothing(sim):
    ex = make_exchange(sim)
    try:
        with pytest.raises(AuthenticationError):
            await ex.watch_orders()
        assert not ex.clients  # refused before any socket was opened
    finally:
        await ex.close()


async def test_watch_orders_symbol_filter(sim, sim_account, ex):
    """watchOrders(symbol) delivers only that market's orders; the unfiltered watch sees both."""
    seen = set()
    everything = asyncio.ensure_future(next_update(lambda: ex.watch_orders(),
                                                   lambda os: seen.update(o["symbol"] for o in os) or len(seen) == 2))
    eth_only = asyncio.ensure_future(ex.watch_orders(ETH))
    await settle(lambda: f"account_all_orders:{sim_account['account_index']}" in server_topics(sim))
    ask, bid = best(sim)
    await ex.create_order(ETH, "limit", "buy", 0.01, round(bid * 0.9, 2))
    btc_ask, btc_bid = best(sim, 1)
    await ex.create_order(BTC, "limit", "sell", 0.001, round(btc_ask * 1.2, 1))
    assert {o["symbol"] for o in await asyncio.wait_for(eth_only, 10.0)} == {ETH}
    await everything
    assert seen == {ETH, BTC}


async def test_verbose_logs_never_show_tokens_or_signatures(sim, sim_account):
    import re

    lines = []
    ex = make_exchange(sim, sim_account)
    ex.verbose = True
    ex.log = lambda *args: lines.append(" ".join(str(a) for a in args))  # ccxt's client logs through it
    try:
        await ex.load_markets()
        watcher = asyncio.ensure_future(ex.watch_orders())
        await settle(lambda: f"account_all_orders:{sim_account['account_index']}" in server_topics(sim))
        await ex.create_order_ws(ETH, "limit", "buy", 0.01, round(best(sim)[1] * 0.9, 2))
        await asyncio.wait_for(watcher, 10)
        token = await ex.auth_token()
        text = "\n".join(lines)
        assert "sending" in text and "account_all_orders" in text  # the frames were logged...
        assert token not in text and token.split(":")[-1] not in text  # ...without the token
        assert "'auth': '<redacted>'" in text and "'tx_info': '<redacted>'" in text
        assert not re.search(r"'Sig': '[A-Za-z0-9+/=]{20,}", text)
    finally:
        await ex.close()
