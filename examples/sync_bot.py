"""A blocking (sync ccxt-style) bot through ``ccxt_lighter.sync``: mean reversion on the mid.

    python examples/sync_bot.py --steps 15 --symbol ETH/USDC:USDC

Written the way sync ccxt bots are (``ex = ccxt.binance(); ex.fetch_ticker(...)``), but with
``ccxt_lighter.sync.lighter``: every call blocks and returns the result, errors are the usual ccxt
classes. Every step reads the mid from the order book and compares it with the average of the last
``--window`` mids: below it by ``--threshold-bps`` -> market buy (up to ``--max-position``); above it
while long -> reduce-only market sell. At the end the position is closed and the fills listed.
Runs against the embedded simulator unless LIGHTER_REST_URL is set (see _venue.py).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import deque

from ccxt.base.errors import InsufficientFunds, InvalidOrder

from ccxt_lighter.sync import lighter

from _venue import sync_venue_config


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbol", default="ETH/USDC:USDC")
    parser.add_argument("--steps", type=int, default=20, help="decisions before stopping (default 20)")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between steps (default 0.25)")
    parser.add_argument("--window", type=int, default=4, help="mids in the moving average (default 4)")
    parser.add_argument("--threshold-bps", type=float, default=1.0, help="distance from the average to act")
    parser.add_argument("--size", type=float, default=None, help="order size (default: 2x the market minimum)")
    parser.add_argument("--max-position", type=float, default=None, help="default: 4x the order size")
    parser.add_argument("--seed", type=int, default=1, help="simulator seed (default 1)")
    return parser.parse_args(argv)


def long_position(ex, symbol: str) -> float:
    positions = ex.fetch_positions([symbol])
    return sum(p["contracts"] for p in positions if p["side"] == "long")


def decide(mid: float, average: float, threshold_bps: float, position: float, size: float, max_pos: float):
    """'buy', 'sell' or None."""
    gap_bps = (mid - average) / average * 10_000
    if gap_bps < -threshold_bps and position + size <= max_pos:
        return "buy"
    if gap_bps > threshold_bps and position >= size:
        return "sell"
    return None


def trade_loop(ex, args: argparse.Namespace, size: str, max_position: float) -> None:
    mids: deque = deque(maxlen=args.window)
    for step in range(1, args.steps + 1):
        book = ex.fetch_order_book(args.symbol, 5)
        mid = (book["bids"][0][0] + book["asks"][0][0]) / 2
        average = sum(mids) / len(mids) if mids else mid
        mids.append(mid)
        position = long_position(ex, args.symbol)
        side = decide(mid, average, args.threshold_bps, position, float(size), max_position)
        note = "hold"
        if side is not None:
            try:
                order = ex.create_order(args.symbol, "market", side, float(size), None,
                                        {"reduceOnly": side == "sell"})
                note = f"market {side} {size} (order {order['id']})"
            except (InsufficientFunds, InvalidOrder) as exc:  # the ccxt classes, unchanged
                note = f"{side} refused: {type(exc).__name__}"
        print(f"{step:>4}  mid {mid:<10.2f} avg {average:<10.2f} long {position:<7g} {note}")
        time.sleep(args.interval)


def main(argv=None) -> int:
    args = parse_args(argv)
    with sync_venue_config(trading=True, seed=args.seed) as config, lighter(config) as ex:
        markets = ex.load_markets()
        market = markets[args.symbol]
        size = ex.amount_to_precision(args.symbol, args.size or 2 * market["limits"]["amount"]["min"])
        max_position = args.max_position or 4 * float(size)
        print(f"{ex.id}: {len(ex.symbols)} markets; trading {size} {market['base']}, "
              f"streaming not exposed here: has['watchOrderBook'] = {ex.has['watchOrderBook']}")
        trade_loop(ex, args, size, max_position)
        if long_position(ex, args.symbol):
            closed = ex.close_position(args.symbol)
            print(f"closed the position: {closed['side']} {closed['amount']}")
        fills = ex.fetch_my_trades(args.symbol)
        balance = ex.fetch_balance()["USDC"]
        print(f"fills: {len(fills)}; USDC total {balance['total']}, free {balance['free']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
