"""Sequencer handlers of the order transactions: create (14), grouped (28), cancel (15),
cancel-all (16) and modify (17).

Venue facts (REFERENCE.md 2.2, 2.3, 5, 7.2, 7.3): field ranges and per-type rules (market = IOC
with expiry 0; GTT/post-only need an expiry of 5 min..30 days; SL/TP are perps-only with a trigger
and an expiry); client order indexes are unique among the account's live orders (21728); cancel and
modify take a client index (< 2**48) or an exchange index (>= 2**48); cancel-all is immediate
(Time 0, optionally one market via attribute "5"), scheduled (Time = absolute ms within 5 min..15
days) or an abort of the schedule.

TWAP (type 6: GTT, trigger 0, an expiry) runs as in :mod:`.twap`; self-trade attributes 6/7 as in
:mod:`.stp`; integrator attributes 1..3 as in :mod:`.integrator`; order counts and price bands as in
:mod:`.limits` (the accidental-price band follows sendTx's ``price_protection``).

Simulator choice (documented): by default (``sequencer_rejections='sync'``) rejections the real
sequencer reports after ``sendTx`` returned 200 (margin, reduce-only, unknown order, price bands,
order limits) are raised at intake here, so the client gets the code in the HTTP 400 body and no
nonce is consumed; with ``'async'`` they become failed txs (:mod:`.rejections`). Every check runs
before the first mutation.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Sequence

from . import integrator, limits, stp, twap
from .errors import LighterError
from .matching import execute, finish, order_changed
from .model import Order
from .orders_logic import TRIGGER_TYPES, check_triggers, reducible
from .risk import account_risk
from .txintake import Tx

if TYPE_CHECKING:
    from .core import Core

MIN_EXPIRY_MS = 5 * 60_000 - 60_000  # one minute of slack for client clocks
MAX_EXPIRY_MS = 30 * 86_400_000 + 60_000
MIN_CANCEL_ALL_MS = 5 * 60_000 - 60_000
MAX_CANCEL_ALL_MS = 15 * 86_400_000 + 60_000


def _market(core: "Core", market_id: int):
    m = core.markets.get(market_id)
    if m is None:
        raise LighterError(21602)
    return m


def check_spec(core: "Core", acct, o: Dict, *, child: bool = False) -> None:
    """Range and per-type rules of one order (REFERENCE 7.3)."""
    m = _market(core, o["MarketIndex"])
    coi, base, price, otype, tif = o["ClientOrderIndex"], o["BaseAmount"], o["Price"], o["Type"], o["TimeInForce"]
    if not 0 <= coi < 2**48:
        raise LighterError(21727)
    if coi and coi in acct.client_index:
        raise LighterError(21728)
    if not 1 <= price < 2**32:
        raise LighterError(21702)
    if o["IsAsk"] not in (0, 1):
        raise LighterError(21703)
    if o["ReduceOnly"] not in (0, 1):
        raise LighterError(21740)
    if not 0 <= otype <= 6:
        raise LighterError(21704)
    if not 0 <= tif <= 2:
        raise LighterError(21705)
    if not 0 <= base < 2**48 or (base == 0 and (otype == twap.TWAP or not (o["ReduceOnly"] or child))):
        raise LighterError(21701)  # only reduce-only orders and group children may follow the position
    if base and not o["ReduceOnly"] and (base < m.min_base_amount or base * price < m.min_quote_amount):
        raise LighterError(21706)
    _check_type_rules(core, m, o)


def _check_type_rules(core: "Core", m, o: Dict) -> None:
    otype, tif, expiry, trigger = o["Type"], o["TimeInForce"], o["OrderExpiry"], o["TriggerPrice"]
    if otype == 1 and tif != 0:
        raise LighterError(21705)
    if otype in (0, 1) and trigger != 0:
        raise LighterError(21729)
    if otype in TRIGGER_TYPES:
        if m.is_spot:
            raise LighterError(21618)
        if not 1 <= trigger < 2**32:
            raise LighterError(21729)
    if otype in (2, 4) and tif != 0:
        raise LighterError(21705)
    if otype == twap.TWAP and (tif != 1 or trigger != 0):
        raise LighterError(21705 if tif != 1 else 21729)
    needs_expiry = otype in TRIGGER_TYPES or tif in (1, 2)
    if not needs_expiry:
        if expiry != 0:
            raise LighterError(21711)
        return
    wall = core.wall_ms()
    if not wall + MIN_EXPIRY_MS <= expiry <= wall + MAX_EXPIRY_MS:
        raise LighterError(21711)


def order_settings(core: "Core", acct, tx: Tx, market_id: int) -> Dict[str, int]:
    """Self-trade and integrator settings an order takes from its tx's attributes (raises if refused)."""
    behaviour, equality = stp.parse(tx.attributes)
    index, taker, maker = integrator.order_fees(core, acct, tx.attributes, market_id)
    return {"stp_behavior": behaviour, "stp_equality": equality, "integrator_index": index,
            "integrator_taker_fee": taker, "integrator_maker_fee": maker}


