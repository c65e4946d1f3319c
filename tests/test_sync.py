"""The blocking facade ``ccxt_lighter.sync.lighter`` against a real simulator.

The simulator runs on its own loop thread (``LoopThread``), the facade on another: the tests are
plain synchronous functions, as a sync ccxt bot would be.
"""
from __future__ import annotations

import json
import threading
import urllib.request

import pytest
from ccxt.base.errors import BadRequest, BadSymbol, ExchangeClosedByUser, InvalidOrder

from ccxt_lighter.sim import Simulator
from ccxt_lighter.sync import LoopThread, lighter

SYMBOL = "ETH/USDC:USDC"


@pytest.fixture(scope="module")
def sim_thread():
    loop = LoopThread("test-sim")
    sim = loop.run(Simulator(port=0, seed=1, flow=False).start())
    try:
        yield loop, sim
    finally:
        loop.run(sim.stop())
        loop.close()


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.load(resp)


@pytest.fixture(scope="module")
def config(sim_thread):
    from ccxt_lighter.signer import get_backend

    _, sim = sim_thread
    private_key, public_key = get_backend().generate_api_key()
    account = _post(f"{sim.rest_url}/sim/accounts", {"collateral": "10000", "api_keys": {"4": public_key}})
    return {"privateKey": private_key, "enableRateLimit": False,
            "options": {"accountIndex": account["account_index"], "apiKeyIndex": 4},
            "urls": {"api": {"rest": sim.rest_url, "ws": sim.ws_url}}}


@pytest.fixture
def ex(config):
    exchange = lighter(config)
    yield exchange
    exchange.close()


def _sim_orders(sim_thread, account: int) -> list:
    loop, sim = sim_thread

    async def state():  # read the engine on its own loop thread
        return sim.state()

    return loop.run(state())["accounts"][str(account)]["open_orders"]


def test_load_markets_and_properties(ex):
    markets = ex.load_markets()
    assert SYMBOL in markets and markets[SYMBOL]["id"] == "0"
    assert ex.markets is ex.async_exchange.markets  # the async instance's own objects
    assert SYMBOL in ex.symbols and ex.id == "lighter"
    assert ex.loadMarkets() is ex.markets  # camelCase too; cached markets come back unchanged
    assert ex.options["apiKeyIndex"] == 4


def test_order_book_both_spellings(ex):
    book = ex.fetch_order_book(SYMBOL, 5)
    camel = ex.fetchOrderBook(SYMBOL, 5)
    for result in (book, camel):
        assert result["symbol"] == SYMBOL and result["bids"] and result["asks"]
        assert result["bids"][0][0] < result["asks"][0][0]
        assert [b[0] for b in result["bids"]] == sorted((b[0] for b in result["bids"]), reverse=True)


def test_implicit_api_method_blocks(ex):
    answer = ex.publicGetOrderBooks()  # returns a coroutine without being a coroutine function
    assert {row["symbol"] for row in answer["order_books"]} >= {"ETH", "BTC"}


def test_create_and_cancel_order(ex, config, sim_thread):
    account = config["options"]["accountIndex"]
    ex.load_markets()
    bid = ex.fetch_order_book(SYMBOL, 1)["bids"][0][0]
    price = float(ex.price_to_precision(SYMBOL, bid * 0.9))
    order = ex.createOrder(SYMBOL, "limit", "buy", 0.05, price, {"postOnly": True})
    assert order["status"] == "open" and order["price"] == price
    assert order["id"] in [o["id"] for o in ex.fetch_open_orders(SYMBOL)]
    assert [o["price"] for o in _sim_orders(sim_thread, account)] == [f"{price:.2f}"]
    canceled = ex.cancel_order(order["id"], SYMBOL)
    assert canceled["status"] == "canceled" and canceled["id"] == order["id"]
    assert ex.fetch_open_orders(SYMBOL) == []
    assert _sim_orders(sim_thread, account) == []


def test_exceptions_pass_through_unchanged(ex):
    ex.load_markets()
    with pytest.raises(BadSymbol) as info:
        ex.fetch_order_book("NOPE/USDC:USDC")
    assert type(info.value) is BadSymbol and "NOPE/USDC:USDC" in str(info.value)
    with pytest.raises(InvalidOrder) as info:  # below the market's minimum amount: nothing sent
        ex.create_order(SYMBOL, "limit", "buy", 0.00001, 1000.0)
    assert type(info.value) is InvalidOrder


def test_same_exception_object():
    loop = LoopThread("test-identity")
    error = BadSymbol("raised on the loop thread")

    async def fail():
        raise error

    try:
        with pytest.raises(BadSymbol) as info:
            loop.run(fail())
        assert info.value is error
    finally:
        loop.close()


def test_streaming_is_not_exposed(ex):
    for name in ("watch_order_book", "watchOrderBook", "un_watch_trades", "create_order_ws", "createOrderWs"):
        assert not hasattr(ex, name)
    with pytest.raises(AttributeError, match="async class"):
        ex.watch_trades
    assert ex.has["watchOrderBook"] is False and ex.has.get("ws", False) is False
    assert ex.has["fetchOrderBook"] is True and ex.has["createOrder"] is True
    assert "watchOrderBook" not in dir(ex) and "fetch_order_book" in dir(ex)


def test_calls_from_several_threads(ex):
    ex.load_markets()
    results, errors = [], []

    def worker():
        try:
            results.append(ex.fetch_ticker(SYMBOL)["symbol"])
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == [SYMBOL] * 4


def test_attributes_are_forwarded(ex):
    ex.verbose = False
    ex.options["exampleFlag"] = "x"
    assert ex.async_exchange.verbose is False and ex.async_exchange.options["exampleFlag"] == "x"
    assert "privateKey" not in repr(ex) and ex.async_exchange.privateKey not in repr(ex)


def test_close_and_context_manager(config):
    with lighter(config) as ex:
        assert ex.fetch_time() > 0
        assert not ex.closed
    assert ex.closed
    ex.close()  # idempotent
    with pytest.raises(ExchangeClosedByUser):
        ex.fetch_time()


def test_bad_config_raises_and_leaves_no_thread():
    before = {t.ident for t in threading.enumerate()}
    with pytest.raises(BadRequest) as info:
        lighter({"options": {"accountTier": "bogus"}})
    assert "accountTier" in str(info.value)
    assert {t.ident for t in threading.enumerate() if t.is_alive()} <= before
