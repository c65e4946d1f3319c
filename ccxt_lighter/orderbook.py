"""Order-book synchronisation for Lighter's ``order_book/{market}`` WebSocket channel.

Venue facts (REFERENCE.md 6.5):
* the first frame after subscribing, ``subscribed/order_book``, is the whole book; its ``nonce`` is
  the book sequence (``begin_nonce`` is 0);
* every ``update/order_book`` frame carries price-level deltas (the new absolute size of each listed
  level; size 0 removes it) plus ``begin_nonce`` and ``nonce``; nonces do not grow by one, so the only
  valid continuity test is ``update.begin_nonce == nonce of the last applied frame``;
* ``offset`` is an older, per-connection counter and is not used for gap detection;
* REST ``orderBookOrders`` has no nonce and cannot be spliced with the deltas: the only way back
  after a gap is a fresh WS snapshot (unsubscribe + subscribe).

Invariant: a :class:`BookSync` only ever exposes a book built from one snapshot followed by an
unbroken chain of updates. Updates before the snapshot are dropped, already-applied (stale) ones
are ignored, and a gap or a crossed result empties the book and reports that a resync is needed;
the caller must not deliver the book until the next snapshot has been applied.

The book itself is ccxt's own ``OrderBook`` container (sorted sides with a bisect index), so users get
exactly the structure every ccxt.pro exchange returns.
"""
from __future__ import annotations

import time
from bisect import bisect_left
from typing import Optional

from ccxt.async_support.base.ws.order_book import OrderBook
from ccxt.base.exchange import Exchange

# Outcomes of feeding one frame to a BookSync.
SNAPSHOT = "snapshot"          # a snapshot was applied: deliver
APPLIED = "applied"            # an update was applied: deliver
PRE_SNAPSHOT = "pre_snapshot"  # update before any snapshot (or during a resync): dropped
STALE = "stale"                # update already covered by the applied chain: dropped
GAP = "gap"                    # continuity broken: book dropped, resync needed
CROSSED = "crossed"            # best bid >= best ask after applying: book dropped, resync needed


def _store_levels(side, levels) -> None:
    """Write venue levels ``[{"price": "2064.54", "size": "0.3285"}, ...]`` into a ccxt book side.

    Inlines ``OrderBookSide.storeArray`` (same bisect index, same semantics: size 0 deletes) because
    this loop is the hot path of every market-data frame; bench/bench_orderbook.py measures it.
    """
    keys = side._index
    negate = side.side  # bids are indexed by -price so both sides sort ascending
    for level in levels:
        price = float(level["price"])
        size = float(level["size"])
        key = -price if negate else price
        i = bisect_left(keys, key)
        found = i < len(keys) and keys[i] == key
        if size:
            if found:
                side[i][1] = size
            else:
                keys.insert(i, key)
                side.insert(i, [price, size])
        elif found:
            del keys[i]
            del side[i]


_second = [None, ""]  # (unix second, "YYYY-MM-DDTHH:MM:SS") of the last stamp


def iso8601(timestamp) -> Optional[str]:
    """ccxt's ``Exchange.iso8601`` for ms ints, formatting each second once (frames come many per
    second, and formatting a datetime was a third of the per-frame cost)."""
    if timestamp.__class__ is not int or timestamp < 0:
        return Exchange.iso8601(timestamp)
    sec, millis = divmod(timestamp, 1000)
    if sec != _second[0]:
        _second[0], _second[1] = sec, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    return f"{_second[1]}.{millis:03d}Z"


def is_crossed(book: OrderBook) -> bool:
    bids = book["bids"]
    asks = book["asks"]
    return bool(bids) and bool(asks) and bids[0][0] >= asks[0][0]


class BookSync:
    """One market's book plus the nonce of the last applied frame."""

    __slots__ = ("book", "nonce", "synced", "snapshots", "gaps", "symbol")

    def __init__(self, symbol: Optional[str] = None, book: Optional[OrderBook] = None) -> None:
        self.symbol = symbol
        self.book = book if book is not None else OrderBook({"symbol": symbol})
        self.nonce: Optional[int] = None
        self.synced = False
        self.snapshots = 0  # snapshots applied; every one after the first ends a resync
        self.gaps = 0  # continuity breaks (gaps and crossed results) detected

    @property
    def resyncs(self) -> int:
        return max(0, self.snapshots - 1)

    def invalidate(self) -> None:
        """Forget the book: nothing is delivered until the next snapshot."""
        self.synced = False
        self.nonce = None
        book = self.book
        for name in ("asks", "bids"):
            side = book[name]
            side._index.clear()
            side.clear()

    def apply_snapshot(self, payload: dict, timestamp: Optional[int] = None) -> str:
        """Reset the book from a ``subscribed/order_book`` payload (the ``order_book`` object)."""
        self.invalidate()
        book = self.book
        _store_levels(book["asks"], payload.get("asks") or ())
        _store_levels(book["bids"], payload.get("bids") or ())
        if is_crossed(book):
            self.gaps += 1
            self.invalidate()
            return CROSSED
        self.snapshots += 1
        self.nonce = payload["nonce"]
        self.synced = True
        self._stamp(timestamp)
        return SNAPSHOT

    def apply_update(self, payload: dict, timestamp: Optional[int] = None) -> str:
        """Apply an ``update/order_book`` payload if it continues the chain."""
        if not self.synced:
            return PRE_SNAPSHOT
        begin = payload["begin_nonce"]
        last = self.nonce
        if begin != last:
            if payload["nonce"] <= last:
                return STALE
            self.gaps += 1
            self.invalidate()
            return GAP
        book = self.book
        asks = payload["asks"]
        bids = payload["bids"]
        if asks:
            _store_levels(book["asks"], asks)
        if bids:
            _store_levels(book["bids"], bids)
        self.nonce = payload["nonce"]
        self._stamp(timestamp)
        b = book["bids"]
        a = book["asks"]
        if b and a and b[0][0] >= a[0][0]:
            self.gaps += 1
            self.invalidate()
            return CROSSED
        return APPLIED

    def apply(self, message: dict) -> str:
        """Dispatch a whole WS frame (``subscribed/…`` or ``update/…``)."""
        payload = message["order_book"]
        if message["type"][0] == "s":  # subscribed/order_book
            return self.apply_snapshot(payload, message.get("timestamp"))
        return self.apply_update(payload, message.get("timestamp"))

    def _stamp(self, timestamp: Optional[int]) -> None:
        book = self.book
        book["nonce"] = self.nonce
        if timestamp is not None and timestamp != book["timestamp"]:
            book["timestamp"] = timestamp
            book["datetime"] = iso8601(timestamp)


def limited(book: OrderBook, limit: Optional[int]) -> OrderBook:
    """The book, or a copy cut to ``limit`` levels per side (the synced book itself keeps every level,
    because deltas may remove a top level and expose one below the cut)."""
    if not limit:
        return book
    copy = OrderBook({"symbol": book["symbol"], "timestamp": book["timestamp"], "nonce": book["nonce"]})
    copy["asks"] = type(book["asks"])([lv[:] for lv in book["asks"][:limit]])
    copy["bids"] = type(book["bids"])([lv[:] for lv in book["bids"][:limit]])
    copy["datetime"] = book["datetime"]
    return copy
