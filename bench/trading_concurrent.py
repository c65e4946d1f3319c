"""The concurrent createOrder case of bench_trading.py (see its docstring): N orders at once through
``asyncio.gather``, per client, counted by what the simulator holds afterwards."""
from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter

from bench.trading_clients import SYMBOL, admin, in_tree_exchange, ours_exchange

POOL_SLOTS = (4, 5, 6, 7)
CONCURRENT = (("in-tree", 1), ("ours", 1), ("ours", len(POOL_SLOTS)))  # (client, API keys)


async def open_orders(sim, account):
    state = await admin(sim, "GET", "/sim/state")
    return len(state["accounts"][str(account)]["open_orders"])


def allow_open_orders(sim, n):
    """Both clients get the same, larger order-count limits when N exceeds the simulator's defaults."""
    limits = sim.engine.limits
    limits.max_open_orders_per_market = max(limits.max_open_orders_per_market, n)
    limits.max_open_orders = max(limits.max_open_orders, n)


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
    print("cpu ms = CPU time of the benchmark process (clients and their signer threads; the simulator too "
          "only with --sim-in-process) during the burst")
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
