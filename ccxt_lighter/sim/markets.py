"""Static market and asset definitions of the simulated exchange.

Venue facts (REFERENCE.md 2.1, 2.2; examples/rest_orderBookDetails.json, rest_assetDetails.json):
perps are markets 0..254 (0 = ETH, 1 = BTC), spot markets 2048..4094 (2048 = ETH/USDC); each has
``size_decimals``/``price_decimals`` (their sum is the quote decimals, 6 = USDC), minimum base and
quote amounts, margin fractions in 1/10000 and fees in ppm (shown as percent strings).
Asset ids: ETH 1, USDC 3 (transfers use 8 decimals for ETH, 6 for USDC).

Invariant: every market here has ``size_decimals + price_decimals == 6`` so that
``price_ticks * size_ticks`` is an exact amount of micro-USDC (quote_multiplier 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Dict

from .. import scaling
from ..orders import MIN_SPOT_MARKET_INDEX

USDC = 3
ETH = 1
USDC_DECIMALS = 6
INSURANCE_FUND_ACCOUNT = 281474976710655  # as in the recorded market_config


@dataclass(frozen=True)
class AssetSpec:
    asset_id: int
    symbol: str
    decimals: int  # on-L2 decimals used by transfers/withdrawals (USDC 6, others 8)
    l1_decimals: int
    min_transfer: str
    min_withdrawal: str
    price_decimals: int


@dataclass(frozen=True)
class MarketSpec:
    market_id: int
    symbol: str
    size_decimals: int
    price_decimals: int
    min_base_amount: int  # size ticks
    min_quote_amount: int  # micro-USDC
    default_imf: int  # 1/10000
    min_imf: int
    maintenance_mf: int
    closeout_mf: int
    taker_fee_ppm: int
    maker_fee_ppm: int
    liquidation_fee: str  # percent string as in the payload
    initial_price: int  # price ticks: where the simulated market starts
    base_asset_id: int = 0
    quote_asset_id: int = 0
    strategy_index: int = 0
    funding_clamp_small: str = "0.0500"
    funding_clamp_big: str = "4.0000"

    @property
    def is_spot(self) -> bool:
        return self.market_id >= MIN_SPOT_MARKET_INDEX

    @property
    def kind(self) -> str:
        return "spot" if self.is_spot else "perp"

    @property
    def market_kind(self) -> str:  # the Trade/Order field spelling
        return "spot" if self.is_spot else "perps"

    def price_str(self, ticks: int) -> str:
        return fmt(ticks, self.price_decimals)

    def size_str(self, ticks: int) -> str:
        return fmt(ticks, self.size_decimals)

    def price_float(self, ticks: int) -> float:
        # Stats fields are JSON numbers on the venue (REFERENCE 2.2); only used for display there.
        return float(Decimal(ticks).scaleb(-self.price_decimals))


def fmt(ticks: int, decimals: int) -> str:
    """Integer ticks as the venue's decimal string with exactly ``decimals`` places."""
    sign = "-" if ticks < 0 else ""
    ticks = abs(int(ticks))
    if decimals == 0:
        return f"{sign}{ticks}"
    whole, frac = divmod(ticks, 10 ** decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}"


def usdc(micro: int) -> str:
    return fmt(micro, USDC_DECIMALS)


def price_ticks(m: "MarketSpec", value) -> int:
    """A decimal price (string) as the market's exact price ticks (PrecisionError if off-tick)."""
    return scaling.price_ticks(str(value), m.price_decimals)


def amount_units(asset: "AssetSpec", value) -> int:
    """A decimal asset amount as integer units of the asset's transfer decimals."""
    return scaling.to_ticks(str(value), asset.decimals, name="amount")


DEFAULT_MARKETS: Dict[int, MarketSpec] = {
    m.market_id: m
    for m in (
        # ETH: values of the recorded orderBookDetails payload.
        MarketSpec(0, "ETH", 4, 2, 50, 10_000_000, 500, 200, 120, 80, 0, 0, "1.0000", 300000,
                   strategy_index=2),
        MarketSpec(1, "BTC", 5, 1, 20, 10_000_000, 500, 200, 120, 80, 0, 0, "1.0000", 950000,
                   strategy_index=2),
        MarketSpec(2, "SOL", 3, 3, 50, 10_000_000, 1000, 500, 300, 200, 0, 0, "1.0000", 180000,
                   strategy_index=2),
        MarketSpec(2048, "ETH/USDC", 4, 2, 50, 10_000_000, 10000, 10000, 10000, 10000, 0, 0, "0.0000",
                   300000, base_asset_id=ETH, quote_asset_id=USDC),
    )
}

DEFAULT_ASSETS: Dict[int, AssetSpec] = {
    a.asset_id: a
    for a in (
        AssetSpec(ETH, "ETH", 8, 18, "0.001", "0.001", 2),
        AssetSpec(USDC, "USDC", 6, 6, "1.000000", "1.000000", 6),
    )
}
