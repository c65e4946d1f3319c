"""Clients for the trading benchmarks: ours and ccxt's in-tree lighter (REST or ccxt.pro), each on a
fresh simulator account, with meters on their signer calls and transport.

Equal settings for both: ``enableRateLimit=False``, no builder/integrator fee, the same official
signer library (the file ``ccxt_lighter.signer.locate`` finds is handed to the in-tree class as
``libraryPath``), one API key each unless a pool is asked for.
"""
from __future__ import annotations

import time

import aiohttp
import ccxt.async_support as ccxt_async
import ccxt.pro as ccxt_pro

from ccxt_lighter.exchange import lighter as ours_class
from ccxt_lighter.pro import lighter as ours_pro_class

SYMBOL = "ETH/USDC:USDC"
IN_TREE_SIGN = ("lighter_sign_create_order", "lighter_sign_cancel_order", "lighter_sign_create_grouped_orders",
                "lighter_create_auth_token")


class Meter:
    """Accumulates seconds spent in wrapped callables (signer calls, HTTP fetch)."""

    def __init__(self):
        self.sign = 0.0
        self.http = 0.0

    def reset(self):
        self.sign = self.http = 0.0

    def wrap_sync(self, obj, name, field):
        original = getattr(obj, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                setattr(self, field, getattr(self, field) + time.perf_counter() - start)

        setattr(obj, name, timed)

    def wrap_async(self, obj, name, field):
        original = getattr(obj, name)

        async def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                setattr(self, field, getattr(self, field) + time.perf_counter() - start)

        setattr(obj, name, timed)


async def admin(sim, method, path, body=None):
    """One call to the simulator's admin namespace (not an API request, no faults)."""
    async with aiohttp.ClientSession() as session:
        async with session.request(method, sim.rest_url + path, json=body) as resp:
            resp.raise_for_status()
            return await resp.json()


async def new_account(sim, slot, public_key):
    body = {"collateral": "100000000", "api_keys": {str(slot): public_key}}
    return (await admin(sim, "POST", "/sim/accounts", body))["account_index"]


async def ours_exchange(sim, backend, slots, pro=False):
    """Ours on a fresh account whose API keys sit at ``slots`` (the first is the primary key)."""
    keys = {slot: backend.generate_api_key() for slot in slots}
    account = await new_account(sim, slots[0], keys[slots[0]][1])
    options = {"accountIndex": account, "apiKeyIndex": slots[0]}
    if len(slots) > 1:
        extra = {str(slot): keys[slot][1] for slot in slots[1:]}
        await admin(sim, "POST", f"/sim/accounts/{account}/api_keys", {"api_keys": extra})
        options["apiPrivateKeys"] = {str(slot): keys[slot][0] for slot in slots[1:]}
    cls = ours_pro_class if pro else ours_class
    ex = cls({"urls": {"api": {"rest": sim.rest_url, "ws": sim.ws_url}}, "privateKey": keys[slots[0]][0],
              "enableRateLimit": False, "options": options})
    await ex.load_markets()
    for _ in slots:  # warm every key (idle keys are picked in turn): key check, nonce, token
        await ex.create_order(SYMBOL, "limit", "buy", 0.01, 1000)
    return ex, account


async def in_tree_exchange(sim, backend, library, slot=5, pro=False):
    """ccxt's in-tree class on a fresh account with one API key (its default millisecond nonces)."""
    private, public = backend.generate_api_key()
    account = await new_account(sim, slot, public)
    auth = {"signer": None, "lighterPrivateKey": private, "deadline": None, "token": None}
    cls = ccxt_pro.lighter if pro else ccxt_async.lighter
    ex = cls({
        "urls": {"api": {"public": sim.rest_url, "private": sim.rest_url, "ws": sim.ws_url}}, "enableRateLimit": False,
        "options": {"libraryPath": library, "accountIndex": account, "apiKeyIndex": slot, "builderFee": False,
                    "chainId": 304, "auths": {str(account): {str(slot): auth}}}})
    await ex.load_markets()
    await ex.create_order(SYMBOL, "limit", "buy", 0.01, 1000)  # warm: library load, tier lookup
    return ex, account


async def make_ours(sim, backend, pro=False):
    ex, _ = await ours_exchange(sim, backend, (4,) if not pro else (8,), pro=pro)
    meter = Meter()
    meter.wrap_async(ex, "_sign_txs", "sign")  # waiting for signatures, incl. the hop to the signer thread
    meter.wrap_async(ex, "_ws_send_request" if pro else "fetch", "http")
    if pro:
        await ex.create_order_ws(SYMBOL, "limit", "buy", 0.01, 1000)  # warm: the connection is open
    return ex, meter


async def make_in_tree(sim, backend, library, pro=False):
    ex, _ = await in_tree_exchange(sim, backend, library, slot=5 if not pro else 9, pro=pro)
    meter = Meter()
    for name in IN_TREE_SIGN:
        meter.wrap_sync(ex, name, "sign")
    meter.wrap_async(ex, "watch" if pro else "fetch", "http")
    if pro:
        await ex.create_order_ws(SYMBOL, "limit", "buy", 0.01, 1000)
    return ex, meter
