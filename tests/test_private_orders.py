"""Order methods end to end against the simulator (real server, real signer, real HTTP).

Every unified output goes through ccxt's own validators; every write is checked in the simulator's
state, not only in what the method returned.
"""
import pytest
from ccxt.base.errors import ArgumentsRequired, BadRequest, OrderNotFound

from tests.private_support import SYMBOL, account_state, admin, check, requests_to, trader

BTC = "BTC/USDC:USDC"


@pytest.fixture
async def ex(make_lighter, sim, sim_account):
    exchange = trader(make_lighter, sim, sim_account)
    await exchange.load_markets()
    return exchange


def open_orders(sim, account):
    return account_state(sim, account["account_index"])["open_orders"]


async def test_limit_order_lifecycle(ex, sim, sim_account):
    order = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2900)
    check("order", ex, order, "createOrder", symbol=SYMBOL)
    assert order["status"] == "open" and order["id"] == order["clientOrderId"]
    assert (order["side"], order["type"], order["amount"], order["price"]) == ("buy", "limit", 0.1, 2900)
    assert (order["timeInForce"], order["postOnly"], order["reduceOnly"]) == ("GTC", False, False)
    assert len(order["info"]["tx_hash"]) == 80
    [resting] = open_orders(sim, sim_account)
    assert str(resting["client_order_index"]) == order["id"] and resting["price"] == "2900.00"

    fetched = await ex.fetch_order(order["id"], SYMBOL)
    check("order", ex, fetched, "fetchOrder", symbol=SYMBOL)
    assert (fetched["id"], fetched["status"], fetched["amount"]) == (order["id"], "open", 0.1)
    by_exchange_index = await ex.fetch_order(str(fetched["info"]["order_index"]))
    assert by_exchange_index["id"] == order["id"]
    assert [o["id"] for o in await ex.fetch_open_orders(SYMBOL)] == [order["id"]]

    edited = await ex.edit_order(order["id"], SYMBOL, "limit", "buy", 0.2, 2950)
    check("order", ex, edited, "editOrder", symbol=SYMBOL)
    [resting] = open_orders(sim, sim_account)
    assert (resting["price"], resting["initial_base_amount"]) == ("2950.00", "0.2000")

    canceled = await ex.cancel_order(order["id"])  # no symbol: the id's market is remembered
    check("order", ex, canceled, "cancelOrder", symbol=SYMBOL)
    assert canceled["status"] == "canceled" and open_orders(sim, sim_account) == []
    assert (await ex.fetch_order(order["id"]))["status"] == "canceled"
    assert order["id"] in [o["id"] for o in await ex.fetch_canceled_orders(SYMBOL)]
    assert order["id"] not in [o["id"] for o in await ex.fetch_closed_orders(SYMBOL)]


async def test_market_order_fills_and_my_trades(ex, sim, sim_account):
    order = await ex.create_order(SYMBOL, "market", "buy", 0.1)
    check("order", ex, order, "createOrder", symbol=SYMBOL)
    assert order["price"] is None and order["info"]["price_ticks"] > 300000  # worst price above the ask
    done = await ex.fetch_order(order["id"], SYMBOL)
    check("order", ex, done, "fetchOrder", symbol=SYMBOL)
    assert (done["status"], done["filled"], done["remaining"]) == ("closed", 0.1, 0.0)
    assert done["average"] > 2900 and done["cost"] == pytest.approx(done["average"] * 0.1)
    trades = await ex.fetch_my_trades(SYMBOL)
    assert trades and all(t["order"] == order["id"] and t["side"] == "buy" for t in trades)
    for trade in trades:
        check("trade", ex, trade, "fetchMyTrades", symbol=SYMBOL)
        assert trade["takerOrMaker"] == "taker"
    assert sum(t["amount"] for t in trades) == pytest.approx(0.1)
    own = await ex.fetch_order_trades(order["id"], SYMBOL)
    assert sorted(t["id"] for t in own) == sorted(t["id"] for t in trades)
    assert order["id"] in [o["id"] for o in await ex.fetch_closed_orders(SYMBOL)]
    position = account_state(sim, sim_account["account_index"])["positions"]["0"]
    assert position["position"] == "0.1000" and position["sign"] == 1


