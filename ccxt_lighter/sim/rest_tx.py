"""Transaction endpoints of the simulator: ``POST /api/v1/sendTx`` and ``/api/v1/sendTxBatch``.

Venue facts (REFERENCE.md 3.2): sendTx takes form fields ``tx_type`` (int) and ``tx_info`` (the
signer's JSON text) plus optional ``price_protection``; sendTxBatch takes ``tx_types`` = JSON text of
a list of ints and ``tx_infos`` = JSON text of a list of tx_info *strings*. Replies are
``RespSendTx {code, message, tx_hash, predicted_execution_time_ms, volume_quota_remaining}`` (batch:
``tx_hash`` is a list); rejections HTTP 400 ``{code, message}``.

``price_protection=false`` switches the engine's accidental-price band (21733) off for that tx
(:mod:`.limits`); sendTxBatch has no such field. With ``sequencer_rejections='async'`` a tx the
sequencer refuses still gets 200 and its hash here (:mod:`.rejections`).

Invariant: the form is parsed completely before the engine sees anything.
"""
from __future__ import annotations

import json

from aiohttp import web

from .errors import LighterError
from .httpkit import Params, ok

VOLUME_QUOTA = 1_000_000


async def form(request: web.Request) -> Params:
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise LighterError(21501, detail="body is not JSON") from None
        return Params(body if isinstance(body, dict) else {})
    return Params(await request.post())


def _json_list(text: str, name: str) -> list:
    try:
        value = json.loads(text)
    except ValueError:
        raise LighterError(21501, detail=f"{name} is not a JSON list") from None
    if not isinstance(value, list):
        raise LighterError(21501, detail=f"{name} is not a JSON list")
    return value


def routes(engine) -> list:
    async def send_tx(request):
        q = await form(request)
        tx_type = q.int("tx_type", required=True)
        tx_info = q.str("tx_info", required=True)
        protection = q.bool("price_protection", True)
        tx_hash = engine.submit_tx(tx_type, tx_info, price_protection=protection)
        return ok({"message": "", "tx_hash": tx_hash, "predicted_execution_time_ms": engine.now_ms(),
                   "volume_quota_remaining": VOLUME_QUOTA})

    async def send_tx_batch(request):
        q = await form(request)
        types = _json_list(q.str("tx_types", required=True), "tx_types")
        infos = _json_list(q.str("tx_infos", required=True), "tx_infos")
        if not all(isinstance(i, (str, dict)) for i in infos):
            raise LighterError(21501, detail="tx_infos must hold tx_info JSON strings")
        hashes = engine.submit_batch(types, infos)
        return ok({"message": "", "tx_hash": hashes, "predicted_execution_time_ms": engine.now_ms(),
                   "volume_quota_remaining": VOLUME_QUOTA})

    return [web.post("/api/v1/sendTx", send_tx), web.post("/api/v1/sendTxBatch", send_tx_batch)]
