"""Engine: netted positions and PnL, margin rejections, leverage and margin modes, funding,
liquidation, transfers and withdrawals."""
from __future__ import annotations

from decimal import Decimal

import pytest

from ccxt_lighter.sim import events as ev
from ccxt_lighter.sim.errors import LighterError


def _trade(lp, taker, *, ask: bool, base: int, price: int, coi: int):
    lp.create(coi=coi, ask=not ask, base=base, price=price)
    taker.create(coi=coi, ask=ask, base=base, price=price, type=1)


def test_netted_position_entry_and_realized_pnl(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory()
    _trade(lp, t, ask=False, base=1000, price=300000, coi=1)  # long 0.1 @ 3000
    _trade(lp, t, ask=False, base=1000, price=310000, coi=2)  # long 0.2 @ 3050
    pos = t.position()
    assert (pos["position"], pos["avg_entry_price"], pos["sign"]) == ("0.2000", "3050.00", 1)
    _trade(lp, t, ask=True, base=500, price=320000, coi=3)  # sell 0.05 @ 3200: +7.50
    pos = t.position()
    assert (pos["position"], pos["realized_pnl"]) == ("0.1500", "7.500000")
    assert engine.account_json(t.account)["collateral"] == "10007.500000"
    _trade(lp, t, ask=True, base=2500, price=300000, coi=4)  # flip to short 0.1 @ 3000
    pos = t.position()
    assert (pos["position"], pos["sign"], pos["avg_entry_price"]) == ("0.1000", -1, "3000.00")
    assert pos["realized_pnl"] == "0.000000"  # 7.50 then -7.50 on closing 0.15 @ 3000 (entry 3050)
    assert engine.account_json(t.account)["collateral"] == "10000.000000"
    lp_pos = lp.position()
    assert lp_pos["position"] == "0.1000" and lp_pos["sign"] == 1


def test_unrealized_pnl_follows_the_mark(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory()
    _trade(lp, t, ask=False, base=1000, price=300000, coi=1)
    engine.set_mark_price(0, 310000)
    pos = t.position()
    assert (pos["unrealized_pnl"], pos["position_value"]) == ("10.000000", "310.000000")
    assert Decimal(engine.account_stats(t.account)["portfolio_value"]) == Decimal("10010")


def test_not_enough_margin_is_21739(engine, maker_factory):
    t = maker_factory("100")  # 100 USDC at 20x covers 2000 USDC of exposure
    t.create(coi=1, base=6000, price=300000)  # 1800 USDC: fine
    with pytest.raises(LighterError) as err:
        t.create(coi=2, base=1000, price=300000)  # +300 USDC -> 2100 > 2000
    assert err.value.code == 21739
    t.create(coi=3, ask=True, base=5000, price=310000)  # the other side: only the larger side counts
    assert len(t.orders()) == 2
    with pytest.raises(LighterError):
        t.create(coi=4, ask=True, base=2000, price=310000)  # asks now 2170 USDC > 2000


def test_leverage_and_margin_mode_rules(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory("1000")
    t.send(20, t.base(MarketIndex=0, InitialMarginFraction=1000, MarginMode=0))  # 10x
    assert engine.account_positions(t.account)[0]["initial_margin_fraction"] == "10.00"
    with pytest.raises(LighterError) as err:
        t.send(20, t.base(MarketIndex=0, InitialMarginFraction=100, MarginMode=0))  # 100x > max 50x
    assert err.value.code == 21113
    _trade(lp, t, ask=False, base=1000, price=300000, coi=1)
    with pytest.raises(LighterError) as err:
        t.send(20, t.base(MarketIndex=0, InitialMarginFraction=1000, MarginMode=1))
    assert err.value.code == 21132
    _trade(lp, t, ask=True, base=20000, price=300000, coi=2)  # short 1.9 ETH = 5700 USDC at 10x
    with pytest.raises(LighterError) as err:
        t.send(20, t.base(MarketIndex=0, InitialMarginFraction=5000, MarginMode=0))  # 2x needs 2850
    assert err.value.code == 21508


def test_isolated_margin_allocation_and_update_margin(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory("1000")
    t.send(20, t.base(MarketIndex=0, InitialMarginFraction=1000, MarginMode=1))
    _trade(lp, t, ask=False, base=1000, price=300000, coi=1)  # 300 USDC at 10x -> 30 allocated
    pos = t.position()
    assert (pos["margin_mode"], pos["allocated_margin"]) == (1, "30.000000")
    assert engine.account_json(t.account)["collateral"] == "970.000000"
    t.send(29, t.base(MarketIndex=0, USDCAmount=20_000_000, Direction=1))
    assert t.position()["allocated_margin"] == "50.000000"
    with pytest.raises(LighterError) as err:
        t.send(29, t.base(MarketIndex=0, USDCAmount=25_000_000, Direction=0))  # would leave 25 < 30
    assert err.value.code == 21508
    t.send(29, t.base(MarketIndex=0, USDCAmount=20_000_000, Direction=0))
    with pytest.raises(LighterError) as err:
        t.send(29, t.base(MarketIndex=1, USDCAmount=1_000_000, Direction=1))
    assert err.value.code == 21614
    _trade(lp, t, ask=True, base=1000, price=310000, coi=2)  # close: +10 pnl, margin back
    assert engine.account_json(t.account)["collateral"] == "1010.000000"
    assert t.position()["allocated_margin"] == "0.000000"


def test_hourly_funding_is_paid_and_recorded(engine, maker_factory):
    funding = []
    engine.add_listener(lambda e: funding.append(e) if isinstance(e, ev.FundingApplied) else None)
    lp, t = maker_factory("1000000"), maker_factory()
    _trade(lp, t, ask=False, base=10000, price=300000, coi=1)  # long 1 ETH
    engine.set_mark_price(0, 300000, index_price=300000)
    engine.advance(3600)
    rows = engine.ledger.fundings[t.account]
    assert len(rows) == 1 and rows[0]["position_side"] == "long"
    # premium 0 + 0.00125 %/h interest: a 3000 USDC long pays 0.0375 USDC
    assert rows[0]["change"] == "-0.037500" and rows[0]["rate"] == "0.0012"
    assert engine.ledger.fundings[lp.account][0]["change"] == "0.037500"
    assert t.position()["total_funding_paid_out"] == "0.037500"
    assert {e.market_id for e in funding} == {0, 1, 2}
    assert engine.md.fundings[0][-1]["direction"] == "long"


def test_liquidation_below_maintenance_margin(engine, maker_factory):
    lp, t = maker_factory("1000000"), maker_factory("200")
    _trade(lp, t, ask=False, base=10000, price=300000, coi=1)  # long 1 ETH with 200 USDC (15x)
    t.create(coi=2, base=50, price=200000)
    seen = []
    engine.add_listener(lambda e: seen.append(e) if isinstance(e, ev.Liquidation) else None)
    engine.set_mark_price(0, 283000)  # loss 170: value 30 < maintenance 33.96
    assert [e.account_index for e in seen] == [t.account]
    assert t.position()["position"] == "0.0000"
    assert engine.account_inactive_orders(t.account)[0]["status"] == "canceled-liquidation"
    (liq,) = engine.ledger.liquidations[t.account]
    assert liq["trade"]["price"] == "2830.00" and liq["trade"]["size"] == "1.0000"
    assert engine.recent_trades(0, 1)[0]["type"] == "liquidation"


def test_transfers_between_routes_and_accounts_and_withdraw(engine, maker_factory):
    a, b = maker_factory("1000"), maker_factory("0")
    memo = [0] * 32
    a.send(12, dict(a.base(ToAccountIndex=a.account, AssetIndex=3, FromRouteType=0, ToRouteType=1,
                           Amount=100_000_000, USDCFee=0), Memo=memo, FromAccountIndex=a.account))
    assert engine.account_assets(a.account)[3]["balance"] == "100.000000"
    assert engine.account_json(a.account)["collateral"] == "900.000000"
    a.send(12, dict(a.base(ToAccountIndex=b.account, AssetIndex=3, FromRouteType=0, ToRouteType=0,
                           Amount=50_000_000, USDCFee=1_000_000), Memo=memo, FromAccountIndex=a.account))
    assert engine.account_json(b.account)["collateral"] == "50.000000"
    assert engine.account_json(a.account)["collateral"] == "849.000000"
    kinds = [x["type"] for x in engine.ledger.newest_first(engine.ledger.transfers[a.account])]
    assert kinds == ["L2TransferOutflow", "L2SelfTransfer"]
    a.send(13, dict(a.base(AssetIndex=3, RouteType=0, Amount=49_000_000), FromAccountIndex=a.account))
    assert engine.ledger.withdraws[a.account][0]["status"] == "claimable"
    with pytest.raises(LighterError) as err:
        a.send(13, dict(a.base(AssetIndex=3, RouteType=0, Amount=10**12), FromAccountIndex=a.account))
    assert err.value.code == 21301


def test_sub_accounts_count_down(engine, maker_factory):
    a = maker_factory()
    a.send(9, a.base())
    a.send(9, a.base())
    subs = sorted(i for i, acct in engine.accounts.items() if acct.master_index == a.account)
    assert subs == [2**48 - 2 - 2, 2**48 - 2 - 1]
    assert a.account >= 100


def test_spot_trade_moves_balances(engine, maker_factory):
    seller = maker_factory("0")
    buyer = maker_factory("0")
    seller_acct = engine.accounts[seller.account]
    seller_acct.spot[1] = 10**8  # 1 ETH
    engine.accounts[buyer.account].spot[3] = 5_000_000_000  # 5000 USDC
    seller.create(market=2048, coi=1, ask=True, base=5000, price=300000)
    assert engine.account_assets(seller.account)[1]["locked_balance"] == "0.50000000"
    buyer.create(market=2048, coi=1, base=5000, price=300000, type=1)
    assert engine.account_assets(buyer.account)[1]["balance"] == "0.50000000"
    assert engine.account_assets(buyer.account)[3]["balance"] == "3500.000000"
    assert engine.account_assets(seller.account)[3]["balance"] == "1500.000000"
    with pytest.raises(LighterError) as err:
        buyer.create(market=2048, coi=2, base=20000, price=300000)  # needs 6000 USDC
    assert err.value.code == 21739