def check_state(core: "Core", acct, specs: List[Dict], children: Sequence[bool] = ()) -> None:
    """Price bands of every order, then the account's order counts (21733..21735, 21717..21721)."""
    for o in specs:
        limits.check_price_bands(core, o, price_protection=core.tx_price_protection)
    limits.check_counts(core, acct, specs, children)


def build_order(core: "Core", acct, o: Dict, tx: Tx, settings: Optional[Dict[str, int]] = None) -> Order:
    now = core.now_ms()
    order = Order(
        order_index=core.new_order_index(), client_order_index=o["ClientOrderIndex"],
        account_index=acct.index, market_id=o["MarketIndex"], is_ask=bool(o["IsAsk"]), type=o["Type"],
        time_in_force=o["TimeInForce"], price=o["Price"], initial_base=o["BaseAmount"],
        remaining_base=o["BaseAmount"], nonce=tx.nonce, created_at=now, reduce_only=bool(o["ReduceOnly"]),
        trigger_price=o["TriggerPrice"], order_expiry=o["OrderExpiry"], status="in-progress",
        transaction_time=core.now_us(), block_height=core.height + 1,
        follows_position=o["BaseAmount"] == 0)
    if order.order_expiry:
        order.deadline = order.order_expiry + core.offset_ms
    for name, value in (settings or order_settings(core, acct, tx, order.market_id)).items():
        setattr(order, name, value)
    return order


def register(core: "Core", acct, order: Order) -> None:
    core.orders[order.order_index] = order
    acct.orders[order.order_index] = order
    if order.client_order_index:
        acct.client_index[order.client_order_index] = order.order_index


def check_funds(core: "Core", acct, o: Dict) -> None:
    """Margin (perps) or balance (spot) needed by a new order that takes effect now."""
    m = core.markets[o["MarketIndex"]]
    if o["Type"] in TRIGGER_TYPES:
        return
    probe = Order(0, 0, acct.index, m.market_id, bool(o["IsAsk"]), o["Type"], o["TimeInForce"], o["Price"],
                  o["BaseAmount"], o["BaseAmount"], 0, 0, reduce_only=bool(o["ReduceOnly"]))
    if probe.reduce_only:
        if reducible(core, probe) <= 0:
            raise LighterError(21732)
        return
    if m.is_spot:
        _check_spot_balance(core, acct, probe)
        return
    probe.price = _price_basis(core, probe)
    probe.status = "open"
    # Both cost O(positions + markets with orders): order margin comes from the account's order index.
    before = account_risk(acct, core.markets, core.marks)
    after = account_risk(acct, core.markets, core.marks, extra_orders=[probe])
    if after.order_margin > before.order_margin and after.free < 0:
        raise LighterError(21739)


def _price_basis(core: "Core", order: Order) -> int:
    """Price at which an order's margin is judged: the opposite best for a crossing taker."""
    book = core.books[order.market_id]
    best = book.best_bid() if order.is_ask else book.best_ask()
    if best is not None and ((best >= order.price) if order.is_ask else (best <= order.price)):
        return best
    return order.price


def _check_spot_balance(core: "Core", acct, order: Order) -> None:
    m = core.markets[order.market_id]
    locked = core.spot_locked(acct)
    if order.is_ask:
        dec = core.assets[m.base_asset_id].decimals
        need = order.remaining_base * 10 ** (dec - m.size_decimals)
        have = acct.spot.get(m.base_asset_id, 0) - locked.get(m.base_asset_id, 0)
    else:
        need = order.remaining_base * order.price
        have = acct.spot.get(m.quote_asset_id, 0) - locked.get(m.quote_asset_id, 0)
    if have < need:
        raise LighterError(21739)


def create_order(core: "Core", acct, tx: Tx) -> Dict:
    check_spec(core, acct, tx.info)
    settings = order_settings(core, acct, tx, tx.info["MarketIndex"])
    check_state(core, acct, [tx.info])
    check_funds(core, acct, tx.info)
    order = build_order(core, acct, tx.info, tx, settings)
    register(core, acct, order)
    start(core, order)
    return {"order_index": order.order_index}


