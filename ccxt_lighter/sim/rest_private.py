"""Account REST endpoints of the simulator: accounts, orders, limits, PnL, funding, liquidations,
nonces, API keys, txs and the deposit/withdraw/transfer histories.

Venue facts (REFERENCE.md 3.2 table; endpoints.json): ``account`` and ``accountsByL1Address`` are
public; accountActiveOrders / accountInactiveOrders / accountOrders / accountLimits / liquidations /
deposit, withdraw history / transferFeeInfo need an auth token (``Authorization`` header or ``auth``
query); trades, pnl, positionFunding and transfer history need it for your own accounts (every
simulated account is a user account, so the simulator requires it there too). An unknown account is
21100 "account not found"; an unknown tx 21500.

Invariant: handlers only read the engine; auth is checked before anything about the account is read.
"""
from __future__ import annotations

from aiohttp import web

from .errors import LighterError
from .httpkit import Params, auth_token, ok, page
from .marketdata import RESOLUTIONS_MS
from .views import summary

PNL_RESOLUTIONS = ("1m", "5m", "15m", "1h", "4h", "1d")


# path -> handler method (GET only)
PRIVATE_GET = (
    ("/api/v1/account", "account"),
    ("/api/v1/accountsByL1Address", "accounts_by_l1"),
    ("/api/v1/accountActiveOrders", "active_orders"),
    ("/api/v1/accountInactiveOrders", "inactive_orders"),
    ("/api/v1/accountOrders", "account_orders"),
    ("/api/v1/accountLimits", "account_limits"),
    ("/api/v1/pnl", "pnl"),
    ("/api/v1/positionFunding", "position_funding"),
    ("/api/v1/liquidations", "liquidations"),
    ("/api/v1/nextNonce", "next_nonce"),
    ("/api/v1/apikeys", "apikeys"),
    ("/api/v1/tx", "tx"),
    ("/api/v1/accountTxs", "account_txs"),
    ("/api/v1/deposit/history", "deposits"),
    ("/api/v1/withdraw/history", "withdraws"),
    ("/api/v1/transfer/history", "transfers"),
    ("/api/v1/transferFeeInfo", "transfer_fee"),
)


