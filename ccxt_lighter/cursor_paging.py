"""Cursor paging of Lighter's history endpoints, written once.

Venue facts (REFERENCE.md 3.2): ``trades``, ``accountInactiveOrders``, ``deposit/history``,
``withdraw/history``, ``transfer/history``, ``positionFunding``, ``liquidations``, ``pnl`` list rows
newest first and return the next page's cursor while older rows remain (``next_cursor``; the deposit,
withdraw and transfer histories name it ``cursor``); the next page is asked for by sending that value
back as ``cursor``. A page without rows or without a cursor is the last one.

Invariant: at most ``max_pages`` requests per call (a user setting bounds the cost of one fetch); the
request is read afresh before every page, so a caller may narrow it (e.g. ``limit``) between pages.
"""
from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Sequence

CURSOR_FIELDS = ("next_cursor",)
HISTORY_CURSOR_FIELDS = ("next_cursor", "cursor")  # deposit/withdraw/transfer history


async def cursor_pages(get: Callable[[Dict[str, Any]], Awaitable[Any]], request: Dict[str, Any], rows_key: str,
                       max_pages: int, cursor_fields: Sequence[str] = CURSOR_FIELDS) -> AsyncIterator[List[Dict]]:
    """Yield each page's rows; stop after the last page or ``max_pages`` pages, or when the caller
    stops iterating (it breaks as soon as it has what it needs: no request is made beyond that)."""
    cursor = None
    for _ in range(max(1, int(max_pages))):
        page_request = dict(request, cursor=cursor) if cursor else dict(request)
        response = await get(page_request) or {}
        page = response.get(rows_key) or []
        yield page
        cursor = next((response[f] for f in cursor_fields if response.get(f)), None)
        if not page or not cursor:
            return
