"""Trading speed: ccxt_lighter vs ccxt's in-tree ``ccxt.async_support.lighter``, same simulator, same run.

Both classes talk to one :class:`ccxt_lighter.sim.Simulator` on loopback. The simulator runs in a
process of its own (:mod:`bench.sim_process`; the venue is another machine, so its CPU time is not
taken from the clients), or inside this process with ``--sim-in-process``. Its signature checks are
off (so its cost does not dilute the clients' difference; ``--verify`` turns them on). Equal settings
(:mod:`bench.trading_clients`): ``enableRateLimit=False``, no builder/integrator fee, the same
official signer library. Each class trades on its own account (ours: sequential nonces; in-tree:
millisecond nonces with the skip-nonce attribute, its default).

Cases, each repeated ``--rounds`` times, the classes interleaved:

* ``createOrder`` x N sequential resting limit orders, then ``cancelOrder`` of each (N = ``--orders``);
* 50 orders: ours through one ``createOrders`` (one sendTxBatch) vs ours and in-tree as 50
  sequential ``createOrder`` calls (the in-tree class has no createOrders);
* ``createOrderWs`` x N sequential (jsonapi/sendtx on the open socket), both ccxt.pro-style classes.

Reported per order: wall time; time spent getting signatures (ours: awaiting the signer threads,
hop included; in-tree: its ``lighter_sign_*`` calls, made on the event loop's thread); time inside
the transport (``fetch`` = request + simulator + response; for the WS case, our ``_ws_send_request``
and the in-tree ``watch``); and the rest = the class's own work ("beyond the signer", target <= 0.3
ms for ours). Throughput ratio = in-tree time / ours time (target >= 2x).

A second table isolates each class's own code: the transport returns a canned sendTx answer and
the signer a canned signature, so only building, nonce handling, sign() and parsing are timed.

Concurrent case (:mod:`bench.trading_concurrent`; ``--concurrent N``, default 200; 0 skips it),
``--rounds`` times, the order of the clients rotating per round: N resting ``createOrder`` calls fired
at once through ``asyncio.gather`` on one fresh instance each, on a fresh account each -- in-tree with
one API key (its default millisecond nonces), ours with one key, ours with a pool of 4 keys of one
account (``apiPrivateKeys``; the extra keys registered through the simulator's
``POST /sim/accounts/{index}/api_keys``). Counted: calls that returned, calls that raised (by
exception class), and the new open orders the simulator holds afterwards (``GET /sim/state``).
Throughput = held orders / wall time: an order that failed earns no credit. The CPU time of this
process (clients and their signer threads; plus the simulator with ``--sim-in-process``) during a
burst is shown beside the wall time. Between rounds each account cancels all its orders; the
simulator's open-order limits are raised for everyone. ``--latency-ms L`` (default 0) delays every API
answer by L ms during this case only (the simulator's ``latency_ms`` fault, equal for all clients): a
stand-in for the network round trip; note that it never reorders requests, which a real network can.

Run: ``python bench/bench_trading.py [--orders 200] [--rounds 3] [--concurrent 200] [--latency-ms 0]
[--verify] [--sim-in-process]``
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from bench.sim_process import SimProcess  # noqa: E402
from bench.trading_clients import SYMBOL, make_in_tree, make_ours  # noqa: E402
from bench.trading_concurrent import allow_open_orders, concurrent_clients, concurrent_report, concurrent_rounds  # noqa: E402,E501
from ccxt_lighter.signer import get_backend  # noqa: E402
from ccxt_lighter.signer.locate import find_library  # noqa: E402
from ccxt_lighter.sim import Simulator  # noqa: E402

async def sequential_create_ws(ex, n, base):
    for i in range(n):
        await ex.create_order_ws(SYMBOL, "limit", "buy", 0.01, base + i * 0.01)


async def ws_round(ours, theirs, n, r):
    """createOrderWs (jsonapi/sendtx on the open socket), both ccxt.pro-style classes."""
    out = {}
    base = 1000 + r * 10
    out["createOrderWs ours"], _ = await timed(ours[1], lambda: sequential_create_ws(ours[0], n, base), n)
    out["createOrderWs in-tree"], _ = await timed(theirs[1], lambda: sequential_create_ws(theirs[0], n, base), n)
    await ours[0].cancel_all_orders()
    await theirs[0].cancel_all_orders()
    return out


async def timed(meter, coro_factory, count):
    meter.reset()
    start = time.perf_counter()
    result = await coro_factory()
    wall = time.perf_counter() - start
    per = 1000.0 / count
    return {"wall": wall * per, "sign": meter.sign * per, "http": meter.http * per,
            "own": (wall - meter.sign - meter.http) * per}, result


async def sequential_create(ex, n, base):
    ids = []
    for i in range(n):
        order = await ex.create_order(SYMBOL, "limit", "buy", 0.01, base + i * 0.01)
        ids.append(order["id"] or order["clientOrderId"])  # the in-tree class returns no id
    return ids


async def sequential_cancel(ex, ids, in_tree):
    for order_id in ids:
        if in_tree:
            await ex.cancel_order(None, SYMBOL, {"clientOrderId": order_id})
        else:
            await ex.cancel_order(order_id, SYMBOL)


def batch_of(n, base):
    return [{"symbol": SYMBOL, "type": "limit", "side": "buy", "amount": 0.01, "price": base + i * 0.01}
            for i in range(n)]


async def one_round(ours, theirs, n, r):
    out = {}
    base = 1000 + r * 10
    out["create ours"], ids = await timed(ours[1], lambda: sequential_create(ours[0], n, base), n)
    out["create in-tree"], tids = await timed(theirs[1], lambda: sequential_create(theirs[0], n, base), n)
    out["cancel ours"], _ = await timed(ours[1], lambda: sequential_cancel(ours[0], ids, False), n)
    out["cancel in-tree"], _ = await timed(theirs[1], lambda: sequential_cancel(theirs[0], tids, True), n)
    out["50 createOrders ours"], placed = await timed(ours[1], lambda: ours[0].create_orders(batch_of(50, base)), 50)
    out["50 createOrder ours"], seq = await timed(ours[1], lambda: sequential_create(ours[0], 50, base + 1), 50)
    out["50 createOrder in-tree"], tseq = await timed(theirs[1], lambda: sequential_create(theirs[0], 50, base + 1), 50)
    await ours[0].cancel_all_orders()
    await theirs[0].cancel_all_orders()
    return out


ANSWER = {"code": 200, "message": "", "tx_hash": "ab" * 40, "predicted_execution_time_ms": 1,
          "volume_quota_remaining": 1}


async def canned_fetch(url, method="GET", headers=None, body=None):
    return dict(ANSWER)


def isolate(ex, in_tree):
    """Canned transport and signer: what is left is the class's own work."""
    from ccxt_lighter.signer.base import SignedTx

    ex.fetch = canned_fetch
    if in_tree:
        ex.lighter_sign_create_order = lambda signer, request: [14, '{"Nonce":1}']
        ex.lighter_sign_cancel_order = lambda signer, request: [15, '{"Nonce":1}']
        return

    class Canned:
        def sign(self, tx, **kwargs):
            return SignedTx(tx.TX_TYPE, '{"Nonce":1}', "ab" * 40)

    ex._lighter_state.backend = Canned()
    ex.options["signerThreads"] = 0  # nothing to wait for: no thread hop either


