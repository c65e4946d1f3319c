"""Watch funding: hourly rates of every perp, and the payments on a small position.

    python examples/funding_monitor.py --steps 4

Opens a small long position (``--size``), then every step prints each perp's current hourly funding
rate (annualized too) with the mark/index premium, and the funding payments the account received or
paid so far. Against the embedded simulator each step moves the simulator's clock one hour forward
(admin API ``POST /sim/advance``), so a funding settlement happens per step; against another venue
(LIGHTER_REST_URL, see _venue.py) it waits ``--interval`` seconds instead. The position is closed
at the end.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys

import aiohttp

from _venue import open_exchange

HOURS_PER_YEAR = 24 * 365


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbol", default="ETH/USDC:USDC", help="market of the position")
    parser.add_argument("--size", type=float, default=0.5, help="long position size (default 0.5)")
    parser.add_argument("--steps", type=int, default=4, help="funding periods to watch (default 4)")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per step on a real venue")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    return parser.parse_args(argv)


def print_rates(rates: dict) -> None:
    for symbol, r in sorted(rates.items()):
        premium = (r["markPrice"] - r["indexPrice"]) / r["indexPrice"] * 10_000 if r["indexPrice"] else 0.0
        print(f"      {symbol:<15} {r['fundingRate'] * 100:+.5f} %/h  {r['fundingRate'] * HOURS_PER_YEAR * 100:+7.2f} %/yr  "
              f"mark {r['markPrice']:<10g} premium {premium:+.2f} bps  next {r['fundingDatetime']}")


async def next_period(ex, owns_simulator: bool, interval: float) -> None:
    if not owns_simulator:
        await asyncio.sleep(interval)
        return
    async with aiohttp.ClientSession() as session:  # simulator admin API: one hour passes
        async with session.post(ex.urls["api"]["rest"] + "/sim/advance", json={"seconds": 3600}) as resp:
            resp.raise_for_status()


async def run(args: argparse.Namespace) -> int:
    owns_simulator = not os.environ.get("LIGHTER_REST_URL")
    async with open_exchange(trading=True, seed=args.seed) as ex:
        await ex.load_markets()
        order = await ex.create_order(args.symbol, "market", "buy", args.size)
        print(f"opened a long of {args.size} {args.symbol} (order {order['id']})")
        try:
            for step in range(1, args.steps + 1):
                print(f"step {step}: funding rates")
                print_rates(await ex.fetch_funding_rates())
                await next_period(ex, owns_simulator, args.interval)
                payments = await ex.fetch_funding_history(args.symbol)
                total = sum(p["amount"] for p in payments)
                print(f"      payments so far: {len(payments)}, total {total:+.6f} USDC")
        finally:
            if (await ex.fetch_positions([args.symbol])):
                await ex.close_position(args.symbol)
                print("closed the position")
    return 0


def main(argv=None) -> int:
    return asyncio.run(run(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
