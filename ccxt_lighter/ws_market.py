"""Market statistics, best bid/ask and candles: watchTicker(s), watchMarkPrice(s),
watchFundingRate(s), watchBidsAsks, watchOHLCV(ForSymbols) and their un_watch.

Venue facts (REFERENCE.md 6.4): ``market_stats/{market|all}`` streams perps (``spot_market_stats``
spot markets; ``/all`` frames key each market's object by its id and carry only the markets that
changed); the object has last/mark/index prices, daily stats and the hourly funding rates in
percent; ``ticker/{market}`` is the best bid/offer; ``candle/{market}/{resolution}`` streams
``{t,o,h,l,c,v,V,i}`` rows for 1m..1d (1w is REST-only).

Invariant: ticker, mark price and funding rate of a market are three watchers of ONE subscription
(its hashes ``ticker::S``, ``markPrice::S``, ``fundingRate::S``), so unwatching one keeps the others.
"""
from __future__ import annotations

from typing import List

from ccxt.async_support.base.ws.cache import ArrayCacheByTimestamp
from ccxt.base.errors import ArgumentsRequired, BadRequest

from . import channels as ch
from . import ws_parsers as wp
from .parsers import ohlcv_row

WS_RESOLUTIONS = ch.WS_RESOLUTIONS


