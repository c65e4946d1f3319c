"""Public REST parsing speed: ccxt_lighter vs ccxt's in-tree ``ccxt.async_support.lighter``, same run.

Cases (payloads from ``bench/payloads.py``, synthesized from the recorded shapes):

* ``load_markets``: ``load_markets(reload=True)`` on a 150-market ``orderBookDetails`` (120 perps,
  30 spot) plus ``assetDetails`` -- both classes fetch currencies first, then markets, then ccxt's
  ``set_markets``;
* ``fetch_order_book``: ``fetch_order_book('TK000/USDC:USDC', 250)`` on a 250-order
  ``orderBookOrders`` (ours aggregates orders into price levels; the in-tree class lists every order).

Both exchanges run with ``enableRateLimit=False`` and the same transport: by default an in-process
``fetch`` stub that decodes the same JSON text for both and calls the class's own ``handle_errors``
(so sign(), request building and parsing are measured, not the network); ``--http`` serves the same
payloads from one local aiohttp server instead. Rounds interleave the two classes. Output: per-call
best-of-rounds and median times, and the ratio in-tree / ours (> 1 means ours is faster).

Run: ``python bench/bench_public.py [--repeat 7] [--http]``
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import ccxt.async_support as ccxt_async  # noqa: E402

import payloads  # noqa: E402
from ccxt_lighter.exchange import lighter as ours_class  # noqa: E402

SYMBOL = "TK000/USDC:USDC"


def texts() -> dict:
    return {
        "/api/v1/orderBookDetails": json.dumps(payloads.order_book_details()),
        "/api/v1/assetDetails": json.dumps(payloads.asset_details()),
        "/api/v1/orderBookOrders": json.dumps(payloads.order_book_orders(250)),
    }


def stub_fetch(exchange, bodies: dict):
    """Replace the exchange's HTTP transport by a decode of the same JSON text for every class."""

    async def fetch(url, method="GET", headers=None, body=None):
        text = bodies[urlsplit(url).path]
        response = json.loads(text)
        exchange.handle_errors(200, "OK", url, method, {}, text, response, headers, body)
        return response

    exchange.fetch = fetch
    return exchange


async def timed(call, n: int) -> float:
    """CPU seconds per call (process time: steadier than wall time on a shared machine; both
    transports keep the work in this process, the HTTP server included)."""
    start = time.process_time()
    for _ in range(n):
        await call()
    return (time.process_time() - start) / n


async def case(name: str, exchanges: dict, make_call, n: int, repeat: int) -> dict:
    calls = {label: make_call(ex) for label, ex in exchanges.items()}
    for call in calls.values():  # warm-up
        await call()
    samples = {label: [] for label in calls}
    for _ in range(repeat):  # interleaved, so drift hits both sides alike
        for label, call in calls.items():
            samples[label].append(await timed(call, n))
    return samples


def report(name: str, samples: dict) -> float:
    """Best-of-rounds (least disturbed by other load) and median per call; ratio = ccxt / ours."""
    best = {label: min(values) for label, values in samples.items()}
    median = {label: statistics.median(values) for label, values in samples.items()}
    ratio = best["ccxt"] / best["ours"]
    print(f"{name:17s} ours {best['ours'] * 1e3:7.3f} ms (median {median['ours'] * 1e3:7.3f})   "
          f"ccxt in-tree {best['ccxt'] * 1e3:7.3f} ms (median {median['ccxt'] * 1e3:7.3f})   "
          f"ratio ccxt/ours {ratio:4.2f}x (median {median['ccxt'] / median['ours']:4.2f}x)")
    return ratio


async def run(args) -> dict:
    bodies = texts()
    config = {"enableRateLimit": False}
    server = None
    if args.http:
        from tools.venue_stub import VenueStub

        server = await VenueStub({path: json.loads(text) for path, text in bodies.items()}).start()
        ours = ours_class(dict(config, urls={"api": {"rest": server.url}}))
        theirs = ccxt_async.lighter(dict(config, urls={"api": {"public": server.url, "private": server.url,
                                                                "root": server.url}}))
    else:
        ours = stub_fetch(ours_class(config), bodies)
        theirs = stub_fetch(ccxt_async.lighter(config), bodies)
    exchanges = {"ours": ours, "ccxt": theirs}
    try:
        await ours.load_markets()
        await theirs.load_markets()
        markets = await case("load_markets", exchanges, lambda ex: (lambda: ex.load_markets(True)),
                             args.n_markets, args.repeat)
        book = await case("fetch_order_book", exchanges,
                          lambda ex: (lambda: ex.fetch_order_book(SYMBOL, 250)), args.n_book, args.repeat)
    finally:
        for ex in exchanges.values():
            ex.timeout_on_exit = 0
            await ex.close()
        if server is not None:
            await server.stop()
    print(f"transport: {'local HTTP server' if args.http else 'in-process fetch stub'}; "
          f"150 markets; 250 orders; {args.repeat} rounds")
    return {"load_markets": report("load_markets", markets), "fetch_order_book": report("fetch_order_book", book)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="public REST parsing: ours vs ccxt in-tree lighter")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--n-markets", type=int, default=20, help="load_markets calls per round")
    parser.add_argument("--n-book", type=int, default=300, help="fetch_order_book calls per round")
    parser.add_argument("--http", action="store_true", help="serve the payloads from a local HTTP server")
    asyncio.run(run(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
