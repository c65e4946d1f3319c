"""Waiting for a sent transaction to execute (opt-in), and what a failed one means.

Venue facts (REFERENCE.md 3.2 ``/api/v1/tx``, 5, 6.4, 7.7): ``sendTx`` answering 200 only means the
API server accepted the transaction; the sequencer executes it afterwards and may still refuse it
(margin, reduce-only, price band, an order that is gone). ``GET /api/v1/tx?by=hash&value=`` returns
the EnrichedTx: ``status`` 0 failed, 1 pending, 2 executed, 3 packed, 4 committed, 5 verified; a
failed tx's ``event_info`` (JSON text) names the error. Right after sendTx the API may not know the
hash yet (21500 "transaction not found"), which is read as "still pending". The venue does not
publish the exact ``event_info`` of a failure: ``{"error": {"code", "message"}}`` (what the
simulator records) is read first, then a bare ``error`` text or top-level ``code``/``message``.

Use: ``params['waitForExecution']`` per call, or ``options['confirmTransactions']`` for every
createOrder / editOrder / cancelOrder (default off; also approve_integrator; createOrders refuses the
param -- a batch is not confirmed tx by tx); ``options['confirmTimeout']`` (ms, 10 000) and
``options['confirmPollInterval']`` (ms, 200) bound the wait.

Trade-off (why it is off by default): a confirmed write costs at least one more request (GET tx,
weight 300 -- on the standard tier one of its 60 requests a minute) and waits for the sequencer;
without it a refused order is still visible, only later: fetchOrder reports it (status
``rejected`` / ``canceled`` with the venue's ``canceled-*`` status in ``info``), as do watchOrders
and the ``account_tx`` channel.

Invariant: "executed" comes only from the venue's status; a failed tx raises the ccxt class of its
venue code (InsufficientFunds for 21739, OrderNotFound for 21600, ...) with the unified result as
``exc.lighter_order`` and the EnrichedTx as ``exc.lighter_tx``; a tx still pending at the deadline
raises RequestTimeout (it may still execute: the id in ``exc.lighter_order`` finds it later).
"""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

from ccxt.base.errors import BadRequest, ExchangeError, RequestTimeout

from .errors import exception_class, make_exception, scrub

FAILED, PENDING = 0, 1
TX_STATUS_NAMES = {0: "failed", 1: "pending", 2: "executed", 3: "packed", 4: "committed", 5: "verified"}
TX_NOT_FOUND = 21500
DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_INTERVAL_MS = 200


def tx_status(record: Optional[Dict[str, Any]]) -> int:
    """The EnrichedTx status; a record the venue does not have yet (None) counts as pending."""
    if record is None:
        return PENDING
    try:
        return int(record.get("status"))
    except (TypeError, ValueError):
        return PENDING


def _event_info(record: Dict[str, Any]) -> Dict[str, Any]:
    raw = record.get("event_info")
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {"error": str(raw)}  # not JSON: keep the text as the error description
    return value if isinstance(value, dict) else {}


def tx_failure(record: Dict[str, Any]) -> Optional[Tuple[Optional[int], str]]:
    """``(venue code or None, message)`` of a failed tx; None unless its status is 0 (failed)."""
    if tx_status(record) != FAILED:
        return None
    event = _event_info(record)
    error = event.get("error")
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
    elif error is not None:
        code, message = event.get("code"), error
    else:
        code, message = event.get("code"), event.get("message")
    try:
        number = int(code) if code is not None else None
    except (TypeError, ValueError):
        number = None
    return number, str(message or "the sequencer refused the transaction")


def failed_tx_exception(code: Optional[int], message: str, exchange_id: str = "lighter") -> ExchangeError:
    """The ccxt exception of a failed tx (its code's class; by message when there is no code)."""
    if code is not None:
        return make_exception(code, message, "transaction failed in the sequencer", exchange_id)
    exc = exception_class(None, message)(scrub(f"{exchange_id} transaction failed in the sequencer: {message}"))
    exc.venue_code = None
    return exc


def public_record(record: Dict[str, Any]) -> Dict[str, Any]:
    """The EnrichedTx without its signed ``info`` (signatures stay out of results people log)."""
    return {k: v for k, v in record.items() if k != "info"}


async def wait_for_tx(fetch: Callable[[str], Awaitable[Optional[Dict[str, Any]]]], tx_hash: str, *,
                      timeout_ms: float, interval_ms: float, clock: Callable[[], float] = time.monotonic,
                      sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> Dict[str, Any]:
    """Poll ``fetch(tx_hash)`` (None = unknown yet) until the tx leaves pending; the first poll is
    immediate. RequestTimeout once ``timeout_ms`` passed with the tx still pending."""
    deadline = clock() + timeout_ms / 1000
    while True:
        record = await fetch(tx_hash)
        if record is not None and tx_status(record) != PENDING:
            return record
        if clock() >= deadline:
            raise RequestTimeout(f"transaction still pending after {int(timeout_ms)} ms; it may still execute")
        await sleep(interval_ms / 1000)


class ConfirmMixin:
    """``_confirm_wanted`` / ``_confirm``: the opt-in wait of createOrder, editOrder, cancelOrder."""

    def _confirm_wanted(self, params: Optional[Dict[str, Any]]) -> bool:
        given = (params or {}).get("waitForExecution")
        if given is None:
            given = self.options.get("confirmTransactions", False)
        return bool(given)

    async def _fetch_tx(self, tx_hash: str) -> Optional[Dict[str, Any]]:
        try:
            return await self._api("tx", "public", "GET", {"by": "hash", "value": tx_hash})
        except BadRequest as exc:
            if getattr(exc, "venue_code", None) == TX_NOT_FOUND:
                return None  # not indexed yet: poll again
            raise

    async def _confirm(self, result: Dict[str, Any], tx_hash: Optional[str]) -> Dict[str, Any]:
        """Wait for ``tx_hash``; add its status to ``result['info']`` or raise its mapped exception."""
        if not tx_hash:
            raise ExchangeError(f"{self.id} the venue answered without a tx hash to confirm")
        timeout = float(self.options.get("confirmTimeout", DEFAULT_TIMEOUT_MS))
        interval = float(self.options.get("confirmPollInterval", DEFAULT_INTERVAL_MS))
        try:
            record = await wait_for_tx(self._fetch_tx, tx_hash, timeout_ms=timeout, interval_ms=interval)
        except RequestTimeout as exc:
            exc.lighter_order = result
            raise
        failure = tx_failure(record)
        if failure is not None:
            exc = failed_tx_exception(failure[0], failure[1], self.id)
            exc.lighter_order, exc.lighter_tx = result, public_record(record)
            raise exc
        info = result.setdefault("info", {})
        info["tx_status"] = TX_STATUS_NAMES.get(tx_status(record), str(record.get("status")))
        info["tx"] = public_record(record)
        order_index = _event_info(record).get("order_index")
        if order_index is not None:
            info.setdefault("order_index", order_index)
        return result
