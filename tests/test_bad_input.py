"""Bad input: each case raises the right ccxt exception and sends nothing (counted at the simulator).

The exchange is warmed first (markets loaded, key checked, nonce known), so any request a case
made would show up in the simulator's per-path counters.
"""
import pytest
from ccxt.base.errors import (
    ArgumentsRequired, AuthenticationError, BadRequest, BadSymbol, InvalidOrder, NotSupported, OrderNotFound,
)

from tests.private_support import SYMBOL, requests_to, trader

NOW_PLUS = 10**13  # far future ms


def _order(*args, **params):
    symbol, type_, side, amount, price = args
    return lambda ex: ex.create_order(symbol, type_, side, amount, price, params)


def _with_options(call, **options):
    async def run(ex):
        ex.options.update(options)
        return await call(ex)
    return run


INTEGRATOR = {"integratorAccountIndex": 5, "integratorTakerFee": 100, "integratorMakerFee": 0}


CASES = [
    ("unknown symbol", _order("DOGE/USDC:USDC", "limit", "buy", 1, 1), BadSymbol),
    ("amount below minimum", _order(SYMBOL, "limit", "buy", 0.001, 3000), InvalidOrder),
    ("amount off precision", _order(SYMBOL, "limit", "buy", 0.00001, 3000), InvalidOrder),
    ("price beyond uint32", _order(SYMBOL, "limit", "buy", 0.1, 50_000_000), InvalidOrder),
    ("negative amount", _order(SYMBOL, "limit", "buy", -0.1, 3000), InvalidOrder),
    ("zero amount", _order(SYMBOL, "limit", "buy", 0, 3000), InvalidOrder),
    ("price off tick", _order(SYMBOL, "limit", "buy", 0.1, 3000.001), InvalidOrder),
    ("negative price", _order(SYMBOL, "limit", "buy", 0.1, -3000), InvalidOrder),
    ("fill or kill", _order(SYMBOL, "limit", "buy", 0.1, 3000, timeInForce="FOK"), NotSupported),
    ("limit without price", _order(SYMBOL, "limit", "buy", 0.1, None), ArgumentsRequired),
    ("unknown side", _order(SYMBOL, "limit", "long", 0.1, 3000), InvalidOrder),
    ("unknown type", _order(SYMBOL, "stop_market", "buy", 0.1, 3000), InvalidOrder),
    ("order value below minimum", _order(SYMBOL, "limit", "buy", 0.005, 100), InvalidOrder),
    ("client order id 0", _order(SYMBOL, "limit", "buy", 0.1, 3000, clientOrderId=0), InvalidOrder),
    ("client order id 2^48", _order(SYMBOL, "limit", "buy", 0.1, 3000, clientOrderId=2**48), InvalidOrder),
    ("expiry in the past", _order(SYMBOL, "limit", "buy", 0.1, 3000, expiresAt=1), InvalidOrder),
    ("expiry too far", _order(SYMBOL, "limit", "buy", 0.1, 3000, expiresAt=NOW_PLUS), InvalidOrder),
    ("post-only IOC", _order(SYMBOL, "limit", "buy", 0.1, 3000, timeInForce="IOC", postOnly=True), InvalidOrder),
    ("post-only market", _order(SYMBOL, "market", "buy", 0.1, None, postOnly=True), InvalidOrder),
    ("trigger on spot", _order("ETH/USDC", "market", "sell", 0.1, None, stopLossPrice=2800), InvalidOrder),
    ("attached SL on spot", _order("ETH/USDC", "limit", "buy", 0.1, 3000, stopLoss=2800), InvalidOrder),
    ("order by cost", _order(SYMBOL, "market", "buy", 0.1, None, cost=300), NotSupported),
    ("slippage above 100%", _order(SYMBOL, "market", "buy", 0.1, None, slippage=2), BadRequest),
    ("unknown self-trade mode", _order(SYMBOL, "limit", "buy", 0.1, 3000, selfTradePrevention="x"), InvalidOrder),
    ("stop loss above take profit", _order(SYMBOL, "limit", "buy", 0.1, 3000, stopLoss=3300, takeProfit=2800),
     InvalidOrder),
    ("one bad order in a batch", lambda ex: ex.create_orders([
        {"symbol": SYMBOL, "type": "limit", "side": "buy", "amount": 0.1, "price": 2900},
        {"symbol": SYMBOL, "type": "limit", "side": "buy", "amount": 0.1, "price": 2900.001}]), InvalidOrder),
    ("empty batch", lambda ex: ex.create_orders([]), ArgumentsRequired),
    ("batch with waitForExecution", lambda ex: ex.create_orders([
        {"symbol": SYMBOL, "type": "limit", "side": "buy", "amount": 0.1, "price": 2900,
         "params": {"waitForExecution": True}}]), NotSupported),
    ("batch with price protection off", lambda ex: ex.create_orders([
        {"symbol": SYMBOL, "type": "market", "side": "buy", "amount": 0.1, "price": 2900,
         "params": {"priceProtection": False}}]), NotSupported),
    ("cancel non-numeric id", lambda ex: ex.cancel_order("abc", SYMBOL), OrderNotFound),
    ("cancel unknown id without symbol", lambda ex: ex.cancel_order("123456"), ArgumentsRequired),
    ("cancel without any id", lambda ex: ex.cancel_order(None, SYMBOL), ArgumentsRequired),
    ("fetch negative id", lambda ex: ex.fetch_order("-5", SYMBOL), OrderNotFound),
    ("edit to an off-tick price", lambda ex: ex.edit_order("42", SYMBOL, "limit", "buy", 0.1, 2900.005),
     InvalidOrder),
    ("cancel orders with a bad id", lambda ex: ex.cancel_orders(["12", "x"], SYMBOL), OrderNotFound),
    ("dead man's switch too short", lambda ex: ex.cancel_all_orders_after(1000), BadRequest),
    ("leverage 0", lambda ex: ex.set_leverage(0, SYMBOL), BadRequest),
    ("leverage above the market maximum", lambda ex: ex.set_leverage(100, SYMBOL), BadRequest),
    ("leverage on spot", lambda ex: ex.set_leverage(2, "ETH/USDC"), BadRequest),
    ("leverage without symbol", lambda ex: ex.set_leverage(2), ArgumentsRequired),
    ("unknown margin mode", lambda ex: ex.set_margin_mode("portfolio", SYMBOL, {"leverage": 5}), BadRequest),
    ("negative margin", lambda ex: ex.add_margin(SYMBOL, -5), BadRequest),
    ("margin below 1e-6", lambda ex: ex.reduce_margin(SYMBOL, "0.0000001"), BadRequest),
    ("transfer of unknown currency", lambda ex: ex.transfer("XYZ", 1, "swap", "spot"), BadRequest),
    ("transfer spot to spot", lambda ex: ex.transfer("USDC", 1, "spot", "spot"), BadRequest),
    ("transfer to a bad account", lambda ex: ex.transfer("USDC", 1, "swap", "savings"), BadRequest),
    ("transfer with a bad memo", lambda ex: ex.transfer("USDC", 1, "swap", "spot", {"memo": "zz"}), BadRequest),
    ("transfer above the wire range", lambda ex: ex.transfer("USDC", 2**61, "swap", "spot"), BadRequest),
    ("transfer to an account index beyond the range", lambda ex: ex.transfer("USDC", 1, "swap", str(2**48)),
     BadRequest),
    ("withdraw on an unknown route", lambda ex: ex.withdraw("USDC", 1, None, None, {"route": "moon"}), BadRequest),
    ("edit with only a price off tick", lambda ex: ex.edit_order("1234", SYMBOL, "limit", "buy", None, 3000.001),
     InvalidOrder),
    ("withdraw of zero", lambda ex: ex.withdraw("USDC", 0, None), BadRequest),
    ("self-trade prevention 'none'", _order(SYMBOL, "limit", "buy", 0.1, 3000, selfTradePrevention="none"),
     InvalidOrder),
    ("self-trade prevention with an integrator fee", _with_options(
        _order(SYMBOL, "limit", "buy", 0.1, 3000, selfTradePrevention="expire_taker"), **INTEGRATOR), InvalidOrder),
    ("integrator fee as a fraction", _with_options(_order(SYMBOL, "limit", "buy", 0.1, 3000),
                                                   **dict(INTEGRATOR, integratorTakerFee="0.001")), BadRequest),
    ("integrator without its fees", _with_options(_order(SYMBOL, "limit", "buy", 0.1, 3000),
                                                  integratorAccountIndex=5), BadRequest),
    ("approve integrator without expiry", lambda ex: ex.approve_integrator(5, 100), ArgumentsRequired),
    ("approve integrator above 100%", lambda ex: ex.approve_integrator(5, 2_000_000, 0, 0, 0, NOW_PLUS), BadRequest),
    ("revoke with fees", lambda ex: ex.approve_integrator(5, 100, 0, 0, 0, 0), BadRequest),
    ("approve integrator with a text expiry", lambda ex: ex.approve_integrator(5, 100, 0, 0, 0, "soon"), BadRequest),
]


