"""Engine: TWAP orders sliced on the sim clock, and self-trade prevention (attributes 6 / 7)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ccxt_lighter.sim.errors import LighterError
from tests.fixtures_sim import TxMaker, find_order as _order

TEN_MIN = 600_000


def _slices(engine, account, parent_index):
    return [o for o in engine.account_inactive_orders(account) if o["parent_order_index"] == parent_index]


def _code(fn, *args, **kw):
    with pytest.raises(LighterError) as err:
        fn(*args, **kw)
    return err.value.code


# -- TWAP ------------------------------------------------------------------------------------------
def test_twap_rests_and_slices_on_the_sim_clock(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory()
    lp.create(coi=1, ask=True, base=100000, price=300000)
    tx_hash = t.create(coi=7, type=6, base=1200, price=301000, expiry=engine.wall_ms() + TEN_MIN)  # 20 slices
    parent = _order(engine, t.account, 7)
    assert (parent["status"], parent["type"], parent["trigger_status"]) == ("open", "twap", "twap")
    assert (parent["filled_base_amount"], parent["remaining_base_amount"]) == ("0.0060", "0.1140")
    (first,) = _slices(engine, t.account, parent["order_index"])
    assert (first["type"], first["status"], first["time_in_force"]) == ("twap-sub", "filled", "immediate-or-cancel")
    (trade,) = engine.account_trades(t.account)
    assert trade["bid_id"] == first["order_index"] and trade["size"] == "0.0060" and trade["tx_hash"] == tx_hash
    assert engine.book_levels(0)[1] == []  # the parent itself never rests in the book
    engine.advance(29)
    assert len(engine.account_trades(t.account)) == 1  # the next slice is due 30 s after the first
    engine.advance(1)
    assert _order(engine, t.account, 7)["filled_base_amount"] == "0.0120"
    assert engine.account_trades(t.account)[0]["tx_hash"] != tx_hash  # run by the clock, not by a tx
    engine.advance(3600)  # catches up every remaining slice
    parent = _order(engine, t.account, 7)
    assert parent["status"] == "filled" and parent["filled_base_amount"] == "0.1200"
    slices = _slices(engine, t.account, parent["order_index"])
    assert len(slices) == 20 and {s["status"] for s in slices} == {"filled"}
    assert sum(Decimal(tr["size"]) for tr in engine.account_trades(t.account)) == Decimal("0.12")
    assert t.position()["position"] == "0.1200"


def test_cancel_stops_a_twap(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory()
    lp.create(coi=1, ask=True, base=100000, price=300000)
    t.create(coi=8, type=6, base=1200, price=301000, expiry=engine.wall_ms() + TEN_MIN)
    engine.advance(60)
    assert len(engine.account_trades(t.account)) == 3
    t.cancel(8)
    engine.advance(3600)
    parent = _order(engine, t.account, 8)
    assert parent["status"] == "canceled" and parent["filled_base_amount"] == "0.0180"
    assert len(engine.account_trades(t.account)) == 3 and not engine.twaps


def test_twap_catches_up_unfilled_size_and_expires_with_a_remainder(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory()
    lp.create(coi=1, ask=True, base=300, price=300000)  # less than the TWAP wants
    t.create(coi=9, type=6, base=1000, price=300500, expiry=engine.wall_ms() + 300_000)  # 10 slices
    engine.advance(60)  # slices 1..3 take 100 each; the book is then empty
    assert _order(engine, t.account, 9)["filled_base_amount"] == "0.0300"
    lp.create(coi=2, ask=True, base=5000, price=300000)
    engine.advance(30)  # slice 4 takes 700 / 7 = 100
    assert _order(engine, t.account, 9)["filled_base_amount"] == "0.0400"
    lp.cancel(2)
    engine.advance(600)
    parent = _order(engine, t.account, 9)
    assert parent["status"] == "canceled-expired" and parent["remaining_base_amount"] == "0.0600"
    statuses = [s["status"] for s in _slices(engine, t.account, parent["order_index"])]
    assert statuses.count("canceled-not-enough-liquidity") == 6 and len(statuses) == 10


def test_reduce_only_twap_ends_with_the_position_and_cannot_be_modified(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory()
    lp.create(coi=1, ask=True, base=1000, price=300000)
    t.create(coi=1, base=1000, price=300000, type=1)  # long 0.1
    lp.create(coi=2, base=100000, price=299000)
    t.create(coi=2, ask=True, base=2000, price=298000, type=6, reduce_only=1, expiry=engine.wall_ms() + TEN_MIN)
    parent = _order(engine, t.account, 2)
    assert _code(t.send, 17, t.base(MarketIndex=0, Index=parent["order_index"], BaseAmount=2000, Price=297000,
                                    TriggerPrice=0)) == 21600
    engine.advance(3600)
    assert _order(engine, t.account, 2)["status"] == "canceled-reduce-only"
    assert t.position()["position"] == "0.0000"


@pytest.mark.parametrize("span_ms, interval, slices", [
    (300_000, 30_000, 10), (301_000, 30_000, 11), (30_000_000, 30_000, 1000),  # 30 s while <= 1000 slices
    (30 * 86_400_000, 2_592_000, 1000),                                          # then a longer interval
])
def test_twap_schedule(span_ms, interval, slices):
    from ccxt_lighter.sim.twap import schedule

    plan = schedule(1_000, 1_000 + span_ms)
    assert (plan.interval, plan.slices) == (interval, slices)
    assert plan.start + (plan.slices - 1) * plan.interval < 1_000 + span_ms  # the last slice precedes the expiry


def test_twap_reserves_margin_for_its_unfilled_size(engine, maker_factory):
    t = maker_factory("100")  # 2000 USDC of exposure at 20x
    t.create(coi=1, type=6, base=6000, price=300000, expiry=engine.wall_ms() + TEN_MIN)  # 1800: empty book
    assert _code(t.create, coi=2, base=1000, price=300000) == 21739


# -- self-trade prevention -------------------------------------------------------------------------
@pytest.mark.parametrize("behaviour, maker_status, taker_status", [
    (None, "canceled-self-trade", "open"),   # default: expire the maker, the taker rests
    (1, "open", "canceled-self-trade"),      # expire taker
    (2, "canceled-self-trade", "canceled-self-trade"),  # expire both
])
def test_self_trade_behaviours(engine, maker_factory, behaviour, maker_status, taker_status):
    a = maker_factory()
    a.create(coi=1, ask=True, base=500, price=300000)
    a.create(coi=2, base=500, price=300000, attributes=None if behaviour is None else {"6": behaviour})
    assert _order(engine, a.account, 1)["status"] == maker_status
    assert _order(engine, a.account, 2)["status"] == taker_status
    assert engine.recent_trades(0, 5) == [] and a.position() is None


def test_self_trade_reduce_shrinks_both_without_a_trade(engine, maker_factory):
    a, b = maker_factory(), maker_factory()
    a.create(coi=1, ask=True, base=1000, price=300000)
    a.create(coi=2, base=400, price=300000, tif=0, expiry=0, attributes={"6": 3})  # smaller taker
    assert _order(engine, a.account, 2)["status"] == "canceled-self-trade"
    maker = _order(engine, a.account, 1)
    assert (maker["status"], maker["remaining_base_amount"]) == ("open", "0.0600")
    assert engine.book_levels(0)[0] == [("3000.00", "0.0600")]
    b.create(coi=1, ask=True, base=1000, price=300000)  # queued behind a's remainder
    a.create(coi=3, base=1500, price=300000, tif=0, expiry=0, attributes={"6": 3})
    assert _order(engine, a.account, 1)["status"] == "canceled-self-trade"  # reduced to nothing
    (trade,) = engine.recent_trades(0, 5)  # the taker's rest (0.09) trades with b
    assert (trade["size"], trade["ask_account_id"], trade["bid_account_id"]) == ("0.0900", b.account, a.account)
    assert _order(engine, a.account, 3)["status"] == "filled" and a.position()["position"] == "0.0900"


def test_master_account_equality_covers_sub_accounts(engine, maker_factory):
    master = maker_factory()
    master.send(9, master.base())
    sub_index = next(i for i, acct in engine.accounts.items() if acct.master_index == master.account)
    sub = TxMaker(engine, account=sub_index)
    memo = [0] * 32
    master.send(12, dict(master.base(ToAccountIndex=sub_index, AssetIndex=3, FromRouteType=0, ToRouteType=0,
                                     Amount=1000_000_000, USDCFee=0), Memo=memo, FromAccountIndex=master.account))
    master.create(coi=1, ask=True, base=500, price=300000)
    sub.create(coi=1, base=500, price=300000, tif=0, expiry=0, attributes={"7": 1})
    assert _order(engine, master.account, 1)["status"] == "canceled-self-trade"
    assert engine.recent_trades(0, 5) == []
    master.create(coi=2, ask=True, base=500, price=300000)
    sub.create(coi=2, base=500, price=300000, tif=0, expiry=0)  # default equality: another account
    (trade,) = engine.recent_trades(0, 5)
    assert (trade["ask_account_id"], trade["bid_account_id"]) == (master.account, sub_index)


@pytest.mark.parametrize("attributes", [{"6": 4}, {"7": 2}, {"6": 3, "7": 1}, {"6": 1, "1": 101, "2": 10}])
def test_self_trade_attribute_combinations_the_venue_refuses(engine, maker_factory, attributes):
    a = maker_factory()
    assert _code(a.create, coi=1, base=500, price=290000, attributes=attributes) == 21501
    assert a.orders() == [] and engine.next_nonce(a.account, 4) == 0


def test_stop_order_keeps_its_self_trade_setting_until_it_fires(engine, maker_factory):
    trader, lp = maker_factory(), maker_factory("1000000")
    lp.create(coi=1, ask=True, base=1000, price=300000)
    trader.create(coi=1, base=1000, price=300000, type=1)  # long 0.1
    trader.create(coi=2, base=500, price=280000)  # own resting bid
    trader.create(coi=3, ask=True, base=1000, price=270000, type=2, trigger=290000, reduce_only=1,
                  attributes={"6": 1})
    engine.set_mark_price(0, 289000)
    assert _order(engine, trader.account, 3)["status"] == "canceled-self-trade"  # it met its own bid first
    assert _order(engine, trader.account, 2)["status"] == "open"
