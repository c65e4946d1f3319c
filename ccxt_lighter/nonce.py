"""Nonces per API key: an optimistic local counter; sends pipelined (default) or one at a time.

Venue facts (REFERENCE.md 7.7, 3.2):
* every ``(account_index, api_key_index)`` pair has its own nonce sequence; a transaction must carry
  exactly the next one (``GET /api/v1/nextNonce`` tells which), else the API answers 21104;
* a transaction the *API server* rejects (an HTTP error answer) does not consume its nonce; one it
  accepted (``code 200``) does, even if the sequencer rejects it later (with exceptions, which is why
  a later 21104 must be answered by adopting the server's value);
* a batch (``sendTxBatch``) carries consecutive nonces of one key.

Two ways to send (``options['pipelineTransactions']``):

* :meth:`NonceManager.submit` (one at a time): the key's lock is held from allocation until the
  answer is in; on 21104 the nonce is refetched and the transaction re-signed and re-sent once.
* :meth:`NonceManager.pipeline` (default): the lock covers allocate + sign + start of the send only,
  so up to ``window`` transactions of one key are in flight at once. The contract:

  - every dispatched tx is a *slot* (first nonce, count) recorded until its fate is known;
    a slot ends *consumed* (accepted) or *released* (not consumed, or unknown);
  - a 21104 while lower slots are pending (requests on several connections can overtake each
    other) waits for them; if all were consumed, the SAME signed tx is sent once more (the nonce
    may now be valid) - never re-signed while its own answer is outstanding, so no duplicate;
  - a released slot leaves a hole: every higher pending slot is marked *doomed* (it cannot be
    accepted) and the counter becomes unknown; the next allocation first waits until no slot is
    pending, then adopts the server's ``nextNonce`` (authoritative then, even if lower);
  - a doomed tx that gets 21104 is re-signed with a fresh nonce at no cost (the failure was not
    its own); a tx whose own 21104 has no such excuse is re-signed once, ahead of the other
    transactions waiting for the lock, and raises ``InvalidNonce`` the second time.
    Free re-signs are bounded: each follows a release, and every tx can cause at most two;
  - API rejections and unknown outcomes (timeouts, dropped connections, cancellation) raise to the
    caller as in the one-at-a-time mode; when nothing was allocated after a rejected tx, its nonce
    is simply reused (no request), exactly as in that mode.

Invariants this module protects:
* nonces of one key are handed out under a lock, each once per counter epoch, in signing order;
* the counter moves back only when the server provably did not take the nonce (its own rejection
  with nothing allocated after it, or the server's ``nextNonce`` read while nothing of ours is in
  flight); a voluntary :meth:`NonceManager.resync` only moves it forward;
* a signed transaction is re-signed only after its own failure answer arrived.
"""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Awaitable, Callable, Deque, Dict, List, Optional, Sequence, TypeVar

from ccxt.base.errors import (
    DDoSProtection,
    ExchangeError,
    InvalidNonce,
    NetworkError,
    RateLimitExceeded,
)

T = TypeVar("T")

# Outcomes of one send attempt, as far as the nonce is concerned.
CONSUMED = "consumed"  # the API accepted the transaction
UNUSED = "unused"  # the API refused it: the nonce is still free
UNKNOWN = "unknown"  # no answer: the transaction may or may not have arrived
RESYNC = "resync"  # 21104: our counter disagrees with the server


def classify(exc: BaseException) -> str:
    """What a failed send means for its nonce (the error taxonomy of errors.py is ccxt's).

    ``InvalidNonce`` and ``RateLimitExceeded`` are ``NetworkError`` subclasses in ccxt, so order
    matters: the server answered both, while a bare ``NetworkError``/``RequestTimeout``/
    ``ExchangeNotAvailable`` means we cannot know whether the transaction was taken.
    """
    if isinstance(exc, InvalidNonce):
        return RESYNC
    if isinstance(exc, (RateLimitExceeded, DDoSProtection)):
        return UNUSED
    if isinstance(exc, NetworkError):
        return UNKNOWN
    if isinstance(exc, ExchangeError):
        # HTTP 400 + ResultCode: refused by the API server (REFERENCE 7.7), or refused locally
        # before anything was sent (signer and range errors are ExchangeErrors too).
        return UNUSED
    return UNKNOWN  # CancelledError, programming errors: be safe and re-read the counter


class _Slot:
    """One dispatched transaction (or batch) of a pipelined key, until its fate is known."""

    __slots__ = ("first", "count", "done", "doomed")

    def __init__(self, first: int, count: int):
        self.first = first
        self.count = count
        self.done: asyncio.Future = asyncio.get_running_loop().create_future()  # True = consumed
        self.doomed = False  # a lower nonce of ours was released: this one cannot be accepted


class _Resign(Exception):
    """Internal: the tx got 21104 and must be re-signed; ``own`` = not explained by a hole below."""

    def __init__(self, error: BaseException, own: bool):
        super().__init__(str(error))
        self.error = error
        self.own = own


