"""Fidelity: ccxt's own in-tree ``lighter`` class (nobody here wrote it) against the simulator.

It builds URLs from ``urls['api']`` ({'root', 'public', 'private'}), signs with the official Go
library loaded from ``options['libraryPath']`` (nonce = milliseconds with the skip-nonce attribute),
sends POST bodies as multipart forms and auth tokens in the ``Authorization`` header. Every unified
call must succeed and agree with ``GET /sim/state``.
"""
from __future__ import annotations

import asyncio
from decimal import Decimal

import aiohttp
import pytest

@pytest.fixture
async def in_tree(sim, sim_account, signer_lib_path):
    from ccxt.async_support.lighter import lighter as CcxtLighter

    index = sim_account["account_index"]
    # ccxt keeps the API private key per (account, key) under options['auths'] (see its load_account)
    auths = {str(index): {"4": {"signer": None, "lighterPrivateKey": sim_account["private_key"],
                                "deadline": None, "token": None}}}
    exchange = CcxtLighter({
        "enableRateLimit": False,  # its 1 request/s budget is for the real venue, not a local server
        "options": {"accountIndex": index, "apiKeyIndex": 4, "auths": auths, "libraryPath": str(signer_lib_path),  # the library our set-up installs
                    "builderFee": False, "chainId": 304},
    })
    exchange.urls["api"] = {"root": sim.rest_url, "public": sim.rest_url, "private": sim.rest_url}
    try:
        yield exchange
    finally:
        await exchange.close()


async def _state(sim) -> dict:
    async with aiohttp.ClientSession() as s:
        async with s.get(sim.rest_url + "/sim/state") as resp:
            return await resp.json()


async def _admin(sim, path: str, body: dict) -> dict:
    async with aiohttp.ClientSession() as s:
        async with s.post(sim.rest_url + path, json=body) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()


async def test_public_market_data(sim, in_tree):
    await _admin(sim, "/sim/tick", {"n": 6})  # some trades for trades/candles/tickers
    markets = await in_tree.fetch_markets()
    by_id = {m["id"]: m for m in markets}
    assert {"0", "1", "2", "2048"} <= set(by_id)
    assert by_id["0"]["symbol"] == "ETH/USDC:USDC" and by_id["0"]["precision"]["amount"] == 0.0001
    assert by_id["2048"]["spot"] is True
    await in_tree.load_markets()
    state = await _state(sim)
    book = await in_tree.fetch_order_book("ETH/USDC:USDC")
    assert book["asks"][0][0] == float(state["markets"]["0"]["best_ask"])
    assert book["bids"][0][0] == float(state["markets"]["0"]["best_bid"])
    trades = await in_tree.fetch_trades("ETH/USDC:USDC", limit=5)
    assert trades and trades[-1]["price"] == float(state["markets"]["0"]["last_trade_price"])
    candles = await in_tree.fetch_ohlcv("ETH/USDC:USDC", "1m", limit=10)
    assert candles and candles[-1][4] == float(state["markets"]["0"]["last_trade_price"])
    ticker = await in_tree.fetch_ticker("ETH/USDC:USDC")
    assert ticker["last"] == float(state["markets"]["0"]["last_trade_price"])
    tickers = await in_tree.fetch_tickers()
    assert "BTC/USDC:USDC" in tickers


async def test_account_and_trading_round_trip(sim, sim_account, in_tree):
    index = sim_account["account_index"]
    await in_tree.load_markets()
    await _admin(sim, "/sim/accounts", {"collateral": "0"})  # an unrelated account must not leak in
    balance = await in_tree.fetch_balance({"type": "swap"})
    assert balance["USDC"]["total"] == 10000.0

    limit = await in_tree.create_order("ETH/USDC:USDC", "limit", "buy", 0.05, 2900.0, {"clientOrderId": 777})
    assert limit is not None
    opened = await in_tree.fetch_open_orders("ETH/USDC:USDC")
    assert [o["clientOrderId"] for o in opened] == ["777"]
    assert opened[0]["price"] == 2900.0 and opened[0]["amount"] == 0.05
    state = await _state(sim)
    assert [o["client_order_index"] for o in state["accounts"][str(index)]["open_orders"]] == [777]

    await in_tree.edit_order(opened[0]["id"], "ETH/USDC:USDC", "limit", "buy", 0.06, 2910.0)
    opened = await in_tree.fetch_open_orders("ETH/USDC:USDC")
    assert (opened[0]["price"], opened[0]["amount"]) == (2910.0, 0.06)

    await in_tree.cancel_order(opened[0]["id"], "ETH/USDC:USDC")
    assert await in_tree.fetch_open_orders("ETH/USDC:USDC") == []

    best_ask = Decimal(state["markets"]["0"]["best_ask"])
    await asyncio.sleep(0.002)  # nonces are milliseconds: keep them increasing
    await in_tree.create_order("ETH/USDC:USDC", "market", "buy", 0.01, float(best_ask * Decimal("1.05")))
    state = await _state(sim)
    position = state["accounts"][str(index)]["positions"]["0"]
    assert position["position"] == "0.0100"
    positions = await in_tree.fetch_positions(["ETH/USDC:USDC"])
    assert positions[0]["contracts"] == 0.01 and positions[0]["side"] == "long"
    assert positions[0]["entryPrice"] == float(position["avg_entry_price"])

    await in_tree.create_order("ETH/USDC:USDC", "limit", "buy", 0.05, 2800.0, {"clientOrderId": 778})
    await in_tree.create_order("BTC/USDC:USDC", "limit", "buy", 0.001, 90000.0, {"clientOrderId": 779})
    await asyncio.sleep(0.002)
    await in_tree.cancel_all_orders()
    state = await _state(sim)
    assert state["accounts"][str(index)]["open_orders"] == []

    closed = await in_tree.fetch_closed_orders("ETH/USDC:USDC")
    assert {o["status"] for o in closed} <= {"closed", "canceled"} and len(closed) >= 3
    mine = await in_tree.fetch_my_trades("ETH/USDC:USDC")
    assert mine and all(t["symbol"] == "ETH/USDC:USDC" and t["side"] == "buy" for t in mine)
    assert sum(t["amount"] for t in mine) == pytest.approx(0.01)
    balance = await in_tree.fetch_balance({"type": "swap"})
    assert balance["USDC"]["total"] == float(state["accounts"][str(index)]["collateral"])
