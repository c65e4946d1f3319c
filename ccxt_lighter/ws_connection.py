"""Connection care for Lighter's ``/stream`` WebSocket: pacing, keep-alive bookkeeping, hand-over on drop.

Venue facts (REFERENCE.md 4, 6.1-6.3):
* per connection at most 500 subscriptions; per IP at most 200 client messages a minute and 50
  unacknowledged ("in flight") messages; ``jsonapi/sendtx``/``sendtxbatch`` frames are not counted;
  exceeding them costs error 30009/30010/23001;
* the server closes a socket that sent nothing for two minutes (a ``{"type":"ping"}`` frame keeps it
  open and is answered with ``{"type":"pong"}``).

Invariants protected here:
* :class:`Pacer` never lets the exchange's connections exceed ``per_minute`` control frames in any
  sliding window or ``max_inflight`` unacknowledged ones (one shared :class:`Budget`); frames wait
  in order instead of being sent early;
* :class:`LighterWsClient` never rejects the futures of a dropped connection when the exchange
  takes it over: the exchange moves them to a successor connection, so ``await watch_*()`` simply
  continues once the successor has resubscribed.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from typing import Awaitable, Callable, Deque, Dict, Optional, Tuple

from ccxt.async_support.base.ws.client import Client
from ccxt.base.errors import NetworkError

FrameBuilder = Callable[[], Awaitable[Optional[dict]]]

DEFAULTS = {
    "maxSubscriptionsPerConnection": 500,
    "maxMessagesPerMinute": 200,
    "maxInflight": 50,
    "messageWindow": 60.0,       # seconds of the message-rate window (the venue's minute)
    "inflightTimeout": 10.0,     # seconds after which an unanswered frame stops counting as in flight
    "reconnect": True,
    "reconnectDelay": 0.25,      # first backoff step, seconds
    "reconnectMaxDelay": 30.0,
    "maxReconnectAttempts": 10,  # consecutive failed dials before watchers get a NetworkError
    "authTokenTtl": 6 * 3600,    # seconds; the venue accepts at most 8 h
    "authRefreshMargin": 300,    # resubscribe private channels this long before the token expires
    "reconcile": True,           # REST catch-up of orders and fills after a reconnect
}


def backoff_delay(attempt: int, base: float, cap: float, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: ``base * 2**(attempt-1)`` capped, scaled by 0.5..1."""
    if attempt <= 0:
        return 0.0
    raw = min(cap, base * (2 ** min(attempt - 1, 16)))
    return raw * (0.5 + rng() / 2)


