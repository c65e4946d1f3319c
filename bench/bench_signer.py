"""Signer benchmark: the pure-Python signer vs the official library, in the same run.

Run ``python bench/bench_signer.py [--n 300]``. Columns: median and p90 per call (ms) for

* ``pure``    -- :class:`ccxt_lighter.signer.pure.PureSigner` (and its verifiers);
* ``native``  -- :class:`ccxt_lighter.signer.native.NativeSigner` (the Go library via our ctypes layer);
* ``ccxt``    -- ccxt's in-tree ``lighter`` signing helpers over the same Go library
  (``lighter_sign_create_order`` etc.), the reference the project compares itself with;

and the ratios pure/native and pure/ccxt. The official library has no verify function, so the
verify rows have pure numbers only ("cold key" = a public key seen for the first time: decoding
and per-key precomputation included; "warm key" = a key verified before, the simulator's case).
Columns whose library cannot be found are shown as "-".
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Callable, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ccxt_lighter import orders as o  # noqa: E402
from ccxt_lighter.signer.pure import PureSigner, scalarmul, verify_auth_token, verify_tx_info  # noqa: E402

CHAIN, ACCOUNT, API_KEY = 304, 424_242, 9
EXPIRY_MS = int(time.time() * 1000) + 7 * 24 * 3600 * 1000
LIMIT = o.CreateOrder(o.OrderSpec(0, 1001, 1000, 300_000, 0, 0, 1, 0, 0, EXPIRY_MS))
CANCEL = o.CancelOrder(0, 1001)


CLOCK = time.perf_counter  # --clock cpu switches to process CPU time (less sensitive to other load)


def timed(cells: Dict[str, Optional[Callable[[int], object]]], n: int) -> Dict[str, Optional[List[float]]]:
    """Per-call times in ms for each cell, interleaved call by call so that load from other
    processes hits every column alike (the call gets its iteration number, e.g. as a nonce)."""
    out: Dict[str, Optional[List[float]]] = {name: ([] if fn else None) for name, fn in cells.items()}
    for i in range(n):
        for name, fn in cells.items():
            if fn is None:
                continue
            t0 = CLOCK()
            fn(i)
            out[name].append((CLOCK() - t0) * 1000)
    return out


def stats(samples: Optional[List[float]]) -> Optional[Dict[str, float]]:
    if not samples:
        return None
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p90": ordered[int(0.9 * (len(ordered) - 1))]}


def load_native(private: str):
    try:
        from ccxt_lighter.signer import get_backend

        native = get_backend("native")
    except Exception as exc:  # bench only: report and carry on without the column
        print(f"# native signer unavailable: {exc}")
        return None
    native.register_key(private, CHAIN, API_KEY, ACCOUNT)
    return native


def load_ccxt(private: str, path: Optional[str]):
    if path is None:
        return None
    try:
        import ccxt

        ex = ccxt.lighter()
        signer = ex.load_lighter_library(path, CHAIN, private, API_KEY, ACCOUNT + 1, True)
    except Exception as exc:  # bench only
        print(f"# ccxt in-tree lighter signer unavailable: {exc}")
        return None
    return ex, signer


def ccxt_order_request(nonce: int) -> dict:
    s = LIMIT.order
    return {"market_index": s.market_index, "client_order_index": s.client_order_index,
            "base_amount": s.base_amount, "avg_execution_price": s.price, "is_ask": s.is_ask,
            "order_type": s.order_type, "time_in_force": s.time_in_force, "reduce_only": s.reduce_only,
            "trigger_price": s.trigger_price, "order_expiry": s.order_expiry, "nonce": nonce,
            "api_key_index": API_KEY, "account_index": ACCOUNT + 1}


def run(n: int) -> List[tuple]:
    t0 = time.perf_counter()
    scalarmul.base_table()
    table_ms = (time.perf_counter() - t0) * 1000
    pure = PureSigner()
    private, public = pure.generate_api_key()
    pure.register_key(private, CHAIN, API_KEY, ACCOUNT)
    native = load_native(private)
    ccxt_pair = load_ccxt(private, str(native.path) if native is not None else None)
    ex, signer = ccxt_pair if ccxt_pair is not None else (None, None)
    deadline = int(time.time()) + 600
    cancel = {"market_index": 0, "order_index": 1001, "api_key_index": API_KEY, "account_index": ACCOUNT + 1}

    def sign_with(backend, tx):
        return backend and (lambda i: backend.sign(tx, nonce=i, api_key_index=API_KEY, account_index=ACCOUNT))

    def token_with(backend):
        return backend and (lambda i: backend.create_auth_token(deadline + i, API_KEY, ACCOUNT))

    table = {
        "sign CreateOrder": {"pure": sign_with(pure, LIMIT), "native": sign_with(native, LIMIT),
                             "ccxt": ex and (lambda i: ex.lighter_sign_create_order(signer, ccxt_order_request(i)))},
        "sign CancelOrder": {"pure": sign_with(pure, CANCEL), "native": sign_with(native, CANCEL),
                             "ccxt": ex and (lambda i: ex.lighter_sign_cancel_order(signer, dict(cancel, nonce=i)))},
        "auth token": {"pure": token_with(pure), "native": token_with(native),
                       "ccxt": ex and (lambda i: ex.lighter_create_auth_token(signer, {
                           "deadline": deadline + i, "api_key_index": API_KEY, "account_index": ACCOUNT + 1}))},
    }
    rows = []
    for name, cells in table.items():
        got = timed(cells, n)
        rows.append((name, got["pure"], got["native"], got["ccxt"]))

    info = json.loads(pure.sign(LIMIT, nonce=1, api_key_index=API_KEY, account_index=ACCOUNT).tx_info)
    token = pure.create_auth_token(deadline, API_KEY, ACCOUNT)
    assert verify_tx_info(14, info, CHAIN, public) and verify_auth_token(token, public)

    def cold(i):
        scalarmul.public_point.cache_clear()
        verify_tx_info(14, info, CHAIN, public)

    verify = timed({"warm": lambda i: verify_tx_info(14, info, CHAIN, public), "cold": cold,
                    "token": lambda i: verify_auth_token(token, public)}, n)
    rows += [("verify tx (warm key)", verify["warm"], None, None),
             ("verify tx (cold key)", verify["cold"], None, None),
             ("verify auth token (warm key)", verify["token"], None, None)]
    print(f"# fixed-base table for G built once per process in {table_ms:.0f} ms; n={n} calls per cell")
    return rows


def fmt(s: Optional[Dict[str, float]]) -> str:
    return "-" if s is None else f"{s['median']:7.3f} / {s['p90']:7.3f}"


def ratio(a: Optional[Dict[str, float]], b: Optional[Dict[str, float]]) -> str:
    return "-" if a is None or b is None else f"{a['median'] / b['median']:6.2f}x"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="calls per cell (default 300)")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="wall time (default) or this process's CPU time")
    args = parser.parse_args()
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"# clock: {args.clock}")
    rows = run(args.n)
    head = f"{'operation':30} {'pure med/p90 ms':>19} {'native med/p90 ms':>19} {'ccxt med/p90 ms':>19}" \
           f" {'pure/native':>11} {'pure/ccxt':>9}"
    print(head)
    print("-" * len(head))
    for name, pure, native, ccxt in rows:
        p, n, c = stats(pure), stats(native), stats(ccxt)
        print(f"{name:30} {fmt(p):>19} {fmt(n):>19} {fmt(c):>19} {ratio(p, n):>11} {ratio(p, c):>9}")


if __name__ == "__main__":
    main()
