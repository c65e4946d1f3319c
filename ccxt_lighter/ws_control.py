"""Connection events of the ``/stream`` socket: hand-over after a drop, and the control frames.

Venue facts (REFERENCE.md 6.1-6.3, 5): the server greets with ``connected``, answers ``ping`` with
``pong`` (and may ping us), acknowledges ``unsubscribe`` with ``unsubscribed`` and refuses with
either ``{"type":"error","code":…,"channel":…}`` or ``{"error":{"code","message"}}`` (no channel:
30003 "Already Subscribed to : order_book:0", 30002 "Not Subscribed to …", auth failures); control
frames are answered in the order they were sent; ``jsonapi/sendtx`` answers carry the request id.

Invariants: a dropped socket is replaced by a successor that owns every future and subscription of
the old one, after an exponential backoff, and resubscribes each channel (books are emptied until
their new snapshot; transactions in flight fail with NetworkError, their outcome being unknown); an
error frame is applied to the one subscription it answers, never to every watcher of the socket.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Optional

from ccxt.base.errors import NetworkError

from . import channels as ch
from .errors import make_exception, scrub, venue_error
from .ws_connection import backoff_delay
from .ws_core import TX_PREFIX, UNSUB_PREFIX

log = logging.getLogger(__name__)


class WsControlMixin:
    """Drops and control frames, on top of :class:`~ccxt_lighter.ws_core.WsCoreMixin`."""

    # ----------------------------------------------------------------------------- drops
    def _ws_on_drop(self, client, error) -> bool:
        """Take over a dropped connection (see LighterWsClient); False lets ccxt reject everything."""
        if self.clients is None or self.clients.get(client.url) is not client:
            return False
        dial_failed = not client.isConnected
        attempt = client.reconnect_attempt + 1 if dial_failed else 1
        if self.closed_by_user or not self.ws_option("reconnect") or \
                attempt > int(self.ws_option("maxReconnectAttempts")):
            self._ws_abandon(client)
            return False
        log.info("lighter ws %s dropped (%s); reconnect attempt %d", client.url, error, attempt)
        successor = self._ws_successor(client, attempt)
        delay = backoff_delay(attempt, float(self.ws_option("reconnectDelay")),
                              float(self.ws_option("reconnectMaxDelay")))
        self._ws_spawn(self._ws_redial(successor, delay))
        return True

    def _ws_abandon(self, client) -> None:
        """The connection is given up (ccxt rejects its watchers): no stale book stays visible."""
        for sub in client.subscriptions.values():
            if isinstance(sub, dict) and "channel" in sub:
                self._ws_on_connection_lost(sub["channel"])

    def _ws_successor(self, old, attempt: int):
        url = old.url
        del self.clients[url]
        new = self.client(url)
        new.reconnect_attempt = attempt
        new.connecting = True  # dialled by _ws_redial after the backoff, not by a concurrent watch
        new.futures, old.futures = old.futures, {}
        new.rejections, old.rejections = old.rejections, {}
        subscriptions, old.subscriptions = old.subscriptions, {}
        lost = NetworkError(f"{self.id} websocket connection lost before the reply arrived")
        for message_hash in list(new.futures):
            if message_hash.startswith(TX_PREFIX):
                new.reject(lost, message_hash)
        for form, sub in subscriptions.items():
            if not isinstance(sub, dict) or "channel" not in sub:
                continue
            if sub.get("unsubscribing") and not sub.get("resyncing"):
                new.resolve(True, UNSUB_PREFIX + form)  # the socket is gone: so is the subscription
                continue
            sub["resyncing"] = sub["live"] = False
            new.subscriptions[form] = sub
            self._ws_on_connection_lost(sub["channel"])
            self._ws_enqueue_subscribe(new, sub["channel"])
        new.reconnected = True
        state = self._ws_state()
        state["reconnects"] = state.get("reconnects", 0) + 1
        return new

    def _ws_on_connection_lost(self, channel: ch.Channel) -> None:
        """Hook: a channel's stream was interrupted (books must wait for a new snapshot)."""

    async def _ws_redial(self, client, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if client.retired or self.closed_by_user:
            return
        client.connecting = False
        self.open()
        client.connect(self.session)

    def on_connected(self, client, message=None):
        super().on_connected(client, message)
        if getattr(client, "reconnected", False):
            client.reconnect_attempt = 0
            self._ws_after_reconnect(client)

    def _ws_after_reconnect(self, client) -> None:
        """Hook: runs once a successor connection is open (its subscriptions are queued)."""

    # ----------------------------------------------------------------------------- control frames
    def _ws_form_for_topic(self, client, topic: str) -> Optional[str]:
        """The subscribe form a server topic refers to (topics may drop trailing id segments)."""
        form = topic.replace(":", "/")
        if form in client.subscriptions:
            return form
        for key, sub in client.subscriptions.items():
            if isinstance(sub, dict) and "channel" in sub and sub["channel"].matches_topic(topic):
                return key
        return None

    def _ws_on_subscribed(self, client, message) -> None:
        form = self._ws_form_for_topic(client, message.get("channel", ""))
        if form is None:
            return
        client.pacer.ack(("subscribe", form))
        sub = client.subscriptions[form]
        if sub.get("resyncing") == "unsubscribe":
            return  # the snapshot of a subscribe sent before the resync's unsubscribe: more follows
        sub["resyncing"] = False
        sub["live"] = True
        self._ws_channel_live(client, sub)

    def _ws_channel_live(self, client, sub: dict) -> None:
        """Hook: a (re)subscription was acknowledged by its snapshot."""

    def _ws_on_control(self, client, kind, message) -> None:
        if kind == "pong":
            client.lastPong = self.milliseconds()
            client.pacer.ack("ping")
        elif kind == "ping":
            self._ws_spawn(self._ws_pong(client))
        elif kind == "connected":
            client.session_id = message.get("session_id")
        elif kind == "unsubscribed":
            self._ws_on_unsubscribed(client, message.get("channel", ""))
        elif kind in ("jsonapi/sendtx", "jsonapi/sendtxbatch"):
            self._ws_on_tx_reply(client, message)
        elif kind == "error" or "error" in message:
            self._ws_on_error_frame(client, message)
        elif kind == "shutdown":
            log.info("lighter ws %s: server shutdown announced (%s ms)", client.url, message.get("close_in_ms"))

    async def _ws_pong(self, client) -> None:
        client.pacer.record()
        await client.send({"type": "pong"})

    def _ws_on_unsubscribed(self, client, topic: str) -> None:
        form = self._ws_form_for_topic(client, topic)
        if form is None:
            return
        client.pacer.ack(("unsubscribe", form))
        sub = client.subscriptions.get(form)
        if isinstance(sub, dict) and sub.get("resyncing"):
            sub["resyncing"] = "subscribe"  # our own unsubscribe+subscribe: the snapshot follows
            return
        self._ws_finish_unsubscribe(client, form)

    def _ws_on_error_frame(self, client, message) -> None:
        """``{"type":"error","code":30012,"channel":"order_book:0",…}`` or ``{"error":{…}[, "id"]}``."""
        if message.get("id") is not None:  # the reply to one of our transactions
            self._ws_on_tx_reply(client, message)
            return
        code, text = venue_error(message, error_frame=True)
        op, form = self._ws_error_target(client, message.get("channel"), text)
        if op is None:
            log.warning("lighter ws %s: error frame %s %s", client.url, code, scrub(text))
            return
        client.pacer.ack((op, form) if form is not None else op)
        if code in (30009, 30010):  # over a limit after all (another client of this IP?): retry
            if op == "subscribe":
                self._ws_enqueue_subscribe(client, client.subscriptions[form]["channel"])
            elif op == "unsubscribe":
                self._ws_enqueue_unsubscribe(client, client.subscriptions[form]["channel"])
            return
        if form is None:
            return
        if code == 30003:  # already subscribed: the subscription is live
            return
        if op == "unsubscribe":  # 30002 not subscribed, or any refusal: the channel is gone for us
            self._ws_finish_unsubscribe(client, form)
            return
        self._ws_fail_subscription(client, form, make_exception(code, text, form, self.id))

    def _ws_error_target(self, client, topic: Optional[str], text: str):
        """(operation, subscribe form) an error frame answers: by its channel, by a channel named
        in its text, else the oldest unanswered control frame (the server answers them in order)."""
        form = self._ws_form_for_topic(client, topic) if topic else None
        if form is None:
            words = set(text.replace(",", " ").split())
            form = next((k for k, sub in client.subscriptions.items()
                         if isinstance(sub, dict) and "channel" in sub
                         and (k in words or sub["channel"].topic in words)), None)
        if form is not None:
            for op in ("unsubscribe", "subscribe"):
                if client.pacer.in_flight((op, form)):
                    return op, form
            return "subscribe", form
        oldest = client.pacer.oldest_inflight()
        if isinstance(oldest, tuple) and oldest[1] in client.subscriptions:
            return oldest
        return (oldest, None) if oldest is not None else (None, None)

    def _ws_on_tx_reply(self, client, message) -> None:
        """Hook (ws_trading.py): a ``jsonapi/sendtx[batch]`` answer or an error frame with an id."""