@pytest.fixture
async def warm(make_lighter, sim, sim_account):
    ex = trader(make_lighter, sim, sim_account)
    await ex.load_markets()
    order = await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2500)  # key checked, nonce known
    await ex.cancel_order(order["id"])
    return ex


@pytest.mark.parametrize("name, call, exc", CASES, ids=[c[0] for c in CASES])
async def test_bad_input_sends_nothing(warm, sim, name, call, exc):
    before = requests_to(sim)
    with pytest.raises(exc):
        await call(warm)
    assert requests_to(sim) == before, f"{name}: a request was sent"


def test_table_size():
    assert len(CASES) + len(CREDENTIAL_CASES) >= 30


CREDENTIAL_CASES = [
    ("no private key", {"options": {"accountIndex": 100, "apiKeyIndex": 4}}, AuthenticationError),
    ("private key of the wrong length", {"privateKey": "ab" * 20, "options": {"accountIndex": 100, "apiKeyIndex": 4}},
     AuthenticationError),
    ("private key not hex", {"privateKey": "zz" * 40, "options": {"accountIndex": 100, "apiKeyIndex": 4}},
     AuthenticationError),
    ("no api key index", {"privateKey": "ab" * 40, "options": {"accountIndex": 100}}, AuthenticationError),
    ("api key index out of range", {"privateKey": "ab" * 40, "options": {"accountIndex": 100, "apiKeyIndex": 300}},
     BadRequest),
    ("no account and no wallet", {"privateKey": "ab" * 40, "options": {"apiKeyIndex": 4}}, AuthenticationError),
    ("only an Ethereum key", {"privateKey": "11" * 32, "options": {"accountIndex": 100, "apiKeyIndex": 4}},
     AuthenticationError),
]