class _Gate:
    """A lock whose urgent waiters go first (FIFO within each class): a tx re-signed after its own
    21104 must reach the server before the others queued behind the hole."""

    def __init__(self) -> None:
        self.held = False
        self._waiters: Dict[bool, Deque[asyncio.Future]] = {True: deque(), False: deque()}

    async def acquire(self, urgent: bool = False) -> None:
        if not self.held and not self._waiters[True] and not self._waiters[False]:
            self.held = True
            return
        fut = asyncio.get_running_loop().create_future()
        self._waiters[urgent].append(fut)
        try:
            await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self.release()  # handed over just as we were cancelled: pass it on
            elif fut in self._waiters[urgent]:
                self._waiters[urgent].remove(fut)
            raise

    def release(self) -> None:
        for urgent in (True, False):
            queue = self._waiters[urgent]
            while queue:
                fut = queue.popleft()
                if not fut.done():
                    fut.set_result(None)  # ownership passes directly: ``held`` stays True
                    return
        self.held = False


class NonceManager:
    """Nonce sequence of one API key. ``fetch`` is an async callable returning ``nextNonce``."""

    def __init__(self, account_index: int, api_key_index: int, fetch: Callable[[], Awaitable[int]]):
        self.account_index = int(account_index)
        self.api_key_index = int(api_key_index)
        self._fetch = fetch
        self._next: Optional[int] = None  # next nonce to hand out; None = ask the server first
        self._lock: Optional[asyncio.Lock] = None  # created lazily inside the running loop
        self.resyncs = 0  # 21104 recoveries (re-signs after the tx's own 21104), for diagnostics
        self.resends = 0  # pipelined: same signed tx sent again after lower nonces landed
        self.hole_resigns = 0  # pipelined: re-signs of txs doomed by a released lower nonce
        self.rejected_sends = 0  # pipelined: 21104 answers received (each a send that did not land)
        self.max_in_flight = 0  # pipelined: most slots pending at once (tests prove overlap with it)
        self._slots: Dict[int, _Slot] = {}  # pipelined txs in flight, by first nonce
        self._gate = _Gate()
        self._window: Optional[asyncio.Semaphore] = None
        self._active = 0  # pipelined submissions not finished (the pool's load signal)

    def __repr__(self) -> str:
        return (f"NonceManager(account={self.account_index}, api_key={self.api_key_index}, "
                f"next={self._next})")

    @property
    def lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    @property
    def busy(self) -> bool:
        return (self._lock is not None and self._lock.locked()) or self._active > 0

    @property
    def in_flight(self) -> int:
        """Pipelined transactions whose answer is not settled yet."""
        return len(self._slots)

    @property
    def next_nonce(self) -> Optional[int]:
        """The nonce the next transaction will get, if known (no request)."""
        return self._next

    async def _server_nonce(self) -> int:
        value = int(await self._fetch())
        if value < 0:
            raise ExchangeError(f"nextNonce returned a negative nonce ({value})")
        return value

    async def resync(self) -> int:
        """Re-read ``nextNonce`` and move the counter forward only (safe at any time)."""
        async with self.lock:
            server = await self._server_nonce()
            self._next = server if self._next is None else max(self._next, server)
            return self._next

    def invalidate(self) -> None:
        """Forget the counter; the next transaction asks the server first."""
        self._next = None

    async def submit(self, count: int, attempt: Callable[[int], Awaitable[T]]) -> T:
        """Run ``attempt(first_nonce)`` holding the lock, with nonces ``first .. first+count-1``.

        ``attempt`` signs with those nonces and sends; it returns when the server has answered.
        Raises what ``attempt`` raised, after settling the counter (see :func:`classify`).
        """
        if count < 1:
            raise ValueError("count must be >= 1")
        async with self.lock:
            for retry in (False, True):
                if self._next is None:
                    await self._drained()  # only if pipelined txs were mixed in
                    self._next = await self._server_nonce()
                first = self._next
                self._next = first + count  # optimistic: taken unless the answer says otherwise
                try:
                    return await attempt(first)
                except BaseException as exc:  # settle the counter, then re-raise unchanged
                    outcome = classify(exc)
                    if outcome == UNUSED:
                        self._next = first
                    elif outcome == UNKNOWN or retry:
                        self._next = None
                    if outcome != RESYNC or retry:
                        raise
                # 21104 and nothing of ours in flight (we hold the lock): the server is right, even
                # when its value is lower than ours (a sequencer rejection that did not consume).
                self.resyncs += 1
                self._next = None  # stays unknown if the refetch below fails
                self._next = await self._server_nonce()
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ pipelined sends
    async def pipeline(self, count: int, sign: Callable[[int], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[T]], window: int = 16) -> T:
        """``sign(first_nonce)`` -> signed txs, ``send(signed)`` -> the answer; see the module doc.

        At most ``window`` submissions of this key are in flight; more wait their turn.
        """
        if count < 1 or window < 1:
            raise ValueError("count and window must be >= 1")
        if self._window is None:
            self._window = asyncio.Semaphore(window)
        self._active += 1
        try:
            async with self._window:
                own_retry = False
                while True:
                    slot, signed, task = await self._dispatch(count, sign, send, urgent=own_retry)
                    try:
                        return await self._settle(slot, signed, send, task)
                    except _Resign as again:
                        if again.own:
                            if own_retry:
                                raise again.error from None
                            own_retry = True
                            self.resyncs += 1
                        else:
                            self.hole_resigns += 1
        finally:
            self._active -= 1

    async def _dispatch(self, count: int, sign, send, urgent: bool):
        """Under the lock: allocate, sign, start the request and let it get going, record the slot."""
        await self._gate.acquire(urgent)
        try:
            async with self.lock:
                if self._next is None:
                    await self._drained()  # nothing of ours in flight: the server's value is the truth
                    self._next = await self._server_nonce()
                first = self._next
                self._next = first + count  # reserved before signing: a release meanwhile sees it
                slot = _Slot(first, count)
                self._slots[first] = slot
                self.max_in_flight = max(self.max_in_flight, len(self._slots))
                try:
                    signed = await sign(first)
                except BaseException as exc:  # nothing was sent
                    self._release(slot, UNUSED if classify(exc) == UNUSED else UNKNOWN)
                    raise
                task = asyncio.ensure_future(send(signed))
                try:
                    await asyncio.sleep(0)  # the request starts before the next nonce is handed out
                except BaseException:  # cancelled right here: nobody will settle the slot
                    task.cancel()
                    self._release(slot, UNKNOWN)
                    raise
                return slot, signed, task
        finally:
            self._gate.release()

    async def _settle(self, slot: _Slot, signed, send, task: "asyncio.Future[T]") -> T:
        """Await the answer outside the lock; a 21104 may wait for lower slots and resend once."""
        outcome = UNKNOWN
        try:
            try:
                answer = await task
                outcome = CONSUMED
                return answer
            except BaseException as exc:  # settle the slot, then re-raise or re-sign
                outcome = classify(exc)
                if outcome != RESYNC:
                    raise
                error = exc
                self.rejected_sends += 1
            lower = [s.done for s in self._slots.values() if s.first < slot.first]
            if lower and not slot.doomed:
                await asyncio.wait(lower)  # overtaken on the wire? see whether they landed
            if slot.doomed:
                raise _Resign(error, own=False) from None
            if lower:
                try:
                    answer = await send(signed)  # same signed tx: its nonce may be valid now
                    self.resends += 1
                    outcome = CONSUMED
                    return answer
                except BaseException as exc:
                    outcome = classify(exc)
                    if outcome != RESYNC:
                        raise
                    error = exc
                    self.rejected_sends += 1
            raise _Resign(error, own=True) from None
        finally:
            self._release(slot, outcome)

    def _release(self, slot: _Slot, outcome: str) -> None:
        self._slots.pop(slot.first, None)
        consumed = outcome == CONSUMED
        if not consumed:
            higher = [s for s in self._slots.values() if s.first > slot.first]
            for other in higher:
                other.doomed = True
            end = slot.first + slot.count
            if outcome == UNUSED and self._next == end and not higher:
                self._next = slot.first  # nothing allocated after it: reuse the nonce, no request
            else:
                self._next = None  # hole, 21104 or unknown: re-read once nothing is in flight
        if not slot.done.done():
            slot.done.set_result(consumed)

    async def _drained(self) -> None:
        while self._slots:
            await asyncio.wait([s.done for s in list(self._slots.values())])


