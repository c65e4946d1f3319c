"""Public-channel frames of the simulated ``/stream`` WebSocket, in Lighter's exact wire shape.

Venue facts (REFERENCE.md 6.4/6.5, examples/ws_*.json): every frame has ``type``
(``subscribed/<name>`` for the snapshot, ``update/<name>`` afterwards), ``channel`` in ``:`` form and
``timestamp`` (server send time, ms). Order-book frames repeat ``offset`` and ``last_updated_at``
(µs) at the top level and inside ``order_book``; the snapshot carries ``begin_nonce`` 0 and the book
``nonce``, updates carry ``begin_nonce`` = the previous ``nonce``. Prices and sizes are decimal
strings; market-stats volumes and daily prices are JSON numbers (the engine renders those).

Invariant: builders are pure functions of their arguments and return fresh dicts, so a frame built
once can be shared by every connection (order-book frames get their per-connection ``offset`` via
:func:`with_offset`, which copies).
"""
from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Sequence, Tuple

# The venue's type prefixes (channels.py rule 2); the feeds name a frame's kind fr.SNAPSHOT/fr.UPDATE.
from ..channels import SNAPSHOT, UPDATE  # noqa: F401 - re-exported
from .ws_channels import Channel
Level = Tuple[str, str]


def levels_json(levels: Iterable[Level]) -> List[Dict[str, str]]:
    return [{"price": price, "size": size} for price, size in levels]


def order_book_frame(kind: str, ch: Channel, asks: Sequence[Level], bids: Sequence[Level], *,
                     nonce: int, begin_nonce: int, last_updated_at: int, ts: int) -> dict:
    """``offset`` is filled per connection (:func:`with_offset`); 0 until then."""
    return {
        "channel": ch.topic,
        "last_updated_at": last_updated_at,
        "offset": 0,
        "order_book": {
            "code": 0,
            "asks": levels_json(asks),
            "bids": levels_json(bids),
            "offset": 0,
            "nonce": nonce,
            "last_updated_at": last_updated_at,
            "begin_nonce": begin_nonce,
        },
        "timestamp": ts,
        "type": f"{kind}/order_book",
    }


def with_offset(frame: dict, offset: int) -> dict:
    """A copy of an order-book frame with this connection's ``offset`` (the venue's offset is per
    API server / connection, unlike ``nonce`` which comes from the matching engine)."""
    out = dict(frame)
    out["order_book"] = dict(frame["order_book"], offset=offset)
    out["offset"] = offset
    return out


def _top(levels: Sequence[Level], zero: Level) -> Dict[str, str]:
    price, size = levels[0] if levels else zero
    return {"price": price, "size": size}


def ticker_frame(kind: str, ch: Channel, symbol: str, best_ask: Sequence[Level],
                 best_bid: Sequence[Level], zero: Level, *, nonce: int, last_updated_at: int,
                 ts: int) -> dict:
    """Best bid/offer. An empty side is shown as a zero level (formatted with the market decimals)."""
    return {
        "channel": ch.topic,
        "last_updated_at": last_updated_at,
        "nonce": nonce,
        "ticker": {
            "s": symbol,
            "a": _top(best_ask, zero),
            "b": _top(best_bid, zero),
            "last_updated_at": last_updated_at,
        },
        "timestamp": ts,
        "type": f"{kind}/ticker",
    }


def trade_frame(kind: str, ch: Channel, trades: List[dict], liquidations: List[dict], *,
                nonce: int, ts: int) -> dict:
    """Trades newest first (as the venue's snapshot lists them)."""
    return {
        "channel": ch.topic,
        "liquidation_trades": liquidations,
        "nonce": nonce,
        "trades": trades,
        "timestamp": ts,
        "type": f"{kind}/trade",
    }


def market_stats_frame(kind: str, ch: Channel, stats: Dict[int, dict], ts: int) -> dict:
    """``market_stats`` (or ``spot_market_stats``): one object, or for ``/all`` an object keyed by
    market id string."""
    if ch.all_markets:
        body: dict = {str(mid): s for mid, s in stats.items()}
    else:
        body = next(iter(stats.values()))
    return {"channel": ch.topic, ch.name: body, "timestamp": ts, "type": f"{kind}/{ch.name}"}


def candle_frame(kind: str, ch: Channel, candles: List[dict], ts: int) -> dict:
    return {"candles": candles, "channel": ch.topic, "timestamp": ts, "type": f"{kind}/candle"}


def height_frame(kind: str, height: int, ts: int) -> dict:
    return {"channel": "height", "height": height, "timestamp": ts, "type": f"{kind}/height"}


def is_order_book(frame: dict) -> bool:
    return "order_book" in frame


def book_nonce(frame: dict) -> Optional[int]:
    book = frame.get("order_book")
    return None if book is None else book.get("nonce")
