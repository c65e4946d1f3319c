"""Account methods end to end against the simulator: balances, positions, leverage and margin,
fees, accounts, money movements and their histories. Outputs go through ccxt's validators and
writes are checked in the simulator's state."""
import pytest
from ccxt.base.errors import AuthenticationError, BadRequest, InvalidOrder

from tests.private_support import SYMBOL, account_state, admin, check, new_account, trader

ETH_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"  # throwaway test key


@pytest.fixture
async def ex(make_lighter, sim, sim_account):
    exchange = trader(make_lighter, sim, sim_account)
    await exchange.load_markets()
    return exchange


async def test_balance_swap_and_spot(make_lighter, sim, signer_backend):
    account = await new_account(sim, signer_backend, "5000", spot={"3": "250", "1": "1.5"})
    ex = trader(make_lighter, sim, account)
    swap = await ex.fetch_balance()
    check("balance", ex, swap, "fetchBalance")
    assert swap["USDC"] == {"free": 5000.0, "used": 0.0, "total": 5000.0}
    await ex.create_order(SYMBOL, "limit", "buy", 1, 2000)  # 2000 USDC at 20x: 100 USDC initial margin
    swap = await ex.fetch_balance()
    check("balance", ex, swap, "fetchBalance")
    assert swap["USDC"]["used"] == pytest.approx(100) and swap["USDC"]["free"] == pytest.approx(4900)
    spot = await ex.fetch_balance({"type": "spot"})
    check("balance", ex, spot, "fetchBalance")
    assert spot["USDC"]["total"] == 250 and spot["ETH"]["total"] == 1.5


async def test_positions_close_and_close_all(ex, sim, sim_account):
    await ex.create_order(SYMBOL, "market", "buy", 0.2)
    await ex.create_order("BTC/USDC:USDC", "market", "sell", 0.01)
    positions = await ex.fetch_positions()
    assert sorted((p["symbol"], p["side"], p["contracts"]) for p in positions) == [
        ("BTC/USDC:USDC", "short", 0.01), (SYMBOL, "long", 0.2)]
    for position in positions:
        check("position", ex, position, "fetchPositions", symbol=position["symbol"])
        assert position["marginMode"] == "cross" and position["leverage"] == 20
        assert position["initialMargin"] == pytest.approx(position["notional"] / 20)
    eth = await ex.fetch_position(SYMBOL)
    assert eth["entryPrice"] > 2900 and eth["markPrice"] == pytest.approx(eth["notional"] / 0.2)
    flat = await ex.fetch_position("SOL/USDC:USDC")
    assert flat["contracts"] == 0 and flat["side"] is None
    closing = await ex.close_position(SYMBOL)
    assert closing["reduceOnly"] and closing["side"] == "sell" and closing["amount"] == 0.2
    assert account_state(sim, sim_account["account_index"])["positions"]["0"]["position"] == "0.0000"
    closed = await ex.close_all_positions()
    assert [p["symbol"] for p in closed] == ["BTC/USDC:USDC"]
    assert await ex.fetch_positions() == []
    with pytest.raises(InvalidOrder):
        await ex.close_position(SYMBOL)


async def test_leverage_and_margin_mode_each_alone(ex, sim, sim_account):
    await ex.set_margin_mode("isolated", SYMBOL)
    await ex.set_leverage(5, SYMBOL)  # keeps isolated
    row = account_state(sim, sim_account["account_index"])["positions"]["0"]
    assert (row["margin_mode"], row["initial_margin_fraction"]) == (1, "20.00")
    await ex.set_margin_mode("cross", SYMBOL)  # keeps 5x
    row = account_state(sim, sim_account["account_index"])["positions"]["0"]
    assert (row["margin_mode"], row["initial_margin_fraction"]) == (0, "20.00")
    leverage = await ex.fetch_leverage(SYMBOL)
    assert (leverage["longLeverage"], leverage["marginMode"]) == (5, "cross")
    default = await ex.fetch_leverage("BTC/USDC:USDC")
    assert default["longLeverage"] == 20  # never set: the market default (IMF 500)
    modes = await ex.fetch_margin_modes()
    for mode in modes.values():
        check("margin_mode", ex, mode, "fetchMarginModes")
    assert (await ex.fetch_margin_mode(SYMBOL))["marginMode"] == "cross"
    assert len(await ex.fetch_leverages()) == 3
    with pytest.raises(BadRequest):
        await ex.set_leverage(51, SYMBOL)  # min IMF 200 -> 50x at most
    with pytest.raises(BadRequest):
        await ex.set_margin_mode("portfolio", SYMBOL)