async def isolated(ours, theirs, n):
    out = {}
    for name, ex, in_tree in (("ours", ours, False), ("in-tree", theirs, True)):
        isolate(ex, in_tree)
        start = time.perf_counter()
        ids = await sequential_create(ex, n, 1000)
        out[f"create {name}"] = (time.perf_counter() - start) * 1000 / n
        start = time.perf_counter()
        for order_id in ids:
            if in_tree:
                await ex.cancel_order(None, SYMBOL, {"clientOrderId": order_id})
            else:
                await ex.cancel_order(order_id, SYMBOL)
        out[f"cancel {name}"] = (time.perf_counter() - start) * 1000 / n
    return out


# ---------------------------------------------------------------------- concurrent createOrder
def report(rounds, args, alone=None):
    cases = list(rounds[0])
    print(f"per order, ms (median of {len(rounds)} rounds; N={args.orders}; simulator signature checks "
          f"{'on' if args.verify else 'off'})")
    print(f"{'case':26s} {'wall':>8s} {'signer':>8s} {'http':>8s} {'own':>8s}")
    med = {}
    for case in cases:
        med[case] = {k: statistics.median(r[case][k] for r in rounds) for k in ("wall", "sign", "http", "own")}
        m = med[case]
        print(f"{case:26s} {m['wall']:8.3f} {m['sign']:8.3f} {m['http']:8.3f} {m['own']:8.3f}")
    ratio = lambda a, b: med[b]["wall"] / med[a]["wall"]  # noqa: E731
    print()
    print(f"throughput ratio in-tree/ours, createOrder:                 {ratio('create ours', 'create in-tree'):.2f}x")
    print(f"throughput ratio in-tree/ours, cancelOrder:                 {ratio('cancel ours', 'cancel in-tree'):.2f}x")
    print(f"throughput ratio 50 in-tree createOrder / ours createOrders: "
          f"{ratio('50 createOrders ours', '50 createOrder in-tree'):.2f}x")
    print(f"throughput ratio in-tree/ours, createOrderWs:               "
          f"{ratio('createOrderWs ours', 'createOrderWs in-tree'):.2f}x")
    print(f"ours: createOrders vs 50 sequential createOrder:             "
          f"{ratio('50 createOrders ours', '50 createOrder ours'):.2f}x")
    print(f"ours beyond the signer (own work, excl. HTTP): create {med['create ours']['own']:.3f} ms, "
          f"cancel {med['cancel ours']['own']:.3f} ms, batch {med['50 createOrders ours']['own']:.3f} ms per order")
    if alone:
        print()
        print("isolated own work per call, ms (canned transport and signer):")
        for case, value in alone.items():
            print(f"  {case:20s} {value:8.3f}")


