"""Engine: order-count limits, price bands, integrator approvals and fees, and the engine reads the
WebSocket layer uses (account trade filter, book update time, funding payments, notifications)."""
from __future__ import annotations

import json
import time

import pytest

from ccxt_lighter.sim import events as ev
from ccxt_lighter.sim.engine import Engine
from ccxt_lighter.sim.errors import LighterError

DAY_MS = 86_400_000


def _code(fn, *args, **kw):
    with pytest.raises(LighterError) as err:
        fn(*args, **kw)
    return err.value.code


# -- order counts ------------------------------------------------------------------------------------
def test_open_order_limits_per_market_and_account(engine, maker_factory):
    engine.limits.max_open_orders_per_market, engine.limits.max_open_orders = 2, 3
    a = maker_factory()
    a.create(coi=1, base=500, price=290000)
    a.create(coi=2, base=500, price=289000)
    assert _code(a.create, coi=3, base=500, price=288000) == 21718
    a.create(coi=4, base=500, price=288000, tif=0, expiry=0)  # IOC never rests: not counted
    a.create(coi=5, market=1, base=100, price=900000)
    assert _code(a.create, coi=6, market=1, base=100, price=899000) == 21717
    a.cancel(1)
    a.create(coi=6, market=1, base=100, price=899000)  # room again
    assert engine.next_nonce(a.account, 4) == 6


def test_pending_and_twap_limits(engine, maker_factory):
    engine.limits.max_pending_orders, engine.limits.max_twap_orders = 1, 1
    a = maker_factory()
    a.create(coi=1, ask=True, base=500, price=280000, type=2, trigger=290000, reduce_only=1)
    assert _code(a.create, coi=2, ask=True, base=500, price=330000, type=4, trigger=320000, reduce_only=1) == 21719
    a.create(coi=3, type=6, base=500, price=300000, expiry=engine.wall_ms() + 600_000)
    assert _code(a.create, coi=4, type=6, base=500, price=300000, expiry=engine.wall_ms() + 600_000) == 21721


# -- price bands ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fields, code", [
    (dict(base=500, price=450001), 21733),                        # buy > mark + 50 %
    (dict(ask=True, base=500, price=149999), 21733),              # sell < mark - 50 %
    (dict(base=500, price=460000, type=1), 21733),                # a market order's cap too
    (dict(base=5000, price=29999), 21734),                        # buy below a tenth of the mark
    (dict(ask=True, base=500, price=3000001), 21734),             # sell above ten times the mark
    (dict(ask=True, base=500, price=140000, type=2, trigger=290000, reduce_only=1), 21735),
])
def test_price_bands(engine, maker_factory, fields, code):
    a = maker_factory()
    assert _code(a.create, coi=1, **fields) == code
    assert a.orders() == []


def test_band_edges_and_price_protection_switch(engine, maker_factory):
    a = maker_factory("1000000")
    a.create(coi=1, base=500, price=450000)      # exactly +50 %: accepted
    a.create(coi=2, base=50000, price=30000)     # exactly a tenth: accepted
    info = a.base(**a.order(coi=3, base=500, price=500000))
    assert _code(engine.submit_tx, 14, json.dumps(info)) == 21733
    engine.submit_tx(14, json.dumps(info), price_protection=False)  # sendTx price_protection=false
    a.nonce += 1
    far = a.base(**a.order(coi=4, base=50000, price=20000))
    assert _code(engine.submit_tx, 14, json.dumps(far), price_protection=False) == 21734  # always checked
    engine.set_mark_price(0, 200000)
    assert _code(a.send, 17, a.base(MarketIndex=0, Index=2, BaseAmount=50000, Price=19000, TriggerPrice=0)) == 21734
    assert sorted(o["client_order_index"] for o in a.orders()) == [1, 2, 3]


