"""Simulator REST API through the real aiohttp server: shapes, required parameters, auth, sendTx."""
from __future__ import annotations

import json
import time

import aiohttp
import pytest

from ccxt_lighter.orders import (CancelAllOrders, CancelOrder, CreateOrder, ModifyOrder, OrderSpec, Transfer,
                                 UpdateLeverage, Withdraw)



def _limit(coi, *, ask=0, base=500, price=290000, market=0):
    return CreateOrder(OrderSpec(market, coi, base, price, ask, 0, 1, order_expiry=int(time.time() * 1000) + 3600_000))


async def test_public_market_endpoints(sim, sim_trader):
    t = sim_trader
    status, body = await t.get("/")
    assert status == 200 and set(body) == {"status", "network_id", "timestamp"}
    status, body = await t.get("/api/v1/orderBookDetails")
    ids = [d["market_id"] for d in body["order_book_details"]]
    assert ids == [0, 1, 2] and body["spot_order_book_details"][0]["market_id"] == 2048
    eth = body["order_book_details"][0]
    assert (eth["size_decimals"], eth["price_decimals"], eth["min_base_amount"]) == (4, 2, "0.0050")
    assert eth["default_initial_margin_fraction"] == 500 and eth["taker_fee"] == "0.0000"
    status, body = await t.get("/api/v1/orderBooks", {"market_id": 2048})
    assert [b["market_type"] for b in body["order_books"]] == ["spot"]
    status, body = await t.get("/api/v1/orderBookOrders", {"market_id": 0, "limit": 5})
    assert body["code"] == 200 and len(body["asks"]) == 5 and body["total_bids"] == 5
    assert float(body["asks"][0]["price"]) > float(body["bids"][0]["price"])


@pytest.mark.parametrize("path, params", [
    ("/api/v1/orderBookOrders", {"market_id": 0}),                  # limit required
    ("/api/v1/orderBookOrders", {"market_id": 0, "limit": 251}),    # limit <= 250
    ("/api/v1/recentTrades", {"limit": 5}),                         # market_id required
    ("/api/v1/trades", {"limit": 5}),                                # sort_by required
    ("/api/v1/candles", {"market_id": 0, "resolution": "1m"}),      # timestamps, count_back required
    ("/api/v1/account", {"by": "index"}),                            # value required
    ("/api/v1/nextNonce", {"account_index": 100}),                   # api_key_index required
])
async def test_missing_or_bad_parameters_are_400(sim, sim_trader, path, params):
    status, body = await sim_trader.get(path, params)
    assert status == 400 and set(body) == {"code", "message"} and body["code"] != 200


async def test_unknown_things_use_lighter_codes(sim, sim_trader):
    t = sim_trader
    assert (await t.get("/api/v1/account", {"by": "index", "value": "99999"}))[1]["code"] == 21100
    assert (await t.get("/api/v1/recentTrades", {"market_id": 77, "limit": 1}))[1]["code"] == 21602
    assert (await t.get("/api/v1/tx", {"by": "hash", "value": "ab" * 40}))[1]["code"] == 21500
    body = (await t.get("/api/v1/candles", {"market_id": 0, "resolution": "2m", "start_timestamp": 0,
                                            "end_timestamp": 1, "count_back": 1}))[1]
    assert body["code"] == 22402


async def test_send_tx_order_lifecycle_with_real_signatures(sim, sim_trader):
    t = sim_trader
    status, body, signed = await t.send(_limit(11))
    assert status == 200 and body["tx_hash"] == signed.tx_hash and len(body["tx_hash"]) == 80
    status, tx = await t.get("/api/v1/tx", {"by": "hash", "value": signed.tx_hash})
    assert tx["status"] == 2 and tx["type"] == 14 and json.loads(tx["info"])["ClientOrderIndex"] == 11
    status, body = await t.get("/api/v1/accountActiveOrders", {"account_index": t.index}, auth=True)
    (order,) = body["orders"]
    assert (order["client_order_index"], order["status"], order["price"]) == (11, "open", "2900.00")
    status, body, _ = await t.send(ModifyOrder(0, 11, 800, 289000))
    assert status == 200
    status, body, _ = await t.send(CancelOrder(0, order["order_index"]))
    assert status == 200
    status, body = await t.get("/api/v1/accountInactiveOrders", {"account_index": t.index, "limit": 10}, auth=True)
    assert body["orders"][0]["status"] == "canceled" and body["orders"][0]["remaining_base_amount"] == "0.0800"
    status, body = await t.get("/api/v1/accountOrders", {"client_order_indexes": "11"}, auth=True)
    assert [o["client_order_index"] for o in body["orders"]] == [11]
    status, body = await t.get("/api/v1/nextNonce", {"account_index": t.index, "api_key_index": 4})
    assert body["nonce"] == 3


