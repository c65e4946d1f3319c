"""Account-side JSON exactly as Lighter sends it: positions, assets, accounts, user stats.

Venue facts (examples/rest_account.json, ws_account_all_positions_update.json,
ws_account_all_assets_update.json, ws_user_stats.json; lighter-sdk 1.1.8 models
``DetailedAccount``, ``Account``, ``AccountPosition``, ``AccountAsset``): money is a USDC string
with 6 decimals, sizes/prices use the market's decimals, REST shows ``initial_margin_fraction`` as a
percent string ("5.00"), ``sign`` is 1 (long) / -1 (short), ``margin_mode`` 0 cross / 1 isolated.
``collateral``/``available_balance`` are the perps route; ``assets`` are the spot route balances.

Invariant: pure rendering of :mod:`.model` records plus the :class:`.risk.Risk` numbers computed by
the caller; every field the SDK's models require is present with the JSON type they check.
"""
from __future__ import annotations

from typing import Dict, List

from .markets import AssetSpec, MarketSpec, USDC, fmt, usdc
from .model import Account, Position
from .risk import Risk, leverage_str, liquidation_price, margin_usage_str, upnl, value


def position_json(pos: Position, m: MarketSpec, mark: int, risk: Risk, counts: Dict[str, int]) -> Dict:
    size = abs(pos.size)
    entry = pos.entry_quote // size if size else 0
    liq = liquidation_price(pos, m, risk, mark) if size else 0
    return {
        "market_id": m.market_id,
        "symbol": m.symbol,
        "initial_margin_fraction": fmt(pos.imf, 2),
        "open_order_count": counts.get("open", 0),
        "pending_order_count": counts.get("pending", 0),
        "position_tied_order_count": counts.get("tied", 0),
        "sign": -1 if pos.size < 0 else 1,
        "position": m.size_str(size),
        "avg_entry_price": m.price_str(entry),
        "position_value": usdc(value(pos, mark)),
        "unrealized_pnl": usdc(upnl(pos, mark)),
        "realized_pnl": usdc(pos.realized_pnl),
        "liquidation_price": m.price_str(liq) if liq else "0",
        "total_funding_paid_out": usdc(pos.funding_paid),
        "margin_mode": pos.margin_mode,
        "allocated_margin": usdc(pos.allocated_margin),
        "total_discount": "0.000000",
        "margin_set_flag": 0,
    }


def asset_json(asset: AssetSpec, balance: int, locked: int) -> Dict:
    return {
        "symbol": asset.symbol,
        "asset_id": asset.asset_id,
        "balance": fmt(balance, asset.decimals),
        "locked_balance": fmt(locked, asset.decimals),
        "margin_balance": fmt(0, asset.decimals),
        "margin_mode": "disabled",
        "multiplier": "1",
    }


def account_summary_json(acct: Account, risk: Risk, counts: Dict[str, int], now_us: int) -> Dict:
    """The ``Account`` model (accountsByL1Address sub_accounts, and the head of DetailedAccount)."""
    return {
        "code": 0,
        "account_type": acct.account_type,
        "index": acct.index,
        "l1_address": acct.l1_address,
        "cancel_all_time": acct.cancel_all_time,
        "total_order_count": counts.get("open", 0) + counts.get("pending", 0),
        "total_isolated_order_count": counts.get("isolated", 0),
        "pending_order_count": counts.get("pending", 0),
        "available_balance": usdc(risk.available),
        "status": 1,
        "collateral": usdc(acct.collateral),
        "transaction_time": now_us,
        "account_trading_mode": 0,
    }


POOL_INFO = {
    "status": 0, "operator_fee": "0", "min_operator_share_rate": "0", "total_shares": 0,
    "operator_shares": 0, "annual_percentage_yield": 0, "daily_returns": [], "share_prices": [],
    "sharpe_ratio": 0, "strategies": [],
}


def detailed_account_json(acct: Account, risk: Risk, counts: Dict[str, int], now_us: int,
                          positions: List[Dict], assets: List[Dict]) -> Dict:
    out = account_summary_json(acct, risk, counts, now_us)
    out.update({
        "account_index": acct.index,
        "name": "",
        "description": "",
        "can_invite": False,
        "referral_points_percentage": "",
        "can_rfq": False,
        "can_rfq_market_ids": [],
        "created_at": acct.created_at,
        "metadata": {"color": ""},
        "positions": positions,
        "assets": assets,
        "total_asset_value": usdc(risk.cross_value + risk.isolated_value),
        "cross_asset_value": usdc(risk.cross_value),
        "cross_initial_margin_requirement": usdc(risk.imr),
        "cross_maintenance_margin_requirement": usdc(risk.mmr),
        "pool_info": dict(POOL_INFO),
        "shares": [],
        "pending_unlocks": [],
        "approved_integrators": [],
        "agent_enabled": False,
    })
    return out


def stats_block(risk: Risk, portfolio_value: int) -> Dict:
    return {
        "collateral": usdc(risk.collateral),
        "portfolio_value": usdc(portfolio_value),
        "leverage": leverage_str(risk),
        "available_balance": usdc(risk.available),
        "margin_usage": margin_usage_str(risk),
        "buying_power": usdc(risk.available * 10000 // 500) if risk.available else "0",
    }


def user_stats_json(risk: Risk) -> Dict:
    """``stats`` object of the ``user_stats`` channel."""
    cross = stats_block(risk, risk.cross_value)
    total = stats_block(risk, risk.cross_value + risk.isolated_value)
    out = {"account_trading_mode": 0}
    out.update(total)
    out["cross_stats"] = cross
    out["total_stats"] = total
    return out


def usdc_asset_first(assets: Dict[int, Dict]) -> List[Dict]:
    return [assets[k] for k in sorted(assets, key=lambda a: (a != USDC, a))]