def start(core: "Core", order: Order) -> None:
    if order.type == twap.TWAP:
        twap.start(core, order)
    elif order.type in TRIGGER_TYPES:
        order.status, order.trigger_status = "pending", "mark-price"
        order_changed(core, order)
        check_triggers(core, order.market_id)
    else:
        execute(core, order)


def find_order(core: "Core", acct, market_id: int, index: int) -> Order:
    if index < 2**48:
        order_index = acct.client_index.get(index)
        order = acct.orders.get(order_index) if order_index is not None else None
    else:
        order = acct.orders.get(index)
    if order is None or not order.active or order.market_id != market_id:
        raise LighterError(21600)
    return order


def cancel_order(core: "Core", acct, tx: Tx) -> Dict:
    _market(core, tx.info["MarketIndex"])
    order = find_order(core, acct, tx.info["MarketIndex"], tx.info["Index"])
    finish(core, order, "canceled")
    return {"order_index": order.order_index}


def cancel_all(core: "Core", acct, tx: Tx) -> Dict:
    tif, when = tx.info["TimeInForce"], tx.info["Time"]
    market: Optional[int] = tx.attributes.get("5")
    if tif not in (0, 1, 2):
        raise LighterError(21713)
    if tif == 0:
        if when != 0:
            raise LighterError(21714)
        if market is not None and market != 255 and market not in core.markets:
            raise LighterError(21602)
        return {"canceled": cancel_all_now(core, acct, market)}
    if market is not None:
        raise LighterError(21713)
    if tif == 1:
        wall = core.wall_ms()
        if not wall + MIN_CANCEL_ALL_MS <= when <= wall + MAX_CANCEL_ALL_MS:
            raise LighterError(21714)
        acct.cancel_all_time = when
        acct.cancel_all_deadline = when + core.offset_ms
    else:
        acct.cancel_all_time = 0
        acct.cancel_all_deadline = 0
    core.touch(acct.index)
    return {"cancel_all_time": acct.cancel_all_time}


def cancel_all_now(core: "Core", acct, market: Optional[int] = None, status: str = "canceled") -> int:
    members = acct.orders.values() if market in (None, 255) else acct.orders.in_market(market)
    victims: List[Order] = sorted(members, key=lambda o: o.order_index)
    for order in victims:
        finish(core, order, status)
    return len(victims)


def modify_order(core: "Core", acct, tx: Tx) -> Dict:
    info = tx.info
    _market(core, info["MarketIndex"])
    order = find_order(core, acct, info["MarketIndex"], info["Index"])
    if order.type == twap.TWAP:
        raise LighterError(21600, detail="a TWAP order cannot be modified")
    base, price, trigger = info["BaseAmount"], info["Price"], info["TriggerPrice"]
    if not 1 <= price < 2**32:
        raise LighterError(21702)
    if not 0 <= base < 2**48 or (base == 0 and not order.reduce_only):
        raise LighterError(21701)
    if order.type in TRIGGER_TYPES and not 1 <= trigger < 2**32:
        raise LighterError(21729)
    if order.type not in TRIGGER_TYPES and trigger:
        raise LighterError(21729)
    limits.check_band(core, order.market_id, order.type, order.is_ask, price, trigger,
                      price_protection=core.tx_price_protection)
    if order.status == "open" and not order.reduce_only:
        spec = {"MarketIndex": order.market_id, "IsAsk": int(order.is_ask), "Type": order.type,
                "TimeInForce": order.time_in_force, "Price": price, "BaseAmount": base, "ReduceOnly": 0}
        _check_modify_funds(core, acct, order, spec)
    apply_modify(core, order, base, price, trigger, tx.nonce)
    return {"order_index": order.order_index}


def _check_modify_funds(core: "Core", acct, order: Order, spec: Dict) -> None:
    acct.orders.pop(order.order_index)  # judge the account without the order being replaced
    try:
        check_funds(core, acct, spec)
    finally:
        acct.orders[order.order_index] = order


def apply_modify(core: "Core", order: Order, base: int, price: int, trigger: int, nonce: int) -> None:
    was_open = order.status == "open"
    if was_open:
        core.books[order.market_id].remove(order)
    order.price, order.trigger_price, order.nonce = price, trigger, nonce
    order.order_version += 1
    if base or not order.follows_position:
        order.remaining_base = base
        order.initial_base = order.filled_base + base
    if not was_open:
        order_changed(core, order)
        check_triggers(core, order.market_id)
        return
    order.status = "in-progress"
    execute(core, order)
