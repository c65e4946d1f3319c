"""Helpers for the WebSocket tests (tests/test_ws_*.py): exchanges wired to the simulator, and
looks into the simulator's /stream sessions (to check that un_watch really unsubscribed)."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, Optional

import aiohttp

ETH = "ETH/USDC:USDC"
BTC = "BTC/USDC:USDC"
SPOT = "ETH/USDC"


def make_exchange(sim, account: Optional[Dict[str, Any]] = None, **options):
    """ccxt_lighter.pro.lighter pointed at ``sim``; private when ``account`` (sim_account) is given."""
    from ccxt_lighter.pro import lighter

    config: Dict[str, Any] = {
        "enableRateLimit": False,  # the simulator needs no REST pacing (mainnet standard is 1 req/s)
        "urls": {"api": {"rest": sim.rest_url, "ws": sim.ws_url}},
        "options": dict({"chainId": sim.engine.chain_id,
                         "wsConnection": dict({"reconnectDelay": 0.02, "reconnectMaxDelay": 0.2},
                                              **options.pop("wsConnection", {}))}, **options),
    }
    if account is not None:
        config["privateKey"] = account["private_key"]
        config["options"]["accountIndex"] = account["account_index"]
        config["options"]["apiKeyIndex"] = account["api_key_index"]
    return lighter(config)


def server_topics(sim) -> set:
    """Every topic some /stream session of the simulator is subscribed to."""
    topics = set()
    for session in sim.stream.sessions:
        topics.update(session.subs)
    return topics


async def settle(predicate, attempts: int = 200) -> bool:
    """Yield to the loop until ``predicate()`` holds (frames in flight on 127.0.0.1 land quickly)."""
    for _ in range(attempts):
        if predicate():
            return True
        await asyncio.sleep(0.01)
    return predicate()


async def post(sim, path: str, body: dict) -> dict:
    async with aiohttp.ClientSession() as session:
        async with session.post(sim.rest_url + path, json=body) as resp:
            text = await resp.text()
            assert resp.status == 200, text
            return json.loads(text)


def levels(book_side) -> list:
    return [[float(p), float(s)] for p, s in book_side]


def book_levels(book) -> tuple:
    return [list(x) for x in book["asks"]], [list(x) for x in book["bids"]]


def engine_levels(sim, market_id: int) -> tuple:
    asks, bids, nonce = sim.engine.book_levels(market_id)
    return levels(asks), levels(bids), nonce
