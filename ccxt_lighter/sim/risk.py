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

Invariant: pure functions of (account, markets, marks); nothing here mutates state (the order-margin
side sums read through the account's order index are a cache of the same arithmetic, see
:mod:`.order_index`; :func:`order_margin_scan` is the full-scan reference).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, Optional

from .markets import MarketSpec
from .model import Account, Order, Position
from .order_index import TICK, margin_term, order_exposure


def upnl(pos: Position, mark: int) -> int:
    if pos.size == 0:
        return 0
    return pos.sign * (abs(pos.size) * mark - pos.entry_quote)


def value(pos: Position, mark: int) -> int:
    return abs(pos.size) * mark


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
    margin = order_margin(acct, markets, extra_orders)
    return Risk(acct.collateral, cross_value, imr, mmr, margin, iso, total_upnl, pos_value)


def _position_key(acct: Account, markets: Dict[int, MarketSpec], market_id: int) -> tuple:
    """(signed size, imf) that order margin in ``market_id`` is judged with."""
    pos = acct.positions.get(market_id)
    return (pos.size, pos.imf) if pos else (0, markets[market_id].default_imf)


def order_margin(acct: Account, markets: Dict[int, MarketSpec], extra_orders: Iterable[Order] = ()) -> int:
    """Order margin of the account's open perp orders plus ``extra_orders`` (not members: a probe).

    Per market only the larger side counts: both sides cannot fill into new exposure at once. The
    members' side sums come from the account's :class:`.order_index.OrderTable` (O(1) unless the
    market's position changed since they were summed); extras are added for their market only.
    """
    extra: Dict[int, list] = {}
    for order in extra_orders:
        extra.setdefault(order.market_id, []).append(order)
    total = 0
    for mid in set(acct.orders.by_market).union(extra):
        if markets[mid].is_spot:
            continue
        size, imf = _position_key(acct, markets, mid)
        ask, bid = acct.orders.margin_sides(mid, size, imf)
        for order in extra.get(mid, ()):
            if order.is_ask:
                ask += margin_term(order, size, imf)
            else:
                bid += margin_term(order, size, imf)
        total += max(ask, bid)
    return total


def order_margin_scan(acct: Account, markets: Dict[int, MarketSpec], extra_orders: Iterable[Order] = ()) -> int:
    """Reference for :func:`order_margin`: the same sum by a full scan of the account's orders."""
    sides: Dict[tuple, int] = {}
    for order in list(acct.orders.values()) + list(extra_orders):
        if order.status != "open" or markets[order.market_id].is_spot:
            continue
        size, imf = _position_key(acct, markets, order.market_id)
        key = (order.market_id, order.is_ask)
        sides[key] = sides.get(key, 0) + order_exposure(order, size) * order.price * imf // TICK
    return sum(max(sides.get((mid, True), 0), sides.get((mid, False), 0)) for mid in {k[0] for k in sides})


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
