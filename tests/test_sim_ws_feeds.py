"""Every /stream channel of the simulator: a snapshot on subscribe, then updates after engine
activity, with values equal to the engine's own state (REFERENCE.md 6.4; shapes of examples/ws_*.json)."""
from __future__ import annotations

import json
import os

from tests.conftest import EXAMPLES
from tests.test_sim_ws import connect, order  # noqa: F401  (fixture + helper reuse)

PUBLIC = ["order_book/0", "ticker/0", "trade/0", "market_stats/0", "market_stats/all", "candle/0/1m", "height"]


def example(name: str) -> dict:
    with open(os.path.join(EXAMPLES, name)) as fh:
        return json.load(fh)


def by_type(frames: list) -> dict:
    out: dict = {}
    for frame in frames:
        out.setdefault(frame.get("type"), []).append(frame)
    return out


async def test_public_channels_snapshot_then_update_after_a_trade(sim, connect, sim_trader):
    conn = await connect()
    snaps = {ch: await conn.subscribe(ch) for ch in PUBLIC + ["spot_market_stats/all", "spot_market_stats/2048"]}
    for ch, snap in snaps.items():
        name = ch.split("/")[0]
        assert snap["type"] == f"subscribed/{name}", snap
        assert snap["channel"] == ch.replace("/", ":") and isinstance(snap["timestamp"], int)
    assert set(snaps["ticker/0"]) == set(example("ws_ticker_subscribed.json"))
    assert set(snaps["trade/0"]) >= set(example("ws_trade_subscribed.json"))
    assert set(snaps["market_stats/0"]["market_stats"]) >= set(example("ws_market_stats_update.json")["market_stats"])
    assert set(snaps["market_stats/all"]["market_stats"]) == {"0", "1", "2"}
    assert set(snaps["spot_market_stats/all"]["spot_market_stats"]) == {"2048"}
    assert snaps["spot_market_stats/2048"]["spot_market_stats"]["market_id"] == 2048
    assert snaps["height"]["height"] == sim.engine.height

    status, body, signed = await sim_trader.send(order(1, 301000, base=100, ioc=True))  # lifts the best ask
    assert status == 200, body
    got = by_type(await conn.barrier())
    for name in ("order_book", "ticker", "trade", "market_stats", "candle", "height"):
        assert f"update/{name}" in got, (name, sorted(got))

    trade = sim.engine.recent_trades(0, 1)[0]
    assert got["update/trade"][-1]["trades"] == [trade] and trade["tx_hash"] == signed.tx_hash
    asks, bids, nonce = sim.engine.book_levels(0, depth=1)
    ticker = got["update/ticker"][-1]
    assert (ticker["ticker"]["a"]["price"], ticker["ticker"]["a"]["size"]) == asks[0]
    assert ticker["nonce"] == nonce and ticker["ticker"]["s"] == "ETH"
    stats = {f["channel"]: f["market_stats"] for f in got["update/market_stats"]}
    assert stats["market_stats:0"] == sim.engine.market_stats(0)
    assert stats["market_stats:all"] == {"0": sim.engine.market_stats(0)}  # only the market that moved
    assert stats["market_stats:0"]["last_trade_price"] == trade["price"]
    assert got["update/height"][-1]["height"] == sim.engine.height
    candle = got["update/candle"][-1]["candles"][0]
    assert candle == sim.engine.candles(0, "1m", count=1)[-1] and candle["c"] == float(trade["price"])


ACCOUNT = ["account_all/{a}", "account_market/0/{a}", "account_orders/0/{a}", "account_all_orders/{a}",
           "account_all_trades/{a}", "account_all_positions/{a}", "account_all_assets/{a}", "user_stats/{a}",
           "account_tx/{a}", "notification/{a}"]


async def test_account_channels_snapshot_then_update_after_a_fill(sim, connect, sim_trader):
    a = sim_trader.index
    conn = await connect()
    token = sim_trader.token()
    for template in ACCOUNT:
        ch = template.format(a=a)
        snap = await conn.subscribe(ch, auth=token)
        assert snap["type"] == "subscribed/" + ch.split("/")[0] and snap["channel"] == ch.replace("/", ":"), snap
    status, body, signed = await sim_trader.send(order(3, 301000, base=100, ioc=True))
    assert status == 200, body
    got = by_type(await conn.barrier())
    for template in ACCOUNT[:-1]:  # notification only fires on a liquidation (next test)
        name = template.split("/")[0]
        assert f"update/{name}" in got, (name, sorted(got))

    trade = sim.engine.account_trades(a, 1)[0]
    assert got["update/account_all_trades"][-1]["trades"] == {"0": [trade]}
    position = sim.engine.account_positions(a)[0]
    assert got["update/account_all_positions"][-1]["positions"] == {"0": position}
    assert position["position"] == "0.0100" and position["sign"] == 1
    assert got["update/account_market"][-1]["position"] == position
    assert got["update/user_stats"][-1]["stats"] == sim.engine.account_stats(a)
    assets = got["update/account_all_assets"][-1]["assets"]
    assert assets == {str(k): v for k, v in sim.engine.account_assets(a).items()}
    txs = got["update/account_tx"][-1]["txs"]
    assert txs[0]["hash"] == signed.tx_hash and txs[0]["type"] == 14
    orders = got["update/account_orders"][-1]
    assert orders["account"] == a and orders["orders"]["0"][0]["client_order_index"] == 3
    assert got["update/account_all_orders"][-1]["orders"]["0"][0]["status"] == orders["orders"]["0"][0]["status"]


async def test_liquidation_reaches_notification_and_trade_channels(sim, connect, signer_backend):
    from tests.fixtures_sim import SimTrader
    import aiohttp

    private_key, public_key = signer_backend.generate_api_key()
    a = sim.engine.create_account("20", {4: public_key})
    async with aiohttp.ClientSession() as session:
        trader = SimTrader(sim, {"account_index": a, "api_key_index": 4, "private_key": private_key}, signer_backend,
                           session)
        status, body, _ = await trader.send(order(1, 301000, base=500, ioc=True))  # 0.05 ETH long, ~5 USDC margin
        assert status == 200, body
        conn = await connect()
        await conn.subscribe(f"notification/{a}", auth=trader.token())
        await conn.subscribe("trade/0")
        sim.engine.set_mark_price(0, 250000)  # -500 USDC per ETH: far below maintenance margin
        got = by_type(await conn.barrier())
    notif = got["update/notification"][-1]["notifs"][0]
    assert notif["kind"] == "liquidation" and notif["account_index"] == a and notif["content"]["market_index"] == 0
    assert notif["content"]["size"] == "0.0500"
    liquidations = [t for f in got["update/trade"] for t in f["liquidation_trades"]]
    assert liquidations and liquidations[0]["type"] == "liquidation"
    assert sim.engine.account_positions(a).get(0, {}).get("position", "0.0000") == "0.0000"