class WsMarketMixin:

    @staticmethod
    def _stats_channel(market: dict) -> ch.Channel:
        return ch.spot_market_stats(market["id"]) if market.get("spot") else ch.market_stats(market["id"])

    def _resolution(self, timeframe: str) -> str:
        resolution = self.safe_string(self.timeframes, timeframe, timeframe)
        if resolution not in WS_RESOLUTIONS:
            raise BadRequest(f"{self.id} watchOHLCV() timeframe must be one of {list(WS_RESOLUTIONS)}")
        return resolution

    # ----------------------------------------------------------------------------- market stats
    def _stats_pairs(self, symbols, prefix: str, perps_only: bool = False):
        out = []
        for symbol in symbols:
            market = self.market(symbol)
            if perps_only and market.get("spot"):
                raise BadRequest(f"{self.id} {symbol} is a spot market: it has no funding rate")
            out.append((self._stats_channel(market), prefix + market["symbol"]))
        return out

    def _all_stats_pairs(self, plural_hash: str, perps_only: bool = False):
        pairs = [(ch.market_stats("all"), plural_hash)]
        if not perps_only and any(m.get("spot") for m in self.markets.values()):
            pairs.append((ch.spot_market_stats("all"), plural_hash))
        return pairs

    async def _watch_stats(self, symbol: str, consumer: str, perps_only: bool = False):
        await self.load_markets()
        channel, message_hash = self._stats_pairs([symbol], consumer + "::", perps_only)[0]
        return await self._ws_subscribe(channel, message_hash)

    async def _watch_stats_many(self, symbols, consumer: str, perps_only: bool = False) -> dict:
        await self.load_markets()
        if symbols is None:
            result = await self._ws_subscribe_many(self._all_stats_pairs(consumer + "s", perps_only))
        else:
            symbols = self._ws_symbols(symbols, "watch" + consumer[0].upper() + consumer[1:] + "s")
            item = await self._ws_subscribe_many(self._stats_pairs(symbols, consumer + "::", perps_only))
            result = {item["symbol"]: item}
        if self.newUpdates:
            return result
        store = self.fundingRates if consumer == "fundingRate" else self.tickers
        return self.filter_by_array(store, "symbol", symbols)

    async def _unwatch_stats(self, symbols, consumer: str, perps_only: bool = False):
        await self.load_markets()
        if symbols is None:
            pairs = self._all_stats_pairs(consumer + "s", perps_only)
        else:
            pairs = self._stats_pairs(self.market_symbols(symbols), consumer + "::", perps_only)
        for channel, message_hash in pairs:
            await self._ws_unsubscribe(channel, message_hash)
        return True

    async def watch_ticker(self, symbol: str, params={}):
        return await self._watch_stats(symbol, "ticker")

    async def watch_tickers(self, symbols=None, params={}):
        return await self._watch_stats_many(symbols, "ticker")

    async def un_watch_ticker(self, symbol: str, params={}):
        return await self._unwatch_stats([symbol], "ticker")

    async def un_watch_tickers(self, symbols=None, params={}):
        return await self._unwatch_stats(symbols, "ticker")

    async def watch_mark_price(self, symbol: str, params={}):
        return await self._watch_stats(symbol, "markPrice")

    async def watch_mark_prices(self, symbols=None, params={}):
        return await self._watch_stats_many(symbols, "markPrice")

    async def un_watch_mark_price(self, symbol: str, params={}):
        return await self._unwatch_stats([symbol], "markPrice")

    async def un_watch_mark_prices(self, symbols=None, params={}):
        return await self._unwatch_stats(symbols, "markPrice")

    async def watch_funding_rate(self, symbol: str, params={}):
        return await self._watch_stats(symbol, "fundingRate", True)

    async def watch_funding_rates(self, symbols=None, params={}):
        return await self._watch_stats_many(symbols, "fundingRate", True)

    async def un_watch_funding_rate(self, symbol: str, params={}):
        return await self._unwatch_stats([symbol], "fundingRate", True)

    async def un_watch_funding_rates(self, symbols=None, params={}):
        return await self._unwatch_stats(symbols, "fundingRate", True)

    def _ws_on_stats(self, client, message):
        topic = message["channel"]
        body = message.get("market_stats") or message.get("spot_market_stats") or {}
        timestamp = message.get("timestamp")
        if topic.endswith(":all"):
            items = list(body.items())
        else:
            items = [(ch.topic_args(topic)[0], body)]
        updated = {"ticker": {}, "markPrice": {}, "fundingRate": {}}
        for market_id, stats in items:
            market = self.safe_market(str(market_id))
            symbol = market["symbol"]
            ticker = wp.ticker_from_stats(self, stats, market, timestamp)
            self.tickers[symbol] = ticker
            updated["ticker"][symbol] = updated["markPrice"][symbol] = ticker
            self._ws_deliver(client, ticker, "ticker::" + symbol)
            self._ws_deliver(client, ticker, "markPrice::" + symbol)
            if not market.get("spot"):
                rate = self.fundingRates[symbol] = wp.funding_rate_from_stats(self, stats, market, timestamp)
                updated["fundingRate"][symbol] = rate
                self._ws_deliver(client, rate, "fundingRate::" + symbol)
        if topic.endswith(":all"):
            for consumer, values in updated.items():
                if not values:
                    continue
                plural = consumer + "s"
                pending = self._ws_pending.get(plural)
                if plural not in client.futures and isinstance(pending, dict):
                    pending.update(values)  # several frames while nobody waited: one merged result
                else:
                    self._ws_deliver(client, values, plural)

    # ----------------------------------------------------------------------------- best bid/ask
    def _bbo_pairs(self, symbols):
        return [(ch.ticker(self.market(s)["id"]), "bidsasks::" + self.market(s)["symbol"]) for s in symbols]

    async def watch_bids_asks(self, symbols=None, params={}):
        """Best bid/ask per market from the ``ticker`` channel (one subscription per market)."""
        await self.load_markets()
        symbols = self.market_symbols(symbols) if symbols is not None else list(self.symbols)
        item = await self._ws_subscribe_many(self._bbo_pairs(symbols))
        if self.newUpdates:
            return {item["symbol"]: item}
        return self.filter_by_array(self.bidsasks, "symbol", symbols)

    async def un_watch_bids_asks(self, symbols=None, params={}):
        await self.load_markets()
        symbols = self.market_symbols(symbols) if symbols is not None else list(self.symbols)
        for channel, message_hash in self._bbo_pairs(symbols):
            await self._ws_unsubscribe(channel, message_hash)
        return True

    def _ws_on_bbo(self, client, message):
        market = self._ws_market(message["channel"])
        item = wp.bidask_from_ticker(self, message.get("ticker") or {}, market, message.get("timestamp"))
        self.bidsasks[market["symbol"]] = item
        self._ws_deliver(client, item, "bidsasks::" + market["symbol"])

    # ----------------------------------------------------------------------------- OHLCV
    def _ohlcv_pairs(self, symbols_and_timeframes):
        out = []
        for symbol, timeframe in symbols_and_timeframes:
            market = self.market(symbol)
            resolution = self._resolution(timeframe)
            out.append((ch.candle(market["id"], resolution), f"ohlcv::{market['symbol']}::{timeframe}"))
        return out

    async def watch_ohlcv(self, symbol: str, timeframe="1m", since=None, limit=None, params={}):
        await self.load_markets()
        result = await self.watch_ohlcv_for_symbols([[symbol, timeframe]], since, limit, params)
        return result[self.market(symbol)["symbol"]][timeframe]

    async def watch_ohlcv_for_symbols(self, symbolsAndTimeframes: List[List[str]], since=None, limit=None, params={}):
        await self.load_markets()
        if not symbolsAndTimeframes:
            raise ArgumentsRequired(f"{self.id} watchOHLCVForSymbols() requires [[symbol, timeframe], ...]")
        symbol, timeframe, stored = await self._ws_subscribe_many(self._ohlcv_pairs(symbolsAndTimeframes))
        if self.newUpdates:
            limit = stored.getLimit(symbol, limit)
        return self.create_ohlcv_object(symbol, timeframe, self.filter_by_since_limit(stored, since, limit, 0, True))

    async def un_watch_ohlcv(self, symbol: str, timeframe="1m", params={}):
        return await self.un_watch_ohlcv_for_symbols([[symbol, timeframe]], params)

    async def un_watch_ohlcv_for_symbols(self, symbolsAndTimeframes: List[List[str]], params={}):
        await self.load_markets()
        for channel, message_hash in self._ohlcv_pairs(symbolsAndTimeframes):
            await self._ws_unsubscribe(channel, message_hash)
        return True

    def _ws_on_candle(self, client, message):
        topic = message["channel"]
        candles = message.get("candles")
        if not candles:  # an empty snapshot (no trade yet) is nothing to deliver
            return
        market = self._ws_market(topic)
        resolution = ch.topic_args(topic)[1]
        symbol = market["symbol"]
        per_symbol = self.ohlcvs.setdefault(symbol, {})
        timeframes = [tf for tf, res in (self.timeframes or {}).items() if res == resolution] or [resolution]
        rows = [ohlcv_row(c, self.parse_number) for c in sorted(candles, key=lambda c: c.get("t", 0))]
        for timeframe in timeframes:
            stored = per_symbol.get(timeframe)
            if stored is None:
                stored = per_symbol[timeframe] = ArrayCacheByTimestamp(self.safe_integer(self.options, "OHLCVLimit", 1000))
            for row in rows:
                stored.append(row)
            self._ws_deliver(client, [symbol, timeframe, stored], f"ohlcv::{symbol}::{timeframe}")

    def _ws_on_height(self, client, message):
        client.resolve(message.get("height"), "height")
