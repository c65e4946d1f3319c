"""Public REST endpoints of the simulator: status, markets, books, trades, candles, funding, stats.

Venue facts (REFERENCE.md 3.2 table; endpoints.json for required parameters and their ranges):
``orderBookOrders`` needs market_id and limit 1..250 and lists individual orders; ``recentTrades``
limit 1..100; ``trades`` needs sort_by and limit and may filter by account (auth then required);
``candles``/``markPriceCandles``/``fundings`` need market_id, resolution, start/end timestamps and
count_back (candles <= 500, fundings <= 750); market_id 255 / absent = all markets.

Invariant: handlers only read the engine; every body has the SDK model's required fields.
"""
from __future__ import annotations

from aiohttp import web

from .errors import LighterError
from .httpkit import Params, auth_token, ok
from .marketdata import RESOLUTIONS_MS
from .timers import funding_rate_e8
from .wire_market import asset_detail_json, detail_json, exchange_stats_json, order_book_json
from .wire_orders import simple_order_json

CONTRACT_ADDRESS = "0x3B4D794a66304F130a4Db8F2551B0070dfCf5ca7"
FILTERS = ("all", "spot", "perp")


def _markets(engine, q: Params):
    market_id = q.int("market_id", 255)
    kind = q.str("filter", "all", choices=FILTERS)
    if market_id != 255 and market_id not in engine.markets:
        raise LighterError(21602)
    out = []
    for mid in sorted(engine.markets):
        m = engine.markets[mid]
        if market_id not in (255, mid) or kind not in ("all", m.kind):
            continue
        out.append(m)
    return out


def _market_param(engine, q: Params) -> int:
    market_id = q.int("market_id", required=True)
    if market_id not in engine.markets:
        raise LighterError(21602)
    return market_id


# path -> handler method (GET only)
PUBLIC_GET = (
    ("/", "status"),
    ("/info", "info"),
    ("/api/v1/orderBooks", "order_books"),
    ("/api/v1/orderBookDetails", "order_book_details"),
    ("/api/v1/orderBookOrders", "order_book_orders"),
    ("/api/v1/recentTrades", "recent_trades"),
    ("/api/v1/trades", "trades"),
    ("/api/v1/candles", "candles"),
    ("/api/v1/markPriceCandles", "mark_candles"),
    ("/api/v1/fundings", "fundings"),
    ("/api/v1/funding-rates", "funding_rates"),
    ("/api/v1/exchangeStats", "exchange_stats"),
    ("/api/v1/assetDetails", "asset_details"),
    ("/api/v1/currentHeight", "current_height"),
    ("/api/v1/announcement", "announcement"),
)


