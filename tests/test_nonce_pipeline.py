"""Pipelined sends (NonceManager.pipeline): several txs of one key in flight, out-of-order arrival,
holes left by refused txs, the in-flight window, and the one-at-a-time switch.

Unit tests drive the manager with a small in-memory server that has Lighter's nonce rule (exactly
the next nonce, a refused tx does not consume it) and lets each test decide when a request arrives.
End-to-end tests use the real simulator with its ``latency_ms`` fault; overlap is proven by counting
concurrent transmissions, never by timing.
"""
import asyncio

import pytest
from ccxt.base.errors import InvalidNonce, InvalidOrder

from ccxt_lighter.nonce import NonceManager
from tests.private_support import SYMBOL, account_state, admin, requests_to, trader
from tests.ws_support import make_exchange


class Server:
    """Lighter's nonce rule; ``hold`` lets a test make requests wait before they arrive."""

    def __init__(self, start=5):
        self.next = start
        self.accepted = []  # (label, nonce) in acceptance order
        self.arrivals = []  # (label, nonce) in arrival order
        self.fetches = 0
        self.refuse = set()  # labels the API refuses (HTTP 400, nonce not consumed)
        self.hold = {}  # label -> Event to wait for before the request arrives (first arrival only)
        self.signal = {}  # label -> Event set once that request has arrived (first arrival only)
        self.in_flight = self.max_in_flight = 0

    async def fetch(self):
        self.fetches += 1
        await asyncio.sleep(0)
        return self.next

    async def send(self, signed):
        label, nonce = signed
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            gate = self.hold.pop(label, None)
            if gate is not None:
                await gate.wait()
            await asyncio.sleep(0)
            self.arrivals.append(signed)
            if label in self.signal:
                self.signal.pop(label).set()
            if label in self.refuse:
                raise InvalidOrder(f"21702 invalid price ({label})")
            if nonce != self.next:
                raise InvalidNonce(f"21104 invalid nonce: got {nonce}, want {self.next}")
            self.accepted.append(signed)
            self.next += 1
            return signed
        finally:
            self.in_flight -= 1


def client(server, manager, label, signs, window=16):
    async def sign(first):
        signs.append((label, first))
        await asyncio.sleep(0)
        return (label, first)

    return manager.pipeline(1, sign, server.send, window=window)


async def test_out_of_order_arrival_resends_the_same_signed_tx():
    server = Server(start=5)
    mgr = NonceManager(1, 4, server.fetch)
    signs = []
    b_arrived = asyncio.Event()
    server.hold["a"] = b_arrived  # a (nonce 5) is overtaken on the wire by b (nonce 6)
    server.signal["b"] = b_arrived
    task_a = asyncio.ensure_future(client(server, mgr, "a", signs))
    task_b = asyncio.ensure_future(client(server, mgr, "b", signs))
    # b's first arrival is refused (21104): it waits for a, then its same signed tx is sent again
    assert await asyncio.gather(task_a, task_b) == [("a", 5), ("b", 6)]
    assert server.arrivals == [("b", 6), ("a", 5), ("b", 6)]
    assert server.accepted == [("a", 5), ("b", 6)]  # no nonce skipped, none used twice
    assert signs == [("a", 5), ("b", 6)]  # nothing re-signed
    assert (mgr.resends, mgr.resyncs, mgr.hole_resigns, server.fetches) == (1, 0, 0, 1)
    assert mgr.next_nonce == 7 and mgr.in_flight == 0 and mgr.max_in_flight == 2


async def test_refused_tx_leaves_a_hole_that_later_txs_recover_from():
    server = Server(start=10)
    mgr = NonceManager(1, 4, server.fetch)
    signs = []
    all_sent = asyncio.Event()
    for label in ("x", "y", "z"):
        server.hold[label] = all_sent  # x (10), y (11), z (12) are all in flight before any arrives
    server.refuse.add("x")
    tasks = [asyncio.ensure_future(client(server, mgr, label, signs)) for label in ("x", "y", "z")]
    while len(signs) < 3:
        await asyncio.sleep(0)
    all_sent.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(results[0], InvalidOrder)  # the refusal reaches its caller
    assert sorted(results[1:]) == [("y", 10), ("z", 11)]  # re-signed into the hole, in order
    assert server.accepted == [("y", 10), ("z", 11)]  # none lost, none duplicated, no gap
    assert sorted(s for s in signs if s[0] != "x") == [("y", 10), ("y", 11), ("z", 11), ("z", 12)]
    assert mgr.hole_resigns == 2 and mgr.resyncs == 0
    assert server.fetches == 2  # the counter was re-read once nothing was in flight
    assert mgr.next_nonce == 12 and mgr.in_flight == 0


