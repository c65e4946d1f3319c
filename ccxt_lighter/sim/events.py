"""The engine's event seam: small frozen records emitted after every state change.

Venue fact (REFERENCE.md 6.4/6.5): Lighter's WebSocket pushes, per channel, a snapshot followed by
updates; order-book updates are price-level deltas chained by ``begin_nonce`` -> ``nonce``; account
channels push the same Order / Trade / Position JSON objects as REST.

Invariant: an event is emitted *after* the engine state it describes is committed, in the order the
changes happened, from the thread/loop that called the engine (the engine is synchronous and never
awaits). Every JSON payload inside an event is a fresh dict in Lighter's exact wire shape (the same
builder renders REST responses), so a listener may serialise it as-is; listeners must not mutate it.

Contract for listeners (the ``/stream`` WebSocket layer is one)::

    engine.add_listener(callback)      # callback(event) -> None, called synchronously
    engine.remove_listener(callback)

An exception raised by a listener propagates to the caller of the engine method (it is a bug, not a
venue condition), so listeners should be cheap and just queue work.

Read-side accessors for snapshots are documented on :class:`ccxt_lighter.sim.engine.Engine`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Tuple

Level = Tuple[str, str]  # (price, size) decimal strings formatted with the market's decimals
Json = Dict[str, Any]


@dataclass(frozen=True)
class BookChanged:
    """Changed price levels of one book. ``size == "0"`` removes a level (WS delta semantics).

    ``begin_nonce`` is the book nonce before this change and ``nonce`` the one after; consecutive
    BookChanged events of a market chain (this.begin_nonce == previous.nonce). Nonces grow by more
    than one per change (like the venue's), so a gap cannot be guessed from a +1 step.
    ``last_updated_at`` is microseconds.
    """

    market_id: int
    asks: Tuple[Level, ...]
    bids: Tuple[Level, ...]
    nonce: int
    begin_nonce: int
    last_updated_at: int


@dataclass(frozen=True)
class TradeExecuted:
    """One fill. ``trade`` is a Lighter ``Trade`` object (REST trades / WS trade channel shape)."""

    market_id: int
    trade: Json
    is_liquidation: bool = False


@dataclass(frozen=True)
class OrderChanged:
    """An order was created, filled (partly), modified, triggered, canceled or expired.

    ``order`` is a Lighter ``Order`` object (REFERENCE 3.2) in its new state.
    """

    account_index: int
    market_id: int
    order: Json


@dataclass(frozen=True)
class PositionChanged:
    """``position`` is a Lighter ``AccountPosition`` object (account_all_positions shape)."""

    account_index: int
    market_id: int
    position: Json


@dataclass(frozen=True)
class AssetsChanged:
    """Collateral or an asset balance of the account changed (read ``engine.account_assets`` /
    ``engine.account_stats`` for the new values: user_stats and account_all_assets)."""

    account_index: int


@dataclass(frozen=True)
class TxProcessed:
    """The sequencer executed (status 2) or rejected (status 0) a tx of this account.

    ``tx`` is a Lighter ``EnrichedTx``-shaped object (hash, type, info, event_info, status, ...), the
    element type of the ``account_tx`` channel's ``txs`` list.
    """

    account_index: int
    tx: Json


@dataclass(frozen=True)
class MarketStatsChanged:
    """Last price, volumes, mark/index price, open interest or funding of a market changed
    (read ``engine.market_stats(market_id)``)."""

    market_id: int


@dataclass(frozen=True)
class HeightChanged:
    """A new L2 block height (every processed tx batch advances it)."""

    height: int


@dataclass(frozen=True)
class CandleUpdated:
    """The current candle of ``resolution`` (e.g. "1m") changed; ``candle`` = {t,o,h,l,c,v,V,i}."""

    market_id: int
    resolution: str
    candle: Json


@dataclass(frozen=True)
class FundingApplied:
    """A funding round was settled at ``timestamp`` (ms); ``rate`` is a decimal string per hour."""

    market_id: int
    rate: str
    timestamp: int


@dataclass(frozen=True)
class FundingPaid:
    """One account's funding payment of a round (``payment`` = a ``PositionFunding`` entry:
    timestamp (s), market_id, funding_id, change, rate, position_size, position_side, discount)."""

    account_index: int
    market_id: int
    payment: Json


@dataclass(frozen=True)
class Liquidation:
    """An account position was liquidated (closed against the insurance fund at mark price).

    ``notification`` is the ``notification`` channel's liquidation notif, also kept by the engine
    (``engine.account_notifications``)."""

    account_index: int
    market_id: int
    trade: Json = field(default_factory=dict)
    notification: Json = field(default_factory=dict)


Event = Any  # union of the records above
Listener = Callable[[Event], None]

ALL_EVENTS = (BookChanged, TradeExecuted, OrderChanged, PositionChanged, AssetsChanged, TxProcessed,
              MarketStatsChanged, HeightChanged, CandleUpdated, FundingApplied, FundingPaid, Liquidation)


class EventBus:
    """Ordered fan-out of events to listeners (no buffering, no threads)."""

    def __init__(self) -> None:
        self._listeners: list = []

    def add(self, callback: Listener) -> None:
        if callback not in self._listeners:
            self._listeners.append(callback)

    def remove(self, callback: Listener) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def emit(self, event: Event) -> None:
        for callback in list(self._listeners):
            callback(event)
