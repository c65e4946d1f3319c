"""Order-count limits and price bands of new orders, checked by the sequencer before an order exists.

Venue facts (REFERENCE.md 3.2 sendTx, 5; examples/error_codes.json): 21717 "maximum active limit order
count reached", 21718 "... per market reached", 21719 / 21720 the same for pending (untriggered) orders,
21721 "maximum twap order count reached"; 21733 "order price flagged as an accidental price", 21734
"limit order price is too far from the mark price", 21735 "SL/TP order price is too far from the
trigger price"; sendTx takes ``price_protection`` (default true).

The venue does not publish its numbers; the simulator's documented defaults (mutable per engine:
``engine.limits.max_open_orders = 2`` etc.):
* at most 1000 resting limit orders per account (21717) and 500 per market (21718) -- only orders that
  may rest count (limit GTT / post-only); IOC and market orders never rest and are not counted;
* at most 200 pending orders (SL/TP waiting for the mark, OTO children waiting for their parent) per
  account (21719) and 100 per market (21720); at most 10 running TWAP orders per account (21721);
* accidental price (21733), only while ``price_protection`` is on: a buy (limit, market cap or TWAP
  cap) more than 50 % above the mark price, or a sell more than 50 % below it -- the fat-finger side;
  ``price_protection=false`` on sendTx switches this one check off;
* too far from the mark (21734), always: a limit order priced below a tenth of the mark (buy) or
  above ten times the mark (sell) -- the passive side, where an order could rest forever;
* SL/TP too far (21735): a trigger order (types 2..5) whose price is more than 50 % away from its
  trigger price.
The bands are deliberately wide so ordinary client flows (market orders with a few percent of
slippage, limits a few percent off the book) never meet them.

Invariant: pure checks -- they read the account and the marks and raise before any state changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Iterable

from .errors import LighterError

if TYPE_CHECKING:
    from .core import Core

LIMIT, MARKET, TWAP = 0, 1, 6
TRIGGER_TYPES = (2, 3, 4, 5)
BPS = 10_000


@dataclass
class OrderLimits:
    max_open_orders: int = 1000
    max_open_orders_per_market: int = 500
    max_pending_orders: int = 200
    max_pending_orders_per_market: int = 100
    max_twap_orders: int = 10
    accidental_band_bps: int = 5000
    far_from_mark_factor: int = 10
    sl_tp_band_bps: int = 5000


def _kind(otype: int, tif: int, child: bool) -> str:
    """Which count a new order joins: 'open' (may rest), 'pending', 'twap' or '' (never rests)."""
    if otype == TWAP:
        return "twap"
    if otype in TRIGGER_TYPES or child:
        return "pending"
    if otype == LIMIT and tif in (1, 2):
        return "open"
    return ""


def existing_counts_scan(acct) -> Dict[tuple, int]:
    """Reference for the counts the account's order index keeps (``acct.orders.counts``): the same
    numbers by a full scan of its orders."""
    counts: Dict[tuple, int] = {}
    for o in acct.orders.values():
        if o.type == TWAP and o.active:
            kind = "twap"
        elif o.status == "pending":
            kind = "pending"
        elif o.status == "open":
            kind = "open"
        else:
            continue
        for key in ((kind, None), (kind, o.market_id)):
            counts[key] = counts.get(key, 0) + 1
    return counts


def check_counts(core: "Core", acct, specs: Iterable[Dict], children: Iterable[bool] = ()) -> None:
    """21717..21721 for the new orders ``specs`` (tx_info order dicts); ``children[i]`` marks an OTO
    child, which waits as a pending order until its parent fills."""
    lim = core.limits
    existing = acct.orders.counts  # kept by the order index: no scan of the account's orders
    counts: Dict[tuple, int] = {}
    flags = list(children)
    for i, o in enumerate(specs):
        kind = _kind(o["Type"], o["TimeInForce"], flags[i] if i < len(flags) else False)
        if not kind:
            continue
        for key in ((kind, None), (kind, o["MarketIndex"])):
            counts[key] = counts.get(key, existing.get(key, 0)) + 1
        market = o["MarketIndex"]
        if kind == "open" and counts[("open", None)] > lim.max_open_orders:
            raise LighterError(21717)
        if kind == "open" and counts[("open", market)] > lim.max_open_orders_per_market:
            raise LighterError(21718)
        if kind == "pending" and counts[("pending", None)] > lim.max_pending_orders:
            raise LighterError(21719)
        if kind == "pending" and counts[("pending", market)] > lim.max_pending_orders_per_market:
            raise LighterError(21720)
        if kind == "twap" and counts[("twap", None)] > lim.max_twap_orders:
            raise LighterError(21721)


def check_price_bands(core: "Core", o: Dict, *, price_protection: bool = True) -> None:
    """21733 / 21734 / 21735 for one order (tx_info order dict) against the current mark price."""
    check_band(core, o["MarketIndex"], o["Type"], bool(o["IsAsk"]), o["Price"], o["TriggerPrice"],
               price_protection=price_protection)


def check_band(core: "Core", market_id: int, otype: int, is_ask: bool, price: int, trigger: int, *,
               price_protection: bool = True) -> None:
    lim = core.limits
    if otype in TRIGGER_TYPES:
        if abs(price - trigger) * BPS > trigger * lim.sl_tp_band_bps:
            raise LighterError(21735)
        return
    mark = core.marks[market_id]
    if price_protection:
        too_high = not is_ask and price * BPS > mark * (BPS + lim.accidental_band_bps)
        too_low = is_ask and price * BPS < mark * (BPS - lim.accidental_band_bps)
        if too_high or too_low:
            raise LighterError(21733)
    if otype == LIMIT:
        factor = lim.far_from_mark_factor
        if (not is_ask and price * factor < mark) or (is_ask and price > mark * factor):
            raise LighterError(21734)
