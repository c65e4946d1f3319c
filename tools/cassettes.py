"""vcrpy cassettes for the public REST methods: scenarios, the scrubbing hooks and the VCR config.

Cassettes live at ``cassettes/<test module>/<scenario>.yaml`` and are replayed offline by
``tests/test_public_cassettes.py`` with ``record_mode='none'``. They are (re)written by
``tools/record_cassettes.py``:

* ``--target local`` (what is committed): the real class makes real HTTP requests to
  :class:`tools.venue_stub.VenueStub` on 127.0.0.1, which serves the recorded Lighter payloads; the
  recorded URLs are rewritten to ``https://mainnet.zklighter.elliot.ai`` so the cassettes have the
  shape of a mainnet recording, and every response carries ``X-Cassette-Source`` saying where it
  came from;
* ``--target mainnet``: the same scenarios against the real API (needs network).

Requests are matched on method + path + query. Before anything is written, ``Authorization``
headers and ``auth`` query parameters are replaced by ``<redacted>``, and ``Sig``/``L1Sig`` inside
``tx_info``/``tx_infos`` form fields are blanked.
"""
from __future__ import annotations

import json
import os
from typing import Awaitable, Callable, Dict, Optional
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import vcr

from ccxt_lighter.spec import MAINNET_REST

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASSETTE_DIR = os.path.join(ROOT, "cassettes")
MODULE = "test_public_cassettes"
REDACTED = "<redacted>"
KEEP_REQUEST_HEADERS = ("content-type", "authorization")
DROP_RESPONSE_HEADERS = ("date", "server", "content-length", "set-cookie")
SOURCES = {
    "local": "venue-stub: recorded Lighter payloads (shared/lighter-api/examples, peer/ccxt-static) served "
             "over HTTP on 127.0.0.1; request URLs rewritten to the mainnet host",
    "mainnet": "mainnet: " + MAINNET_REST,
}

ETH, BTC, SPOT = "ETH/USDC:USDC", "BTC/USDC:USDC", "ETH/USDC"
SINCE_TRADES = 1777940000000 + 120_000  # two cursor pages back in the recorded history
SINCE_CANDLES = 1777939200000  # 2026-05-05T00:00Z
SINCE_FUNDING = 1778702400000

Scenario = Callable[[object], Awaitable[object]]


async def _loaded(ex, call):
    await ex.load_markets()
    return await call


SCENARIOS: Dict[str, Scenario] = {
    "test_fetch_status": lambda ex: ex.fetch_status(),
    "test_fetch_time": lambda ex: ex.fetch_time(),
    "test_fetch_markets": lambda ex: ex.load_markets(),
    "test_fetch_currencies": lambda ex: ex.fetch_currencies(),
    "test_fetch_ticker": lambda ex: ex.fetch_ticker(ETH),
    "test_fetch_tickers": lambda ex: ex.fetch_tickers(),
    "test_fetch_last_prices": lambda ex: ex.fetch_last_prices(),
    "test_fetch_order_book": lambda ex: ex.fetch_order_book(ETH, 10),
    "test_fetch_trades": lambda ex: ex.fetch_trades(ETH, limit=20),
    "test_fetch_trades_since": lambda ex: ex.fetch_trades(ETH, since=SINCE_TRADES, limit=5),
    "test_fetch_ohlcv": lambda ex: ex.fetch_ohlcv(ETH, "1h", SINCE_CANDLES, 24),
    "test_fetch_ohlcv_paged": lambda ex: ex.fetch_ohlcv(BTC, "1m", SINCE_CANDLES, 600),
    "test_fetch_mark_ohlcv": lambda ex: ex.fetch_mark_ohlcv(ETH, "15m", SINCE_CANDLES, 8),
    "test_fetch_funding_rates": lambda ex: ex.fetch_funding_rates(),
    "test_fetch_funding_rate": lambda ex: ex.fetch_funding_rate(ETH),
    "test_fetch_funding_rate_history": lambda ex: ex.fetch_funding_rate_history(ETH, SINCE_FUNDING, 760),
    "test_fetch_funding_intervals": lambda ex: ex.fetch_funding_intervals(),
    "test_fetch_open_interests": lambda ex: ex.fetch_open_interests(),
    "test_fetch_open_interest": lambda ex: ex.fetch_open_interest(BTC),
    "test_fetch_leverage_tiers": lambda ex: ex.fetch_leverage_tiers(),
    "test_fetch_market_leverage_tiers": lambda ex: ex.fetch_market_leverage_tiers(ETH),
    "test_fetch_trading_fees": lambda ex: ex.fetch_trading_fees(),
}


def cassette_path(name: str) -> str:
    return os.path.join(CASSETTE_DIR, MODULE, name + ".yaml")


def _scrub_tx_info(text: str) -> str:
    try:
        info = json.loads(text)
    except ValueError:
        return text
    if isinstance(info, list):
        return json.dumps([_scrub_tx_info(item) if isinstance(item, str) else item for item in info])
    if isinstance(info, dict):
        for key in ("Sig", "L1Sig"):
            if key in info:
                info[key] = REDACTED
        return json.dumps(info, separators=(",", ":"))
    return text


def scrub_body(body) -> Optional[bytes]:
    """Form bodies with tx_info / tx_infos lose their signatures; other bodies pass unchanged."""
    if not body:
        return body
    raw = body.decode() if isinstance(body, bytes) else str(body)
    fields = parse_qsl(raw, keep_blank_values=True)
    if not any(key in ("tx_info", "tx_infos", "auth") for key, _ in fields):
        return body
    cleaned = [(k, REDACTED if k == "auth" else _scrub_tx_info(v) if k in ("tx_info", "tx_infos") else v)
               for k, v in fields]
    return urlencode(cleaned).encode()


def make_request_scrubber(rewrite_base: Optional[str] = None):
    """before_record_request hook: secrets out, optional scheme+host rewrite (local recordings)."""
    target = urlsplit(rewrite_base) if rewrite_base else None

    def scrub(request):
        parts = urlsplit(request.uri)
        query = urlencode([(k, REDACTED if k == "auth" else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)])
        scheme, netloc = (target.scheme, target.netloc) if target else (parts.scheme, parts.netloc)
        request.uri = urlunsplit((scheme, netloc, parts.path, query, ""))
        headers = {k: v for k, v in request.headers.items() if k.lower() in KEEP_REQUEST_HEADERS}
        for key in list(headers):
            if key.lower() == "authorization":
                headers[key] = REDACTED
        request.headers = headers
        request.body = scrub_body(request.body)
        return request

    return scrub


def make_response_scrubber(source: str):
    def scrub(response):
        headers = {k: v for k, v in (response.get("headers") or {}).items() if k.lower() not in DROP_RESPONSE_HEADERS}
        headers["X-Cassette-Source"] = [source]
        response["headers"] = headers
        return response

    return scrub


def make_vcr(record_mode: str = "none", target: str = "local", rewrite_base: Optional[str] = None) -> vcr.VCR:
    return vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "path", "query"],
        before_record_request=make_request_scrubber(rewrite_base),
        before_record_response=make_response_scrubber(SOURCES[target]),
        decode_compressed_response=True,
    )