async def test_add_and_reduce_isolated_margin(ex, sim, sim_account):
    await ex.set_margin_mode("isolated", SYMBOL)
    await ex.create_order(SYMBOL, "market", "buy", 0.1)
    before = float(account_state(sim, sim_account["account_index"])["positions"]["0"]["allocated_margin"])
    added = await ex.add_margin(SYMBOL, 25)
    check("margin_modification", ex, added, "addMargin")
    assert (added["type"], added["amount"], added["marginMode"]) == ("add", 25, "isolated")
    reduced = await ex.reduce_margin(SYMBOL, "10.5")
    check("margin_modification", ex, reduced, "reduceMargin")
    after = float(account_state(sim, sim_account["account_index"])["positions"]["0"]["allocated_margin"])
    assert after == pytest.approx(before + 14.5)
    position = await ex.fetch_position(SYMBOL)
    assert position["marginMode"] == "isolated" and position["collateral"] == pytest.approx(after)
    with pytest.raises(BadRequest):
        await ex.add_margin(SYMBOL, "0.0000001")  # below 1e-6 USDC


async def test_trading_fee_is_the_account_tier(make_lighter, sim, signer_backend, ccxt_check):
    account = await new_account(sim, signer_backend, fee_tier="premium")
    ex = trader(make_lighter, sim, account)
    fee = await ex.fetch_trading_fee(SYMBOL)
    ccxt_check("trading_fee", ex, fee, "fetchTradingFee", symbol=SYMBOL)
    assert (fee["maker"], fee["taker"]) == (0.00004, 0.00028)
    fees = await ex.fetch_account_trading_fees()
    assert set(fees) == set(ex.markets) and fees["ETH/USDC"]["taker"] == 0.00028
    # with credentials, the unified fetchTradingFees reports what this account pays, not the public schedule
    unified = await ex.fetch_trading_fees()
    assert unified["ETH/USDC:USDC"]["maker"] == 0.00004 and unified["ETH/USDC:USDC"]["taker"] == 0.00028


async def test_accounts_and_sub_account(ex, sim, sim_account):
    await ex.create_sub_account("bot-2")
    accounts = await ex.fetch_accounts()
    for account in accounts:
        check("account", ex, account, "fetchAccounts")
    assert accounts[0]["id"] == str(sim_account["account_index"]) and accounts[0]["type"] == "main"
    assert len(accounts) == 2 and int(accounts[1]["id"]) > 2**47


async def test_transfers_between_routes_and_accounts(ex, sim, sim_account):
    moved = await ex.transfer("USDC", 100, "swap", "spot")
    check("transfer", ex, moved, "transfer", code="USDC")
    state = account_state(sim, sim_account["account_index"])
    assert float(state["collateral"]) == pytest.approx(9900) and float(state["assets"]["3"]["balance"]) == 100
    await ex.transfer("USDC", "40.5", "spot", "swap")
    await ex.create_sub_account()
    sub = max(int(i) for i in sim.state()["accounts"] if int(i) > 2**47)
    await ex.transfer("USDC", 10, str(sim_account["account_index"]), str(sub))  # same owner: no L1 signature
    assert float(account_state(sim, sub)["collateral"]) == pytest.approx(10)
    history = await ex.fetch_transfers()
    assert len(history) == 3
    for entry in history:
        check("transfer", ex, entry, "fetchTransfers", code="USDC")
    assert (history[0]["fromAccount"], history[0]["toAccount"]) == ("swap", "spot")
    assert history[-1]["toAccount"] == str(sub)
    with pytest.raises(BadRequest):
        await ex.transfer("USDC", 1, "spot", "spot")
    with pytest.raises(BadRequest):
        await ex.transfer("USDC", "0.0000001", "swap", "spot")


