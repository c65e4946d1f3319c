"""NonceManager / NoncePool: ordering under concurrency, what consumes a nonce, 21104 recovery.

The counterpart here is a tiny in-memory sequencer with Lighter's rule (nonce must be exactly the
next one; a refused tx does not consume it). The real simulator is used by test_concurrency_*.
"""
import asyncio

import pytest
from ccxt.base.errors import (
    BadRequest,
    DDoSProtection,
    ExchangeError,
    ExchangeNotAvailable,
    InsufficientFunds,
    InvalidNonce,
    InvalidOrder,
    NetworkError,
    RateLimitExceeded,
    RequestTimeout,
)

from ccxt_lighter.nonce import CONSUMED, RESYNC, UNKNOWN, UNUSED, NonceManager, NoncePool, classify
from ccxt_lighter.signer.base import SignerError


class Sequencer:
    """Accepts a tx only with the exact next nonce; records what it accepted, in order."""

    def __init__(self, start=7):
        self.next = start
        self.accepted = []
        self.fetches = 0
        self.reject_nonce_once = set()  # nonces answered with 21104 the first time they arrive

    async def fetch(self):
        self.fetches += 1
        await asyncio.sleep(0)
        return self.next

    async def send(self, nonce, count=1, label=None):
        for _ in range(3):  # let other tasks run between "sign" and "arrive"
            await asyncio.sleep(0)
        if nonce in self.reject_nonce_once:
            self.reject_nonce_once.discard(nonce)
            raise InvalidNonce("21104 invalid nonce")
        if nonce != self.next:
            raise InvalidNonce(f"21104 invalid nonce: got {nonce}, want {self.next}")
        self.accepted.extend(range(nonce, nonce + count))
        self.next += count
        return label


@pytest.mark.parametrize("exc, outcome", [
    (InvalidNonce("21104"), RESYNC),
    (RateLimitExceeded("23000"), UNUSED),
    (DDoSProtection("405"), UNUSED),
    (RequestTimeout("timeout"), UNKNOWN),
    (ExchangeNotAvailable("29500"), UNKNOWN),
    (NetworkError("reset"), UNKNOWN),
    (BadRequest("21501"), UNUSED),
    (InvalidOrder("21702"), UNUSED),
    (InsufficientFunds("21739"), UNUSED),
    (ExchangeError("21120"), UNUSED),
    (SignerError("bad key"), UNUSED),
    (asyncio.CancelledError(), UNKNOWN),
    (RuntimeError("bug"), UNKNOWN),
])
def test_classify(exc, outcome):
    assert classify(exc) == outcome
    assert outcome != CONSUMED


async def test_sequential_nonces_fetch_once():
    seq = Sequencer(start=41)
    mgr = NonceManager(5, 4, seq.fetch)
    for _ in range(5):
        await mgr.submit(1, seq.send)
    assert seq.accepted == [41, 42, 43, 44, 45]
    assert seq.fetches == 1
    assert mgr.next_nonce == 46


async def test_concurrent_submits_arrive_in_order():
    seq = Sequencer()
    mgr = NonceManager(5, 4, seq.fetch)
    labels = await asyncio.gather(*(mgr.submit(1, lambda n, i=i: seq.send(n, label=i)) for i in range(200)))
    assert labels == list(range(200))
    assert seq.accepted == list(range(7, 207))
    assert seq.fetches == 1


async def test_api_rejection_does_not_consume():
    seq = Sequencer(start=10)
    mgr = NonceManager(5, 4, seq.fetch)

    async def refused(nonce):
        await asyncio.sleep(0)
        raise InvalidOrder("21702 invalid price")

    with pytest.raises(InvalidOrder):
        await mgr.submit(1, refused)
    assert mgr.next_nonce == 10
    await mgr.submit(1, seq.send)
    assert seq.accepted == [10]


async def test_rate_limited_send_keeps_nonce():
    seq = Sequencer(start=3)
    mgr = NonceManager(5, 4, seq.fetch)

    async def limited(nonce):
        raise RateLimitExceeded("23000 Too Many Requests!")

    with pytest.raises(RateLimitExceeded):
        await mgr.submit(1, limited)
    await mgr.submit(1, seq.send)
    assert seq.accepted == [3] and seq.fetches == 1


