"""Market metadata and statistics JSON exactly as Lighter sends it.

Venue facts (examples/rest_orderBooks.json, rest_orderBookDetails.json, rest_assetDetails.json,
rest_exchangeStats.json, ws_market_stats_update.json, ws_spot_market_stats_update.json;
lighter-sdk 1.1.8 models ``OrderBook``, ``PerpsOrderBookDetail``, ``SpotOrderBookDetail``, ``Asset``):
fees are percent strings with 4 decimals, minimums strings with the market's decimals, daily stats
JSON numbers (``daily_price_change`` in percent), mark/index prices strings.

Invariant: pure functions of (spec, live numbers) -> fresh dict.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict

from .markets import INSURANCE_FUND_ACCOUNT, AssetSpec, MarketSpec, fmt, usdc

if TYPE_CHECKING:
    from .core import Core

SETTLEMENT = {"start_timestamp": 0, "end_timestamp": 0, "settlement_type": 0, "settlement_price": 0,
              "settlement_cap": 0, "outcome": 0, "default_price": 0, "operator_account_index": 0,
              "is_frozen": False}


def fee_pct(ppm: int) -> str:
    return fmt(ppm // 100, 4)  # ppm -> percent with 4 decimals (1 ppm = 0.0001 %)


def order_book_json(m: MarketSpec, open_interest: int) -> Dict:
    out = {
        "symbol": m.symbol, "market_id": m.market_id, "market_type": m.kind,
        "base_asset_id": m.base_asset_id, "quote_asset_id": m.quote_asset_id, "status": "active",
        "taker_fee": fee_pct(m.taker_fee_ppm), "is_taker_fee_enabled": True,
        "maker_fee": fee_pct(m.maker_fee_ppm), "is_maker_fee_enabled": True,
        "liquidation_fee": m.liquidation_fee, "min_base_amount": m.size_str(m.min_base_amount),
        "min_quote_amount": usdc(m.min_quote_amount), "order_quote_limit": "281474976.710655",
        "supported_size_decimals": m.size_decimals, "supported_price_decimals": m.price_decimals,
        "supported_quote_decimals": m.size_decimals + m.price_decimals,
        "created_at": "0", "multiplier": "1", "open_interest": m.size_str(open_interest),
    }
    out.update(SETTLEMENT)
    return out


def _daily(core: "Core", m: MarketSpec) -> Dict:
    d = core.md.daily_stats(m.market_id, core.now_ms())
    return {"last_trade_price": d["last"], "daily_trades_count": d["trades"],
            "daily_base_token_volume": d["base"], "daily_quote_token_volume": d["quote"],
            "daily_price_low": d["low"], "daily_price_high": d["high"], "daily_price_change": d["change"],
            "daily_chart": {}}


def detail_json(core: "Core", m: MarketSpec) -> Dict:
    oi = core.open_interest(m.market_id)
    out = order_book_json(m, oi)
    out.update({"size_decimals": m.size_decimals, "price_decimals": m.price_decimals})
    out.update(_daily(core, m))
    if m.is_spot:
        return out
    out.update({
        "quote_multiplier": 1, "default_initial_margin_fraction": m.default_imf,
        "min_initial_margin_fraction": m.min_imf, "maintenance_margin_fraction": m.maintenance_mf,
        "closeout_margin_fraction": m.closeout_mf, "open_interest": float(m.size_str(oi)),
        "market_config": {"market_margin_mode": 0, "insurance_fund_account_index": INSURANCE_FUND_ACCOUNT,
                          "liquidation_mode": 0, "force_reduce_only": False, "trading_hours": "",
                          "funding_fee_discounts_enabled": False, "hidden": False, "rfq_enabled": False},
        "strategy_index": m.strategy_index, "funding_clamp_small": m.funding_clamp_small,
        "funding_clamp_big": m.funding_clamp_big, "base_interest_rate": "0.0100",
        "mark_price": m.price_str(core.marks[m.market_id]),
        "index_price": m.price_str(core.index_prices[m.market_id]),
        "market_flags": 0, "funding_premium_multiplier": 1,
    })
    return out


def mid_price(core: "Core", mid: int) -> int:
    book = core.books[mid]
    bid, ask = book.best_bid(), book.best_ask()
    if bid is None or ask is None:
        return core.marks[mid]
    return (bid + ask) // 2


def market_stats_json(core: "Core", m: MarketSpec) -> Dict:
    d = core.md.daily_stats(m.market_id, core.now_ms())
    mid = m.market_id
    out = {
        "symbol": m.symbol, "market_id": mid, "index_price": m.price_str(core.index_prices[mid]),
        "mid_price": m.price_str(mid_price(core, mid)), "last_trade_price": m.price_str(core.md.last_price[mid]),
        "daily_base_token_volume": d["base"], "daily_quote_token_volume": d["quote"],
        "daily_price_low": d["low"], "daily_price_high": d["high"], "daily_price_change": d["change"],
    }
    if m.is_spot:
        return out
    from .timers import funding_rate_e8, rate_percent
    out.update({
        "mark_price": m.price_str(core.marks[mid]), "open_interest": m.size_str(core.open_interest(mid)),
        "open_interest_limit": m.size_str(10**12), "funding_clamp_small": m.funding_clamp_small,
        "funding_clamp_big": m.funding_clamp_big, "current_funding_rate": rate_percent(funding_rate_e8(core, mid)),
        "funding_rate": core.md.funding_rate[mid], "funding_timestamp": core.next_funding_ms,
    })
    return out


def asset_detail_json(a: AssetSpec, index_price: str) -> Dict:
    return {
        "asset_id": a.asset_id, "symbol": a.symbol, "l1_decimals": a.l1_decimals, "decimals": a.decimals,
        "min_transfer_amount": a.min_transfer, "min_withdrawal_amount": a.min_withdrawal,
        "margin_mode": "disabled", "index_price": index_price,
        "l1_address": "0x" + "00" * 20, "global_supply_cap": "0", "liquidation_fee": "0",
        "liquidation_threshold": "0", "loan_to_value": "0", "price_decimals": a.price_decimals,
        "total_supplied": "0", "user_supply_cap": "0", "liquidation_factor": "0", "multiplier": "1",
    }


def exchange_stats_json(core: "Core") -> Dict:
    stats, usd, count = [], 0.0, 0
    for m in core.markets.values():
        d = core.md.daily_stats(m.market_id, core.now_ms())
        stats.append({"symbol": m.symbol, "last_trade_price": d["last"], "daily_trades_count": d["trades"],
                      "daily_base_token_volume": d["base"], "daily_quote_token_volume": d["quote"],
                      "daily_price_change": d["change"]})
        usd += d["quote"]
        count += d["trades"]
    return {"total": len(stats), "order_book_stats": stats, "daily_usd_volume": usd, "daily_trades_count": count}