async def test_time_in_force_variants(ex, sim, sim_account):
    ioc = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2000, {"timeInForce": "IOC"})
    assert ioc["timeInForce"] == "IOC"
    assert (await ex.fetch_order(ioc["id"], SYMBOL))["status"] == "canceled"  # nothing at 2000: not resting
    post = await ex.create_order(SYMBOL, "limit", "sell", 0.1, 3500, {"postOnly": True})
    assert post["postOnly"] and post["timeInForce"] == "PO"
    expires = ex.milliseconds() + 3_600_000
    gtd = await ex.create_order(SYMBOL, "limit", "sell", 0.1, 3600, {"expiresAt": expires})
    resting = {str(o["client_order_index"]): o for o in open_orders(sim, sim_account)}
    assert resting[post["id"]]["time_in_force"] == "post-only"
    assert resting[gtd["id"]]["order_expiry"] == expires
    crossing = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 3100, {"postOnly": True})
    assert (await ex.fetch_order(crossing["id"], SYMBOL))["status"] == "canceled"  # a post-only that would take


async def test_client_order_id_and_cancel_by_it(ex, sim, sim_account):
    order = await ex.create_order(SYMBOL, "limit", "sell", 0.05, 3300, {"clientOrderId": 777})
    assert order["id"] == "777" == order["clientOrderId"]
    fetched = await ex.fetch_order(None, SYMBOL, {"clientOrderId": "777"})
    assert fetched["id"] == "777"
    await ex.cancel_order(None, SYMBOL, {"clientOrderId": 777})
    assert open_orders(sim, sim_account) == []


async def test_exchange_order_index_cancels(ex, sim, sim_account):
    order = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2800)
    index = (await ex.fetch_order(order["id"], SYMBOL))["info"]["order_index"]
    assert index >= 2**48
    await ex.cancel_order(str(index), SYMBOL)
    assert open_orders(sim, sim_account) == []


async def test_stop_loss_triggers_on_mark_price(ex, sim, sim_account):
    await ex.create_order(SYMBOL, "market", "buy", 0.1)
    stop = await ex.create_order(SYMBOL, "market", "sell", 0.1, None, {"stopLossPrice": 2800, "reduceOnly": True})
    check("order", ex, stop, "createOrder", symbol=SYMBOL)
    assert stop["stopLossPrice"] == 2800 and stop["triggerPrice"] == 2800 and stop["type"] == "market"
    take = await ex.create_order(SYMBOL, "limit", "sell", 0.1, 3390, {"takeProfitPrice": 3400, "reduceOnly": True})
    listed = {o["id"]: o for o in await ex.fetch_open_orders(SYMBOL)}
    assert listed[stop["id"]]["stopLossPrice"] == 2800 and listed[take["id"]]["takeProfitPrice"] == 3400
    assert listed[take["id"]]["type"] == "limit" and listed[take["id"]]["price"] == 3390
    await admin(sim, "/sim/mark_price", {"market_id": 0, "price": "2790.00"})
    sim.engine.tick()
    assert (await ex.fetch_order(stop["id"], SYMBOL))["status"] in ("closed", "canceled")
    assert account_state(sim, sim_account["account_index"])["positions"]["0"]["position"] == "0.0000"


async def test_attached_stop_loss_take_profit(ex, sim, sim_account):
    order = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2950, {
        "stopLoss": {"triggerPrice": 2700}, "takeProfit": {"triggerPrice": 3300, "price": 3290}})
    check("order", ex, order, "createOrder", symbol=SYMBOL)
    assert (order["stopLossPrice"], order["takeProfitPrice"]) == (2700, 3300)
    children = order["info"]["attached_client_order_indexes"]
    resting = {str(o["client_order_index"]): o for o in open_orders(sim, sim_account)}
    assert order["id"] in resting
    for leg in children.values():
        fetched = await ex.fetch_order(str(leg), SYMBOL)
        assert fetched["reduceOnly"] and fetched["side"] == "sell"