async def test_21104_refetches_and_resigns_once():
    seq = Sequencer(start=20)
    seq.reject_nonce_once.add(21)
    mgr = NonceManager(5, 4, seq.fetch)
    seen = []

    async def attempt(nonce):
        seen.append(nonce)
        return await seq.send(nonce)

    await mgr.submit(1, attempt)
    await mgr.submit(1, attempt)
    assert seen == [20, 21, 21]  # the second tx was signed again with the server's nonce
    assert seq.accepted == [20, 21]
    assert mgr.resyncs == 1 and seq.fetches == 2


async def test_21104_adopts_a_lower_server_nonce():
    """A sequencer rejection that did not consume: the server's value wins even when lower."""
    seq = Sequencer(start=50)
    mgr = NonceManager(5, 4, seq.fetch)
    await mgr.submit(1, seq.send)
    await mgr.submit(1, seq.send)
    seq.next = 50  # the sequencer dropped both without consuming
    seq.accepted.clear()
    await mgr.submit(1, seq.send)
    assert seq.accepted == [50]
    assert mgr.next_nonce == 51


async def test_second_21104_raises_and_forgets_counter():
    seq = Sequencer(start=5)
    mgr = NonceManager(5, 4, seq.fetch)

    async def always_bad(nonce):
        raise InvalidNonce("21104 invalid nonce")

    with pytest.raises(InvalidNonce):
        await mgr.submit(1, always_bad)
    assert mgr.next_nonce is None
    await mgr.submit(1, seq.send)
    assert seq.accepted == [5] and seq.fetches == 3


@pytest.mark.parametrize("exc", [RequestTimeout("t"), ExchangeNotAvailable("502"), asyncio.CancelledError()])
async def test_unknown_outcome_rereads_counter(exc):
    seq = Sequencer(start=8)
    mgr = NonceManager(5, 4, seq.fetch)

    async def lost(nonce):
        seq.accepted.append(nonce)  # it did arrive, but the answer was lost
        seq.next = nonce + 1
        raise exc

    with pytest.raises(type(exc)):
        await mgr.submit(1, lost)
    assert mgr.next_nonce is None
    await mgr.submit(1, seq.send)
    assert seq.accepted == [8, 9]


async def test_batch_reserves_consecutive_nonces():
    seq = Sequencer(start=100)
    mgr = NonceManager(5, 4, seq.fetch)
    firsts = []

    async def batch(first):
        firsts.append(first)
        return await seq.send(first, count=50)

    await asyncio.gather(mgr.submit(50, batch), mgr.submit(1, seq.send), mgr.submit(50, batch))
    assert seq.accepted == list(range(100, 201))
    assert mgr.next_nonce == 201


async def test_resync_moves_forward_only():
    seq = Sequencer(start=10)
    mgr = NonceManager(5, 4, seq.fetch)
    await mgr.submit(1, seq.send)
    await mgr.submit(1, seq.send)
    seq.next = 3
    assert await mgr.resync() == 12
    seq.next = 30
    assert await mgr.resync() == 30


async def test_submit_rejects_empty_reservation():
    mgr = NonceManager(5, 4, Sequencer().fetch)
    with pytest.raises(ValueError):
        await mgr.submit(0, Sequencer().send)


async def test_pool_spreads_concurrent_work_over_idle_keys():
    seqs = {k: Sequencer(start=1) for k in (4, 5, 6)}
    pool = NoncePool([NonceManager(9, k, seqs[k].fetch) for k in (4, 5, 6)])
    running, peak = 0, 0

    async def one():
        nonlocal running, peak
        mgr = pool.pick()

        async def attempt(nonce):
            nonlocal running, peak
            running += 1
            peak = max(peak, running)
            try:
                return await seqs[mgr.api_key_index].send(nonce)
            finally:
                running -= 1

        await mgr.submit(1, attempt)

    await asyncio.gather(*(one() for _ in range(30)))
    assert peak == 3
    assert sorted(len(s.accepted) for s in seqs.values()) == [10, 10, 10]
    for s in seqs.values():
        assert s.accepted == list(range(1, 11))


def test_pool_rotation_and_lookup():
    pool = NoncePool([NonceManager(9, k, Sequencer().fetch) for k in (4, 7)])
    assert [pool.pick().api_key_index for _ in range(4)] == [4, 7, 4, 7]
    assert pool.get(7).api_key_index == 7
    with pytest.raises(KeyError):
        pool.get(8)
    with pytest.raises(ValueError):
        NoncePool([])
