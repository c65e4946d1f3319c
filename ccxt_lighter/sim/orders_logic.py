"""Conditional orders and order groups: triggers on mark price, OTO / OCO / OTOCO, reduce-only.

Venue facts (REFERENCE.md 7.2, 7.3, 3.2): stop-loss / take-profit orders (market or limit) wait as
``pending`` with ``trigger_status`` ``mark-price`` until the mark price crosses their trigger price;
OTO children wait with ``trigger_status`` ``parent-order`` and take the size the parent filled
(their BaseAmount is 0); OCO siblings cancel each other (``canceled-oco``); children of a parent
that ends without any fill are canceled (``canceled-child``).

Trigger rule (the usual stop semantics): a sell stop-loss fires when mark <= trigger, a buy
stop-loss when mark >= trigger; a sell take-profit when mark >= trigger, a buy take-profit when
mark <= trigger.

Invariant: an order is triggered at most once and only while still ``pending``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, List

from .model import Order

if TYPE_CHECKING:
    from .core import Core

STOP_TYPES = (2, 3)
TP_TYPES = (4, 5)
TRIGGER_TYPES = STOP_TYPES + TP_TYPES


def reducible(core: "Core", order: Order) -> int:
    """How much of the position ``order`` may close (0 if it would only increase it)."""
    acct = core.accounts[order.account_index]
    pos = acct.positions.get(order.market_id)
    size = pos.size if pos else 0
    if size == 0 or (size > 0) != order.is_ask:
        return 0
    return abs(size)


def should_trigger(order: Order, mark: int) -> bool:
    if order.type in STOP_TYPES:
        return mark <= order.trigger_price if order.is_ask else mark >= order.trigger_price
    if order.type in TP_TYPES:
        return mark >= order.trigger_price if order.is_ask else mark <= order.trigger_price
    return False


def pending_on_market(core: "Core", market_id: int) -> List[Order]:
    out = []
    for acct in core.accounts.values():
        for o in acct.orders.in_market(market_id):
            if o.status == "pending" and o.trigger_status == "mark-price":
                out.append(o)
    out.sort(key=lambda o: o.order_index)
    return out


def check_triggers(core: "Core", market_id: int) -> None:
    mark = core.marks[market_id]
    for order in pending_on_market(core, market_id):
        if order.status == "pending" and should_trigger(order, mark):
            fire(core, order)


def fire(core: "Core", order: Order) -> None:
    from .matching import execute, finish  # cycle: matching calls on_finished below

    order.trigger_status = "ready"
    order.trigger_time = core.now_ms()
    order.status = "in-progress"
    if order.to_cancel:
        sibling = core.orders.get(order.to_cancel)
        if sibling is not None and sibling.active:
            finish(core, sibling, "canceled-oco")
    if order.follows_position:
        room = reducible(core, order)
        if room <= 0:
            finish(core, order, "canceled-reduce-only")
            return
        order.remaining_base = order.initial_base = room if order.initial_base == 0 else min(room, order.initial_base)
    if order.type in (3, 5):
        order.time_in_force = 1
    execute(core, order)


def on_finished(core: "Core", order: Order) -> None:
    """Resolve group links of an order that just left the active set."""
    from .matching import finish, order_changed

    activated = False
    for child_index in order.to_trigger:
        child = core.orders.get(child_index)
        if child is None or not child.active or child.trigger_status != "parent-order":
            continue
        if order.filled_base == 0:
            finish(core, child, "canceled-child")
            continue
        child.trigger_status = "mark-price"
        child.initial_base = child.remaining_base = order.filled_base
        order_changed(core, child)
        activated = True
    if activated:
        check_triggers(core, order.market_id)
    if order.to_cancel and order.status.startswith("filled"):
        sibling = core.orders.get(order.to_cancel)
        if sibling is not None and sibling.active:
            finish(core, sibling, "canceled-oco")


def enforce_reduce_only(core: "Core", account_index: int, market_id: int) -> None:
    """Clip or cancel resting reduce-only orders that a position change made too large."""
    from .matching import finish, order_changed

    acct = core.accounts[account_index]
    for order in sorted(acct.orders.in_market(market_id), key=lambda o: o.order_index):
        if not order.reduce_only or order.status != "open" or order.twap:
            continue  # a reduce-only TWAP is not in the book: each slice is clipped when it runs
        room = reducible(core, order)
        if room <= 0:
            finish(core, order, "canceled-reduce-only")
        elif order.remaining_base > room:
            cut = order.remaining_base - room
            order.remaining_base = room
            core.books[market_id].shrink(order, cut)
            order_changed(core, order)


def expire_orders(core: "Core", now_ms: int) -> None:
    """End every active order whose deadline is <= ``now_ms`` (``canceled-expired``), account by
    account, oldest order first. Each account's order index hands out its due orders from a deadline
    heap, so a tx with nothing due costs one heap peek per account, not a scan of every order."""
    from .matching import finish

    for acct in list(core.accounts.values()):
        for order in acct.orders.pop_due(now_ms):
            if order.active:  # an earlier expiry may have ended it (OCO sibling, OTO child)
                finish(core, order, "canceled-expired")


def expired_scan(core: "Core", now_ms: int) -> List[Order]:
    """Reference for :func:`expire_orders`: the orders it must expire now, by a full scan."""
    return [o for acct in core.accounts.values() for o in sorted(acct.orders.values(), key=lambda o: o.order_index)
            if o.active and o.deadline and o.deadline <= now_ms]
