"""Fidelity: ccxt's own in-tree ``ccxt.pro.lighter`` (the installed ccxt, unmodified) runs
watchOrderBook, watchTrades and watchOrders against the simulator's REST + /stream, signing with the
official library, and sees exactly the simulator's state.

If a real-venue client parses our frames into the same values the engine holds, the simulator's
wire format is the venue's as far as ccxt can tell.
"""
from __future__ import annotations

import asyncio

import ccxt.pro
import pytest

SYMBOL = "ETH/USDC:USDC"


@pytest.fixture
async def ccxt_lighter_pro(sim, sim_account, signer_lib_path):
    account, key = sim_account["account_index"], sim_account["api_key_index"]
    exchange = ccxt.pro.lighter({
        "enableRateLimit": False,  # ccxt paces REST at 1 req/s for mainnet; the simulator needs no pacing
        "urls": {"api": {"root": sim.rest_url, "public": sim.rest_url, "private": sim.rest_url, "ws": sim.ws_url}},
        "options": {
            "libraryPath": signer_lib_path,
            "builderFee": False,  # no integrator fee approval behind the user's back
            "accountIndex": account,
            "apiKeyIndex": key,
            # An already registered API key, the way ccxt stores it after change_api_key().
            "auths": {str(account): {str(key): {"signer": None, "lighterPrivateKey": sim_account["private_key"],
                                                "deadline": None, "token": None}}},
        },
    })
    try:
        yield exchange
    finally:
        await exchange.close()


def levels(side) -> list:
    return [(float(price), float(size)) for price, size in side]


async def test_ccxt_pro_watchers_agree_with_the_simulator(sim, sim_account, ccxt_lighter_pro):
    ex = ccxt_lighter_pro
    await ex.load_markets()
    book = await ex.watch_order_book(SYMBOL)
    asks, bids, _ = sim.engine.book_levels(0)
    assert [tuple(x) for x in book["asks"]] == levels(asks)
    assert [tuple(x) for x in book["bids"]] == levels(bids)
    assert await ex.watch_trades(SYMBOL) == []  # the still book has no trades yet

    # Arm the watchers first: ccxt resolves only futures that are pending when a frame arrives.
    next_book = asyncio.ensure_future(ex.watch_order_book(SYMBOL))
    next_trades = asyncio.ensure_future(ex.watch_trades(SYMBOL))
    next_orders = asyncio.ensure_future(ex.watch_orders())
    topic = f"account_all_orders:{sim_account['account_index']}"
    for _ in range(2000):  # the private subscribe goes out once ccxt has loaded its signer
        if sim.stream.wanted(topic):
            break
        await asyncio.sleep(0.01)
    assert sim.stream.wanted(topic)
    created = await ex.create_order(SYMBOL, "limit", "buy", 0.01, 3010)
    assert created["info"]["code"] == 200

    trades = await asyncio.wait_for(next_trades, 20)
    engine_trade = sim.engine.recent_trades(0, 1)[0]
    assert len(trades) == 1
    assert trades[0]["id"] == engine_trade["trade_id_str"]
    assert trades[0]["price"] == float(engine_trade["price"]) and trades[0]["amount"] == 0.01
    assert trades[0]["side"] == "buy"  # the maker sold: a buy-side taker trade

    orders = await asyncio.wait_for(next_orders, 20)
    filled = sim.engine.account_inactive_orders(sim_account["account_index"])[0]
    assert orders[-1]["id"] == filled["order_id"] == engine_trade["bid_id_str"]
    assert orders[-1]["status"] == "closed" and filled["status"] == "filled"
    assert orders[-1]["filled"] == 0.01 and orders[-1]["remaining"] == 0

    book = await asyncio.wait_for(next_book, 20)
    asks, bids, _ = sim.engine.book_levels(0)
    assert [tuple(x) for x in book["asks"]] == levels(asks)
    assert [tuple(x) for x in book["bids"]] == levels(bids)
    assert book["asks"][0] == [3000.75, 0.04]  # 0.05 at the best ask minus the 0.01 fill
