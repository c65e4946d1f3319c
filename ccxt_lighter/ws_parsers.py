"""Lighter WebSocket payloads -> ccxt unified structures.

Venue facts (REFERENCE.md 6.4, examples/ws_*.json): trades, orders, positions and assets on the WS
are the same objects as in REST (so the REST parsers of the exchange class are reused for them);
``market_stats`` carries mark/index/last prices and funding (decimal strings) plus daily volumes and
the daily change in percent (JSON numbers); ``ticker`` is the best bid/offer ``{s, a:{price,size},
b:{price,size}}`` where an empty side is a zero level; candles are ``{t,o,h,l,c,v,V,i}`` with ``v``
the base volume; account maps are keyed by market (or asset) id and some sources send lists instead.

Invariant: every function is pure (no exchange state is read beyond market metadata and the
exchange's own REST parsers), and never turns a zero placeholder level into a price.
"""
from __future__ import annotations

from typing import Any, Iterator, List, Optional, Tuple

from ccxt.base.precise import Precise


def market_items(value: Any) -> Iterator[Tuple[Optional[str], Any]]:
    """``{"0": [..], "1": {..}}`` -> ("0", ..), ("1", ..); a bare list yields (None, item) per item."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), item
    elif isinstance(value, list):
        for item in value:
            yield None, item


def flat_items(value: Any) -> Iterator[Tuple[Optional[str], dict]]:
    """Like :func:`market_items` but flattening per-market lists: yields (market_id, object)."""
    for key, item in market_items(value):
        if isinstance(item, list):
            for element in item:
                if isinstance(element, dict):
                    yield key, element
        elif isinstance(item, dict):
            yield key, item


def ticker_from_stats(ex, stats: dict, market: dict, timestamp: Optional[int]) -> dict:
    """``market_stats`` / ``spot_market_stats`` object -> ticker (no bid/ask on this channel).

    The object has the fields of an orderBookDetails row, so the REST ``parse_ticker`` reads it
    (open derived from the percent change, volumes, mark/index); the frame adds the time.

    {"symbol": "ETH", "market_id": 0, "index_price": "2064.48", "mark_price": "2064.47",
     "last_trade_price": "2064.50", "daily_base_token_volume": 199958.6931,
     "daily_quote_token_volume": 471193598.847246, "daily_price_low": 2311.81,
     "daily_price_high": 2398.0, "daily_price_change": 0.1685414778023213}
    """
    ticker = ex.parse_ticker(stats, market)
    ticker["timestamp"] = timestamp
    ticker["datetime"] = ex.iso8601(timestamp)
    return ticker


def _level(ex, level: Any) -> Tuple[Optional[str], Optional[str]]:
    """(price, size) of a ticker side; the venue shows an empty side as a zero level."""
    price = ex.safe_string(level, "price")
    size = ex.safe_string(level, "size")
    if price is None or ex.parse_number(price) == 0:
        return None, None
    return price, size


def bidask_from_ticker(ex, payload: dict, market: dict, timestamp: Optional[int]) -> dict:
    """``ticker`` channel object -> a ticker with only bid/ask filled.

    {"s": "ETH", "a": {"price": "2064.48", "size": "0.4950"}, "b": {"price": "2064.30", "size": "1.0392"},
     "last_updated_at": 1774883844921166}
    """
    ask, ask_size = _level(ex, payload.get("a"))
    bid, bid_size = _level(ex, payload.get("b"))
    return ex.safe_ticker({
        "symbol": market["symbol"], "timestamp": timestamp, "datetime": ex.iso8601(timestamp),
        "bid": bid, "bidVolume": bid_size, "ask": ask, "askVolume": ask_size, "info": payload,
    }, market)


def funding_rate_from_stats(ex, stats: dict, market: dict, timestamp: Optional[int]) -> dict:
    """``market_stats`` -> funding-rate structure (hourly funding on Lighter perps).

    {"current_funding_rate": "0.000001", "funding_rate": "0.000002", "funding_timestamp": 1774879200000,
     "mark_price": "2064.47", "index_price": "2064.48"}
    Both rates are hourly PERCENTS like the ``fundings`` endpoint (0.0012 = 0.0012 % per hour) and
    become fractions here, as in the REST fetchFundingRates: ``current_funding_rate`` is the running
    estimate for the next settlement at ``funding_timestamp``, ``funding_rate`` the last settled one.
    """
    funding_ts = ex.safe_integer(stats, "funding_timestamp")
    return {
        "info": stats,
        "symbol": market["symbol"],
        "markPrice": ex.safe_number(stats, "mark_price"),
        "indexPrice": ex.safe_number(stats, "index_price"),
        "interestRate": None,
        "estimatedSettlePrice": None,
        "timestamp": timestamp,
        "datetime": ex.iso8601(timestamp),
        "fundingRate": _percent_to_fraction(ex, stats.get("current_funding_rate")),
        "fundingTimestamp": funding_ts,
        "fundingDatetime": ex.iso8601(funding_ts),
        "nextFundingRate": None,
        "nextFundingTimestamp": None,
        "nextFundingDatetime": None,
        "previousFundingRate": _percent_to_fraction(ex, stats.get("funding_rate")),
        "previousFundingTimestamp": None,
        "previousFundingDatetime": None,
        "interval": "1h",
    }


def _percent_to_fraction(ex, value: Any):
    text = ex.safe_string({"v": value}, "v")
    return None if text is None else ex.parse_number(Precise.string_div(text, "100", 12))


def liquidation_from_trade(ex, trade: dict, market: dict) -> dict:
    """A ``liquidation_trades`` entry of the trade channel -> liquidation structure.

    The liquidated account is the taker; ``is_maker_ask`` true means the taker bought, i.e. a short
    position was closed (side 'buy'), else a long one was sold.
    """
    contracts = ex.safe_string(trade, "size")
    price = ex.safe_string(trade, "price")
    timestamp = ex.safe_integer(trade, "timestamp")
    contract_size = ex.safe_string(market, "contractSize", "1")
    base = Precise.string_mul(contracts, contract_size) if contracts is not None else None
    quote = ex.safe_string(trade, "usd_amount")
    if quote is None and base is not None and price is not None:
        quote = Precise.string_mul(base, price)
    return ex.safe_liquidation({
        "info": trade,
        "symbol": market["symbol"],
        "contracts": contracts,
        "contractSize": contract_size,
        "price": price,
        "side": "buy" if trade.get("is_maker_ask") else "sell",
        "baseValue": base,
        "quoteValue": quote,
        "timestamp": timestamp,
        "datetime": ex.iso8601(timestamp),
    })


def liquidation_from_notification(ex, notif: dict, market: dict) -> dict:
    """``notification`` entry of kind 'liquidation' -> liquidation structure of our own account.

    {"id": "liq:17:5898", "kind": "liquidation", "content": {"market_index": 0, "size": "0.5000",
     "price": "2000.00", "usdc_amount": "1150.25", "is_ask": true, "timestamp": 1774883844933}}
    """
    content = notif.get("content") if isinstance(notif.get("content"), dict) else {}
    contracts = ex.safe_string(content, "size")
    price = ex.safe_string_2(content, "avg_price", "price")
    timestamp = ex.safe_integer(content, "timestamp")
    contract_size = ex.safe_string(market, "contractSize", "1")
    quote = ex.safe_string(content, "usdc_amount")
    if quote is None and contracts is not None and price is not None:
        quote = Precise.string_mul(contracts, price)
    is_ask = content.get("is_ask")
    return ex.safe_liquidation({
        "info": notif,
        "symbol": market["symbol"],
        "contracts": contracts,
        "contractSize": contract_size,
        "price": price,
        "side": None if is_ask is None else ("sell" if is_ask else "buy"),
        "baseValue": contracts,
        "quoteValue": quote,
        "timestamp": timestamp,
        "datetime": ex.iso8601(timestamp),
    })


def trades_newest_last(items: List[dict]) -> List[dict]:
    """The venue lists trades newest first; caches want them oldest first."""
    if len(items) > 1 and (items[0].get("timestamp") or 0) > (items[-1].get("timestamp") or 0):
        return list(reversed(items))
    return items