@pytest.mark.parametrize("name, config, exc", CREDENTIAL_CASES, ids=[c[0] for c in CREDENTIAL_CASES])
async def test_bad_credentials_send_nothing(make_lighter, sim, name, config, exc):
    ex = make_lighter(urls={"api": {"rest": sim.rest_url}}, **config)
    await ex.load_markets()
    before = requests_to(sim)
    with pytest.raises(exc):
        await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2500)
    assert requests_to(sim) == before


async def test_key_the_venue_does_not_know_is_refused_before_any_tx(make_lighter, sim, sim_account, signer_backend):
    stranger, _ = signer_backend.generate_api_key()
    ex = make_lighter(urls={"api": {"rest": sim.rest_url}}, privateKey=stranger,
                      options={"accountIndex": sim_account["account_index"], "apiKeyIndex": 4})
    await ex.load_markets()
    with pytest.raises(AuthenticationError):
        await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2500)
    # one read of the slot's registered public key (apikeys), and no transaction at all
    assert requests_to(sim, "/api/v1/apikeys") == 1
    assert requests_to(sim, "/api/v1/sendTx") == requests_to(sim, "/api/v1/nextNonce") == 0


async def test_key_check_can_be_switched_off_then_the_venue_refuses(make_lighter, sim, sim_account, signer_backend):
    stranger, _ = signer_backend.generate_api_key()
    ex = make_lighter(urls={"api": {"rest": sim.rest_url}}, privateKey=stranger,
                      options={"accountIndex": sim_account["account_index"], "apiKeyIndex": 4, "checkApiKey": False})
    await ex.load_markets()
    with pytest.raises(AuthenticationError):  # 21120 invalid signature from the venue
        await ex.create_order(SYMBOL, "limit", "buy", 0.1, 2500)
    assert requests_to(sim, "/api/v1/sendTx") == 1
    state = sim.state()["accounts"][str(sim_account["account_index"])]
    assert state["api_keys"]["4"]["nonce"] == 0 and state["open_orders"] == []
