"""Pure functions: Lighter public payloads -> the fields of ccxt's unified structures.

Venue facts (REFERENCE.md 2.2, 3.2, 6.4):
* market stats in ``orderBookDetails`` are JSON floats; ``daily_price_change`` is a PERCENT
  (-0.52 means -0.52 %), not an absolute change;
* ``orderBookOrders`` lists single resting orders (``price``, ``remaining_base_amount`` strings with
  the market's decimals), not price levels;
* a trade's ``is_maker_ask`` says the resting order was the ask, so the aggressor bought;
  ``timestamp`` is in ms, fees are ppm of the quote amount;
* candles: ``{t, o, h, l, c, v, V, i}``, zero values omitted; older payloads used
  ``{timestamp, open, high, low, close, volume0, volume1}``;
* ``fundings``: ``rate`` is a percent magnitude per hour and ``direction`` the side that pays
  (``value`` = mark price * rate / 100: 0.02707872 = 2256.56 * 0.0012 %), ``timestamp`` in seconds;
* ``funding-rates``: ``rate`` is a fraction normalised to 8 hours for comparison with other venues
  (9.599999999999999e-05 is exactly float(0.0012 * 8 / 100)); Lighter itself settles every hour.

Invariant: these functions never do I/O and never use float arithmetic on money: values stay venue
strings (or Decimals) until the exchange class turns them into ccxt numbers.
"""
from __future__ import annotations

from decimal import Decimal
from typing import List, Optional

from .scaling import strip
from .values import dec, ms, text  # also read as parsers.ms / parsers.text by the exchange class

# Trimmed venue samples, one per parser below (tests/test_public_parsers.py parses each of them).
SAMPLE_DETAIL = {"market_id": 0, "last_trade_price": 2361.31, "daily_price_change": -0.5215684126709949,
                 "daily_price_high": 2398, "daily_price_low": 2313.36, "daily_base_token_volume": 195399.1521,
                 "daily_quote_token_volume": 460664167.955905, "open_interest": 27350.8981,
                 "min_initial_margin_fraction": 200, "maintenance_margin_fraction": 120}
SAMPLE_BOOK_ORDER = {"order_index": 281476929689581, "price": "2361.32", "remaining_base_amount": "0.0317"}
SAMPLE_TRADE = {"trade_id": 19211490282, "trade_id_str": "19211490282", "market_id": 0, "size": "0.0005",
                "price": "2361.31", "usd_amount": "1.180655", "ask_id": 281476929689557,
                "bid_id": 562947905454831, "ask_account_id": 719347, "bid_account_id": 281474976639642,
                "is_maker_ask": False, "timestamp": 1777945103092, "maker_fee": 28}
SAMPLE_CANDLE = {"t": 1700000000000, "o": 2361.11, "h": 2362.22, "l": 2360.0, "c": 2361.31, "v": 1.2345,
                 "V": 2914.872195, "i": 19211490282}
SAMPLE_FUNDING = {"timestamp": 1778702400, "value": "0.02707872", "rate": "0.0012", "direction": "long"}
SAMPLE_FUNDING_RATE = {"market_id": 0, "exchange": "lighter", "symbol": "ETH", "rate": 9.599999999999999e-05}

HUNDRED = Decimal(100)
FUNDING_RATES_WINDOW_HOURS = Decimal(8)
HOUR_MS = 3_600_000
OPEN_EXTRA_DECIMALS = 6


def status(payload: dict) -> str:
    """GET / -> 'ok' | 'error'. The venue has answered status 200 and 1 for a healthy service."""
    return "ok" if str(payload.get("status")) in ("200", "1") else "error"


def ticker_fields(detail: dict, price_decimals: Optional[int]) -> dict:
    """Ticker values from one orderBookDetails entry (or a market_stats frame).

    open = last / (1 + pct/100) and change = last - open, derived from the venue's percent. The open
    is not snapped to a price tick: the recorded ETH detail reports -0.5215684 % while the nearest
    tick open gives -12.38 / 2373.69 = -0.5215508 %, so the venue's reference price is not a tick
    price. It is kept to a millionth of a tick (``price_decimals + 6`` places), which reproduces the
    venue's percent to ~1e-10.
    """
    last, pct = dec(detail.get("last_trade_price")), dec(detail.get("daily_price_change"))
    open_ = change = None
    if last is not None and pct is not None and pct > -HUNDRED:
        open_ = last / (1 + pct / HUNDRED)
        if price_decimals is not None:
            open_ = open_.quantize(Decimal(1).scaleb(-(price_decimals + OPEN_EXTRA_DECIMALS)))
        change = last - open_
    return {
        "last": text(last), "close": text(last), "open": text(open_), "change": text(change),
        "percentage": text(pct),
        "high": text(detail.get("daily_price_high")), "low": text(detail.get("daily_price_low")),
        "baseVolume": text(detail.get("daily_base_token_volume")),
        "quoteVolume": text(detail.get("daily_quote_token_volume")),
        "markPrice": text(detail.get("mark_price")), "indexPrice": text(detail.get("index_price")),
    }


