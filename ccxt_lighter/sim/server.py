"""The simulator's aiohttp application: Lighter's REST API, the ``/stream`` WebSocket (plugged in
from :mod:`.stream`), and the ``/sim/`` admin namespace.

Venue fact (REFERENCE.md 1, 3.1): REST lives under ``/api/v1/`` plus ``GET /`` and ``GET /info``;
the WebSocket is ``/stream`` on the same host.

Invariant: the app only adapts HTTP to the engine; all venue behaviour is in the engine.
"""
from __future__ import annotations

import importlib

from aiohttp import web

from . import admin, rest_private, rest_public, rest_tx
from .httpkit import make_middleware


def attach_stream(app: web.Application, engine, faults, **settings):
    """Plug the WebSocket layer in when its module exists (it is built alongside the engine);
    ``settings`` override its :class:`~ccxt_lighter.sim.stream.StreamSettings` fields."""
    try:
        stream = importlib.import_module("ccxt_lighter.sim.stream")
    except ModuleNotFoundError as err:
        if err.name != "ccxt_lighter.sim.stream":
            raise
        return None
    return stream.attach(app, engine, faults, **settings)


def create_app(sim) -> web.Application:
    app = web.Application(middlewares=[make_middleware(sim.faults, sim.counters)])
    app.add_routes(rest_public.routes(sim.engine))
    app.add_routes(rest_private.routes(sim.engine))
    app.add_routes(rest_tx.routes(sim.engine))
    app.add_routes(admin.routes(sim))
    settings = {}
    if getattr(sim, "ws_idle_timeout", None) is not None:
        settings["idle_timeout"] = float(sim.ws_idle_timeout)
    sim.stream = attach_stream(app, sim.engine, sim.faults, **settings)
    return app
