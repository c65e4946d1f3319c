"""Self-trade prevention end to end against the simulator: the ccxt ``selfTradePrevention`` value of
the incoming order -> L2TxAttributes 6 (and ``selfTradeEquality`` -> 7) -> what happens to both
orders when it meets a resting order of the same trader (Lighter's semantics, REFERENCE.md 7.4)."""
import json

import pytest
from ccxt.base.errors import InvalidOrder

from tests.private_support import SYMBOL, account_state, admin, check, trader

INSIDE = 3000  # between the seeded best bid (2999.25) and ask (3000.75): our resting sell is the best ask
STP_CASES = [
    # selfTradePrevention, taker amount, maker status, taker status, taker remaining
    (None, 0.1, "canceled", "open", 0.1),  # Lighter's default: expire the resting (maker) order
    ("expire_maker", 0.1, "canceled", "open", 0.1),
    ("EXPIRE_TAKER", 0.1, "open", "canceled", 0.1),
    ("expire_both", 0.1, "canceled", "canceled", 0.1),
    ("reduce", 0.15, "canceled", "open", 0.05),  # both shrink by the overlap, no trade; the taker rests
]


@pytest.fixture
async def ex(make_lighter, sim, sim_account):
    exchange = trader(make_lighter, sim, sim_account)
    await exchange.load_markets()
    return exchange


def position_size(sim, account_index: int) -> str:
    return account_state(sim, account_index)["positions"].get("0", {}).get("position", "0.0000")


@pytest.mark.parametrize("mode, amount, maker_status, taker_status, taker_left", STP_CASES)
async def test_self_trade_prevention(ex, sim, sim_account, mode, amount, maker_status, taker_status, taker_left):
    """The incoming order's setting decides; the expired side ends ``canceled-self-trade`` and no
    trade is ever printed between the two orders."""
    maker = await ex.create_order(SYMBOL, "limit", "sell", 0.1, INSIDE)
    params = {} if mode is None else {"selfTradePrevention": mode}
    taker = await ex.create_order(SYMBOL, "limit", "buy", amount, INSIDE, params)
    maker, taker = await ex.fetch_order(maker["id"], SYMBOL), await ex.fetch_order(taker["id"], SYMBOL)
    for order in (maker, taker):
        check("order", ex, order, "fetchOrder", symbol=SYMBOL)
        assert order["filled"] == 0
        assert (order["info"]["status"] == "canceled-self-trade") == (order["status"] == "canceled")
    assert (maker["status"], taker["status"]) == (maker_status, taker_status)
    assert taker["remaining"] == pytest.approx(taker_left)
    assert await ex.fetch_my_trades(SYMBOL) == []
    assert position_size(sim, sim_account["account_index"]) == "0.0000"


async def test_self_trade_attributes_on_the_wire(ex, sim, sim_account):
    order = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2800,
                                  {"selfTradePrevention": "expire_taker", "selfTradeEquality": "master"})
    stored = await ex.publicGetTx({"by": "hash", "value": order["info"]["tx_hash"]})
    assert json.loads(stored["info"])["L2TxAttributes"] == {"6": 1, "7": 1}
    plain = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2800)
    stored = await ex.publicGetTx({"by": "hash", "value": plain["info"]["tx_hash"]})
    assert json.loads(stored["info"])["L2TxAttributes"] is None  # no integrator fee, no attributes
    with pytest.raises(InvalidOrder, match="always prevents"):
        await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2800, {"selfTradePrevention": "none"})


async def test_self_trade_equality_master_covers_sub_accounts(ex, make_lighter, sim, sim_account, signer_backend):
    """selfTradeEquality 'master': a master account and its sub-accounts count as one trader."""
    master = sim_account["account_index"]
    await ex.create_sub_account()
    [sub] = [int(i) for i, a in sim.state()["accounts"].items() if a["master_index"] == master]
    private, public = signer_backend.generate_api_key()
    await admin(sim, f"/sim/accounts/{sub}/api_keys", {"api_keys": {"4": public}})
    await ex.transfer("USDC", 1000, str(master), str(sub))
    sub_ex = trader(make_lighter, sim, {"account_index": sub, "api_key_index": 4, "private_key": private})
    resting = await sub_ex.create_order(SYMBOL, "limit", "sell", 0.1, INSIDE)
    prevented = await ex.create_order(SYMBOL, "limit", "buy", 0.1, INSIDE,
                                      {"selfTradePrevention": "expire_maker", "selfTradeEquality": "master"})
    assert (await sub_ex.fetch_order(resting["id"], SYMBOL))["info"]["status"] == "canceled-self-trade"
    assert (await ex.fetch_order(prevented["id"], SYMBOL))["status"] == "open"
    await ex.cancel_order(prevented["id"], SYMBOL)
    resting = await sub_ex.create_order(SYMBOL, "limit", "sell", 0.1, INSIDE)
    await ex.create_order(SYMBOL, "limit", "buy", 0.1, INSIDE)  # equality 'account' (the default): they trade
    assert (await sub_ex.fetch_order(resting["id"], SYMBOL))["status"] == "closed"
    assert position_size(sim, master) == "0.1000"