async def test_transfer_to_another_owner_is_l1_signed(make_lighter, sim, signer_backend):
    from eth_account import Account

    address = Account.from_key(bytes.fromhex(ETH_KEY)).address
    mine = await new_account(sim, signer_backend, l1_address=address)
    other = await new_account(sim, signer_backend)
    ex = trader(make_lighter, sim, mine)
    with pytest.raises(AuthenticationError):
        await ex.transfer("USDC", 5, "swap", str(other["account_index"]))  # no Ethereum key configured
    ex.options["ethPrivateKey"] = ETH_KEY
    moved = await ex.transfer("USDC", 5, "swap", str(other["account_index"]))
    stored = await ex.publicGetTx({"by": "hash", "value": moved["info"]["tx_hash"]})
    import json

    from ccxt_lighter.keys import recover_l1_signer

    info = json.loads(stored["info"])
    message = signer_backend.sign(_transfer_of(info), nonce=info["Nonce"], api_key_index=4,
                                  account_index=mine["account_index"]).message_to_sign
    assert recover_l1_signer(message, info["L1Sig"]) == address
    assert float(account_state(sim, other["account_index"])["collateral"]) == pytest.approx(10005)


def _transfer_of(info):
    from ccxt_lighter import orders as o

    memo = "".join(f"{b:02x}" for b in info["Memo"]) if isinstance(info["Memo"], list) else info["Memo"]
    return o.Transfer(info["ToAccountIndex"], info["AssetIndex"], info["FromRouteType"], info["ToRouteType"],
                      info["Amount"], info["USDCFee"], memo)


async def test_withdraw_and_histories(ex, sim, sim_account):
    withdrawal = await ex.withdraw("USDC", 12.5, None)
    check("deposit_withdrawal", ex, withdrawal, "withdraw", code="USDC")
    assert float(account_state(sim, sim_account["account_index"])["collateral"]) == pytest.approx(9987.5)
    with pytest.raises(BadRequest):
        await ex.withdraw("USDC", 1, "0x000000000000000000000000000000000000dead")
    deposits = await ex.fetch_deposits()
    withdrawals = await ex.fetch_withdrawals("USDC")
    assert [d["amount"] for d in deposits] == [10000] and [w["amount"] for w in withdrawals] == [12.5]
    for entry in deposits + withdrawals + await ex.fetch_deposits_withdrawals():
        check("deposit_withdrawal", ex, entry, "fetchDepositsWithdrawals", code="USDC")
    ledger = await ex.fetch_ledger("USDC")
    assert {(e["type"], e["direction"], e["amount"]) for e in ledger} >= {("transaction", "in", 10000),
                                                                           ("transaction", "out", 12.5)}
    for entry in ledger:  # the venue reports no running balance, nor fees on money movements
        check("ledger_entry", ex, entry, "fetchLedger", code="USDC", skip={"before": True, "after": True, "fee": True})


async def test_funding_history_and_liquidations(ex, sim, sim_account):
    await ex.create_order(SYMBOL, "market", "buy", 0.5)
    await admin(sim, "/sim/mark_price", {"market_id": 0, "price": "3030.00", "index_price": "3000.00"})
    await admin(sim, "/sim/advance", {"seconds": 7200})
    payments = await ex.fetch_funding_history(SYMBOL)
    assert len(payments) >= 1 and all(p["symbol"] == SYMBOL and p["code"] == "USDC" for p in payments)
    assert all(p["amount"] < 0 for p in payments)  # a long pays when mark is above index
    assert payments == sorted(payments, key=lambda p: p["timestamp"])
    assert await ex.fetch_my_liquidations(SYMBOL) == []  # funding alone did not liquidate anyone
    fees = [e for e in await ex.fetch_ledger() if e["info"].get("funding_id") is not None]
    assert len(fees) == len(payments) and all(e["direction"] == "out" for e in fees)


