"""Venue account payloads -> ccxt unified structures: orders, my trades, positions, balances, accounts,
leverage / margin-mode settings and the account's fee tier (history rows: :mod:`.parsers_history`).

Venue facts (REFERENCE.md 2.2, 3.2): sizes and prices arrive as decimal strings already formatted
with the market's decimals; timestamps are mostly ms (some payloads carry seconds or µs, so
:func:`.values.ms` normalises by magnitude); fee fields of trades are rates in ppm; position ``sign`` is
1 long / -1 short; ``initial_margin_fraction`` is a percent string in REST ("5.00").

Order ids: an order placed with a client order index (every order this library places has one) is
identified by that index (as a string) in ``id``; the exchange ``order_index`` (>= 2^48) is in
``info``. Lighter accepts either in cancel/modify, and so does this library, so the ``id`` a bot
got from createOrder matches the one fetchOrder/watchOrders report.

Invariant: parsers are pure (no requests); numbers go through strings/``Precise`` into ccxt's
``safe_*`` builders, never through float arithmetic of ours; ``used`` balances are never negative.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

from ccxt.base.precise import Precise

from .values import dec, ms  # ms is also imported from here by private_funds / private_trading

ORDER_STATUS = {
    "in-progress": "open", "pending": "open", "open": "open",
    "filled": "closed", "canceled-expired": "expired",
    # the sequencer refused the order itself (margin, position, balance): ccxt's 'rejected', as
    # the in-tree ccxt lighter class and most ccxt exchanges report an order the venue refused
    "canceled-margin-not-allowed": "rejected", "canceled-position-not-allowed": "rejected",
    "canceled-invalid-balance": "rejected",
}
ORDER_TYPE = {
    "limit": "limit", "market": "market", "stop-loss": "market", "stop-loss-limit": "limit",
    "take-profit": "market", "take-profit-limit": "limit", "twap": "twap", "twap-sub": "market",
    "liquidation": "market",
}
ORDER_TYPE_BY_INT = {0: "limit", 1: "market", 2: "stop-loss", 3: "stop-loss-limit", 4: "take-profit",
                     5: "take-profit-limit", 6: "twap", 7: "twap-sub", 8: "liquidation"}
TIF = {"immediate-or-cancel": "IOC", "good-till-time": "GTC", "post-only": "PO"}
TIF_BY_INT = {0: "IOC", 1: "GTC", 2: "PO"}


def nonzero(value: Any) -> Optional[str]:
    """The string, or None when it is missing, not a number, or numerically zero ("0", "0.00")."""
    number = dec(value)
    return None if number is None or number == 0 else str(value).strip()


def order_status(status: Any) -> Optional[str]:
    """ccxt status of a venue status: open / closed / expired / rejected, every other canceled-* canceled."""
    if status is None:
        return None
    text = str(status)
    if text in ORDER_STATUS:
        return ORDER_STATUS[text]
    return "canceled" if text.startswith("canceled") else text


def order_id(order_index: Any, client_index: Any) -> Optional[str]:
    """The id we expose: the client order index when set, else the exchange order index."""
    coi = nonzero(client_index)
    return coi if coi is not None else (None if order_index is None else str(order_index))


# {"order_index": 281476929510110, "client_order_index": 42, "order_id": "281476929510110",
#  "client_order_id": "42", "market_index": 0, "initial_base_amount": "0.0050", "price": "2352.74",
#  "remaining_base_amount": "0.0050", "is_ask": true, "filled_base_amount": "0.0000",
#  "filled_quote_amount": "0.000000", "type": "limit", "time_in_force": "good-till-time",
#  "reduce_only": false, "trigger_price": "0.00", "order_expiry": 1780360584479, "status": "open",
#  "timestamp": 1777941383576, "updated_at": 1777941383576}
def parse_order(ex, order: Mapping, market: Optional[Mapping] = None) -> Dict[str, Any]:
    market = ex.safe_market(ex.safe_string(order, "market_index"), market)
    vtype = order.get("type")
    if isinstance(vtype, int):
        vtype = ORDER_TYPE_BY_INT.get(vtype)
    tif = order.get("time_in_force")
    tif = TIF_BY_INT.get(tif) if isinstance(tif, int) else TIF.get(tif)
    trigger = nonzero(order.get("trigger_price"))
    filled = ex.safe_string(order, "filled_base_amount")
    cost = ex.safe_string(order, "filled_quote_amount")
    average = Precise.string_div(cost, filled) if nonzero(filled) and cost is not None else None
    unified_type = ORDER_TYPE.get(vtype, vtype)
    price = nonzero(order.get("price"))
    if unified_type in ("market", "twap"):
        price = average  # a market order's price field is its slippage cap, not a price it traded at
    timestamp = ms(order.get("timestamp")) or ms(order.get("created_at"))
    is_ask = order.get("is_ask")
    return ex.safe_order({
        "info": order,
        "id": order_id(order.get("order_index", order.get("order_id")),
                       order.get("client_order_index", order.get("client_order_id"))),
        "clientOrderId": nonzero(order.get("client_order_id", order.get("client_order_index"))),
        "timestamp": timestamp,
        "datetime": ex.iso8601(timestamp),
        "lastTradeTimestamp": None,
        "lastUpdateTimestamp": ms(order.get("updated_at")),
        "symbol": market["symbol"],
        "type": unified_type,
        "timeInForce": tif,
        "postOnly": tif == "PO" if tif is not None else None,
        "reduceOnly": bool(order.get("reduce_only")) if order.get("reduce_only") is not None else None,
        "side": None if is_ask is None else ("sell" if is_ask in (True, 1, "true") else "buy"),
        "price": price,
        "triggerPrice": trigger,
        "stopLossPrice": trigger if vtype and vtype.startswith("stop-loss") else None,
        "takeProfitPrice": trigger if vtype and vtype.startswith("take-profit") else None,
        "amount": ex.safe_string(order, "initial_base_amount"),
        "filled": filled,
        "remaining": ex.safe_string(order, "remaining_base_amount"),
        "cost": cost,
        "average": average,
        "status": order_status(order.get("status")),
        "fee": None,
        "trades": None,
    }, market)


# {"trade_id": 145, "tx_hash": "…", "type": "trade", "market_id": 1, "size": "0.1", "price": "3024.66",
#  "usd_amount": "3024.66", "ask_id": 145, "bid_id": 245, "ask_account_id": 1, "bid_account_id": 3,
#  "is_maker_ask": true, "timestamp": 1640995200, "taker_fee": 0, "maker_fee": 0,
#  "ask_client_id": 145, "bid_client_id": 245}
def parse_my_trade(ex, trade: Mapping, account_index: int, market: Optional[Mapping] = None) -> Dict[str, Any]:
    """A trade seen from ``account_index``: side, our order id, maker/taker and our fee -- the
    venue's fee plus, when our order named an integrator, the integrator's fee (both in USDC, both
    charged to us; ``integrator_{taker,maker}_fee`` in ppm like the venue's own)."""
    market = ex.safe_market(ex.safe_string(trade, "market_id"), market)
    is_buyer = str(trade.get("bid_account_id")) == str(account_index)
    mine = "bid" if is_buyer else "ask"
    maker_side = "ask" if trade.get("is_maker_ask") in (True, 1, "true") else "bid"
    role = "maker" if mine == maker_side else "taker"
    rate_ppm = Precise.string_add(ex.safe_string(trade, f"{role}_fee", "0"),
                                  ex.safe_string(trade, f"integrator_{role}_fee", "0"))
    rate = Precise.string_div(rate_ppm, "1000000")
    cost = ex.safe_string(trade, "usd_amount")
    if cost is None:
        cost = Precise.string_mul(ex.safe_string(trade, "size"), ex.safe_string(trade, "price"))
    fee_cost = Precise.string_mul(cost, rate) if cost is not None else None
    timestamp = ms(trade.get("timestamp"))
    return ex.safe_trade({
        "info": trade,
        "id": ex.safe_string_2(trade, "trade_id_str", "trade_id"),
        "order": order_id(trade.get(f"{mine}_id_str", trade.get(f"{mine}_id")),
                          trade.get(f"{mine}_client_id_str", trade.get(f"{mine}_client_id"))),
        "timestamp": timestamp,
        "datetime": ex.iso8601(timestamp),
        "symbol": market["symbol"],
        "type": None,
        "side": "buy" if is_buyer else "sell",
        "takerOrMaker": role,
        "price": ex.safe_string(trade, "price"),
        "amount": ex.safe_string(trade, "size"),
        "cost": cost,
        "fee": {"cost": Precise.string_abs(fee_cost) if fee_cost is not None else None,
                "currency": market.get("settle") or market.get("quote") or "USDC", "rate": rate},
    }, market)


def imf_fraction(value: Any) -> Optional[str]:
    """Initial margin fraction as a fraction string: REST sends a percent ("5.00"), WS a fraction."""
    text = nonzero(value)
    if text is None:
        return None
    if Precise.string_lt(text, "1"):
        return text  # "0.0500": already a fraction (a percent below 1 would mean over 100x leverage)
    return Precise.string_div(text, "100")


# {"market_id": 0, "symbol": "ETH", "initial_margin_fraction": "5.00", "sign": 1, "position": "18.0193",
#  "avg_entry_price": "2669.84", "position_value": "54306.566340", "unrealized_pnl": "6197.829558",
#  "realized_pnl": "0.000000", "liquidation_price": "2191.1107231380406", "margin_mode": 0,
#  "allocated_margin": "0.000000"}
def parse_position(ex, position: Mapping, market: Optional[Mapping] = None,
                   timestamp: Optional[int] = None) -> Dict[str, Any]:
    """``timestamp``: when the snapshot was taken (the venue gives positions no time of their own)."""
    market = ex.safe_market(ex.safe_string(position, "market_id"), market)
    size = ex.safe_string(position, "position", "0")
    contracts = Precise.string_abs(size)
    sign = ex.safe_integer(position, "sign", 1)
    negative = Precise.string_lt(size, "0")
    side = None if Precise.string_eq(contracts, "0") else ("short" if sign == -1 or negative else "long")
    notional = Precise.string_abs(ex.safe_string(position, "position_value", "0"))
    mark = Precise.string_div(notional, contracts) if not Precise.string_eq(contracts, "0") else None
    imf = imf_fraction(position.get("initial_margin_fraction"))
    leverage = Precise.string_div("1", imf) if imf else None
    initial = Precise.string_mul(notional, imf) if imf else None
    mmf = _maintenance_fraction(market)
    maintenance = Precise.string_mul(notional, mmf) if mmf else None
    isolated = str(position.get("margin_mode")) == "1"
    collateral = ex.safe_string(position, "allocated_margin") if isolated else initial
    upnl = ex.safe_string(position, "unrealized_pnl")
    percentage = (Precise.string_mul(Precise.string_div(upnl, initial), "100")
                  if upnl is not None and nonzero(initial) else None)
    return ex.safe_position({
        "info": position, "id": None, "symbol": market["symbol"], "timestamp": timestamp,
        "datetime": ex.iso8601(timestamp),
        "isolated": isolated, "hedged": False, "side": side,
        "contracts": ex.parse_number(contracts), "contractSize": ex.parse_number("1"),
        "entryPrice": ex.parse_number(nonzero(position.get("avg_entry_price"))),
        "markPrice": ex.parse_number(mark), "notional": ex.parse_number(notional),
        "leverage": ex.parse_number(leverage), "collateral": ex.parse_number(collateral),
        "initialMargin": ex.parse_number(initial), "maintenanceMargin": ex.parse_number(maintenance),
        "initialMarginPercentage": ex.parse_number(imf),
        "maintenanceMarginPercentage": ex.parse_number(mmf),
        "unrealizedPnl": ex.parse_number(upnl), "realizedPnl": ex.safe_number(position, "realized_pnl"),
        "liquidationPrice": ex.parse_number(nonzero(position.get("liquidation_price"))),
        "marginMode": "isolated" if isolated else "cross", "marginRatio": None,
        "percentage": ex.parse_number(percentage), "lastPrice": None, "lastUpdateTimestamp": None,
        "stopLossPrice": None, "takeProfitPrice": None,
    })


def _maintenance_fraction(market: Mapping) -> Optional[str]:
    raw = (market.get("info") or {}).get("maintenance_margin_fraction")
    return None if raw is None else Precise.string_div(str(raw), "10000")


def perp_balance(ex, account: Mapping) -> Dict[str, str]:
    """USDC of the perp side: total = collateral + unrealized PnL, free = available, used = rest.

    ``available_balance`` can exceed that equity (spot assets used as margin); free is then capped
    at the total so that ``used`` is never negative.
    """
    collateral = ex.safe_string(account, "collateral", "0")
    upnl = "0"
    for position in account.get("positions") or []:
        upnl = Precise.string_add(upnl, ex.safe_string(position, "unrealized_pnl", "0"))
    total = Precise.string_add(collateral, upnl)
    free = ex.safe_string(account, "available_balance", total)
    free = Precise.string_max("0", Precise.string_min(free, total))
    return {"total": total, "free": free, "used": Precise.string_sub(total, free)}


def spot_balances(ex, account: Mapping) -> Dict[str, Dict[str, str]]:
    """Spot assets: total = balance, used = locked_balance (capped to the total), free = the rest."""
    out: Dict[str, Dict[str, str]] = {}
    for asset in account.get("assets") or []:
        code = ex.safe_currency_code(ex.safe_string(asset, "symbol"))
        total = ex.safe_string(asset, "balance", "0")
        used = Precise.string_min(total, Precise.string_max("0", ex.safe_string(asset, "locked_balance", "0")))
        out[code] = {"total": total, "used": used, "free": Precise.string_sub(total, used)}
    return out


def parse_balance(ex, accounts: Iterable[Mapping], kind: str, info: Any) -> Dict[str, Any]:
    """``kind`` 'swap' (perp collateral as USDC) or 'spot' (assets); several accounts are summed."""
    result: Dict[str, Any] = {"info": info}
    for account in accounts:
        rows = {"USDC": perp_balance(ex, account)} if kind == "swap" else spot_balances(ex, account)
        for code, row in rows.items():
            entry = result.setdefault(code, {"total": "0", "free": "0", "used": "0"})
            for key in ("total", "free", "used"):
                entry[key] = Precise.string_add(entry[key], row[key])
    return ex.safe_balance(result)


def parse_account(ex, account: Mapping) -> Dict[str, Any]:
    index = ex.safe_string_2(account, "account_index", "index")
    kind = ex.safe_string(account, "account_type")
    return {"id": index, "type": "main" if kind == "0" else "subaccount", "code": None, "info": account}


def positions_of(payload: Mapping) -> List[Mapping]:
    out: List[Mapping] = []
    for account in payload.get("accounts") or []:
        out.extend(account.get("positions") or [])
    return out


# {"code": 200, "user_tier": "premium", "current_maker_fee_tick": 40, "current_taker_fee_tick": 280}
def parse_trading_fee(ex, limits: Mapping, market: Mapping) -> Dict[str, Any]:
    """The account tier's fee (ppm ticks) applied to ``market``."""
    maker = Precise.string_div(ex.safe_string(limits, "current_maker_fee_tick", "0"), "1000000")
    taker = Precise.string_div(ex.safe_string(limits, "current_taker_fee_tick", "0"), "1000000")
    return {"info": limits, "symbol": market["symbol"], "maker": ex.parse_number(maker),
            "taker": ex.parse_number(taker), "percentage": True, "tierBased": True}


def leverage_of(position: Optional[Mapping], market: Mapping) -> Optional[str]:
    """Leverage of a market: the account's setting when it has one, else the market default."""
    imf = imf_fraction(position.get("initial_margin_fraction")) if position else None
    if imf is None:
        default = (market.get("info") or {}).get("default_initial_margin_fraction")
        imf = Precise.string_div(str(default), "10000") if default is not None else None
    return Precise.string_div("1", imf) if imf else None


def parse_leverage(ex, position: Optional[Mapping], market: Mapping) -> Dict[str, Any]:
    leverage = ex.parse_number(leverage_of(position, market))
    return {"info": position or {}, "symbol": market["symbol"], "marginMode": margin_mode_of(position),
            "longLeverage": leverage, "shortLeverage": leverage}


def margin_mode_of(position: Optional[Mapping]) -> str:
    return "isolated" if position and str(position.get("margin_mode")) == "1" else "cross"


def parse_margin_mode(ex, position: Optional[Mapping], market: Mapping) -> Dict[str, Any]:
    return {"info": position or {}, "symbol": market["symbol"], "marginMode": margin_mode_of(position)}


def parse_margin_modification(ex, response: Mapping, market: Mapping, kind: str, amount: Any,
                              now_ms: int) -> Dict[str, Any]:
    return {"info": response, "symbol": market["symbol"], "type": kind, "marginMode": "isolated",
            "amount": ex.parse_number(str(amount)), "total": None, "code": market.get("settle") or "USDC",
            "status": "ok", "timestamp": now_ms, "datetime": ex.iso8601(now_ms)}
