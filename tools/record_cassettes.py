"""(Re)record the public-method cassettes under ``cassettes/test_public_cassettes/``.

    python -m tools.record_cassettes                   # --target local: the recorded-payload stub
    python -m tools.record_cassettes --target mainnet  # the real API (needs network access)
    python -m tools.record_cassettes --only test_fetch_ticker test_fetch_ohlcv

``local`` starts :class:`tools.venue_stub.VenueStub` on 127.0.0.1, points the real ``lighter`` class
at it and records real HTTP exchanges, writing the request URLs as the mainnet host. ``mainnet``
records the same scenarios against ``https://mainnet.zklighter.elliot.ai``; afterwards run
``python -m pytest tests/test_public_cassettes.py`` — the replay tests assert structure, not the
stub's values, so they hold for a mainnet recording too. See ``tools/cassettes.py`` for scrubbing.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys

from ccxt_lighter.exchange import lighter
from ccxt_lighter.spec import MAINNET_REST
from tools.cassettes import SCENARIOS, cassette_path, make_vcr
from tools.venue_stub import VenueStub


async def record(name: str, target: str, rest: str) -> int:
    path = cassette_path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.remove(path)
    recorder = make_vcr("all", target, rewrite_base=MAINNET_REST if target == "local" else None)
    exchange = lighter({"urls": {"api": {"rest": rest}}, "enableRateLimit": target == "mainnet"})
    try:
        with recorder.use_cassette(path) as cassette:
            await SCENARIOS[name](exchange)
            return len(cassette)
    finally:
        await exchange.close()


async def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("local", "mainnet"), default="local")
    parser.add_argument("--only", nargs="*", help="scenario names (default: all)")
    args = parser.parse_args(argv)
    names = args.only or list(SCENARIOS)
    unknown = set(names) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}")
    if args.target == "mainnet":
        for name in names:
            sys.stdout.write(f"{name}: {await record(name, 'mainnet', MAINNET_REST)} interactions\n")
        return 0
    async with VenueStub() as stub:
        for name in names:
            sys.stdout.write(f"{name}: {await record(name, 'local', stub.url)} interactions\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
