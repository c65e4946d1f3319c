"""Exact conversion between human amounts (Decimal) and Lighter's integer ticks.

Venue facts (REFERENCE.md 2.2): a market has ``size_decimals`` and ``price_decimals``; on the wire
``base_amount = size * 10**size_decimals`` (int64, < 2**48) and ``price = price * 10**price_decimals``
(uint32). USDC amounts use 6 decimals, margin fractions 1/10000, fees ppm.

Invariant: no float is ever multiplied here. Inputs are turned into ``Decimal`` from their string
form, and a value that is not an exact multiple of the tick raises :class:`PrecisionError` unless the
caller asks for a rounding mode explicitly.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal, InvalidOperation, localcontext
from typing import Optional, Union

from .orders import MAX_BASE_AMOUNT, MAX_UINT32

Number = Union[str, int, float, Decimal]

ROUNDING = {"down": ROUND_DOWN, "up": ROUND_UP, "nearest": ROUND_HALF_EVEN}


class PrecisionError(ValueError):
    """The amount is not representable in the market's ticks (or is out of the wire range)."""


def to_decimal(value: Number, name: str = "value") -> Decimal:
    """Decimal from str/int/Decimal, or from a float through its shortest repr (never its binary value)."""
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, bool):
        raise PrecisionError(f"{name} must be a number, got a bool")
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise PrecisionError(f"{name}={value!r} is not a number") from None
    else:
        raise PrecisionError(f"{name} must be a number, got {type(value).__name__}")
    if not d.is_finite():
        raise PrecisionError(f"{name}={value!r} is not finite")
    return d


def to_ticks(value: Number, decimals: int, *, name: str = "value", rounding: Optional[str] = None) -> int:
    """``value * 10**decimals`` as an int; exact unless ``rounding`` is 'down', 'up' or 'nearest'."""
    d = to_decimal(value, name)
    with localcontext() as ctx:
        ctx.prec = 80
        scaled = d.scaleb(decimals)
        whole = scaled.to_integral_value(rounding=ROUNDING[rounding] if rounding else ROUND_DOWN)
        if rounding is None and whole != scaled:
            step = Decimal(1).scaleb(-decimals)
            raise PrecisionError(f"{name}={d} is not a multiple of the tick {step}")
    return int(whole)


def from_ticks(ticks: int, decimals: int) -> Decimal:
    """Inverse of :func:`to_ticks`: an exact Decimal with ``decimals`` places."""
    return Decimal(int(ticks)).scaleb(-decimals)


def price_ticks(price: Number, price_decimals: int, *, rounding: Optional[str] = None) -> int:
    ticks = to_ticks(price, price_decimals, name="price", rounding=rounding)
    if ticks < 1 or ticks > MAX_UINT32:
        raise PrecisionError(f"price {price} is {ticks} ticks; Lighter accepts 1..{MAX_UINT32} (uint32)")
    return ticks


def amount_ticks(amount: Number, size_decimals: int, *, rounding: Optional[str] = None,
                 allow_zero: bool = False) -> int:
    ticks = to_ticks(amount, size_decimals, name="amount", rounding=rounding)
    low = 0 if allow_zero else 1
    if ticks < low or ticks > MAX_BASE_AMOUNT:
        raise PrecisionError(f"amount {amount} is {ticks} ticks; Lighter accepts {low}..{MAX_BASE_AMOUNT}")
    return ticks


def usdc_units(amount: Number, *, rounding: Optional[str] = None) -> int:
    """USDC in 1e-6 units (collateral, margin, transfers, fees)."""
    return to_ticks(amount, 6, name="USDC amount", rounding=rounding)


def decimals_to_step(decimals: int) -> Decimal:
    """Tick size as a Decimal: 2 -> Decimal('0.01')."""
    return Decimal(1).scaleb(-int(decimals))


def step_str(decimals: int) -> str:
    """Tick size as a plain string ('0.01', '1', '100'), the form ccxt's TICK_SIZE precision wants."""
    return format(decimals_to_step(decimals), "f")


def strip(d: Decimal) -> str:
    """Decimal as a plain string without exponent or trailing zeros ('1.50' -> '1.5', '0E-8' -> '0')."""
    if d == 0:
        return "0"
    s = format(d.normalize(), "f")
    return s
