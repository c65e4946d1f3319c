"""Lighter public REST payloads for the venue stub: recorded examples, served per path.

Sources (read-only, outside this repo): ``$LIGHTER_SHARED_DIR`` (default ``../shared``)
``lighter-api/examples/rest_*.json`` (recorded / fixture payloads, see their ``_INDEX.json``) and
``peer/ccxt-static/response-lighter.json`` (ccxt's recorded responses).

What is recorded and what is constructed:
* served as recorded: status, assetDetails rows, the ETH perp detail, orderBookOrders, recentTrades,
  the funding-rates rows, candle and funding row shapes;
* constructed (documented in each builder): a BTC perp and a spot ETH/USDC (2048) market built from
  the recorded ETH detail and the SpotOrderBookDetail model (the recorded details hold one perp only),
  and history pages (candles, fundings, trades) whose rows copy the recorded row shape over the
  requested time range, so paging past the venue caps (500 candles, 750 fundings, 100 trades) can be
  exercised. Routes that compute a page enforce the venue's cap, so a client that asks for too much
  in one window loses rows and its test fails.
"""
from __future__ import annotations

import copy
import json
import os
from typing import Callable, Dict, Tuple, Union

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LIGHTER_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
EXAMPLES = os.path.join(SHARED, "lighter-api", "examples")
PEER_STATIC = os.path.join(SHARED, "peer", "ccxt-static")

Reply = Tuple[int, object]
Route = Union[dict, Callable[[dict], Reply]]
RESOLUTION_MS = {"1m": 60_000, "5m": 300_000, "15m": 900_000, "30m": 1_800_000, "1h": 3_600_000,
                 "4h": 14_400_000, "12h": 43_200_000, "1d": 86_400_000, "1w": 604_800_000}
CANDLES_CAP, FUNDINGS_CAP, TRADES_CAP = 500, 750, 100


def example(name: str) -> dict:
    with open(os.path.join(EXAMPLES, name + ".json")) as f:
        return json.load(f)


def peer_response(method: str, index: int = 0) -> dict:
    with open(os.path.join(PEER_STATIC, "response-lighter.json")) as f:
        return json.load(f)["methods"][method][index]


def perp_details() -> list:
    """The recorded ETH perp (market 0) plus a BTC perp (market 1) constructed from it."""
    eth = example("rest_orderBookDetails")["order_book_details"][0]
    btc = copy.deepcopy(eth)
    btc.update(symbol="BTC", market_id=1, size_decimals=5, price_decimals=1, supported_size_decimals=5,
               supported_price_decimals=1, min_base_amount="0.00020", min_quote_amount="10.000000",
               min_initial_margin_fraction=200, default_initial_margin_fraction=500,
               maintenance_margin_fraction=120, last_trade_price=67012.3, daily_price_low=65890.1,
               daily_price_high=67501.0, daily_price_change=1.25, daily_base_token_volume=1523.11,
               daily_quote_token_volume=101234567.123456, open_interest=812.3456,
               mark_price="67010.5", index_price="67008.9", taker_fee="0.0280", maker_fee="0.0040")
    return [eth, btc]


def spot_detail() -> dict:
    """Spot ETH/USDC (2048): SpotOrderBookDetail fields; decimals/minimums of the ETH perp."""
    eth = example("rest_orderBookDetails")["order_book_details"][0]
    keep = ("status", "taker_fee", "maker_fee", "liquidation_fee", "min_base_amount", "min_quote_amount",
            "supported_size_decimals", "supported_price_decimals", "supported_quote_decimals",
            "size_decimals", "price_decimals", "last_trade_price", "daily_trades_count",
            "daily_base_token_volume", "daily_quote_token_volume", "daily_price_low", "daily_price_high",
            "daily_price_change", "daily_chart", "is_maker_fee_enabled", "is_taker_fee_enabled")
    spot = {k: copy.deepcopy(eth[k]) for k in keep}
    spot.update(symbol="ETH/USDC", market_id=2048, market_type="spot", base_asset_id=1, quote_asset_id=3,
                order_quote_limit="2500000.000000", liquidation_fee="0.0000")
    return spot


def order_book_details(query: dict) -> Reply:
    perps, spot = perp_details(), [spot_detail()]
    market = query.get("market_id")
    if market is not None:
        perps = [d for d in perps if str(d["market_id"]) == str(market)]
        spot = [d for d in spot if str(d["market_id"]) == str(market)]
        if not perps and not spot:
            return 400, {"code": 21602, "message": "invalid market index"}
    return 200, {"code": 200, "order_book_details": perps, "spot_order_book_details": spot}


