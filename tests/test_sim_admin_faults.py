"""Simulator admin namespace, the REST fault knobs, the flow and the CLI."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time

import aiohttp
import pytest

from ccxt_lighter.orders import CreateOrder, OrderSpec
from ccxt_lighter.sim import Simulator



async def _post(session, sim, path, body):
    async with session.post(sim.rest_url + path, json=body) as resp:
        return resp.status, await resp.json()


async def _get(session, url, **kw):
    async with session.get(url, **kw) as resp:
        return resp.status, await resp.json()


async def test_accounts_state_and_mark_price(sim):
    async with aiohttp.ClientSession() as s:
        status, body = await _post(s, sim, "/sim/accounts", {"collateral": "2500.5", "api_keys": {"5": "ab" * 40},
                                                             "l1_address": "0x" + "12" * 20})
        assert status == 200 and body["account_index"] >= 100
        index = body["account_index"]
        status, second = await _post(s, sim, "/sim/accounts", {"collateral": "1"})
        assert second["account_index"] == index + 1
        assert (await _post(s, sim, "/sim/accounts", {"api_keys": {"4": "abc"}}))[0] == 400
        status, state = await _get(s, sim.rest_url + "/sim/state")
        acct = state["accounts"][str(index)]
        assert acct["collateral"] == "2500.500000" and acct["api_keys"]["5"]["nonce"] == 0
        status, body = await _post(s, sim, "/sim/mark_price", {"market_id": 0, "price": "3123.45"})
        assert body["mark_price"] == "3123.45"
        assert (await _post(s, sim, "/sim/mark_price", {"market_id": 0, "price": "3123.456"}))[0] == 400
        status, state = await _get(s, sim.rest_url + "/sim/state")
        assert state["markets"]["0"]["mark_price"] == "3123.45"
        status, body = await _post(s, sim, "/sim/advance", {"seconds": 3600})
        assert body["offset_ms"] == 3_600_000


async def test_request_counter_counts_api_requests_only(sim):
    async with aiohttp.ClientSession() as s:
        await _post(s, sim, "/sim/requests/reset", {})
        await _get(s, sim.rest_url + "/api/v1/orderBooks")
        await _get(s, sim.rest_url + "/api/v1/orderBooks")
        await _get(s, sim.rest_url + "/")
        status, counts = await _get(s, sim.rest_url + "/sim/requests")
        assert counts == {"total": 3, "by_path": {"/api/v1/orderBooks": 2, "/": 1}}


async def test_rate_limit_every_nth_request(sim):
    async with aiohttp.ClientSession() as s:
        await _post(s, sim, "/sim/faults", {"rate_limit_every": 3})
        codes = []
        for _ in range(6):
            async with s.get(sim.rest_url + "/api/v1/orderBooks") as resp:
                codes.append((resp.status, (await resp.json())["code"]))
        assert codes == [(200, 200), (200, 200), (429, 23000)] * 2
        status, faults = await _post(s, sim, "/sim/faults", {"rate_limit_every": 0})
        assert faults["rate_limit_every"] == 0
        assert (await _post(s, sim, "/sim/faults", {"rate_limit_evry": 1}))[0] == 400


async def test_latency_delays_responses(sim):
    async with aiohttp.ClientSession() as s:
        await _post(s, sim, "/sim/faults", {"latency_ms": 1500})
        with pytest.raises(asyncio.TimeoutError):
            await _get(s, sim.rest_url + "/api/v1/orderBooks", timeout=aiohttp.ClientTimeout(total=0.5))
        status, _ = await _post(s, sim, "/sim/faults", {"latency_ms": 0})  # admin is never delayed
        assert status == 200
        assert (await _get(s, sim.rest_url + "/api/v1/orderBooks"))[0] == 200


async def test_reject_nonce_every_through_rest(sim, sim_trader):
    t = sim_trader
    async with aiohttp.ClientSession() as s:
        await _post(s, sim, "/sim/faults", {"reject_nonce_every": 2})
    expiry = int(time.time() * 1000) + 3600_000
    results = []
    for coi in (1, 2, 3):
        status, body, _ = await t.send(CreateOrder(OrderSpec(0, coi, 500, 290000 - coi, 0, 0, 1, order_expiry=expiry)))
        results.append(body["code"])
    assert results == [200, 21104, 200]
    status, body = await t.get("/api/v1/nextNonce", {"account_index": t.index, "api_key_index": 4})
    assert body["nonce"] == 2


async def test_flow_is_deterministic_and_moves_the_market():
    async def run():
        async with Simulator(seed=7, flow=False) as sim:
            for _ in range(5):
                sim.flow.step()
            return ([(t["price"], t["size"]) for t in sim.engine.recent_trades(0, 50)], sim.engine.book_levels(0)[:2])
    first, second = await run(), await run()
    assert first == second and first[0]


async def test_background_flow_runs_on_its_own():
    async with Simulator(seed=3, flow=True, flow_interval=0.05) as sim:
        for _ in range(200):
            if sim.flow.steps >= 3:
                break
            await asyncio.sleep(0.05)
        assert sim.flow.steps >= 3


def test_cli_prints_urls_and_serves():
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.Popen([sys.executable, "-m", "ccxt_lighter.cli", "sim", "--no-flow", "--seed", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        rest = proc.stdout.readline().strip()
        ws = proc.stdout.readline().strip()
        assert rest.startswith("rest: http://127.0.0.1:") and ws.startswith("ws: ws://127.0.0.1:")
        import urllib.request
        with urllib.request.urlopen(rest.split(" ", 1)[1] + "/api/v1/orderBooks", timeout=10) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
