"""Nonces per API key: an optimistic local counter, one lock held across sign and send.

Venue facts (REFERENCE.md 7.7, 3.2):
* every ``(account_index, api_key_index)`` pair has its own nonce sequence; a transaction must carry
  exactly the next one (``GET /api/v1/nextNonce`` tells which), else the API answers 21104;
* a transaction the *API server* rejects (an HTTP error answer) does not consume its nonce; one it
  accepted (``code 200``) does, even if the sequencer rejects it later (with exceptions, which is why
  a later 21104 must be answered by adopting the server's value);
* a batch (``sendTxBatch``) carries consecutive nonces of one key.

Invariants this module protects:
* nonces of one key are handed out under an ``asyncio.Lock`` that the caller keeps until the answer
  to the send is in, so transactions reach the server in nonce order and no two share a nonce;
* the counter moves back only when the server provably did not take the nonce (its own rejection,
  or the server's ``nextNonce`` right after a 21104, read while nothing of ours is in flight);
  a voluntary :meth:`NonceManager.resync` only moves it forward;
* when the outcome of a send is unknown (timeout, dropped connection, cancelled task) the counter is
  forgotten and re-read from the server before the next transaction;
* on 21104 the nonce is refetched and the transaction re-signed and re-sent once.
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable, List, Optional, Sequence, TypeVar

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


class NonceManager:
    """Nonce sequence of one API key. ``fetch`` is an async callable returning ``nextNonce``."""

    def __init__(self, account_index: int, api_key_index: int, fetch: Callable[[], Awaitable[int]]):
        self.account_index = int(account_index)
        self.api_key_index = int(api_key_index)
        self._fetch = fetch
        self._next: Optional[int] = None  # next nonce to hand out; None = ask the server first
        self._lock: Optional[asyncio.Lock] = None  # created lazily inside the running loop
        self.resyncs = 0  # 21104 recoveries, for tests and diagnostics

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
        return self._lock is not None and self._lock.locked()

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
