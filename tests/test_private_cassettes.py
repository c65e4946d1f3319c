"""Private REST reads replayed from vcrpy cassettes (``record_mode='none'``, no network).

The cassettes under ``cassettes/test_private_cassettes/`` were recorded against the simulator
(a real server on 127.0.0.1) with the real class, after a scripted trading session (resting,
filled and canceled orders, a transfer, a withdrawal, funding). Request URLs are written as the
mainnet host; the ``Authorization`` header is replaced by ``<redacted>`` before anything is written
(tools/cassettes.py scrubbers). Re-record with::

    python -m tests.test_private_cassettes

Replay needs no simulator: requests are matched on method, path and query (so the account index
of the recording, and the order ids below, must match).
"""
from __future__ import annotations

import asyncio
import glob
import os
import re
import sys

import pytest

from tests.private_support import check

CASSETTES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cassettes",
                         "test_private_cassettes")
SYMBOL = "ETH/USDC:USDC"
ACCOUNT = 100  # the first account the simulator creates
WALLET = "0x00000000000000000000000000000000a11ce064"  # the L1 address the simulator gives it
RESTING, FILLED, CANCELED = "1001", "1002", "1003"

SCENARIOS = {
    "fetch_balance": lambda ex: ex.fetch_balance(),
    "fetch_balance_spot": lambda ex: ex.fetch_balance({"type": "spot"}),
    "fetch_positions": lambda ex: ex.fetch_positions(),
    "fetch_open_orders": lambda ex: ex.fetch_open_orders(SYMBOL),
    "fetch_closed_orders": lambda ex: ex.fetch_closed_orders(SYMBOL),
    "fetch_canceled_orders": lambda ex: ex.fetch_canceled_orders(SYMBOL),
    "fetch_order": lambda ex: ex.fetch_order(FILLED, SYMBOL),
    "fetch_my_trades": lambda ex: ex.fetch_my_trades(SYMBOL),
    "fetch_trading_fee": lambda ex: ex.fetch_trading_fee(SYMBOL),
    "fetch_leverage": lambda ex: ex.fetch_leverage(SYMBOL),
    "fetch_funding_history": lambda ex: ex.fetch_funding_history(SYMBOL),
    "fetch_deposits": lambda ex: ex.fetch_deposits(),
    "fetch_withdrawals": lambda ex: ex.fetch_withdrawals(),
    "fetch_transfers": lambda ex: ex.fetch_transfers(),
    "fetch_accounts": lambda ex: ex.fetch_accounts(),
}


SOURCE = ("simulator: ccxt_lighter.sim (seed 1) on localhost after a scripted trading session; "
          "request URLs rewritten to the mainnet host")


def _vcr(record_mode: str, rewrite_base=None):
    """The public cassettes' scrubbers (tools/cassettes.py) with this recording's source note."""
    import vcr

    from tools.cassettes import make_request_scrubber, make_response_scrubber

    return vcr.VCR(record_mode=record_mode, match_on=["method", "path", "query"],
                   before_record_request=make_request_scrubber(rewrite_base),
                   before_record_response=make_response_scrubber(SOURCE), decode_compressed_response=True)


def _exchange(rest: str, private_key: str):
    from ccxt_lighter.exchange import lighter

    exchange = lighter({"urls": {"api": {"rest": rest}}, "enableRateLimit": False, "privateKey": private_key,
                        "walletAddress": WALLET, "options": {"accountIndex": ACCOUNT, "apiKeyIndex": 4}})
    exchange.timeout_on_exit = 0  # ccxt waits 250 ms on close for TLS shutdown; nothing to wait for here
    return exchange


async def _session(sim, private_key: str, public_key: str) -> None:
    """The trading the recorded reads look at (deterministic: fixed ids, seeded simulator)."""
    from tests.private_support import admin

    made = await admin(sim, "/sim/accounts", {"collateral": "10000", "api_keys": {"4": public_key}})
    assert made["account_index"] == ACCOUNT
    ex = _exchange(sim.rest_url, private_key)
    try:
        await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2900, {"clientOrderId": int(RESTING)})
        await ex.create_order(SYMBOL, "market", "buy", 0.2, None, {"clientOrderId": int(FILLED)})
        await ex.create_order(SYMBOL, "limit", "sell", 0.1, 3500, {"clientOrderId": int(CANCELED)})
        await ex.cancel_order(CANCELED, SYMBOL)
        await ex.transfer("USDC", 50, "swap", "spot")
        await ex.withdraw("USDC", 20, None)
        await admin(sim, "/sim/mark_price", {"market_id": 0, "price": "3030.00", "index_price": "3000.00"})
        await admin(sim, "/sim/advance", {"seconds": 3600})
    finally:
        await ex.close()