async def test_my_liquidations_after_a_real_liquidation(make_lighter, sim, signer_backend):
    """A 0.05 ETH long on 20 USDC: a mark price 500 lower takes the account below maintenance
    margin; the venue closes the position at the mark against the insurance fund."""
    ex = trader(make_lighter, sim, await new_account(sim, signer_backend, "20"))
    await ex.create_order(SYMBOL, "market", "buy", 0.05)
    resting = await ex.create_order(SYMBOL, "limit", "buy", 0.01, 2000)
    await admin(sim, "/sim/mark_price", {"market_id": 0, "price": "2500.00"})
    [liquidation] = await ex.fetch_my_liquidations(SYMBOL)
    check("liquidation", ex, liquidation, "fetchMyLiquidations", symbol=SYMBOL)
    assert (liquidation["symbol"], liquidation["contracts"], liquidation["contractSize"]) == (SYMBOL, 0.05, 1)
    assert (liquidation["price"], liquidation["baseValue"], liquidation["quoteValue"]) == (2500, 0.05, 125)
    assert liquidation["timestamp"] == liquidation["info"]["executed_at"]
    assert await ex.fetch_my_liquidations() == [liquidation]
    assert await ex.fetch_my_liquidations("BTC/USDC:USDC") == []
    assert await ex.fetch_my_liquidations(SYMBOL, liquidation["timestamp"] + 1) == []
    assert (await ex.fetch_position(SYMBOL))["contracts"] == 0
    gone = await ex.fetch_order(resting["id"], SYMBOL)
    assert (gone["status"], gone["info"]["status"]) == ("canceled", "canceled-liquidation")
    closing = [t for t in await ex.fetch_my_trades(SYMBOL) if t["info"]["type"] == "liquidation"]
    assert [(t["side"], t["amount"], t["price"]) for t in closing] == [("sell", 0.05, 2500)]


async def test_wallet_address_resolves_the_master_account(make_lighter, sim, signer_backend, sim_account):
    from eth_account import Account

    address = Account.from_key(bytes.fromhex(ETH_KEY)).address
    account = await new_account(sim, signer_backend, l1_address=address)
    ex = make_lighter(urls={"api": {"rest": sim.rest_url}}, privateKey=account["private_key"],
                      walletAddress=address, options={"apiKeyIndex": 4})
    order = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2500)
    assert str(account_state(sim, account["account_index"])["open_orders"][0]["client_order_index"]) == order["id"]
    by_eth_key = make_lighter(urls={"api": {"rest": sim.rest_url}}, privateKey="0x" + ETH_KEY,
                              options={"apiKeyIndex": 4, "apiPrivateKey": account["private_key"]})
    assert (await by_eth_key.fetch_balance())["USDC"]["total"] == 10000
    assert by_eth_key.lighter_credentials().eth_private_key == ETH_KEY


async def test_register_api_key_then_trade_with_it(make_lighter, sim, signer_backend):
    from eth_account import Account

    address = Account.from_key(bytes.fromhex(ETH_KEY)).address
    account = await new_account(sim, signer_backend, l1_address=address)
    owner = make_lighter(urls={"api": {"rest": sim.rest_url}}, privateKey=ETH_KEY, options={})
    made = await owner.register_api_key(7)
    assert made["account_index"] == account["account_index"] and len(made["private_key"]) == 80
    assert account_state(sim, account["account_index"])["api_keys"]["7"]["public_key"] == made["public_key"]
    bot = make_lighter(urls={"api": {"rest": sim.rest_url}}, privateKey=made["private_key"],
                       options={"accountIndex": made["account_index"], "apiKeyIndex": 7})
    order = await bot.create_order(SYMBOL, "limit", "buy", 0.1, 2500)
    assert order["status"] == "open"
