"""Read-side views of the engine state in Lighter's wire shapes (shared by REST and WebSocket).

Venue facts: see :mod:`.wire_account`, :mod:`.wire_orders`, :mod:`.wire_market`.

Invariant: read-only; every call renders fresh dicts from the current committed state.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, List, Optional, Tuple

from .integrator import approvals_json
from .markets import USDC
from .model import Account
from .risk import account_risk
from .wire_account import (account_summary_json, asset_json, detailed_account_json, position_json,
                           usdc_asset_first, user_stats_json)
from .wire_orders import order_json

if TYPE_CHECKING:
    from .core import Core


def order_counts(acct: Account, market_id: Optional[int] = None) -> Dict[str, int]:
    counts = {"open": 0, "pending": 0, "tied": 0, "isolated": 0}
    for o in acct.orders.values():
        if market_id is not None and o.market_id != market_id:
            continue
        if o.status == "pending":
            counts["pending"] += 1
            if o.reduce_only:
                counts["tied"] += 1
        else:
            counts["open"] += 1
        pos = acct.positions.get(o.market_id)
        if pos is not None and pos.margin_mode == 1:
            counts["isolated"] += 1
    return counts


def positions(core: "Core", acct: Account) -> Dict[int, Dict]:
    risk = account_risk(acct, core.markets, core.marks)
    out = {}
    for mid in sorted(acct.positions):
        m = core.markets[mid]
        out[mid] = position_json(acct.positions[mid], m, core.marks[mid], risk, order_counts(acct, mid))
    return out


def assets(core: "Core", acct: Account) -> Dict[int, Dict]:
    locked = core.spot_locked(acct)
    ids = set(acct.spot) | {USDC}
    return {aid: asset_json(core.assets[aid], acct.spot.get(aid, 0), locked.get(aid, 0))
            for aid in sorted(ids) if aid in core.assets}


def detailed(core: "Core", acct: Account) -> Dict:
    risk = account_risk(acct, core.markets, core.marks)
    pos = list(positions(core, acct).values())
    out = detailed_account_json(acct, risk, order_counts(acct), core.now_us(), pos,
                                usdc_asset_first(assets(core, acct)))
    out["approved_integrators"] = approvals_json(acct)
    return out


def summary(core: "Core", acct: Account) -> Dict:
    risk = account_risk(acct, core.markets, core.marks)
    return account_summary_json(acct, risk, order_counts(acct), core.now_us())


def stats(core: "Core", acct: Account) -> Dict:
    return user_stats_json(account_risk(acct, core.markets, core.marks))


def active_orders(core: "Core", acct: Account, market_id: Optional[int] = None) -> Dict[int, List[Dict]]:
    out: Dict[int, List[Dict]] = {}
    for o in sorted(acct.orders.values(), key=lambda o: o.order_index):
        if market_id is None or o.market_id == market_id:
            out.setdefault(o.market_id, []).append(order_json(o, core.markets[o.market_id]))
    return out


def inactive_orders(core: "Core", account_index: int) -> List[Dict]:
    hist = core.inactive.get(account_index, [])
    return [order_json(o, core.markets[o.market_id]) for o in reversed(hist)]


def book_levels(core: "Core", market_id: int, depth: Optional[int] = None) -> Tuple[list, list, int]:
    book = core.books[market_id]
    m = core.markets[market_id]
    asks = [(m.price_str(p), m.size_str(s)) for p, s in book.levels(True, depth)]
    bids = [(m.price_str(p), m.size_str(s)) for p, s in book.levels(False, depth)]
    return asks, bids, book.nonce