# -- integrators -----------------------------------------------------------------------------------
def _approve(t, integrator, *, perps=(1000, 200), spot=(0, 0), expiry=None):
    return t.send(45, t.base(IntegratorAccountIndex=integrator, MaxPerpsTakerFee=perps[0],
                             MaxPerpsMakerFee=perps[1], MaxSpotTakerFee=spot[0], MaxSpotMakerFee=spot[1],
                             ApprovalExpiry=t.engine.wall_ms() + DAY_MS if expiry is None else expiry))


def test_integrator_fees_need_an_approval_and_move_to_the_integrator(engine, maker_factory):
    lp, t, builder = maker_factory("1000000"), maker_factory(), maker_factory("0")
    fees = {"1": builder.account, "2": 500, "3": 100}
    lp.create(coi=1, ask=True, base=1000, price=300000)
    assert _code(t.create, coi=1, base=1000, price=300000, type=1, attributes=fees) == 21134  # not approved
    _approve(t, builder.account)
    assert engine.account_json(t.account)["approved_integrators"][0]["max_perps_taker_fee"] == 1000
    assert _code(t.create, coi=1, base=1000, price=300000, type=1, attributes=dict(fees, **{"2": 1001})) == 21134
    t.create(coi=1, base=1000, price=300000, type=1, attributes=fees)  # takes 300 USDC: 500 ppm = 0.15
    trade = engine.recent_trades(0, 1)[0]
    assert (trade["integrator_taker_fee"], trade["integrator_taker_fee_collector_index"]) == (500, builder.account)
    assert engine.account_json(t.account)["collateral"] == "9999.850000"
    assert engine.account_json(builder.account)["collateral"] == "0.150000"
    t.create(coi=2, ask=True, base=1000, price=301000, attributes=fees)  # rests: pays the maker fee
    order = [o for o in t.orders() if o["client_order_index"] == 2][0]
    assert (order["integrator_fee_collector_index"], order["integrator_maker_fee"]) == (str(builder.account), "100")
    lp.create(coi=2, base=1000, price=301000, type=1)  # 301 USDC at 100 ppm = 0.0301
    assert engine.account_json(builder.account)["collateral"] == "0.180100"
    assert engine.recent_trades(0, 1)[0]["integrator_maker_fee"] == 100
    engine.accounts[t.account].spot[3] = 10**9
    assert _code(t.create, coi=3, market=2048, base=500, price=300000, attributes=fees) == 21134  # spot max 0
    _approve(t, builder.account, perps=(0, 0), expiry=0)  # revoke
    assert engine.account_json(t.account)["approved_integrators"] == []
    assert _code(t.create, coi=4, base=1000, price=299000, attributes=fees) == 21134


def test_approve_integrator_rules(engine, maker_factory):
    t, builder = maker_factory(), maker_factory("0")
    assert _code(_approve, t, 999_999) == 21100
    assert _code(_approve, t, t.account) == 21107
    assert _code(_approve, t, builder.account, perps=(1_000_001, 0)) == 21134
    assert _code(_approve, t, builder.account, expiry=engine.wall_ms() - 1) == 21501
    _approve(t, builder.account, expiry=engine.wall_ms() + 1000)
    engine.advance(5)  # approvals are judged by the wall clock (frozen here), not the sim clock
    t.create(coi=1, base=500, price=290000, attributes={"1": builder.account, "2": 1})


