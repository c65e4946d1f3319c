"""The WS handlers on the recorded frames of examples/ws_*.json (no network): values, and ccxt's own
unified-structure validators (ccxt/test/exchange/base) on every structure they produce."""
import copy
import json
import os
from types import SimpleNamespace

import pytest
from ccxt.base.errors import ExchangeNotAvailable, InvalidNonce

from ccxt_lighter import channels as ch
from ccxt_lighter import ws_core
from ccxt_lighter.markets import parse_markets
from ccxt_lighter.pro import lighter
from tests.conftest import EXAMPLES
from tests.private_support import check as private_check

ETH = "ETH/USDC:USDC"


def load(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return json.load(f)


class Recorder:
    """A ccxt ws Client stand-in that records what handlers resolve and reject."""

    def __init__(self, waiting=()):
        self.url = "ws://recorder"
        self.futures = {h: None for h in waiting}
        self.subscriptions = {}
        self.resolved, self.rejected = {}, {}
        self.pacer = SimpleNamespace(ack=lambda key: False, oldest_inflight=lambda: None,
                                     in_flight=lambda key: False, queue=[], record=lambda *a: None)

    def resolve(self, result, message_hash):
        self.resolved[message_hash] = result
        return result

    def reject(self, error, message_hash=None):
        self.rejected[message_hash] = error


@pytest.fixture
def ex():
    exchange = lighter({"options": {"accountIndex": 1234}})
    exchange.set_markets(parse_markets(load("rest_orderBookDetails.json"), num=exchange.parse_number,
                                       code=exchange.safe_currency_code))
    exchange._lighter_state = SimpleNamespace(account_index=1234, creds=SimpleNamespace(can_sign=False))
    return exchange


def test_market_stats_frame_gives_ticker_mark_and_funding(ex, ccxt_check):
    client = Recorder(["ticker::" + ETH, "fundingRate::" + ETH, "markPrice::" + ETH])
    ex.handle_message(client, load("ws_market_stats_update.json"))
    ticker = client.resolved["ticker::" + ETH]
    # the recorded fixture's daily low/high (2311-2398) come from another day than its last (2064):
    # only the open/close-within-range check is skipped, for that reason
    ccxt_check("ticker", ex, ticker, method="watchTicker", symbol=ETH, skip={"compareOHLC": True})
    assert ticker["open"] == pytest.approx(2064.50 / (1 + 0.1685414778023213 / 100), abs=0.01)
    assert (ticker["last"], ticker["markPrice"], ticker["indexPrice"]) == (2064.50, 2064.47, 2064.48)
    assert ticker["percentage"] == pytest.approx(0.1685414778023213) and ticker["timestamp"] == 1774883844933
    assert ticker["baseVolume"] == 199958.6931 and ticker["high"] == 2398.0
    assert client.resolved["markPrice::" + ETH] is ticker
    rate = client.resolved["fundingRate::" + ETH]
    assert rate["fundingRate"] == pytest.approx(0.000001 / 100)  # the venue sends percent per hour
    assert rate["previousFundingRate"] == pytest.approx(0.000002 / 100)
    assert rate["fundingTimestamp"] == 1774879200000 and rate["interval"] == "1h"


def test_market_stats_all_frame_resolves_every_market(ex):
    frame = load("ws_market_stats_update.json")
    frame["channel"] = "market_stats:all"
    frame["market_stats"] = {"0": frame["market_stats"]}
    client = Recorder(["tickers", "ticker::" + ETH])
    ex.handle_message(client, frame)
    assert list(client.resolved["tickers"]) == [ETH]
    assert client.resolved["ticker::" + ETH]["last"] == 2064.50


def test_ticker_frame_gives_best_bid_ask(ex, ccxt_check):
    client = Recorder(["bidsasks::" + ETH])
    ex.handle_message(client, load("ws_ticker_update.json"))
    quote = client.resolved["bidsasks::" + ETH]
    assert (quote["bid"], quote["bidVolume"], quote["ask"], quote["askVolume"]) == (2064.30, 1.0392, 2064.48, 0.4950)
    ccxt_check("ticker", ex, quote, method="watchBidsAsks", symbol=ETH)
    empty = copy.deepcopy(load("ws_ticker_update.json"))
    empty["ticker"]["a"] = {"price": "0.00", "size": "0.0000"}  # how the venue shows an empty side
    ex.handle_message(client, empty)
    assert client.resolved["bidsasks::" + ETH]["ask"] is None


def test_trade_frames(ex, ccxt_check):
    client = Recorder(["trades::" + ETH])
    ex.handle_message(client, load("ws_trade_subscribed.json"))
    ex.handle_message(client, load("ws_trade_subscribed.json"))  # a snapshot again after a resubscribe
    trades = client.resolved["trades::" + ETH]
    assert len(trades) == 1  # not stored twice
    trade = trades[0]
    ccxt_check("trade", ex, trade, method="watchTrades", symbol=ETH, now=ex.milliseconds())
    assert (trade["id"], trade["price"], trade["amount"], trade["side"]) == ("16164557907", 2181.83, 0.1336, "sell")
    ex.handle_message(client, load("ws_trade_update.json"))
    assert len(client.resolved["trades::" + ETH]) == 2  # updates are appended as they come


def test_liquidation_trades_of_the_trade_channel(ex):
    frame = load("ws_trade_update.json")
    frame["liquidation_trades"], frame["trades"] = frame["trades"], []
    client = Recorder(["liquidations::" + ETH])
    ex.handle_message(client, frame)
    liquidation = client.resolved["liquidations::" + ETH][0]
    private_check("liquidation", ex, liquidation, method="watchLiquidations", symbol=ETH)
    assert liquidation["contracts"] == 0.1336 and liquidation["quoteValue"] == 291.492488
    assert "trades::" + ETH not in client.resolved


def test_candle_frames(ex, ccxt_check):
    client = Recorder(["ohlcv::ETH/USDC:USDC::1m"])
    ex.handle_message(client, load("ws_candle_subscribed.json"))
    ex.handle_message(client, load("ws_candle_update.json"))  # same bucket: replaced, not appended
    symbol, timeframe, stored = client.resolved["ohlcv::ETH/USDC:USDC::1m"]
    assert (symbol, timeframe, len(stored)) == (ETH, "1m", 1)
    assert stored[0] == [1778821440000, 2264.2, 2264.34, 2263.36, 2263.89, 13.224299999999998]
    ccxt_check("ohlcv", ex, stored[0], method="watchOHLCV", symbol=ETH, now=ex.milliseconds())


def test_account_orders_frame(ex):
    client = Recorder(["orders", "orders::" + ETH])
    ex.handle_message(client, load("ws_account_orders_update.json"))
    order = client.resolved["orders::" + ETH][0]
    private_check("order", ex, order, method="watchOrders", symbol=ETH, now=ex.milliseconds())
    assert (order["id"], order["status"], order["side"], order["filled"], order["remaining"]) == \
        ("42", "open", "sell", 0.002, 0.003)
    # an older state of the same order never overwrites a newer one
    stale = load("ws_account_orders_update.json")
    stale["orders"]["0"][0].update(updated_at=1777941383000, filled_base_amount="0.0000", status="open")
    ex.handle_message(client, stale)
    assert ex.orders.hashmap[ETH]["42"]["filled"] == 0.002
    done = load("ws_account_orders_update.json")
    done["orders"]["0"][0].update(updated_at=1777941384000, status="canceled")
    ex.handle_message(client, done)
    assert ex.orders.hashmap[ETH]["42"]["status"] == "canceled"


def test_account_trades_positions_assets_stats_frames(ex):
    client = Recorder(["myTrades", "positions", "balance::spot", "balance::swap", "myLiquidations"])
    ex.handle_message(client, load("ws_account_all_trades_update.json"))
    mine = client.resolved["myTrades"][0]
    private_check("trade", ex, mine, method="watchMyTrades", symbol=ETH, now=ex.milliseconds())
    assert (mine["side"], mine["takerOrMaker"], mine["order"]) == ("buy", "taker", "7001011966")
    assert mine["fee"]["cost"] == pytest.approx(314.324728 * 196 / 1e6)
    ex.handle_message(client, load("ws_account_all_positions_update.json"))
    position = client.resolved["positions"][0]
    private_check("position", ex, position, method="watchPositions", symbol=ETH, now=ex.milliseconds())
    assert (position["side"], position["contracts"], position["entryPrice"]) == ("long", 1.5, 2350.10)
    flat = load("ws_account_all_positions_update.json")
    flat["positions"]["0"].update(position="0.0000", sign=1)
    ex.handle_message(client, flat)
    assert [p["contracts"] for p in ex.positions] == [0.0]  # the long entry went flat, no stale size
    ex.handle_message(client, load("ws_account_all_assets_update.json"))
    spot = client.resolved["balance::spot"]
    private_check("balance", ex, spot, method="watchBalance")
    assert (spot["USDC"]["total"], spot["USDC"]["used"], spot["USDC"]["free"]) == (100.0, 1.0, 99.0)
    ex.handle_message(client, load("ws_user_stats.json"))
    swap = client.resolved["balance::swap"]
    private_check("balance", ex, swap, method="watchBalance")
    assert swap["USDC"] == {"free": 40.0, "used": 0.0, "total": 40.0}
    ex.handle_message(client, load("ws_notification.json"))
    liquidation = client.resolved["myLiquidations"][0]
    private_check("liquidation", ex, liquidation, method="watchMyLiquidations", symbol=ETH)
    assert liquidation["contracts"] == 0.5 and liquidation["quoteValue"] == 1150.25


def test_subscription_error_frame_rejects_only_that_channel(ex):
    client = Recorder()
    book = ch.order_book(0)
    client.subscriptions["order_book/0"] = {"channel": book, "hashes": {"orderbook::" + ETH}}
    client.subscriptions["trade/0"] = {"channel": ch.trade(0), "hashes": {"trades::" + ETH}}
    ex.handle_message(client, load("ws_subscribe_error.json"))
    error = client.rejected["orderbook::" + ETH]
    assert isinstance(error, ExchangeNotAvailable) and "30012" in str(error)  # errors.py: may be retried
    assert "order_book/0" not in client.subscriptions and "trade/0" in client.subscriptions


def test_tx_replies_are_matched_by_id(ex):
    sample = load("ws_sendtx.json")
    client = Recorder([ws_core.TX_PREFIX + "my-req-1"])
    ex.handle_message(client, sample["response_ok"])
    assert client.resolved[ws_core.TX_PREFIX + "my-req-1"]["tx_hash"].startswith("c5e827b9")
    ex.handle_message(client, sample["response_error"])
    error = client.rejected[ws_core.TX_PREFIX + "my-req-1"]
    assert isinstance(error, InvalidNonce) and "21104" in str(error)
    batch = load("ws_sendtxbatch.json")
    ex.handle_message(client, batch["response_error"])
    assert isinstance(client.rejected[ws_core.TX_PREFIX + "my-batch-1"], InvalidNonce)


def test_null_and_control_frames_are_harmless(ex):
    client = Recorder()
    for frame in (None, [], {"type": "connected", "session_id": "a1df"}, {"type": "shutdown", "close_in_ms": 5}):
        ex.handle_message(client, frame)
    assert client.resolved == {} and client.rejected == {}
