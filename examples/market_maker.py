"""A small market maker: post-only quotes around the mid, moved with editOrder, pulled on exit.

    python examples/market_maker.py --steps 10 --symbol ETH/USDC:USDC --spread-bps 8

Every step: read the book (WebSocket), work out bid/ask quotes ``--spread-bps`` either side of the
mid, see which of our quotes still rest (fetchOpenOrders), edit those whose price moved and place
the missing ones (post-only, in one batch). The side that would grow the position past
``--max-position`` is not quoted. On exit, even after an error or Ctrl-C, every order in the market
is canceled. Runs against the embedded simulator unless LIGHTER_REST_URL is set (see _venue.py).
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Dict, Optional

from _venue import open_exchange


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbol", default="ETH/USDC:USDC")
    parser.add_argument("--steps", type=int, default=20, help="quote updates before stopping (default 20)")
    parser.add_argument("--interval", type=float, default=0.3, help="seconds between steps (default 0.3)")
    parser.add_argument("--spread-bps", type=float, default=8.0, help="distance of each quote from the mid")
    parser.add_argument("--size", type=float, default=None, help="quote size (default: 2x the market minimum)")
    parser.add_argument("--max-position", type=float, default=None, help="default: 5x the quote size")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    return parser.parse_args(argv)


def targets(ex, symbol: str, book: dict, spread_bps: float, position: float, max_position: float) -> Dict[str, str]:
    """side -> quote price (as the market's precision string); a side is left out at the limit."""
    mid = (book["bids"][0][0] + book["asks"][0][0]) / 2
    offset = mid * spread_bps / 10_000
    quotes = {}
    if position < max_position:
        quotes["buy"] = ex.price_to_precision(symbol, mid - offset)
    if position > -max_position:
        quotes["sell"] = ex.price_to_precision(symbol, mid + offset)
    return quotes


async def position_of(ex, symbol: str) -> float:
    positions = await ex.fetch_positions([symbol])
    signed = [(p["contracts"] or 0) * (1 if p["side"] == "long" else -1) for p in positions]
    return sum(signed)


async def requote(ex, symbol: str, size: str, wanted: Dict[str, str]) -> str:
    """Edit resting quotes to the wanted prices, place missing ones, cancel unwanted ones."""
    resting = {o["side"]: o for o in await ex.fetch_open_orders(symbol)}
    actions, new = [], []
    for side, order in resting.items():
        price: Optional[str] = wanted.get(side)
        if price is None:
            await ex.cancel_order(order["id"], symbol)
            actions.append(f"cancel {side}")
        elif ex.price_to_precision(symbol, order["price"]) != price:
            await ex.edit_order(order["id"], symbol, "limit", side, float(size), float(price))
            actions.append(f"edit {side}->{price}")
    for side, price in wanted.items():
        if side not in resting:
            new.append({"symbol": symbol, "type": "limit", "side": side, "amount": float(size),
                        "price": float(price), "params": {"postOnly": True}})
    if new:
        await ex.create_orders(new)
        actions.append("place " + " ".join(f"{o['side']}@{ex.price_to_precision(symbol, o['price'])}" for o in new))
    return ", ".join(actions) or "unchanged"


async def run(args: argparse.Namespace) -> int:
    async with open_exchange(trading=True, seed=args.seed) as ex:
        await ex.load_markets()
        symbol = args.symbol
        market = ex.market(symbol)
        size = ex.amount_to_precision(symbol, args.size or 2 * market["limits"]["amount"]["min"])
        max_position = args.max_position or 5 * float(size)
        print(f"quoting {size} {market['base']} each side, {args.spread_bps} bps from the mid, "
              f"max position {max_position:g}")
        try:
            for step in range(1, args.steps + 1):
                book = await ex.watch_order_book(symbol, 5)
                position = await position_of(ex, symbol)
                wanted = targets(ex, symbol, book, args.spread_bps, position, max_position)
                done = await requote(ex, symbol, size, wanted)
                print(f"{step:>4}  bid {book['bids'][0][0]:<10g} ask {book['asks'][0][0]:<10g} "
                      f"position {position:<8g} {done}")
                await asyncio.sleep(args.interval)
        finally:
            await ex.cancel_all_orders(symbol)
            print(f"canceled every {symbol} order")
        left = await ex.fetch_open_orders(symbol)
        fills = await ex.fetch_my_trades(symbol)
        print(f"open orders: {len(left)}; fills: {len(fills)}; position: {await position_of(ex, symbol):g}")
    return 0


def main(argv=None) -> int:
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
