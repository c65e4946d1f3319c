"""One market's limit order book in integer ticks, with price-time priority.

Venue facts (REFERENCE.md 6.5): the venue publishes aggregated price levels; every published
change carries ``begin_nonce`` (the book nonce before) and ``nonce`` (after), nonces grow by more
than one per change; a level whose size drops to 0 is published with size "0".

Invariants: within a level, orders keep arrival order (FIFO); ``level size == sum(remaining)`` of
the orders at that price; a change becomes visible to listeners only through :meth:`flush`, which
turns all levels touched since the last flush into one delta with a fresh nonce and records its
time (``last_updated_at``, µs), so a snapshot carries the time of the change its nonce belongs to.
"""
from __future__ import annotations

import bisect
from collections import deque
from typing import Deque, Dict, Iterator, List, Optional, Set, Tuple

from .events import BookChanged
from .markets import MarketSpec
from .model import Order


class Side:
    """One side: price -> FIFO of orders, plus the sorted list of prices present."""

    def __init__(self, is_ask: bool) -> None:
        self.is_ask = is_ask
        self.levels: Dict[int, Deque[Order]] = {}
        self.sizes: Dict[int, int] = {}
        self.prices: List[int] = []  # ascending

    def best(self) -> Optional[int]:
        if not self.prices:
            return None
        return self.prices[0] if self.is_ask else self.prices[-1]

    def ordered_prices(self) -> List[int]:
        return list(self.prices) if self.is_ask else list(reversed(self.prices))

    def add(self, order: Order) -> None:
        queue = self.levels.get(order.price)
        if queue is None:
            queue = self.levels[order.price] = deque()
            self.sizes[order.price] = 0
            bisect.insort(self.prices, order.price)
        queue.append(order)
        self.sizes[order.price] += order.remaining_base

    def shrink(self, price: int, amount: int) -> None:
        self.sizes[price] -= amount

    def discard(self, order: Order, remaining: int) -> None:
        queue = self.levels[order.price]
        queue.remove(order)
        self.sizes[order.price] -= remaining
        if not queue:
            del self.levels[order.price]
            del self.sizes[order.price]
            self.prices.pop(bisect.bisect_left(self.prices, order.price))


class Book:
    def __init__(self, spec: MarketSpec, first_nonce: int = 1000, created_us: int = 0) -> None:
        self.spec = spec
        self.asks = Side(True)
        self.bids = Side(False)
        self.nonce = first_nonce
        self.last_updated_at = created_us  # µs of the last published change (snapshots repeat it)
        self._dirty: Set[Tuple[bool, int]] = set()

    def side(self, is_ask: bool) -> Side:
        return self.asks if is_ask else self.bids

    def add(self, order: Order) -> None:
        self.side(order.is_ask).add(order)
        self._dirty.add((order.is_ask, order.price))

    def fill(self, order: Order, amount: int) -> None:
        """The resting ``order`` traded ``amount``; caller already reduced ``remaining_base``."""
        side = self.side(order.is_ask)
        if order.remaining_base == 0:
            side.discard(order, amount)
        else:
            side.shrink(order.price, amount)
        self._dirty.add((order.is_ask, order.price))

    def shrink(self, order: Order, cut: int) -> None:
        """A resting order's remaining size dropped by ``cut`` without a trade (reduce-only clip)."""
        self.side(order.is_ask).shrink(order.price, cut)
        self._dirty.add((order.is_ask, order.price))

    def remove(self, order: Order) -> None:
        side = self.side(order.is_ask)
        queue = side.levels.get(order.price)
        if queue is not None and order in queue:
            side.discard(order, order.remaining_base)
            self._dirty.add((order.is_ask, order.price))

    def makers(self, taker_is_ask: bool, limit_price: int) -> Iterator[Order]:
        """Resting orders a taker may hit, best price first, FIFO within a level.

        The iteration tolerates the caller filling/removing the order it was just given.
        """
        side = self.side(not taker_is_ask)
        for price in side.ordered_prices():
            if (price < limit_price) if taker_is_ask else (price > limit_price):
                return
            queue = side.levels.get(price)
            while queue:
                head = queue[0]
                yield head
                if queue and queue[0] is head:
                    return  # caller stopped consuming this order (e.g. its own remainder is done)
                queue = side.levels.get(price)

    def best_bid(self) -> Optional[int]:
        return self.bids.best()

    def best_ask(self) -> Optional[int]:
        return self.asks.best()

    def levels(self, is_ask: bool, depth: Optional[int] = None) -> List[Tuple[int, int]]:
        side = self.side(is_ask)
        prices = side.ordered_prices()
        if depth is not None:
            prices = prices[:depth]
        return [(p, side.sizes[p]) for p in prices]

    def orders(self, is_ask: bool, limit: int) -> List[Order]:
        out: List[Order] = []
        side = self.side(is_ask)
        for price in side.ordered_prices():
            for order in side.levels[price]:
                out.append(order)
                if len(out) >= limit:
                    return out
        return out

    def flush(self, now_us: int) -> Optional[BookChanged]:
        """Publish all levels touched since the last flush as one delta (None if nothing changed)."""
        if not self._dirty:
            return None
        asks, bids = [], []
        for is_ask, price in sorted(self._dirty, key=lambda k: (k[0], k[1] if k[0] else -k[1])):
            size = self.side(is_ask).sizes.get(price, 0)
            level = (self.spec.price_str(price), self.spec.size_str(size))
            (asks if is_ask else bids).append(level)
        begin = self.nonce
        # Like the venue's, nonces advance by more than one per published change.
        self.nonce += 1 + 2 * len(self._dirty)
        self._dirty.clear()
        self.last_updated_at = now_us
        return BookChanged(self.spec.market_id, tuple(asks), tuple(bids), self.nonce, begin, now_us)
