"""Trigger orders and attached legs: stop-loss / take-profit orders and OTO / OTOCO groups (pure).

Venue facts (REFERENCE.md 7.2, 7.3): stop-loss/take-profit (types 2/4) are IOC with a trigger and
an expiry, their limit forms (3/5) GTT; a trigger fires on the mark price and exists on perps only;
attached SL/TP go in one CreateGroupedOrders (OTO with one child, OTOCO with both) whose children
have BaseAmount 0, the opposite side, reduce-only and one common expiry.

Invariant: a trigger order is either a stop-loss or a take-profit decided from explicit params (or
the side of the book the trigger lies on); a contradiction raises before anything is signed.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from ccxt.base.errors import ArgumentsRequired, InvalidOrder

from . import orders as o
from .order_fields import Context, decimals, default_expiry, is_perp, price_ticks, worst_price
from .scaling import from_ticks, to_decimal

UP_DIRECTIONS = ("up", "above", "ascending", "rise")
DOWN_DIRECTIONS = ("down", "below", "descending", "fall")


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



def trigger_order_fields(market: Mapping, kind: str, is_ask: int, price: Any, params: Mapping,
                         trig: Tuple[str, Any], ctx: Context) -> Tuple[int, int, int, int]:
    """The fields of a stand-alone trigger order (``trig`` from :func:`trigger_kind`)."""
    if kind == "twap":
        raise InvalidOrder("a TWAP order cannot have a trigger price")
    tif_param = str(params.get("timeInForce") or "").upper()
    if params.get("postOnly") or tif_param in ("PO", "IOC", "FOK"):
        raise InvalidOrder("trigger orders rest until triggered: timeInForce must be GTC or GTD")
    which, trigger_value = trig
    return trigger_spec_fields(market, kind, which, trigger_value, price, is_ask, ctx)


def attached_legs(market: Mapping, parent: o.OrderSpec, params: Mapping, ctx: Context) -> Dict[str, o.OrderSpec]:
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


def grouped_order(market: Mapping, parent: o.OrderSpec, params: Mapping, ctx: Context,
                  attributes: o.TxAttributes) -> Tuple[o.CreateGroupedOrders, Dict[str, o.OrderSpec]]:
    """The OTO (one leg) or OTOCO (both legs) group of ``parent`` and its attached legs."""
    legs = attached_legs(market, parent, params, ctx)
    grouping = o.GroupingType.OTOCO if len(legs) == 2 else o.GroupingType.OTO
    ordered = [parent] + [legs[k] for k in ("sl", "tp") if k in legs]
    return o.CreateGroupedOrders(int(grouping), tuple(ordered), attributes), legs