async def test_twap_order_fills_in_slices_on_the_sim_clock(ex, sim, sim_account):
    """TWAP = CreateOrder Type 6 (GTT, expiry = end of the schedule, ``Price`` caps every slice). The
    venue (here the simulator, every 30 s of its clock) spends it in twap-sub market orders; the
    parent stays open until it is filled, expires or is canceled."""
    order = await ex.create_order(SYMBOL, "market", "buy", 0.1, 3100, {"twap": True, "twapDuration": 600_000})
    check("order", ex, order, "createOrder", symbol=SYMBOL)
    assert (order["type"], order["price"], order["amount"], order["status"]) == ("twap", 3100, 0.1, "open")
    parent = await ex.fetch_order(order["id"], SYMBOL)
    check("order", ex, parent, "fetchOrder", symbol=SYMBOL)
    assert (parent["status"], parent["type"], parent["info"]["trigger_status"]) == ("open", "twap", "twap")
    assert parent["filled"] == 0.005  # 20 slices of 30 s: the first one runs with the order
    await admin(sim, "/sim/advance", {"seconds": 60})
    parent = await ex.fetch_order(order["id"], SYMBOL)
    assert (parent["status"], parent["filled"], parent["remaining"]) == ("open", 0.015, 0.085)
    trades = await ex.fetch_my_trades(SYMBOL)
    assert len(trades) >= 3 and sum(t["amount"] for t in trades) == pytest.approx(0.015)
    for trade in trades:
        check("trade", ex, trade, "fetchMyTrades", symbol=SYMBOL)
        assert (trade["side"], trade["takerOrMaker"]) == ("buy", "taker") and trade["price"] <= 3100
    slice_order = await ex.fetch_order(trades[0]["order"], SYMBOL)  # fills belong to the twap-sub children
    assert slice_order["info"]["type"] == "twap-sub"
    assert slice_order["info"]["parent_order_index"] == parent["info"]["order_index"]
    looked_up = [requests_to(sim, f"/api/v1/{p}") for p in ("accountOrders", "accountActiveOrders")]
    by_parent = await ex.fetch_order_trades(order["id"], SYMBOL)  # the parent's fills = its slices' fills
    # the parent is looked up once (by client id), not again by its exchange index
    assert [requests_to(sim, f"/api/v1/{p}") for p in ("accountOrders", "accountActiveOrders")] == \
        [looked_up[0] + 1, looked_up[1]]
    assert sorted(t["id"] for t in by_parent) == sorted(t["id"] for t in trades)
    by_index = await ex.fetch_order_trades(parent["info"]["order_index"], SYMBOL)
    assert [t["id"] for t in by_index] == [t["id"] for t in by_parent]
    for trade in by_parent:
        check("trade", ex, trade, "fetchOrderTrades", symbol=SYMBOL)

    canceled = await ex.cancel_order(order["id"], SYMBOL)
    assert canceled["status"] == "canceled"
    await admin(sim, "/sim/advance", {"seconds": 600})  # past the schedule's end: no slice runs any more
    final = await ex.fetch_order(order["id"], SYMBOL)
    assert (final["status"], final["filled"]) == ("canceled", 0.015)
    assert len(await ex.fetch_my_trades(SYMBOL)) == len(trades)
    assert account_state(sim, sim_account["account_index"])["positions"]["0"]["position"] == "0.0150"


async def test_twap_runs_to_completion(ex, sim, sim_account):
    order = await ex.create_order(SYMBOL, "twap", "sell", 0.06, 2900, {"twapDuration": 300_000})
    await admin(sim, "/sim/advance", {"seconds": 300})
    done = await ex.fetch_order(order["id"], SYMBOL)
    assert (done["status"], done["filled"], done["remaining"]) == ("closed", 0.06, 0)
    assert done["average"] >= 2900 and order["id"] in [o["id"] for o in await ex.fetch_closed_orders(SYMBOL)]
    assert account_state(sim, sim_account["account_index"])["positions"]["0"]["sign"] == -1


