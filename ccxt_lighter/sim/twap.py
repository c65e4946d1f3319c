"""TWAP orders (type 6): a parent that spends its size in market slices over its lifetime.

Venue facts (REFERENCE.md 3.2 Order, 7.2, 7.3): a TWAP order is CreateOrder with Type 6, TimeInForce
GTT, TriggerPrice 0 and an OrderExpiry (5 min .. 30 days ahead; the end of the schedule); ``Price``
caps every slice (the worst acceptable price); the venue's own slices are orders of type 7
(``twap-sub``); the Order object shows ``type`` ``twap`` / ``twap-sub`` and ``trigger_status``
``twap``.

Simulator model (documented; the venue's slicing rule is not published):
* the parent rests as ``status`` ``open``, ``trigger_status`` ``twap`` -- never in the book, but its
  unfilled size counts toward the account's order margin like an open order at the cap price;
* slices run every ``SLICE_MS`` (30 s) of the sim clock, the first one when the order is accepted,
  ``ceil((expiry - now) / 30 s)`` slices in all, so the last one runs before the expiry; schedules
  longer than ``MAX_SLICES`` (1000) slices (8 h 20 min) stretch the interval instead, so one
  ``/sim/advance`` over a 30-day TWAP stays a second's work, not 86 400 fills; each slice is
  a real IOC market order (type 7, ``parent_order_index`` = the parent) for
  ``unfilled size / slices left`` (what an earlier slice could not fill is caught up later), with the
  parent's reduce-only, self-trade and integrator settings; its fills are ordinary trades;
* the sim clock drives it: ``engine.advance`` / ``POST /sim/advance`` and every timer run (each tx,
  ``tick``, the background clock) run every slice that is due, in schedule order;
* the parent ends ``filled`` when nothing is left, ``canceled-expired`` when the last slice left size
  unfilled, ``canceled-reduce-only`` when a reduce-only TWAP has no position left to reduce, or
  ``canceled`` by CancelOrder / cancel-all (no slice runs after that). ModifyOrder on a TWAP is 21600.

Invariant: parent.filled == sum of its slices' fills; a slice never runs for an inactive parent.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .matching import execute, finish, order_changed
from .model import Order, TwapSchedule
from .orders_logic import reducible

if TYPE_CHECKING:
    from .core import Core

TWAP, TWAP_SUB, IOC = 6, 7, 0
SLICE_MS = 30_000
MAX_SLICES = 1000


def schedule(now_ms: int, deadline_ms: int) -> TwapSchedule:
    span = max(0, deadline_ms - now_ms)
    interval = max(SLICE_MS, -(-span // MAX_SLICES))
    return TwapSchedule(start=now_ms, interval=interval, slices=max(1, -(-span // interval)))


def start(core: "Core", order: Order) -> None:
    """Accept a TWAP parent: rest it, then run its first slice (the acceptance tx's own fill)."""
    order.twap = schedule(core.now_ms(), order.deadline)
    order.status, order.trigger_status = "open", "twap"
    core.twaps[order.order_index] = order
    order_changed(core, order)
    run_slice(core, order, in_tx=True)


def run_due(core: "Core", now_ms: int) -> None:
    """Run every slice due at ``now_ms`` (oldest schedule point first across all TWAPs)."""
    while True:
        due = [o for o in core.twaps.values() if o.active and o.twap.next_due() <= now_ms]
        for gone in [i for i, o in core.twaps.items() if not o.active]:
            del core.twaps[gone]
        if not due:
            return
        parent = min(due, key=lambda o: (o.twap.next_due(), o.order_index))
        run_slice(core, parent)


def run_slice(core: "Core", parent: Order, in_tx: bool = False) -> None:
    """One slice; ``in_tx``: it runs inside the tx that created the parent (its trades carry that
    tx's hash), otherwise the clock runs it and its trades get a stand-in hash."""
    schedule = parent.twap
    left = schedule.slices - schedule.done
    schedule.done += 1
    if parent.reduce_only and reducible(core, parent) <= 0:
        finish(core, parent, "canceled-reduce-only")
        return
    size = parent.remaining_base // left if left > 1 else parent.remaining_base
    if size > 0:
        _slice(core, parent, size, in_tx)
    if not parent.active:
        return
    if parent.remaining_base == 0:
        finish(core, parent, "filled")
    elif schedule.done >= schedule.slices:
        finish(core, parent, "canceled-expired")
    else:
        order_changed(core, parent)


def _slice(core: "Core", parent: Order, size: int, in_tx: bool) -> None:
    child = Order(
        order_index=core.new_order_index(), client_order_index=0, account_index=parent.account_index,
        market_id=parent.market_id, is_ask=parent.is_ask, type=TWAP_SUB, time_in_force=IOC, price=parent.price,
        initial_base=size, remaining_base=size, nonce=parent.nonce, created_at=core.now_ms(),
        reduce_only=parent.reduce_only, status="in-progress", transaction_time=core.now_us(),
        block_height=core.height + 1, parent_order_index=parent.order_index, stp_behavior=parent.stp_behavior,
        stp_equality=parent.stp_equality, integrator_index=parent.integrator_index,
        integrator_taker_fee=parent.integrator_taker_fee, integrator_maker_fee=parent.integrator_maker_fee)
    core.orders[child.order_index] = child
    core.accounts[child.account_index].orders[child.order_index] = child
    saved = core.tx_hash
    if not in_tx:  # a slice run by the clock belongs to no tx: a stable stand-in hash, like the flow's
        core.tx_hash = "%080x" % child.order_index
    try:
        execute(core, child)
    finally:
        core.tx_hash = saved
    parent.filled_base += child.filled_base
    parent.filled_quote += child.filled_quote
    parent.remaining_base -= child.filled_base
    core.touch(parent.account_index, parent.market_id)