async def record() -> None:
    from ccxt_lighter.signer import get_backend
    from ccxt_lighter.sim import Simulator
    from ccxt_lighter.spec import MAINNET_REST

    os.makedirs(CASSETTES, exist_ok=True)
    private_key, public_key = get_backend().generate_api_key()
    async with Simulator(port=0, seed=1, flow=False) as sim:
        await _session(sim, private_key, public_key)
        for name, scenario in SCENARIOS.items():
            path = os.path.join(CASSETTES, name + ".yaml")
            if os.path.exists(path):
                os.remove(path)
            recorder = _vcr("all", rewrite_base=MAINNET_REST)
            ex = _exchange(sim.rest_url, private_key)
            try:
                with recorder.use_cassette(path):
                    await ex.load_markets()
                    await scenario(ex)
            finally:
                await ex.close()


# ----------------------------------------------------------------------------- replay

@pytest.fixture
async def replay():
    from ccxt_lighter.signer import get_backend
    from ccxt_lighter.spec import MAINNET_REST

    key, _ = get_backend().generate_api_key()  # any key: tokens are redacted and not matched
    created = []

    async def run(name):
        ex = _exchange(MAINNET_REST, key)
        created.append(ex)
        with _vcr("none").use_cassette(os.path.join(CASSETTES, name + ".yaml")) as cassette:
            await ex.load_markets()
            result = await SCENARIOS[name](ex)
            assert cassette.all_played, f"{name}: not every recorded request was made"
        return ex, result

    yield run
    for ex in created:
        await ex.close()


def test_every_scenario_has_a_cassette():
    assert sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(CASSETTES, "*.yaml"))) == sorted(SCENARIOS)


def test_cassettes_hold_no_secrets():
    token = re.compile(r"\d{10}:\d+:\d+:[0-9a-f]{160}")
    for path in glob.glob(os.path.join(CASSETTES, "*.yaml")):
        text = open(path).read()
        assert not token.search(text), path
        assert "<redacted>" in text or "Authorization" not in text, path
        assert "http://127.0.0.1" not in text, path


async def test_balance_and_positions(replay):
    ex, balance = await replay("fetch_balance")
    check("balance", ex, balance, "fetchBalance")
    assert balance["USDC"]["used"] > 0 and balance["USDC"]["total"] < 10000
    ex, spot = await replay("fetch_balance_spot")
    assert spot["USDC"]["total"] == 50
    ex, positions = await replay("fetch_positions")
    [position] = positions
    check("position", ex, position, "fetchPositions", symbol=SYMBOL,
          skip={"timestamp": "replayed: the snapshot time is the replay's clock, later than the recording"})
    assert (position["side"], position["contracts"]) == ("long", 0.2)


async def test_orders(replay):
    ex, open_orders = await replay("fetch_open_orders")
    assert [o["id"] for o in open_orders] == [RESTING]
    ex, closed = await replay("fetch_closed_orders")
    assert FILLED in [o["id"] for o in closed]
    ex, canceled = await replay("fetch_canceled_orders")
    assert [o["id"] for o in canceled] == [CANCELED]
    ex, order = await replay("fetch_order")
    for entry in open_orders + closed + canceled + [order]:
        check("order", ex, entry, "fetchOrders", symbol=SYMBOL, now=10**13)
    assert (order["status"], order["filled"]) == ("closed", 0.2)


async def test_trades_fees_and_settings(replay):
    ex, trades = await replay("fetch_my_trades")
    assert trades and all(t["order"] == FILLED for t in trades)
    for trade in trades:
        check("trade", ex, trade, "fetchMyTrades", symbol=SYMBOL, now=10**13)
    ex, fee = await replay("fetch_trading_fee")
    assert fee["symbol"] == SYMBOL and fee["maker"] == 0
    ex, leverage = await replay("fetch_leverage")
    assert leverage["longLeverage"] == 20


async def test_money_history(replay):
    ex, funding = await replay("fetch_funding_history")
    assert funding and funding[0]["amount"] < 0
    ex, deposits = await replay("fetch_deposits")
    ex, withdrawals = await replay("fetch_withdrawals")
    ex, transfers = await replay("fetch_transfers")
    assert [d["amount"] for d in deposits] == [10000] and [w["amount"] for w in withdrawals] == [20]
    assert [(t["fromAccount"], t["toAccount"], t["amount"]) for t in transfers] == [("swap", "spot", 50)]
    for entry in deposits + withdrawals:
        check("deposit_withdrawal", ex, entry, "fetchDepositsWithdrawals", code="USDC", now=10**13)
    ex, accounts = await replay("fetch_accounts")
    assert [a["id"] for a in accounts] == [str(ACCOUNT)]


if __name__ == "__main__":  # python -m tests.test_private_cassettes
    asyncio.run(record())
    sys.stdout.write(f"recorded {len(SCENARIOS)} cassettes in {CASSETTES}\n")
