"""The simulator's admin namespace ``/sim/`` (JSON in, JSON out; not part of Lighter's API).

Endpoints:
* ``POST /sim/accounts {"collateral": "10000", "api_keys": {"4": "<pubkey hex>"}, "l1_address": opt,
  "spot": {"3": "1000", "1": "2.5"} opt (asset id -> amount), "fee_tier": "premium" opt}``
  -> ``{"account_index": N, "l1_address": ..., "api_keys": {...}}``
* ``POST /sim/accounts/{index}/api_keys {"api_keys": {"5": "<pubkey hex>"}}`` -> adds (or replaces)
  API keys of an existing account -- also sub-accounts made with CreateSubAccount (tx 9), which get
  no key of their own -- without the L1-signed ChangePubKey a real account would need; a new slot
  starts at nonce 0, a replaced key keeps its slot's nonce; answers ``{"account_index": N,
  "api_keys": {index: pubkey}}`` (all keys of the account); an unknown account is HTTP 404
* ``GET|POST /sim/faults`` -> the fault settings (see :mod:`.faults`); POST merges the given knobs
* ``POST /sim/mark_price {"market_id": 0, "price": "3000.00"[, "index_price": ...]}``
* ``POST /sim/advance {"seconds": 3600}`` -> moves the sim clock, runs timers
* ``POST /sim/tick {"n": 1}`` -> n market-maker steps (works with the flow switched off)
* ``GET /sim/state`` -> accounts (collateral, available balance, positions, open orders, assets),
  markets (mark/index price, best bid/ask, book nonce), clock, height, faults, request counters,
  ``sequencer_rejections`` (sync / async)
* ``GET /sim/requests`` / ``POST /sim/requests/reset`` -> per-path counters of API requests

Invariant: admin requests are not counted as API requests and ignore the REST faults; bad input is
HTTP 400 ``{"error": "..."}`` (an unknown account 404) and changes nothing.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from aiohttp import web

from .errors import LighterError
from .core import FIRST_ACCOUNT_INDEX
from .markets import INSURANCE_FUND_ACCOUNT, USDC, amount_units, price_ticks


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def _body(request: web.Request) -> dict:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "body must be JSON"}', content_type="application/json")
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "body must be a JSON object"}', content_type="application/json")
    return body


def _keys(body: dict) -> dict:
    """``api_keys`` of an admin body: {key index 0..254: 80 hex chars}; ValueError when malformed."""
    keys = {int(k): str(v) for k, v in (body.get("api_keys") or {}).items()}
    if any(not 0 <= k <= 254 for k in keys):
        raise ValueError("api key indexes are 0..254")
    for value in keys.values():
        text = value.lower().removeprefix("0x")
        if len(text) != 80 or any(c not in "0123456789abcdef" for c in text):
            raise ValueError("public keys are 40 bytes (80 hex chars)")
    return keys


# (method, path, handler method)
ADMIN_ROUTES = (
    ("POST", "/sim/accounts", "create_account"), ("POST", "/sim/accounts/{index}/api_keys", "add_api_keys"),
    ("GET", "/sim/faults", "faults"), ("POST", "/sim/faults", "faults"),
    ("POST", "/sim/mark_price", "mark_price"), ("POST", "/sim/advance", "advance"), ("POST", "/sim/tick", "tick"),
    ("GET", "/sim/state", "state"), ("GET", "/sim/requests", "requests"),
    ("POST", "/sim/requests/reset", "reset_requests"),
)


class Admin:
    """The admin handlers over one :class:`~ccxt_lighter.sim.Simulator`."""

    def __init__(self, sim) -> None:
        self.sim = sim
        self.engine = sim.engine

    async def create_account(self, request):
        body = await _body(request)
        try:
            collateral = Decimal(str(body.get("collateral", "0")))
            keys = _keys(body)
            spot = {int(k): amount_units(self.engine.assets[int(k)], v) for k, v in (body.get("spot") or {}).items()}
        except (InvalidOperation, ValueError, KeyError, TypeError, AttributeError) as err:
            return _bad(f"bad account spec: {err}")
        if collateral < 0:
            return _bad("collateral must be >= 0")
        index = self.engine.create_account(collateral, keys, body.get("l1_address"), spot)
        if body.get("fee_tier") == "premium":
            acct = self.engine.accounts[index]
            acct.tier, acct.maker_fee_ppm, acct.taker_fee_ppm = "premium", 40, 280
        acct = self.engine.accounts[index]
        return web.json_response({"account_index": index, "l1_address": acct.l1_address,
                                  "api_keys": {str(k): v.public_key for k, v in acct.api_keys.items()},
                                  "collateral": str(collateral)})

    async def add_api_keys(self, request):
        body = await _body(request)
        try:
            index = int(request.match_info["index"])
            keys = _keys(body)
        except (ValueError, TypeError, AttributeError) as err:
            return _bad(f"bad api keys: {err}")
        if not keys:
            return _bad("api_keys must name at least one key")
        if not self.engine.account_exists(index):
            return web.json_response({"error": f"account {index} not found"}, status=404)
        self.engine.add_api_keys(index, keys)
        acct = self.engine.accounts[index]
        return web.json_response({"account_index": index,
                                  "api_keys": {str(k): v.public_key for k, v in sorted(acct.api_keys.items())}})

    async def faults(self, request):
        if request.method == "POST":
            try:
                self.sim.faults.update(await _body(request))
            except ValueError as err:
                return _bad(str(err))
        return web.json_response(self.sim.faults.to_json())

    async def mark_price(self, request):
        body = await _body(request)
        try:
            mid = int(body["market_id"])
            m = self.engine.market(mid)
            price = price_ticks(m, body["price"])
            index = price_ticks(m, body["index_price"]) if body.get("index_price") is not None else None
            self.engine.set_mark_price(mid, price, index)
        except (KeyError, ValueError, TypeError, InvalidOperation, LighterError) as err:
            return _bad(f"bad mark price: {err}")
        return web.json_response({"market_id": mid, "mark_price": m.price_str(self.engine.marks[mid])})

    async def advance(self, request):
        body = await _body(request)
        try:
            seconds = float(body.get("seconds", 0))
            self.engine.advance(seconds)
        except (TypeError, ValueError) as err:
            return _bad(f"bad advance: {err}")
        return web.json_response({"now_ms": self.engine.now_ms(), "offset_ms": self.engine.offset_ms})

    async def tick(self, request):
        body = await _body(request)
        n = body.get("n", 1)
        if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 10_000:
            return _bad("n must be an integer 0..10000")
        for _ in range(n):
            self.sim.flow.step()
        return web.json_response({"ticks": n, "height": self.engine.height})

    async def state(self, request):
        return web.json_response(self.sim.state())

    async def requests(self, request):
        return web.json_response(self.sim.counters.to_json())

    async def reset_requests(self, request):
        self.sim.counters.by_path.clear()
        return web.json_response(self.sim.counters.to_json())

    def routes(self) -> list:
        return [web.route(method, path, getattr(self, name)) for method, path, name in ADMIN_ROUTES]


def routes(sim) -> list:
    return Admin(sim).routes()


def state_json(engine) -> dict:
    accounts = {}
    for index, acct in sorted(engine.accounts.items()):
        detail = engine.account_json(index)
        accounts[str(index)] = {
            "account_index": index, "l1_address": acct.l1_address, "collateral": detail["collateral"],
            "available_balance": detail["available_balance"], "master_index": acct.master_index,
            "positions": {str(k): v for k, v in engine.account_positions(index).items()},
            "open_orders": [o for lst in engine.account_orders(index).values() for o in lst],
            "assets": {str(k): v for k, v in engine.account_assets(index).items()},
            "api_keys": {str(k): {"public_key": v.public_key, "nonce": v.next_nonce} for k, v in acct.api_keys.items()},
            "cancel_all_time": acct.cancel_all_time,
            "system": index < FIRST_ACCOUNT_INDEX or index == INSURANCE_FUND_ACCOUNT,  # flow / insurance fund
        }
    markets = {}
    for mid, m in sorted(engine.markets.items()):
        book = engine.books[mid]
        bid, ask = book.best_bid(), book.best_ask()
        markets[str(mid)] = {
            "symbol": m.symbol, "mark_price": m.price_str(engine.marks[mid]),
            "index_price": m.price_str(engine.index_prices[mid]),
            "best_bid": m.price_str(bid) if bid is not None else None,
            "best_ask": m.price_str(ask) if ask is not None else None,
            "book_nonce": book.nonce, "last_trade_price": m.price_str(engine.md.last_price[mid]),
            "trades": engine.md.trade_counts[mid],
        }
    return {"now_ms": engine.now_ms(), "wall_ms": engine.wall_ms(), "offset_ms": engine.offset_ms,
            "height": engine.height, "chain_id": engine.chain_id, "accounts": accounts, "markets": markets,
            "usdc_asset_id": USDC}