async def test_send_tx_errors_and_nonce_not_consumed(sim, sim_trader):
    t = sim_trader
    status, body, _ = await t.send(_limit(1), nonce=5)
    assert (status, body["code"]) == (400, 21104)
    status, body, _ = await t.send(_limit(1, base=1))  # below the minimum base amount
    assert (status, body["code"], body["message"]) == (400, 21706, "invalid order base or quote amount")
    status, body = await t.post("/api/v1/sendTx", {"tx_type": "14", "tx_info": "{bad"})
    assert (status, body["code"]) == (400, 21501)
    status, body = await t.get("/api/v1/nextNonce", {"account_index": t.index, "api_key_index": 4})
    assert body["nonce"] == 0


async def test_send_tx_batch(sim, sim_trader):
    t = sim_trader
    infos = [t.sign(_limit(21 + i, price=280000 + i), nonce=i).tx_info for i in range(3)]
    status, body = await t.post("/api/v1/sendTxBatch", {"tx_types": "[14,14,14]", "tx_infos": json.dumps(infos)})
    assert status == 200 and len(body["tx_hash"]) == 3
    status, body = await t.post("/api/v1/sendTxBatch", {"tx_types": "[14]", "tx_infos": json.dumps(infos)})
    assert body["code"] == 21513


async def test_multipart_form_like_ccxt(sim, sim_trader):
    t = sim_trader
    signed = t.sign(_limit(31))
    form = aiohttp.FormData()
    form.add_field("tx_type", "14")
    form.add_field("tx_info", signed.tx_info)
    async with t.session.post(sim.rest_url + "/api/v1/sendTx", data=form) as resp:
        assert resp.status == 200 and (await resp.json())["tx_hash"] == signed.tx_hash


async def test_auth_required_and_checked(sim, sim_trader):
    t = sim_trader
    params = {"account_index": t.index}
    status, body = await t.get("/api/v1/accountActiveOrders", params)
    assert (status, body["code"]) == (400, 20013)
    status, body = await t.get("/api/v1/accountActiveOrders", dict(params, auth=t.token()))
    assert status == 200 and body["orders"] == []
    other = await _account(sim)
    status, body = await t.get("/api/v1/accountActiveOrders", {"account_index": other}, auth=True)
    assert body["code"] == 20013
    for path, extra in [("/api/v1/accountLimits", {}), ("/api/v1/liquidations", {"limit": 5}),
                        ("/api/v1/withdraw/history", {}), ("/api/v1/transferFeeInfo", {}),
                        ("/api/v1/trades", {"sort_by": "timestamp", "limit": 5}),
                        ("/api/v1/positionFunding", {"limit": 5}), ("/api/v1/transfer/history", {})]:
        assert (await t.get(path, dict(params, **extra)))[1]["code"] == 20013, path
        assert (await t.get(path, dict(params, **extra), auth=True))[0] == 200, path


async def _account(sim) -> int:
    async with aiohttp.ClientSession() as s:
        async with s.post(sim.rest_url + "/sim/accounts", json={"collateral": "5"}) as resp:
            return (await resp.json())["account_index"]


