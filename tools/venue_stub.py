"""A real HTTP server on 127.0.0.1 (port 0) that answers Lighter REST paths from recorded payloads.

Used by the tests (request specs and parsers over real HTTP), by the cassette recorder and by the
benchmark. Every request is recorded (method, path, query, headers, form body) so tests can assert
exactly what a unified method sent. Routes are ``path -> payload`` or ``path -> handler(query)``
returning ``(status, payload)``; unknown paths answer like the venue: HTTP 400 ``{code, message}``.
"""
from __future__ import annotations

import json
from typing import Dict, List, NamedTuple, Optional

from aiohttp import web

from .venue_payloads import Route, default_routes


class Seen(NamedTuple):
    method: str
    path: str
    query: Dict[str, str]
    headers: Dict[str, str]
    form: Dict[str, str]


class VenueStub:
    """``async with VenueStub() as venue: venue.url -> 'http://127.0.0.1:PORT'``."""

    def __init__(self, routes: Optional[Dict[str, Route]] = None):
        self.routes: Dict[str, Route] = default_routes() if routes is None else dict(routes)
        self.requests: List[Seen] = []
        self._runner: Optional[web.AppRunner] = None
        self.port: Optional[int] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> "VenueStub":
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "VenueStub":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    def paths(self) -> List[str]:
        return [seen.path for seen in self.requests]

    async def _handle(self, request: web.Request) -> web.Response:
        form = dict(await request.post()) if request.method == "POST" else {}
        query = dict(request.query)
        self.requests.append(Seen(request.method, request.path, query, dict(request.headers),
                                  {k: str(v) for k, v in form.items()}))
        route = self.routes.get(request.path)
        if route is None:
            status, payload = 400, {"code": 29404, "message": "not found"}
        elif callable(route):
            status, payload = route(dict(query, **form))
        else:
            status, payload = 200, route
        if isinstance(payload, (bytes, str)):
            return web.Response(status=status, body=payload, content_type="text/plain")
        return web.Response(status=status, text=json.dumps(payload), content_type="application/json")
