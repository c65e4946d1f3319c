"""Per-account index of live orders, so per-order checks cost the same however many orders are open.

Venue facts (REFERENCE.md 5, 3.2): a matching engine keeps, per account, the counts its order limits
are judged against (21717..21721), the margin its open orders reserve (21739) and the expiry times of
its GTT orders; it does not rescan the account's whole order list for every new order.

:class:`OrderTable` is the ``Account.orders`` mapping (order_index -> active Order) with aggregates
kept beside it. Members report their own changes: ``Order.__setattr__`` calls :meth:`reindex` when a
field in :data:`WATCHED` changes, so every code path that edits an order (fills, cancels, modify,
reduce-only clips, TWAP, groups, liquidation, ...) keeps the index in step without knowing about it.
Positions are not watched: the margin cache of a market carries the (position size, imf) its terms
were computed with and is rebuilt for that one market when they no longer match.

Invariants (tests/test_sim_engine_index.py compares them with full scans after every step):
* ``counts[(kind, None)]`` / ``counts[(kind, market)]`` == number of members of that kind
  (:func:`kind_of`), per account and per market; zero counts are deleted;
* ``by_market[m]`` == the members whose ``market_id`` is m (no empty buckets);
* a margin cache whose key equals its market's current (size, imf) holds, per side, the sum of
  :func:`margin_term` of the members of that market computed with that key;
* every member with a deadline has a heap entry ``(deadline, order_index)`` (stale entries are
  skipped when popped and dropped when the heap is compacted).
"""
from __future__ import annotations

import heapq
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Tuple

if TYPE_CHECKING:
    from .model import Order

TICK = 10_000  # margin fractions are in 1/10000
TWAP = 6  # orders.OrderType.TWAP
# Order fields the aggregates depend on; a change of any of them re-indexes the order.
WATCHED = frozenset({"status", "type", "market_id", "is_ask", "price", "remaining_base", "reduce_only",
                     "deadline"})


def order_exposure(order: "Order", position_size: int) -> int:
    """Size of ``order`` that would increase |position| if it filled completely (ticks)."""
    if order.reduce_only:
        return 0
    delta = -order.remaining_base if order.is_ask else order.remaining_base
    if position_size == 0 or (position_size > 0) == (delta > 0):
        return abs(delta)
    return max(0, abs(delta) - abs(position_size))


def margin_term(order: "Order", position_size: int, imf: int) -> int:
    """Margin (micro-USDC) one order reserves on its side: only resting ("open") orders count, for
    the part that would add exposure, valued at the order price, truncated per order."""
    if order.status != "open":
        return 0
    return order_exposure(order, position_size) * order.price * imf // TICK


def kind_of(order: "Order") -> str:
    """Which order-limit count an order is in: 'twap' (running TWAP parent), 'pending'
    (untriggered), 'open' (resting) or '' (in flight or finished: not counted)."""
    if order.type == TWAP and order.active:
        return "twap"
    if order.status == "pending":
        return "pending"
    if order.status == "open":
        return "open"
    return ""


class _MarketMargin:
    """Order-margin sums of one market, valid for the (position size, imf) in ``key``."""

    __slots__ = ("key", "terms", "ask", "bid")

    def __init__(self) -> None:
        self.key: Optional[Tuple[int, int]] = None
        self.terms: Dict[int, Tuple[bool, int]] = {}  # order_index -> (is_ask, term)
        self.ask = self.bid = 0

    def rebuild(self, key: Tuple[int, int], orders: Iterable["Order"]) -> None:
        self.key, self.terms, self.ask, self.bid = key, {}, 0, 0
        for order in orders:
            self.add(order)

    def add(self, order: "Order") -> None:
        term = margin_term(order, *self.key)
        if term:
            self.terms[order.order_index] = (order.is_ask, term)
            self._shift(order.is_ask, term)

    def remove(self, order_index: int) -> None:
        entry = self.terms.pop(order_index, None)
        if entry is not None:
            self._shift(entry[0], -entry[1])

    def _shift(self, is_ask: bool, amount: int) -> None:
        if is_ask:
            self.ask += amount
        else:
            self.bid += amount