async def test_account_positions_trades_and_histories(sim, sim_trader):
    t = sim_trader
    status, body, _ = await t.send(UpdateLeverage(0, 1000, 0))
    status, book = await t.get("/api/v1/orderBookOrders", {"market_id": 0, "limit": 1})
    best_ask, size = book["asks"][0]["price"], book["asks"][0]["remaining_base_amount"]
    market = CreateOrder(OrderSpec(0, 41, int(size.replace(".", "")), 310000, 0, 1, 0))
    status, body, signed = await t.send(market)
    assert status == 200
    status, body = await t.get("/api/v1/account", {"by": "index", "value": t.index})
    (acct,) = body["accounts"]
    (pos,) = acct["positions"]
    assert (pos["position"], pos["avg_entry_price"], pos["initial_margin_fraction"]) == (size, best_ask, "10.00")
    status, body = await t.get("/api/v1/trades", {"sort_by": "timestamp", "limit": 10, "account_index": t.index},
                               auth=True)
    assert body["trades"][0]["bid_account_id"] == t.index and body["trades"][0]["tx_hash"] == signed.tx_hash
    status, body = await t.get("/api/v1/recentTrades", {"market_id": 0, "limit": 1})
    assert body["trades"][0]["price"] == best_ask
    await t.send(Transfer(t.index, 3, 0, 1, 5_000_000))
    await t.send(Withdraw(3, 0, 1_000_000))
    status, body = await t.get("/api/v1/transfer/history", {"account_index": t.index}, auth=True)
    assert body["transfers"][0]["type"] == "L2SelfTransfer" and body["transfers"][0]["to_route"] == "spot"
    status, body = await t.get("/api/v1/withdraw/history", {"account_index": t.index}, auth=True)
    assert body["withdraws"][0]["amount"] == "1.000000"
    status, body = await t.get("/api/v1/deposit/history", {"account_index": t.index, "l1_address": "0x0"}, auth=True)
    assert body["deposits"][0]["amount"] == "10000.000000"
    status, body = await t.get("/api/v1/accountsByL1Address", {"l1_address": acct["l1_address"]})
    assert body["sub_accounts"][0]["index"] == t.index
    status, body = await t.get("/api/v1/apikeys", {"account_index": t.index})
    assert body["api_keys"][0]["public_key"] == t.account["public_key"] and body["api_keys"][0]["nonce"] == 4
    status, body, _ = await t.send(CancelAllOrders(0, 0))
    assert status == 200


async def test_candles_and_fundings_after_activity(sim, sim_trader):
    t = sim_trader
    async with t.session.post(sim.rest_url + "/sim/tick", json={"n": 5}) as resp:
        assert resp.status == 200
    now = sim.engine.now_ms()
    status, body = await t.get("/api/v1/candles", {"market_id": 0, "resolution": "1m", "start_timestamp": 0,
                                                   "end_timestamp": now, "count_back": 10})
    assert body["r"] == "1m" and body["c"] and body["c"][-1]["v"] > 0
    async with t.session.post(sim.rest_url + "/sim/advance", json={"seconds": 7200}) as resp:
        assert resp.status == 200
    status, body = await t.get("/api/v1/fundings", {"market_id": 0, "resolution": "1h", "start_timestamp": 0,
                                                    "end_timestamp": sim.engine.now_ms(), "count_back": 10})
    # two simulated hours = two rounds (a third if the real clock crossed an hour meanwhile)
    assert len(body["fundings"]) >= 2 and body["fundings"][0]["direction"] in ("long", "short")


async def test_inactive_orders_paginate_with_cursor(sim, sim_trader):
    t = sim_trader
    for coi in (71, 72, 73):
        assert (await t.send(_limit(coi, price=280000 + coi)))[0] == 200
        assert (await t.send(CancelOrder(0, coi)))[0] == 200
    params = {"account_index": t.index, "limit": 2}
    status, first = await t.get("/api/v1/accountInactiveOrders", params, auth=True)
    assert [o["client_order_index"] for o in first["orders"]] == [73, 72] and first["next_cursor"]
    status, second = await t.get("/api/v1/accountInactiveOrders", dict(params, cursor=first["next_cursor"]), auth=True)
    assert [o["client_order_index"] for o in second["orders"]] == [71] and second["next_cursor"] == ""


async def test_server_verifies_signatures_by_default(sim, sim_trader):
    t = sim_trader
    assert sim.engine.verifying
    info = json.loads(t.sign(_limit(81)).tx_info)
    info["Price"] += 1  # signed for another price
    status, body = await t.post("/api/v1/sendTx", {"tx_type": "14", "tx_info": json.dumps(info)})
    assert (status, body["code"]) == (400, 21120)
    forged = t.token().split(":")
    forged[3] = "0" * 160
    status, body = await t.get("/api/v1/accountActiveOrders", {"account_index": t.index, "auth": ":".join(forged)})
    assert (status, body["code"]) == (400, 20013)
