"""Order fields: client order ids, the build context, and exact conversions of prices, amounts,
ids and expiries (pure; no I/O, clock passed in).

Venue facts (REFERENCE.md 2.2, 7.2, 7.3): prices are uint32 ticks and base amounts int ticks of the
market's decimals; client order index 1..2^48-1 (unique across the account), exchange order
indexes start at 2^48; GTT expiries lie 5 min .. 30 days ahead (default 28 days).

Invariant: a value that cannot be represented exactly, or that the venue would refuse by range,
raises a ccxt exception here -- before a nonce is taken or a byte is sent.
"""
from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping, Optional, Tuple

from ccxt.base.errors import ArgumentsRequired, BadRequest, InvalidOrder

from . import orders as o
from .scaling import PrecisionError, from_ticks, strip, to_decimal, to_ticks


class ClientOrderIds:
    """Automatic client order indexes: time-based, strictly increasing, never reused in the process.

    ``(ms since 2025-01-01) << 9 | random 9 bits``, then ``max(previous + 1, that)``: ids made later
    (in this or another process) are larger, and two processes starting in the same millisecond
    differ in the random bits. Fits 2^48 - 1 until about 2042.
    """

    EPOCH_MS = 1_735_689_600_000
    SHIFT = 9

    def __init__(self, clock: Callable[[], float] = time.time, rng: Optional[random.Random] = None):
        self._clock = clock
        self._rng = rng or random.SystemRandom()
        self._last = 0
        self._lock = threading.Lock()  # exchanges living in different threads share the process allocator

    def next(self) -> int:
        elapsed = max(int(self._clock() * 1000) - self.EPOCH_MS, 0)
        candidate = (elapsed << self.SHIFT) | self._rng.randrange(1 << self.SHIFT)
        with self._lock:
            value = max(self._last + 1, candidate, 1)
            if value > o.MAX_CLIENT_ORDER_INDEX:
                raise InvalidOrder("automatic client order ids are exhausted; pass clientOrderId")
            self._last = value
        return value


#: shared by every exchange instance of the process, so no two of them ever hand out the same id
PROCESS_IDS = ClientOrderIds()


@dataclass(frozen=True)
class Context:
    """What the builder needs besides the arguments: clock, ids, book, fees, defaults."""

    now_ms: int
    ids: ClientOrderIds
    slippage: Decimal = Decimal("0.05")
    best_bid: Optional[Decimal] = None
    best_ask: Optional[Decimal] = None
    attributes: o.TxAttributes = field(default_factory=o.TxAttributes)  # integrator fee, if the user set one



# ----------------------------------------------------------------------------- conversions

def decimals(market: Mapping) -> Tuple[int, int]:
    """(size_decimals, price_decimals) of a ccxt market built from orderBookDetails."""
    info = market.get("info") or {}
    try:
        return int(info["size_decimals"]), int(info["price_decimals"])
    except (KeyError, TypeError, ValueError):
        raise BadRequest(f"market {market.get('symbol')} has no size/price decimals") from None


def is_perp(market: Mapping) -> bool:
    return int(market["id"]) <= o.MAX_PERP_MARKET_INDEX


def price_ticks(market: Mapping, value: Any, name: str = "price", rounding: Optional[str] = None) -> int:
    """Exact price -> uint32 ticks, InvalidOrder when off the tick or out of range."""
    try:
        d = to_decimal(value, name)
        if d <= 0:
            raise InvalidOrder(f"{name} must be positive, got {value}")
        ticks = to_ticks(d, decimals(market)[1], name=name, rounding=rounding)
    except PrecisionError as exc:
        raise InvalidOrder(f"{market['symbol']} {exc}") from None
    if not 1 <= ticks <= o.MAX_UINT32:
        raise InvalidOrder(f"{market['symbol']} {name} {value} is {ticks} ticks; Lighter accepts 1..{o.MAX_UINT32}")
    return ticks


