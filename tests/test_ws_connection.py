"""ws_connection.py: the pacer's limits (sliding window, in-flight) on a fake clock, and backoff."""
import asyncio

import pytest

from ccxt_lighter.ws_connection import Pacer, backoff_delay


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make(per_minute=3, max_inflight=50, inflight_timeout=10.0):
    clock = Clock()
    sent = []

    async def send(frame):
        sent.append((clock.now, frame))

    pacer = Pacer(send, per_minute=per_minute, max_inflight=max_inflight, window=60.0,
                  inflight_timeout=inflight_timeout, clock=clock)
    return pacer, clock, sent


def frame(i):
    async def build():
        return {"type": "subscribe", "channel": f"order_book/{i}"}
    return build


async def drain(pacer, clock, steps=1000):
    """Run the pacer's decisions, advancing the fake clock instead of sleeping."""
    for _ in range(steps):
        action, delay = pacer.next_action()
        if action == "idle":
            return
        if action == "send":
            await pacer.send_next()
        else:
            clock.now += delay


async def test_window_is_never_exceeded_and_order_is_kept():
    pacer, clock, sent = make(per_minute=3)
    for i in range(10):
        pacer.submit(("subscribe", i), frame(i), expects_ack=False)
    await drain(pacer, clock)
    assert [f["channel"] for _, f in sent] == [f"order_book/{i}" for i in range(10)]
    times = [t for t, _ in sent]
    for i, t in enumerate(times):
        in_window = [u for u in times if t - 60.0 < u <= t]
        assert len(in_window) <= 3, (i, in_window)
    assert times[3] - times[0] >= 60.0  # the 4th frame waited for the window to slide
    assert times[3] - times[0] <= 62.0  # ... plus only the small transit margin


async def test_inflight_limit_waits_for_acks():
    pacer, clock, sent = make(per_minute=200, max_inflight=2)
    for i in range(4):
        pacer.submit(("subscribe", i), frame(i))
    for _ in range(3):
        action, _ = pacer.next_action()
        if action == "send":
            await pacer.send_next()
    assert len(sent) == 2
    assert pacer.next_action()[0] == "wait"
    assert pacer.ack(("subscribe", 0))
    assert pacer.next_action()[0] == "send"
    await pacer.send_next()
    assert len(sent) == 3 and pacer.queued(("subscribe", 3))
    # an unanswered frame stops counting after the in-flight timeout (no deadlock)
    clock.now += 10.0
    assert pacer.next_action()[0] == "send"


async def test_pings_count_against_the_window():
    pacer, clock, sent = make(per_minute=2)
    pacer.record("ping")
    pacer.record()
    pacer.submit(("subscribe", 1), frame(1))
    action, delay = pacer.next_action()
    assert action == "wait" and delay == pytest.approx(pacer.budget.span) and 60.0 < delay < 62.0
    assert pacer.ack("ping") and not pacer.ack("ping")


async def test_discard_and_dropped_builds():
    pacer, clock, sent = make()
    pacer.submit(("subscribe", 1), frame(1))

    async def gone():
        return None

    pacer.submit(("subscribe", 2), gone)
    pacer.discard(("subscribe", 1))
    await drain(pacer, clock)
    assert sent == [] and pacer.sent_total == 0


async def test_run_loop_sends_after_connection():
    sent = []

    async def send(f):
        sent.append(f)

    pacer = Pacer(send, per_minute=100)
    connected = asyncio.get_running_loop().create_future()
    task = asyncio.ensure_future(pacer.run(connected))
    pacer.submit("a", frame(1), expects_ack=False)
    await asyncio.sleep(0)
    assert sent == []  # not before the socket is open
    connected.set_result(True)
    for _ in range(20):
        await asyncio.sleep(0)
        if sent:
            break
    task.cancel()
    assert sent == [{"type": "subscribe", "channel": "order_book/1"}]


def test_backoff_grows_and_is_capped():
    assert backoff_delay(0, 0.25, 30) == 0
    lows = [backoff_delay(a, 0.25, 30, rng=lambda: 0.0) for a in range(1, 12)]
    highs = [backoff_delay(a, 0.25, 30, rng=lambda: 1.0) for a in range(1, 12)]
    assert highs[:4] == [0.25, 0.5, 1.0, 2.0]
    assert all(low == high / 2 for low, high in zip(lows, highs))
    assert max(highs) == 30
