"""``jsonapi/sendtx`` and ``jsonapi/sendtxbatch`` over the simulated ``/stream`` WebSocket.

Venue facts (REFERENCE.md 6.6, examples/ws_sendtx.json, ws_sendtxbatch.json):
* single: ``{"type":"jsonapi/sendtx","data":{"id":..,"tx_type":14,"tx_info":{..object..}}}``;
* batch: ``{"type":"jsonapi/sendtxbatch","data":{"id":..,"tx_types":"[14,15]","tx_infos":"[\\"{..}\\"]"}}``
  -- both values are JSON *strings*, tx_infos a list of tx_info JSON strings (double-encoded);
* success: ``{"code":200,"id":..,"predicted_execution_time_ms":..,"tx_hash":..,"type":..}``
  (``tx_hash`` a list for a batch); failure: ``{"error":{"code":..,"message":..},"id":..}``;
  replies are correlated by ``id`` only.

Invariant: the engine's intake (``submit_tx`` / ``submit_batch``) is the only thing that changes
state; a malformed frame is answered with an error and never reaches it.
"""
from __future__ import annotations

import json
from typing import List, Optional

from .errors import LighterError

SENDTX, SENDTXBATCH = "jsonapi/sendtx", "jsonapi/sendtxbatch"
INVALID_DATA = 30007
INVALID_TX_INFO = 21501
NOT_SUPPORTED = 30006


def error_reply(err: LighterError, request_id: Optional[object]) -> dict:
    reply: dict = {"error": {"code": err.code, "message": err.message}}
    if request_id is not None:
        reply["id"] = request_id
    return reply


def handle_tx_frame(engine, message: dict, *, readonly: bool = False) -> dict:
    """The reply frame for one sendtx / sendtxbatch message."""
    data = message.get("data")
    request_id = data.get("id") if isinstance(data, dict) else None
    try:
        if readonly:
            raise LighterError(NOT_SUPPORTED, "Operation isn't supported ", "read-only connection")
        if not isinstance(data, dict):
            raise LighterError(INVALID_DATA, "Invalid Data", "data must be an object")
        if message["type"] == SENDTX:
            tx_hash: object = _send_one(engine, data)
        else:
            tx_hash = _send_batch(engine, data)
    except LighterError as err:
        return error_reply(err, request_id)
    reply = {"code": 200, "predicted_execution_time_ms": engine.now_ms(), "tx_hash": tx_hash,
             "type": message["type"]}
    if request_id is not None:
        reply["id"] = request_id
    return reply


def _send_one(engine, data: dict) -> str:
    tx_type, tx_info = data.get("tx_type"), data.get("tx_info")
    if not _is_int(tx_type):
        raise LighterError(INVALID_DATA, "Invalid Data", "tx_type must be an integer")
    # The venue takes tx_info as a JSON object here (the SDK json.loads the signer's string).
    if not isinstance(tx_info, dict):
        raise LighterError(INVALID_DATA, "Invalid Data", "tx_info must be a JSON object")
    return engine.submit_tx(tx_type, tx_info)


def _send_batch(engine, data: dict) -> List[str]:
    tx_types = _json_string_list(data.get("tx_types"), "tx_types")
    tx_infos = _json_string_list(data.get("tx_infos"), "tx_infos")
    if not all(_is_int(t) for t in tx_types):
        raise LighterError(INVALID_DATA, "Invalid Data", "tx_types must hold integers")
    if not all(isinstance(info, str) for info in tx_infos):
        raise LighterError(INVALID_TX_INFO, detail="tx_infos must hold tx_info JSON strings")
    return list(engine.submit_batch(tx_types, tx_infos))


def _json_string_list(value: object, name: str) -> list:
    if not isinstance(value, str):
        raise LighterError(INVALID_DATA, "Invalid Data", f"{name} must be a JSON string")
    try:
        parsed = json.loads(value)
    except ValueError:
        raise LighterError(INVALID_DATA, "Invalid Data", f"{name} is not valid JSON") from None
    if not isinstance(parsed, list):
        raise LighterError(INVALID_DATA, "Invalid Data", f"{name} must encode a list")
    return parsed


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
