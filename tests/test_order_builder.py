"""order_builder: unified createOrder arguments -> Lighter requests (pure), and the official signer
accepting every request shape it produces."""
import json
import random
from decimal import Decimal

import pytest
from ccxt.base.errors import ArgumentsRequired, InvalidOrder, NotSupported, OrderNotFound

from ccxt_lighter import orders as o
from ccxt_lighter import order_builder as ob

NOW = 1_800_000_000_000
DAY = 24 * 3600 * 1000


def market(mid=0, symbol="ETH/USDC:USDC", size=4, price=2, min_amount=0.005, min_cost=10.0):
    return {"id": str(mid), "symbol": symbol, "spot": mid >= 2048, "swap": mid < 2048, "settle": "USDC",
            "info": {"size_decimals": size, "price_decimals": price, "maintenance_margin_fraction": 120},
            "limits": {"amount": {"min": min_amount}, "cost": {"min": min_cost}}}


ETH = market()
SPOT = market(2048, "ETH/USDC")


class Ids:
    def __init__(self, start=1000):
        self.value = start

    def next(self):
        self.value += 1
        return self.value


def ctx(bid="3000.00", ask="3001.00", **kw):
    return ob.Context(now_ms=NOW, ids=Ids(), best_bid=None if bid is None else Decimal(bid),
                      best_ask=None if ask is None else Decimal(ask), **kw)


def build(type="limit", side="buy", amount="0.1", price="3000.5", params=None, m=ETH, c=None):
    return ob.build_order(m, type, side, amount, price, params or {}, c or ctx())


def test_limit_gtc_buy():
    plan = build()
    assert plan.tx == o.CreateOrder(o.OrderSpec(0, 1001, 1000, 300050, 0, 0, 1, 0, 0, NOW + 28 * DAY))
    order = plan.order
    assert (order["id"], order["clientOrderId"], order["status"]) == ("1001", "1001", "open")
    assert (order["type"], order["side"], order["price"], order["amount"]) == ("limit", "buy", "3000.5", "0.1")
    assert (order["timeInForce"], order["postOnly"], order["reduceOnly"]) == ("GTC", False, False)
    assert order["timestamp"] == NOW and plan.client_order_index == 1001


@pytest.mark.parametrize("params, tif, expiry", [
    ({"timeInForce": "IOC"}, 0, 0),
    ({"timeInForce": "PO"}, 2, NOW + 28 * DAY),
    ({"postOnly": True}, 2, NOW + 28 * DAY),
    ({"timeInForce": "GTD", "expiresAt": NOW + DAY}, 1, NOW + DAY),
    ({"goodTillDate": NOW + 6 * 60_000}, 1, NOW + 6 * 60_000),
])
def test_limit_time_in_force(params, tif, expiry):
    spec = build(params=params).tx.order
    assert (spec.time_in_force, spec.order_expiry) == (tif, expiry)


def test_market_orders_price_from_book_with_slippage():
    buy = build("market", "buy", price=None).tx.order
    assert (buy.order_type, buy.time_in_force, buy.order_expiry) == (1, 0, 0)
    assert buy.price == 315105  # 3001.00 * 1.05 = 3151.05
    sell = build("market", "sell", price=None, c=ctx(bid="3000.01", slippage=Decimal("0.01"))).tx.order
    assert sell.price == 297000  # 3000.01 * 0.99 = 2970.0099 -> 297000.99 ticks, rounded down (away from the book)
    assert build("market", "buy", price=None).order["price"] is None


def test_market_order_with_price_uses_it_as_cap():
    plan = build("market", "sell", price="2900")
    assert plan.tx.order.price == 290000 and plan.order["price"] == "2900"


def test_stop_loss_market_and_limit():
    sl = build("market", "sell", price=None, params={"stopLossPrice": "2800", "reduceOnly": True}).tx.order
    assert (sl.order_type, sl.time_in_force, sl.trigger_price, sl.reduce_only) == (2, 0, 280000, 1)
    assert sl.price == 266000 and sl.order_expiry == NOW + 28 * DAY
    sll = build("limit", "sell", price="2790", params={"stopLossPrice": "2800"}).tx.order
    assert (sll.order_type, sll.time_in_force, sll.price) == (3, 1, 279000)
    tp = build("market", "sell", price=None, params={"takeProfitPrice": "3300"}).tx.order
    assert (tp.order_type, tp.trigger_price) == (4, 330000)
    tpl = build("limit", "buy", price="2500", params={"takeProfitPrice": "2510"})
    assert tpl.tx.order.order_type == 5
    assert tpl.order["takeProfitPrice"] == "2510" and tpl.order["triggerPrice"] == "2510"