class Budget:
    """The message-rate window and in-flight set that pacers draw from.

    The exchange gives all its connections one budget: the sources call the limits per connection
    or per IP, and sharing them satisfies both readings.
    """

    def __init__(self, *, per_minute: int = 200, max_inflight: int = 50, window: float = 60.0,
                 inflight_timeout: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.max_inflight = max_inflight
        self.window = window
        self.inflight_timeout = inflight_timeout
        self.clock = clock
        self.sent: Deque[float] = deque()         # send times inside the window
        self.inflight: Dict[tuple, float] = {}    # (pacer id, ack key) -> send time
        self.pacers: list = []

    @property
    def span(self) -> float:
        """The window we keep: the venue's plus a margin, because it counts a frame when it
        arrives and transit times vary (a frame sent right at the edge may land inside it)."""
        return self.window * 1.02 + 0.05

    def expire(self, now: float) -> None:
        while self.sent and self.sent[0] <= now - self.span:
            self.sent.popleft()
        for key, at in list(self.inflight.items()):
            if at <= now - self.inflight_timeout:
                del self.inflight[key]

    def blocked_for(self, now: float) -> Optional[float]:
        """Seconds until another frame may go out, or None when one may go now."""
        self.expire(now)
        if len(self.sent) >= self.per_minute:
            return self.sent[0] + self.span - now
        if len(self.inflight) >= self.max_inflight:
            return min(self.inflight.values()) + self.inflight_timeout - now
        return None

    def wake_all(self) -> None:
        for pacer in list(self.pacers):
            pacer.poke()


class Pacer:
    """Ordered outbound queue of one connection's control frames (subscribe, unsubscribe, ping).

    The decision logic (:meth:`next_action`) is pure over the budget's injected clock so it can be
    tested without waiting; :meth:`run` is the task that applies it to a live connection.
    """

    def __init__(self, send: Callable[[dict], Awaitable[None]], *, per_minute: int = 200,
                 max_inflight: int = 50, window: float = 60.0, inflight_timeout: float = 10.0,
                 clock: Callable[[], float] = time.monotonic, budget: Optional[Budget] = None) -> None:
        self._send = send
        self.budget = budget or Budget(per_minute=per_minute, max_inflight=max_inflight, window=window,
                                       inflight_timeout=inflight_timeout, clock=clock)
        self.budget.pacers.append(self)
        self.queue: Deque[Tuple[object, FrameBuilder, bool]] = deque()
        self.sent_total = 0
        self._wake: Optional[asyncio.Event] = None

    # -- bookkeeping -------------------------------------------------------------------------
    def _key(self, key: object) -> tuple:
        return (id(self), key)

    def submit(self, key: object, build: FrameBuilder, expects_ack: bool = True) -> None:
        self.queue.append((key, build, expects_ack))
        self.poke()

    def queued(self, key: object) -> bool:
        return any(item[0] == key for item in self.queue) or self._key(key) in self.budget.inflight

    def in_flight(self, key: object) -> bool:
        return self._key(key) in self.budget.inflight

    def discard(self, key: object) -> None:
        """Drop queued frames with this key (e.g. a subscribe overtaken by its unsubscribe)."""
        self.queue = deque(item for item in self.queue if item[0] != key)

    def ack(self, key: object) -> bool:
        found = self.budget.inflight.pop(self._key(key), None) is not None
        if found:
            self.budget.wake_all()
        return found

    def oldest_inflight(self) -> Optional[object]:
        """The unanswered frame sent first (the server answers control frames in order)."""
        mine = [(at, k[1]) for k, at in self.budget.inflight.items() if k[0] == id(self)]
        return min(mine, key=lambda x: x[0])[1] if mine else None

    def record(self, key: object = None) -> None:
        """Count a frame sent outside the queue (keep-alive ping, pong)."""
        now = self.budget.clock()
        self.budget.sent.append(now)
        self.sent_total += 1
        if key is not None:
            self.budget.inflight[self._key(key)] = now

    def close(self) -> None:
        """Leave the budget: forget this connection's unanswered frames."""
        for key in [k for k in self.budget.inflight if k[0] == id(self)]:
            del self.budget.inflight[key]
        if self in self.budget.pacers:
            self.budget.pacers.remove(self)
        self.budget.wake_all()

    # -- decisions ---------------------------------------------------------------------------
    def next_action(self) -> Tuple[str, float]:
        """``('send', 0)``, ``('wait', seconds)`` or ``('idle', 0)`` for the current clock."""
        if not self.queue:
            return ("idle", 0.0)
        delay = self.budget.blocked_for(self.budget.clock())
        return ("send", 0.0) if delay is None else ("wait", delay)

    async def send_next(self) -> None:
        key, build, expects_ack = self.queue.popleft()
        frame = await build()
        if frame is None:  # the subscription went away while queued
            return
        await self._send(frame)
        self.record(key if expects_ack else None)

    # -- task --------------------------------------------------------------------------------
    def poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def run(self, connected: Awaitable) -> None:
        """Drain the queue on a live connection (runs until cancelled or a send fails)."""
        self._wake = asyncio.Event()
        await connected
        while True:
            action, delay = self.next_action()
            if action == "send":
                await self.send_next()
                continue
            self._wake.clear()
            timeout = None if action == "idle" else max(delay, 0.001)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout)
            except asyncio.TimeoutError:
                pass


class LighterWsClient(Client):
    """ccxt's aiohttp ``Client`` plus a hand-over hook for dropped connections.

    ``on_drop(client, error) -> bool`` is set by the exchange. When it returns True the exchange has
    taken the connection's futures and subscriptions to a successor, so this (now retired) client
    closes its socket quietly instead of rejecting every watcher; later callbacks of its receive and
    ping loops are ignored.
    """

    on_drop: Optional[Callable[["LighterWsClient", Exception], bool]] = None
    retired = False
    pacer: Optional[Pacer] = None
    pacer_task: Optional[asyncio.Future] = None
    reconnect_attempt = 0
    session_id: Optional[str] = None

    @classmethod
    def adopt(cls, client: Client) -> "LighterWsClient":
        """Give a freshly built ccxt ``Client`` this class's behaviour (it adds no constructor state)."""
        if not isinstance(client, cls):
            client.__class__ = cls
        return client

    def _hand_over(self, error: Exception) -> bool:
        if self.retired:
            return True
        handler = self.on_drop
        if handler is None or not handler(self, error):
            self.stop_tasks()  # ccxt takes it from here (every future rejected); nothing of ours lingers
            return False
        self.retired = True
        self.stop_tasks()
        if self.connection is not None and not self.connection.closed:
            asyncio.ensure_future(self.connection.close())
        return True

    def stop_tasks(self) -> None:
        if self.ping_looper:
            self.ping_looper.cancel()
        if self.pacer_task is not None:
            self.pacer_task.cancel()
        if self.pacer is not None:
            self.pacer.close()

    def on_error(self, error):
        if not self._hand_over(error):
            super().on_error(error)

    def on_close(self, code):
        if not self._hand_over(NetworkError(f"connection to {self.url} closed with code {code}")):
            super().on_close(code)

    async def close(self, code=1000):
        self.on_drop = None  # a deliberate close never reconnects
        self.stop_tasks()
        await super().close(code)