class OrderTable(dict):
    """order_index -> active Order of one account, plus counts, per-market buckets, margin sums and
    a deadline heap (see the module docstring for the invariants)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()
        self.counts: Dict[tuple, int] = {}
        self.by_market: Dict[int, Dict[int, "Order"]] = {}
        self._entries: Dict[int, Tuple[int, str]] = {}  # order_index -> (market, kind) as counted
        self._margin: Dict[int, _MarketMargin] = {}
        self._deadlines: List[Tuple[int, int]] = []  # heap of (deadline, order_index)
        self.update(*args, **kwargs)

    # -- dict protocol: every way in or out goes through _enter / _leave ---------------------
    def __setitem__(self, order_index: int, order: "Order") -> None:
        old = dict.get(self, order_index)
        if old is not None:
            dict.__delitem__(self, order_index)
            self._leave(order_index, old)
        dict.__setitem__(self, order_index, order)
        order.__dict__["_table"] = self
        self._enter(order_index, order)
        self._push_deadline(order)

    def __delitem__(self, order_index: int) -> None:
        order = dict.__getitem__(self, order_index)
        dict.__delitem__(self, order_index)
        self._leave(order_index, order)

    _MISSING = object()

    def pop(self, order_index: int, default=_MISSING):
        if order_index not in self:
            if default is OrderTable._MISSING:
                raise KeyError(order_index)
            return default
        order = dict.pop(self, order_index)
        self._leave(order_index, order)
        return order

    def popitem(self):
        order_index, order = dict.popitem(self)
        self._leave(order_index, order)
        return order_index, order

    def clear(self) -> None:
        for order_index in list(self):
            del self[order_index]

    def update(self, *args, **kwargs) -> None:
        for order_index, order in dict(*args, **kwargs).items():
            self[order_index] = order

    def setdefault(self, order_index: int, default=None):
        if order_index not in self:
            self[order_index] = default
        return self[order_index]

    def __reduce__(self):
        return (OrderTable, (), None, None, iter(dict.items(self)))

    # -- index maintenance --------------------------------------------------------------------
    def reindex(self, order: "Order", name: str) -> None:
        """``order`` (a member) changed field ``name``: move it between counts / buckets / sums."""
        order_index = order.order_index
        if dict.get(self, order_index) is not order:
            return
        if name == "deadline":
            self._push_deadline(order)
            return
        self._leave(order_index, order, keep_link=True)
        self._enter(order_index, order)

    def _enter(self, order_index: int, order: "Order") -> None:
        market, kind = order.market_id, kind_of(order)
        self._entries[order_index] = (market, kind)
        self.by_market.setdefault(market, {})[order_index] = order
        if kind:
            self._count(kind, market, 1)
        cache = self._margin.get(market)
        if cache is not None and cache.key is not None:
            cache.add(order)

    def _leave(self, order_index: int, order: "Order", keep_link: bool = False) -> None:
        market, kind = self._entries.pop(order_index)
        bucket = self.by_market[market]
        del bucket[order_index]
        if not bucket:
            del self.by_market[market]
        if kind:
            self._count(kind, market, -1)
        cache = self._margin.get(market)
        if cache is not None:
            cache.remove(order_index)
        if not keep_link and order._table is self:
            order.__dict__["_table"] = None

    def _count(self, kind: str, market: int, step: int) -> None:
        for key in ((kind, None), (kind, market)):
            left = self.counts.get(key, 0) + step
            if left:
                self.counts[key] = left
            else:
                del self.counts[key]

    def _push_deadline(self, order: "Order") -> None:
        if not order.deadline:
            return
        heapq.heappush(self._deadlines, (order.deadline, order.order_index))
        if len(self._deadlines) > 2 * len(self) + 64:  # entries of finished orders pile up: compact
            self._deadlines = [(o.deadline, i) for i, o in dict.items(self) if o.deadline]
            heapq.heapify(self._deadlines)

    # -- queries ------------------------------------------------------------------------------
    def count(self, kind: str, market: Optional[int] = None) -> int:
        """Members of ``kind`` (see :func:`kind_of`), in one market or (None) all markets."""
        return self.counts.get((kind, market), 0)

    def in_market(self, market_id: int) -> List["Order"]:
        """The members in one market (a list: callers may finish orders while iterating)."""
        return list(self.by_market.get(market_id, {}).values())

    def margin_sides(self, market_id: int, position_size: int, imf: int) -> Tuple[int, int]:
        """(ask, bid) order margin of one market for the position it has now; rebuilt from that
        market's members only when the position size or imf differs from the cached one."""
        cache = self._margin.get(market_id)
        if cache is None:
            cache = self._margin[market_id] = _MarketMargin()
        if cache.key != (position_size, imf):
            cache.rebuild((position_size, imf), self.by_market.get(market_id, {}).values())
        return cache.ask, cache.bid

    def pop_due(self, now_ms: int) -> List["Order"]:
        """Members whose deadline is <= ``now_ms``, by order index; their heap entries are consumed
        (the caller expires them all)."""
        heap, due = self._deadlines, {}
        while heap and heap[0][0] <= now_ms:
            _, order_index = heapq.heappop(heap)
            order = dict.get(self, order_index)
            if order is not None and order.deadline and order.deadline <= now_ms:
                due[order_index] = order
        return [due[i] for i in sorted(due)]