@pytest.mark.parametrize("side, direction, expected", [
    ("sell", "below", 2), ("sell", "above", 4), ("buy", "above", 2), ("buy", "below", 4),
    ("sell", "descending", 2), ("buy", "ascending", 2),
])
def test_trigger_price_direction(side, direction, expected):
    tx = build("market", side, price=None, params={"triggerPrice": "2950", "triggerDirection": direction}).tx
    assert tx.order.order_type == expected


def test_trigger_price_without_direction_uses_the_book():
    assert build("market", "sell", price=None, params={"triggerPrice": "2900"}).tx.order.order_type == 2
    assert build("market", "sell", price=None, params={"triggerPrice": "3100"}).tx.order.order_type == 4
    with pytest.raises(ArgumentsRequired):
        build("market", "sell", price=None, params={"triggerPrice": "2900"}, c=ctx(bid=None, ask=None))


def test_attached_stop_loss_and_take_profit_make_otoco():
    plan = build("limit", "buy", params={"stopLoss": {"triggerPrice": "2800"},
                                          "takeProfit": {"triggerPrice": "3300", "price": "3290"}})
    tx = plan.tx
    assert isinstance(tx, o.CreateGroupedOrders) and tx.grouping_type == o.GroupingType.OTOCO
    parent, sl, tp = tx.orders
    assert parent.client_order_index == 1001 and parent.base_amount == 1000
    assert (sl.order_type, sl.is_ask, sl.base_amount, sl.reduce_only, sl.trigger_price) == (2, 1, 0, 1, 280000)
    assert (tp.order_type, tp.time_in_force, tp.price, tp.trigger_price) == (5, 1, 329000, 330000)
    assert sl.order_expiry == tp.order_expiry == parent.order_expiry
    assert len({parent.client_order_index, sl.client_order_index, tp.client_order_index}) == 3
    assert plan.order["stopLossPrice"] == "2800" and plan.order["takeProfitPrice"] == "3300"
    assert plan.order["info"]["attached_client_order_indexes"] == {"sl": 1002, "tp": 1003}


def test_one_attached_leg_is_oto_and_ioc_parent_gives_children_an_expiry():
    tx = build("market", "sell", price=None, params={"stopLoss": "3200"}).tx
    assert tx.grouping_type == o.GroupingType.OTO and len(tx.orders) == 2
    assert tx.orders[0].order_expiry == 0 and tx.orders[1].order_expiry == NOW + 28 * DAY


def test_twap():
    spec = build("market", "buy", price="3100", params={"twap": True, "twapDuration": 3_600_000}).tx.order
    assert (spec.order_type, spec.time_in_force, spec.order_expiry) == (6, 1, NOW + 3_600_000)
    with pytest.raises(ArgumentsRequired):
        build("twap", "buy", price="3100")


@pytest.mark.parametrize("params, behaviour, equality", [
    ({"selfTradePrevention": "expire_taker"}, 1, 0),
    ({"selfTradePrevention": "EXPIRE_BOTH", "selfTradeEquality": "master"}, 2, 1),
    ({"selfTradePrevention": "cancel_maker"}, 0, 0),
    ({"selfTradePrevention": "reduce"}, 3, 0),
])
def test_self_trade_prevention(params, behaviour, equality):
    attrs = build(params=params).tx.attributes
    assert (attrs.self_trade_behavior, attrs.self_trade_equality) == (behaviour, equality)


def test_no_integrator_fee_unless_configured():
    assert build().tx.attributes == o.TxAttributes()
    fee = o.TxAttributes(integrator_account_index=77, integrator_taker_fee=100, integrator_maker_fee=50)
    assert build(c=ctx(attributes=fee)).tx.attributes == fee
    with pytest.raises(InvalidOrder):
        build(params={"selfTradePrevention": "expire_taker"}, c=ctx(attributes=fee))