async def test_own_21104_is_resigned_once_then_raises():
    server = Server(start=3)
    mgr = NonceManager(1, 4, server.fetch)
    signs = []
    await client(server, mgr, "warm", signs)  # counter known: 4

    async def bad_sign(first):
        signs.append(("bad", first))
        return ("bad", first + 100)  # always a wrong nonce on the wire

    with pytest.raises(InvalidNonce):
        await mgr.pipeline(1, bad_sign, server.send)
    assert [s for s in signs if s[0] == "bad"] == [("bad", 4), ("bad", 4)]  # re-signed exactly once
    assert mgr.resyncs == 1 and mgr.next_nonce is None  # forgotten: re-read before the next tx
    assert await client(server, mgr, "after", signs) == ("after", 4)


async def test_window_bounds_txs_in_flight():
    server = Server(start=0)
    mgr = NonceManager(1, 4, server.fetch)
    signs = []
    release = asyncio.Event()
    labels = [f"t{i}" for i in range(10)]
    for label in labels:
        server.hold[label] = release
    tasks = [asyncio.ensure_future(client(server, mgr, label, signs, window=3)) for label in labels]
    while len(signs) < 3:
        await asyncio.sleep(0)
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(signs) == 3 and server.in_flight == 3  # the rest queue until one is answered
    release.set()
    await asyncio.gather(*tasks)
    assert [n for _, n in server.accepted] == list(range(10))
    assert server.max_in_flight == 3 and mgr.max_in_flight == 3


def count_transmits(ex):
    """Wrap the exchange's transport hook to count concurrent transmissions (instrumentation)."""
    seen = {"now": 0, "max": 0, "calls": 0}
    original = ex._transmit

    async def counted(*args, **kwargs):
        seen["now"] += 1
        seen["calls"] += 1
        seen["max"] = max(seen["max"], seen["now"])
        try:
            return await original(*args, **kwargs)
        finally:
            seen["now"] -= 1

    ex._transmit = counted
    return seen


def _orders(n):
    return [(SYMBOL, "limit", "buy", 0.01, 1000 + i * 0.5) for i in range(n)]


@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "one-at-a-time"])
async def test_concurrent_orders_on_one_key(make_lighter, sim, sim_account, pipelined):
    ex = trader(make_lighter, sim, sim_account, pipelineTransactions=pipelined)
    await ex.load_markets()
    warm = await ex.create_order(SYMBOL, "limit", "buy", 0.02, 900)  # key checked, nonce known
    await admin(sim, "/sim/faults", {"latency_ms": 30})
    seen = count_transmits(ex)
    placed = await asyncio.gather(*(ex.create_order(*args) for args in _orders(40)))
    manager = ex._lighter_state.pool.managers[0]
    if pipelined:
        assert 1 < seen["max"] <= 16  # several txs of one key overlapped, within the window
        assert 1 < manager.max_in_flight <= 16
    else:
        assert seen["max"] == 1 and manager.max_in_flight == 0  # one per round trip, as before
    state = account_state(sim, sim_account["account_index"])
    ids = [o["id"] for o in placed]
    assert len(set(ids)) == 40
    resting = sorted(str(o["client_order_index"]) for o in state["open_orders"])
    assert resting == sorted(ids + [warm["id"]])  # each landed exactly once (+ the warm-up)
    assert state["api_keys"]["4"]["nonce"] == 41
    assert seen["calls"] == requests_to(sim, "/api/v1/sendTx") - 1 == 40  # no resends were needed


async def test_ws_orders_pipeline_on_one_key(make_lighter, sim, sim_account):
    """One WebSocket keeps the order, so WS orders of one key simply overlap."""
    ex = make_exchange(sim, sim_account)
    await ex.load_markets()
    await admin(sim, "/sim/faults", {"latency_ms": 20})
    seen = count_transmits(ex)
    placed = await asyncio.gather(*(ex.create_order_ws(*args) for args in _orders(20)))
    assert seen["max"] > 1
    state = account_state(sim, sim_account["account_index"])
    assert sorted(str(o["client_order_index"]) for o in state["open_orders"]) == sorted(o["id"] for o in placed)
    assert state["api_keys"]["4"]["nonce"] == 20
    await ex.close()
