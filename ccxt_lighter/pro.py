"""ccxt.pro layer of the Lighter class: watch*/un_watch* and *Ws methods over ``/stream``.

Venue facts (REFERENCE.md 6): one WebSocket carries every channel; data frames name their topic
(``order_book:0``) and type (``subscribed/…`` snapshot, then ``update/…``); the order book is kept
with begin_nonce continuity (orderbook.py); ``trade`` frames also carry ``liquidation_trades``.

The class is assembled from small mixins: ws_core (clients, subscriptions, delivery), ws_control
(drops, reconnects, control frames), ws_market (stats, best bid/ask, candles), ws_private (account
streams, REST catch-up, token renewal), ws_trading (*Ws order methods); this module holds the
frame dispatch, the order book and the trades.

Invariants: handlers never deliver a book that is not continuous and uncrossed; every watch has an
un_watch that really unsubscribes on the server once its last watcher leaves; the class only adds
streaming to the REST class, so ``lighter`` keeps every REST method unchanged.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from ccxt.async_support.base.ws.cache import ArrayCache
from ccxt.base.errors import ArgumentsRequired

from . import channels as ch
from . import exchange as _rest
from . import orderbook as obk
from . import ws_parsers as wp
from .spec import HAS_WS
from .ws_connection import DEFAULTS
from .ws_control import WsControlMixin
from .ws_core import WsCoreMixin
from .ws_market import WsMarketMixin
from .ws_private import WsPrivateMixin
from .ws_trading import WsTradingMixin


class lighter(WsMarketMixin, WsTradingMixin, WsPrivateMixin, WsControlMixin, WsCoreMixin, _rest.lighter):

    def describe(self):
        return self.deep_extend(super().describe(), {
            "has": dict(HAS_WS),  # the WS urls (``urls.api.ws``/``urls.test.ws``) come from spec.py
            # ccxt's ping loop sends self.ping(client) every keepAlive ms; the venue closes sockets
            # idle for 2 minutes, so 30 s leaves room for three missed beats
            "streaming": {"keepAlive": 30000, "maxPingPongMisses": 2},
            "options": {
                "wsConnection": dict(DEFAULTS),
                "tradesLimit": 1000,
                "OHLCVLimit": 1000,
                "ordersLimit": 1000,
                "liquidationsLimit": 1000,
            },
        })

    def __init__(self, config={}):
        super().__init__(config)
        self._ws_books: Dict[str, tuple] = {}  # topic -> (BookSync, message hash)
        self._ws_topic_markets: Dict[str, dict] = {}
        self._ws_pending: Dict[str, object] = {}  # results nobody awaited yet (see _ws_deliver)
        if self.fundingRates is None:
            self.fundingRates = {}
        self._ws_dispatch = self._ws_build_dispatch()

    # ----------------------------------------------------------------------------- dispatch
    def _ws_build_dispatch(self) -> dict:
        by_name = {
            "order_book": self._ws_on_book,
            "trade": self._ws_on_trade,
            "market_stats": self._ws_on_stats,
            "spot_market_stats": self._ws_on_stats,
            "ticker": self._ws_on_bbo,
            "candle": self._ws_on_candle,
            "height": self._ws_on_height,
        }
        by_name.update(self._ws_private_handlers())
        table = {}
        for name, handler in by_name.items():
            table["update/" + name] = handler
            table["subscribed/" + name] = handler
        return table

    def handle_message(self, client, message):
        if message.__class__ is not dict:  # the venue sends bare `null` frames now and then
            return
        kind = message.get("type")
        handler = self._ws_dispatch.get(kind)
        if handler is not None:
            if kind[0] == "s":  # subscribed/<name>: the snapshot acknowledges the subscribe
                self._ws_on_subscribed(client, message)
            handler(client, message)
            return
        self._ws_on_control(client, kind, message)

    # ----------------------------------------------------------------------------- helpers
    def _ws_market(self, topic: str) -> dict:
        market = self._ws_topic_markets.get(topic)
        if market is None:
            market = self.safe_market(ch.topic_args(topic)[0])
            self._ws_topic_markets[topic] = market
        return market

    def _ws_symbols(self, symbols, name: str) -> List[str]:
        symbols = self.market_symbols(symbols, None, False)
        if not symbols:
            raise ArgumentsRequired(f"{self.id} {name}() requires a non-empty list of symbols")
        return symbols

    # ----------------------------------------------------------------------------- order book
    def _ws_book_channel(self, symbol: str):
        market = self.market(symbol)
        channel = ch.order_book(market["id"])
        topic = channel.topic
        if topic not in self._ws_books:
            sync = obk.BookSync(market["symbol"])
            self._ws_books[topic] = (sync, "orderbook::" + market["symbol"])
            self.orderbooks[market["symbol"]] = sync.book
        return channel, self._ws_books[topic][1]

    async def watch_order_book(self, symbol: str, limit: Optional[int] = None, params={}):
        """Live book of ``symbol``: snapshot + begin_nonce-continuous deltas, resynced on any gap."""
        await self.load_markets()
        channel, message_hash = self._ws_book_channel(symbol)
        book = await self._ws_subscribe(channel, message_hash)
        return obk.limited(book, limit)

    async def watch_order_book_for_symbols(self, symbols: List[str], limit: Optional[int] = None, params={}):
        await self.load_markets()
        pairs = [self._ws_book_channel(s) for s in self._ws_symbols(symbols, "watchOrderBookForSymbols")]
        book = await self._ws_subscribe_many(pairs)
        return obk.limited(book, limit)

    async def un_watch_order_book(self, symbol: str, params={}):
        await self.load_markets()
        channel, message_hash = self._ws_book_channel(symbol)
        return await self._ws_unsubscribe(channel, message_hash)

    async def un_watch_order_book_for_symbols(self, symbols: List[str], params={}):
        await self.load_markets()
        for symbol in self._ws_symbols(symbols, "unWatchOrderBookForSymbols"):
            await self.un_watch_order_book(symbol)
        return True

    def _ws_on_book(self, client, message):
        entry = self._ws_books.get(message["channel"])
        if entry is None:  # nobody watches this book any more (late frame after an unwatch)
            return
        sync, message_hash = entry
        outcome = sync.apply(message)
        if outcome is obk.APPLIED or outcome is obk.SNAPSHOT:
            self._ws_deliver(client, sync.book, message_hash)
        elif outcome is obk.GAP or outcome is obk.CROSSED:
            channel = ch.channel_from_topic(message["channel"])
            self._ws_resubscribe(client, channel)

    # ----------------------------------------------------------------------------- trades
    def _trade_pairs(self, symbols, prefix: str):
        out = []
        for symbol in symbols:
            market = self.market(symbol)
            out.append((ch.trade(market["id"]), prefix + market["symbol"]))
        return out

    async def watch_trades(self, symbol: str, since: Optional[int] = None, limit: Optional[int] = None, params={}):
        return await self.watch_trades_for_symbols([symbol], since, limit, params)

    async def watch_trades_for_symbols(self, symbols: List[str], since=None, limit=None, params={}):
        await self.load_markets()
        symbols = self._ws_symbols(symbols, "watchTradesForSymbols")
        trades = await self._ws_subscribe_many(self._trade_pairs(symbols, "trades::"))
        if self.newUpdates:
            limit = trades.getLimit(trades[-1]["symbol"] if trades else None, limit)
        return self.filter_by_since_limit(trades, since, limit, "timestamp", True)

    async def un_watch_trades(self, symbol: str, params={}):
        return await self.un_watch_trades_for_symbols([symbol], params)

    async def un_watch_trades_for_symbols(self, symbols: List[str], params={}):
        await self.load_markets()
        for channel, message_hash in self._trade_pairs(self._ws_symbols(symbols, "unWatchTrades"), "trades::"):
            await self._ws_unsubscribe(channel, message_hash)
        return True

    async def watch_liquidations(self, symbol: str, since=None, limit=None, params={}):
        return await self.watch_liquidations_for_symbols([symbol], since, limit, params)

    async def watch_liquidations_for_symbols(self, symbols: List[str], since=None, limit=None, params={}):
        await self.load_markets()
        symbols = self._ws_symbols(symbols, "watchLiquidationsForSymbols")
        stored = await self._ws_subscribe_many(self._trade_pairs(symbols, "liquidations::"))
        if self.newUpdates:
            limit = stored.getLimit(stored[-1]["symbol"] if stored else None, limit)
        return self.filter_by_since_limit(stored, since, limit, "timestamp", True)

    async def un_watch_liquidations(self, symbol: str, params={}):
        return await self.un_watch_liquidations_for_symbols([symbol], params)

    async def un_watch_liquidations_for_symbols(self, symbols: List[str], params={}):
        await self.load_markets()
        pairs = self._trade_pairs(self._ws_symbols(symbols, "unWatchLiquidations"), "liquidations::")
        for channel, message_hash in pairs:
            await self._ws_unsubscribe(channel, message_hash)
        return True

    def _ws_on_trade(self, client, message):
        market = self._ws_market(message["channel"])
        symbol = market["symbol"]
        snapshot = message["type"][0] == "s"
        trades = message.get("trades") or []
        if trades:
            stored = self.trades.get(symbol)
            if stored is None:
                stored = self.trades[symbol] = ArrayCache(self.safe_integer(self.options, "tradesLimit", 1000))
            parsed = [self.parse_trade(t, market) for t in wp.trades_newest_last(trades)]
            self._ws_append_new(stored, parsed, snapshot, _trade_id)
            self._ws_deliver(client, stored, "trades::" + symbol)
        liquidations = message.get("liquidation_trades") or []
        if liquidations:
            if not isinstance(self.liquidations, dict):
                self.liquidations = {}
            stored = self.liquidations.get(symbol)
            if stored is None:
                stored = self.liquidations[symbol] = ArrayCache(self.safe_integer(self.options, "liquidationsLimit", 1000))
            parsed = [wp.liquidation_from_trade(self, t, market) for t in wp.trades_newest_last(liquidations)]
            self._ws_append_new(stored, parsed, snapshot, _info_trade_id)
            self._ws_deliver(client, stored, "liquidations::" + symbol)

    @staticmethod
    def _ws_append_new(stored, items, snapshot: bool, ident) -> None:
        """Append items; a snapshot (sent again after every resubscribe) skips ones already stored."""
        if snapshot and len(stored):
            seen = {ident(x) for x in stored}
            items = [x for x in items if ident(x) not in seen]
        for item in items:
            stored.append(item)

    # ----------------------------------------------------------------------------- ws_core hooks
    def _ws_on_connection_lost(self, channel: ch.Channel) -> None:
        entry = self._ws_books.get(channel.topic)
        if entry is not None:
            entry[0].invalidate()

    def _ws_on_last_consumer_gone(self, channel: ch.Channel) -> None:
        if channel.name == "order_book":
            entry = self._ws_books.pop(channel.topic, None)
            if entry is not None:
                self.orderbooks.pop(entry[0].symbol, None)
        elif channel.name == "trade":
            symbol = self.safe_symbol(channel.args[0])
            self.trades.pop(symbol, None)
            if isinstance(self.liquidations, dict):
                self.liquidations.pop(symbol, None)
        elif channel.name == "candle":
            symbol = self.safe_symbol(channel.args[0])
            for tf, res in list((self.timeframes or {}).items()) + [(channel.args[1], channel.args[1])]:
                if res == channel.args[1]:
                    self.ohlcvs.get(symbol, {}).pop(tf, None)
        else:
            self._ws_private_consumer_gone(channel)


def _trade_id(trade: dict):
    return trade.get("id")


def _info_trade_id(item: dict):
    return (item.get("info") or {}).get("trade_id")


__all__ = ["lighter"]
