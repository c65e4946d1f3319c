"""``ccxt-lighter sim``: run the embedded Lighter exchange until interrupted.

Prints the REST and WebSocket URLs (one per line, ``rest: ...`` / ``ws: ...``) as soon as the
server listens, so scripts can read them from stdout.

Invariant: binds to the given host only (127.0.0.1 by default); never contacts the real venue.
"""
from __future__ import annotations

import argparse
import asyncio
import sys


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser("sim", help="run the embedded Lighter simulator",
                                   description="Run the embedded Lighter exchange (REST + /stream WebSocket).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default 0 = any free port)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the market-maker flow (default 1)")
    parser.add_argument("--no-flow", dest="flow", action="store_false",
                        help="keep the books still (no background market maker)")
    parser.add_argument("--chain-id", type=int, default=304, help="chain id used in tx hashes (default 304)")
    parser.add_argument("--sequencer-rejections", choices=("sync", "async"), default="sync",
                        help="sync: state-dependent rejections are HTTP 400 at once (default); async: sendTx "
                             "answers 200 and the tx fails later, as on the venue")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    return 0


async def serve(args: argparse.Namespace, ready: "asyncio.Event | None" = None) -> None:
    from . import Simulator

    async with Simulator(host=args.host, port=args.port, seed=args.seed, flow=args.flow, chain_id=args.chain_id,
                         sequencer_rejections=getattr(args, "sequencer_rejections", "sync")) as sim:
        sys.stdout.write(f"rest: {sim.rest_url}\nws: {sim.ws_url}\n")
        sys.stdout.flush()
        if ready is not None:
            ready.set()
        await asyncio.Event().wait()
