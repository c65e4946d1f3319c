"""The simulator's /stream WebSocket end to end: real aiohttp client, real server, real signatures.

Frames on one connection leave in order, so "send a ping, read until the pong" (``barrier``) returns
exactly the frames caused by everything that happened before it: no sleeps, no timed assertions.
"""
from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

import aiohttp
import pytest

from ccxt_lighter.orders import CreateOrder, OrderSpec

HOUR_MS = 3_600_000


class Conn:
    """A thin JSON wrapper over an aiohttp client WebSocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def send(self, obj) -> None:
        await self.ws.send_str(obj if isinstance(obj, str) else json.dumps(obj))

    async def recv(self) -> dict:
        msg = await self.ws.receive(timeout=20)  # a guard against hanging, not an assertion
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        return json.loads(msg.data)

    async def subscribe(self, channel: str, **extra) -> dict:
        await self.send(dict({"type": "subscribe", "channel": channel}, **extra))
        return await self.reply()

    async def reply(self) -> dict:
        """The next frame that is not a data update (snapshot, error, unsubscribed, pong, ...)."""
        while True:
            frame = await self.recv()
            if not str(frame.get("type", "")).startswith("update/"):
                return frame

    async def barrier(self) -> list:
        """Every frame queued before this point (the server answers the ping after them)."""
        await self.send({"type": "ping"})
        frames = []
        while True:
            frame = await self.recv()
            if frame == {"type": "pong"}:
                return frames
            frames.append(frame)


@pytest.fixture
async def connect(sim):
    async with aiohttp.ClientSession() as session:
        opened = []

        async def _connect(query: str = "") -> Conn:
            ws = await session.ws_connect(sim.ws_url + query, autoping=False)
            opened.append(ws)
            conn = Conn(ws)
            hello = await conn.recv()
            assert hello["type"] == "connected" and hello["session_id"]
            return conn

        yield _connect
        for ws in opened:
            await ws.close()


def order(coi: int, price: int, base: int = 100, ask: bool = False, ioc: bool = False, market: int = 0):
    expiry = 0 if ioc else int(time.time() * 1000) + HOUR_MS
    return CreateOrder(order=OrderSpec(market, coi, base, price, int(ask), 0, 0 if ioc else 1, 0, 0, expiry))


def apply(book: dict, levels: list) -> None:
    for level in levels:
        if Decimal(level["size"]) == 0:
            book.pop(level["price"], None)
        else:
            book[level["price"]] = level["size"]


# -- connection, keep-alive, idle ----------------------------------------------------------------
async def test_connected_ping_pong_and_protocol_ping(connect):
    conn = await connect()
    await conn.send({"type": "ping"})
    assert await conn.recv() == {"type": "pong"}
    await conn.ws.ping(b"hb")
    msg = await conn.ws.receive(timeout=20)
    assert msg.type == aiohttp.WSMsgType.PONG and msg.data == b"hb"


async def test_idle_connection_is_closed_but_pings_keep_it_open(sim, connect):
    sim.stream.settings.idle_timeout = 0.6
    quiet = await connect()
    msg = await quiet.ws.receive(timeout=20)
    assert msg.type == aiohttp.WSMsgType.CLOSE and msg.extra == "idle timeout"
    busy = await connect()
    for _ in range(8):  # 8 protocol pings, 0.15 s apart, span well past the idle timeout
        await busy.ws.ping()
        assert (await busy.ws.receive(timeout=20)).type == aiohttp.WSMsgType.PONG
        await asyncio.sleep(0.15)
    await busy.send({"type": "ping"})
    assert await busy.recv() == {"type": "pong"}


# -- subscribe / unsubscribe / errors ------------------------------------------------------------
async def test_subscription_errors_and_unsubscribe(sim, connect):
    conn = await connect()
    snap = await conn.subscribe("order_book/0")
    assert snap["type"] == "subscribed/order_book" and snap["channel"] == "order_book:0"
    dup = await conn.subscribe("order_book/0")
    assert dup == {"error": {"code": 30003, "message": "Already Subscribed to : order_book:0"}}
    bad = await conn.subscribe("order_book/77")
    assert bad["error"]["code"] == 30005
    await conn.send({"type": "unsubscribe", "channel": "order_book/0"})
    assert await conn.reply() == {"type": "unsubscribed", "channel": "order_book:0"}
    await conn.send({"type": "unsubscribe", "channel": "order_book/0"})
    assert await conn.reply() == {"error": {"code": 30002, "message": "Not Subscribed to : order_book:0"}}
    await conn.send("{not json")
    assert (await conn.reply())["error"]["code"] == 30000
    await conn.send({"type": "dance"})
    assert (await conn.reply())["error"]["code"] == 30001


async def test_unsubscribed_channel_gets_no_more_updates(sim, connect, sim_trader):
    conn = await connect()
    await conn.subscribe("order_book/0")
    await conn.send({"type": "unsubscribe", "channel": "order_book/0"})
    assert (await conn.reply())["type"] == "unsubscribed"
    status, body, _ = await sim_trader.send(order(1, 290000))
    assert status == 200, body
    assert await conn.barrier() == []


async def test_account_channels_need_a_valid_auth_token(sim, connect, sim_account, sim_trader):
    conn = await connect()
    a = sim_account["account_index"]
    other = sim.engine.create_account("10", {4: "ab" * 40})
    missing = await conn.subscribe(f"account_all_orders/{a}")
    assert missing["error"]["code"] == 20013
    garbage = await conn.subscribe(f"account_tx/{a}", auth="1:2:3:zz")
    assert garbage["error"]["code"] == 20013
    wrong_account = await conn.subscribe(f"account_all_orders/{other}", auth=sim_trader.token())
    assert wrong_account["error"]["code"] == 20013
    ok = await conn.subscribe(f"account_all_orders/{a}", auth=sim_trader.token())
    assert ok == {"orders": {}, "channel": f"account_all_orders:{a}", "timestamp": ok["timestamp"],
                  "type": "subscribed/account_all_orders"}
    # Channels the venue serves without a token (ccxt subscribes to them that way) still work.
    trades = await conn.subscribe(f"account_all_trades/{a}")
    assert trades["type"] == "subscribed/account_all_trades"


# -- order book continuity and faults ------------------------------------------------------------
async def test_order_book_snapshot_then_chained_deltas_rebuild_the_engine_book(sim, connect, sim_trader):
    conn = await connect()
    snap = await conn.subscribe("order_book/0")
    asks, bids, nonce = sim.engine.book_levels(0)
    book = snap["order_book"]
    assert book["begin_nonce"] == 0 and book["nonce"] == nonce
    assert [(x["price"], x["size"]) for x in book["asks"]] == list(asks)
    assert snap["offset"] == book["offset"] and snap["last_updated_at"] == book["last_updated_at"]
    local = {"asks": {x["price"]: x["size"] for x in book["asks"]},
             "bids": {x["price"]: x["size"] for x in book["bids"]}}
    for i, tx in enumerate([order(1, 295000), order(2, 296000, ask=True, base=200),
                            order(3, 300200, base=700, ioc=True), order(4, 294000)]):
        status, body, _ = await sim_trader.send(tx)
        assert status == 200, body
    updates = [f for f in await conn.barrier() if f["type"] == "update/order_book"]
    assert len(updates) >= 4
    last = nonce
    for frame in updates:
        assert frame["order_book"]["begin_nonce"] == last
        assert frame["offset"] == frame["order_book"]["offset"]
        last = frame["order_book"]["nonce"]
        apply(local["asks"], frame["order_book"]["asks"])
        apply(local["bids"], frame["order_book"]["bids"])
    asks, bids, nonce = sim.engine.book_levels(0)
    assert last == nonce
    assert local["asks"] == dict(asks) and local["bids"] == dict(bids)


async def test_book_gap_every_withholds_a_delta(sim, connect, sim_trader):
    sim.faults.update({"book_gap_every": 2})
    conn = await connect()
    snap = await conn.subscribe("order_book/0")
    for i in range(3):
        status, body, _ = await sim_trader.send(order(10 + i, 280000 + i))
        assert status == 200, body
    updates = [f["order_book"] for f in await conn.barrier() if f["type"] == "update/order_book"]
    assert len(updates) == 2  # the 2nd of 3 deltas was withheld
    assert updates[0]["begin_nonce"] == snap["order_book"]["nonce"]
    assert updates[1]["begin_nonce"] != updates[0]["nonce"]  # the gap a client must detect


async def test_ws_drop_after_messages_aborts_the_socket(sim, connect):
    sim.faults.update({"ws_drop_after_messages": 3})  # connected + 2 snapshots, then the drop
    conn = await connect()
    assert (await conn.subscribe("height"))["type"] == "subscribed/height"
    await conn.send({"type": "subscribe", "channel": "ticker/0"})
    assert (await conn.recv())["type"] == "subscribed/ticker"
    msg = await conn.ws.receive(timeout=20)
    assert msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE)
    assert conn.ws.close_code != 1000


# -- limits ---------------------------------------------------------------------------------------
async def test_subscription_and_message_limits(sim, connect, sim_trader):
    settings = sim.stream.settings
    settings.max_subscriptions, settings.max_messages_per_minute = 2, 3
    conn = await connect()
    await conn.subscribe("height")
    await conn.subscribe("ticker/0")
    assert (await conn.subscribe("trade/0"))["error"]["code"] == 23001
    assert (await conn.subscribe("trade/1"))["error"] == {"code": 30009, "message": "Too Many Websocket Messages!"}
    # sendtx frames are outside the message budget: this one still reaches the engine.
    signed = sim_trader.sign(order(1, 290000))
    await conn.send({"type": "jsonapi/sendtx", "data": {"id": "x", "tx_type": 14, "tx_info": json.loads(signed.tx_info)}})
    assert (await conn.reply())["tx_hash"] == signed.tx_hash


async def test_inflight_limit(sim, connect):
    sim.stream.settings.max_inflight = 2
    sim.faults.update({"latency_ms": 400})  # replies stay in flight while the next pings arrive
    conn = await connect()
    await conn.send({"type": "ping"})
    await conn.send({"type": "ping"})
    await conn.send({"type": "ping"})
    frames = [await conn.recv() for _ in range(3)]
    assert frames[:2] == [{"type": "pong"}, {"type": "pong"}]
    assert frames[2] == {"error": {"code": 30010, "message": "Too Many Inflight Messages!"}}


# -- sendtx / sendtxbatch -------------------------------------------------------------------------
async def test_sendtx_success_and_error_replies(sim, connect, sim_trader):
    conn = await connect()
    signed = sim_trader.sign(order(5, 290000))
    request = {"type": "jsonapi/sendtx", "data": {"id": "req-1", "tx_type": 14, "tx_info": json.loads(signed.tx_info)}}
    await conn.send(request)
    ok = await conn.reply()
    assert ok["code"] == 200 and ok["id"] == "req-1" and ok["type"] == "jsonapi/sendtx"
    assert ok["tx_hash"] == signed.tx_hash and isinstance(ok["predicted_execution_time_ms"], int)
    await conn.send(request)  # same nonce again
    assert await conn.reply() == {"error": {"code": 21104, "message": "invalid nonce"}, "id": "req-1"}
    await conn.send({"type": "jsonapi/sendtx", "data": {"id": "req-2", "tx_type": 14, "tx_info": signed.tx_info}})
    assert (await conn.reply())["error"]["code"] == 30007  # tx_info must be an object, not a string
    orders = sim.engine.account_orders(sim_trader.index, 0)[0]
    assert [o["client_order_index"] for o in orders] == [5]


async def test_sendtxbatch_success_and_error_replies(sim, connect, sim_trader):
    conn = await connect()
    first = sim_trader.sign(order(6, 290000), nonce=0)
    second = sim_trader.sign(order(7, 289000), nonce=1)
    data = {"id": "b1", "tx_types": json.dumps([14, 14]), "tx_infos": json.dumps([first.tx_info, second.tx_info])}
    await conn.send({"type": "jsonapi/sendtxbatch", "data": data})
    ok = await conn.reply()
    assert ok["code"] == 200 and ok["id"] == "b1" and ok["type"] == "jsonapi/sendtxbatch"
    assert ok["tx_hash"] == [first.tx_hash, second.tx_hash]
    gap = [sim_trader.sign(order(8, 288000), nonce=2), sim_trader.sign(order(9, 287000), nonce=4)]
    data = {"id": "b2", "tx_types": "[14, 14]", "tx_infos": json.dumps([s.tx_info for s in gap])}
    await conn.send({"type": "jsonapi/sendtxbatch", "data": data})
    assert await conn.reply() == {"error": {"code": 21105, "message": "batch transaction nonce is not increasing"},
                                  "id": "b2"}
    data = {"id": "b3", "tx_types": [14], "tx_infos": json.dumps([gap[0].tx_info])}
    await conn.send({"type": "jsonapi/sendtxbatch", "data": data})
    assert (await conn.reply())["error"]["code"] == 30007  # tx_types must be a JSON string
    assert sorted(o["client_order_index"] for o in sim.engine.account_orders(sim_trader.index, 0)[0]) == [6, 7]


async def test_readonly_connection_refuses_transactions(sim, connect, sim_trader):
    conn = await connect("?readonly=true")
    signed = sim_trader.sign(order(1, 290000))
    await conn.send({"type": "jsonapi/sendtx", "data": {"id": "ro", "tx_type": 14, "tx_info": json.loads(signed.tx_info)}})
    reply = await conn.reply()
    assert reply["error"]["code"] == 30006 and reply["id"] == "ro"
    assert sim.engine.account_orders(sim_trader.index) == {}
    assert (await conn.subscribe("height"))["type"] == "subscribed/height"  # reading still works


async def test_server_shutdown_notifies_and_closes_clients():
    from ccxt_lighter.sim import Simulator

    async with aiohttp.ClientSession() as session:
        async with Simulator(port=0, seed=1, flow=False) as simulator:
            ws = await session.ws_connect(simulator.ws_url)
            conn = Conn(ws)
            assert (await conn.recv())["type"] == "connected"
            await conn.subscribe("order_book/0")
        assert await conn.recv() == {"type": "shutdown", "close_in_ms": 0}
        msg = await ws.receive(timeout=20)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