def test_client_order_id_given():
    assert build(params={"clientOrderId": "123456"}).tx.order.client_order_index == 123456
    assert build(params={"client_order_index": 2**48 - 1}).order["id"] == str(2**48 - 1)


BAD = [
    ("limit", "buy", "0.1", "3000", {"timeInForce": "FOK"}, NotSupported),
    ("limit", "buy", "0.1", "3000", {"cost": 10}, NotSupported),
    ("stop", "buy", "0.1", "3000", {}, InvalidOrder),
    ("limit", "hold", "0.1", "3000", {}, InvalidOrder),
    ("limit", "buy", "0.00001", "3000", {}, InvalidOrder),  # off precision
    ("limit", "buy", "0.001", "3000", {}, InvalidOrder),  # below min amount
    ("limit", "buy", "0.005", "100", {}, InvalidOrder),  # below min cost
    ("limit", "buy", "-0.1", "3000", {}, InvalidOrder),
    ("limit", "buy", "0", "3000", {}, InvalidOrder),
    ("limit", "buy", None, "3000", {}, ArgumentsRequired),
    ("limit", "buy", "0.1", None, {}, ArgumentsRequired),
    ("limit", "buy", "0.1", "3000.001", {}, InvalidOrder),  # off tick
    ("limit", "buy", "0.1", "50000000", {}, InvalidOrder),  # 5e9 ticks > uint32
    ("limit", "buy", "0.1", "-5", {}, InvalidOrder),
    ("limit", "buy", "0.1", "abc", {}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"timeInForce": "XYZ"}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"timeInForce": "IOC", "postOnly": True}, InvalidOrder),
    ("market", "buy", "0.1", None, {"postOnly": True}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"expiresAt": NOW + 60_000}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"expiresAt": NOW + 31 * DAY}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"timeInForce": "IOC", "expiresAt": NOW + DAY}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"clientOrderId": 0}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"clientOrderId": 2**48}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"clientOrderId": "abc"}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"stopLossPrice": "2800", "takeProfitPrice": "3300"}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"stopLossPrice": "2800", "timeInForce": "IOC"}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"triggerPrice": "2900", "triggerDirection": "sideways"}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"stopLoss": {"triggerPrice": "3300"}, "takeProfit": {"triggerPrice": "2800"}},
     InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"stopLoss": {"price": "2800"}}, ArgumentsRequired),
    ("limit", "buy", "0.1", "3000", {"stopLoss": {"triggerPrice": "2800", "type": "twap"}}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"stopLossPrice": "2800", "stopLoss": {"triggerPrice": "2700"}}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"selfTradePrevention": "nope"}, InvalidOrder),
    ("limit", "buy", "0.1", "3000", {"selfTradePrevention": "reduce", "selfTradeEquality": "master"}, InvalidOrder),
    ("twap", "buy", "0.1", "3100", {"twapDuration": 1000}, InvalidOrder),
    ("twap", "buy", "0.1", "3100", {"twapDuration": 600_000, "stopLossPrice": "2800"}, InvalidOrder),
    ("market", "buy", "0.1", None, {}, None),  # placeholder replaced below (no asks)
]


@pytest.mark.parametrize("type, side, amount, price, params, exc", BAD[:-1])
def test_bad_input(type, side, amount, price, params, exc):
    with pytest.raises(exc):
        build(type, side, amount, price, params)


def test_market_order_without_liquidity_needs_a_price():
    with pytest.raises(InvalidOrder):
        build("market", "buy", price=None, c=ctx(ask=None))


def test_triggers_are_perp_only():
    with pytest.raises(InvalidOrder):
        build("market", "sell", "0.1", None, {"stopLossPrice": "2800"}, m=SPOT)
    with pytest.raises(InvalidOrder):
        build("limit", "buy", "0.1", "3000", {"stopLoss": "2800"}, m=SPOT)


def test_reduce_only_skips_minimum_and_allows_zero():
    spec = build(amount="0.001", params={"reduceOnly": True}).tx.order
    assert (spec.base_amount, spec.reduce_only) == (10, 1)
    assert build(amount="0", params={"reduceOnly": True}).tx.order.base_amount == 0