def book_side(orders: List[dict], descending: bool, num) -> list:
    """Aggregate single orders into [price, size] levels, best first.

    Orders are grouped by the venue's price text (one market formats every price with its
    ``price_decimals``, so equal text is equal price); sizes of a level are summed exactly
    (Decimal), and only when a second order shares the price.
    """
    levels: dict = {}
    for order in orders:
        price = order["price"]
        seen = levels.get(price)
        size = order["remaining_base_amount"]
        levels[price] = size if seen is None else Decimal(seen) + Decimal(size)
    if num is float:  # ccxt's default number type: skip the generic path
        rows = sorted(((float(price), size) for price, size in levels.items()), reverse=descending)
        return [[price, float(size)] for price, size in rows]
    rows = sorted(((float(price), price, size) for price, size in levels.items()), reverse=descending)
    return [[num(text), num(size if size.__class__ is str else format(size, "f"))] for _, text, size in rows]


def trade_fields(trade: dict, account_index=None) -> dict:
    """Trade values; with ``account_index`` the side/order/fee are that account's view.

    Public view: ``side`` is the aggressor's (is_maker_ask -> the taker bought), no order id.
    Account view: the account's order id and side; maker if its order rested; fee in quote (USDC)
    from the ppm ``maker_fee``/``taker_fee`` (omitted fields mean 0).
    """
    maker_is_ask = bool(trade.get("is_maker_ask"))
    side, order, role, fee = ("buy" if maker_is_ask else "sell"), None, None, None
    if account_index is not None:
        account = str(account_index)
        is_ask = str(trade.get("ask_account_id")) == account
        side = "sell" if is_ask else "buy"
        order = str(trade.get("ask_id_str") or trade.get("ask_id")) if is_ask \
            else str(trade.get("bid_id_str") or trade.get("bid_id"))
        role = "maker" if is_ask == maker_is_ask else "taker"
        ppm = dec(trade.get(f"{role}_fee")) or Decimal(0)
        quote = dec(trade.get("usd_amount")) or Decimal(0)
        fee = {"cost": strip(quote * ppm / 1_000_000), "currency": "USDC", "rate": strip(ppm / 1_000_000)}
    trade_id = trade.get("trade_id_str") or trade.get("trade_id")
    return {
        "id": None if trade_id is None else str(trade_id), "order": order, "side": side,
        "takerOrMaker": role, "price": text(trade.get("price")), "amount": text(trade.get("size")),
        "cost": text(trade.get("usd_amount")), "timestamp": ms(trade.get("timestamp")), "fee": fee,
    }


def ohlcv_row(candle: dict, num, mark: bool = False) -> list:
    """[t, o, h, l, c, v] from a candle; omitted volume is 0, mark candles have no volume."""
    if "t" in candle:
        stamp, keys, volume = candle["t"], ("o", "h", "l", "c"), candle.get("v", 0)
    else:
        stamp, keys = candle.get("timestamp"), ("open", "high", "low", "close")
        volume = candle.get("volume0", 0)
    row = [int(stamp)]
    for key in keys:
        value = candle.get(key)
        row.append(None if value is None else num(text(value)))
    row.append(None if mark else num(text(volume)))
    return row


def candles_of(response: dict) -> list:
    """The candle list of a candles / markPriceCandles response (current and older shapes)."""
    rows = response.get("c")
    if rows is None:
        rows = response.get("candlesticks")
    return rows or []


def funding_history_rate(row: dict) -> Optional[str]:
    """Signed fraction: percent magnitude / 100, positive when longs pay (direction 'long')."""
    rate = dec(row.get("rate"))
    if rate is None:
        return None
    rate = rate / HUNDRED
    if str(row.get("direction", "long")).lower() == "short":
        rate = -rate
    return strip(rate)


def hourly_from_8h(rate) -> Optional[str]:
    """funding-rates' 8-hour fraction -> the hourly fraction Lighter charges.

    Quantised to 1e-12: the venue computes the 8 h figure in float64, whose noise sits far below
    the 1e-8 resolution of its hourly percent rates.
    """
    d = dec(rate)
    if d is None:
        return None
    return strip((d / FUNDING_RATES_WINDOW_HOURS).quantize(Decimal("1e-12")))


def next_hour(now_ms: int) -> int:
    """Lighter settles funding on every full hour (fundings timestamps are whole hours)."""
    return (now_ms // HOUR_MS + 1) * HOUR_MS


def open_interest_fields(detail: dict) -> dict:
    """Open interest in base units; its value at the mark price (last trade price if no mark)."""
    amount = dec(detail.get("open_interest"))
    price = dec(detail.get("mark_price")) or dec(detail.get("last_trade_price"))
    value = None if amount is None or price is None else amount * price
    return {"openInterestAmount": None if amount is None else strip(amount),
            "openInterestValue": None if value is None else strip(value)}


def leverage_tier_fields(detail: dict) -> Optional[dict]:
    """Lighter has one margin tier per market: max leverage 10000/min IMF, maintenance MMF/10000."""
    imf, mmf = dec(detail.get("min_initial_margin_fraction")), dec(detail.get("maintenance_margin_fraction"))
    if not imf:
        return None
    return {"tier": "1", "minNotional": "0", "maxNotional": None,
            "maintenanceMarginRate": None if mmf is None else strip(mmf / 10000),
            "maxLeverage": strip(Decimal(10000) / imf)}
