"""Replay the vcrpy cassettes of every public method offline (``record_mode='none'``: a request that
is not in the cassette fails the test, nothing reaches the network).

The exchange uses its default mainnet URLs; cassettes were recorded by ``tools/record_cassettes.py``
(see ``cassettes/README.md`` for where their payloads come from). Checks are structural (ccxt's
validators, request counts), so they hold for a ``--target mainnet`` re-recording too; every recorded
interaction must be played, so a method that stops sending a recorded request fails here.
"""
from __future__ import annotations

import os

import pytest

from tools.cassettes import BTC, ETH, SCENARIOS, SINCE_CANDLES, SINCE_FUNDING, SINCE_TRADES, cassette_path, make_vcr

BOOK_SKIP = {"timestamp": True, "datetime": True}  # orderBookOrders carries no timestamp


def _each(ccxt_check, ex, kind, entries, method, **kw):
    for entry in entries:
        ccxt_check(kind, ex, entry, method=method, **kw)


def check_status(ex, r, c):
    assert r["status"] in ("ok", "error")
    c("status", ex, r)


def check_time(ex, r, c):
    assert isinstance(r, int) and r > 1_600_000_000_000


def check_markets(ex, r, c):
    assert ETH in r and BTC in r
    _each(c, ex, "market", r.values(), "fetchMarkets")


def check_currencies(ex, r, c):
    assert "USDC" in r
    ex.currencies, ex.currencies_by_id = r, ex.index_by(r, "id")  # the validator looks codes up here
    _each(c, ex, "currency", r.values(), "fetchCurrencies", skip={"deposit": True, "withdraw": True})


def check_ticker(ex, r, c):
    assert r["symbol"] == ETH
    c("ticker", ex, r, symbol=ETH)


def check_tickers(ex, r, c):
    assert ETH in r
    for symbol, ticker in r.items():
        c("ticker", ex, ticker, method="fetchTickers", symbol=symbol)


def check_last_prices(ex, r, c):
    assert ETH in r
    for symbol, entry in r.items():
        c("last_price", ex, entry, symbol=symbol)


def check_order_book(ex, r, c):
    assert len(r["bids"]) <= 10 and len(r["asks"]) <= 10
    c("order_book", ex, r, symbol=ETH, skip=BOOK_SKIP)


def check_trades(ex, r, c):
    assert 0 < len(r) <= 20
    _each(c, ex, "trade", r, "fetchTrades", symbol=ETH)


def check_trades_since(ex, r, c):
    assert 0 < len(r) <= 5 and all(t["timestamp"] >= SINCE_TRADES for t in r)
    _each(c, ex, "trade", r, "fetchTrades", symbol=ETH)


def _candles(ex, r, c, limit, method, **kw):
    assert 0 < len(r) <= limit and r[0][0] >= SINCE_CANDLES
    assert [row[0] for row in r] == sorted({row[0] for row in r})
    _each(c, ex, "ohlcv", r, method, symbol=ETH, **kw)


def check_ohlcv(ex, r, c):
    _candles(ex, r, c, 24, "fetchOHLCV")


def check_ohlcv_paged(ex, r, c):
    _candles(ex, r, c, 600, "fetchOHLCV")
    assert len(r) > 500  # more than one page came back


def check_mark_ohlcv(ex, r, c):
    _candles(ex, r, c, 8, "fetchMarkOHLCV", skip={"allowNull": [5]})  # mark candles: no volume
    assert all(row[5] is None for row in r)


def check_funding_rates(ex, r, c):
    assert ETH in r and all(v["interval"] == "1h" and v["fundingRate"] is not None for v in r.values())


def check_funding_rate(ex, r, c):
    assert r["symbol"] == ETH and r["interval"] == "1h"


def check_funding_history(ex, r, c):
    assert 750 < len(r) <= 760 and r[0]["timestamp"] >= SINCE_FUNDING
    _each(c, ex, "funding_rate_history", r[:50], "fetchFundingRateHistory", symbol=ETH)


def check_funding_intervals(ex, r, c):
    assert r and all(v["interval"] == "1h" for v in r.values())


def check_open_interests(ex, r, c):
    assert ETH in r
    _each(c, ex, "open_interest", r.values(), "fetchOpenInterests")


def check_open_interest(ex, r, c):
    assert r["symbol"] == BTC
    c("open_interest", ex, r)


TIER_SKIP = {"maxNotional": True}  # one margin tier per market, no notional cap


def check_leverage_tiers(ex, r, c):
    assert ETH in r
    for tiers in r.values():
        _each(c, ex, "leverage_tier", tiers, "fetchLeverageTiers", skip=TIER_SKIP)


def check_market_leverage_tiers(ex, r, c):
    assert len(r) == 1 and r[0]["symbol"] == ETH
    _each(c, ex, "leverage_tier", r, "fetchMarketLeverageTiers", skip=TIER_SKIP)