class NoncePool:
    """Several API keys of one account used in turn, for parallel transaction throughput.

    Each key keeps its own sequence and lock; a new transaction goes to the next key in the
    rotation that is idle, or, when all are busy, to the next key in the rotation (it waits for that
    key's lock). A batch always stays on one key (the venue requires it, error 21121).
    """

    def __init__(self, managers: Sequence[NonceManager]):
        if not managers:
            raise ValueError("a nonce pool needs at least one API key")
        self.managers: List[NonceManager] = list(managers)
        self._cursor = 0

    def __repr__(self) -> str:
        keys = [m.api_key_index for m in self.managers]
        return f"NoncePool(account={self.managers[0].account_index}, api_keys={keys})"

    def get(self, api_key_index: int) -> NonceManager:
        for manager in self.managers:
            if manager.api_key_index == api_key_index:
                return manager
        raise KeyError(api_key_index)

    def pick(self) -> NonceManager:
        """The key for the next transaction (no await, so the choice cannot go stale)."""
        n = len(self.managers)
        for step in range(n):
            idx = (self._cursor + step) % n
            if not self.managers[idx].busy:
                self._cursor = (idx + 1) % n
                return self.managers[idx]
        idx = self._cursor
        self._cursor = (idx + 1) % n
        return self.managers[idx]

    def invalidate(self) -> None:
        for manager in self.managers:
            manager.invalidate()
