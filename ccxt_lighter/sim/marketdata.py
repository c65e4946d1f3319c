"""Derived market data: trade tape, candles, 24 h statistics, funding history.

Venue facts (REFERENCE.md 3.2; examples/rest_candles.json, rest_fundings.json,
ws_market_stats_update.json): candle resolutions 1m 5m 15m 30m 1h 4h 12h 1d 1w, candle fields
``t o h l c v V i`` (t in ms, prices/volumes JSON numbers, ``i`` = last trade id); daily stats are
rolling 24 h numbers (``daily_price_change`` in percent); funding history entries carry
``timestamp`` (seconds), ``value``, ``rate``, ``direction``.

Invariant: everything here is appended from committed trades/marks only and bounded in size.
"""
from __future__ import annotations

from collections import deque
from decimal import Decimal
from typing import Deque, Dict, List, Optional, Tuple

from .markets import MarketSpec

RESOLUTIONS_MS = {
    "1m": 60_000, "5m": 300_000, "15m": 900_000, "30m": 1_800_000, "1h": 3_600_000,
    "4h": 14_400_000, "12h": 43_200_000, "1d": 86_400_000, "1w": 604_800_000,
}
DAY_MS = 86_400_000
TAPE_LIMIT = 5000
CANDLE_LIMIT = 1000


def _num(ticks: int, decimals: int):
    """A JSON number for stats/candle fields (the venue sends floats there; ints stay ints)."""
    d = Decimal(ticks).scaleb(-decimals)
    return float(d)


class MarketData:
    def __init__(self, markets: Dict[int, MarketSpec]) -> None:
        self.markets = markets
        self.tape: Dict[int, Deque[Dict]] = {mid: deque(maxlen=TAPE_LIMIT) for mid in markets}
        self.account_trades: Dict[int, Deque[Dict]] = {}
        # candles[mid][res] = {t: [o, h, l, c, base_ticks, quote_micro, last_trade_id]} (ints)
        self.candles: Dict[int, Dict[str, Dict[int, list]]] = {m: {r: {} for r in RESOLUTIONS_MS} for m in markets}
        self.mark_candles: Dict[int, Dict[str, Dict[int, list]]] = {m: {r: {} for r in RESOLUTIONS_MS} for m in markets}
        self.daily: Dict[int, Deque[Tuple[int, int, int]]] = {mid: deque() for mid in markets}  # (ts, price, size)
        self.last_price: Dict[int, int] = {mid: m.initial_price for mid, m in markets.items()}
        self.trade_counts: Dict[int, int] = {mid: 0 for mid in markets}
        self.fundings: Dict[int, List[Dict]] = {mid: [] for mid in markets}
        self.funding_rate: Dict[int, str] = {mid: "0.000000" for mid in markets}
        self.last_funding_ms: Dict[int, int] = {mid: 0 for mid in markets}

    # -- trades -------------------------------------------------------------------------------
    def record_trade(self, trade: Dict, price: int, size: int, now_ms: int) -> List[Tuple[str, Dict]]:
        """Store a trade; returns [(resolution, candle_json)] of the candles it changed."""
        mid = trade["market_id"]
        self.tape[mid].append(trade)
        for acct in {trade["ask_account_id"], trade["bid_account_id"]}:
            self.account_trades.setdefault(acct, deque(maxlen=TAPE_LIMIT)).append(trade)
        self.last_price[mid] = price
        self.trade_counts[mid] += 1
        self.daily[mid].append((now_ms, price, size))
        changed = []
        for res, span in RESOLUTIONS_MS.items():
            t = now_ms - now_ms % span
            book = self.candles[mid][res]
            c = book.get(t)
            if c is None:
                c = book[t] = [price, price, price, price, 0, 0, 0]
                self._trim(book)
            c[1], c[2], c[3] = max(c[1], price), min(c[2], price), price
            c[4] += size
            c[5] += size * price
            c[6] = trade["trade_id"]
            changed.append((res, self.candle_json(mid, t, c)))
        return changed

    def record_mark(self, mid: int, mark: int, now_ms: int) -> None:
        for res, span in RESOLUTIONS_MS.items():
            t = now_ms - now_ms % span
            book = self.mark_candles[mid][res]
            c = book.get(t)
            if c is None:
                c = book[t] = [mark, mark, mark, mark]
                self._trim(book)
            c[1], c[2], c[3] = max(c[1], mark), min(c[2], mark), mark

    @staticmethod
    def _trim(book: Dict[int, list]) -> None:
        while len(book) > CANDLE_LIMIT:
            del book[min(book)]

    def candle_json(self, mid: int, t: int, c: list) -> Dict:
        m = self.markets[mid]
        pd, sd = m.price_decimals, m.size_decimals
        return {"t": t, "o": _num(c[0], pd), "h": _num(c[1], pd), "l": _num(c[2], pd), "c": _num(c[3], pd),
                "v": _num(c[4], sd), "V": _num(c[5], 6), "i": c[6]}

    def candle_list(self, mid: int, res: str, start: int, end: int, count: int) -> List[Dict]:
        """Candles with start <= t <= end, the last ``count`` of them (0 = all, as ccxt sends)."""
        book = self.candles[mid][res]
        keys = sorted(t for t in book if start <= t <= end)
        keys = keys[-count:] if count else keys
        return [self.candle_json(mid, t, book[t]) for t in keys]

    def mark_candle_list(self, mid: int, res: str, start: int, end: int, count: int) -> List[Dict]:
        m = self.markets[mid]
        book = self.mark_candles[mid][res]
        keys = sorted(t for t in book if start <= t <= end)
        keys = keys[-count:] if count else keys
        pd = m.price_decimals
        return [{"t": t, "o": _num(book[t][0], pd), "h": _num(book[t][1], pd), "l": _num(book[t][2], pd),
                 "c": _num(book[t][3], pd)} for t in keys]

    def recent(self, mid: int, limit: int) -> List[Dict]:
        tape = self.tape[mid]
        return [tape[i] for i in range(len(tape) - 1, max(-1, len(tape) - 1 - limit), -1)]

    def of_account(self, account_index: int) -> List[Dict]:
        return list(reversed(self.account_trades.get(account_index, ())))

    # -- 24 h stats ---------------------------------------------------------------------------
    def daily_stats(self, mid: int, now_ms: int) -> Dict:
        window = self.daily[mid]
        while window and window[0][0] < now_ms - DAY_MS:
            window.popleft()
        m = self.markets[mid]
        last = self.last_price[mid]
        if not window:
            return {"trades": 0, "base": 0.0, "quote": 0.0, "low": _num(last, m.price_decimals),
                    "high": _num(last, m.price_decimals), "change": 0.0, "last": _num(last, m.price_decimals)}
        prices = [p for _, p, _ in window]
        first = prices[0]
        change = float((Decimal(last - first) * 100 / Decimal(first)).quantize(Decimal("1e-12"))) if first else 0.0
        return {
            "trades": len(window),
            "base": _num(sum(s for _, _, s in window), m.size_decimals),
            "quote": _num(sum(s * p for _, p, s in window), 6),
            "low": _num(min(prices), m.price_decimals),
            "high": _num(max(prices), m.price_decimals),
            "change": change,
            "last": _num(last, m.price_decimals),
        }

    def latest_candle(self, mid: int, res: str) -> Optional[Dict]:
        book = self.candles[mid][res]
        if not book:
            return None
        t = max(book)
        return self.candle_json(mid, t, book[t])
