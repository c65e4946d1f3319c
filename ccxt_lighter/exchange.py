"""The ``lighter`` REST class: ccxt wiring (describe, sign, errors, rate limits) and public market data.

Venue facts (REFERENCE.md 1, 3, 4, 5): REST under ``<rest>/api/v1/`` except ``GET /`` and ``GET /info``;
GET parameters are query strings; private reads carry the auth token in ``Authorization``;
transactions are POSTed form-encoded (``tx_type``/``tx_info`` or ``tx_types``/``tx_infos``); errors
are ``{code, message}``; limits are 60 req/min (standard) or 24,000 weight/min (premium).

Invariants:
* ``describe()`` is pure data from :mod:`ccxt_lighter.spec`; nothing here touches a signer, so every
  public method works without one;
* ``sign()`` is synchronous and does no I/O: signing, nonces and tokens are the job of two hooks
  (below) that :class:`~ccxt_lighter.private.PrivateMixin` implements;
* auth tokens and signatures never reach logs or exception text: headers and tx bodies are wrapped
  in types whose ``repr`` is masked, and error messages go through :func:`errors.scrub`.

Hooks (contract for ``PrivateMixin``; the defaults here live in :class:`SigningHooks`):
* ``auth_header_value() -> str``: the raw auth token for ``Authorization`` (no "Bearer"), valid now.
  Synchronous. Raises AuthenticationError when no credentials are configured.
* ``tx_form_fields(path, params) -> dict``: the form fields for ``sendTx``/``sendTxBatch``; ``params``
  is whatever the caller passed to ``txPostSendTx``/``txPostSendTxBatch`` (an already-built request
  with an already-allocated nonce); the hook signs it and returns ``{'tx_type', 'tx_info', ...}``.
  Synchronous, no I/O. The default passes already-signed fields through unchanged.
"""
from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urlsplit

from ccxt.async_support.base.exchange import Exchange
from ccxt.base.decimal_to_precision import TICK_SIZE
from ccxt.base.errors import AuthenticationError, BadRequest, DDoSProtection, NullResponse
from ccxt.base.types import Entry

from . import errors, parsers, spec
from .cursor_paging import cursor_pages
from .markets import MarketRegistry, assets_by_id, market_decimals, parse_currency, parse_markets
from .parsers_paging import CANDLES_CAP, plan, select
from .private import PrivateMixin
from .public_derivatives import DerivativesDataMixin

FORM = "application/x-www-form-urlencoded"
MAX_BOOK_DEPTH = 250
MAX_TRADES_PAGE = 100


class RedactedHeaders(dict):
    """Request headers whose repr masks the auth token (ccxt logs headers verbatim)."""

    def __repr__(self):
        return repr({k: ("<redacted>" if k.lower() == "authorization" else v) for k, v in self.items()})

    __str__ = __repr__


class RedactedBody(str):
    """A form body whose repr/str masks tx_info (signatures); ``.encode()`` sends the real bytes."""

    def __repr__(self):
        return "'<signed tx form body, %d bytes>'" % len(self.encode())

    __str__ = __repr__


class SigningHooks:
    """Default hook behaviour when no PrivateMixin implementation is present (see module docstring)."""

    def auth_header_value(self) -> str:
        raise AuthenticationError(
            f"{self.id} private endpoints need credentials: privateKey (the API key's private key), "
            "options['accountIndex'] and options['apiKeyIndex']")

    def tx_form_fields(self, path: str, params: dict) -> dict:
        if "tx_info" in params or "tx_infos" in params:
            return params  # already signed elsewhere: send as is
        raise AuthenticationError(f"{self.id} {path} needs credentials to sign the transaction")


def _path_only(url: str) -> str:
    return urlsplit(url).path or "/"


