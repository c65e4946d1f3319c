"""Trading speed: ccxt_lighter vs ccxt's in-tree ``ccxt.async_support.lighter``, same simulator, same run.

Both classes talk HTTP on loopback to one :class:`ccxt_lighter.sim.Simulator` (signature checks off
in the simulator, so its cost does not dilute the clients' difference; ``--verify`` turns them on),
with ``enableRateLimit=False``, no builder/integrator fee, and the same official signer library
(the file ``ccxt_lighter.signer.locate`` finds is handed to the in-tree class as ``libraryPath``).
Each class trades on its own account (ours: sequential nonces; in-tree: millisecond nonces with the
skip-nonce attribute, its default).

Cases, each repeated ``--rounds`` times, the classes interleaved:

* ``createOrder`` x N sequential resting limit orders, then ``cancelOrder`` of each (N = ``--orders``);
* 50 orders: ours through one ``createOrders`` (one sendTxBatch) vs ours and in-tree as 50
  sequential ``createOrder`` calls (the in-tree class has no createOrders).

Reported per order: wall time; time spent getting signatures (ours: awaiting the signer threads,
hop included; in-tree: its ``lighter_sign_*`` calls); time inside the HTTP transport (``fetch``:
request + simulator + response, all in this process); and the rest = the class's own work ("beyond
the signer", target <= 0.3 ms for ours). Throughput ratio = in-tree time / ours time (target >= 2x).

A second table isolates each class's own code: the transport returns a canned sendTx answer and
the signer a canned signature, so only building, nonce handling, sign() and parsing are timed.

Run: ``python bench/bench_trading.py [--orders 200] [--rounds 3] [--verify]``
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

import aiohttp  # noqa: E402
import ccxt.async_support as ccxt_async  # noqa: E402

from ccxt_lighter.exchange import lighter as ours_class  # noqa: E402
from ccxt_lighter.signer import get_backend  # noqa: E402
from ccxt_lighter.signer.locate import find_library  # noqa: E402
from ccxt_lighter.sim import Simulator  # noqa: E402

SYMBOL = "ETH/USDC:USDC"
IN_TREE_SIGN = ("lighter_sign_create_order", "lighter_sign_cancel_order", "lighter_sign_create_grouped_orders",
                "lighter_create_auth_token")


class Meter:
    """Accumulates seconds spent in wrapped callables (signer calls, HTTP fetch)."""

    def __init__(self):
        self.sign = 0.0
        self.http = 0.0

    def reset(self):
        self.sign = self.http = 0.0

    def wrap_sync(self, obj, name, field):
        original = getattr(obj, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                setattr(self, field, getattr(self, field) + time.perf_counter() - start)

        setattr(obj, name, timed)

    def wrap_async(self, obj, name, field):
        original = getattr(obj, name)

        async def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                setattr(self, field, getattr(self, field) + time.perf_counter() - start)

        setattr(obj, name, timed)


async def new_account(sim, slot, public_key):
    async with aiohttp.ClientSession() as session:
        body = {"collateral": "100000000", "api_keys": {str(slot): public_key}}
        async with session.post(sim.rest_url + "/sim/accounts", json=body) as resp:
            return (await resp.json())["account_index"]


async def make_ours(sim, backend):
    private, public = backend.generate_api_key()
    account = await new_account(sim, 4, public)
    ex = ours_class({"urls": {"api": {"rest": sim.rest_url}}, "privateKey": private, "enableRateLimit": False,
                     "options": {"accountIndex": account, "apiKeyIndex": 4}})
    await ex.load_markets()
    meter = Meter()
    await ex.create_order(SYMBOL, "limit", "buy", 0.01, 1000)  # warm: key check, nonce, token
    meter.wrap_async(ex, "_sign_txs", "sign")  # waiting for signatures, incl. the hop to the signer thread
    meter.wrap_async(ex, "fetch", "http")
    return ex, meter


async def make_in_tree(sim, backend, library):
    private, public = backend.generate_api_key()
    account = await new_account(sim, 5, public)
    ex = ccxt_async.lighter({
        "urls": {"api": {"public": sim.rest_url, "private": sim.rest_url}}, "enableRateLimit": False,
        "options": {"libraryPath": library, "accountIndex": account, "apiKeyIndex": 5, "builderFee": False,
                    "chainId": 304, "auths": {str(account): {"5": {"signer": None, "lighterPrivateKey": private,
                                                                  "deadline": None, "token": None}}}}})
    await ex.load_markets()
    meter = Meter()
    await ex.create_order(SYMBOL, "limit", "buy", 0.01, 1000)  # warm: library load, tier lookup
    for name in IN_TREE_SIGN:
        meter.wrap_sync(ex, name, "sign")
    meter.wrap_async(ex, "fetch", "http")
    return ex, meter


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
    args = parser.parse_args(argv)
    library = str(find_library(None).path)
    backend = get_backend("native", library)
    async with Simulator(port=0, seed=1, flow=False, verify_signatures=args.verify) as sim:
        ours = await make_ours(sim, backend)
        theirs = await make_in_tree(sim, backend, library)
        try:
            rounds = [await one_round(ours, theirs, args.orders, r) for r in range(args.rounds)]
            alone = await isolated(ours[0], theirs[0], 2000)
        finally:
            await ours[0].close()
            await theirs[0].close()
    report(rounds, args, alone)


if __name__ == "__main__":
    asyncio.run(main())