class PrivateApi:
    """The endpoints as methods over one engine; :meth:`routes` is the route table."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def authed(self, request, q: Params, name: str = "account_index") -> int:
        account = q.int(name, required=True)
        self.engine.check_auth(auth_token(request), account)
        if not self.engine.account_exists(account):
            raise LighterError(21100)
        return account

    async def account(self, request):
        q = Params(request.query)
        by = q.str("by", required=True, choices=("index", "l1_address"))
        value = q.str("value", required=True)
        if by == "index":
            if not value.lstrip("-").isdigit() or not self.engine.account_exists(int(value)):
                raise LighterError(21100)
            accounts = [self.engine.account_json(int(value))]
        else:
            accounts = [self.engine.account_json(i) for i in _by_l1(self.engine, value)]
            if not accounts:
                raise LighterError(21100)
        return ok({"total": len(accounts), "accounts": accounts, "next_cursor": ""})

    async def accounts_by_l1(self, request):
        address = Params(request.query).str("l1_address", required=True)
        indexes = _by_l1(self.engine, address)
        if not indexes:
            raise LighterError(21100)
        subs = [summary(self.engine, self.engine.accounts[i]) for i in indexes]
        return ok({"l1_address": self.engine.accounts[indexes[0]].l1_address, "sub_accounts": subs, "next_cursor": ""})

    async def active_orders(self, request):
        q = Params(request.query)
        acct = self.authed(request, q)
        market_id = q.int("market_id", 255)
        kind = q.str("market_type", "all", choices=("all", "spot", "perp"))
        orders = [o for mid, lst in sorted(self.engine.account_orders(acct).items()) for o in lst
                  if market_id in (255, mid) and kind in ("all", self.engine.markets[mid].kind)]
        return ok({"orders": orders, "next_cursor": ""})

    async def inactive_orders(self, request):
        q = Params(request.query)
        acct = self.authed(request, q)
        limit = q.int("limit", required=True, low=1, high=100)
        market_id = q.int("market_id", 255)
        ask_filter = q.int("ask_filter", -1, low=-1, high=1)
        window = _between(q.str("between_timestamps"))
        rows = [o for o in self.engine.account_inactive_orders(acct)
                if market_id in (255, o["market_index"]) and ask_filter in (-1, int(o["is_ask"]))
                and (window is None or window[0] <= o["updated_at"] <= window[1])]
        chunk, cursor = page(rows, q.str("cursor"), limit)
        return ok({"orders": chunk, "next_cursor": cursor})

    async def account_orders(self, request):
        q = Params(request.query)
        token_owner = self.engine.check_auth(auth_token(request), q.int("account_index"))
        acct = q.int("account_index", token_owner)
        raw = q.str("client_order_indexes", required=True)
        try:
            wanted = [int(x) for x in raw.split(",") if x.strip()]
        except ValueError:
            raise LighterError(20001, detail="client_order_indexes must be integers") from None
        if not 1 <= len(wanted) <= 20:
            raise LighterError(20001, detail="1..20 client order indexes")
        active = [o for lst in self.engine.account_orders(acct).values() for o in lst]
        rows = [o for o in active + self.engine.account_inactive_orders(acct) if o["client_order_index"] in wanted]
        return ok({"orders": rows, "next_cursor": ""})

    async def account_limits(self, request):
        q = Params(request.query)
        acct = self.engine.accounts[self.authed(request, q)]
        return ok({"max_llp_percentage": 25, "user_tier": acct.tier, "can_create_public_pool": False,
                   "max_llp_amount": "0.000000", "current_maker_fee_tick": acct.maker_fee_ppm,
                   "current_taker_fee_tick": acct.taker_fee_ppm, "effective_lit_stakes": "0.00000000",
                   "leased_lit": "0.00000000", "user_tier_name": acct.tier.capitalize(),
                   "user_tier_last_update": 0, "bo_user_tier_name": "Tier 0", "bo_fee_rate": 0})

    async def pnl(self, request):
        return ok(_pnl(self.engine, request))

    async def position_funding(self, request):
        q = Params(request.query)
        acct = self.authed(request, q)
        limit = q.int("limit", required=True, low=1, high=100)
        side = q.str("side", "all", choices=("long", "short", "all"))
        markets = q.int_list("market_ids")
        start, end = q.int("start_timestamp", 0), q.int("end_timestamp", 2**62)
        rows = [f for f in self.engine.ledger.newest_first(self.engine.ledger.fundings.get(acct))
                if side in ("all", f["position_side"]) and (not markets or f["market_id"] in markets)
                and start <= f["timestamp"] <= end]
        chunk, cursor = page(rows, q.str("cursor"), limit)
        return ok({"position_fundings": chunk, "next_cursor": cursor})

    async def liquidations(self, request):
        q = Params(request.query)
        acct = self.authed(request, q)
        limit = q.int("limit", required=True, low=1, high=100)
        market_id = q.int("market_id", 255)
        rows = [x for x in self.engine.ledger.newest_first(self.engine.ledger.liquidations.get(acct))
                if market_id in (255, x["market_id"])]
        chunk, cursor = page(rows, q.str("cursor"), limit)
        return ok({"liquidations": chunk, "next_cursor": cursor})

    async def next_nonce(self, request):
        q = Params(request.query)
        acct = q.int("account_index", required=True)
        key = q.int("api_key_index", required=True, low=0, high=255)
        return ok({"nonce": self.engine.next_nonce(acct, key)})

    async def apikeys(self, request):
        q = Params(request.query)
        acct = q.int("account_index", required=True)
        key = q.int("api_key_index", 255, low=0, high=255)
        return ok({"api_keys": self.engine.api_keys(acct, key)})

    async def tx(self, request):
        q = Params(request.query)
        by = q.str("by", required=True, choices=("hash", "sequence_index"))
        record = self.engine.ledger.tx(by, q.str("value", required=True))
        if record is None:
            raise LighterError(21500)
        return ok(dict(record))

    async def account_txs(self, request):
        q = Params(request.query)
        limit = q.int("limit", required=True, low=1, high=100)
        q.str("by", required=True, choices=("account_index",))
        value = q.int("value", required=True)
        self.engine.check_auth(auth_token(request), value)
        types = q.int_list("types")
        index = q.int("index")
        rows = [t for t in self.engine.account_txs(value, 10**9) if (not types or t["type"] in types)
                and (index is None or t["sequence_index"] < index)]
        return ok({"txs": [{k: v for k, v in t.items() if k not in ("committed_at", "verified_at")}
                           for t in rows[:limit]]})

    async def deposits(self, request):
        q = Params(request.query)
        acct = self.authed(request, q)
        q.str("l1_address", required=True)
        return ok({"deposits": self.engine.ledger.newest_first(self.engine.ledger.deposits.get(acct)), "cursor": ""})

    async def withdraws(self, request):
        q = Params(request.query)
        acct = self.authed(request, q)
        return ok({"withdraws": self.engine.ledger.newest_first(self.engine.ledger.withdraws.get(acct)), "cursor": ""})

    async def transfers(self, request):
        q = Params(request.query)
        acct = self.authed(request, q)
        return ok({"transfers": self.engine.ledger.newest_first(self.engine.ledger.transfers.get(acct)), "cursor": ""})

    async def transfer_fee(self, request):
        q = Params(request.query)
        acct = self.engine.accounts[self.authed(request, q)]
        to_index = q.int("to_account_index", acct.index)
        to = self.engine.accounts.get(to_index)
        if to is None:
            raise LighterError(21106)
        return ok({"transfer_fee_usdc": self.engine.transfer_fee(acct, to)})

    def routes(self) -> list:
        return [web.get(path, getattr(self, name)) for path, name in PRIVATE_GET]


def _by_l1(engine, address: str) -> list:
    address = address.lower()
    found = [a for a in engine.accounts.values() if a.l1_address.lower() == address]
    found.sort(key=lambda a: (a.master_index is not None, a.index))  # master first
    return [a.index for a in found]


def _between(text):
    if not text:
        return None
    try:
        start, end = (int(x) for x in text.split("-", 1))
    except ValueError:
        raise LighterError(20001, detail="between_timestamps must be '<start>-<end>'") from None
    return start, end


def _pnl(engine, request) -> dict:
    q = Params(request.query)
    q.str("by", required=True, choices=("index",))
    acct = q.int("value", required=True)
    res = q.str("resolution", required=True, choices=PNL_RESOLUTIONS)
    start = q.int("start_timestamp", required=True, low=0)
    end = q.int("end_timestamp", required=True, low=0)
    count = q.int("count_back", required=True, low=0)
    engine.check_auth(auth_token(request), acct)
    if not engine.account_exists(acct):
        raise LighterError(21100)
    span = RESOLUTIONS_MS[res]
    buckets: dict = {}
    for trade in engine.account_trades(acct, 10**9):
        t = trade["timestamp"] - trade["timestamp"] % span
        if not start <= t <= end:
            continue
        side_pnl = trade["ask_account_pnl"] if trade["ask_account_id"] == acct else trade["bid_account_pnl"]
        entry = buckets.setdefault(t, {"pnl": 0.0, "volume": 0.0})
        entry["pnl"] += float(side_pnl)
        entry["volume"] += float(trade["usd_amount"])
    zero = dict.fromkeys(("inflow", "outflow", "pool_pnl", "pool_inflow", "pool_outflow", "pool_total_shares",
                          "spot_inflow", "spot_outflow", "staked_lit", "staking_inflow", "staking_outflow",
                          "staking_pnl", "trade_spot_pnl"), 0)
    rows = [dict(zero, timestamp=t // 1000, trade_pnl=b["pnl"], volume=b["volume"]) for t, b in sorted(buckets.items())]
    return {"resolution": res, "pnl": rows[-count:] if count else []}


def routes(engine) -> list:
    return PrivateApi(engine).routes()
