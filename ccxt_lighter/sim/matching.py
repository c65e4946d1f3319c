"""Price-time matching of one incoming order against a book, and order finishing.

Venue facts (REFERENCE.md 3.2, 7.2, 7.3): a limit order rests until filled, canceled or expired
(GTT); IOC/market orders never rest (market = IOC with a worst acceptable price); post-only orders
that would take liquidity are canceled (``canceled-post-only``); reduce-only orders never increase a
position (``canceled-reduce-only``); self-trades are resolved by the taker's self-trade settings
(:mod:`.stp`; default: expire the maker, ``canceled-self-trade``); market orders (and TWAP slices,
type 7) left unfilled end ``canceled-not-enough-liquidity`` or ``canceled-too-much-slippage``; an
order naming an integrator pays its fee on every fill (:mod:`.integrator`).

Invariants: a fill happens at the maker's price; makers are consumed best price first, FIFO within a
level; every order that leaves the active set goes through :func:`finish` (so its OCO sibling /
OTO children are resolved and it is archived exactly once).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import events as ev
from . import integrator, stp
from .model import Order
from .orders_logic import on_finished, reducible
from .settle import settle_perp, settle_spot
from .wire_orders import order_json, trade_json

if TYPE_CHECKING:
    from .core import Core

MARKET, IOC, POST_ONLY = 1, 0, 2
TWAP_SUB = 7
MARKET_LIKE = (MARKET, 2, 4, TWAP_SUB)  # never rest; unfilled rest ends with a liquidity status


def order_changed(core: "Core", order: Order) -> None:
    order.updated_at = core.now_ms()
    m = core.markets[order.market_id]
    core.emit(ev.OrderChanged(order.account_index, order.market_id, order_json(order, m)))
    core.touch(order.account_index, order.market_id)


def finish(core: "Core", order: Order, status: str) -> None:
    """Take ``order`` out of the book and the active set with a final ``status``."""
    if not order.active:
        return
    if order.status == "open":
        core.books[order.market_id].remove(order)
    order.status = status
    core.archive(order)
    order_changed(core, order)
    on_finished(core, order)


def crosses(order: Order, best_opposite) -> bool:
    if best_opposite is None:
        return False
    return best_opposite <= order.price if not order.is_ask else best_opposite >= order.price


def execute(core: "Core", order: Order) -> None:
    """Run an active (non-pending) order: match, then rest it or end it."""
    book = core.books[order.market_id]
    opposite = book.best_bid() if order.is_ask else book.best_ask()
    if order.time_in_force == POST_ONLY and crosses(order, opposite):
        order.status = "open"
        finish(core, order, "canceled-post-only")
        return
    if order.reduce_only and not clip_reduce_only(core, order):
        return
    match(core, order)
    if not order.active:
        return
    if order.remaining_base == 0:
        finish(core, order, "filled")
    elif order.time_in_force == IOC or order.type in MARKET_LIKE:
        finish(core, order, unfilled_status(core, order))
    else:
        order.status = "open"
        book.add(order)
        order_changed(core, order)


def unfilled_status(core: "Core", order: Order) -> str:
    if order.type not in MARKET_LIKE:
        return "canceled"
    book = core.books[order.market_id]
    left = book.best_bid() if order.is_ask else book.best_ask()
    return "canceled-too-much-slippage" if left is not None else "canceled-not-enough-liquidity"


def clip_reduce_only(core: "Core", order: Order) -> bool:
    """Shrink a reduce-only order to the position it may close; False if it was canceled."""
    room = reducible(core, order)
    if room <= 0:
        finish(core, order, "canceled-reduce-only")
        return False
    if order.remaining_base > room:
        order.remaining_base = room
    return True


def match(core: "Core", taker: Order) -> None:
    book = core.books[taker.market_id]
    for maker in book.makers(taker.is_ask, taker.price):
        if taker.remaining_base == 0:
            break
        if stp.is_self_trade(core, taker, maker):
            if not stp.resolve(core, taker, maker):
                break
            continue
        qty = min(taker.remaining_base, maker.remaining_base)
        fill(core, taker, maker, qty)


def fill(core: "Core", taker: Order, maker: Order, qty: int) -> None:
    m = core.markets[taker.market_id]
    price = maker.price
    book = core.books[taker.market_id]
    for o in (taker, maker):
        o.remaining_base -= qty
        o.filled_base += qty
        o.filled_quote += qty * price
    book.fill(maker, qty)
    t_acct, m_acct = core.accounts[taker.account_index], core.accounts[maker.account_index]
    if m.is_spot:
        dec = core.assets[m.base_asset_id].decimals
        t_before, t_pnl, t_fee = settle_spot(t_acct, m, taker.is_ask, qty, price, t_acct.taker_fee_ppm, dec)
        m_before, m_pnl, m_fee = settle_spot(m_acct, m, maker.is_ask, qty, price, m_acct.maker_fee_ppm, dec)
    else:
        t_before, t_pnl, t_fee = settle_perp(t_acct, m, taker.is_ask, qty, price, t_acct.taker_fee_ppm)
        m_before, m_pnl, m_fee = settle_perp(m_acct, m, maker.is_ask, qty, price, m_acct.maker_fee_ppm)
    notional = qty * price
    integrators = (integrator.charge(core, taker, True, notional), integrator.charge(core, maker, False, notional))
    trade = trade_json(
        trade_id=core.new_trade_id(), tx_hash=core.tx_hash, m=m, size=qty, price=price, taker=taker,
        maker=maker, taker_fee=t_acct.taker_fee_ppm, maker_fee=m_acct.maker_fee_ppm,
        taker_before=t_before, maker_before=m_before, taker_pnl=t_pnl, maker_pnl=m_pnl,
        block_height=core.height + 1, now_ms=core.now_ms(), now_us=core.now_us(), integrators=integrators)
    record_trade(core, trade, price, qty)
    if maker.remaining_base == 0:
        maker.status = "filled"
        core.archive(maker)
        order_changed(core, maker)
        on_finished(core, maker)
    else:
        order_changed(core, maker)
    core.touch(taker.account_index, taker.market_id)
    core.touch(maker.account_index, maker.market_id)


def record_trade(core: "Core", trade: dict, price: int, qty: int, liquidation: bool = False) -> None:
    mid = trade["market_id"]
    core.emit(ev.TradeExecuted(mid, trade, is_liquidation=liquidation))
    for res, candle in core.md.record_trade(trade, price, qty, core.now_ms()):
        core.emit(ev.CandleUpdated(mid, res, candle))
    core.touch_market(mid)
