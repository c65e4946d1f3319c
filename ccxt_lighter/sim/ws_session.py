"""One ``/stream`` connection: its subscriptions, its outgoing queue, its limits and its faults.

Venue facts (REFERENCE.md 4, 6.3, 6.5): per connection Lighter allows a bounded number of
subscriptions, 200 client messages per minute (30009) and 50 in-flight (unanswered) messages
(30010), sendtx/sendtxbatch frames excluded from both counts; the order-book ``offset`` is per API
server / connection while ``nonce``/``begin_nonce`` come from the matching engine.

Invariants:
* frames leave in the order they were queued (one writer task per connection);
* per order-book topic, a delta is delivered only if its nonce is newer than the last one this
  connection got (snapshot or delta), so continuity holds per connection -- except where the
  ``book_gap_every`` fault deliberately withholds one;
* with ``ws_drop_after_messages`` N the socket is aborted (no close frame) right after the Nth frame;
* with ``latency_ms`` every frame leaves that long after it was queued (order unchanged).
"""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections import deque
from typing import Deque, Dict, Optional

from aiohttp import web

from . import ws_frames as fr
from .ws_channels import Channel

log = logging.getLogger(__name__)

_STOP = object()  # the connection ended: let the writer finish


def fault_value(faults, name: str) -> int:
    """A fault setting as an int (0 = off); ``faults`` may be an object or a dict."""
    if faults is None:
        return 0
    value = faults.get(name) if isinstance(faults, dict) else getattr(faults, name, 0)
    return int(value or 0)


class Session:
    def __init__(self, ws: web.WebSocketResponse, request: web.Request, settings, faults) -> None:
        self.ws = ws
        self.request = request
        self.settings = settings
        self.faults = faults
        self.session_id = str(uuid.uuid4())
        self.readonly = request.query.get("readonly", "").lower() == "true"
        self.subs: Dict[str, Channel] = {}
        self.sent = 0
        self.inflight = 0
        self.dropped = False
        self._queue: asyncio.Queue = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._msg_times: Deque[float] = deque()
        self._book_nonce: Dict[str, int] = {}
        self._book_updates = 0
        self._offset = 0
        self.writer_task: Optional[asyncio.Future] = None

    # -- limits ---------------------------------------------------------------------------------
    def allow_message(self) -> bool:
        """Count one client message against the rolling per-minute budget."""
        now = self._loop.time()
        window = self.settings.message_window
        while self._msg_times and now - self._msg_times[0] >= window:
            self._msg_times.popleft()
        if len(self._msg_times) >= self.settings.max_messages_per_minute:
            return False
        self._msg_times.append(now)
        return True

    def inflight_full(self) -> bool:
        return self.inflight >= self.settings.max_inflight

    # -- queueing -------------------------------------------------------------------------------
    def push(self, frame, *, reply: bool = False) -> None:
        """Queue a frame. ``reply`` marks the answer to a counted client message (in flight until
        written)."""
        if self.dropped:
            return
        if self._queue.qsize() >= self.settings.max_queue:
            # A client that does not read is cut off instead of growing the server's memory.
            log.warning("/stream session %s: %d frames queued, dropping it", self.session_id,
                        self._queue.qsize())
            self.drop()
            self._queue.put_nowait((self._loop.time(), _STOP, False))
            return
        if reply:
            self.inflight += 1
        self._queue.put_nowait((self._loop.time(), frame, reply))

    def push_snapshot(self, topic: str, frame: dict) -> None:
        if fr.is_order_book(frame):
            self._book_nonce[topic] = fr.book_nonce(frame)
            frame = self._with_next_offset(frame)
        self.push(frame, reply=True)

    def push_update(self, topic: str, frame) -> None:
        """``frame``: an order-book dict (personalised here) or an already serialised frame."""
        if isinstance(frame, dict) and fr.is_order_book(frame):
            frame = self._book_update(topic, frame)
            if frame is None:
                return
        self.push(frame)

    def _book_update(self, topic: str, frame: dict) -> Optional[dict]:
        nonce = fr.book_nonce(frame)
        last = self._book_nonce.get(topic)
        if last is not None and nonce <= last:
            return None  # already contained in this connection's snapshot
        self._book_nonce[topic] = nonce
        self._book_updates += 1
        every = fault_value(self.faults, "book_gap_every")
        if every and self._book_updates % every == 0:
            return None  # fault: withheld, so the next delta's begin_nonce shows a gap
        return self._with_next_offset(frame)

    def _with_next_offset(self, frame: dict) -> dict:
        self._offset += 1
        return fr.with_offset(frame, self._offset)

    def forget(self, topic: str) -> None:
        self.subs.pop(topic, None)
        self._book_nonce.pop(topic, None)

    # -- writing --------------------------------------------------------------------------------
    async def writer(self) -> None:
        """Send queued frames in order; applies latency and the drop fault."""
        while True:
            queued_at, frame, reply = await self._queue.get()
            if frame is _STOP:
                return
            latency = fault_value(self.faults, "latency_ms") / 1000.0
            delay = queued_at + latency - self._loop.time()
            if latency and delay > 0:
                await asyncio.sleep(delay)
            if self.ws.closed:
                return
            text = frame if isinstance(frame, str) else json.dumps(frame, separators=(",", ":"))
            try:
                await self.ws.send_str(text)
            except (ConnectionError, RuntimeError) as exc:  # closed under us (idle close, peer gone)
                log.debug("/stream session %s: send failed: %s", self.session_id, exc)
                return
            self.sent += 1
            if reply:
                self.inflight -= 1
            limit = fault_value(self.faults, "ws_drop_after_messages")
            if limit and self.sent >= limit:
                self.drop()
                return

    def drop(self) -> None:
        """Abort the TCP connection without a close frame, like a network failure."""
        self.dropped = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    def stop(self) -> None:
        self._queue.put_nowait((self._loop.time(), _STOP, False))

    async def close_quietly(self, code: int, message: bytes) -> None:
        try:
            await self.ws.close(code=code, message=message)
        except (ConnectionError, RuntimeError) as exc:  # the peer is already gone
            log.debug("close of session %s failed: %s", self.session_id, exc)