def check_trading_fees(ex, r, c):
    assert ETH in r
    for symbol, fee in r.items():
        c("trading_fee", ex, fee, symbol=symbol)


CHECKS = {
    "test_fetch_status": check_status, "test_fetch_time": check_time, "test_fetch_markets": check_markets,
    "test_fetch_currencies": check_currencies, "test_fetch_ticker": check_ticker,
    "test_fetch_tickers": check_tickers, "test_fetch_last_prices": check_last_prices,
    "test_fetch_order_book": check_order_book, "test_fetch_trades": check_trades,
    "test_fetch_trades_since": check_trades_since, "test_fetch_ohlcv": check_ohlcv,
    "test_fetch_ohlcv_paged": check_ohlcv_paged, "test_fetch_mark_ohlcv": check_mark_ohlcv,
    "test_fetch_funding_rates": check_funding_rates, "test_fetch_funding_rate": check_funding_rate,
    "test_fetch_funding_rate_history": check_funding_history,
    "test_fetch_funding_intervals": check_funding_intervals,
    "test_fetch_open_interests": check_open_interests, "test_fetch_open_interest": check_open_interest,
    "test_fetch_leverage_tiers": check_leverage_tiers,
    "test_fetch_market_leverage_tiers": check_market_leverage_tiers,
    "test_fetch_trading_fees": check_trading_fees,
}


def test_every_scenario_has_a_check_and_a_cassette():
    assert set(CHECKS) == set(SCENARIOS)
    missing = [name for name in SCENARIOS if not os.path.exists(cassette_path(name))]
    assert not missing, f"record them: python -m tools.record_cassettes --only {' '.join(missing)}"


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_replay(name, make_lighter, ccxt_check):
    ex = make_lighter()  # default mainnet URLs: only the cassette can answer
    assert ex.urls["api"]["rest"].startswith("https://mainnet.")
    with make_vcr("none").use_cassette(cassette_path(name), allow_playback_repeats=False) as cassette:
        result = await SCENARIOS[name](ex)
        assert cassette.all_played, f"{name}: recorded requests were not sent again"
    CHECKS[name](ex, result, ccxt_check)


def test_cassettes_hold_no_secrets():
    import yaml

    for name in SCENARIOS:
        with open(cassette_path(name)) as f:
            data = yaml.safe_load(f)
        for interaction in data["interactions"]:
            request = interaction["request"]
            assert "127.0.0.1" not in request["uri"] and request["uri"].startswith("https://mainnet.")
            for key, value in (request.get("headers") or {}).items():
                if key.lower() == "authorization":
                    assert value in ("<redacted>", ["<redacted>"])
            assert "auth=" not in request["uri"] or "auth=%3Credacted%3E" in request["uri"]
            assert "X-Cassette-Source" in interaction["response"]["headers"]


async def test_recording_scrubs_auth_and_signatures(tmp_path, venue, make_lighter):
    """Record private-style requests through the real hooks into a scratch cassette, then read it."""
    import yaml

    token = "1795253784:123456:4:" + "ab" * 80
    signature = "c2lnbmF0dXJlLXNlY3JldA=="
    venue.routes["/api/v1/accountActiveOrders"] = {"code": 200, "orders": []}
    venue.routes["/api/v1/sendTx"] = {"code": 200, "tx_hash": "00" * 40}
    ex = make_lighter(urls={"api": {"rest": venue.url}})
    ex.auth_header_value = lambda: token  # the PrivateMixin hooks, as pure functions here
    ex.tx_form_fields = lambda path, params: {"tx_type": 14, "tx_info": '{"Nonce":3,"Sig":"%s"}' % signature}
    path = str(tmp_path / "scrub.yaml")
    with make_vcr("all", "local", rewrite_base="https://mainnet.zklighter.elliot.ai").use_cassette(path):
        await ex.privateGetAccountActiveOrders({"account_index": 7, "auth": token})
        await ex.txPostSendTx({"tx": "prepared request", "nonce": 3})
    text = open(path).read()
    assert token not in text and "abab" not in text and signature not in text
    seen_auth, seen_form = venue.requests[0].headers.get("Authorization"), venue.requests[1].form
    assert seen_auth == token and signature in seen_form["tx_info"]  # the real requests were intact
    requests = [i["request"] for i in yaml.safe_load(text)["interactions"]]
    assert requests[0]["headers"]["Authorization"] == ["<redacted>"]
    assert "auth=%3Credacted%3E" in requests[0]["uri"] and "account_index=7" in requests[0]["uri"]
    assert '"Sig":"<redacted>"' in requests[1]["body"].replace("%22", '"').replace("%3A", ":") or \
        "%3Credacted%3E" in requests[1]["body"]
    assert all(r["uri"].startswith("https://mainnet.zklighter.elliot.ai/api/v1/") for r in requests)
