"""Sequencer rejections (sendTx said 200, the tx failed later) and the opt-in waitForExecution.

Against ``Simulator(sequencer_rejections='async')`` -- what the real venue does -- and against the
default synchronous simulator; the poller's pending / not-found / timeout paths are checked with a
fetch function standing in for the endpoint (the simulator executes every tx at once, so it never
answers "pending").
"""
import pytest
from ccxt.base.errors import InsufficientFunds, InvalidOrder, OrderNotFound, RequestTimeout

from ccxt_lighter.private_confirm import failed_tx_exception, tx_failure, wait_for_tx
from ccxt_lighter.sim import Simulator
from tests.private_support import SYMBOL, account_state, check, new_account, requests_to, trader

TOO_BIG = 100  # 100 ETH at 2900 needs 14 500 USDC of margin at 20x; the account has 10 000
STATUS_SKIP = {"status": "ccxt's validator knows open/closed/canceled only; 'rejected' is in ccxt's manual"}


@pytest.fixture
async def async_sim():
    async with Simulator(port=0, seed=1, flow=False, sequencer_rejections="async") as simulator:
        yield simulator


@pytest.fixture
async def ex(make_lighter, async_sim, signer_backend):
    exchange = trader(make_lighter, async_sim, await new_account(async_sim, signer_backend))
    await exchange.load_markets()
    return exchange


@pytest.fixture
async def sync_ex(make_lighter, sim, sim_account):
    exchange = trader(make_lighter, sim, sim_account)
    await exchange.load_markets()
    return exchange


async def test_refused_order_is_accepted_then_reported_rejected(ex, async_sim):
    order = await ex.create_order(SYMBOL, "limit", "buy", TOO_BIG, 2900)
    assert order["status"] == "open" and len(order["info"]["tx_hash"]) == 80  # sendTx said 200
    assert requests_to(async_sim, "/api/v1/tx") == 0  # default: no confirmation round trip
    stored = await ex.publicGetTx({"by": "hash", "value": order["info"]["tx_hash"]})
    assert stored["status"] == 0 and tx_failure(stored)[0] == 21739
    fetched = await ex.fetch_order(order["id"], SYMBOL)
    check("order", ex, fetched, "fetchOrder", symbol=SYMBOL, skip=STATUS_SKIP)
    assert fetched["status"] == "rejected" and fetched["info"]["status"] == "canceled-margin-not-allowed"
    assert fetched["filled"] == 0 and fetched["amount"] == TOO_BIG
    assert order["id"] in [o["id"] for o in await ex.fetch_canceled_orders(SYMBOL)]
    before = requests_to(async_sim, "/api/v1/nextNonce")
    placed = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2900)  # the failed tx consumed its nonce
    assert requests_to(async_sim, "/api/v1/nextNonce") == before
    assert (await ex.fetch_order(placed["id"], SYMBOL))["status"] == "open"


async def test_wait_for_execution_raises_the_mapped_error(ex, async_sim):
    with pytest.raises(InsufficientFunds) as err:
        await ex.create_order(SYMBOL, "limit", "buy", TOO_BIG, 2900, {"waitForExecution": True})
    assert err.value.venue_code == 21739 and "21739" in str(err.value)
    assert requests_to(async_sim, "/api/v1/tx") == 1  # executed at once: one extra round trip
    refused = err.value.lighter_order
    assert err.value.lighter_tx["status"] == 0 and "info" not in err.value.lighter_tx  # no signed tx_info
    assert (await ex.fetch_order(refused["id"], SYMBOL))["status"] == "rejected"
    with pytest.raises(InvalidOrder) as err:  # reduce-only with no position: 21732
        await ex.create_order(SYMBOL, "limit", "sell", 0.1, 3100, {"reduceOnly": True, "waitForExecution": True})
    assert err.value.venue_code == 21732
    assert account_state(async_sim, ex.options["accountIndex"])["open_orders"] == []