class PublicApi:
    """The endpoints as methods over one engine; :meth:`routes` is the route table."""

    def __init__(self, engine) -> None:
        self.engine = engine

    async def status(self, request):
        return web.json_response({"status": 1, "network_id": 1, "timestamp": self.engine.now_ms() // 1000})

    async def info(self, request):
        return web.json_response({"contract_address": CONTRACT_ADDRESS})

    async def order_books(self, request):
        markets = _markets(self.engine, Params(request.query))
        return ok({"order_books": [order_book_json(m, self.engine.open_interest(m.market_id)) for m in markets]})

    async def order_book_details(self, request):
        markets = _markets(self.engine, Params(request.query))
        perps = [detail_json(self.engine, m) for m in markets if not m.is_spot]
        spots = [detail_json(self.engine, m) for m in markets if m.is_spot]
        return ok({"order_book_details": perps, "spot_order_book_details": spots})

    async def order_book_orders(self, request):
        q = Params(request.query)
        mid = _market_param(self.engine, q)
        limit = q.int("limit", required=True, low=1, high=250)
        book, m = self.engine.books[mid], self.engine.markets[mid]
        asks = [simple_order_json(o, m) for o in book.orders(True, limit)]
        bids = [simple_order_json(o, m) for o in book.orders(False, limit)]
        return ok({"total_asks": len(asks), "asks": asks, "total_bids": len(bids), "bids": bids})

    async def recent_trades(self, request):
        q = Params(request.query)
        mid = _market_param(self.engine, q)
        limit = q.int("limit", required=True, low=1, high=100)
        return ok({"trades": self.engine.recent_trades(mid, limit)})

    async def trades(self, request):
        return ok(_trades(self.engine, request))

    async def candles(self, request):
        mid, res, start, end, count = _candle_params(self.engine, Params(request.query), 500)
        return ok({"r": res, "c": self.engine.md.candle_list(mid, res, start, end, count)})

    async def mark_candles(self, request):
        mid, res, start, end, count = _candle_params(self.engine, Params(request.query), 500)
        return ok({"r": res, "c": self.engine.md.mark_candle_list(mid, res, start, end, count)})

    async def fundings(self, request):
        q = Params(request.query)
        mid = _market_param(self.engine, q)
        res = q.str("resolution", required=True, choices=("1h", "1d"))
        start, end = _seconds(q.int("start_timestamp", required=True)), _seconds(q.int("end_timestamp", required=True))
        count = q.int("count_back", required=True, low=0)
        rows = [f for f in self.engine.md.fundings[mid] if start <= f["timestamp"] <= end]
        if res == "1d":
            rows = [f for f in rows if f["timestamp"] % 86400 == 0]
        rows = rows[-min(count, 750):] if count else rows[-750:]
        return ok({"resolution": res, "fundings": rows})

    async def funding_rates(self, request):
        # The venue normalises this cross-exchange comparison to an 8-hour rate (ccxt's recorded
        # payload: 9.6e-05 = 8 x the hourly 0.0012 %), while funding itself is paid hourly.
        rates = [{"market_id": mid, "exchange": "lighter", "symbol": m.symbol,
                  "rate": funding_rate_e8(self.engine, mid) * 8 / 10**8}
                 for mid, m in sorted(self.engine.markets.items()) if not m.is_spot]
        return ok({"funding_rates": rates})

    async def exchange_stats(self, request):
        return ok(exchange_stats_json(self.engine))

    async def asset_details(self, request):
        asset_id = Params(request.query).int("asset_id")
        if asset_id is not None and asset_id not in self.engine.assets:
            raise LighterError(21809)
        assets = sorted(self.engine.assets.items())
        out = [asset_detail_json(a, _asset_price(self.engine, aid)) for aid, a in assets if asset_id in (None, aid)]
        return ok({"asset_details": out})

    async def current_height(self, request):
        return ok({"height": self.engine.height})

    async def announcement(self, request):
        return ok({"announcements": []})

    def routes(self) -> list:
        return [web.get(path, getattr(self, name)) for path, name in PUBLIC_GET]


def _asset_price(engine, asset_id: int) -> str:
    if asset_id == 3:
        return "1.000000"
    for m in engine.markets.values():
        if m.is_spot and m.base_asset_id == asset_id:
            return m.price_str(engine.marks[m.market_id])
    return "0"


def _seconds(ts: int) -> int:
    return ts // 1000 if ts > 10**11 else ts


def _candle_params(engine, q: Params, max_count: int):
    mid = _market_param(engine, q)
    res = q.str("resolution", required=True)
    if res not in RESOLUTIONS_MS:
        raise LighterError(22402)
    start = q.int("start_timestamp", required=True, low=0)
    end = q.int("end_timestamp", required=True, low=0)
    count = q.int("count_back", required=True, low=0)
    if end < start:
        raise LighterError(22400)
    return mid, res, start, end, min(count or max_count, max_count)  # count_back 0 = as many as allowed


SORT_KEYS = {"block_height": "block_height", "timestamp": "timestamp", "trade_id": "trade_id"}


def _trades(engine, request) -> dict:
    q = Params(request.query)
    sort_by = q.str("sort_by", required=True, choices=tuple(SORT_KEYS))
    limit = q.int("limit", required=True, low=1, high=100)
    market_id = q.int("market_id", 255)
    account = q.int("account_index", -1)
    order_index = q.int("order_index")
    direction = q.str("sort_dir", "desc", choices=("asc", "desc"))
    cursor = q.int("cursor")
    role = q.str("role", "all", choices=("all", "maker", "taker"))
    kind = q.str("type", "all")
    if account >= 0:
        engine.check_auth(auth_token(request), account)
        rows = engine.md.of_account(account)
    elif market_id != 255:
        rows = engine.md.recent(market_id, 10**9) if market_id in engine.markets else []
    else:
        rows = sorted((t for mid in engine.markets for t in engine.md.tape[mid]),
                      key=lambda t: t["trade_id"], reverse=True)
    rows = [t for t in rows if market_id in (255, t["market_id"]) and kind in ("all", t["type"])
            and (order_index is None or order_index in (t["ask_id"], t["bid_id"]))
            and _role_ok(t, account, role)]
    rows.sort(key=lambda t: (t[SORT_KEYS[sort_by]], t["trade_id"]), reverse=direction == "desc")
    if cursor is not None:
        rows = [t for t in rows if (t["trade_id"] < cursor if direction == "desc" else t["trade_id"] > cursor)]
    page = rows[:limit]
    more = len(rows) > limit
    return {"next_cursor": str(page[-1]["trade_id"]) if more else "", "trades": page}


def _role_ok(trade: dict, account: int, role: str) -> bool:
    if role == "all" or account < 0:
        return True
    maker_is_ask = trade["is_maker_ask"]
    maker = trade["ask_account_id"] if maker_is_ask else trade["bid_account_id"]
    return (maker == account) == (role == "maker")


def routes(engine) -> list:
    return PublicApi(engine).routes()
