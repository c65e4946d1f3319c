"""setMargin end to end against the simulator: one UpdateMargin (add or remove) for the difference
between the isolated position's allocated margin and the target; nothing sent when already there,
and a clear BadRequest (nothing sent) without an isolated position. Outputs through ccxt's validator;
the simulator's state shows the new allocated margin."""
from decimal import Decimal

import pytest
from ccxt.base.errors import BadRequest, InsufficientFunds

from tests.private_support import SYMBOL, account_state, check, requests_to, trader


@pytest.fixture
async def ex(make_lighter, sim, sim_account):
    exchange = trader(make_lighter, sim, sim_account)
    await exchange.load_markets()
    return exchange


def allocated(sim, account) -> Decimal:
    return Decimal(account_state(sim, account["account_index"])["positions"]["0"]["allocated_margin"])


async def test_set_margin_adds_then_removes_to_reach_the_target(ex, sim, sim_account):
    await ex.set_margin_mode("isolated", SYMBOL)
    await ex.create_order(SYMBOL, "market", "buy", 0.1)
    before = allocated(sim, sim_account)
    target = before + Decimal("30.25")
    sent = requests_to(sim, "/api/v1/sendTx")
    raised = await ex.set_margin(SYMBOL, str(target))
    check("margin_modification", ex, raised, "setMargin")
    assert (raised["type"], raised["marginMode"], raised["code"]) == ("set", "isolated", "USDC")
    assert raised["amount"] == raised["total"] == float(target)
    assert raised["info"]["tx_hash"] and raised["info"]["position"]["allocated_margin"] == str(before)
    assert allocated(sim, sim_account) == target
    lowered = await ex.setMargin(SYMBOL, float(before + 5))  # camelCase, a float: converted exactly
    check("margin_modification", ex, lowered, "setMargin")
    assert allocated(sim, sim_account) == before + 5
    assert requests_to(sim, "/api/v1/sendTx") == sent + 2  # one UpdateMargin each
    assert (await ex.fetch_position(SYMBOL))["collateral"] == float(before + 5)
    with pytest.raises(InsufficientFunds):  # below the position's initial margin: the venue refuses (21508)
        await ex.set_margin(SYMBOL, "0.5")
    assert allocated(sim, sim_account) == before + 5


async def test_set_margin_to_the_current_value_sends_nothing(ex, sim, sim_account):
    await ex.set_margin_mode("isolated", SYMBOL)
    await ex.create_order(SYMBOL, "market", "sell", 0.1)
    current = allocated(sim, sim_account)
    sent = requests_to(sim, "/api/v1/sendTx")
    same = await ex.set_margin(SYMBOL, str(current))
    check("margin_modification", ex, same, "setMargin")
    assert same["status"] == "ok" and same["total"] == float(current) and "tx_hash" not in same["info"]
    assert requests_to(sim, "/api/v1/sendTx") == sent and allocated(sim, sim_account) == current


async def test_set_margin_refusals_send_nothing(ex, sim, sim_account):
    sent = requests_to(sim, "/api/v1/sendTx")
    with pytest.raises(BadRequest, match="open position"):
        await ex.set_margin(SYMBOL, 100)  # flat
    await ex.create_order(SYMBOL, "market", "buy", 0.1)  # cross (the default)
    sent += 1
    with pytest.raises(BadRequest, match="cross margin"):
        await ex.set_margin(SYMBOL, 100)
    for bad in ("-5", 0, "1.0000001"):
        with pytest.raises(BadRequest):
            await ex.set_margin(SYMBOL, bad)
    with pytest.raises(BadRequest):
        await ex.set_margin("ETH/USDC", 100)  # spot
    assert requests_to(sim, "/api/v1/sendTx") == sent
