"""Mutable state records of the simulated exchange: accounts, API keys, positions, orders.

Venue facts (REFERENCE.md 2.3, 7.7, 8): accounts are numbered (masters count up, sub-accounts down
from 2**48 - 2); each has up to 255 API key slots with their own nonce sequence; exchange order
indexes are >= 2**48, client order indexes 1..2**48 - 1 and unique per account; positions are
netted per market (sign and size); cross or isolated margin per market.

``Account.orders`` is an :class:`.order_index.OrderTable`: a dict of the active orders that also keeps
their counts, margin sums and deadlines; an Order in it reports its own field changes to it.

Invariant: all quantities are ints -- sizes in the market's size ticks, prices in price ticks,
money in micro-USDC (1e-6), spot balances in the asset's transfer decimals, margin fractions in
1/10000. Nothing here formats or parses; :mod:`.wire` renders these records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

from .order_index import WATCHED, OrderTable

# Order lifecycle (REFERENCE 3.2 Order.status); "pending" = untriggered conditional order.
ACTIVE_STATUSES = ("open", "pending", "in-progress")


@dataclass
class ApiKey:
    public_key: str  # 80 hex chars, no 0x
    next_nonce: int = 0
    transaction_time: int = 0  # microseconds of the last change


@dataclass
class Order:
    order_index: int
    client_order_index: int
    account_index: int
    market_id: int
    is_ask: bool
    type: int  # orders.OrderType
    time_in_force: int  # orders.TimeInForce
    price: int
    initial_base: int
    remaining_base: int
    nonce: int
    created_at: int  # ms
    reduce_only: bool = False
    trigger_price: int = 0
    order_expiry: int = 0
    filled_base: int = 0
    filled_quote: int = 0  # micro-USDC
    status: str = "open"
    trigger_status: str = "na"  # na | mark-price | parent-order | ready
    trigger_time: int = 0
    parent_order_index: int = 0
    to_trigger: List[int] = field(default_factory=list)  # children activated when this fills
    to_cancel: int = 0  # OCO sibling
    updated_at: int = 0
    transaction_time: int = 0  # µs
    block_height: int = 0
    order_version: int = 0
    follows_position: bool = False  # BaseAmount 0 children: size = parent's fill / position
    deadline: int = 0  # sim-clock ms at which the order expires (order_expiry shifted by the sim offset)
    stp_behavior: int = 0  # L2TxAttributes 6: 0 expire maker, 1 expire taker, 2 expire both, 3 reduce
    stp_equality: int = 0  # L2TxAttributes 7: 0 same account, 1 same master account
    integrator_index: int = 0  # L2TxAttributes 1..3: fee collector and its fees (ppm of notional)
    integrator_taker_fee: int = 0
    integrator_maker_fee: int = 0
    twap: Optional["TwapSchedule"] = None  # set on TWAP parents (type 6)

    _table = None  # the OrderTable holding this order while it is active (not a dataclass field)

    def __setattr__(self, name: str, value) -> None:
        # A member of an account's OrderTable reports changes of the fields its aggregates (counts,
        # margin sums, deadlines) depend on, whichever code path makes them. Plain __dict__ store:
        # Order has no settable descriptors, and this runs for every field of every new order.
        self.__dict__[name] = value
        if name in WATCHED and self._table is not None:
            self._table.reindex(self, name)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def resting(self) -> bool:
        return self.status == "open"


@dataclass
class TwapSchedule:
    """Slice schedule of a TWAP parent: slice k runs at ``start + k * interval`` (sim-clock ms)."""

    start: int
    interval: int
    slices: int
    done: int = 0

    def next_due(self) -> int:
        return self.start + self.done * self.interval


@dataclass
class Position:
    market_id: int
    size: int = 0  # signed size ticks: > 0 long, < 0 short
    entry_quote: int = 0  # micro-USDC cost of |size| at entry prices
    realized_pnl: int = 0
    funding_paid: int = 0  # micro-USDC paid out (positive = paid)
    margin_mode: int = 0  # 0 cross, 1 isolated
    imf: int = 0  # initial margin fraction (1/10000) chosen by the account
    allocated_margin: int = 0  # isolated only, micro-USDC

    @property
    def sign(self) -> int:
        return (self.size > 0) - (self.size < 0)


@dataclass
class Account:
    index: int
    l1_address: str
    collateral: int = 0  # perps route, micro-USDC (cross margin)
    spot: Dict[int, int] = field(default_factory=dict)  # asset_id -> balance (asset decimals)
    api_keys: Dict[int, ApiKey] = field(default_factory=dict)
    positions: Dict[int, Position] = field(default_factory=dict)
    orders: OrderTable = field(default_factory=OrderTable)  # active orders by order_index, indexed
    client_index: Dict[int, int] = field(default_factory=dict)  # client_order_index -> order_index
    master_index: Optional[int] = None  # set for sub-accounts
    cancel_all_time: int = 0  # scheduled cancel-all time as the client sent it, ms (0 = none)
    cancel_all_deadline: int = 0  # the same on the sim clock
    account_type: int = 0
    created_at: int = 0
    maker_fee_ppm: int = 0
    taker_fee_ppm: int = 0
    tier: str = "standard"
    integrators: Dict[int, dict] = field(default_factory=dict)  # approved integrators

    def position(self, market_id: int, default_imf: int) -> Position:
        pos = self.positions.get(market_id)
        if pos is None:
            pos = self.positions[market_id] = Position(market_id, imf=default_imf)
        return pos
