"""Order entry over the WebSocket: createOrderWs, createOrdersWs, editOrderWs, cancelOrderWs,
cancelOrdersWs, cancelAllOrdersWs.

Venue facts (REFERENCE.md 6.6, 7.7): ``{"type":"jsonapi/sendtx","data":{"id","tx_type","tx_info":{…}}}``
(tx_info as a JSON object) and ``{"type":"jsonapi/sendtxbatch","data":{"id","tx_types":"[14,15]",
"tx_infos":"[\\"{…}\\", …]"}}`` (both JSON text, tx_infos double-encoded); the answer carries the same
``id`` — ``{"type":"jsonapi/sendtx","code":200,"tx_hash":…}`` or ``{"error":{"code","message"},"id"}``
— and is not ordered with market data; the same nonce rules and rate limits as REST ``sendTx`` apply;
batches on the WS are kept to 15 transactions (sources disagree above that).

How: each *Ws method runs the REST method of the same name (so request building, validation and
response parsing are the trading code's, not a copy) with a context flag that routes the trading
code's one transport hook, ``_transmit`` (and ``_tx_batch_size``), here. Nonces, signing and the
21104 retry stay in ``_send_tx``/``_send_tx_batch`` of private.py: the nonce comes from the same
per-key :class:`~ccxt_lighter.nonce.NonceManager` (same lock, same counter) as REST, and a lost
connection before the answer is an unknown outcome (the counter is re-read before the next tx).

Invariant: a reply is matched to its request only by ``id``; an error reply raises the ccxt class of
its venue code (errors.py), with nothing secret in the message.
"""
from __future__ import annotations

import asyncio
import contextvars
import itertools
import json
from typing import Any, List, Optional, Sequence

from ccxt.base.errors import BadRequest, NetworkError, NotSupported, RequestTimeout

from .channels import Frame
from .errors import make_exception, venue_error
from .ws_core import TX_PREFIX

_OVER_WS = contextvars.ContextVar("lighter_tx_over_ws", default=False)
WS_BATCH_LIMIT = 15
_ids = itertools.count(1)


class WsTradingMixin:

    # ----------------------------------------------------------------------------- routing
    async def _over_ws(self, method, *args):
        token = _OVER_WS.set(True)
        try:
            return await method(*args)
        finally:
            _OVER_WS.reset(token)

    def _refuse_unprotected(self, *param_sets) -> None:
        """The WS sendtx has no price_protection field (always on): refuse False before any signing."""
        if any((p or {}).get("priceProtection") is False for p in param_sets):
            raise NotSupported(f"{self.id} price protection cannot be switched off over the WebSocket; "
                               "use the REST method")

    async def create_order_ws(self, symbol: str, type: str, side: str, amount, price=None, params={}):
        self._refuse_unprotected(params)
        return await self._over_ws(self.create_order, symbol, type, side, amount, price, params)

    async def create_orders_ws(self, orders: List[dict], params={}):
        self._refuse_unprotected(params, *[x.get("params") for x in orders or []])
        return await self._over_ws(self.create_orders, orders, params)

    async def edit_order_ws(self, id: str, symbol: str, type: str, side: str, amount=None, price=None, params={}):
        return await self._over_ws(self.edit_order, id, symbol, type, side, amount, price, params)

    async def cancel_order_ws(self, id: str, symbol: Optional[str] = None, params={}):
        return await self._over_ws(self.cancel_order, id, symbol, params)

    async def cancel_orders_ws(self, ids: List[str], symbol: Optional[str] = None, params={}):
        return await self._over_ws(self.cancel_orders, ids, symbol, params)

    async def cancel_all_orders_ws(self, symbol: Optional[str] = None, params={}):
        return await self._over_ws(self.cancel_all_orders, symbol, params)

    # ----------------------------------------------------------------------------- transport hooks
    def _tx_batch_size(self) -> int:
        if not _OVER_WS.get():
            return super()._tx_batch_size()
        size = int(self.safe_integer(self.options, "wsBatchSize", WS_BATCH_LIMIT))
        if not 1 <= size <= 50:
            raise BadRequest(f"{self.id} options['wsBatchSize'] must be 1..50")
        return size

    async def _transmit(self, signed: Sequence[Any], *, batch: bool, price_protection: Optional[bool] = None) -> Any:
        """Deliver already-signed transactions (nonces allocated by the shared NonceManager)."""
        if not _OVER_WS.get():
            return await super()._transmit(signed, batch=batch, price_protection=price_protection)
        request_id = self._ws_request_id()
        if batch:
            frame = Frame({"type": "jsonapi/sendtxbatch", "data": {
                "id": request_id,
                "tx_types": json.dumps([s.tx_type for s in signed], separators=(",", ":")),
                "tx_infos": json.dumps([s.tx_info for s in signed], separators=(",", ":"))}})
        else:
            self._refuse_unprotected({"priceProtection": price_protection})  # backstop; callers check first
            one = signed[0]
            # the WS takes tx_info as an object; price protection has no WS field (always on)
            frame = Frame({"type": "jsonapi/sendtx",
                           "data": {"id": request_id, "tx_type": one.tx_type, "tx_info": json.loads(one.tx_info)}})
        return await self._ws_send_request(frame, request_id)

    # ----------------------------------------------------------------------------- transport
    @staticmethod
    def _ws_request_id() -> str:
        return str(next(_ids))

    async def _ws_send_request(self, frame: dict, request_id: str) -> dict:
        """Send a tx frame on the main connection and wait for the answer with the same id.

        Tx frames bypass the pacer: the venue does not count them against the WS message limits.
        """
        self.open()
        client = self._ws_main_client()
        message_hash = TX_PREFIX + request_id
        future = client.future(message_hash)
        if not client.connected.done() and not client.connecting:
            client.connect(self.session, self.ws_dial_delay(client.url))

        async def send():
            await client.connected
            await client.send(frame)

        sender = asyncio.ensure_future(send())

        def sent(task):
            if not task.cancelled() and task.exception() is not None:
                client.reject(NetworkError(f"{self.id} websocket send failed: {task.exception()}"), message_hash)

        sender.add_done_callback(sent)
        try:
            return await asyncio.wait_for(future, self.timeout / 1000)
        except asyncio.TimeoutError:
            raise RequestTimeout(f"{self.id} no answer to websocket request {request_id} "
                                 f"within {self.timeout} ms") from None
        finally:
            if not sender.done():
                sender.cancel()
            (self.clients or {}).get(client.url, client).futures.pop(message_hash, None)

    def _ws_on_tx_reply(self, client, message) -> None:
        request_id = message.get("id")
        if request_id is None:
            return
        message_hash = TX_PREFIX + str(request_id)
        failure = venue_error(message)
        if failure is None:
            client.resolve(message, message_hash)
            return
        code, text = failure
        context = "websocket " + str(message.get("type") or "sendtx")
        client.reject(make_exception(code, text, context, self.id), message_hash)
