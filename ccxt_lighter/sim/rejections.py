"""Sequencer-style (asynchronous) rejections: the tx is accepted, then fails inside the sequencer.

Venue facts (REFERENCE.md 3.2 ``/api/v1/tx``, 5, 6.4 ``account_tx``): ``sendTx`` answering 200 only
means the API server accepted the tx; the sequencer may still refuse it (margin, reduce-only, price
band, an order that is no longer there). That outcome is visible afterwards: the tx (``GET
/api/v1/tx?by=hash``, ``accountTxs``, the ``account_tx`` channel) has ``status`` 0 (failed), and a
refused order shows up as an inactive order with a ``canceled-*`` status (Order.status values
``canceled-margin-not-allowed``, ``canceled-reduce-only``, ``canceled-invalid-balance``, ...).

Simulator model (documented; the venue's exact event_info text is not published):
* ``Engine(sequencer_rejections='async')`` (``Simulator(..., sequencer_rejections='async')``) turns the
  errors in :data:`ASYNC_CODES` -- the ones that depend on state at execution time -- into failed txs:
  the API answers 200 with the tx hash, the nonce is consumed, the block height advances, and the tx
  is recorded with ``status`` 0 and ``event_info`` = ``{"error": {"code", "message"}}`` (plus
  ``order_index`` / ``order_indexes`` when order records were created); everything else (malformed
  tx, bad signature, nonce, expiry, field ranges) stays a synchronous HTTP 400, as the API server
  checks those itself;
* a refused CreateOrder / CreateGroupedOrders leaves inactive orders: the (parent) order with the
  status of :data:`ORDER_STATUS` (``canceled`` when the code has none there), OTO/OTOCO children
  ``canceled-child``; a duplicate client order index (21728) leaves no order (the index is taken);
* ``'sync'`` (the default) keeps every rejection an HTTP 400 with nothing consumed.

Invariant: a failed tx changes no balance, position or existing order -- only the nonce, the height,
the tx history and the new canceled order records.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List

from .errors import LighterError
from .matching import finish
from .model import Order

if TYPE_CHECKING:
    from .core import Core
    from .txintake import Tx

MODES = ("sync", "async")
ASYNC_CODES = frozenset({
    21106, 21132, 21134, 21301, 21304, 21507, 21508, 21600, 21614,  # accounts, funds, positions
    21717, 21718, 21719, 21720, 21721, 21728, 21732, 21733, 21734, 21735, 21739,  # orders
})
ORDER_STATUS = {
    21739: "canceled-margin-not-allowed", 21508: "canceled-margin-not-allowed",
    21507: "canceled-margin-not-allowed", 21732: "canceled-reduce-only", 21304: "canceled-invalid-balance",
}
ORDER_TXS = (14, 28)


def check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"sequencer_rejections must be one of {MODES}, got {mode!r}")
    return mode


def is_async(mode: str, err: LighterError) -> bool:
    return mode == "async" and err.code in ASYNC_CODES


def fail_tx(core: "Core", acct, tx: "Tx", err: LighterError) -> Dict:
    """Record the refusal of ``tx`` the way the venue exposes it; returns the tx's event_info."""
    event_info: Dict = {"error": {"code": err.code, "message": err.message}}
    if tx.tx_type not in ORDER_TXS or err.code == 21728:
        return event_info
    specs = [tx.info] if tx.tx_type == 14 else list(tx.info["Orders"])
    orders = _canceled_orders(core, acct, tx, specs, _status(core, err, specs[0]))
    if tx.tx_type == 14:
        event_info["order_index"] = orders[0].order_index
    else:
        event_info["order_indexes"] = [o.order_index for o in orders]
    return event_info


def _status(core: "Core", err: LighterError, spec: Dict) -> str:
    if err.code == 21739 and core.markets[spec["MarketIndex"]].is_spot:
        return "canceled-invalid-balance"  # spot orders are refused for balance, not margin
    return ORDER_STATUS.get(err.code, "canceled")


def _canceled_orders(core: "Core", acct, tx: "Tx", specs: List[Dict], status: str) -> List[Order]:
    from .tx_orders import build_order, register  # cycle: tx_orders documents this module

    blank = {"stp_behavior": 0, "stp_equality": 0, "integrator_index": 0, "integrator_taker_fee": 0,
             "integrator_maker_fee": 0}  # the refused tx's attributes may be the very thing refused
    orders = [build_order(core, acct, spec, tx, blank) for spec in specs]
    grouping = tx.info.get("GroupingType")
    for i, order in enumerate(orders):
        register(core, acct, order)
        finish(core, order, "canceled-child" if i and grouping in (1, 3) else status)
    return orders