async def test_wait_for_execution_confirms_writes(ex, async_sim):
    order = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2900, {"waitForExecution": True})
    check("order", ex, order, "createOrder", symbol=SYMBOL)
    assert order["status"] == "open" and order["info"]["tx_status"] == "executed"
    assert order["info"]["order_index"] >= 2**48 and order["info"]["tx"]["hash"] == order["info"]["tx_hash"]
    ex.options["confirmTransactions"] = True  # every write from now on
    edited = await ex.edit_order(order["id"], SYMBOL, "limit", "buy", 0.2, 2910)
    assert edited["info"]["tx_status"] == "executed"
    canceled = await ex.cancel_order(order["id"], SYMBOL)
    assert canceled["status"] == "canceled" and canceled["info"]["tx_status"] == "executed"
    assert requests_to(async_sim, "/api/v1/tx") == 3
    with pytest.raises(OrderNotFound):  # sendTx said 200; the sequencer found no such order (21600)
        await ex.cancel_order(order["id"], SYMBOL)
    with pytest.raises(OrderNotFound):
        await ex.edit_order(order["id"], SYMBOL, "limit", "buy", 0.2, 2920)
    unconfirmed = await ex.cancel_order(order["id"], SYMBOL, {"waitForExecution": False})
    assert unconfirmed["status"] == "canceled" and "tx_status" not in unconfirmed["info"]
    assert requests_to(async_sim, "/api/v1/tx") == 5


async def test_sync_simulator_refuses_at_once_and_confirms_cheaply(sync_ex, sim):
    for params in ({}, {"waitForExecution": True}):
        with pytest.raises(InsufficientFunds):
            await sync_ex.create_order(SYMBOL, "limit", "buy", TOO_BIG, 2900, params)
    assert requests_to(sim, "/api/v1/tx") == 0  # HTTP 400 from sendTx: nothing to poll
    order = await sync_ex.create_order(SYMBOL, "market", "buy", 0.1, None, {"waitForExecution": True})
    assert order["info"]["tx_status"] == "executed" and requests_to(sim, "/api/v1/tx") == 1
    assert (await sync_ex.fetch_order(order["id"], SYMBOL))["status"] == "closed"


# ----------------------------------------------------------------------------- the poller, alone

class Venue:
    """Answers of GET tx in turn (None = 21500 not found yet), and the sleeps taken between them."""

    def __init__(self, *answers):
        self.answers, self.sleeps = list(answers), []

    async def fetch(self, tx_hash):
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    async def sleep(self, seconds):
        self.sleeps.append(seconds)


async def test_poller_waits_through_not_found_and_pending():
    venue = Venue(None, {"status": 1}, {"status": 2, "hash": "h"})
    record = await wait_for_tx(venue.fetch, "h", timeout_ms=10_000, interval_ms=200, sleep=venue.sleep)
    assert record["status"] == 2 and venue.sleeps == [0.2, 0.2]


async def test_poller_times_out_on_a_tx_that_stays_pending():
    clock = iter(range(0, 100))
    venue = Venue({"status": 1})
    with pytest.raises(RequestTimeout):
        await wait_for_tx(venue.fetch, "h", timeout_ms=3000, interval_ms=500, sleep=venue.sleep,
                          clock=lambda: next(clock))
    assert venue.sleeps == [0.5, 0.5]  # the deadline is set at t=0 (s); polls checked at t=1, 2, 3


@pytest.mark.parametrize("event_info, expected", [
    ('{"error":{"code":21739,"message":"not enough margin to create the order"}}',
     (21739, "not enough margin to create the order")),
    ('{"error":"order is not found","code":"21600"}', (21600, "order is not found")),
    ('{"code":21732,"message":"reduce only"}', (21732, "reduce only")),
    ("not json", (None, "not json")),
    ("", (None, "the sequencer refused the transaction")),
])
def test_failure_reading(event_info, expected):
    assert tx_failure({"status": 0, "event_info": event_info}) == expected
    assert tx_failure({"status": 2, "event_info": event_info}) is None


def test_failure_exception_classes():
    assert isinstance(failed_tx_exception(21739, "not enough margin"), InsufficientFunds)
    assert isinstance(failed_tx_exception(21600, "gone"), OrderNotFound)
    by_text = failed_tx_exception(None, "not enough margin to create the order")
    assert by_text.venue_code is None and "sequencer" in str(by_text)
