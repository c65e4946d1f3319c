"""Benchmark payloads synthesized from the recorded Lighter shapes (``shared/lighter-api/examples``).

* :func:`order_book_details` -- ``orderBookDetails`` with ``perps`` perp markets (the recorded ETH
  detail with a new symbol, id, decimals and stats) and ``spots`` spot markets (SpotOrderBookDetail
  fields with the same values), 150 markets by default;
* :func:`asset_details` -- ``assetDetails``: the recorded USDC/ETH rows plus one asset per spot base;
* :func:`order_book_orders` -- ``orderBookOrders`` with ``n`` single orders (half asks, half bids) in
  the recorded SimpleOrder shape, best first; about two thirds share a price with a neighbour.

Deterministic (seeded), so both exchanges in a run parse byte-identical JSON.
"""
from __future__ import annotations

import copy
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("LIGHTER_SHARED_DIR", os.path.join(os.path.dirname(os.path.dirname(HERE)), "shared"))
EXAMPLES = os.path.join(SHARED, "lighter-api", "examples")


def _example(name: str) -> dict:
    with open(os.path.join(EXAMPLES, name + ".json")) as f:
        return json.load(f)


def _perp(template: dict, index: int, rng: random.Random) -> dict:
    detail = copy.deepcopy(template)
    size_dec = rng.choice((0, 1, 2, 3, 4, 5))
    price = round(rng.uniform(0.01, 50000), max(0, 6 - size_dec))
    detail.update(symbol=f"TK{index:03d}", market_id=index, size_decimals=size_dec,
                  supported_size_decimals=size_dec, price_decimals=max(0, 6 - size_dec),
                  supported_price_decimals=max(0, 6 - size_dec), last_trade_price=price,
                  daily_price_change=round(rng.uniform(-9, 9), 12), open_interest=round(rng.uniform(1, 1e6), 4),
                  min_initial_margin_fraction=rng.choice((100, 200, 300, 500, 1000)),
                  taker_fee=rng.choice(("0.0000", "0.0280")), maker_fee=rng.choice(("0.0000", "0.0040")))
    return detail


def _spot(perp: dict, index: int, asset_id: int) -> dict:
    keep = ("status", "taker_fee", "maker_fee", "liquidation_fee", "min_base_amount", "min_quote_amount",
            "order_quote_limit", "supported_size_decimals", "supported_price_decimals",
            "supported_quote_decimals", "size_decimals", "price_decimals", "last_trade_price",
            "daily_trades_count", "daily_base_token_volume", "daily_quote_token_volume", "daily_price_low",
            "daily_price_high", "daily_price_change", "daily_chart", "is_maker_fee_enabled",
            "is_taker_fee_enabled")
    spot = {k: copy.deepcopy(perp[k]) for k in keep if k in perp}
    spot.update(symbol=f"SP{index:03d}/USDC", market_id=2048 + index, market_type="spot",
                base_asset_id=asset_id, quote_asset_id=3)
    return spot


def order_book_details(perps: int = 120, spots: int = 30, seed: int = 7) -> dict:
    rng = random.Random(seed)
    template = _example("rest_orderBookDetails")["order_book_details"][0]
    perp_rows = [_perp(template, i, rng) for i in range(perps)]
    spot_rows = [_spot(perp_rows[i % perps], i, 100 + i) for i in range(spots)]
    return {"code": 200, "order_book_details": perp_rows, "spot_order_book_details": spot_rows}


def asset_details(spots: int = 30) -> dict:
    eth = _example("rest_assetDetails")["asset_details"][0]
    usdc = dict(eth, asset_id=3, symbol="USDC", decimals=6, l1_decimals=6, min_transfer_amount="1.000000",
                min_withdrawal_amount="1.000000", index_price="1.000000")
    rows = [eth, usdc] + [dict(eth, asset_id=100 + i, symbol=f"SP{i:03d}") for i in range(spots)]
    return {"code": 200, "asset_details": rows}


def order_book_orders(n: int = 250, seed: int = 11) -> dict:
    rng = random.Random(seed)
    template = _example("rest_orderBookOrders")["asks"][0]
    mid = 236131  # cents

    def side(count: int, sign: int) -> list:
        rows, level = [], mid + sign * 1
        for k in range(count):
            if k and rng.random() > 0.33:
                level += sign * rng.randint(1, 3)
            size = f"{rng.randint(1, 500000) / 10000:.4f}"
            rows.append(dict(template, order_index=281476929689581 + k * 2 + (sign > 0),
                             order_id=str(281476929689581 + k * 2 + (sign > 0)), price=f"{level / 100:.2f}",
                             initial_base_amount=size, remaining_base_amount=size))
        return rows  # best price first, like the venue

    asks, bids = side(n // 2, +1), side(n - n // 2, -1)
    return {"code": 200, "total_asks": len(asks), "asks": asks, "total_bids": len(bids), "bids": bids}
