"""Simulator through its real server: sequencer-style (async) rejections vs the default sync ones,
TWAP driven by ``/sim/advance``, sendTx ``price_protection``, admin API keys for sub-accounts, and
the engine state the /stream layer now serves (book update time, funding histories, notifications,
``ws_idle_timeout``)."""
from __future__ import annotations

import json
import time

import aiohttp
import pytest

from ccxt_lighter.orders import CancelOrder, CreateOrder, CreateSubAccount, OrderSpec, Transfer
from ccxt_lighter.sim import Simulator
from ccxt_lighter.sim import events as ev
from ccxt_lighter.sim.engine import Engine
from tests.fixtures_sim import FIXED_WALL, SimTrader, TxMaker
from tests.test_sim_ws import Conn, connect  # noqa: F401  (fixture reuse)

HOUR_MS = 3_600_000


def _limit(coi, price, base=500, ask=0, reduce_only=0):
    expiry = int(time.time() * 1000) + HOUR_MS
    return CreateOrder(OrderSpec(0, coi, base, price, ask, 0, 1, reduce_only, 0, expiry))


async def _post(session, sim, path, body):
    async with session.post(sim.rest_url + path, json=body) as resp:
        return resp.status, await resp.json()


# -- sequencer rejections ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_margin_reduce_only_and_unknown_order_failures(mode, signer_backend):
    async with Simulator(port=0, seed=1, flow=False, sequencer_rejections=mode) as sim:
        private, public = signer_backend.generate_api_key()
        account = sim.engine.create_account("100", {4: public})  # 2000 USDC of exposure at 20x
        txs = []
        sim.engine.add_listener(lambda e: txs.append(e.tx) if isinstance(e, ev.TxProcessed) else None)
        async with aiohttp.ClientSession() as session:
            t = SimTrader(sim, {"account_index": account, "api_key_index": 4, "private_key": private}, signer_backend,
                          session)
            status, body, signed = await t.send(_limit(1, 290000, base=7000))  # 2030 USDC: no margin
            reduce = t.sign(_limit(2, 310000, ask=1, reduce_only=1), nonce=t.nonce)  # no position to reduce
            status2, body2 = await t.post("/api/v1/sendTx", {"tx_type": "14", "tx_info": reduce.tx_info})
            cancel = t.sign(CancelOrder(0, 12345), nonce=t.nonce + (status2 == 200))
            status3, body3 = await t.post("/api/v1/sendTx", {"tx_type": "15", "tx_info": cancel.tx_info})
            _, nonce = await t.get("/api/v1/nextNonce", {"account_index": account, "api_key_index": 4})
            _, inactive = await t.get("/api/v1/accountInactiveOrders", {"account_index": account, "limit": 10},
                                      auth=True)
            _, stored = await t.get("/api/v1/tx", {"by": "hash", "value": signed.tx_hash})
        if mode == "sync":
            assert [(status, body["code"]), (status2, body2["code"]), (status3, body3["code"])] == [
                (400, 21739), (400, 21732), (400, 21600)]
            assert nonce["nonce"] == 0 and inactive["orders"] == [] and txs == []
            assert stored["code"] == 21500
            return
        assert (status, status2, status3) == (200, 200, 200) and body["tx_hash"] == signed.tx_hash
        assert nonce["nonce"] == 3  # the sequencer consumed every nonce
        assert stored["status"] == 0 and json.loads(stored["event_info"])["error"]["code"] == 21739
        assert [(o["client_order_index"], o["status"]) for o in inactive["orders"]] == [
            (2, "canceled-reduce-only"), (1, "canceled-margin-not-allowed")]
        assert [(tx["type"], tx["status"]) for tx in txs] == [(14, 0), (14, 0), (15, 0)]
        assert json.loads(txs[2]["event_info"]) == {"error": {"code": 21600,
                                                              "message": "given order is not an active limit order"}}
        assert sim.engine.account_json(account)["collateral"] == "100.000000"


def test_async_batch_goes_on_after_a_failed_tx():
    engine = Engine(verify_signatures=False, wall_clock=lambda: FIXED_WALL, sequencer_rejections="async")
    t = TxMaker(engine, collateral="100")
    infos = []
    for coi, base in ((1, 500), (2, 7000), (3, 600)):  # the 2nd needs more margin than is left
        infos.append(json.dumps(t.base(**t.order(coi=coi, base=base, price=290000 - coi))))
        t.nonce += 1
    hashes = engine.submit_batch([14, 14, 14], infos)
    assert [engine.ledger.tx("hash", h)["status"] for h in hashes] == [2, 0, 2]
    assert sorted(o["client_order_index"] for o in t.orders()) == [1, 3]
    assert engine.account_inactive_orders(t.account)[0]["status"] == "canceled-margin-not-allowed"
    dup = t.base(**t.order(coi=1, base=500, price=280000))
    failed = engine.submit_tx(14, json.dumps(dup))  # a duplicate client index leaves no order at all
    assert json.loads(engine.ledger.tx("hash", failed)["event_info"])["error"]["code"] == 21728
    assert len(engine.account_inactive_orders(t.account)) == 1 and engine.next_nonce(t.account, 4) == 4
    with pytest.raises(ValueError):
        Engine(sequencer_rejections="later")


