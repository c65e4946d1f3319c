"""pytest fixtures for the exchange layer.

* ``venue``: a running :class:`tools.venue_stub.VenueStub` (real aiohttp server on 127.0.0.1:0)
  serving recorded Lighter payloads and recording every request.
* ``make_lighter``: factory ``make_lighter(**config) -> lighter`` (our class, rate limiting off unless
  asked); every instance is closed at teardown.
* ``public_lighter``: ``make_lighter`` pointed at ``venue``.
* ``ccxt_check``: adapter over ccxt's own unified-structure validators
  (``ccxt/test/exchange/base/test_*.py``): ``ccxt_check('ticker', ex, entry, symbol=..., skip={...})``.
"""
from __future__ import annotations

import pytest

from ccxt_lighter.exchange import lighter
from tools.venue_stub import VenueStub


@pytest.fixture
async def venue():
    async with VenueStub() as stub:
        yield stub


@pytest.fixture
async def make_lighter():
    created = []

    def factory(**config):
        config.setdefault("enableRateLimit", False)
        exchange = lighter(config)
        exchange.timeout_on_exit = 0  # ccxt waits 250 ms on close for TLS shutdown; local HTTP needs none
        created.append(exchange)
        return exchange

    yield factory
    for exchange in created:
        await exchange.close()


@pytest.fixture
def public_lighter(venue, make_lighter):
    return make_lighter(urls={"api": {"rest": venue.url}})


def _validators():
    from ccxt.test.exchange import base

    # (validator, how its positional arguments after (exchange, skipped, method) are ordered)
    return {
        "market": (base.test_market, lambda e, kw: (e,)),
        "currency": (base.test_currency, lambda e, kw: (e,)),
        "ticker": (base.test_ticker, lambda e, kw: (e, kw.get("symbol"))),
        "order_book": (base.test_order_book, lambda e, kw: (e, kw.get("symbol"))),
        "trade": (base.test_trade, lambda e, kw: (e, kw.get("symbol"), kw.get("now"), kw.get("public", True))),
        "ohlcv": (base.test_ohlcv, lambda e, kw: (e, kw.get("symbol"), kw.get("now"))),
        "status": (base.test_status, lambda e, kw: (e, kw.get("now"))),
        "funding_rate_history": (base.test_funding_rate_history, lambda e, kw: (e, kw.get("symbol"))),
        "open_interest": (base.test_open_interest, lambda e, kw: (e,)),
        "leverage_tier": (base.test_leverage_tier, lambda e, kw: (e,)),
        "trading_fee": (base.test_trading_fee, lambda e, kw: (kw.get("symbol"), e)),
        "last_price": (base.test_last_price, lambda e, kw: (e, kw.get("symbol"))),
    }


@pytest.fixture(scope="session")
def ccxt_check():
    """``check(kind, exchange, entry, method=None, skip=None, **kw)``: raises AssertionError on a
    structure ccxt would reject. ``skip`` entries must say why in the calling test."""
    validators = _validators()

    def check(kind, exchange, entry, method=None, skip=None, **kw):
        fn, args = validators[kind]
        fn(exchange, dict(skip or {}), method or kind, *args(entry, kw))

    return check
