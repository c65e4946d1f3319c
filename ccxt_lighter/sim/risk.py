"""Margin arithmetic of the simulated exchange (integer micro-USDC throughout).

Venue facts (REFERENCE.md 2.2, 5): margin fractions are in 1/10000 (IMF from leverage:
``10000 // leverage``); an account below maintenance margin is liquidated; txs that would leave it
below initial margin are rejected (21508), orders without enough free margin too (21739).

Model (documented simplification of the venue's risk engine):
* position value = |size| * mark; upnl = sign * (|size| * mark - entry_quote)
* cross account value = collateral + sum(upnl of cross positions)
* IMR / MMR = sum(value * imf|mmf / 10000) over cross positions
* order margin = per market, the larger of the two sides' sums over open, non-reduce-only orders
  of the part that would *add* exposure, valued at the order price, times the account's imf
* available balance = cross value - IMR - order margin (never shown below 0)
Isolated positions carry their own ``allocated_margin`` and stay out of the cross sums.

Invariant: pure functions of (account, markets, marks); nothing here mutates state.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, Optional

from .markets import MarketSpec
from .model import Account, Order, Position

TICK = 10_000


def upnl(pos: Position, mark: int) -> int:
    if pos.size == 0:
        return 0
    return pos.sign * (abs(pos.size) * mark - pos.entry_quote)


def value(pos: Position, mark: int) -> int:
    return abs(pos.size) * mark


def order_exposure(order: Order, position_size: int) -> int:
    """Size of ``order`` that would increase |position| if it filled completely (ticks)."""
    if order.reduce_only:
        return 0
    delta = -order.remaining_base if order.is_ask else order.remaining_base
    if position_size == 0 or (position_size > 0) == (delta > 0):
        return abs(delta)
    return max(0, abs(delta) - abs(position_size))


@dataclass
class Risk:
    collateral: int
    cross_value: int
    imr: int
    mmr: int
    order_margin: int
    isolated_value: int
    total_upnl: int
    position_value: int

    @property
    def available(self) -> int:
        return max(0, self.cross_value - self.imr - self.order_margin)

    @property
    def free(self) -> int:  # may be negative: used for rejections
        return self.cross_value - self.imr - self.order_margin


def account_risk(acct: Account, markets: Dict[int, MarketSpec], marks: Dict[int, int],
                 extra_orders: Iterable[Order] = ()) -> Risk:
    cross_value = acct.collateral
    imr = mmr = iso = total_upnl = pos_value = 0
    for mid, pos in acct.positions.items():
        if pos.size == 0 or markets[mid].is_spot:
            continue
        mark = marks[mid]
        pnl = upnl(pos, mark)
        total_upnl += pnl
        pos_value += value(pos, mark)
        if pos.margin_mode == 1:
            iso += pos.allocated_margin + pnl
            continue
        cross_value += pnl
        imr += value(pos, mark) * pos.imf // TICK
        mmr += value(pos, mark) * markets[mid].maintenance_mf // TICK
    sides: Dict[tuple, int] = {}
    for order in list(acct.orders.values()) + list(extra_orders):
        if order.status != "open" or markets[order.market_id].is_spot:
            continue
        pos = acct.positions.get(order.market_id)
        size = pos.size if pos else 0
        imf = pos.imf if pos else markets[order.market_id].default_imf
        key = (order.market_id, order.is_ask)
        sides[key] = sides.get(key, 0) + order_exposure(order, size) * order.price * imf // TICK
    # Per market only the larger side counts: both sides cannot fill into new exposure at once.
    margin = sum(max(sides.get((mid, True), 0), sides.get((mid, False), 0)) for mid in {k[0] for k in sides})
    return Risk(acct.collateral, cross_value, imr, mmr, margin, iso, total_upnl, pos_value)


def isolated_requirements(pos: Position, m: MarketSpec, mark: int) -> tuple:
    """(initial, maintenance) margin of an isolated position, micro-USDC."""
    v = value(pos, mark)
    return v * pos.imf // TICK, v * m.maintenance_mf // TICK


def liquidation_price(pos: Position, m: MarketSpec, risk: Risk, mark: int) -> int:
    """Mark price (ticks) at which this position alone would bring the account to maintenance.

    Approximation: other positions' PnL held constant. 0 when there is no position.
    """
    if pos.size == 0:
        return 0
    size = abs(pos.size)
    mmf = m.maintenance_mf
    if pos.margin_mode == 1:
        cushion = pos.allocated_margin + upnl(pos, mark) - value(pos, mark) * mmf // TICK
    else:
        cushion = risk.cross_value - risk.mmr
    # d(value - mm)/d(price) per tick = size * (1 -/+ mmf) for long/short
    slope = size * (TICK - mmf) // TICK if pos.size > 0 else size * (TICK + mmf) // TICK
    if slope <= 0:
        return 0
    move = cushion // slope
    price = mark - move if pos.size > 0 else mark + move
    return max(0, price)


def leverage_str(risk: Risk) -> str:
    if risk.cross_value <= 0 or risk.position_value == 0:
        return "0.00"
    lev = risk.position_value * 100 // max(risk.cross_value + risk.isolated_value, 1)
    return f"{lev // 100}.{lev % 100:02d}"


def margin_usage_str(risk: Risk) -> str:
    if risk.cross_value <= 0:
        return "0.00"
    pct = (risk.imr + risk.order_margin) * 10000 // risk.cross_value
    return f"{pct // 100}.{pct % 100:02d}"


def mark_of(marks: Dict[int, int], market_id: int) -> Optional[int]:
    return marks.get(market_id)
