"""Where the example bots trade: the embedded simulator by default, or a venue named by env vars.

* No ``LIGHTER_REST_URL``: start the embedded simulator on 127.0.0.1 (free port), make a fresh API
  key with the signer and register an account holding 10 000 USDC with it (simulator admin API).
* ``LIGHTER_REST_URL`` set (e.g. a ``ccxt-lighter sim`` in another terminal): use it, with
  ``LIGHTER_WS_URL`` (default: the same host, ``/stream``) and, for trading bots, the credentials
  ``LIGHTER_PRIVATE_KEY`` (API key private key), ``LIGHTER_ACCOUNT_INDEX``, ``LIGHTER_API_KEY_INDEX``
  and optional ``LIGHTER_CHAIN_ID`` (304 mainnet, 300 testnet). A host other than 127.0.0.1/localhost
  is refused unless ``LIGHTER_ALLOW_REMOTE=1``: these bots place real orders.

The private key is never printed.
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Any, AsyncIterator, Dict, Iterator
from urllib.parse import urlsplit

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


async def _sim_config(stack: contextlib.AsyncExitStack, *, trading: bool, seed: int) -> Dict[str, Any]:
    import aiohttp

    from ccxt_lighter.sim import Simulator
    from ccxt_lighter.signer import get_backend

    sim = await stack.enter_async_context(Simulator(port=0, seed=seed, flow=True, flow_interval=0.2))
    print(f"simulator at {sim.rest_url} (seed {seed})")
    # the simulator does not rate-limit (unless told to): no need for ccxt's limiter here
    config: Dict[str, Any] = {"enableRateLimit": False, "urls": {"api": {"rest": sim.rest_url, "ws": sim.ws_url}}}
    if trading:
        backend = get_backend()
        private_key, public_key = backend.generate_api_key()
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{sim.rest_url}/sim/accounts",
                                    json={"collateral": "10000", "api_keys": {"4": public_key}}) as resp:
                resp.raise_for_status()
                account = (await resp.json())["account_index"]
        print(f"account #{account}: 10000 USDC, API key at index 4 ({backend.name} signer)")
        config.update(privateKey=private_key, options={"accountIndex": account, "apiKeyIndex": 4})
    return config


def _env_config(*, trading: bool) -> Dict[str, Any]:
    rest = os.environ["LIGHTER_REST_URL"].rstrip("/")
    host = urlsplit(rest).hostname or ""
    if host not in LOCAL_HOSTS and os.environ.get("LIGHTER_ALLOW_REMOTE") != "1":
        sys.exit(f"{rest} is not local; set LIGHTER_ALLOW_REMOTE=1 to let this example trade there")
    ws = os.environ.get("LIGHTER_WS_URL") or rest.replace("http", "ws", 1) + "/stream"
    config: Dict[str, Any] = {"urls": {"api": {"rest": rest, "ws": ws}}, "options": {}}
    if os.environ.get("LIGHTER_CHAIN_ID"):
        config["options"]["chainId"] = int(os.environ["LIGHTER_CHAIN_ID"])
    if trading:
        missing = [n for n in ("LIGHTER_PRIVATE_KEY", "LIGHTER_ACCOUNT_INDEX", "LIGHTER_API_KEY_INDEX")
                   if not os.environ.get(n)]
        if missing:
            sys.exit(f"LIGHTER_REST_URL is set, so this trading example needs {', '.join(missing)}")
        config["privateKey"] = os.environ["LIGHTER_PRIVATE_KEY"]
        config["options"].update(accountIndex=int(os.environ["LIGHTER_ACCOUNT_INDEX"]),
                                 apiKeyIndex=int(os.environ["LIGHTER_API_KEY_INDEX"]))
    print(f"venue at {rest}")
    return config


@contextlib.asynccontextmanager
async def venue_config(*, trading: bool, seed: int = 1) -> AsyncIterator[Dict[str, Any]]:
    """The exchange config for this run; the simulator (if started) stops on exit."""
    async with contextlib.AsyncExitStack() as stack:
        if os.environ.get("LIGHTER_REST_URL"):
            yield _env_config(trading=trading)
        else:
            yield await _sim_config(stack, trading=trading, seed=seed)


@contextlib.asynccontextmanager
async def open_exchange(*, trading: bool, seed: int = 1) -> AsyncIterator[Any]:
    """An async ``ccxt_lighter.lighter`` for this run, closed (and the simulator stopped) on exit."""
    import ccxt_lighter

    async with venue_config(trading=trading, seed=seed) as config:
        exchange = ccxt_lighter.lighter(config)
        try:
            yield exchange
        finally:
            await exchange.close()


@contextlib.contextmanager
def sync_venue_config(*, trading: bool, seed: int = 1) -> Iterator[Dict[str, Any]]:
    """:func:`venue_config` for synchronous code: the simulator runs on a background loop thread."""
    from ccxt_lighter.sync import LoopThread

    loop = LoopThread("example-venue")
    manager = venue_config(trading=trading, seed=seed)
    try:
        config = loop.run(manager.__aenter__())
        try:
            yield config
        finally:
            loop.run(manager.__aexit__(None, None, None))
    finally:
        loop.close()
