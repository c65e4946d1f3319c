"""Subscriptions over ccxt's WS machinery: one subscribe frame per channel, shared by its watchers.

Venue facts (REFERENCE.md 6.1-6.3, 4): subscribe/unsubscribe name a channel (``order_book/0``) and
are acknowledged on its topic (``subscribed/order_book`` data frame, ``unsubscribed``, or an
``error`` frame naming the channel); 500 channels per connection; 200 control frames a minute and
50 unacknowledged ones per connection; idle sockets are closed after 2 minutes; account channels
need a fresh auth token in the subscribe frame.

How it maps onto ccxt (the same objects every ccxt.pro exchange uses):
* ``client.subscriptions[channel.subscribe_form]`` is a dict ``{'channel', 'hashes'}``: the message
  hashes of every watch served by the channel (``ticker::ETH/USDC:USDC``, ``markPrice::…``), so
  several watch methods share one server subscription and an un_watch only unsubscribes when the
  last hash leaves;
* ``client.futures[message_hash]`` are ccxt futures, resolved by the handlers in pro.py;
* control frames go through the connection's :class:`~ccxt_lighter.ws_connection.Pacer`;
* channels are spread over several sockets (``url#1``, ``url#2`` ... — the fragment never leaves the
  process) when one would exceed 500 subscriptions.

Invariants: a channel is subscribed on at most one connection; a dropped connection hands every
future and subscription to a successor that resubscribes them (auth frames built at send time, so a
reconnect always carries a fresh token); only the last consumer's un_watch sends ``unsubscribe``.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Iterable, List, Optional, Tuple

from ccxt.async_support.base.ws.future import Future
from ccxt.base.errors import AuthenticationError, BaseError, ExchangeError, UnsubscribeError

from . import channels as ch
from .signer.base import SignerError
from .ws_connection import DEFAULTS, Budget, LighterWsClient, Pacer

log = logging.getLogger(__name__)

UNSUB_PREFIX = "unsubscribe:"
TX_PREFIX = "sendtx:"


class WsCoreMixin:
    """Clients, subscriptions and delivery shared by the public and private parts (drops and control
    frames: :mod:`.ws_control`)."""

    # ----------------------------------------------------------------------------- options/state
    def ws_option(self, name: str):
        options = self.safe_dict(self.options, "wsConnection", {})
        return options.get(name, DEFAULTS[name])

    def _ws_state(self) -> dict:
        state = self.__dict__.get("_ws")
        if state is None:
            state = self.__dict__["_ws"] = {"tasks": set(), "shards": {}}
        return state

    def _ws_spawn(self, coro) -> asyncio.Task:
        """A background task that is cancelled by :meth:`close` and whose failure is logged."""
        task = asyncio.ensure_future(coro)
        tasks = self._ws_state()["tasks"]
        tasks.add(task)

        def done(t):
            tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.warning("lighter ws background task failed: %r", t.exception())

        task.add_done_callback(done)
        return task

    async def close(self, *args, **kwargs):
        for task in list(self._ws_state()["tasks"]):
            task.cancel()
        return await super().close(*args, **kwargs)

    # ----------------------------------------------------------------------------- clients
    def client(self, url):
        client = super().client(url)
        if getattr(client, "pacer", None) is None:
            LighterWsClient.adopt(client)
            client.on_drop = self._ws_on_drop
            client.pacer = Pacer(client.send, budget=self._ws_budget())
            task = asyncio.ensure_future(client.pacer.run(client.connected))
            task.add_done_callback(_consume)
            client.pacer_task = task
        return client

    def _ws_budget(self) -> Budget:
        state = self._ws_state()
        if state.get("budget") is None:
            state["budget"] = Budget(per_minute=int(self.ws_option("maxMessagesPerMinute")),
                                     max_inflight=int(self.ws_option("maxInflight")),
                                     window=float(self.ws_option("messageWindow")),
                                     inflight_timeout=float(self.ws_option("inflightTimeout")))
        return state["budget"]

    def _ws_base_url(self) -> str:
        return self.urls["api"]["ws"]

    def _ws_clients(self) -> List[LighterWsClient]:
        base = self._ws_base_url()
        return [c for u, c in (self.clients or {}).items() if u == base or u.startswith(base + "#")]

    @staticmethod
    def _ws_channel_count(client) -> int:
        return sum(1 for s in client.subscriptions.values() if isinstance(s, dict) and "channel" in s)

    def _ws_find(self, channel: ch.Channel) -> Optional[LighterWsClient]:
        form = channel.subscribe_form
        for client in self._ws_clients():
            if form in client.subscriptions:
                return client
        return None

    def _ws_client_for(self, channel: ch.Channel) -> LighterWsClient:
        """The connection holding ``channel``, else the first with room, else a new shard."""
        found = self._ws_find(channel)
        if found is not None:
            return found
        base = self._ws_base_url()
        limit = int(self.ws_option("maxSubscriptionsPerConnection"))
        used = set()
        for client in sorted(self._ws_clients(), key=lambda c: c.url):
            used.add(client.url)
            if self._ws_channel_count(client) < limit:
                return client
        k = 0
        while (base if k == 0 else f"{base}#{k}") in used:
            k += 1
        return self.client(base if k == 0 else f"{base}#{k}")

    def _ws_main_client(self) -> LighterWsClient:
        return self.client(self._ws_base_url())

    # ----------------------------------------------------------------------------- subscribe
    def _ws_register(self, channel: ch.Channel, message_hash: str) -> Tuple[object, Future]:
        """Register a watcher (its message hash) on a channel; connect and subscribe if new."""
        client = self._ws_client_for(channel)
        form = channel.subscribe_form
        sub = client.subscriptions.get(form)
        is_new = sub is None
        if is_new:
            sub = {"channel": channel, "hashes": set()}
        sub["hashes"].add(message_hash)
        if sub.get("unsubscribing"):  # a watch overtook a pending unwatch: keep the channel
            sub["unsubscribing"] = False
        future = self.watch(client.url, message_hash, None, form, sub)
        if is_new:
            self._ws_enqueue_subscribe(client, channel)
        return client, future

    async def _ws_subscribe(self, channel: ch.Channel, message_hash: str):
        if channel.auth:
            self._ws_require_auth()
        current = self._ws_take_pending(channel, message_hash)
        if current is not None:
            return current
        _, future = self._ws_register(channel, message_hash)
        return await future

    def _ws_take_pending(self, channel: ch.Channel, message_hash: str):
        """An update of a live channel that arrived while nobody awaited ``message_hash``.

        ccxt resolves only futures pending when a frame arrives, so an update landing between two
        ``await watch_*()`` calls (or before the first one, for a second watcher of a channel that
        is already streaming: the venue sends a snapshot only on subscribe) would otherwise wait
        for the next change, which may never come. It is handed out at once instead.
        """
        pending = self._ws_unseen()
        if message_hash not in pending:
            return None
        sub = self._ws_live_sub(channel)
        if sub is None:
            return None
        sub["hashes"].add(message_hash)
        return pending.pop(message_hash)

    def _ws_live_sub(self, channel: ch.Channel) -> Optional[dict]:
        """The channel's subscription if its snapshot has arrived (not resyncing or reconnecting)."""
        client = self._ws_find(channel)
        sub = client.subscriptions.get(channel.subscribe_form) if client is not None else None
        return sub if isinstance(sub, dict) and sub.get("live") else None

    async def _ws_subscribe_many(self, pairs: Iterable[Tuple[ch.Channel, str]]):
        """Watch several channels at once; resolves with whichever delivers first.

        ccxt races one future per hash, so updates that land while the caller is busy with the
        previous result would never be returned (a burst of ETH then BTC frames would always yield
        ETH). Such undelivered updates are kept (:meth:`_ws_deliver`) and handed out here first, in
        round-robin order, so every symbol of the group gets its turn (see :meth:`_ws_take_pending`).
        """
        pairs = list(pairs)
        if not pairs:
            raise ExchangeError(f"{self.id} nothing to watch")
        unseen = self._ws_unseen()
        start = self._ws_state().setdefault("rr", {}).get(tuple(h for _, h in pairs), 0)
        for i in range(len(pairs)):
            channel, message_hash = pairs[(start + i) % len(pairs)]
            if message_hash in unseen and self._ws_live_sub(channel) is not None:
                self._ws_state()["rr"][tuple(h for _, h in pairs)] = (start + i + 1) % len(pairs)
                return unseen.pop(message_hash)
        futures = []
        for channel, message_hash in pairs:
            if channel.auth:
                self._ws_require_auth()
            futures.append(self._ws_register(channel, message_hash)[1])
        keepers = self._ws_state().setdefault("keepers", {})
        for _, message_hash in pairs:  # this call races these futures itself now
            old = keepers.pop(message_hash, None)
            if old is not None:
                old[0].remove_done_callback(old[1])
        winner = await Future.race(futures)
        for (_, message_hash), future in zip(pairs, futures):
            self._ws_keep_loser(message_hash, future, winner, keepers, unseen)
        return winner

    @staticmethod
    def _ws_keep_loser(message_hash, future, winner, keepers, unseen) -> None:
        """A losing future's result (now or when it resolves) goes to ``unseen`` instead of nowhere."""
        if future.done():
            if not future.cancelled() and future.exception() is None and future.result() is not winner:
                unseen[message_hash] = future.result()
            return

        def keep(f, message_hash=message_hash):
            keepers.pop(message_hash, None)
            if not f.cancelled() and f.exception() is None:
                unseen[message_hash] = f.result()

        future.add_done_callback(keep)
        keepers[message_hash] = (future, keep)

    def _ws_unseen(self) -> dict:
        unseen = self.__dict__.get("_ws_pending")
        if unseen is None:
            unseen = self.__dict__["_ws_pending"] = {}
        return unseen

    def _ws_deliver(self, client, result, message_hash: str) -> None:
        """Resolve the waiting future, or keep the result for the next watch of that hash."""
        if message_hash in client.futures:
            self._ws_pending.pop(message_hash, None)
            client.resolve(result, message_hash)
        else:
            self._ws_pending[message_hash] = result

    def _ws_enqueue_subscribe(self, client, channel: ch.Channel) -> None:
        form = channel.subscribe_form
        key = ("subscribe", form)
        if any(item[0] == key for item in client.pacer.queue):
            return  # already waiting to go out (one in flight does not count: a resync needs a new one)

        async def build():
            sub = client.subscriptions.get(form)
            if not isinstance(sub, dict) or (sub.get("unsubscribing") and not sub.get("resyncing")):
                return None
            token = None
            if channel.auth:
                try:
                    token = await self._ws_auth_token()
                except (BaseError, SignerError) as exc:  # no token: the watchers learn why, the queue moves on
                    self._ws_fail_subscription(client, form, exc)
                    return None
            return channel.subscribe_frame(token)

        client.pacer.submit(key, build)

    def _ws_enqueue_unsubscribe(self, client, channel: ch.Channel) -> None:
        form = channel.subscribe_form
        client.pacer.discard(("subscribe", form))
        frame = channel.unsubscribe_frame()

        async def build():
            return frame

        client.pacer.submit(("unsubscribe", form), build)

    async def _ws_unsubscribe(self, channel: ch.Channel, message_hash: str) -> bool:
        """Remove a watcher; send ``unsubscribe`` (and wait for its ack) when it was the last one."""
        client = self._ws_find(channel)
        form = channel.subscribe_form
        if client is None:
            return True
        sub = client.subscriptions[form]
        sub["hashes"].discard(message_hash)
        self._ws_unseen().pop(message_hash, None)
        if message_hash in client.futures:
            client.reject(UnsubscribeError(f"{self.id} {message_hash}"), message_hash)
        if sub["hashes"]:
            return True
        sub["unsubscribing"] = True
        self._ws_on_last_consumer_gone(channel)
        unsub_hash = UNSUB_PREFIX + form
        future = client.future(unsub_hash)
        if client.connected.done() and not client.retired:
            self._ws_enqueue_unsubscribe(client, channel)
        else:  # never reached the server: nothing to undo there
            self._ws_finish_unsubscribe(client, form)
        return await future

    def _ws_on_last_consumer_gone(self, channel: ch.Channel) -> None:
        """Hook: drop per-channel state (books, caches) when nobody watches the channel any more."""

    def _ws_finish_unsubscribe(self, client, form: str) -> None:
        sub = client.subscriptions.get(form)
        if isinstance(sub, dict) and sub.get("unsubscribing"):
            del client.subscriptions[form]
            client.pacer.discard(("subscribe", form))
        client.resolve(True, UNSUB_PREFIX + form)

    def _ws_fail_subscription(self, client, form: str, error: Exception) -> None:
        """The server (or the token factory) refused a subscription: its watchers get the error."""
        sub = client.subscriptions.pop(form, None)
        if not isinstance(sub, dict):
            return
        for message_hash in sub["hashes"]:
            client.reject(error, message_hash)
        client.resolve(True, UNSUB_PREFIX + form)
        self._ws_on_last_consumer_gone(sub["channel"])

    def _ws_resubscribe(self, client, channel: ch.Channel) -> None:
        """Unsubscribe + subscribe to get a fresh snapshot (book gap, token renewal)."""
        sub = client.subscriptions.get(channel.subscribe_form)
        if not isinstance(sub, dict) or sub.get("unsubscribing") or sub.get("resyncing"):
            return
        sub["resyncing"] = "unsubscribe"  # then "subscribe", then False (see the two ack handlers)
        sub["live"] = False
        self._ws_enqueue_unsubscribe(client, channel)
        self._ws_enqueue_subscribe(client, channel)

    # ----------------------------------------------------------------------------- keep-alive
    def ping(self, client):
        """The keep-alive frame ccxt's ping loop sends every ``keepAlive`` ms (counted by the pacer)."""
        pacer = getattr(client, "pacer", None)
        if pacer is not None:
            pacer.record("ping")
        return {"type": "ping"}

    # ----------------------------------------------------------------------------- auth
    def _ws_require_auth(self) -> None:
        """Refuse a private watch up front when no key/account is configured (nothing is sent)."""
        raise AuthenticationError(f"{self.id} private channels need privateKey and options['accountIndex']")

    async def _ws_auth_token(self) -> str:
        raise AuthenticationError(f"{self.id} private channels need an auth token")


def _consume(task) -> None:
    """Pacer tasks end by cancellation or a failed connect; neither needs reporting."""
    if not task.cancelled():
        task.exception()