def test_needs_book():
    assert ob.needs_book("market", None, {})
    assert not ob.needs_book("market", "3000", {})
    assert not ob.needs_book("limit", "3000", {})
    assert not ob.needs_book("market", None, {"stopLossPrice": "2800"})
    assert ob.needs_book("limit", "3000", {"triggerPrice": "2800"})
    assert not ob.needs_book("limit", "3000", {"triggerPrice": "2800", "triggerDirection": "below"})
    assert ob.needs_book("limit", None, {"twap": True})


def test_client_order_ids_unique_increasing_in_range():
    clock = [1_800_000_000.0]
    ids = ob.ClientOrderIds(clock=lambda: clock[0], rng=random.Random(7))
    values = [ids.next() for _ in range(5000)]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert all(1 <= v <= o.MAX_CLIENT_ORDER_INDEX for v in values)
    clock[0] -= 100  # a clock step backwards never reuses an id
    assert ids.next() > values[-1]
    other = ob.ClientOrderIds(clock=lambda: clock[0] + 3600)
    assert other.next() > values[-1]  # a later process starts above
    early = ob.ClientOrderIds(clock=lambda: 0.0, rng=random.Random(1))
    assert early.next() >= 1


@pytest.mark.parametrize("value, expected", [("42", 42), (2**48, 2**48), (" 7 ", 7)])
def test_parse_order_id(value, expected):
    assert ob.parse_order_id(value) == expected


@pytest.mark.parametrize("value", ["abc", "0", "-3", str(2**60), None])
def test_parse_order_id_rejects(value):
    with pytest.raises(OrderNotFound):
        ob.parse_order_id(value)


def test_build_modify():
    tx = ob.build_modify(ETH, 2**48 + 5, "0.2", "3010.25", "3000")
    assert tx == o.ModifyOrder(0, 2**48 + 5, 2000, 301025, 300000)
    with pytest.raises(ArgumentsRequired):
        ob.build_modify(ETH, 5, None, "3000")
    with pytest.raises(InvalidOrder):
        ob.build_modify(ETH, 5, "0.1", "3000.001")


SIGNABLE = [
    ("limit", "buy", "0.1", "3000.5", {}),
    ("limit", "sell", "0.1", "3000.5", {"timeInForce": "IOC"}),
    ("limit", "sell", "0.1", "3000.5", {"postOnly": True, "expiresAt": NOW + DAY}),
    ("market", "buy", "0.1", None, {"selfTradePrevention": "expire_both"}),
    ("market", "sell", "0.1", None, {"stopLossPrice": "2800", "reduceOnly": True}),
    ("limit", "sell", "0.1", "3310", {"takeProfitPrice": "3300"}),
    ("market", "buy", "0.1", "3100", {"twap": True, "twapDuration": 600_000}),
    ("limit", "buy", "0.1", "3000", {"stopLoss": {"triggerPrice": "2800"},
                                     "takeProfit": {"triggerPrice": "3300", "price": "3290"}}),
    ("market", "sell", "0.1", None, {"takeProfit": {"triggerPrice": "2700"}}),
]


@pytest.fixture(scope="module")
def signer(signer_lib_path):
    """The official library, installed by the test set-up the way a user would."""
    from ccxt_lighter.signer import get_backend

    backend = get_backend("native", signer_lib_path)
    private, _ = backend.generate_api_key()
    backend.register_key(private, 304, 9, 4242)
    return backend


@pytest.mark.parametrize("args", SIGNABLE)
def test_official_signer_accepts_what_we_build(signer, args):
    import time

    now = int(time.time() * 1000)  # the signer checks expiries against the real clock
    context = ob.Context(now_ms=now, ids=Ids(), best_bid=Decimal("3000"), best_ask=Decimal("3001"))
    type_, side, amount, price, params = args
    params = dict(params)
    if "expiresAt" in params:
        params["expiresAt"] = now + DAY
    plan = ob.build_order(ETH, type_, side, amount, price, params, context)
    signed = signer.sign(plan.tx, nonce=3, api_key_index=9, account_index=4242)
    info = json.loads(signed.tx_info)
    assert signed.tx_type == plan.tx.TX_TYPE and len(signed.tx_hash) == 80
    first = info["Orders"][0] if "Orders" in info else info
    assert first["ClientOrderIndex"] == plan.client_order_index
    assert first["Price"] == (plan.tx.orders[0] if "Orders" in info else plan.tx.order).price
