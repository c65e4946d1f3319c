"""Lighter transaction requests: the enums and the frozen, already-scaled request records.

Venue facts (REFERENCE.md 7.1-7.4):
* every L2 transaction has a numeric ``tx_type`` (14 create order, 15 cancel, ...);
* every amount, price and index in a transaction is an integer: prices are uint32 ticks, base
  amounts int64 ticks (< 2**48), USDC amounts in 1e-6 units, margin fractions in 1/10000;
* fields the signer puts in ``tx_info`` keep Go's names (``MarketIndex``, ``BaseAmount`` ...).

Invariant: a request object holds only integers (never floats or Decimals) that already passed
the range checks in :func:`validate`; a signer backend (native or pure) turns one of these plus
``(nonce, api_key_index, account_index)`` into a :class:`~ccxt_lighter.signer.base.SignedTx`.
The same records are what the simulator decodes from ``tx_info``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import IntEnum
from typing import Tuple, Union


class TxType(IntEnum):
    CHANGE_PUB_KEY = 8
    CREATE_SUB_ACCOUNT = 9
    TRANSFER = 12
    WITHDRAW = 13
    CREATE_ORDER = 14
    CANCEL_ORDER = 15
    CANCEL_ALL_ORDERS = 16
    MODIFY_ORDER = 17
    UPDATE_LEVERAGE = 20
    CREATE_GROUPED_ORDERS = 28
    UPDATE_MARGIN = 29
    APPROVE_INTEGRATOR = 45


class OrderType(IntEnum):
    LIMIT = 0
    MARKET = 1
    STOP_LOSS = 2
    STOP_LOSS_LIMIT = 3
    TAKE_PROFIT = 4
    TAKE_PROFIT_LIMIT = 5
    TWAP = 6


class TimeInForce(IntEnum):
    IMMEDIATE_OR_CANCEL = 0
    GOOD_TILL_TIME = 1
    POST_ONLY = 2


class GroupingType(IntEnum):
    OTO = 1
    OCO = 2
    OTOCO = 3


class MarginMode(IntEnum):
    CROSS = 0
    ISOLATED = 1


class MarginDirection(IntEnum):
    REMOVE = 0
    ADD = 1


class CancelAllTimeInForce(IntEnum):
    IMMEDIATE = 0
    SCHEDULED = 1
    ABORT = 2


class RouteType(IntEnum):
    PERP = 0
    SPOT = 1


class SelfTradeBehavior(IntEnum):
    EXPIRE_MAKER = 0
    EXPIRE_TAKER = 1
    EXPIRE_BOTH = 2
    REDUCE = 3


class SelfTradeEquality(IntEnum):
    SAME_ACCOUNT = 0
    SAME_MASTER_ACCOUNT = 1


# Ranges from lighter-go types/txtypes/constants.go (REFERENCE.md 2.1-2.3, 7.3).
MAX_UINT32 = 2**32 - 1
MAX_BASE_AMOUNT = 2**48 - 1
MAX_CLIENT_ORDER_INDEX = 2**48 - 1
MIN_EXCHANGE_ORDER_INDEX = 2**48
MAX_ORDER_INDEX = 2**60 - 1
MAX_ASSET_AMOUNT = 2**60 - 1  # the official signer refuses larger withdraw/transfer/margin amounts
NIL_MARKET_INDEX = 255
MAX_PERP_MARKET_INDEX = 254
MIN_SPOT_MARKET_INDEX = 2048
MAX_SPOT_MARKET_INDEX = 4094
MAX_API_KEY_INDEX = 254
MARGIN_FRACTION_TICK = 10_000
FEE_TICK = 1_000_000
ONE_USDC = 1_000_000
USDC_ASSET_INDEX = 3
ORDER_EXPIRY_MIN_MS = 5 * 60 * 1000
ORDER_EXPIRY_MAX_MS = 30 * 24 * 3600 * 1000
DEFAULT_ORDER_EXPIRY_MS = 28 * 24 * 3600 * 1000
TX_EXPIRY_MS = 10 * 60 * 1000 - 1000  # the signer's ExpiredAt = now + 10 min - 1 s
CANCEL_ALL_MIN_PERIOD_MS = 5 * 60 * 1000
CANCEL_ALL_MAX_PERIOD_MS = 15 * 24 * 3600 * 1000


@dataclass(frozen=True)
class TxAttributes:
    """L2TxAttributes: only non-default values are sent (keys "1".."7" in tx_info)."""

    integrator_account_index: int = 0
    integrator_taker_fee: int = 0
    integrator_maker_fee: int = 0
    skip_nonce: int = 0
    cancel_all_market_index: int = 0  # filled from CancelAllOrders.market_index, not by callers
    self_trade_behavior: int = 0
    self_trade_equality: int = 0


@dataclass(frozen=True)
class OrderSpec:
    """One order as it appears in CreateOrder and in the Orders list of CreateGroupedOrders."""

    market_index: int
    client_order_index: int
    base_amount: int
    price: int
    is_ask: int
    order_type: int
    time_in_force: int
    reduce_only: int = 0
    trigger_price: int = 0
    order_expiry: int = 0


@dataclass(frozen=True)
class CreateOrder:
    TX_TYPE = TxType.CREATE_ORDER
    order: OrderSpec
    attributes: TxAttributes = field(default_factory=TxAttributes)


@dataclass(frozen=True)
class CreateGroupedOrders:
    TX_TYPE = TxType.CREATE_GROUPED_ORDERS
    grouping_type: int
    orders: Tuple[OrderSpec, ...]
    attributes: TxAttributes = field(default_factory=TxAttributes)


@dataclass(frozen=True)
class CancelOrder:
    """``index`` is a client order index (< 2**48) or an exchange order index (>= 2**48)."""

    TX_TYPE = TxType.CANCEL_ORDER
    market_index: int
    index: int


@dataclass(frozen=True)
class CancelAllOrders:
    """time_in_force: 0 immediate (time 0), 1 scheduled (time = absolute ms), 2 abort.

    ``market_index`` 255 = every market; another value cancels one market (immediate only).
    """

    TX_TYPE = TxType.CANCEL_ALL_ORDERS
    time_in_force: int
    time: int = 0
    market_index: int = NIL_MARKET_INDEX


@dataclass(frozen=True)
class ModifyOrder:
    TX_TYPE = TxType.MODIFY_ORDER
    market_index: int
    index: int
    base_amount: int
    price: int
    trigger_price: int = 0
    order_version: int = 0
    attributes: TxAttributes = field(default_factory=TxAttributes)


@dataclass(frozen=True)
class UpdateLeverage:
    TX_TYPE = TxType.UPDATE_LEVERAGE
    market_index: int
    initial_margin_fraction: int  # 1..10000 (1/10000 units); leverage L -> 10000 // L
    margin_mode: int


@dataclass(frozen=True)
class UpdateMargin:
    TX_TYPE = TxType.UPDATE_MARGIN
    market_index: int
    usdc_amount: int  # 1e-6 USDC
    direction: int


@dataclass(frozen=True)
class Transfer:
    TX_TYPE = TxType.TRANSFER
    to_account_index: int
    asset_index: int
    from_route_type: int
    to_route_type: int
    amount: int
    usdc_fee: int = 0
    memo: str = "00" * 32  # 32 bytes as 64 hex chars; not part of the hash


@dataclass(frozen=True)
class Withdraw:
    TX_TYPE = TxType.WITHDRAW
    asset_index: int
    route_type: int
    amount: int


@dataclass(frozen=True)
class CreateSubAccount:
    TX_TYPE = TxType.CREATE_SUB_ACCOUNT


@dataclass(frozen=True)
class ChangePubKey:
    """Registers ``new_public_key`` (40-byte hex) at the signing key's slot.

    Must be signed by the *new* key itself; the L1 owner signs ``message_to_sign`` as well.
    """

    TX_TYPE = TxType.CHANGE_PUB_KEY
    new_public_key: str


@dataclass(frozen=True)
class ApproveIntegrator:
    TX_TYPE = TxType.APPROVE_INTEGRATOR
    integrator_account_index: int
    max_perps_taker_fee: int
    max_perps_maker_fee: int
    max_spot_taker_fee: int
    max_spot_maker_fee: int
    approval_expiry: int


TxRequest = Union[
    CreateOrder, CreateGroupedOrders, CancelOrder, CancelAllOrders, ModifyOrder,
    UpdateLeverage, UpdateMargin, Transfer, Withdraw, CreateSubAccount, ChangePubKey,
    ApproveIntegrator,
]


class TxRangeError(ValueError):
    """A request field is outside the range the venue accepts; raised before anything is signed."""


def _check(name: str, value: int, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TxRangeError(f"{name} must be an integer, got {type(value).__name__}")
    if value < low or value > high:
        raise TxRangeError(f"{name}={value} is outside [{low}, {high}]")


def _check_market(market_index: int, allow_nil: bool = False) -> None:
    _check("market_index", market_index, 0, MAX_SPOT_MARKET_INDEX)
    is_perp = market_index <= MAX_PERP_MARKET_INDEX
    is_spot = market_index >= MIN_SPOT_MARKET_INDEX
    if not (is_perp or is_spot or (allow_nil and market_index == NIL_MARKET_INDEX)):
        raise TxRangeError(f"market_index={market_index} is neither a perp (0..254) nor a spot (2048..4094) market")


def validate_order_spec(o: OrderSpec) -> None:
    _check_market(o.market_index)
    _check("client_order_index", o.client_order_index, 0, MAX_CLIENT_ORDER_INDEX)
    _check("base_amount", o.base_amount, 0, MAX_BASE_AMOUNT)
    _check("price", o.price, 1, MAX_UINT32)
    _check("is_ask", o.is_ask, 0, 1)
    _check("order_type", o.order_type, 0, int(OrderType.TWAP))
    _check("time_in_force", o.time_in_force, 0, 2)
    _check("reduce_only", o.reduce_only, 0, 1)
    _check("trigger_price", o.trigger_price, 0, MAX_UINT32)
    _check("order_expiry", o.order_expiry, 0, 2**63 - 1)


def validate(tx: TxRequest) -> None:
    """Range-check a request before it reaches a signer; raises :class:`TxRangeError`."""
    if isinstance(tx, CreateOrder):
        validate_order_spec(tx.order)
    elif isinstance(tx, CreateGroupedOrders):
        _check("grouping_type", tx.grouping_type, 1, 3)
        if not 1 <= len(tx.orders) <= 3:
            raise TxRangeError("a grouped order holds 2 or 3 orders")
        for o in tx.orders:
            validate_order_spec(o)
    elif isinstance(tx, (CancelOrder, ModifyOrder)):
        _check_market(tx.market_index)
        _check("index", tx.index, 1, MAX_ORDER_INDEX)
        if isinstance(tx, ModifyOrder):
            _check("base_amount", tx.base_amount, 0, MAX_BASE_AMOUNT)
            _check("price", tx.price, 1, MAX_UINT32)
            _check("trigger_price", tx.trigger_price, 0, MAX_UINT32)
    elif isinstance(tx, CancelAllOrders):
        _check("time_in_force", tx.time_in_force, 0, 2)
        _check_market(tx.market_index, allow_nil=True)
    elif isinstance(tx, UpdateLeverage):
        _check_market(tx.market_index)
        _check("initial_margin_fraction", tx.initial_margin_fraction, 1, MARGIN_FRACTION_TICK)
        _check("margin_mode", tx.margin_mode, 0, 1)
    elif isinstance(tx, UpdateMargin):
        _check_market(tx.market_index)
        _check("usdc_amount", tx.usdc_amount, 1, MAX_ASSET_AMOUNT)
        _check("direction", tx.direction, 0, 1)
    elif isinstance(tx, Transfer):
        _check("amount", tx.amount, 1, MAX_ASSET_AMOUNT)
        _check("to_account_index", tx.to_account_index, 0, 2**48 - 2)
        if len(tx.memo) != 64:
            raise TxRangeError("memo must be 32 bytes (64 hex characters)")
    elif isinstance(tx, Withdraw):
        _check("amount", tx.amount, 1, MAX_ASSET_AMOUNT)


def request_fields(tx: TxRequest) -> dict:
    """Plain dict view of a request (for logs and tests; holds no secrets)."""
    return {f.name: getattr(tx, f.name) for f in fields(tx)}


TX_CLASSES = {
    cls.TX_TYPE: cls
    for cls in (CreateOrder, CreateGroupedOrders, CancelOrder, CancelAllOrders, ModifyOrder,
                UpdateLeverage, UpdateMargin, Transfer, Withdraw, CreateSubAccount, ChangePubKey,
                ApproveIntegrator)
}
