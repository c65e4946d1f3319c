"""Stream an order book over the WebSocket and print the top of book on every update.

    python examples/watch_book.py --steps 10 --symbol ETH/USDC:USDC

Runs against the embedded simulator unless LIGHTER_REST_URL is set (see _venue.py). Public data
only: no credentials needed. Stops after ``--steps`` updates.
"""
from __future__ import annotations

import argparse
import asyncio
import sys

from _venue import open_exchange


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbol", default="ETH/USDC:USDC")
    parser.add_argument("--steps", type=int, default=20, help="number of book updates to print (default 20)")
    parser.add_argument("--depth", type=int, default=10, help="levels to keep per side (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    return parser.parse_args(argv)


def describe(book: dict, depth: int) -> str:
    if not book["bids"] or not book["asks"]:
        return "one side of the book is empty"
    (bid, bid_size), (ask, ask_size) = book["bids"][0][:2], book["asks"][0][:2]
    mid = (bid + ask) / 2
    spread_bps = (ask - bid) / mid * 10_000
    bid_depth = sum(price * size for price, size, *_ in book["bids"][:depth])
    ask_depth = sum(price * size for price, size, *_ in book["asks"][:depth])
    return (f"{bid_size:>8g} @ {bid:<10g} | {ask:>10g} @ {ask_size:<8g} spread {spread_bps:5.2f} bps  "
            f"depth {bid_depth:,.0f} / {ask_depth:,.0f} USDC")


async def run(args: argparse.Namespace) -> int:
    async with open_exchange(trading=False, seed=args.seed) as ex:
        await ex.load_markets()
        print(f"watching {args.symbol}: bid size @ bid | ask @ ask size")
        for step in range(1, args.steps + 1):
            book = await ex.watch_order_book(args.symbol, args.depth)
            print(f"{step:>4}  nonce {book['nonce']:<8} {describe(book, args.depth)}")
        await ex.un_watch_order_book(args.symbol)
    return 0


def main(argv=None) -> int:
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
