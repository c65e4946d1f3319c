"""pytest fixtures for the simulator layer.

* ``sim`` -- a running :class:`ccxt_lighter.sim.Simulator` on 127.0.0.1 (free port), seed 1, flow off
  (books seeded once, still), signatures verified when the pure verifier is importable;
* ``sim_account`` -- an account with 10 000 USDC collateral and a fresh API key (made by the signer
  backend) registered at index 4: ``{'account_index', 'api_key_index', 'private_key', 'public_key'}``;
* ``engine`` / :class:`TxMaker` -- a bare engine (no server, no seeded books, structural signature
  checks only) and a maker of tx_info dicts for engine unit tests;
* :class:`SimTrader` -- signs real txs for an account with the signer backend and sends them to the
  simulator over HTTP (REST tests).
"""
from __future__ import annotations

import base64
import json
import time
from typing import Any, Dict, Optional

import aiohttp
import pytest

from ccxt_lighter.sim import Simulator
from ccxt_lighter.sim.engine import Engine

FAKE_SIG = base64.b64encode(b"\x01" * 80).decode()
HOUR_MS = 3_600_000


@pytest.fixture
async def sim():
    async with Simulator(port=0, seed=1, flow=False) as simulator:
        yield simulator


@pytest.fixture
def signer_backend():
    from ccxt_lighter.signer import get_backend

    return get_backend()


@pytest.fixture
async def sim_account(sim, signer_backend) -> Dict[str, Any]:
    private_key, public_key = signer_backend.generate_api_key()
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{sim.rest_url}/sim/accounts",
                                json={"collateral": "10000", "api_keys": {"4": public_key}}) as resp:
            assert resp.status == 200, await resp.text()
            body = await resp.json()
    return {"account_index": body["account_index"], "api_key_index": 4, "private_key": private_key,
            "public_key": public_key}


# -- engine unit tests ---------------------------------------------------------------------------
FIXED_WALL = 1_795_001_400.0  # half past an hour: one simulated hour crosses exactly one funding time


@pytest.fixture
def engine() -> Engine:
    """A bare engine on a frozen wall clock (only ``engine.advance`` moves time), so tests about
    expiries and funding rounds cannot race the real clock."""
    return Engine(verify_signatures=False, wall_clock=lambda: FIXED_WALL)


def find_order(engine, account, coi=None, index=None) -> Dict[str, Any]:
    """The order (active or inactive) of ``account`` with that client or exchange order index."""
    rows = [o for lst in engine.account_orders(account).values() for o in lst]
    rows += engine.account_inactive_orders(account)
    for o in rows:
        if (coi is not None and o["client_order_index"] == coi) or (index is not None and o["order_index"] == index):
            return o
    raise AssertionError("order not found")


class TxMaker:
    """Builds tx_info dicts for one (account, api key) with its own nonce counter."""

    def __init__(self, engine: Engine, collateral: str = "10000", key_index: int = 4,
                 account: Optional[int] = None) -> None:
        """A new account with ``collateral``, or (``account=``) an existing one, e.g. a sub-account,
        which gets the key slot ``key_index`` registered."""
        self.engine = engine
        self.key_index = key_index
        if account is None:
            self.account = engine.create_account(collateral, {key_index: "ab" * 40})
        else:
            engine.add_api_keys(account, {key_index: "ab" * 40})
            self.account = account
        self.nonce = engine.next_nonce(self.account, key_index)

    def base(self, **fields) -> Dict[str, Any]:
        info = {"AccountIndex": self.account, "ApiKeyIndex": self.key_index}
        info.update(fields)
        info.update({"ExpiredAt": self.engine.wall_ms() + 599_000, "Nonce": self.nonce, "Sig": FAKE_SIG,
                     "L2TxAttributes": None})
        return info

    def send(self, tx_type: int, info: Dict[str, Any]) -> str:
        tx_hash = self.engine.submit_tx(tx_type, json.dumps(info))
        self.nonce += 1
        return tx_hash

    def order(self, *, market: int = 0, coi: int = 0, base: int = 1000, price: int = 300000, ask: bool = False,
              type: int = 0, tif: Optional[int] = None, reduce_only: int = 0, trigger: int = 0,
              expiry: Optional[int] = None) -> Dict[str, Any]:
        if tif is None:
            tif = 0 if type in (1, 2, 4) else 1
        if expiry is None:
            expiry = self.engine.wall_ms() + HOUR_MS if (tif != 0 or type >= 2) else 0
        return {"MarketIndex": market, "ClientOrderIndex": coi, "BaseAmount": base, "Price": price,
                "IsAsk": int(ask), "Type": type, "TimeInForce": tif, "ReduceOnly": reduce_only,
                "TriggerPrice": trigger, "OrderExpiry": expiry}

    def create(self, attributes: Optional[Dict[str, int]] = None, **kw) -> str:
        """CreateOrder; ``attributes`` = L2TxAttributes (e.g. ``{"6": 1}`` self-trade: expire taker)."""
        info = self.base(**self.order(**kw))
        if attributes:
            info["L2TxAttributes"] = attributes
        return self.send(14, info)

    def cancel(self, index: int, market: int = 0) -> str:
        return self.send(15, self.base(MarketIndex=market, Index=index))

    def orders(self, market: Optional[int] = None) -> list:
        return [o for lst in self.engine.account_orders(self.account, market).values() for o in lst]

    def position(self, market: int = 0) -> Optional[dict]:
        return self.engine.account_positions(self.account).get(market)


@pytest.fixture
def maker_factory(engine):
    return lambda collateral="10000": TxMaker(engine, collateral)


# -- REST tests with real signatures ---------------------------------------------------------------
class SimTrader:
    """Signs txs for ``account`` (from ``sim_account``) and posts them to the simulator."""

    def __init__(self, sim: Simulator, account: Dict[str, Any], backend, session: aiohttp.ClientSession) -> None:
        self.sim, self.account, self.backend, self.session = sim, account, backend, session
        self.index, self.key = account["account_index"], account["api_key_index"]
        backend.register_key(account["private_key"], sim.engine.chain_id, self.key, self.index)
        self.nonce = 0

    def sign(self, tx, *, nonce: Optional[int] = None, skip_nonce: bool = False):
        use = self.nonce if nonce is None else nonce
        return self.backend.sign(tx, nonce=use, api_key_index=self.key, account_index=self.index,
                                 skip_nonce=skip_nonce)

    async def send(self, tx, **kw) -> tuple:
        signed = self.sign(tx, **kw)
        status, body = await self.post("/api/v1/sendTx", {"tx_type": str(signed.tx_type), "tx_info": signed.tx_info})
        if status == 200 and kw.get("nonce") is None:
            self.nonce += 1
        return status, body, signed

    async def post(self, path: str, form: Dict[str, str]) -> tuple:
        async with self.session.post(self.sim.rest_url + path, data=form) as resp:
            return resp.status, await resp.json()

    async def get(self, path: str, params: Optional[Dict] = None, auth: bool = False) -> tuple:
        headers = {"Authorization": self.token()} if auth else None
        async with self.session.get(self.sim.rest_url + path, params=params or {}, headers=headers) as resp:
            return resp.status, await resp.json()

    def token(self, lifetime: int = 600) -> str:
        return self.backend.create_auth_token(int(time.time()) + lifetime, self.key, self.index)


@pytest.fixture
async def sim_trader(sim, sim_account, signer_backend):
    async with aiohttp.ClientSession() as session:
        yield SimTrader(sim, sim_account, signer_backend, session)
