"""Integrator (builder) fees end to end: options -> L2TxAttributes 1-3 on every order, the account's
approval (ApproveIntegrator, L1-signed), and the fee moving from the trader to the integrator on
each fill (checked in the simulator's state, on top of the venue's own fee)."""
import json
from decimal import Decimal

import pytest
from ccxt.base.errors import AuthenticationError, BadRequest

from tests.private_support import SYMBOL, account_state, new_account, requests_to, trader

ETH_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"  # throwaway test key
DAY_MS = 86_400_000
TAKER_PPM, MAKER_PPM = 1000, 500  # 0.1 % and 0.05 %


def collateral(sim, account_index: int) -> Decimal:
    return Decimal(account_state(sim, account_index)["collateral"])


@pytest.fixture
async def parties(make_lighter, sim, signer_backend):
    """(trader exchange with the owner's Ethereum key, integrator account index)."""
    from eth_account import Account

    address = Account.from_key(bytes.fromhex(ETH_KEY)).address
    account = await new_account(sim, signer_backend, l1_address=address, fee_tier="premium")  # venue fees too
    integrator = (await new_account(sim, signer_backend, "0"))["account_index"]
    ex = trader(make_lighter, sim, account, ethPrivateKey=ETH_KEY)
    await ex.load_markets()
    return ex, integrator


async def test_integrator_fee_charged_to_trader_credited_to_integrator(parties, make_lighter, sim, sim_account):
    ex, integrator = parties
    me = ex.options["accountIndex"]
    ex.options.update(integratorAccountIndex=integrator, integratorTakerFee=TAKER_PPM, integratorMakerFee=MAKER_PPM)
    with pytest.raises(BadRequest) as err:  # not approved yet: the venue refuses the fee (21134)
        await ex.create_order(SYMBOL, "market", "buy", 0.1)
    assert err.value.venue_code == 21134

    approval = await ex.approve_integrator(integrator, 2 * TAKER_PPM, MAKER_PPM, 0, 0, ex.milliseconds() + DAY_MS)
    assert len(approval["id"]) == 80
    [approved] = (await ex.publicGetAccount({"by": "index", "value": me}))["accounts"][0]["approved_integrators"]
    assert (approved["account_index"], approved["max_perps_taker_fee"]) == (integrator, 2 * TAKER_PPM)

    mine_before, integrator_before = collateral(sim, me), collateral(sim, integrator)
    order = await ex.create_order(SYMBOL, "market", "buy", 0.1)
    stored = await ex.publicGetTx({"by": "hash", "value": order["info"]["tx_hash"]})
    assert json.loads(stored["info"])["L2TxAttributes"] == {"1": integrator, "2": TAKER_PPM, "3": MAKER_PPM}
    trades = await ex.fetch_my_trades(SYMBOL)
    assert trades and all(t["info"]["taker_fee"] == 280 for t in trades)  # the premium tier's venue fee
    notional = sum(Decimal(t["info"]["usd_amount"]) for t in trades)
    venue_fee = sum(Decimal(t["info"]["usd_amount"]) * t["info"]["taker_fee"] / 10**6 for t in trades)
    integrator_fee = notional * TAKER_PPM / 10**6
    tol = Decimal("0.000001") * 2 * len(trades)  # the venue rounds each fill's fees to whole micro-USDC
    assert collateral(sim, integrator) - integrator_before == pytest.approx(integrator_fee, abs=tol)
    assert mine_before - collateral(sim, me) == pytest.approx(venue_fee + integrator_fee, abs=tol)
    fees = sum(Decimal(str(t["fee"]["cost"])) for t in trades)  # fetchMyTrades reports both fees as ours
    assert fees == pytest.approx(venue_fee + integrator_fee, abs=tol)

    # the maker fee (attribute 3) when our resting order is taken by someone else
    await ex.create_order(SYMBOL, "limit", "sell", 0.1, 3000)
    integrator_before = collateral(sim, integrator)
    taker = trader(make_lighter, sim, sim_account)  # another account, no integrator
    await taker.create_order(SYMBOL, "limit", "buy", 0.1, 3000)
    assert collateral(sim, integrator) - integrator_before == Decimal("0.15")  # 300 USDC x 0.05 %


async def test_revoke_and_l1_signature_rules(parties, make_lighter, sim, signer_backend):
    ex, integrator = parties
    await ex.approve_integrator(integrator, TAKER_PPM, MAKER_PPM, 0, 0, ex.milliseconds() + DAY_MS)
    await ex.approve_integrator(integrator, 0, 0, 0, 0, 0)  # revoke: no fee, so no L1 signature needed
    assert (await ex.publicGetAccount({"by": "index", "value": ex.options["accountIndex"]}))[
        "accounts"][0]["approved_integrators"] == []
    ex.options.update(integratorAccountIndex=integrator, integratorTakerFee=TAKER_PPM, integratorMakerFee=0)
    with pytest.raises(BadRequest):
        await ex.create_order(SYMBOL, "market", "buy", 0.1)

    no_eth = trader(make_lighter, sim, await new_account(sim, signer_backend))
    await no_eth.load_markets()
    sent = requests_to(sim, "/api/v1/sendTx")
    with pytest.raises(AuthenticationError):
        await no_eth.approve_integrator(integrator, TAKER_PPM, 0, 0, 0, no_eth.milliseconds() + DAY_MS)
    for bad in ({"max_perps_taker_fee": 1.5}, {"max_perps_taker_fee": 2_000_000}, {"expiry": 0},
                {"expiry": 1}):
        args = dict({"max_perps_taker_fee": TAKER_PPM, "expiry": no_eth.milliseconds() + DAY_MS}, **bad)
        with pytest.raises(BadRequest):
            await no_eth.approve_integrator(integrator, **args)
    assert requests_to(sim, "/api/v1/sendTx") == sent
