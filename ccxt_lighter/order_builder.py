"""Unified createOrder arguments -> a Lighter order request (pure; no I/O, clock passed in).

Venue facts (REFERENCE.md 2.2, 7.2, 7.3, 7.4):
* market orders are IOC with expiry 0; their ``Price`` is the worst acceptable price;
* limit GTT/post-only orders need an expiry (5 min .. 30 days ahead), IOC limits expiry 0;
* TWAP (6) is GTT with an expiry = end of the schedule, ``Price`` caps each slice; the venue runs
  the slices itself (orders of type 7, ``twap-sub``);
* self-trade prevention rides on L2TxAttributes 6 (behaviour) and 7 (equality), decided by the
  incoming order; it cannot be combined with integrator fees (attributes 1-3);
* there is no fill-or-kill.
Params of createOrder: timeInForce (GTC/GTD/IOC/PO), postOnly, reduceOnly, clientOrderId,
expiresAt/goodTillDate (ms), triggerPrice/stopLossPrice/takeProfitPrice (+ triggerDirection),
stopLoss/takeProfit (attached legs), twap/twapDuration (ms), selfTradePrevention/selfTradeEquality,
slippage (market orders' price cap), priceProtection; waitForExecution is the sender's
(:mod:`.private_confirm`), not the builder's.
Field conversions live in :mod:`.order_fields`, trigger orders and attached legs in
:mod:`.order_triggers`; this module decides the order's shape and the unified result.

Invariant: everything a user can get wrong is refused here with a ccxt exception before a nonce
is taken or a byte is sent; what comes out passed :func:`ccxt_lighter.orders.validate`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple

from ccxt.base.errors import ArgumentsRequired, InvalidOrder, NotSupported

from . import orders as o
from .order_fields import (  # noqa: F401  (ClientOrderIds, PROCESS_IDS, parse_order_id: re-exported)
    PROCESS_IDS, ClientOrderIds, Context, amount_ticks, check_min_cost, decimals, default_expiry, order_expiry,
    parse_client_order_id, parse_order_id, price_ticks, worst_price,
)
from .order_triggers import grouped_order, trigger_kind, trigger_order_fields
from .scaling import from_ticks, strip

CONSUMED_PARAMS = (
    "timeInForce", "postOnly", "reduceOnly", "reduce_only", "clientOrderId", "client_order_index",
    "expiresAt", "goodTillDate", "triggerPrice", "stopPrice", "stopLossPrice", "takeProfitPrice",
    "triggerDirection", "stopLoss", "takeProfit", "twap", "twapDuration", "selfTradePrevention",
    "selfTradeEquality", "slippage", "priceProtection",
)
STP_BEHAVIOUR = {
    "expire_maker": 0, "cancel_maker": 0, "maker": 0,
    "expire_taker": 1, "cancel_taker": 1, "taker": 1,
    "expire_both": 2, "cancel_both": 2, "both": 2,
    "reduce": 3, "decrement": 3,
}
STP_EQUALITY = {"account": 0, "same_account": 0, "master": 1, "master_account": 1, "same_master_account": 1}


@dataclass(frozen=True)
class OrderPlan:
    tx: Any  # CreateOrder or CreateGroupedOrders
    market: Mapping
    client_order_index: int
    order: Dict[str, Any]  # the unified order to return once the API accepted the tx
    price_protection: Optional[bool] = None


# ----------------------------------------------------------------------------- the decisions

def self_trade_attributes(params: Mapping, base: o.TxAttributes) -> o.TxAttributes:
    """``base`` plus attributes 6/7 from ``selfTradePrevention`` (expire_maker -- the venue default --,
    expire_taker, expire_both, reduce) and ``selfTradeEquality`` (account -- default --, master)."""
    behaviour = params.get("selfTradePrevention")
    equality = params.get("selfTradeEquality")
    if behaviour is None and equality is None:
        return base
    if str(behaviour).lower() == "none":
        raise InvalidOrder("Lighter always prevents self-trades; selfTradePrevention 'none' does not exist "
                           "(expire_maker, expire_taker, expire_both or reduce)")
    b = STP_BEHAVIOUR.get(str(behaviour or "expire_maker").lower())
    e = STP_EQUALITY.get(str(equality or "account").lower())
    if b is None:
        raise InvalidOrder(f"selfTradePrevention must be one of {sorted(STP_BEHAVIOUR)}, got {behaviour!r}")
    if e is None:
        raise InvalidOrder(f"selfTradeEquality must be one of {sorted(STP_EQUALITY)}, got {equality!r}")
    if b == 3 and e == 1:
        raise InvalidOrder("selfTradePrevention 'reduce' cannot be combined with master-account equality")
    if base.integrator_account_index:
        raise InvalidOrder("self-trade prevention cannot be combined with an integrator fee")
    return o.TxAttributes(base.integrator_account_index, base.integrator_taker_fee, base.integrator_maker_fee,
                          base.skip_nonce, 0, b, e)


def order_kind(type: Any, params: Mapping) -> str:
    """'limit', 'market' or 'twap' (TWAP by type or by ``params['twap']``)."""
    kind = str(type or "").lower()
    if kind not in ("limit", "market", "twap"):
        raise InvalidOrder(f"order type must be 'limit' or 'market' (or 'twap'), got {type!r}")
    if params.get("twap") and kind != "twap":
        kind = "twap"
    return kind


def order_side(side: Any) -> int:
    value = str(side or "").lower()
    if value not in ("buy", "sell"):
        raise InvalidOrder(f"side must be 'buy' or 'sell', got {side!r}")
    return 1 if value == "sell" else 0


def needs_book(type: Any, price: Any, params: Mapping) -> bool:
    """Whether building this order needs the best bid/ask (worst price or trigger direction)."""
    kind = str(type or "").lower()
    if (kind in ("market", "twap") or params.get("twap")) and price is None and not _has_trigger(params):
        return True
    return params.get("triggerPrice", params.get("stopPrice")) is not None and not params.get("triggerDirection")


def _has_trigger(params: Mapping) -> bool:
    return any(params.get(k) is not None for k in ("triggerPrice", "stopPrice", "stopLossPrice", "takeProfitPrice"))


def time_in_force(kind: str, params: Mapping) -> int:
    """Venue TIF for a non-trigger order; refuses FOK and contradictions."""
    tif = str(params.get("timeInForce") or "").upper()
    post_only = bool(params.get("postOnly")) or tif in ("PO", "POST_ONLY")
    if tif == "FOK":
        raise NotSupported("Lighter has no fill-or-kill orders (timeInForce FOK); use IOC")
    if tif not in ("", "GTC", "GTT", "GTD", "IOC", "PO", "POST_ONLY"):
        raise InvalidOrder(f"timeInForce must be GTC, GTD, IOC or PO, got {params.get('timeInForce')!r}")
    if kind != "limit":
        if post_only:
            raise InvalidOrder(f"a {kind} order cannot be post-only")
        return o.TimeInForce.IMMEDIATE_OR_CANCEL if kind == "market" else o.TimeInForce.GOOD_TILL_TIME
    if post_only and tif == "IOC":
        raise InvalidOrder("an order cannot be both post-only and IOC")
    if post_only:
        return o.TimeInForce.POST_ONLY
    return o.TimeInForce.IMMEDIATE_OR_CANCEL if tif == "IOC" else o.TimeInForce.GOOD_TILL_TIME


def twap_expiry(params: Mapping, ctx: Context) -> int:
    duration = params.get("twapDuration")
    if duration is None:
        return order_expiry(params, ctx, required=True)
    try:
        ms = int(duration)
    except (TypeError, ValueError):
        raise InvalidOrder(f"twapDuration must be milliseconds, got {duration!r}") from None
    if not o.ORDER_EXPIRY_MIN_MS <= ms <= o.ORDER_EXPIRY_MAX_MS:
        raise InvalidOrder("twapDuration must be between 5 minutes and 30 days (ms)")
    return ctx.now_ms + ms


# ----------------------------------------------------------------------------- createOrder

def _main_spec(market: Mapping, kind: str, is_ask: int, amount: Any, price: Any, params: Mapping,
               ctx: Context) -> Tuple[o.OrderSpec, Dict[str, Any]]:
    reduce_only = bool(params.get("reduceOnly", params.get("reduce_only", False)))
    base = amount_ticks(market, amount, allow_zero=reduce_only, check_min=not reduce_only)
    trig = trigger_kind(is_ask, params, ctx)
    gtd = order_expiry(params, ctx)
    trigger_ticks, which = 0, None
    if trig is not None:
        which = trig[0]
        otype, tif, price_t, trigger_ticks = trigger_order_fields(market, kind, is_ask, price, params, trig, ctx)
        expiry = gtd or default_expiry(ctx)
    else:
        tif = time_in_force(kind, params)
        otype = {"limit": o.OrderType.LIMIT, "market": o.OrderType.MARKET, "twap": o.OrderType.TWAP}[kind]
        price_t = _plain_price(market, kind, is_ask, price, ctx)
        expiry = _plain_expiry(kind, tif, gtd, params, ctx)
    if kind == "limit" and not reduce_only:
        check_min_cost(market, base, price_t)
    coi = _client_order_index(params, ctx)
    spec = o.OrderSpec(int(market["id"]), coi, base, price_t, is_ask, int(otype), int(tif),
                       int(reduce_only), trigger_ticks, expiry)
    facts = {"which": which, "reduce_only": reduce_only, "tif": int(tif), "kind": kind}
    return spec, facts


def _plain_price(market: Mapping, kind: str, is_ask: int, price: Any, ctx: Context) -> int:
    if price is not None:
        return price_ticks(market, price)
    if kind == "limit":
        raise ArgumentsRequired("createOrder() requires a price for limit orders")
    reference = ctx.best_bid if is_ask else ctx.best_ask
    return worst_price(market, reference, bool(is_ask), ctx.slippage)


def _plain_expiry(kind: str, tif: int, gtd: Optional[int], params: Mapping, ctx: Context) -> int:
    if kind == "twap":
        return twap_expiry(params, ctx)
    if tif == o.TimeInForce.IMMEDIATE_OR_CANCEL:
        if gtd is not None:
            raise InvalidOrder("IOC and market orders take no expiry (expiresAt)")
        return 0
    return gtd or default_expiry(ctx)


def _client_order_index(params: Mapping, ctx: Context) -> int:
    given = params.get("clientOrderId", params.get("client_order_index"))
    return ctx.ids.next() if given is None else parse_client_order_id(given)


def build_order(market: Mapping, type: Any, side: Any, amount: Any, price: Any, params: Optional[Mapping],
                ctx: Context) -> OrderPlan:
    """The request and the order to return for one unified createOrder call."""
    params = dict(params or {})
    if params.get("cost") is not None:
        raise NotSupported("Lighter orders are sized in the base currency; cost-sized orders are not supported")
    kind = order_kind(type, params)
    is_ask = order_side(side)
    spec, facts = _main_spec(market, kind, is_ask, amount, price, params, ctx)
    attributes = self_trade_attributes(params, ctx.attributes)
    has_legs = params.get("stopLoss") is not None or params.get("takeProfit") is not None
    legs: Dict[str, o.OrderSpec] = {}
    if has_legs:
        if facts["which"] is not None or kind == "twap":
            raise InvalidOrder("stopLoss/takeProfit attach to a plain limit or market order")
        tx, legs = grouped_order(market, spec, params, ctx, attributes)
    else:
        tx = o.CreateOrder(spec, attributes)
    try:
        o.validate(tx)
    except o.TxRangeError as exc:
        raise InvalidOrder(f"{market['symbol']}: {exc}") from None
    unified = unified_order(market, spec, facts, legs, str(side).lower(), price, ctx)
    protection = params.get("priceProtection")
    return OrderPlan(tx, market, spec.client_order_index, unified,
                     None if protection is None else bool(protection))


TIF_NAMES = {0: "IOC", 1: "GTC", 2: "PO"}


def unified_order(market: Mapping, spec: o.OrderSpec, facts: Mapping, legs: Mapping, side: str,
                  price: Any, ctx: Context) -> Dict[str, Any]:
    """The order as known the moment the API accepts it (``id`` = client order index)."""
    size_dec, price_dec = decimals(market)
    is_market_exec = spec.order_type in (o.OrderType.MARKET, o.OrderType.STOP_LOSS, o.OrderType.TAKE_PROFIT,
                                         o.OrderType.TWAP)
    shown_price = None if (is_market_exec and price is None) else strip(from_ticks(spec.price, price_dec))
    trigger = strip(from_ticks(spec.trigger_price, price_dec)) if spec.trigger_price else None
    leg_trigger = {k: strip(from_ticks(v.trigger_price, price_dec)) for k, v in legs.items()}
    which = facts["which"]
    return {
        "id": str(spec.client_order_index),
        "clientOrderId": str(spec.client_order_index),
        "timestamp": ctx.now_ms,
        "symbol": market["symbol"],
        "type": "twap" if facts["kind"] == "twap" else ("market" if is_market_exec else "limit"),
        "timeInForce": TIF_NAMES[facts["tif"]],
        "postOnly": facts["tif"] == o.TimeInForce.POST_ONLY,
        "reduceOnly": facts["reduce_only"],
        "side": side,
        "price": shown_price,
        "triggerPrice": trigger,
        "stopLossPrice": trigger if which == "sl" else leg_trigger.get("sl"),
        "takeProfitPrice": trigger if which == "tp" else leg_trigger.get("tp"),
        "amount": strip(from_ticks(spec.base_amount, size_dec)),
        "status": "open",
        "info": {
            "client_order_index": spec.client_order_index,
            "market_index": spec.market_index,
            "order_type": spec.order_type,
            "price_ticks": spec.price,
            "order_expiry": spec.order_expiry,
            "attached_client_order_indexes": {k: v.client_order_index for k, v in legs.items()},
        },
    }


# ----------------------------------------------------------------------------- edit / cancel

def modify_ticks(market: Mapping, amount: Any, price: Any, trigger_price: Any = None) -> tuple:
    """Ticks of the editOrder values that were given (None where not): bad values raise before any request."""
    return (None if amount is None else amount_ticks(market, amount, allow_zero=True, check_min=False),
            None if price is None else price_ticks(market, price),
            0 if trigger_price is None else price_ticks(market, trigger_price, "triggerPrice"))


def build_modify(market: Mapping, index: int, amount: Any, price: Any, trigger_price: Any = None,
                 attributes: Optional[o.TxAttributes] = None) -> o.ModifyOrder:
    if amount is None or price is None:
        raise ArgumentsRequired("editOrder() needs the new amount and price")
    base, ticks, trigger = modify_ticks(market, amount, price, trigger_price)
    tx = o.ModifyOrder(int(market["id"]), index, base, ticks, trigger, 0, attributes or o.TxAttributes())
    try:
        o.validate(tx)
    except o.TxRangeError as exc:
        raise InvalidOrder(f"{market['symbol']}: {exc}") from None
    return tx
