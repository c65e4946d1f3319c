"""Unified createOrder arguments -> a Lighter order request (pure; no I/O, clock passed in).

Venue facts (REFERENCE.md 2.2, 7.2, 7.3):
* market orders are IOC with expiry 0; their ``Price`` is the worst acceptable price;
* limit GTT/post-only orders need an expiry (5 min .. 30 days ahead), IOC limits expiry 0;
* stop-loss/take-profit (2/4) are IOC with a trigger and an expiry; their limit forms (3/5) are GTT;
  triggers exist on perps only;
* attached SL/TP go in one CreateGroupedOrders (OTO with one child, OTOCO with both): children
  have BaseAmount 0, the opposite side, reduce-only, one common expiry;
* TWAP (6) is GTT with an expiry = end of the schedule, ``Price`` caps each slice;
* client order index 1..2^48-1, unique across the account; there is no fill-or-kill.

Invariant: everything a user can get wrong is refused here with a ccxt exception before a nonce
is taken or a byte is sent; what comes out passed :func:`ccxt_lighter.orders.validate`.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from ccxt.base.errors import ArgumentsRequired, BadRequest, InvalidOrder, NotSupported

from . import orders as o
from .scaling import PrecisionError, from_ticks, strip, to_decimal, to_ticks

ZERO = Decimal(0)
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
UP_DIRECTIONS = ("up", "above", "ascending", "rise")
DOWN_DIRECTIONS = ("down", "below", "descending", "fall")


class ClientOrderIds:
    """Automatic client order indexes: time-based, strictly increasing, never reused in the process.

    ``(ms since 2025-01-01) << 9 | random 9 bits``, then ``max(previous + 1, that)``: ids made later
    (in this or another process) are larger, and two processes starting in the same millisecond
    differ in the random bits. Fits 2^48 - 1 until about 2042.
    """

    EPOCH_MS = 1_735_689_600_000
    SHIFT = 9

    def __init__(self, clock: Callable[[], float] = time.time, rng: Optional[random.Random] = None):
        self._clock = clock
        self._rng = rng or random.SystemRandom()
        self._last = 0
        self._lock = threading.Lock()  # exchanges living in different threads share the process allocator

    def next(self) -> int:
        elapsed = max(int(self._clock() * 1000) - self.EPOCH_MS, 0)
        candidate = (elapsed << self.SHIFT) | self._rng.randrange(1 << self.SHIFT)
        with self._lock:
            value = max(self._last + 1, candidate, 1)
            if value > o.MAX_CLIENT_ORDER_INDEX:
                raise InvalidOrder("automatic client order ids are exhausted; pass clientOrderId")
            self._last = value
        return value


#: shared by every exchange instance of the process, so no two of them ever hand out the same id
PROCESS_IDS = ClientOrderIds()


@dataclass(frozen=True)
class Context:
    """What the builder needs besides the arguments: clock, ids, book, fees, defaults."""

    now_ms: int
    ids: ClientOrderIds
    slippage: Decimal = Decimal("0.05")
    best_bid: Optional[Decimal] = None
    best_ask: Optional[Decimal] = None
    attributes: o.TxAttributes = field(default_factory=o.TxAttributes)  # integrator fee, if the user set one


@dataclass(frozen=True)
class OrderPlan:
    tx: Any  # CreateOrder or CreateGroupedOrders
    market: Mapping
    client_order_index: int
    order: Dict[str, Any]  # the unified order to return once the API accepted the tx
    price_protection: Optional[bool] = None


# ----------------------------------------------------------------------------- small helpers

def decimals(market: Mapping) -> Tuple[int, int]:
    """(size_decimals, price_decimals) of a ccxt market built from orderBookDetails."""
    info = market.get("info") or {}
    try:
        return int(info["size_decimals"]), int(info["price_decimals"])
    except (KeyError, TypeError, ValueError):
        raise BadRequest(f"market {market.get('symbol')} has no size/price decimals") from None


def is_perp(market: Mapping) -> bool:
    return int(market["id"]) <= o.MAX_PERP_MARKET_INDEX


def price_ticks(market: Mapping, value: Any, name: str = "price", rounding: Optional[str] = None) -> int:
    """Exact price -> uint32 ticks, InvalidOrder when off the tick or out of range."""
    try:
        d = to_decimal(value, name)
        if d <= 0:
            raise InvalidOrder(f"{name} must be positive, got {value}")
        ticks = to_ticks(d, decimals(market)[1], name=name, rounding=rounding)
    except PrecisionError as exc:
        raise InvalidOrder(f"{market['symbol']} {exc}") from None
    if not 1 <= ticks <= o.MAX_UINT32:
        raise InvalidOrder(f"{market['symbol']} {name} {value} is {ticks} ticks; Lighter accepts 1..{o.MAX_UINT32}")
    return ticks


def amount_ticks(market: Mapping, value: Any, *, allow_zero: bool = False, check_min: bool = True) -> int:
    """Exact base amount -> ticks; checks sign, precision, wire range and the market minimum.

    Reduce-only orders skip the minimum: closing a position smaller than it must stay possible.
    """
    if value is None:
        raise ArgumentsRequired("createOrder() requires an amount")
    try:
        d = to_decimal(value, "amount")
        ticks = to_ticks(d, decimals(market)[0], name="amount")
    except PrecisionError as exc:
        raise InvalidOrder(f"{market['symbol']} {exc}") from None
    if d < 0 or (d == 0 and not allow_zero):
        raise InvalidOrder(f"amount must be positive, got {value}")
    if ticks > o.MAX_BASE_AMOUNT:
        raise InvalidOrder(f"amount {value} is above Lighter's maximum")
    minimum = ((market.get("limits") or {}).get("amount") or {}).get("min")
    if check_min and ticks and minimum is not None and d < to_decimal(minimum, "min amount"):
        raise InvalidOrder(f"{market['symbol']} amount {strip(d)} is below the minimum {minimum}")
    return ticks


def check_min_cost(market: Mapping, amount: int, price: int) -> None:
    minimum = ((market.get("limits") or {}).get("cost") or {}).get("min")
    if minimum is None or amount == 0:
        return
    size_dec, price_dec = decimals(market)
    cost = from_ticks(amount, size_dec) * from_ticks(price, price_dec)
    if cost < to_decimal(minimum, "min cost"):
        raise InvalidOrder(f"{market['symbol']} order value {strip(cost)} is below the minimum {minimum}")


def parse_client_order_id(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidOrder(f"clientOrderId must be an integer in 1..{o.MAX_CLIENT_ORDER_INDEX}, "
                           f"got {value!r}") from None
    if not 1 <= number <= o.MAX_CLIENT_ORDER_INDEX:
        raise InvalidOrder(f"clientOrderId must be in 1..{o.MAX_CLIENT_ORDER_INDEX}, got {number}")
    return number


def parse_order_id(value: Any) -> int:
    """Our id (client order index < 2^48) or the exchange order index (>= 2^48)."""
    from ccxt.base.errors import OrderNotFound

    try:
        number = int(str(value).strip())
    except ValueError:
        raise OrderNotFound(f"{value!r} is not a Lighter order id (an integer)") from None
    if not 1 <= number <= o.MAX_ORDER_INDEX:
        raise OrderNotFound(f"{number} is not a Lighter order id (1..{o.MAX_ORDER_INDEX})")
    return number


def self_trade_attributes(params: Mapping, base: o.TxAttributes) -> o.TxAttributes:
    behaviour = params.get("selfTradePrevention")
    equality = params.get("selfTradeEquality")
    if behaviour is None and equality is None:
        return base
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


def worst_price(market: Mapping, reference: Decimal, is_ask: bool, slippage: Decimal) -> int:
    """A price cap ``slippage`` away from ``reference``, rounded away from the book, in range."""
    if reference is None or reference <= 0:
        side = "bids" if is_ask else "asks"
        raise InvalidOrder(f"{market['symbol']} has no {side} to price a market order; pass a price")
    factor = (1 - slippage) if is_ask else (1 + slippage)
    raw = to_ticks(reference * factor, decimals(market)[1], rounding="down" if is_ask else "up")
    return min(max(raw, 1), o.MAX_UINT32)


def order_expiry(params: Mapping, ctx: Context, *, required: bool = False) -> Optional[int]:
    """GTD expiry in ms from ``expiresAt``/``goodTillDate``; checked against the venue window."""
    raw = params.get("expiresAt", params.get("goodTillDate"))
    if raw is None:
        if required:
            raise ArgumentsRequired("this order needs params['expiresAt'] (ms timestamp)")
        return None
    try:
        expiry = int(raw)
    except (TypeError, ValueError):
        raise InvalidOrder(f"expiresAt must be a ms timestamp, got {raw!r}") from None
    if not ctx.now_ms + o.ORDER_EXPIRY_MIN_MS <= expiry <= ctx.now_ms + o.ORDER_EXPIRY_MAX_MS:
        raise InvalidOrder("expiresAt must be between 5 minutes and 30 days from now")
    return expiry


def default_expiry(ctx: Context) -> int:
    return ctx.now_ms + o.DEFAULT_ORDER_EXPIRY_MS


# ----------------------------------------------------------------------------- the decisions

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


def trigger_kind(is_ask: int, params: Mapping, ctx: Context) -> Optional[Tuple[str, Any]]:
    """``('sl' | 'tp', trigger price)`` from stopLossPrice / takeProfitPrice / triggerPrice."""
    sl, tp = params.get("stopLossPrice"), params.get("takeProfitPrice")
    generic = params.get("triggerPrice", params.get("stopPrice"))
    given = [v for v in (sl, tp, generic) if v is not None]
    if not given:
        return None
    if len(given) > 1:
        raise InvalidOrder("give one of triggerPrice, stopLossPrice, takeProfitPrice "
                           "(attach both legs with params stopLoss/takeProfit)")
    if sl is not None:
        return "sl", sl
    if tp is not None:
        return "tp", tp
    return _direction_kind(is_ask, generic, params, ctx), generic


def _direction_kind(is_ask: int, trigger: Any, params: Mapping, ctx: Context) -> str:
    direction = str(params.get("triggerDirection") or "").lower()
    if not direction:
        refs = [p for p in (ctx.best_bid, ctx.best_ask) if p is not None]
        if not refs:
            raise ArgumentsRequired("triggerPrice needs params['triggerDirection'] ('above' or 'below'), "
                                    "or use stopLossPrice / takeProfitPrice")
        direction = "up" if to_decimal(trigger, "triggerPrice") > sum(refs) / len(refs) else "down"
    if direction not in UP_DIRECTIONS + DOWN_DIRECTIONS:
        raise InvalidOrder(f"triggerDirection must be 'above' or 'below', got {params.get('triggerDirection')!r}")
    rising = direction in UP_DIRECTIONS
    # a sell that fires on a rise takes profit; a buy that fires on a rise stops a short's loss
    return "tp" if rising == bool(is_ask) else "sl"


TRIGGER_TYPES = {("sl", "market"): o.OrderType.STOP_LOSS, ("sl", "limit"): o.OrderType.STOP_LOSS_LIMIT,
                 ("tp", "market"): o.OrderType.TAKE_PROFIT, ("tp", "limit"): o.OrderType.TAKE_PROFIT_LIMIT}


def trigger_spec_fields(market: Mapping, kind: str, which: str, trigger: Any, price: Any, is_ask: int,
                        ctx: Context) -> Tuple[int, int, int, int]:
    """(order type, time in force, price ticks, trigger ticks) of a stop-loss / take-profit leg."""
    if not is_perp(market):
        raise InvalidOrder(f"{market['symbol']}: trigger orders exist on perp markets only")
    trigger_ticks = price_ticks(market, trigger, "triggerPrice")
    if kind == "limit":
        if price is None:
            raise ArgumentsRequired("a limit trigger order needs a price")
        return TRIGGER_TYPES[(which, "limit")], o.TimeInForce.GOOD_TILL_TIME, price_ticks(market, price), trigger_ticks
    if price is not None:
        cap = price_ticks(market, price)
    else:
        cap = worst_price(market, from_ticks(trigger_ticks, decimals(market)[1]), bool(is_ask), ctx.slippage)
    return TRIGGER_TYPES[(which, "market")], o.TimeInForce.IMMEDIATE_OR_CANCEL, cap, trigger_ticks


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
        if kind == "twap":
            raise InvalidOrder("a TWAP order cannot have a trigger price")
        tif_param = str(params.get("timeInForce") or "").upper()
        if params.get("postOnly") or tif_param in ("PO", "IOC", "FOK"):
            raise InvalidOrder("trigger orders rest until triggered: timeInForce must be GTC or GTD")
        which, trigger_value = trig
        otype, tif, price_t, trigger_ticks = trigger_spec_fields(market, kind, which, trigger_value, price,
                                                                 is_ask, ctx)
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


def _attached_legs(market: Mapping, parent: o.OrderSpec, params: Mapping, ctx: Context) -> Dict[str, o.OrderSpec]:
    legs: Dict[str, o.OrderSpec] = {}
    expiry = parent.order_expiry or default_expiry(ctx)
    for key, which in (("stopLoss", "sl"), ("takeProfit", "tp")):
        leg = params.get(key)
        if leg is None:
            continue
        if not isinstance(leg, Mapping):
            leg = {"triggerPrice": leg}
        trigger = leg.get("triggerPrice", leg.get("stopPrice"))
        if trigger is None:
            raise ArgumentsRequired(f"params['{key}'] needs a triggerPrice")
        limit_price = leg.get("price")
        kind = str(leg.get("type") or ("limit" if limit_price is not None else "market")).lower()
        if kind not in ("limit", "market"):
            raise InvalidOrder(f"params['{key}']['type'] must be 'limit' or 'market'")
        child_ask = 1 - parent.is_ask
        otype, tif, price_t, trig = trigger_spec_fields(market, kind, which, trigger, limit_price, child_ask, ctx)
        legs[which] = o.OrderSpec(parent.market_index, ctx.ids.next(), 0, price_t, child_ask, int(otype),
                                  int(tif), 1, trig, expiry)
    if "sl" in legs and "tp" in legs:
        sl, tp = legs["sl"].trigger_price, legs["tp"].trigger_price
        if (sl >= tp) if parent.is_ask == 0 else (sl <= tp):
            raise InvalidOrder("stopLoss trigger must be on the losing side of takeProfit")
    return legs


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
        legs = _attached_legs(market, spec, params, ctx)
        grouping = o.GroupingType.OTOCO if len(legs) == 2 else o.GroupingType.OTO
        ordered = [spec] + [legs[k] for k in ("sl", "tp") if k in legs]
        tx = o.CreateGroupedOrders(int(grouping), tuple(ordered), attributes)
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

def build_modify(market: Mapping, index: int, amount: Any, price: Any, trigger_price: Any = None,
                 attributes: Optional[o.TxAttributes] = None) -> o.ModifyOrder:
    if amount is None or price is None:
        raise ArgumentsRequired("editOrder() needs the new amount and price")
    tx = o.ModifyOrder(int(market["id"]), index, amount_ticks(market, amount, allow_zero=True, check_min=False),
                       price_ticks(market, price),
                       0 if trigger_price is None else price_ticks(market, trigger_price, "triggerPrice"),
                       0, attributes or o.TxAttributes())
    try:
        o.validate(tx)
    except o.TxRangeError as exc:
        raise InvalidOrder(f"{market['symbol']}: {exc}") from None
    return tx
