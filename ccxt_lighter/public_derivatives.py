"""Public contract data of perpetual markets: funding (current, history, interval), open interest,
leverage tiers and the public fee schedule. Mixed into :class:`ccxt_lighter.exchange.lighter`.

Venue facts (REFERENCE.md 2.2, 3.2): Lighter charges funding every hour on the hour; ``funding-rates``
lists current rates of several venues (keep ``exchange == 'lighter'``; its ``rate`` is an 8-hour
fraction), ``fundings`` is the hourly history (percent magnitude + paying side, <= 750 per call);
``orderBookDetails`` carries open interest (base units), mark/index prices and margin fractions
(1/10000: one margin tier per market); market fees are percent strings.

Invariant: every method is "resolve market, request, parse" over the helpers of the exchange class
(``_details``, ``_known``) and the pure parsers; only perpetual markets are accepted
(BadSymbol otherwise, before anything is sent).
"""
from __future__ import annotations

from ccxt.base.errors import BadResponse, BadSymbol

from . import parsers
from .markets import percent_fraction
from .parsers_paging import FUNDINGS_CAP, plan, select


class DerivativesDataMixin:
    """fetchFundingRate(s)/History/Interval(s), fetchOpenInterest(s), fetch(Market)LeverageTiers,
    fetchTradingFees."""

    async def fetch_funding_rates(self, symbols=None, params={}):
        """Current hourly rates from funding-rates (exchange 'lighter'; its 8 h figure / 8), with
        mark/index prices from orderBookDetails and the next full hour as funding time."""
        await self.load_markets()
        symbols = self.market_symbols(symbols)
        response = await self.publicGetFundingRates(params)
        details = {str(r.get("market_id")): r for r in await self._details()}
        next_time = parsers.next_hour(self.milliseconds())
        result = {}
        for row in response.get("funding_rates") or []:
            market = self.markets_by_id.get(str(row.get("market_id")))
            if row.get("exchange") != "lighter" or not market or not market[0]["swap"]:
                continue
            market = market[0]
            detail = details.get(market["id"], {})
            result[market["symbol"]] = self._funding_rate(row, detail, market, next_time)
        return self.filter_by_array(result, "symbol", symbols)

    def _funding_rate(self, row, detail, market, next_time):
        return {"info": row, "symbol": market["symbol"],
                "markPrice": self.parse_number(parsers.text(detail.get("mark_price"))),
                "indexPrice": self.parse_number(parsers.text(detail.get("index_price"))),
                "interestRate": None, "estimatedSettlePrice": None, "timestamp": None, "datetime": None,
                "fundingRate": self.parse_number(parsers.hourly_from_8h(row.get("rate"))),
                "fundingTimestamp": next_time, "fundingDatetime": self.iso8601(next_time),
                "nextFundingRate": None, "nextFundingTimestamp": None, "nextFundingDatetime": None,
                "previousFundingRate": None, "previousFundingTimestamp": None,
                "previousFundingDatetime": None, "interval": "1h"}

    async def fetch_funding_intervals(self, symbols=None, params={}):
        """Lighter settles funding every hour for every perp (no request needed)."""
        await self.load_markets()
        symbols = self.market_symbols(symbols)
        result = {}
        for market in self.markets.values():
            if market["swap"]:
                result[market["symbol"]] = {"info": {}, "symbol": market["symbol"], "interval": "1h"}
        return self.filter_by_array(result, "symbol", symbols)

    async def fetch_funding_rate_history(self, symbol=None, since=None, limit=None, params={}):
        """Hourly funding from ``fundings`` (paged by 750), signed: positive when longs pay."""
        if symbol is None:
            raise BadSymbol(f"{self.id} fetchFundingRateHistory() requires a symbol")
        await self.load_markets()
        market = self.market(symbol)
        until = self.safe_integer(params, "until")
        params = self.omit(params, ["until"])
        limit = int(limit or self.options.get("fundingRateHistoryDefaultLimit") or 100)
        rows = []
        for window in plan(since, until, limit, parsers.HOUR_MS, self.milliseconds(), FUNDINGS_CAP):
            request = {"market_id": market["id"], "resolution": "1h", "start_timestamp": window.start,
                       "end_timestamp": window.end, "count_back": window.count}
            response = await self.publicGetFundings(self.extend(request, params))
            rows.extend(self._funding_entry(f, market) for f in response.get("fundings") or [])
        return select(rows, since, limit, key=lambda entry: entry["timestamp"])

    def _funding_entry(self, row, market):
        stamp = parsers.ms(row.get("timestamp"))
        return {"info": row, "symbol": market["symbol"], "timestamp": stamp, "datetime": self.iso8601(stamp),
                "fundingRate": self.parse_number(parsers.funding_history_rate(row))}

    async def fetch_open_interests(self, symbols=None, params={}):
        await self.load_markets()
        symbols = self.market_symbols(symbols)
        result = {}
        for row, market in self._known(await self._details(None, params)):
            if market["swap"]:
                result[market["symbol"]] = self._open_interest(row, market)
        return self.filter_by_array(result, "symbol", symbols)

    async def fetch_open_interest(self, symbol, params={}):
        row, market = await self._perp_detail(symbol, "fetchOpenInterest", params)
        return self._open_interest(row, market)

    async def _perp_detail(self, symbol, method, params):
        """The orderBookDetails row of a perpetual ``symbol`` and its market; BadSymbol for spot."""
        await self.load_markets()
        market = self.market(symbol)
        if not market["swap"]:
            raise BadSymbol(f"{self.id} {method}() supports perpetual markets only")
        return (await self._details(market, params))[0], market

    def _open_interest(self, row, market):
        fields = parsers.open_interest_fields(row)
        return self.safe_open_interest({
            "symbol": market["symbol"], "timestamp": None, "datetime": None,
            "openInterestAmount": self.parse_number(fields["openInterestAmount"]),
            "openInterestValue": self.parse_number(fields["openInterestValue"]),
            "baseVolume": None, "quoteVolume": None, "info": row}, market)

    async def fetch_leverage_tiers(self, symbols=None, params={}):
        await self.load_markets()
        symbols = self.market_symbols(symbols)
        result = {}
        for row, market in self._known(await self._details(None, params)):
            if market["swap"]:
                result[market["symbol"]] = self._leverage_tiers(row, market)
        return {s: tiers for s, tiers in result.items() if symbols is None or s in symbols}

    async def fetch_market_leverage_tiers(self, symbol, params={}):
        row, market = await self._perp_detail(symbol, "fetchMarketLeverageTiers", params)
        return self._leverage_tiers(row, market)

    def _leverage_tiers(self, row, market):
        fields = parsers.leverage_tier_fields(row)
        if fields is None:
            raise BadResponse(f"{self.id} {market['symbol']} has no min_initial_margin_fraction")
        tier = {k: (v if v is None else self.parse_number(v)) for k, v in fields.items()}
        tier.update(symbol=market["symbol"], currency=market["settle"], info=row)
        return [tier]

    async def fetch_trading_fees(self, params={}):
        """What this account pays when credentials are configured (its tier's fees, accountLimits);
        otherwise the markets' public fee schedule (percent strings -> fractions)."""
        if self.lighter_credentials().can_sign or self.options.get("authToken"):
            return await self.fetch_account_trading_fees(params)
        await self.load_markets()
        result = {}
        for row, market in self._known(await self._details(None, params)):
            result[market["symbol"]] = {
                "info": row, "symbol": market["symbol"], "percentage": True, "tierBased": True,
                "maker": self.parse_number(parsers.text(percent_fraction(row.get("maker_fee")))),
                "taker": self.parse_number(parsers.text(percent_fraction(row.get("taker_fee"))))}
        return result
