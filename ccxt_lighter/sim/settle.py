"""Settlement of one fill into an account: netted perp positions or spot balances.

Venue facts (REFERENCE.md 2.2, 3.2 Trade): perps are netted per market (one signed position with
an entry cost); reducing a position realises PnL into collateral; fees are ppm of the notional;
spot fills move the base asset and USDC between the two accounts. Trades report each side's
position size, entry quote and IMF *before* the fill and whether its sign changed.

Invariant: ``price * size`` ticks is exact micro-USDC (markets have size+price decimals == 6), so
no rounding happens except the documented integer division when realising part of an entry cost
(floor, the remainder stays in the open position's cost).
"""
from __future__ import annotations

from typing import Dict, Tuple

from .markets import MarketSpec, USDC
from .model import Account
from .risk import TICK


def fee_of(notional: int, ppm: int) -> int:
    return notional * ppm // 1_000_000


def settle_perp(acct: Account, m: MarketSpec, is_ask: bool, qty: int, price: int,
                fee_ppm: int) -> Tuple[Dict, int, int]:
    """Apply a perp fill; returns (before-info for the trade record, realised pnl, fee)."""
    pos = acct.position(m.market_id, m.default_imf)
    before = {"size": pos.size, "entry_quote": pos.entry_quote, "imf": pos.imf,
              "allocated_before": pos.allocated_margin}
    delta = -qty if is_ask else qty
    pnl = 0
    if pos.size == 0 or (pos.size > 0) == (delta > 0):
        pos.entry_quote += qty * price
        opened = qty
    else:
        held = abs(pos.size)
        closed = min(qty, held)
        entry_part = pos.entry_quote * closed // held
        pnl = pos.sign * (closed * price - entry_part)
        pos.entry_quote -= entry_part
        if pos.margin_mode == 1:
            release = pos.allocated_margin * closed // held
            pos.allocated_margin -= release
            acct.collateral += release
        opened = qty - closed
        if opened:
            pos.entry_quote = opened * price
    pos.size += delta
    if pos.size == 0:
        pos.entry_quote = 0
        if pos.margin_mode == 1:  # nothing left to back: everything returns to cross collateral
            acct.collateral += pos.allocated_margin
            pos.allocated_margin = 0
    if opened and pos.margin_mode == 1:
        need = opened * price * pos.imf // TICK
        acct.collateral -= need
        pos.allocated_margin += need
    pos.realized_pnl += pnl
    fee = fee_of(qty * price, fee_ppm)
    acct.collateral += pnl - fee
    before["sign_changed"] = (before["size"] > 0) != (pos.size > 0) and before["size"] != 0 and pos.size != 0
    before["allocated_after"] = pos.allocated_margin
    return before, pnl, fee


def base_units(m: MarketSpec, qty: int, asset_decimals: int) -> int:
    return qty * 10 ** (asset_decimals - m.size_decimals)


def settle_spot(acct: Account, m: MarketSpec, is_ask: bool, qty: int, price: int, fee_ppm: int,
                asset_decimals: int) -> Tuple[Dict, int, int]:
    quote = qty * price
    fee = fee_of(quote, fee_ppm)
    base = base_units(m, qty, asset_decimals)
    spot = acct.spot
    before = {"size": spot.get(m.base_asset_id, 0) // 10 ** (asset_decimals - m.size_decimals),
              "entry_quote": 0, "imf": 0, "sign_changed": False, "allocated_before": 0,
              "allocated_after": 0}
    if is_ask:
        spot[m.base_asset_id] = spot.get(m.base_asset_id, 0) - base
        spot[USDC] = spot.get(USDC, 0) + quote - fee
    else:
        spot[m.base_asset_id] = spot.get(m.base_asset_id, 0) + base
        spot[USDC] = spot.get(USDC, 0) - quote - fee
    return before, 0, fee
