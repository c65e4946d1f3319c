"""ccxt's convenience order methods (createMarketOrder, createStopOrder, createLimitOrderWs,
createMarketOrderWs) end to end against the simulator: ``has`` marks them True, so each must reach
the venue as the order it names."""
from tests.private_support import check
from tests.ws_support import ETH, make_exchange


def orders_of(sim, account, market=0):
    return {str(o["client_order_index"]): o for o in sim.engine.account_orders(account, market).get(market, [])}


def best_bid(sim, market=0):
    _, bids, _ = sim.engine.book_levels(market, depth=1)
    return float(bids[0][0])


async def test_rest_and_ws_convenience_orders(sim, sim_account):
    ex = make_exchange(sim, sim_account)
    account = sim_account["account_index"]
    try:
        await ex.load_markets()
        bought = await ex.create_market_order(ETH, "buy", 0.02)
        check("order", ex, bought, "createMarketOrder")
        assert bought["type"] == "market" and bought["side"] == "buy"
        filled = await ex.fetch_order(bought["id"], ETH)  # sendTx answers before the fill is known
        assert filled["status"] == "closed" and filled["filled"] == 0.02

        trigger = round(best_bid(sim) * 0.8, 2)
        stop = await ex.create_stop_order(ETH, "market", "sell", 0.02, None, trigger, {"reduceOnly": True})
        resting = orders_of(sim, account)
        assert stop["id"] in resting and resting[stop["id"]]["type"] == "stop-loss"
        assert float(resting[stop["id"]]["trigger_price"]) == trigger

        limit_price = round(best_bid(sim) * 0.9, 2)
        limit = await ex.create_limit_order_ws(ETH, "buy", 0.02, limit_price)
        resting = orders_of(sim, account)
        assert limit["id"] in resting and resting[limit["id"]]["type"] == "limit"
        assert float(resting[limit["id"]]["price"]) == limit_price

        sold = await ex.create_market_order_ws(ETH, "sell", 0.02)
        assert sold["type"] == "market" and sold["side"] == "sell"
        assert (await ex.fetch_order(sold["id"], ETH))["status"] == "closed"
        assert [p for p in await ex.fetch_positions([ETH]) if p["contracts"]] == []  # bought 0.02, sold 0.02
    finally:
        await ex.close()
