"""The simulator in a process of its own, for benchmarks.

Why: on the venue, matching runs on another machine; in one process the simulator's CPU time would be
taken from the client being measured (and the clients' concurrency would be capped by the simulator's
share of one interpreter). Here the simulator gets its own interpreter, and the benchmark talks to it
over loopback HTTP/WS exactly as to the in-process one.

``SimProcess(min_open_orders=0, **kwargs)`` is an async context manager; its ``rest_url``/``ws_url``
are those of a :class:`ccxt_lighter.sim.Simulator(**kwargs)` running in a child interpreter
(``python bench/sim_process.py '<kwargs as JSON>' N``); ``min_open_orders`` raises the simulator's
open-order limits (a simulator setting, the same for every client). The child stops when its stdin
closes, so it never outlives the benchmark.
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


async def _child(kwargs: dict, min_open_orders: int) -> None:
    from ccxt_lighter.sim import Simulator

    async with Simulator(**kwargs) as sim:
        limits = sim.engine.limits
        limits.max_open_orders_per_market = max(limits.max_open_orders_per_market, min_open_orders)
        limits.max_open_orders = max(limits.max_open_orders, min_open_orders)
        print(json.dumps([sim.rest_url, sim.ws_url]), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF


class SimProcess:
    def __init__(self, min_open_orders: int = 0, **kwargs) -> None:
        self.kwargs = kwargs
        self.min_open_orders = min_open_orders
        self.rest_url: Optional[str] = None
        self.ws_url: Optional[str] = None
        self._process: Optional[asyncio.subprocess.Process] = None

    async def __aenter__(self) -> "SimProcess":
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")])))
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, os.path.abspath(__file__), json.dumps(self.kwargs), str(self.min_open_orders),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, env=env)
        try:
            line = await asyncio.wait_for(self._process.stdout.readline(), 60)
            self.rest_url, self.ws_url = json.loads(line)
        except (asyncio.TimeoutError, ValueError):
            self._process.kill()
            raise RuntimeError("the simulator process did not start") from None
        return self

    async def __aexit__(self, *exc) -> None:
        self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), 10)
        except asyncio.TimeoutError:
            self._process.kill()


if __name__ == "__main__":
    sys.path.insert(0, ROOT)
    asyncio.run(_child(json.loads(sys.argv[1]), int(sys.argv[2])))