def amount_ticks(market: Mapping, value: Any, *, allow_zero: bool = False, check_min: bool = True) -> int:
    """Exact base amount -> ticks; checks sign, precision, wire range and the market minimum.

    Reduce-only orders skip the minimum: closing a position smaller than it must stay possible.
    """
    if value is None:
        raise ArgumentsRequired("createOrder() requires an amount")
    try:
        d = to_decimal(value, "amount")
        ticks = to_ticks(d, decimals(market)[0], name="amount")
    except PrecisionError as exc:
        raise InvalidOrder(f"{market['symbol']} {exc}") from None
    if d < 0 or (d == 0 and not allow_zero):
        raise InvalidOrder(f"amount must be positive, got {value}")
    if ticks > o.MAX_BASE_AMOUNT:
        raise InvalidOrder(f"amount {value} is above Lighter's maximum")
    minimum = ((market.get("limits") or {}).get("amount") or {}).get("min")
    if check_min and ticks and minimum is not None and d < to_decimal(minimum, "min amount"):
        raise InvalidOrder(f"{market['symbol']} amount {strip(d)} is below the minimum {minimum}")
    return ticks


def check_min_cost(market: Mapping, amount: int, price: int) -> None:
    minimum = ((market.get("limits") or {}).get("cost") or {}).get("min")
    if minimum is None or amount == 0:
        return
    size_dec, price_dec = decimals(market)
    cost = from_ticks(amount, size_dec) * from_ticks(price, price_dec)
    if cost < to_decimal(minimum, "min cost"):
        raise InvalidOrder(f"{market['symbol']} order value {strip(cost)} is below the minimum {minimum}")


def parse_client_order_id(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidOrder(f"clientOrderId must be an integer in 1..{o.MAX_CLIENT_ORDER_INDEX}, "
                           f"got {value!r}") from None
    if not 1 <= number <= o.MAX_CLIENT_ORDER_INDEX:
        raise InvalidOrder(f"clientOrderId must be in 1..{o.MAX_CLIENT_ORDER_INDEX}, got {number}")
    return number


def parse_order_id(value: Any) -> int:
    """Our id (client order index < 2^48) or the exchange order index (>= 2^48)."""
    from ccxt.base.errors import OrderNotFound

    try:
        number = int(str(value).strip())
    except ValueError:
        raise OrderNotFound(f"{value!r} is not a Lighter order id (an integer)") from None
    if not 1 <= number <= o.MAX_ORDER_INDEX:
        raise OrderNotFound(f"{number} is not a Lighter order id (1..{o.MAX_ORDER_INDEX})")
    return number



def worst_price(market: Mapping, reference: Decimal, is_ask: bool, slippage: Decimal) -> int:
    """A price cap ``slippage`` away from ``reference``, rounded away from the book, in range."""
    if reference is None or reference <= 0:
        side = "bids" if is_ask else "asks"
        raise InvalidOrder(f"{market['symbol']} has no {side} to price a market order; pass a price")
    factor = (1 - slippage) if is_ask else (1 + slippage)
    raw = to_ticks(reference * factor, decimals(market)[1], rounding="down" if is_ask else "up")
    return min(max(raw, 1), o.MAX_UINT32)


def order_expiry(params: Mapping, ctx: Context, *, required: bool = False) -> Optional[int]:
    """GTD expiry in ms from ``expiresAt``/``goodTillDate``; checked against the venue window."""
    raw = params.get("expiresAt", params.get("goodTillDate"))
    if raw is None:
        if required:
            raise ArgumentsRequired("this order needs params['expiresAt'] (ms timestamp)")
        return None
    try:
        expiry = int(raw)
    except (TypeError, ValueError):
        raise InvalidOrder(f"expiresAt must be a ms timestamp, got {raw!r}") from None
    if not ctx.now_ms + o.ORDER_EXPIRY_MIN_MS <= expiry <= ctx.now_ms + o.ORDER_EXPIRY_MAX_MS:
        raise InvalidOrder("expiresAt must be between 5 minutes and 30 days from now")
    return expiry


def default_expiry(ctx: Context) -> int:
    return ctx.now_ms + o.DEFAULT_ORDER_EXPIRY_MS
