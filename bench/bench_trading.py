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

Concurrent case (``--concurrent N``, default 200; 0 skips it), ``--rounds`` times, the order of the
clients rotating per round: N resting ``createOrder`` calls fired at once through ``asyncio.gather``
on one fresh instance each, on a fresh account each -- in-tree with one API key (its default
millisecond nonces), ours with one key, ours with a pool of 4 keys of one account (``apiPrivateKeys``;
the extra keys registered through the simulator's ``POST /sim/accounts/{index}/api_keys``). Counted:
calls that returned, calls that raised (by exception class), and the new open orders the simulator
holds afterwards (``GET /sim/state``). Throughput = held orders / wall time: an order that failed earns
no credit. The CPU time of the whole process (clients + simulator) during a burst is shown beside
the wall time: when they are equal, the one process is the bottleneck, not a client's nonce scheme.
Between rounds each account cancels all its orders; the simulator's open-order limits are raised
for everyone when N would exceed them. ``--latency-ms L`` (default 0) delays every API answer by L ms
during this case only (the simulator's ``latency_ms`` fault, equal for all clients): a stand-in for
the network round trip; note that it never reorders requests, which a real network can.

Run: ``python bench/bench_trading.py [--orders 200] [--rounds 3] [--concurrent 200] [--latency-ms 0] [--verify]``
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import Counter

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


async def admin(sim, method, path, body=None):
    """One call to the simulator's admin namespace (not an API request, no faults)."""
    async with aiohttp.ClientSession() as session:
        async with session.request(method, sim.rest_url + path, json=body) as resp:
            resp.raise_for_status()
            return await resp.json()


async def new_account(sim, slot, public_key):
    body = {"collateral": "100000000", "api_keys": {str(slot): public_key}}
    return (await admin(sim, "POST", "/sim/accounts", body))["account_index"]


async def ours_exchange(sim, backend, slots):
    """Ours on a fresh account whose API keys sit at ``slots`` (the first is the primary key)."""
    keys = {slot: backend.generate_api_key() for slot in slots}
    account = await new_account(sim, slots[0], keys[slots[0]][1])
    options = {"accountIndex": account, "apiKeyIndex": slots[0]}
    if len(slots) > 1:
        extra = {str(slot): keys[slot][1] for slot in slots[1:]}
        await admin(sim, "POST", f"/sim/accounts/{account}/api_keys", {"api_keys": extra})
        options["apiPrivateKeys"] = {str(slot): keys[slot][0] for slot in slots[1:]}
    ex = ours_class({"urls": {"api": {"rest": sim.rest_url}}, "privateKey": keys[slots[0]][0],
                     "enableRateLimit": False, "options": options})
    await ex.load_markets()
    for _ in slots:  # warm every key (idle keys are picked in turn): key check, nonce, token
        await ex.create_order(SYMBOL, "limit", "buy", 0.01, 1000)
    return ex, account


async def in_tree_exchange(sim, backend, library, slot=5):
    """ccxt's in-tree class on a fresh account with one API key (its default millisecond nonces)."""
    private, public = backend.generate_api_key()
    account = await new_account(sim, slot, public)
    auth = {"signer": None, "lighterPrivateKey": private, "deadline": None, "token": None}
    ex = ccxt_async.lighter({
        "urls": {"api": {"public": sim.rest_url, "private": sim.rest_url}}, "enableRateLimit": False,
        "options": {"libraryPath": library, "accountIndex": account, "apiKeyIndex": slot, "builderFee": False,
                    "chainId": 304, "auths": {str(account): {str(slot): auth}}}})
    await ex.load_markets()
    await ex.create_order(SYMBOL, "limit", "buy", 0.01, 1000)  # warm: library load, tier lookup
    return ex, account


async def make_ours(sim, backend):
    ex, _ = await ours_exchange(sim, backend, (4,))
    meter = Meter()
    meter.wrap_async(ex, "_sign_txs", "sign")  # waiting for signatures, incl. the hop to the signer thread
    meter.wrap_async(ex, "fetch", "http")
    return ex, meter


async def make_in_tree(sim, backend, library):
    ex, _ = await in_tree_exchange(sim, backend, library)
    meter = Meter()
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


# ---------------------------------------------------------------------- concurrent createOrder
POOL_SLOTS = (4, 5, 6, 7)
CONCURRENT = (("in-tree", 1), ("ours", 1), ("ours", len(POOL_SLOTS)))  # (client, API keys)


async def open_orders(sim, account):
    state = await admin(sim, "GET", "/sim/state")
    return len(state["accounts"][str(account)]["open_orders"])


def allow_open_orders(sim, n):
    """Both clients get the same, larger order-count limits when N exceeds the simulator's defaults."""
    limits = sim.engine.limits
    limits.max_open_orders_per_market = max(limits.max_open_orders_per_market, n + 50)
    limits.max_open_orders = max(limits.max_open_orders, n + 50)


async def concurrent_clients(sim, backend, library):
    clients = {}
    for name, keys in CONCURRENT:
        if name == "in-tree":
            clients[(name, keys)] = await in_tree_exchange(sim, backend, library)
        else:
            clients[(name, keys)] = await ours_exchange(sim, backend, POOL_SLOTS[:keys])
    return clients


async def burst(sim, ex, account, n, base):
    """N createOrder calls at once; what returned, what raised, and what the simulator now holds."""
    before = await open_orders(sim, account)
    start, cpu = time.perf_counter(), time.process_time()
    results = await asyncio.gather(*(ex.create_order(SYMBOL, "limit", "buy", 0.01, base + i * 0.01)
                                     for i in range(n)), return_exceptions=True)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    failures = [r for r in results if isinstance(r, BaseException)]
    held = await open_orders(sim, account) - before
    return {"wall": wall, "cpu": cpu, "ok": n - len(failures), "raised": len(failures), "held": held,
            "per_s": held / wall, "errors": Counter(type(e).__name__ for e in failures),
            "samples": {type(e).__name__: str(e)[:120] for e in failures}}


async def concurrent_rounds(sim, clients, n, rounds, latency_ms=0):
    """``rounds`` bursts per client, the clients' order rotating; all orders cancelled after each."""
    keys = list(clients)
    out = {key: [] for key in keys}
    await admin(sim, "POST", "/sim/faults", {"latency_ms": latency_ms})
    try:
        for r in range(rounds):
            for key in keys[r % len(keys):] + keys[:r % len(keys)]:
                ex, account = clients[key]
                out[key].append(await burst(sim, ex, account, n, 1000 + r * 10))
            for ex, _ in clients.values():
                await ex.cancel_all_orders()
    finally:
        await admin(sim, "POST", "/sim/faults", {"latency_ms": 0})
    return out


def concurrent_report(results, n, args):
    print(f"concurrent createOrder: N={n} through asyncio.gather, one instance and one account per client "
          f"(median of {args.rounds} rounds; simulator signature checks {'on' if args.verify else 'off'}; "
          f"added response latency {args.latency_ms} ms)")
    print(f"{'client':10s} {'keys':>4s} {'wall ms':>9s} {'cpu ms':>8s} {'ok':>5s} {'raised':>6s} {'held':>5s} "
          f"{'accepted/s':>11s}")
    med = {}
    for (name, keys), runs in results.items():
        med[(name, keys)] = m = {k: statistics.median(r[k] for r in runs)
                                 for k in ("wall", "cpu", "ok", "raised", "held", "per_s")}
        print(f"{name:10s} {keys:4d} {m['wall'] * 1000:9.1f} {m['cpu'] * 1000:8.1f} {m['ok']:5.0f} "
              f"{m['raised']:6.0f} {m['held']:5.0f} {m['per_s']:11.1f}")
    print("per round (wall ms / held):")
    for (name, keys), runs in results.items():
        print(f"  {name} x{keys} key(s): " + ", ".join(f"{r['wall'] * 1000:.0f}/{r['held']}" for r in runs))
    print_errors(results)
    print("accepted/s = new open orders the simulator holds after the burst / wall time; "
          "orders that failed earn no throughput credit")
    print("cpu ms = CPU time of this whole process (clients, simulator, signer threads) during the burst")
    base = med[CONCURRENT[0]]["per_s"]
    for key in CONCURRENT[1:]:
        ratio = f"{med[key]['per_s'] / base:.2f}x" if base else "n/a (in-tree had no accepted order)"
        print(f"accepted-throughput ratio ours ({key[1]} key{'s' if key[1] > 1 else ''}) / in-tree: {ratio}")


def print_errors(results):
    print("exceptions raised (all rounds):")
    for (name, keys), runs in results.items():
        errors = sum((r["errors"] for r in runs), Counter())
        samples = {k: v for r in runs for k, v in r["samples"].items()}
        if not errors:
            print(f"  {name} x{keys} key(s): none")
        for cls, count in errors.most_common():
            print(f"  {name} x{keys} key(s): {cls} x{count}, e.g. {samples[cls]}")


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
    parser.add_argument("--concurrent", type=int, default=200, help="orders per concurrent burst (0: skip)")
    parser.add_argument("--latency-ms", type=int, default=0, help="simulator answer delay in the concurrent case")
    args = parser.parse_args(argv)
    library = str(find_library(None).path)
    backend = get_backend("native", library)
    burst_results = None
    async with Simulator(port=0, seed=1, flow=False, verify_signatures=args.verify) as sim:
        allow_open_orders(sim, max(args.orders, args.concurrent))
        ours = await make_ours(sim, backend)
        theirs = await make_in_tree(sim, backend, library)
        clients = await concurrent_clients(sim, backend, library) if args.concurrent > 0 else {}
        try:
            rounds = [await one_round(ours, theirs, args.orders, r) for r in range(args.rounds)]
            if clients:
                burst_results = await concurrent_rounds(sim, clients, args.concurrent, args.rounds, args.latency_ms)
            alone = await isolated(ours[0], theirs[0], 2000)
        finally:
            for ex in [ours[0], theirs[0]] + [ex for ex, _ in clients.values()]:
                await ex.close()
    report(rounds, args, alone)
    if burst_results:
        print()
        concurrent_report(burst_results, args.concurrent, args)


if __name__ == "__main__":
    asyncio.run(main())
