"""Account streams: watchOrders, watchMyTrades, watchPositions, watchBalance, watchMyLiquidations.

Venue facts (REFERENCE.md 6.4, 7.8): account channels (``account_all_orders/{account}``,
``account_all_trades/…``, ``account_all_positions/…``, ``account_all_assets/…``, ``user_stats/…``,
``notification/…``) take an auth token in the subscribe frame; their snapshot is the current state
(open orders, recent trades, positions, balances) and updates carry the changed objects in the REST
shapes, keyed by market id. Tokens live at most 8 hours.

Invariants:
* nothing of an account is lost across a reconnect: once every account channel of the new socket
  is live again (new token, new snapshot), orders and fills since the last update seen are fetched
  over REST and merged (:meth:`_ws_reconcile`);
* a cached order never moves backwards: an update older than the cached state (by ``updated_at``,
  then by fill) is ignored, and a final state is never replaced by an open one of the same age;
* before a token expires the account channels are resubscribed with a fresh one (and reconciled).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Dict, Iterable, List, Optional

from ccxt.async_support.base.ws.cache import ArrayCacheBySymbolById, ArrayCacheBySymbolBySide
from ccxt.base.errors import AuthenticationError, NetworkError

from . import channels as ch
from . import parsers_account as pa
from . import ws_parsers as wp

log = logging.getLogger(__name__)

FINAL = ("closed", "canceled", "expired", "rejected")
RECONCILE_SLACK_MS = 10_000  # REST catch-up starts this long before the last update we saw
RECONCILE_LIMIT = 500  # finished orders fetched per catch-up (REST pages of 100)


def order_is_stale(existing: Optional[dict], new: dict) -> bool:
    """Whether ``new`` is older than ``existing`` (so it must not overwrite it)."""
    if existing is None:
        return False
    old_t, new_t = existing.get("lastUpdateTimestamp") or 0, new.get("lastUpdateTimestamp") or 0
    if new_t != old_t:
        return new_t < old_t
    if existing.get("status") in FINAL and new.get("status") not in FINAL:
        return True
    return (new.get("filled") or 0) < (existing.get("filled") or 0)


class WsPrivateMixin:
    """Account channels on top of :class:`~ccxt_lighter.ws_core.WsCoreMixin`."""

    def _ws_private_handlers(self) -> dict:
        return {
            "account_all_orders": self._ws_on_orders,
            "account_orders": self._ws_on_orders,
            "account_all_trades": self._ws_on_my_trades,
            "account_all_positions": self._ws_on_positions,
            "account_all_assets": self._ws_on_assets,
            "user_stats": self._ws_on_user_stats,
            "notification": self._ws_on_notification,
        }

    # ----------------------------------------------------------------------------- identity
    def _ws_require_auth(self) -> None:
        self._ws_account_index()

    def _ws_account_index(self) -> int:
        """The account of the private channels (resolved by the trading state, see private.py)."""
        state = getattr(self, "_lighter_state", None)
        if state is None or state.account_index is None:
            raise AuthenticationError(f"{self.id} private channels need credentials: privateKey, "
                                      "options['apiKeyIndex'] and options['accountIndex'] (or walletAddress)")
        return int(state.account_index)

    async def _ws_auth_token(self) -> str:
        """A token valid for at least the cache's refresh margin (the same cache REST uses)."""
        return await self.auth_token()

    def _ws_auth_deadline(self) -> Optional[int]:
        state = getattr(self, "_lighter_state", None)
        if state is None or not state.creds.can_sign:
            return None  # a user-supplied token: nothing we could renew
        return state.auth.deadline(state.account_index, state.api_key_index)

    def _ws_auth_invalidate(self) -> None:
        state = getattr(self, "_lighter_state", None)
        if state is not None and state.creds.can_sign:
            state.auth.invalidate(state.account_index, state.api_key_index)

    def _ws_channel(self, name: str) -> ch.Channel:
        return ch.account(name, self._ws_account_index())

    @staticmethod
    def _ws_hash(prefix: str, symbol: Optional[str]) -> str:
        return prefix if symbol is None else prefix + "::" + symbol

    async def _ws_private_prepare(self, symbol: Optional[str]) -> Optional[str]:
        await self.load_markets()
        await self._trading_ready(signing=False)
        return None if symbol is None else self.market(symbol)["symbol"]

    # ----------------------------------------------------------------------------- orders
    async def watch_orders(self, symbol: Optional[str] = None, since=None, limit=None, params={}):
        symbol = await self._ws_private_prepare(symbol)
        orders = await self._ws_subscribe(self._ws_channel("account_all_orders"), self._ws_hash("orders", symbol))
        if self.newUpdates:
            limit = orders.getLimit(symbol, limit)
        return self.filter_by_symbol_since_limit(orders, symbol, since, limit, True)

    async def un_watch_orders(self, symbol: Optional[str] = None, params={}):
        symbol = await self._ws_private_prepare(symbol)
        return await self._ws_unsubscribe(self._ws_channel("account_all_orders"), self._ws_hash("orders", symbol))

    def _ws_orders_cache(self):
        if self.orders is None:
            self.orders = ArrayCacheBySymbolById(self.safe_integer(self.options, "ordersLimit", 1000))
        return self.orders

    def _ws_store_order(self, order: dict) -> bool:
        cache = self._ws_orders_cache()
        existing = cache.hashmap.get(order["symbol"], {}).get(order["id"])
        if order_is_stale(existing, order):
            return False
        cache.append(order)
        stamp = order.get("lastUpdateTimestamp") or order.get("timestamp")
        if stamp and stamp > self._ws_marks().get("orders", 0):
            self._ws_marks()["orders"] = stamp
        return True

    def _ws_publish(self, client, prefix: str, cache, symbols: Iterable[str]) -> None:
        for symbol in set(symbols):
            self._ws_deliver(client, cache, prefix + "::" + symbol)
        self._ws_deliver(client, cache, prefix)

    def _ws_on_orders(self, client, message) -> None:
        touched = []
        for market_id, raw in wp.flat_items(message.get("orders")):
            order = pa.parse_order(self, raw, self.safe_market(market_id) if market_id is not None else None)
            if self._ws_store_order(order):
                touched.append(order["symbol"])
        if touched:
            self._ws_publish(client, "orders", self.orders, touched)

    # ----------------------------------------------------------------------------- my trades
    async def watch_my_trades(self, symbol: Optional[str] = None, since=None, limit=None, params={}):
        symbol = await self._ws_private_prepare(symbol)
        trades = await self._ws_subscribe(self._ws_channel("account_all_trades"), self._ws_hash("myTrades", symbol))
        if self.newUpdates:
            limit = trades.getLimit(symbol, limit)
        return self.filter_by_symbol_since_limit(trades, symbol, since, limit, True)

    async def un_watch_my_trades(self, symbol: Optional[str] = None, params={}):
        symbol = await self._ws_private_prepare(symbol)
        return await self._ws_unsubscribe(self._ws_channel("account_all_trades"), self._ws_hash("myTrades", symbol))

    def _ws_store_my_trades(self, trades: Iterable[dict]) -> List[str]:
        if self.myTrades is None:
            self.myTrades = ArrayCacheBySymbolById(self.safe_integer(self.options, "tradesLimit", 1000))
        touched = []
        marks = self._ws_marks()
        for trade in trades:
            if trade["id"] in self.myTrades.hashmap.get(trade["symbol"], {}):
                continue  # a snapshot after a resubscribe repeats recent fills
            self.myTrades.append(trade)
            touched.append(trade["symbol"])
            if (trade.get("timestamp") or 0) > marks.get("myTrades", 0):
                marks["myTrades"] = trade["timestamp"]
        return touched

    def _ws_on_my_trades(self, client, message) -> None:
        account = self._ws_account_index()
        parsed = []
        for market_id, items in wp.market_items(message.get("trades")):
            market = self.safe_market(market_id) if market_id is not None else None
            rows = items if isinstance(items, list) else [items]
            parsed.extend(pa.parse_my_trade(self, t, account, market) for t in wp.trades_newest_last(rows))
        touched = self._ws_store_my_trades(parsed)
        if touched:
            self._ws_publish(client, "myTrades", self.myTrades, touched)

    # ----------------------------------------------------------------------------- positions
    async def watch_positions(self, symbols=None, since=None, limit=None, params={}):
        await self._ws_private_prepare(None)
        symbols = self.market_symbols(symbols)
        channel = self._ws_channel("account_all_positions")
        if symbols:
            positions = await self._ws_subscribe_many([(channel, "positions::" + s) for s in symbols])
        else:
            positions = await self._ws_subscribe(channel, "positions")
        if self.newUpdates:
            limit = positions.getLimit(symbols[0] if symbols and len(symbols) == 1 else None, limit)
        return self.filter_by_symbols_since_limit(positions, symbols, since, limit, True)

    async def un_watch_positions(self, symbols=None, params={}):
        await self._ws_private_prepare(None)
        channel = self._ws_channel("account_all_positions")
        for message_hash in ["positions::" + s for s in self.market_symbols(symbols) or []] or ["positions"]:
            await self._ws_unsubscribe(channel, message_hash)
        return True

    def _ws_store_position(self, position: dict) -> None:
        """One net position per market: a flat or flipped position zeroes the other side's entry."""
        if self.positions is None:
            self.positions = ArrayCacheBySymbolBySide()
        held = self.positions.hashmap.get(position["symbol"], {})
        for side in [s for s in held if s != position["side"]]:
            self.positions.append(self.extend(position, {"side": side, "contracts": 0.0, "notional": 0.0}))
        if position["side"] is not None or not held:
            self.positions.append(position)

    def _ws_on_positions(self, client, message) -> None:
        touched = []
        stamp = message.get("timestamp") or self.milliseconds()  # frames without one: time received
        for market_id, raw in wp.flat_items(message.get("positions")):
            position = pa.parse_position(self, raw, self.safe_market(market_id) if market_id is not None else None)
            position["timestamp"], position["datetime"] = stamp, self.iso8601(stamp)
            self._ws_store_position(position)
            touched.append(position["symbol"])
        if touched:
            self._ws_publish(client, "positions", self.positions, touched)

    # ----------------------------------------------------------------------------- balance
    def _ws_balance_kind(self, params) -> str:
        kind = self.safe_string_2(params, "type", "defaultType", self.safe_string(self.options, "defaultType", "swap"))
        return "spot" if kind == "spot" else "swap"

    async def watch_balance(self, params={}):
        """``swap`` (default): perp collateral in USDC from ``user_stats``; ``spot``: account assets."""
        await self._ws_private_prepare(None)
        kind = self._ws_balance_kind(params)
        name = "account_all_assets" if kind == "spot" else "user_stats"
        return await self._ws_subscribe(self._ws_channel(name), "balance::" + kind)

    async def un_watch_balance(self, params={}):
        await self._ws_private_prepare(None)
        kind = self._ws_balance_kind(params)
        name = "account_all_assets" if kind == "spot" else "user_stats"
        return await self._ws_unsubscribe(self._ws_channel(name), "balance::" + kind)

    def _ws_set_balance(self, client, kind: str, rows: Dict[str, dict], info) -> None:
        balance = self.safe_balance(dict(rows, info=info, timestamp=self.milliseconds()))
        self._ws_marks()["balance::" + kind] = balance
        self.balance = balance
        self._ws_deliver(client, balance, "balance::" + kind)

    def _ws_on_assets(self, client, message) -> None:
        assets = [a for _, a in wp.flat_items(message.get("assets"))]
        self._ws_set_balance(client, "spot", pa.spot_balances(self, {"assets": assets}), message)

    def _ws_on_user_stats(self, client, message) -> None:
        stats = message.get("stats") or {}
        total = self.safe_string_2(stats, "portfolio_value", "collateral", "0")
        free = self.safe_string(stats, "available_balance", total)
        account = {"collateral": total, "available_balance": free, "positions": []}
        self._ws_set_balance(client, "swap", {"USDC": pa.perp_balance(self, account)}, message)

    # ----------------------------------------------------------------------------- liquidations
    async def watch_my_liquidations(self, symbol: Optional[str] = None, since=None, limit=None, params={}):
        symbol = await self._ws_private_prepare(symbol)
        stored = await self._ws_subscribe(self._ws_channel("notification"), self._ws_hash("myLiquidations", symbol))
        if self.newUpdates:
            limit = stored.getLimit(symbol, limit)
        return self.filter_by_symbol_since_limit(stored, symbol, since, limit, True)

    async def watch_my_liquidations_for_symbols(self, symbols: List[str], since=None, limit=None, params={}):
        await self._ws_private_prepare(None)
        channel = self._ws_channel("notification")
        symbols = self.market_symbols(symbols)
        stored = await self._ws_subscribe_many([(channel, "myLiquidations::" + s) for s in symbols])
        return self.filter_by_symbols_since_limit(stored, symbols, since, limit, True)

    async def un_watch_my_liquidations(self, symbol: Optional[str] = None, params={}):
        symbol = await self._ws_private_prepare(symbol)
        return await self._ws_unsubscribe(self._ws_channel("notification"), self._ws_hash("myLiquidations", symbol))

    def _ws_on_notification(self, client, message) -> None:
        if self.myLiquidations is None:
            self.myLiquidations = ArrayCacheBySymbolById(self.safe_integer(self.options, "liquidationsLimit", 1000))
        touched = []
        for notif in message.get("notifs") or []:
            if not isinstance(notif, dict) or notif.get("kind") not in ("liquidation", "deleverage"):
                continue
            content = notif.get("content") or {}
            market = self.safe_market(self.safe_string(content, "market_index"))
            item = wp.liquidation_from_notification(self, notif, market)
            item["id"] = notif.get("id")
            if item["id"] in self.myLiquidations.hashmap.get(item["symbol"], {}):
                continue
            self.myLiquidations.append(item)
            touched.append(item["symbol"])
        if touched:
            self._ws_publish(client, "myLiquidations", self.myLiquidations, touched)

    # ----------------------------------------------------------------------------- lifecycle
    def _ws_marks(self) -> dict:
        """Watermarks (ms) of the newest order / fill seen, for the REST catch-up after a gap."""
        return self._ws_state().setdefault("marks", {})

    def _ws_private_consumer_gone(self, channel: ch.Channel) -> None:
        caches = {"account_all_orders": "orders", "account_all_trades": "myTrades",
                  "account_all_positions": "positions", "notification": "myLiquidations"}
        attr = caches.get(channel.name)
        if attr is not None:
            setattr(self, attr, None)

    def _ws_after_reconnect(self, client) -> None:
        private = {form for form, sub in client.subscriptions.items()
                   if isinstance(sub, dict) and "channel" in sub and sub["channel"].auth}
        if private and self.ws_option("reconcile"):
            client.awaiting_reconcile = private

    def _ws_channel_live(self, client, sub: dict) -> None:
        waiting = getattr(client, "awaiting_reconcile", None)
        if sub["channel"].auth:
            self._ws_schedule_auth_refresh(client)
            # a catch-up never reaches back before the stream started (no history as "updates")
            mark = {"account_all_orders": "orders", "account_all_trades": "myTrades"}.get(sub["channel"].name)
            if mark is not None:
                self._ws_marks().setdefault(mark, self.milliseconds())
        if waiting:
            waiting.discard(sub["channel"].subscribe_form)
            if not waiting:
                client.awaiting_reconcile = None
                names = {s["channel"].name for s in client.subscriptions.values()
                         if isinstance(s, dict) and "channel" in s and s["channel"].auth}
                self._ws_spawn(self._ws_reconcile(client, names))

    async def _ws_reconcile(self, client, names: Iterable[str]) -> None:
        """REST catch-up after a gap in the account stream (orders and fills since the watermark)."""
        names = set(names)
        if "account_all_orders" in names:
            await self._ws_retry(self._ws_reconcile_orders, client)
        if "account_all_trades" in names:
            await self._ws_retry(self._ws_reconcile_trades, client)

    async def _ws_retry(self, step, client, attempts: int = 4) -> None:
        for attempt in range(attempts):
            try:
                return await step(client)
            except NetworkError as exc:  # rate limits and timeouts: the catch-up must still happen
                log.info("lighter ws reconcile retry %d after %r", attempt + 1, exc)
                await asyncio.sleep(0.2 * 2 ** attempt)
        await step(client)

    def _ws_reconcile_since(self, key: str) -> Optional[int]:
        mark = self._ws_marks().get(key)
        return None if mark is None else max(0, mark - RECONCILE_SLACK_MS)

    async def _ws_reconcile_orders(self, client) -> None:
        since = self._ws_reconcile_since("orders")
        found = list(await self.fetch_open_orders())
        found += await self.fetch_canceled_and_closed_orders(None, since, RECONCILE_LIMIT)
        touched = [o["symbol"] for o in sorted(found, key=lambda o: o.get("lastUpdateTimestamp") or 0)
                   if self._ws_store_order(o)]
        if touched:  # to the live connection: this one may have been replaced meanwhile
            self._ws_publish(self._ws_current(client), "orders", self.orders, touched)

    async def _ws_reconcile_trades(self, client) -> None:
        trades = await self.fetch_my_trades(None, self._ws_reconcile_since("myTrades"))
        touched = self._ws_store_my_trades(sorted(trades, key=lambda t: t.get("timestamp") or 0))
        if touched:
            self._ws_publish(self._ws_current(client), "myTrades", self.myTrades, touched)

    def _ws_current(self, client):
        return (self.clients or {}).get(client.url, client)

    # ----------------------------------------------------------------------------- token renewal
    def _ws_schedule_auth_refresh(self, client) -> None:
        """Resubscribe the account channels with a fresh token shortly before the current one expires."""
        deadline = self._ws_auth_deadline()
        if deadline is None or getattr(client, "auth_refresh_for", None) == deadline:
            return
        client.auth_refresh_for = deadline
        margin = float(self.ws_option("authRefreshMargin"))
        delay = max(0.0, deadline - margin - self.seconds())
        self._ws_spawn(self._ws_refresh_auth_later(client, deadline, delay))

    async def _ws_refresh_auth_later(self, client, deadline: int, delay: float) -> None:
        await asyncio.sleep(delay)
        if client.retired or getattr(client, "auth_refresh_for", None) != deadline:
            return
        await self._ws_refresh_auth(client)

    async def _ws_refresh_auth(self, client) -> None:
        """Renew the token and resubscribe every account channel of ``client`` with it."""
        self._ws_auth_invalidate()
        private = [sub["channel"] for sub in client.subscriptions.values()
                   if isinstance(sub, dict) and "channel" in sub and sub["channel"].auth]
        if not private:
            return
        client.auth_refresh_for = None
        if self.ws_option("reconcile"):
            client.awaiting_reconcile = {c.subscribe_form for c in private}
        for channel in private:
            self._ws_resubscribe(client, channel)
