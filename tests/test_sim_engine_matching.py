"""Engine: price-time matching, order types and book deltas (no server)."""
from __future__ import annotations

import pytest

from ccxt_lighter.sim import events as ev
from ccxt_lighter.sim.errors import LighterError


def test_price_time_priority_and_maker_price(engine, maker_factory):
    a, b, c = maker_factory(), maker_factory(), maker_factory()
    a.create(coi=1, ask=True, base=1000, price=300100)
    b.create(coi=1, ask=True, base=1000, price=300000)
    a.create(coi=2, ask=True, base=1000, price=300000)  # same price, later: behind b
    c.create(coi=1, ask=False, base=1500, price=300200, type=1, tif=0)  # market buy, worst 3002.00
    trades = engine.recent_trades(0, 10)
    assert [(t["price"], t["size"], t["ask_account_id"]) for t in reversed(trades)] == [
        ("3000.00", "0.1000", b.account), ("3000.00", "0.0500", a.account)]
    assert all(t["is_maker_ask"] for t in trades)
    asks, bids, _ = engine.book_levels(0)
    assert asks == [("3000.00", "0.0500"), ("3001.00", "0.1000")] and bids == []


def test_limit_rests_then_fills_with_status_and_amounts(engine, maker_factory):
    a, b = maker_factory(), maker_factory()
    a.create(coi=7, base=2000, price=299000)
    (order,) = a.orders()
    assert order["status"] == "open" and order["remaining_base_amount"] == "0.2000"
    assert order["order_index"] >= 2**48 and order["client_order_id"] == "7"
    b.create(coi=1, ask=True, base=500, price=298000, tif=0, expiry=0)  # IOC limit sell crosses
    (order,) = a.orders()
    assert order["filled_base_amount"] == "0.0500" and order["filled_quote_amount"] == "149.500000"
    assert order["remaining_base_amount"] == "0.1500"
    (done,) = engine.account_inactive_orders(b.account)
    assert done["status"] == "filled" and done["price"] == "2980.00"


def test_ioc_remainder_canceled_and_market_statuses(engine, maker_factory):
    a, b = maker_factory(), maker_factory()
    a.create(coi=1, ask=True, base=500, price=300000)
    b.create(coi=1, base=1000, price=300000, tif=0, expiry=0)  # IOC limit: half fills
    assert engine.account_inactive_orders(b.account)[0]["status"] == "canceled"
    b.create(coi=2, base=1000, price=310000, type=1)  # market buy into an empty ask side
    assert engine.account_inactive_orders(b.account)[0]["status"] == "canceled-not-enough-liquidity"
    a.create(coi=2, ask=True, base=500, price=305000)
    b.create(coi=3, base=1000, price=301000, type=1)  # liquidity exists, but beyond the worst price
    assert engine.account_inactive_orders(b.account)[0]["status"] == "canceled-too-much-slippage"


def test_post_only_that_would_cross_is_canceled(engine, maker_factory):
    a, b = maker_factory(), maker_factory()
    a.create(coi=1, ask=True, base=500, price=300000)
    b.create(coi=1, base=500, price=300000, tif=2)
    assert engine.account_inactive_orders(b.account)[0]["status"] == "canceled-post-only"
    b.create(coi=2, base=500, price=299900, tif=2)
    assert b.orders()[0]["time_in_force"] == "post-only" and b.orders()[0]["status"] == "open"


def test_self_trade_expires_the_maker(engine, maker_factory):
    a = maker_factory()
    a.create(coi=1, ask=True, base=500, price=300000)
    a.create(coi=2, base=500, price=300000)
    statuses = {o["client_order_index"]: o["status"] for o in engine.account_inactive_orders(a.account)}
    assert statuses[1] == "canceled-self-trade"
    assert a.orders()[0]["client_order_index"] == 2 and not engine.recent_trades(0, 5)


def test_book_deltas_chain_and_report_removed_levels(engine, maker_factory):
    seen = []
    engine.add_listener(lambda e: seen.append(e) if isinstance(e, ev.BookChanged) else None)
    a, b = maker_factory(), maker_factory()
    _, _, nonce0 = engine.book_levels(0)
    a.create(coi=1, ask=True, base=500, price=300000)
    b.create(coi=1, base=500, price=300000, type=1)
    assert [e.asks for e in seen] == [(("3000.00", "0.0500"),), (("3000.00", "0.0000"),)]
    assert seen[0].begin_nonce == nonce0 and seen[1].begin_nonce == seen[0].nonce
    assert seen[1].nonce - seen[1].begin_nonce > 1
    assert engine.book_levels(0)[2] == seen[1].nonce


def test_events_arrive_after_the_state_they_describe(engine, maker_factory):
    a, b = maker_factory(), maker_factory()
    observed = []

    def listener(event):
        if isinstance(event, ev.TradeExecuted):  # by now positions must already be updated
            observed.append(engine.account_positions(b.account)[0]["position"])
    engine.add_listener(listener)
    a.create(coi=1, ask=True, base=500, price=300000)
    b.create(coi=1, base=500, price=300000, type=1)
    assert observed == ["0.0500"]


def test_rejected_order_emits_nothing_and_keeps_nonce(engine, maker_factory):
    a = maker_factory()
    seen = []
    engine.add_listener(seen.append)
    with pytest.raises(LighterError) as err:
        a.send(14, a.base(**a.order(base=10, price=300000)))  # below min base (0.0050)
    assert err.value.code == 21706
    assert seen == [] and engine.next_nonce(a.account, 4) == 0


@pytest.mark.parametrize("fields, code", [
    (dict(type=1, tif=1), 21705),                 # market must be IOC
    (dict(tif=0, expiry=1), 21711),               # IOC limit with an expiry
    (dict(tif=1, expiry=0), 21711),               # GTT without an expiry
    (dict(price=0), 21702),
    (dict(coi=2**48), 21727),
    (dict(type=2, trigger=0, tif=0), 21729),      # stop-loss without a trigger
    (dict(market=2048, type=2, trigger=290000, tif=0), 21618),  # SL/TP are perps-only
    (dict(market=77), 21602),
    (dict(type=6, tif=0, expiry=0), 21705),       # TWAP must be GTT
    (dict(type=6, trigger=290000), 21729),        # TWAP takes no trigger
    (dict(type=6, expiry=0), 21711),              # TWAP needs an expiry (the end of its schedule)
    (dict(type=7), 21704),                        # twap-sub is the venue's own type
    (dict(type=6, base=0, reduce_only=1), 21701),  # a TWAP has a size of its own
])
def test_order_field_rules(engine, maker_factory, fields, code):
    a = maker_factory()
    with pytest.raises(LighterError) as err:
        a.create(**fields)
    assert err.value.code == code


def test_duplicate_client_order_index_is_21728(engine, maker_factory):
    a = maker_factory()
    a.create(coi=5, base=500, price=290000)
    with pytest.raises(LighterError) as err:
        a.create(coi=5, base=500, price=289000)
    assert err.value.code == 21728