def test_approve_integrator_with_fees_needs_the_owners_l1_signature():
    from eth_account import Account
    from eth_account.messages import encode_defunct

    from ccxt_lighter.orders import ApproveIntegrator
    from ccxt_lighter.signer.pure import PureSigner
    from ccxt_lighter.sim.l1sig import approve_integrator_message

    wallet = Account.create()
    engine = Engine(verify_signatures=True)
    signer = PureSigner()
    private, public = signer.generate_api_key()
    account = engine.create_account("100", {4: public}, l1_address=wallet.address)
    builder = engine.create_account("0")
    signer.register_key(private, 304, 4, account)
    expiry = int(time.time() * 1000) + DAY_MS
    signed = signer.sign(ApproveIntegrator(builder, 1000, 200, 0, 0, expiry), nonce=0, api_key_index=4,
                         account_index=account)
    info = json.loads(signed.tx_info)
    assert signed.message_to_sign == approve_integrator_message(info, 304)
    assert _code(engine.submit_tx, 45, json.dumps(info)) == 21504
    good = wallet.sign_message(encode_defunct(text=signed.message_to_sign)).signature.hex()
    info["L1Sig"] = "0x" + good.removeprefix("0x")
    engine.submit_tx(45, json.dumps(info))
    assert engine.account_json(account)["approved_integrators"][0]["account_index"] == builder
    zero = signer.sign(ApproveIntegrator(builder, 0, 0, 0, 0, expiry), nonce=1, api_key_index=4, account_index=account)
    engine.submit_tx(45, zero.tx_info)  # no fee can be charged: no L1 signature needed
    assert engine.account_json(account)["approved_integrators"][0]["max_perps_taker_fee"] == 0


# -- reads for the WebSocket layer ---------------------------------------------------------------------
def test_account_trades_market_filter_and_book_update_time(engine, maker_factory):
    books = []
    engine.add_listener(lambda e: books.append(e) if isinstance(e, ev.BookChanged) else None)
    lp, t = maker_factory("1000000"), maker_factory()
    start = engine.book_last_updated_at(0)
    assert start == engine.now_us()  # never changed: the engine's start time
    lp.create(coi=1, ask=True, base=1000, price=300000)
    lp.create(coi=2, market=1, ask=True, base=100, price=950000)
    t.create(coi=1, base=500, price=300000, type=1)
    t.create(coi=2, market=1, base=100, price=950000, type=1)
    t.create(coi=3, base=500, price=300000, type=1)
    assert [x["market_id"] for x in engine.account_trades(t.account)] == [0, 1, 0]
    assert [x["market_id"] for x in engine.account_trades(t.account, market_id=0)] == [0, 0]
    assert [x["market_id"] for x in engine.account_trades(t.account, 1, market_id=0)] == [0]  # limit positional
    engine.advance(2)
    assert engine.book_last_updated_at(0) == [b for b in books if b.market_id == 0][-1].last_updated_at
    assert engine.book_last_updated_at(0) < engine.now_us()


def test_funding_payments_and_liquidation_notifications_are_engine_state(engine, maker_factory):
    seen = []
    engine.add_listener(lambda e: seen.append(e) if isinstance(e, (ev.FundingPaid, ev.Liquidation)) else None)
    lp, t = maker_factory("1000000"), maker_factory("200")
    lp.create(coi=1, ask=True, base=10000, price=300000)
    lp.create(coi=2, market=1, ask=True, base=100, price=950000)
    t.create(coi=1, base=10000, price=300000, type=1)  # long 1 ETH on 200 USDC
    t.create(coi=2, market=1, base=100, price=950000, type=1)
    engine.advance(3600)
    paid = [e for e in seen if isinstance(e, ev.FundingPaid) and e.account_index == t.account]
    assert sorted(e.market_id for e in paid) == [0, 1]
    assert engine.account_fundings(t.account, market_id=0) == [paid[0].payment if paid[0].market_id == 0
                                                               else paid[1].payment]
    assert len(engine.account_fundings(t.account)) == 2 and engine.account_fundings(t.account, limit=1)
    engine.set_mark_price(0, 280000)  # the cross account goes under: both positions are closed
    liquidations = [e for e in seen if isinstance(e, ev.Liquidation)]
    assert [e.market_id for e in liquidations] == [0, 1]
    notifs = engine.account_notifications(t.account)  # newest first
    assert notifs == [e.notification for e in reversed(liquidations)] and notifs[1]["kind"] == "liquidation"
    assert notifs[1]["content"]["size"] == "1.0000" and notifs[1]["id"] == f"liq:0:{liquidations[0].trade['trade_id']}"
    assert engine.account_notifications(t.account, limit=1) == notifs[:1]