async def test_create_orders_in_batches_of_50(ex, sim, sim_account):
    before = account_state(sim, sim_account["account_index"])["api_keys"]["4"]["nonce"]
    orders = [{"symbol": SYMBOL, "type": "limit", "side": "buy", "amount": 0.01, "price": 2000 + i}
              for i in range(60)]
    placed = await ex.create_orders(orders)
    assert requests_to(sim, "/api/v1/sendTxBatch") == 2 and requests_to(sim, "/api/v1/sendTx") == 0
    assert len({o["id"] for o in placed}) == 60
    for order in placed[:3]:
        check("order", ex, order, "createOrders", symbol=SYMBOL)
    resting = {str(o["client_order_index"]) for o in open_orders(sim, sim_account)}
    assert resting == {o["id"] for o in placed}
    assert account_state(sim, sim_account["account_index"])["api_keys"]["4"]["nonce"] == before + 60
    assert len({o["info"]["tx_hash"] for o in placed}) == 60
    canceled = await ex.cancel_orders([o["id"] for o in placed[:55]])
    assert all(c["status"] == "canceled" for c in canceled) and len(open_orders(sim, sim_account)) == 5


async def test_cancel_all_orders_one_market_then_all(ex, sim, sim_account):
    await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2800)
    await ex.create_order(BTC, "limit", "buy", 0.01, 80000)
    await ex.cancel_all_orders(BTC)
    assert [o["market_index"] for o in open_orders(sim, sim_account)] == [0]
    await ex.cancel_all_orders()
    assert open_orders(sim, sim_account) == []


async def test_cancel_all_orders_after(ex, sim, sim_account):
    answer = await ex.cancel_all_orders_after(600_000)
    assert account_state(sim, sim_account["account_index"])["cancel_all_time"] == answer["time"]
    await ex.cancel_all_orders_after(0)
    assert account_state(sim, sim_account["account_index"])["cancel_all_time"] == 0
    with pytest.raises(BadRequest):
        await ex.cancel_all_orders_after(1000)


async def test_fetch_orders_and_not_found(ex, sim, sim_account):
    resting = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2800)
    filled = await ex.create_order(SYMBOL, "market", "sell", 0.1)
    both = await ex.fetch_orders(SYMBOL)
    assert {resting["id"], filled["id"]} <= {o["id"] for o in both}
    for order in both:
        check("order", ex, order, "fetchOrders", symbol=SYMBOL)
    with pytest.raises(OrderNotFound):
        await ex.fetch_order("123456789", SYMBOL)
    with pytest.raises(ArgumentsRequired):
        await ex.cancel_order("987654321")  # unknown id and no symbol: nothing to sign


async def test_ccxt_convenience_methods_route_through_create_order(ex, sim, sim_account):
    """ccxt's base helpers (enabled by `has`) build params our createOrder understands."""
    await ex.create_order(SYMBOL, "market", "buy", 0.2)
    post = await ex.create_post_only_order(SYMBOL, "limit", "sell", 0.1, 3600)
    reduce = await ex.create_reduce_only_order(SYMBOL, "limit", "sell", 0.1, 3700)
    stop = await ex.create_stop_loss_order(SYMBOL, "market", "sell", 0.1, None, 2700)
    take = await ex.create_take_profit_order(SYMBOL, "limit", "sell", 0.1, 3390, 3400)
    trigger = await ex.create_trigger_order(SYMBOL, "market", "sell", 0.1, None, 2600, {"triggerDirection": "below"})
    both = await ex.create_order_with_take_profit_and_stop_loss(SYMBOL, "limit", "buy", 0.1, 2900, 3300, 2600)
    assert post["postOnly"] and reduce["reduceOnly"]
    assert (stop["stopLossPrice"], take["takeProfitPrice"], trigger["stopLossPrice"]) == (2700, 3400, 2600)
    assert (both["stopLossPrice"], both["takeProfitPrice"]) == (2600, 3300)
    resting = {str(o["client_order_index"]): o for o in open_orders(sim, sim_account)}
    assert resting[post["id"]]["time_in_force"] == "post-only" and resting[reduce["id"]]["reduce_only"]
    for order in (stop, take, trigger):
        assert (await ex.fetch_order(order["id"], SYMBOL))["status"] == "open"
