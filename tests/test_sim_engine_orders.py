"""Engine: conditional orders, grouped orders (OTO/OCO/OTOCO), modify, cancel, cancel-all."""
from __future__ import annotations

import pytest

from ccxt_lighter.sim.errors import LighterError
from tests.fixtures_sim import find_order as _status


def _long(engine, maker_factory, size=1000):
    """An account holding a long of ``size`` at 3000.00 (and the counterparty)."""
    lp, trader = maker_factory(), maker_factory()
    lp.create(coi=900, ask=True, base=size, price=300000)
    trader.create(coi=900, base=size, price=300000, type=1)
    return trader, lp


@pytest.mark.parametrize("otype, trigger, fire_at, stays_at", [
    (2, 290000, 289000, 291000),  # sell stop-loss fires at/below the trigger
    (4, 310000, 311000, 309000),  # sell take-profit fires at/above the trigger
])
def test_sell_trigger_orders_fire_on_mark_price(engine, maker_factory, otype, trigger, fire_at, stays_at):
    trader, lp = _long(engine, maker_factory)
    lp.create(coi=1, base=5000, price=280000)  # bids to close into
    trader.create(coi=5, ask=True, base=1000, price=270000, type=otype, trigger=trigger, reduce_only=1)
    assert _status(engine, trader.account, 5)["status"] == "pending"
    assert _status(engine, trader.account, 5)["trigger_status"] == "mark-price"
    engine.set_mark_price(0, stays_at)
    assert _status(engine, trader.account, 5)["status"] == "pending"
    engine.set_mark_price(0, fire_at)
    fired = _status(engine, trader.account, 5)
    assert fired["status"] == "filled" and fired["trigger_time"] > 0
    assert trader.position()["position"] == "0.0000"


def test_stop_limit_becomes_a_resting_limit(engine, maker_factory):
    trader, lp = _long(engine, maker_factory)
    trader.create(coi=6, ask=True, base=1000, price=289500, type=3, tif=1, trigger=290000, reduce_only=1)
    engine.set_mark_price(0, 289900)
    order = _status(engine, trader.account, 6)
    assert order["status"] == "open" and order["type"] == "stop-loss-limit"
    assert engine.book_levels(0)[0][0] == ("2895.00", "0.1000")


def test_reduce_only_cannot_open_or_grow(engine, maker_factory):
    trader, lp = _long(engine, maker_factory)
    with pytest.raises(LighterError) as err:
        trader.create(coi=1, base=500, price=290000, reduce_only=1)  # a buy would grow the long
    assert err.value.code == 21732
    lp.create(coi=2, base=5000, price=299000)
    trader.create(coi=3, ask=True, base=3000, price=299000, reduce_only=1, tif=0, expiry=0)  # clipped to 0.1
    assert trader.position()["position"] == "0.0000"
    assert _status(engine, trader.account, 3)["filled_base_amount"] == "0.1000"


def test_oto_child_takes_the_parent_fill_and_waits_for_the_mark(engine, maker_factory):
    lp, trader = maker_factory(), maker_factory()
    lp.create(coi=1, ask=True, base=700, price=300000)
    parent = trader.order(coi=10, base=1000, price=300000, tif=0, expiry=0)  # IOC: fills 0.07
    child = trader.order(base=0, ask=True, price=280000, type=2, trigger=285000, reduce_only=1)
    trader.send(28, trader.base(GroupingType=1, Orders=[parent, child]))
    p = _status(engine, trader.account, 10)
    c = _status(engine, trader.account, index=p["order_index"] + 1)
    assert p["to_trigger_order_id_0"] == c["order_id"] and c["parent_order_index"] == p["order_index"]
    assert c["status"] == "pending" and c["trigger_status"] == "mark-price"
    assert c["initial_base_amount"] == "0.0700"
    lp.create(coi=2, base=5000, price=280000)
    engine.set_mark_price(0, 284000)
    assert _status(engine, trader.account, index=c["order_index"])["status"] == "filled"
    assert trader.position()["position"] == "0.0000"


def test_oto_children_die_with_an_unfilled_parent(engine, maker_factory):
    trader = maker_factory()
    parent = trader.order(coi=10, base=1000, price=290000)  # rests
    child = trader.order(base=0, ask=True, price=280000, type=2, trigger=285000, reduce_only=1)
    trader.send(28, trader.base(GroupingType=1, Orders=[parent, child]))
    child_index = _status(engine, trader.account, 10)["order_index"] + 1
    assert _status(engine, trader.account, index=child_index)["trigger_status"] == "parent-order"
    trader.cancel(10)
    assert _status(engine, trader.account, index=child_index)["status"] == "canceled-child"


