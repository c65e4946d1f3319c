"""Order-book update throughput: ccxt_lighter (with begin_nonce continuity checks) vs ccxt's in-tree
``ccxt.pro.lighter`` handler, on the same 20,000 synthesized ``update/order_book`` frames.

Both exchanges get the same markets and the same decoded frames (the shapes of
``examples/ws_order_book_subscribed.json`` / ``ws_order_book_update.json``), through their own
``handle_message(client, message)`` with the same fake client object, in the same process. The
frames chain ``begin_nonce -> nonce`` with non-unit steps like the venue's, keep the book uncrossed,
and delete levels with size "0.0000" about a fifth of the time. After the run both books must hold
exactly the same levels (there is no gap, so continuity checking must not change the result).

Run: ``python bench/bench_orderbook.py [--updates 20000] [--repeat 5]``; prints both rates and the ratio.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

EXAMPLES = os.path.join(os.environ.get("LIGHTER_SHARED_DIR", os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared")),
                        "lighter-api", "examples")
SYMBOL = "ETH/USDC:USDC"
MARKET = {
    "id": "0", "symbol": SYMBOL, "base": "ETH", "quote": "USDC", "settle": "USDC",
    "baseId": "ETH", "quoteId": "USDC", "settleId": "USDC", "type": "swap", "spot": False,
    "margin": False, "swap": True, "future": False, "option": False, "active": True, "contract": True,
    "linear": True, "inverse": False, "contractSize": 1.0, "expiry": None, "expiryDatetime": None,
    "strike": None, "optionType": None, "taker": 0.0, "maker": 0.0,
    "precision": {"amount": 0.0001, "price": 0.01},
    "limits": {"amount": {"min": None, "max": None}, "price": {"min": None, "max": None},
               "cost": {"min": None, "max": None}, "leverage": {"min": None, "max": None}},
    "info": {"market_id": 0, "size_decimals": 4, "price_decimals": 2},
}


class FakeClient:
    """What a handler touches on a ccxt ws Client when nobody awaits: futures and resolve()."""

    def __init__(self, waiting=()):
        self.futures = {h: None for h in waiting}  # someone awaits these hashes (never consumed)
        self.subscriptions = {}
        self.rejections = {}
        self.resolved = 0

    def resolve(self, result, message_hash):
        if message_hash in self.futures:
            self.resolved += 1
        return result

    def reject(self, result, message_hash=None):
        return result


def _template(name):
    path = os.path.join(EXAMPLES, name)
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return None


def synthesize(n_updates: int, seed: int = 7):
    """A snapshot plus ``n_updates`` chained deltas in the venue's frame shape."""
    rng = random.Random(seed)
    snap_t = _template("ws_order_book_subscribed.json") or {
        "channel": "order_book:0", "offset": 1, "order_book": {"code": 0, "asks": [], "bids": [], "offset": 1,
                                                              "nonce": 1, "begin_nonce": 0}, "timestamp": 0,
        "type": "subscribed/order_book"}
    upd_t = _template("ws_order_book_update.json") or dict(snap_t, type="update/order_book")
    mid = 200000  # ticks of 0.01
    nonce = 904845
    ts = 1778138582602
    snapshot = copy.deepcopy(snap_t)
    snapshot["order_book"]["asks"] = [{"price": f"{(mid + 1 + i * 3) / 100:.2f}", "size": f"{rng.randint(1, 99999) / 10000:.4f}"}
                                      for i in range(60)]
    snapshot["order_book"]["bids"] = [{"price": f"{(mid - 1 - i * 3) / 100:.2f}", "size": f"{rng.randint(1, 99999) / 10000:.4f}"}
                                      for i in range(60)]
    snapshot["order_book"]["nonce"] = nonce
    snapshot["timestamp"] = ts
    updates = []
    for _ in range(n_updates):
        begin, nonce = nonce, nonce + rng.randint(1, 40)
        ts += rng.randint(0, 60)
        frame = copy.deepcopy(upd_t)
        book = frame["order_book"]
        book["asks"], book["bids"] = [], []
        for _ in range(rng.randint(1, 4)):
            side_is_ask = rng.random() < 0.5
            offset = rng.randint(1, 300)
            price = mid + offset if side_is_ask else mid - offset
            size = "0.0000" if rng.random() < 0.2 else f"{rng.randint(1, 99999) / 10000:.4f}"
            (book["asks"] if side_is_ask else book["bids"]).append({"price": f"{price / 100:.2f}", "size": size})
        book["begin_nonce"], book["nonce"] = begin, nonce
        frame["timestamp"] = ts
        frame["offset"] = book["offset"] = frame.get("offset", 0) + 1
        updates.append(frame)
    return snapshot, updates


def make_ccxt():
    import ccxt.pro

    ex = ccxt.pro.lighter()
    ex.set_markets([dict(MARKET)])
    return ex


def make_ours():
    import ccxt_lighter

    ex = ccxt_lighter.lighter()
    ex.set_markets([dict(MARKET)])
    ex._ws_book_channel(SYMBOL)  # what watch_order_book registers before subscribing
    return ex


def run(ex, snapshot, updates) -> float:
    # a user awaits the book in both cases (ccxt's hash and ours), so every frame is delivered
    client = FakeClient(waiting=("orderbook::" + SYMBOL,))  # the same hash string in both
    handle = ex.handle_message
    started = time.perf_counter()
    handle(client, snapshot)
    for frame in updates:
        handle(client, frame)
    elapsed = time.perf_counter() - started
    assert client.resolved == len(updates) + 1, client.resolved
    return elapsed


def levels(book):
    return [list(x) for x in book["asks"]], [list(x) for x in book["bids"]]


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    snapshot, updates = synthesize(args.updates)
    theirs, ours = make_ccxt(), make_ours()
    t_theirs, t_ours = [], []
    for _ in range(args.repeat):  # interleaved so both see the same machine conditions
        t_theirs.append(run(theirs, snapshot, updates))
        t_ours.append(run(ours, snapshot, updates))
    assert levels(theirs.orderbooks[SYMBOL]) == levels(ours.orderbooks[SYMBOL]), "books differ"
    sync = ours._ws_books["order_book:0"][0]
    assert sync.synced and sync.gaps == 0 and sync.nonce == updates[-1]["order_book"]["nonce"]
    best_theirs, best_ours = min(t_theirs), min(t_ours)
    n = len(updates)
    print(f"updates: {n}, levels at end: {len(ours.orderbooks[SYMBOL]['asks'])} asks / "
          f"{len(ours.orderbooks[SYMBOL]['bids'])} bids (identical in both)")
    print(f"ccxt.pro.lighter handler : {best_theirs * 1e3:8.1f} ms  ({n / best_theirs:>10,.0f} updates/s)")
    print(f"ccxt_lighter (continuity): {best_ours * 1e3:8.1f} ms  ({n / best_ours:>10,.0f} updates/s)")
    ratio = best_theirs / best_ours
    print(f"ratio (ours / ccxt throughput): {ratio:.2f}x")
    return ratio


if __name__ == "__main__":
    main()