# -- TWAP and price protection over REST ------------------------------------------------------------
async def test_twap_over_rest_is_driven_by_sim_advance(sim, sim_trader):
    t = sim_trader
    expiry = int(time.time() * 1000) + 600_000
    status, body, _ = await t.send(CreateOrder(OrderSpec(0, 5, 600, 301000, 0, 6, 1, 0, 0, expiry)))
    assert status == 200, body
    _, active = await t.get("/api/v1/accountActiveOrders", {"account_index": t.index}, auth=True)
    (parent,) = active["orders"]
    assert (parent["type"], parent["status"], parent["filled_base_amount"]) == ("twap", "open", "0.0030")
    async with aiohttp.ClientSession() as session:
        assert (await _post(session, sim, "/sim/advance", {"seconds": 700}))[0] == 200
    _, inactive = await t.get("/api/v1/accountInactiveOrders", {"account_index": t.index, "limit": 100}, auth=True)
    slices = [o for o in inactive["orders"] if o["type"] == "twap-sub"]
    assert len(slices) == 20 and {o["parent_order_index"] for o in slices} == {parent["order_index"]}
    done = [o for o in inactive["orders"] if o["order_index"] == parent["order_index"]]
    assert done and done[0]["status"] == "filled" and done[0]["filled_base_amount"] == "0.0600"


async def test_price_protection_form_field(sim, sim_trader):
    t = sim_trader
    signed = t.sign(_limit(1, 460000))  # a buy 53 % above the mark
    status, body = await t.post("/api/v1/sendTx", {"tx_type": "14", "tx_info": signed.tx_info})
    assert (status, body["code"]) == (400, 21733)
    status, body = await t.post("/api/v1/sendTx", {"tx_type": "14", "tx_info": signed.tx_info,
                                                   "price_protection": "false"})
    assert status == 200 and body["tx_hash"] == signed.tx_hash


# -- admin: API keys for existing accounts ----------------------------------------------------------
async def test_admin_adds_keys_to_a_sub_account(sim, sim_trader, signer_backend):
    t = sim_trader
    status, body, signed = await t.send(CreateSubAccount())
    assert status == 200
    _, stored = await t.get("/api/v1/tx", {"by": "hash", "value": signed.tx_hash})
    sub = json.loads(stored["event_info"])["sub_account_index"]
    assert sim.engine.api_keys(sub) == []  # CreateSubAccount registers no key
    private, public = signer_backend.generate_api_key()
    async with aiohttp.ClientSession() as session:
        status, added = await _post(session, sim, f"/sim/accounts/{sub}/api_keys", {"api_keys": {"5": public}})
        assert status == 200 and added == {"account_index": sub, "api_keys": {"5": public}}
        assert (await _post(session, sim, "/sim/accounts/999999/api_keys", {"api_keys": {"5": public}}))[0] == 404
        assert (await _post(session, sim, f"/sim/accounts/{sub}/api_keys", {"api_keys": {"5": "zz" * 40}}))[0] == 400
        assert (await _post(session, sim, f"/sim/accounts/{sub}/api_keys", {"api_keys": {"255": public}}))[0] == 400
    assert (await t.send(Transfer(sub, 3, 0, 0, 500_000_000)))[0] == 200  # same owner: no L1 signature
    sub_trader = SimTrader(sim, {"account_index": sub, "api_key_index": 5, "private_key": private}, signer_backend,
                           t.session)
    status, body, _ = await sub_trader.send(_limit(9, 290000))
    assert status == 200, body
    assert sim.engine.account_orders(sub)[0][0]["client_order_index"] == 9


# -- what the /stream layer takes from the engine now -----------------------------------------------
async def test_stream_serves_engine_book_time_fundings_and_notifications(sim, connect, sim_trader, signer_backend):
    t = sim_trader
    assert (await t.send(CreateOrder(OrderSpec(0, 1, 1000, 310000, 0, 1, 0))))[0] == 200  # long 0.1
    victim_key, victim_public = signer_backend.generate_api_key()
    victim = sim.engine.create_account("20", {4: victim_public})
    v = SimTrader(sim, {"account_index": victim, "api_key_index": 4, "private_key": victim_key}, signer_backend,
                  t.session)
    assert (await v.send(CreateOrder(OrderSpec(0, 1, 500, 310000, 0, 1, 0))))[0] == 200
    sim.engine.set_mark_price(0, 250000)  # the victim is liquidated before anyone subscribes
    conn = await connect()
    snap = await conn.subscribe("order_book/0")
    assert snap["last_updated_at"] == sim.engine.book_last_updated_at(0) == snap["order_book"]["last_updated_at"]
    notifs = await conn.subscribe(f"notification/{victim}", auth=v.token())
    assert notifs["notifs"] == sim.engine.account_notifications(victim) and notifs["notifs"][0]["kind"] == "liquidation"
    sim.engine.set_mark_price(0, 300000)
    await conn.subscribe(f"account_all/{t.index}", auth=t.token())
    sim.engine.advance(3600)  # a funding round
    updates = [f for f in await conn.barrier() if f["type"] == "update/account_all" and "funding_histories" in f]
    assert updates and updates[-1]["funding_histories"]["0"] == sim.engine.account_fundings(t.index, market_id=0)[:1]
    again = await (await connect()).subscribe(f"account_all/{t.index}", auth=t.token())
    assert again["funding_histories"]["0"] == sim.engine.account_fundings(t.index, market_id=0)


async def test_ws_idle_timeout_argument():
    async with Simulator(port=0, flow=False, ws_idle_timeout=0.3) as sim:
        assert sim.stream.settings.idle_timeout == 0.3
        async with aiohttp.ClientSession() as session:
            ws = await session.ws_connect(sim.ws_url, autoping=False)
            assert (await Conn(ws).recv())["type"] == "connected"
            msg = await ws.receive(timeout=20)
            assert msg.type == aiohttp.WSMsgType.CLOSE and msg.extra == "idle timeout"