def test_otoco_siblings_cancel_each_other(engine, maker_factory):
    lp, trader = maker_factory(), maker_factory()
    lp.create(coi=1, ask=True, base=1000, price=300000)
    orders = [trader.order(coi=20, base=1000, price=300000, type=1),
              trader.order(base=0, ask=True, price=280000, type=2, trigger=285000, reduce_only=1),
              trader.order(base=0, ask=True, price=320000, type=4, trigger=325000, reduce_only=1)]
    orders[2]["OrderExpiry"] = orders[1]["OrderExpiry"]
    trader.send(28, trader.base(GroupingType=3, Orders=orders))
    parent = _status(engine, trader.account, 20)
    sl, tp = parent["order_index"] + 1, parent["order_index"] + 2
    assert _status(engine, trader.account, index=sl)["to_cancel_order_id_0"] == str(tp)
    lp.create(coi=2, ask=False, base=5000, price=320000)  # a bid for the take-profit to hit
    engine.set_mark_price(0, 326000)
    assert _status(engine, trader.account, index=tp)["status"] == "filled"
    assert _status(engine, trader.account, index=sl)["status"] == "canceled-oco"


def test_oco_on_an_existing_position(engine, maker_factory):
    trader, lp = _long(engine, maker_factory)
    sl = trader.order(base=0, ask=True, price=280000, type=2, trigger=285000, reduce_only=1)
    tp = trader.order(base=0, ask=True, price=320000, type=4, trigger=325000, reduce_only=1)
    tp["OrderExpiry"] = sl["OrderExpiry"]
    trader.send(28, trader.base(GroupingType=2, Orders=[sl, tp]))
    lp.create(coi=3, base=5000, price=280000)
    engine.set_mark_price(0, 284000)
    statuses = sorted(o["status"] for o in engine.account_inactive_orders(trader.account)[:2])
    assert statuses == ["canceled-oco", "filled"]


@pytest.mark.parametrize("grouping, build, code", [
    (4, lambda t: [t.order(coi=1), t.order(coi=2)], 21741),
    (1, lambda t: [t.order(coi=1)], 21742),
    (1, lambda t: [t.order(coi=1, base=1000, price=290000), t.order(coi=2, base=0, ask=False, type=2,
                                                                     trigger=285000, reduce_only=1)], 21743),
])
def test_grouping_rules(engine, maker_factory, grouping, build, code):
    t = maker_factory()
    with pytest.raises(LighterError) as err:
        t.send(28, t.base(GroupingType=grouping, Orders=build(t)))
    assert err.value.code == code
    assert t.orders() == []


def test_modify_moves_price_and_size_and_loses_priority(engine, maker_factory):
    a, b = maker_factory(), maker_factory()
    a.create(coi=1, base=1000, price=299000)
    b.create(coi=1, base=1000, price=299000)
    a.send(17, a.base(MarketIndex=0, Index=1, BaseAmount=2000, Price=299000, TriggerPrice=0))
    (order,) = a.orders()
    assert order["remaining_base_amount"] == "0.2000" and order["order_version"] == 1
    taker = maker_factory()
    taker.create(coi=1, ask=True, base=1000, price=299000, type=1)
    assert engine.recent_trades(0, 1)[0]["bid_account_id"] == b.account  # a re-queued behind b
    a.send(17, a.base(MarketIndex=0, Index=order["order_index"], BaseAmount=2000, Price=299500, TriggerPrice=0))
    assert engine.book_levels(0)[1][0] == ("2995.00", "0.2000")


def test_cancel_by_client_or_exchange_index(engine, maker_factory):
    a = maker_factory()
    a.create(coi=1, base=1000, price=290000)
    a.create(coi=2, base=1000, price=289000)
    a.cancel(1)
    a.cancel(a.orders()[0]["order_index"])
    assert a.orders() == []
    assert {o["status"] for o in engine.account_inactive_orders(a.account)} == {"canceled"}
    with pytest.raises(LighterError) as err:
        a.cancel(1)
    assert err.value.code == 21600


def test_cancel_all_immediate_and_per_market(engine, maker_factory):
    a = maker_factory()
    a.create(coi=1, base=1000, price=290000)
    a.create(coi=2, market=1, base=100, price=900000)
    info = a.base(TimeInForce=0, Time=0)
    info["L2TxAttributes"] = {"5": 1}
    a.send(16, info)
    assert [o["market_index"] for o in a.orders()] == [0]
    a.send(16, a.base(TimeInForce=0, Time=0))
    assert a.orders() == []
    with pytest.raises(LighterError) as err:
        a.send(16, a.base(TimeInForce=0, Time=123))
    assert err.value.code == 21714