async def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--verify", action="store_true", help="simulator verifies signatures (slower)")
    parser.add_argument("--concurrent", type=int, default=200, help="orders per concurrent burst (0: skip)")
    parser.add_argument("--latency-ms", type=int, default=0, help="simulator answer delay in the concurrent case")
    parser.add_argument("--isolated", type=int, default=2000, help="calls per class in the canned-transport case")
    parser.add_argument("--sim-in-process", action="store_true",
                        help="run the simulator inside the benchmark's process (default: a process of its own, "
                             "as the venue is another machine)")
    args = parser.parse_args(argv)
    library = str(find_library(None).path)
    backend = get_backend("native", library)
    burst_results = None
    settings = {"port": 0, "seed": 1, "flow": False, "verify_signatures": args.verify}
    room = max(args.orders, args.concurrent) + 50  # the same, larger open-order limits for every client
    venue = Simulator(**settings) if args.sim_in_process else SimProcess(min_open_orders=room, **settings)
    async with venue as sim:
        if args.sim_in_process:
            allow_open_orders(sim, room)
        ours = await make_ours(sim, backend)
        theirs = await make_in_tree(sim, backend, library)
        pros = [await make_ours(sim, backend, pro=True), await make_in_tree(sim, backend, library, pro=True)]
        clients = await concurrent_clients(sim, backend, library) if args.concurrent > 0 else {}
        try:
            rounds = [await one_round(ours, theirs, args.orders, r) for r in range(args.rounds)]
            for r, found in enumerate(rounds):
                found.update(await ws_round(pros[0], pros[1], args.orders, r))
            if clients:
                burst_results = await concurrent_rounds(sim, clients, args.concurrent, args.rounds, args.latency_ms)
            alone = await isolated(ours[0], theirs[0], args.isolated)
        finally:
            for ex in [ours[0], theirs[0], pros[0][0], pros[1][0]] + [ex for ex, _ in clients.values()]:
                await ex.close()
    report(rounds, args, alone)
    if burst_results:
        print()
        concurrent_report(burst_results, args.concurrent, args)


if __name__ == "__main__":
    asyncio.run(main())