def asset_details() -> dict:
    """Recorded USDC (ccxt) and ETH (example) assets."""
    usdc = peer_response("fetchCurrencies")["httpResponse"]["asset_details"][0]
    eth = example("rest_assetDetails")["asset_details"][0]
    return {"code": 200, "asset_details": [eth, usdc]}


def funding_rates() -> dict:
    """The recorded lighter ETH row (ccxt) and the recorded binance row (example)."""
    rows = peer_response("fetchFundingRates")["httpResponse"]["funding_rates"]
    rows += example("rest_funding_rates")["funding_rates"]
    return {"code": 200, "funding_rates": rows}


def candles(query: dict, mark: bool = False) -> Reply:
    """Candles for [start, end] in the recorded row shape, at most 500, oldest first."""
    step = RESOLUTION_MS.get(query.get("resolution", ""))
    if step is None:
        return 400, {"code": 22402, "message": "invalid resolution: resolution unsupported"}
    start, end = int(query["start_timestamp"]), int(query["end_timestamp"])
    if end <= start:
        return 400, {"code": 22400, "message": "invalid timestamps: end_timestamp must be greater than start_timestamp"}
    template = example("rest_candles")["c"][0]
    rows, t = [], -(-start // step) * step
    while t <= end and len(rows) < CANDLES_CAP:
        drift = (t // step) % 7
        row = {"t": t, "o": round(template["o"] + drift, 2), "h": round(template["h"] + drift + 1, 2),
               "l": round(template["l"] + drift - 1, 2), "c": round(template["c"] + drift, 2)}
        if mark:
            row["sc"] = 60
        else:
            row.update(v=template["v"], V=template["V"], i=template["i"] + t // step)
        rows.append(row)
        t += step
    return 200, {"code": 200, "r": query["resolution"], "c": rows}


def fundings(query: dict) -> Reply:
    """Hourly fundings in [start, end] (ms in the request, seconds in rows as recorded), <= 750."""
    start, end = int(query["start_timestamp"]), int(query["end_timestamp"])
    templates = example("rest_fundings")["fundings"]
    rows, t = [], -(-start // 3_600_000) * 3_600_000
    while t <= end and len(rows) < FUNDINGS_CAP:
        row = dict(templates[(t // 3_600_000) % len(templates)])
        row["timestamp"] = t // 1000
        rows.append(row)
        t += 3_600_000
    return 200, {"code": 200, "resolution": query.get("resolution", "1h"), "fundings": rows}


TRADE_HISTORY_START_MS = 1777940000000
TRADE_HISTORY_SIZE = 250


def trades_page(query: dict) -> Reply:
    """``trades`` by timestamp, newest first, cursor = offset; rows copy the recorded trade."""
    limit = min(int(query.get("limit", TRADES_CAP)), TRADES_CAP)
    offset = int(query.get("cursor") or 0)
    template = example("rest_recentTrades")["trades"][0]
    rows = []
    for k in range(offset, min(offset + limit, TRADE_HISTORY_SIZE)):
        n = TRADE_HISTORY_SIZE - 1 - k
        row = dict(template, trade_id=template["trade_id"] + n, trade_id_str=str(template["trade_id"] + n),
                   timestamp=TRADE_HISTORY_START_MS + n * 1000, is_maker_ask=bool(n % 2))
        rows.append(row)
    more = offset + limit < TRADE_HISTORY_SIZE
    return 200, {"code": 200, "trades": rows, "next_cursor": str(offset + limit) if more else ""}


def default_routes() -> Dict[str, Route]:
    """path -> payload (dict) or handler(query) -> (status, payload)."""
    return {
        "/": peer_response("fetchStatus")["httpResponse"],
        "/info": example("rest_info"),
        "/api/v1/orderBookDetails": order_book_details,
        "/api/v1/orderBooks": example("rest_orderBooks"),
        "/api/v1/assetDetails": asset_details(),
        "/api/v1/orderBookOrders": example("rest_orderBookOrders"),
        "/api/v1/recentTrades": example("rest_recentTrades"),
        "/api/v1/trades": trades_page,
        "/api/v1/candles": candles,
        "/api/v1/markPriceCandles": lambda q: candles(q, mark=True),
        "/api/v1/fundings": fundings,
        "/api/v1/funding-rates": funding_rates(),
        "/api/v1/exchangeStats": example("rest_exchangeStats"),
        "/api/v1/currentHeight": example("rest_currentHeight"),
    }
