"""Order and trade JSON exactly as Lighter sends them (REST ``Orders``/``Trades``, WS account channels).

Venue facts (REFERENCE.md 3.2 Order object; examples/rest_accountActiveOrders.json,
rest_recentTrades.json, ws_trade_update.json; lighter-sdk 1.1.8 models ``Order``, ``Trade``,
``SimpleOrder``): sizes and prices are decimal strings with the market's decimals, 64-bit ids are
given as numbers and as strings, ``base_size``/``base_price`` are the raw ticks, timestamps are ms
except ``transaction_time`` (µs), fees in trades are ppm ints.

Invariant: these functions only read records; each call returns a new dict holding every field the
SDK's models require, with the JSON types (str vs int vs bool) the SDK checks strictly.
"""
from __future__ import annotations

from typing import Dict

from .markets import MarketSpec, usdc
from .model import Order

ORDER_TYPES = ("limit", "market", "stop-loss", "stop-loss-limit", "take-profit", "take-profit-limit", "twap",
               "twap-sub", "liquidation")
LIQUIDATION_TYPE = 8
TIME_IN_FORCE = ("immediate-or-cancel", "good-till-time", "post-only")


def order_json(o: Order, m: MarketSpec) -> Dict:
    children = list(o.to_trigger) + [0, 0]
    return {
        "order_index": o.order_index,
        "client_order_index": o.client_order_index,
        "order_id": str(o.order_index),
        "client_order_id": str(o.client_order_index),
        "market_index": o.market_id,
        "owner_account_index": o.account_index,
        "initial_base_amount": m.size_str(o.initial_base),
        "price": m.price_str(o.price),
        "nonce": o.nonce,
        "remaining_base_amount": m.size_str(o.remaining_base),
        "is_ask": o.is_ask,
        "base_size": o.initial_base,
        "base_price": o.price,
        "filled_base_amount": m.size_str(o.filled_base),
        "filled_quote_amount": usdc(o.filled_quote),
        "side": "sell" if o.is_ask else "buy",
        "type": ORDER_TYPES[o.type],
        "time_in_force": TIME_IN_FORCE[o.time_in_force] if 0 <= o.time_in_force < 3 else "Unknown",
        "reduce_only": o.reduce_only,
        "trigger_price": m.price_str(o.trigger_price),
        "order_expiry": o.order_expiry,
        "status": o.status,
        "trigger_status": o.trigger_status,
        "trigger_time": o.trigger_time,
        "parent_order_index": o.parent_order_index,
        "parent_order_id": str(o.parent_order_index),
        "to_trigger_order_id_0": str(children[0]),
        "to_trigger_order_id_1": str(children[1]),
        "to_cancel_order_id_0": str(o.to_cancel),
        "integrator_fee_collector_index": str(o.integrator_index),
        "integrator_taker_fee": str(o.integrator_taker_fee),
        "integrator_maker_fee": str(o.integrator_maker_fee),
        "block_height": o.block_height,
        "timestamp": o.created_at,
        "created_at": o.created_at,
        "updated_at": o.updated_at or o.created_at,
        "transaction_time": o.transaction_time,
        "order_flags": 0,
        "order_version": o.order_version,
        "market_symbol": m.symbol,
        "market_kind": m.market_kind,
    }


def simple_order_json(o: Order, m: MarketSpec) -> Dict:
    """Element of ``orderBookOrders`` asks/bids (individual resting orders, not levels)."""
    return {
        "order_index": o.order_index,
        "order_id": str(o.order_index),
        "owner_account_index": o.account_index,
        "initial_base_amount": m.size_str(o.initial_base),
        "remaining_base_amount": m.size_str(o.remaining_base),
        "price": m.price_str(o.price),
        "order_expiry": o.order_expiry,
        "transaction_time": o.transaction_time,
    }


def trade_json(*, trade_id: int, tx_hash: str, m: MarketSpec, size: int, price: int, taker: Order,
               maker: Order, taker_fee: int, maker_fee: int, taker_before: Dict, maker_before: Dict,
               taker_pnl: int, maker_pnl: int, block_height: int, now_ms: int, now_us: int,
               kind: str = "trade", integrators=((0, 0), (0, 0))) -> Dict:
    """One fill. ``*_before`` = {"size", "entry_quote", "imf", "sign_changed", "allocated_before",
    "allocated_after"} of each side's position before the fill (ints); ``integrators`` =
    ((taker ppm, taker collector), (maker ppm, maker collector))."""
    (t_int_fee, t_int_acct), (m_int_fee, m_int_acct) = integrators
    ask, bid = (taker, maker) if taker.is_ask else (maker, taker)
    ask_pnl, bid_pnl = (taker_pnl, maker_pnl) if taker.is_ask else (maker_pnl, taker_pnl)
    out = {
        "trade_id": trade_id,
        "trade_id_str": str(trade_id),
        "tx_hash": tx_hash,
        "type": kind,
        "market_id": m.market_id,
        "size": m.size_str(size),
        "price": m.price_str(price),
        "usd_amount": usdc(size * price),
        "ask_id": ask.order_index,
        "ask_id_str": str(ask.order_index),
        "bid_id": bid.order_index,
        "bid_id_str": str(bid.order_index),
        "ask_client_id": ask.client_order_index,
        "ask_client_id_str": str(ask.client_order_index),
        "bid_client_id": bid.client_order_index,
        "bid_client_id_str": str(bid.client_order_index),
        "ask_account_id": ask.account_index,
        "bid_account_id": bid.account_index,
        "is_maker_ask": maker.is_ask,
        "block_height": block_height,
        "timestamp": now_ms,
        "taker_fee": taker_fee,
        "maker_fee": maker_fee,
        "transaction_time": now_us,
        "bid_account_pnl": usdc(bid_pnl),
        "ask_account_pnl": usdc(ask_pnl),
        "integrator_maker_fee": m_int_fee,
        "integrator_maker_fee_collector_index": m_int_acct,
        "integrator_taker_fee": t_int_fee,
        "integrator_taker_fee_collector_index": t_int_acct,
        "bid_order_version": bid.order_version,
        "ask_order_version": ask.order_version,
        "market_symbol": m.symbol,
        "market_kind": m.market_kind,
    }
    for role, before in (("taker", taker_before), ("maker", maker_before)):
        out[f"{role}_position_size_before"] = m.size_str(before["size"])
        out[f"{role}_entry_quote_before"] = usdc(before["entry_quote"])
        out[f"{role}_initial_margin_fraction_before"] = before["imf"]
        out[f"{role}_position_sign_changed"] = before["sign_changed"]
        out[f"{role}_allocated_margin_usdc_before"] = before["allocated_before"]
        out[f"{role}_allocated_margin_usdc_after"] = before["allocated_after"]
    return out
