"""Sequencer handler of CreateGroupedOrders (28): OTO, OCO and OTOCO.

Venue facts (REFERENCE.md 7.3; examples/signer_tx_info_examples.json): at most 3 orders, one market,
which must be a perp; OTO = [parent limit/market, child SL/TP with BaseAmount 0 on the opposite
side]; OCO = [two reduce-only orders on the same side with the same size and expiry, one stop-loss
type and one take-profit type]; OTOCO = [parent, SL child, TP child], children BaseAmount 0, opposite
side, same expiry. Children take the size the parent filled. Invalid grouping type 21741, wrong
group size 21742, orders that break the shape 21743.

Invariant: the whole group is validated before any of its orders is registered: first every order's
own fields (:func:`.tx_orders.check_spec`), then what depends on state (attributes, price bands,
order counts, margin), so a state failure never leaves an order of the group unchecked.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List

from .errors import LighterError
from .matching import order_changed
from .orders_logic import STOP_TYPES, TP_TYPES, TRIGGER_TYPES, check_triggers
from .tx_orders import build_order, check_funds, check_spec, check_state, order_settings, register, start
from .txintake import Tx

if TYPE_CHECKING:
    from .core import Core

OTO, OCO, OTOCO = 1, 2, 3
SIZES = {OTO: 2, OCO: 2, OTOCO: 3}


def _check_shape(grouping: int, orders: List[Dict]) -> None:
    if grouping not in SIZES:
        raise LighterError(21741)
    if len(orders) != SIZES[grouping]:
        raise LighterError(21742)
    if len({o["MarketIndex"] for o in orders}) != 1 or orders[0]["MarketIndex"] >= 2048:
        raise LighterError(21743)
    if grouping == OCO:
        a, b = orders
        types = {a["Type"] in STOP_TYPES, b["Type"] in STOP_TYPES}
        same = all(a[k] == b[k] for k in ("IsAsk", "BaseAmount", "OrderExpiry"))
        if not (a["ReduceOnly"] and b["ReduceOnly"] and same and types == {True, False}
                and a["Type"] in TRIGGER_TYPES and b["Type"] in TRIGGER_TYPES):
            raise LighterError(21743)
        return
    parent, children = orders[0], orders[1:]
    if parent["Type"] not in (0, 1):
        raise LighterError(21743)
    for child in children:
        if child["Type"] not in TRIGGER_TYPES or child["BaseAmount"] != 0 or child["IsAsk"] == parent["IsAsk"]:
            raise LighterError(21743)
    if grouping == OTOCO:
        sl, tp = children
        if not (sl["Type"] in STOP_TYPES and tp["Type"] in TP_TYPES) or sl["OrderExpiry"] != tp["OrderExpiry"]:
            raise LighterError(21743)


def create_grouped(core: "Core", acct, tx: Tx) -> Dict:
    grouping, specs = tx.info["GroupingType"], tx.info["Orders"]
    _check_shape(grouping, specs)
    coi = [o["ClientOrderIndex"] for o in specs if o["ClientOrderIndex"]]
    if len(coi) != len(set(coi)):
        raise LighterError(21728)
    children = [grouping == OCO or i > 0 for i in range(len(specs))]
    for spec, child in zip(specs, children):
        check_spec(core, acct, spec, child=child)
    settings = order_settings(core, acct, tx, specs[0]["MarketIndex"])
    check_state(core, acct, specs, children)
    if grouping != OCO:
        check_funds(core, acct, specs[0])
    orders = [build_order(core, acct, spec, tx, settings) for spec in specs]
    for order in orders:
        register(core, acct, order)
    if grouping == OCO:
        _link_siblings(orders[0], orders[1])
        for order in orders:
            order.status, order.trigger_status = "pending", "mark-price"
            order_changed(core, order)
        check_triggers(core, orders[0].market_id)
    else:
        parent, children = orders[0], orders[1:]
        parent.to_trigger = [c.order_index for c in children]
        for child in children:
            child.parent_order_index = parent.order_index
            child.status, child.trigger_status = "pending", "parent-order"
            order_changed(core, child)
        if len(children) == 2:
            _link_siblings(children[0], children[1])
        start(core, parent)
    return {"order_indexes": [o.order_index for o in orders]}


def _link_siblings(a, b) -> None:
    a.to_cancel, b.to_cancel = b.order_index, a.order_index
