"""HTTP plumbing of the simulator's REST server: query parameters, auth tokens, replies, middleware.

Venue facts (REFERENCE.md 3.1, 4, 5): GET parameters are query strings, POST bodies form fields
(urlencoded or multipart -- ccxt's in-tree class sends multipart); successful bodies carry
``code: 200``; errors are HTTP 400 ``{"code", "message"}``; auth tokens come in the
``Authorization`` header (raw token) or the ``auth`` query parameter; rate limiting is code 23000.

Invariants: every request under ``/``, ``/info`` and ``/api/v1/`` is counted per path before any
fault or handler runs; a :class:`LighterError` never escapes as a 500.
"""
from __future__ import annotations

import asyncio
from collections import Counter
from typing import Optional

from aiohttp import web

from .errors import INVALID_PARAM, LighterError

RATE_LIMITED = {"code": 23000, "message": "Too Many Requests!"}


def ok(body: Optional[dict] = None) -> web.Response:
    out = {"code": 200}
    out.update(body or {})
    return web.json_response(out)


def fail(err: LighterError, status: int = 400) -> web.Response:
    return web.json_response(err.to_json(), status=status)


class Params:
    """Typed access to query (GET) or form (POST) parameters with Lighter's 400 replies."""

    def __init__(self, values) -> None:
        self.values = values

    def raw(self, name: str) -> Optional[str]:
        value = self.values.get(name)
        return None if value is None else str(value)

    def str(self, name: str, default: Optional[str] = None, required: bool = False,
            choices: Optional[tuple] = None) -> Optional[str]:
        value = self.raw(name)
        if value is None or value == "":
            if required:
                raise LighterError(INVALID_PARAM, detail=f"{name} is required")
            return default
        if choices is not None and value not in choices:
            raise LighterError(INVALID_PARAM, detail=f"{name} must be one of {', '.join(choices)}")
        return value

    def int(self, name: str, default: Optional[int] = None, required: bool = False,
            low: Optional[int] = None, high: Optional[int] = None) -> Optional[int]:
        text = self.str(name, required=required)
        if text is None:
            return default
        try:
            value = int(text)
        except ValueError:
            raise LighterError(INVALID_PARAM, detail=f"{name} must be an integer") from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise LighterError(INVALID_PARAM, detail=f"{name} out of range")
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        text = self.str(name)
        if text is None:
            return default
        if text.lower() not in ("true", "false", "1", "0"):
            raise LighterError(INVALID_PARAM, detail=f"{name} must be a boolean")
        return text.lower() in ("true", "1")

    def int_list(self, name: str) -> Optional[list]:
        text = self.str(name)
        if text is None:
            return None
        try:
            return [int(x) for x in text.strip("[]").split(",") if x.strip()]
        except ValueError:
            raise LighterError(INVALID_PARAM, detail=f"{name} must be a list of integers") from None


def page(rows: list, cursor: Optional[str], limit: int) -> tuple:
    """One page of ``rows`` and the cursor of the next ("" at the end); cursors are opaque offsets."""
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise LighterError(INVALID_PARAM, detail="cursor is not valid") from None
    start = max(0, start)
    chunk = rows[start:start + limit]
    return chunk, (str(start + limit) if start + limit < len(rows) else "")


def auth_token(request: web.Request) -> Optional[str]:
    return request.headers.get("Authorization") or request.query.get("auth") or None


def is_api_path(path: str) -> bool:
    return path in ("/", "/info") or path.startswith("/api/")


class Counters:
    """Per-path request counter (``GET /sim/requests``)."""

    def __init__(self) -> None:
        self.by_path: Counter = Counter()

    def to_json(self) -> dict:
        return {"total": sum(self.by_path.values()), "by_path": dict(self.by_path)}


def make_middleware(faults, counters: Counters):
    state = {"n": 0}

    @web.middleware
    async def middleware(request: web.Request, handler):
        api = is_api_path(request.path)
        if api:
            counters.by_path[request.path] += 1
            state["n"] += 1
        if faults.latency_ms and api:
            await asyncio.sleep(faults.latency_ms / 1000.0)
        if api and faults.rate_limit_every and state["n"] % faults.rate_limit_every == 0:
            return web.json_response(RATE_LIMITED, status=429)
        try:
            return await handler(request)
        except LighterError as err:
            return fail(err)

    return middleware
