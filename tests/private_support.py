"""Helpers shared by the trading/account test modules (test_private_*, test_bad_input*, ...).

* :func:`trader` -- our class pointed at a running simulator with a ``sim_account``'s credentials;
* :func:`check` -- ccxt's own unified-structure validators for the private structures (the
  ``ccxt_check`` fixture of fixtures_exchange covers the public ones);
* :func:`admin` -- the simulator's ``/sim/`` admin endpoints; :func:`requests_to` counts API calls.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import aiohttp

SYMBOL = "ETH/USDC:USDC"


def trader(make_lighter, sim, account: Dict[str, Any], **options):
    config = {"urls": {"api": {"rest": sim.rest_url, "ws": sim.ws_url}},
              "privateKey": account["private_key"],
              "options": dict({"accountIndex": account["account_index"],
                               "apiKeyIndex": account["api_key_index"]}, **options)}
    return make_lighter(**config)


async def admin(sim, path: str, body: Optional[dict] = None, method: str = "POST") -> Any:
    async with aiohttp.ClientSession() as session:
        async with session.request(method, sim.rest_url + path, json=body) as resp:
            payload = await resp.json()
            assert resp.status == 200, payload
            return payload


async def new_account(sim, backend, collateral: str = "10000", key_index: int = 4, **extra) -> Dict[str, Any]:
    private, public = backend.generate_api_key()
    body = dict({"collateral": collateral, "api_keys": {str(key_index): public}}, **extra)
    made = await admin(sim, "/sim/accounts", body)
    return {"account_index": made["account_index"], "api_key_index": key_index, "private_key": private,
            "public_key": public, "l1_address": made.get("l1_address")}


def requests_to(sim, path: str = None) -> int:
    counts = sim.counters.to_json()["by_path"]
    return sum(counts.values()) if path is None else counts.get(path, 0)


def account_state(sim, account_index: int) -> Dict[str, Any]:
    return sim.state()["accounts"][str(account_index)]


def _validators():
    from ccxt.test.exchange import base

    return {
        "order": (base.test_order, lambda kw: (kw.get("symbol"), kw.get("now"))),
        "trade": (base.test_trade, lambda kw: (kw.get("symbol"), kw.get("now"), False)),
        "position": (base.test_position, lambda kw: (kw.get("symbol"), kw.get("now"))),
        "balance": (base.test_balance, lambda kw: ()),
        "account": (base.test_account, lambda kw: ()),
        "margin_mode": (base.test_margin_mode, lambda kw: ()),
        "margin_modification": (base.test_margin_modification, lambda kw: ()),
        "transfer": (base.test_transfer, lambda kw: (kw.get("code"),)),
        "deposit_withdrawal": (base.test_deposit_withdrawal, lambda kw: (kw.get("code"), kw.get("now"))),
        "ledger_entry": (base.test_ledger_entry, lambda kw: (kw.get("code"), kw.get("now"))),
        "liquidation": (base.test_liquidation, lambda kw: (kw.get("symbol"),)),
    }


_VALIDATORS = None


def check(kind: str, exchange, entry, method: Optional[str] = None, skip: Optional[dict] = None, **kw) -> None:
    """Run ccxt's validator for ``kind``; ``skip`` entries must be justified by the calling test.

    Liquidations are validated with ``contractSize`` blanked: ccxt 4.5.90's test_liquidation asserts
    ``baseValue == contracts * contractSize * price`` (it means quoteValue; the check runs only when
    contractSize is set), so the two values are checked by the tests themselves instead.
    """
    global _VALIDATORS
    if _VALIDATORS is None:
        _VALIDATORS = _validators()
    fn, args = _VALIDATORS[kind]
    if kind == "liquidation":
        entry = dict(entry, contractSize=None)
    kw.setdefault("now", exchange.milliseconds())
    if kind == "trading_fee":
        raise ValueError("use the ccxt_check fixture for trading fees")
    fn(exchange, dict(skip or {}), method or kind, entry, *args(kw))
