"""The embedded Lighter exchange: an engine speaking Lighter's exact wire protocol over a real
aiohttp server on 127.0.0.1.

Usage::

    async with Simulator(port=0, seed=1, flow=False) as sim:
        sim.rest_url   # http://127.0.0.1:PORT
        sim.ws_url     # ws://127.0.0.1:PORT/stream
        sim.engine     # the synchronous engine (see ccxt_lighter.sim.engine for its contract)

``flow=True`` runs the seeded market maker in the background (every ``flow_interval`` s);
``flow=False`` keeps the books still (they are still seeded with depth once, unless
``seed_books=False``) and ``POST /sim/tick`` / ``sim.flow.step()`` drive the flow by explicit steps.
``sequencer_rejections='async'`` makes state-dependent failures (margin, reduce-only, unknown order,
price bands, order limits) answer 200 and fail later as the venue's sequencer does (default
``'sync'``: HTTP 400 at once; see :mod:`.rejections`). ``ws_idle_timeout`` (seconds) overrides the
``/stream`` idle rule (venue: 120 s).

Invariant: nothing here talks to the network beyond the listening socket on ``host``.
"""
from __future__ import annotations

import asyncio
import contextlib
from typing import Optional

from .admin import state_json
from .engine import Engine
from .errors import LighterError
from .faults import Faults
from .flow import Flow
from .httpkit import Counters

__all__ = ["Simulator", "Engine", "Faults", "LighterError"]


class Simulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, seed: int = 1, flow: bool = True, *,
                 chain_id: int = 304, verify_signatures: Optional[bool] = None, flow_interval: float = 0.5,
                 seed_books: bool = True, sequencer_rejections: str = "sync",
                 ws_idle_timeout: Optional[float] = None) -> None:
        self.host, self.port = host, port
        self.faults = Faults()
        self.counters = Counters()
        self.engine = Engine(seed=seed, chain_id=chain_id, verify_signatures=verify_signatures, faults=self.faults,
                             sequencer_rejections=sequencer_rejections)
        self.ws_idle_timeout = ws_idle_timeout
        self.flow = Flow(self.engine, seed)
        self.flow_enabled = flow
        self.flow_interval = flow_interval
        self.stream = None
        if seed_books:
            self.flow.seed_books()
        self._runner = None  # aiohttp.web.AppRunner while serving
        self._task: Optional[asyncio.Task] = None

    @property
    def rest_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/stream"

    def state(self) -> dict:
        out = state_json(self.engine)
        out["faults"] = self.faults.to_json()
        out["requests"] = self.counters.to_json()
        out["flow"] = {"enabled": self.flow_enabled, "steps": self.flow.steps}
        out["sequencer_rejections"] = self.engine.sequencer_rejections
        return out

    async def start(self) -> "Simulator":
        from aiohttp import web  # imported here: the engine side of this package never needs it

        from .server import create_app

        self._runner = web.AppRunner(create_app(self), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the real port when 0 was asked for
        self._task = asyncio.ensure_future(self._clock())
        return self

    async def _clock(self) -> None:
        """Run the venue's timers (and the flow when enabled) on wall time."""
        while True:
            await asyncio.sleep(self.flow_interval)
            if self.flow_enabled:
                self.flow.step()
            else:
                self.engine.tick()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> "Simulator":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()
