"""Snapshots and updates of the public channels (order_book, ticker, trade, market_stats,
spot_market_stats, candle, height), built from the engine's reads and events.

Venue facts (REFERENCE.md 6.4/6.5): ``order_book`` sends the full book then price-level deltas
chained by nonces; ``ticker`` is a best-bid/offer stream sharing the book nonce; ``trade`` lists
trades (and ``liquidation_trades``) newest first; ``market_stats/all`` keys each market's stats by
its id.

Invariant: an update frame is produced only for topics somebody is subscribed to (``wanted``), and
from engine state that is already committed (the engine dispatches events after its step), so a
snapshot taken synchronously at subscribe time chains with the next delta of the same market.
"""
from __future__ import annotations

from typing import Callable, Dict, Iterator, List, Tuple

from ..orders import MIN_SPOT_MARKET_INDEX
from . import events as ev
from . import ws_frames as fr
from .ws_channels import Channel

Update = Tuple[str, dict]  # (topic, frame)


class PublicFeeds:
    """Frames of the public channels. ``wanted(topic)`` says whether anyone listens."""

    def __init__(self, engine, wanted: Callable[[str], bool], settings) -> None:
        self.engine = engine
        self.wanted = wanted
        self.settings = settings
        self._bbo: Dict[int, tuple] = {}

    # -- snapshots ------------------------------------------------------------------------------
    def snapshot(self, ch: Channel) -> dict:
        ts = self.engine.now_ms()
        builder = getattr(self, "_snap_" + ch.name)
        return builder(ch, ts)

    def _snap_order_book(self, ch: Channel, ts: int) -> dict:
        asks, bids, nonce = self.engine.book_levels(ch.market)
        return fr.order_book_frame(fr.SNAPSHOT, ch, asks, bids, nonce=nonce, begin_nonce=0,
                                   last_updated_at=self._updated_at(ch.market), ts=ts)

    def _snap_ticker(self, ch: Channel, ts: int) -> dict:
        frame, bbo = self._ticker(fr.SNAPSHOT, ch, ts)
        self._bbo[ch.market] = bbo
        return frame

    def _snap_trade(self, ch: Channel, ts: int) -> dict:
        trades = self.engine.recent_trades(ch.market, limit=self.settings.trade_snapshot_limit)
        plain = [t for t in trades if t.get("type") != "liquidation"]
        liquidations = [t for t in trades if t.get("type") == "liquidation"]
        return fr.trade_frame(fr.SNAPSHOT, ch, plain, liquidations, nonce=self._nonce(ch.market), ts=ts)

    def _snap_market_stats(self, ch: Channel, ts: int) -> dict:
        return fr.market_stats_frame(fr.SNAPSHOT, ch, self._stats_for(ch), ts)

    _snap_spot_market_stats = _snap_market_stats

    def _snap_candle(self, ch: Channel, ts: int) -> dict:
        candles = self.engine.candles(ch.market, ch.resolution, count=self.settings.candle_snapshot_limit)
        return fr.candle_frame(fr.SNAPSHOT, ch, list(candles), ts)

    def _snap_height(self, ch: Channel, ts: int) -> dict:
        return fr.height_frame(fr.SNAPSHOT, self.engine.height, ts)

    # -- updates --------------------------------------------------------------------------------
    def updates(self, event) -> Iterator[Update]:
        if isinstance(event, ev.BookChanged):
            yield from self._on_book(event)
        elif isinstance(event, ev.TradeExecuted):
            yield from self._on_trade(event)
        elif isinstance(event, ev.MarketStatsChanged):
            yield from self._on_stats(event.market_id)
        elif isinstance(event, ev.HeightChanged):
            if self.wanted("height"):
                yield "height", fr.height_frame(fr.UPDATE, event.height, self.engine.now_ms())
        elif isinstance(event, ev.CandleUpdated):
            if self.wanted(f"candle:{event.market_id}:{event.resolution}"):
                ch = Channel("candle", market=event.market_id, resolution=event.resolution)
                yield ch.topic, fr.candle_frame(fr.UPDATE, ch, [event.candle], self.engine.now_ms())

    def _on_book(self, e: ev.BookChanged) -> Iterator[Update]:
        m = e.market_id
        ts = self.engine.now_ms()
        if self.wanted(f"order_book:{m}"):
            ch = Channel("order_book", market=m)
            yield ch.topic, fr.order_book_frame(fr.UPDATE, ch, e.asks, e.bids, nonce=e.nonce,
                                                begin_nonce=e.begin_nonce,
                                                last_updated_at=e.last_updated_at, ts=ts)
        if self.wanted(f"ticker:{m}"):
            tick = Channel("ticker", market=m)
            frame, bbo = self._ticker(fr.UPDATE, tick, ts)
            # A ticker frame is sent only when the best bid/offer actually moved.
            if bbo != self._bbo.get(m):
                self._bbo[m] = bbo
                yield tick.topic, frame

    def _on_trade(self, e: ev.TradeExecuted) -> Iterator[Update]:
        if not self.wanted(f"trade:{e.market_id}"):
            return
        ch = Channel("trade", market=e.market_id)
        trades, liquidations = ([], [e.trade]) if e.is_liquidation else ([e.trade], [])
        yield ch.topic, fr.trade_frame(fr.UPDATE, ch, trades, liquidations,
                                       nonce=self._nonce(e.market_id), ts=self.engine.now_ms())

    def _on_stats(self, market_id: int) -> Iterator[Update]:
        name = "spot_market_stats" if market_id >= MIN_SPOT_MARKET_INDEX else "market_stats"
        ts = self.engine.now_ms()
        for ch in (Channel(name, market=market_id), Channel(name, all_markets=True)):
            if self.wanted(ch.topic):
                # For /all, an update carries only the market that changed.
                stats = {market_id: self.engine.market_stats(market_id)}
                yield ch.topic, fr.market_stats_frame(fr.UPDATE, ch, stats, ts)

    # -- helpers --------------------------------------------------------------------------------
    def _ticker(self, kind: str, ch: Channel, ts: int) -> Tuple[dict, tuple]:
        spec = self.engine.market(ch.market)
        asks, bids, nonce = self.engine.book_levels(ch.market, depth=1)
        zero = (spec.price_str(0), spec.size_str(0))
        frame = fr.ticker_frame(kind, ch, spec.symbol, asks, bids, zero, nonce=nonce,
                                last_updated_at=self._updated_at(ch.market), ts=ts)
        return frame, (tuple(asks[:1]), tuple(bids[:1]))

    def _stats_for(self, ch: Channel) -> Dict[int, dict]:
        if not ch.all_markets:
            return {ch.market: self.engine.market_stats(ch.market)}
        spot = ch.name == "spot_market_stats"
        ids: List[int] = sorted(m for m in self.engine.markets if (m >= MIN_SPOT_MARKET_INDEX) == spot)
        return {m: self.engine.market_stats(m) for m in ids}

    def _updated_at(self, market_id: int) -> int:
        """µs of the book change the snapshot's nonce belongs to (the engine records it)."""
        return self.engine.book_last_updated_at(market_id)

    def _nonce(self, market_id: int) -> int:
        """The trade frame's ``nonce``: the market's book nonce (after the step being reported)."""
        return self.engine.book_levels(market_id, depth=0)[2]
