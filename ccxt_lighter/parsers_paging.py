"""Request windows for Lighter's capped history endpoints (pure planning, no I/O).

Venue facts (REFERENCE.md 3.2): ``candles`` / ``markPriceCandles`` return at most 500 candles per
call, ``fundings`` at most 750 rows; both take ``start_timestamp``/``end_timestamp`` (ms, bounded by
5e12 in the SDK) and ``count_back``. Funding is settled hourly.

Invariant: each window asks for no more rows than the cap, so the cap can never silently truncate a
page (whatever ``count_back`` means on the server: "n from the start" or "n back from the end", a
window holding exactly n slots returns the same rows); windows are contiguous, ascending,
non-overlapping and their number is bounded by ``ceil(limit / cap)``.
"""
from __future__ import annotations

from typing import List, NamedTuple, Optional

CANDLES_CAP = 500
FUNDINGS_CAP = 750


class Window(NamedTuple):
    start: int  # ms, inclusive
    end: int  # ms, inclusive
    count: int  # slots of `step_ms` whose open lies in [start, end]


def span(since: Optional[int], until: Optional[int], limit: int, step_ms: int, now_ms: int):
    """(start, end) in ms covering ``limit`` slots.

    With ``since`` the slots start at ``since``; otherwise they are the last ``limit`` slots whose
    open is at or before ``until`` (or now).
    """
    if limit < 1:
        raise ValueError("limit must be >= 1")
    if since is not None:
        end = since + limit * step_ms - 1
        if until is not None:
            end = min(end, until)
        return since, end
    end = now_ms if until is None else until
    last_open = (end // step_ms) * step_ms
    return last_open - (limit - 1) * step_ms, end


def windows(start: int, end: int, step_ms: int, cap: int) -> List[Window]:
    """Split [start, end] into windows of at most ``cap`` slots each."""
    out: List[Window] = []
    cursor = start
    while cursor <= end:
        stop = min(end, cursor + cap * step_ms - 1)
        count = min(cap, -(-(stop - cursor + 1) // step_ms))
        out.append(Window(cursor, stop, count))
        cursor = stop + 1
    return out


def plan(since: Optional[int], until: Optional[int], limit: int, step_ms: int, now_ms: int,
         cap: int) -> List[Window]:
    """The windows to request for ``limit`` rows of ``step_ms`` from ``since`` (or up to until/now)."""
    start, end = span(since, until, limit, step_ms, now_ms)
    return windows(start, end, step_ms, cap)


def select(rows: list, since: Optional[int], limit: int, key=lambda row: row[0]) -> list:
    """Deduplicate rows by ``key`` (their time), sort ascending, keep time >= since, then ``limit``
    of them: the first ones when ``since`` is given, else the last ones."""
    by_time = {}
    for row in rows:
        stamp = key(row)
        if stamp is not None and (since is None or stamp >= since):
            by_time[stamp] = row
    ordered = [by_time[t] for t in sorted(by_time)]
    return ordered[:limit] if since is not None else ordered[-limit:]