class lighter(PrivateMixin, DerivativesDataMixin, SigningHooks, Exchange):
    """Lighter (zkLighter) perpetual and spot DEX."""

    registry: MarketRegistry = MarketRegistry()
    _rate_limit_tier: Optional[str] = None

    def describe(self):
        data = spec.describe_data()
        data["precisionMode"] = TICK_SIZE
        data["commonCurrencies"] = {}
        data["httpExceptions"] = {"400": BadRequest, "405": DDoSProtection}  # 405: firewall block
        data["exceptions"] = {"exact": {str(k): v for k, v in errors.EXACT.items()}, "broad": {}}
        return self.deep_extend(super().describe(), data)

    # ------------------------------------------------------------------ wiring

    def set_sandbox_mode(self, enabled):
        """Switch REST+WS URLs and chainId (304 <-> 300); URLs or chain ids the user set are kept."""
        enabled = bool(enabled)
        api = self.urls["api"]
        for key, main, test in (("rest", spec.MAINNET_REST, spec.TESTNET_REST),
                                ("ws", spec.MAINNET_WS, spec.TESTNET_WS)):
            source, target = (main, test) if enabled else (test, main)
            if api.get(key) in (None, source):
                api[key] = target
        if self.options.get("chainId") in (None, spec.MAINNET_CHAIN_ID, spec.TESTNET_CHAIN_ID):
            self.options["chainId"] = spec.TESTNET_CHAIN_ID if enabled else spec.MAINNET_CHAIN_ID
        self.isSandboxModeEnabled = enabled

    def init_rest_rate_limiter(self):
        tier = self._tier(self.options.get("accountTier"))
        self.rateLimit = tier.rate_limit_ms
        self._rate_limit_tier = tier.name
        super().init_rest_rate_limiter()

    def _tier(self, name) -> spec.Tier:
        tier = spec.TIERS.get(name or "standard")
        if tier is None:
            raise BadRequest(f"{self.id} options['accountTier'] must be one of {sorted(spec.TIERS)}, got {name!r}")
        return tier

    def _apply_rate_limit_tier(self) -> spec.Tier:
        """Follow options['accountTier'] (checked on every request, applied when it changed).

        Tokens owed to the throttler keep their wait time in ms across the switch.
        """
        tier = self._tier(self.options.get("accountTier"))
        if tier.name != self._rate_limit_tier:
            old_ms = self.rateLimit
            self.rateLimit = tier.rate_limit_ms
            self._rate_limit_tier = tier.name
            for config in (self.tokenBucket, getattr(self.throttler, "config", None)):
                if config is not None:
                    config["refillRate"] = 1 / tier.rate_limit_ms
                    config["rateLimit"] = tier.rate_limit_ms
            config = getattr(self.throttler, "config", None)
            if config is not None:
                scaled = config.get("tokens", 0) * old_ms / tier.rate_limit_ms
                config["tokens"] = min(config.get("capacity", 1), scaled)
        return tier

    def calculate_rate_limiter_cost(self, api, method, path, params, config={}):
        tier = self._apply_rate_limit_tier()
        weight = (config or {}).get("weight")
        if weight is None:  # self.request(...) called directly: look the endpoint up
            section = api[0] if isinstance(api, (list, tuple)) else api
            weight = spec.weight_of(section, method, path)
        return spec.rate_limit_cost(tier, weight)

    def sign(self, path, api="public", method="GET", params={}, headers=None, body=None):
        section = api[0] if isinstance(api, (list, tuple)) else api
        rest = self.urls["api"]["rest"].rstrip("/")
        if section == "public" and path in spec.ROOT_PATHS:
            url = rest + "/" + path
        else:
            url = rest + "/api/v1/" + path
        if section == "tx":
            form = RedactedBody(self.urlencode(self.tx_form_fields(path, params)))
            return {"url": url, "method": "POST", "body": form, "headers": {"Content-Type": FORM}}
        headers = None
        if section == "private":
            headers = RedactedHeaders(Authorization=self.auth_header_value())
        if method == "POST":
            headers = headers if headers is not None else {}
            headers["Content-Type"] = FORM
            body = self.urlencode(params)
        elif params:
            url += "?" + self.urlencode(params)
        return {"url": url, "method": method, "body": body, "headers": headers}

    def handle_errors(self, code, reason, url, method, headers, body, response, request_headers, request_body):
        failure = errors.venue_error(response)
        if failure is None:
            return None
        venue_code, message = failure
        raise errors.make_exception(venue_code, message, f"{method} {_path_only(url)}", self.id)

    def handle_http_status_code(self, code, reason, url, method, body):
        error_class = self.httpExceptions.get(str(code))
        if error_class is not None:
            detail = errors.scrub(f"{self.id} {method} {_path_only(url)} {code} {reason} {(body or '')[:200]}")
            raise error_class(detail)

    # ------------------------------------------------------------------ markets

    def set_markets(self, markets, currencies=None):
        result = super().set_markets(markets, currencies)
        if currencies:  # ccxt derives no currency for a perp base that assetDetails does not list
            missing = [m for m in self.markets.values() if m.get("base") and m["base"] not in self.currencies]
            for market in missing:
                self.currencies[market["base"]] = self._perp_only_currency(market)
            if missing:
                self.currencies_by_id = self.index_by_safe(self.currencies, "id")
                self.codes = sorted(self.currencies)
        self.registry = MarketRegistry(m for m in self.markets.values() if str(m.get("id", "")).isdigit())
        return result

    def _perp_only_currency(self, market: dict) -> dict:
        """A perp's base that assetDetails does not list (e.g. BTC): a code to trade, not an asset
        that can be deposited, withdrawn or held on Lighter."""
        return {"info": {}, "id": market["baseId"], "numericId": None, "code": market["base"],
                "precision": market["precision"]["amount"], "type": "crypto", "name": market["base"],
                "active": market.get("active"), "deposit": False, "withdraw": False, "fee": None,
                "fees": {}, "networks": {},
                "limits": {"deposit": {"min": None, "max": None}, "withdraw": {"min": None, "max": None}}}

    def market_index(self, symbol: str) -> int:
        """Lighter's integer market_index of a unified symbol (markets must be loaded)."""
        return self.registry.index(self.market(symbol)["symbol"])

    def market_decimals(self, symbol_or_market) -> tuple:
        """(size_decimals, price_decimals) of a market or unified symbol."""
        market = symbol_or_market if isinstance(symbol_or_market, dict) else self.market(symbol_or_market)
        return market_decimals(market)

    async def fetch_markets(self, params={}):
        response = await self.publicGetOrderBookDetails(params)
        cached = self.safe_dict(self.options, "cachedCurrencies") or self.currencies
        return parse_markets(response, num=self.number, code=self.safe_currency_code,
                             assets=assets_by_id(cached))

    async def fetch_currencies(self, params={}):
        response = await self.publicGetAssetDetails(params)
        result = {}
        for asset in response.get("asset_details") or []:
            currency = parse_currency(asset, num=self.number, code=self.safe_currency_code)
            result[currency["code"]] = self.safe_currency_structure(currency)
        return result

    async def fetch_status(self, params={}):
        response = await self.publicGet(params)
        return {"status": parsers.status(response), "updated": None, "eta": None, "url": None, "info": response}

    async def fetch_time(self, params={}):
        response = await self.publicGet(params)
        return parsers.ms(response.get("timestamp"))

    # ------------------------------------------------------------------ market data

    async def _details(self, market=None, params={}) -> list:
        """orderBookDetails rows (perps then spot), for one market when given."""
        request = {} if market is None else {"market_id": market["id"]}
        response = await self.publicGetOrderBookDetails(self.extend(request, params))
        rows = list(response.get("order_book_details") or []) + list(response.get("spot_order_book_details") or [])
        if market is not None:
            rows = [row for row in rows if str(row.get("market_id")) == market["id"]]
            if not rows:
                raise NullResponse(f"{self.id} orderBookDetails returned no entry for {market['symbol']}")
        return rows

    def _known(self, rows: list):
        """(row, market) for rows whose market is loaded (new listings appear before a reload)."""
        for row in rows:
            market = self.markets_by_id.get(str(row.get("market_id")))
            if market:
                yield row, market[0]

    def parse_ticker(self, ticker, market=None):
        market = market or self.safe_market(str(ticker.get("market_id")))
        price_decimals = market_decimals(market)[1] if market.get("info") else None
        fields = parsers.ticker_fields(ticker, price_decimals)
        return self.safe_ticker(dict(fields, symbol=market["symbol"], timestamp=None, datetime=None,
                                     bid=None, bidVolume=None, ask=None, askVolume=None, vwap=None,
                                     previousClose=None, average=None, info=ticker), market)

    async def fetch_ticker(self, symbol, params={}):
        await self.load_markets()
        market = self.market(symbol)
        rows = await self._details(market, params)
        return self.parse_ticker(rows[0], market)

    async def fetch_tickers(self, symbols=None, params={}):
        await self.load_markets()
        symbols = self.market_symbols(symbols)
        result = {m["symbol"]: self.parse_ticker(row, m) for row, m in self._known(await self._details(None, params))}
        return self.filter_by_array_tickers(result, "symbol", symbols)

    async def fetch_last_prices(self, symbols=None, params={}):
        await self.load_markets()
        symbols = self.market_symbols(symbols)
        result = {}
        for row, market in self._known(await self._details(None, params)):
            result[market["symbol"]] = {"symbol": market["symbol"], "timestamp": None, "datetime": None,
                                        "price": self.parse_number(parsers.text(row.get("last_trade_price"))),
                                        "side": None, "info": row}
        return self.filter_by_array(result, "symbol", symbols)

    async def fetch_order_book(self, symbol, limit=None, params={}):
        """Aggregated levels from orderBookOrders. The venue's ``limit`` (1..250) counts single
        orders per side, so a side can have fewer levels than ``limit`` when orders share a price."""
        await self.load_markets()
        market = self.market(symbol)
        depth = MAX_BOOK_DEPTH if limit is None else int(limit)
        if depth < 1:
            raise BadRequest(f"{self.id} fetchOrderBook() limit must be >= 1")
        depth = min(depth, MAX_BOOK_DEPTH)
        response = await self.publicGetOrderBookOrders(self.extend({"market_id": market["id"], "limit": depth}, params))
        num = self.number
        return {"symbol": market["symbol"],
                "bids": parsers.book_side(response.get("bids") or [], True, num)[:depth],
                "asks": parsers.book_side(response.get("asks") or [], False, num)[:depth],
                "timestamp": None, "datetime": None, "nonce": None}

    def parse_trade(self, trade, market=None):
        market = market or self.safe_market(str(trade.get("market_id")))
        fields = parsers.trade_fields(trade)
        fields.update(info=trade, symbol=market["symbol"], type=None,
                      datetime=self.iso8601(fields["timestamp"]))
        return self.safe_trade(fields, market)

    async def fetch_trades(self, symbol, since=None, limit=None, params={}):
        """recentTrades (newest <= 100) without ``since``; else ``trades`` by timestamp, following
        ``next_cursor`` back in time until ``since`` (at most options['fetchTradesMaxPages'] pages)."""
        await self.load_markets()
        market = self.market(symbol)
        if since is None and (limit or MAX_TRADES_PAGE) <= MAX_TRADES_PAGE and "cursor" not in params:
            request = {"market_id": market["id"], "limit": limit or MAX_TRADES_PAGE}
            rows = (await self.publicGetRecentTrades(self.extend(request, params))).get("trades") or []
        else:
            rows = await self._trade_pages(market, since, limit, params)
        trades = self.sort_by([self.parse_trade(row, market) for row in rows], "timestamp")
        return self.filter_by_since_limit(trades, since, limit, "timestamp", since is None)

    async def _trade_pages(self, market, since, limit, params) -> list:
        request = {"market_id": market["id"], "sort_by": "timestamp", "sort_dir": "desc",
                   "limit": MAX_TRADES_PAGE}
        request.update(params)
        rows: list = []
        async for page in cursor_pages(self.publicGetTrades, request, "trades",
                                       self.options.get("fetchTradesMaxPages") or 1):
            rows.extend(page)
            oldest = min((t.get("timestamp", 0) for t in page), default=None)
            if (since is None and limit is not None and len(rows) >= limit) or \
                    (since is not None and oldest is not None and oldest < since):
                break
        return rows

    async def fetch_ohlcv(self, symbol, timeframe="1m", since=None, limit=None, params={}):
        """Candles that open at or after ``since`` (or the last ``limit`` up to params['until'] / now),
        paged in windows of at most 500. ``params['price'] = 'mark'`` reads markPriceCandles."""
        await self.load_markets()
        market = self.market(symbol)
        resolution = self.timeframes.get(timeframe)
        if resolution is None:
            raise BadRequest(f"{self.id} fetchOHLCV() timeframe {timeframe} is not one of {list(self.timeframes)}")
        mark = self.safe_string(params, "price") == "mark"
        until = self.safe_integer(params, "until")
        params = self.omit(params, ["price", "until"])
        limit = int(limit or self.options.get("fetchOHLCVDefaultLimit") or CANDLES_CAP)
        step = self.parse_timeframe(timeframe) * 1000
        endpoint = self.publicGetMarkPriceCandles if mark else self.publicGetCandles
        rows = []
        for window in plan(since, until, limit, step, self.milliseconds(), CANDLES_CAP):
            request = {"market_id": market["id"], "resolution": resolution, "start_timestamp": window.start,
                       "end_timestamp": window.end, "count_back": window.count}
            response = await endpoint(self.extend(request, params))
            rows.extend(parsers.ohlcv_row(c, self.parse_number, mark) for c in parsers.candles_of(response))
        return select(rows, since, limit)


def _install_implicit_api(cls, api: dict) -> None:
    """ccxt-style implicit methods from the API table: ``publicGetOrderBookDetails(params)`` etc."""
    for section, methods in api.items():
        for http_method, paths in methods.items():
            for path, config in paths.items():
                parts = [p for p in re.split(r"[^A-Za-z0-9]", path) if p]
                camel = section + http_method.capitalize() + "".join(p[0].upper() + p[1:] for p in parts)
                snake = "_".join([section, http_method] + [p.lower() for p in parts])
                entry = Entry(path, [section], http_method.upper(), config)
                setattr(cls, camel, entry)
                setattr(cls, snake, entry)


_install_implicit_api(lighter, spec.API)
