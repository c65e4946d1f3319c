"""Lighter markets and assets -> ccxt markets and currencies; the symbol <-> market_index registry.

Venue facts (REFERENCE.md 2.1, 2.2, 3.2 orderBookDetails / assetDetails):
* a market is an integer ``market_id``: perps 0..254, spot 2048..4094 (255 is the "nil" market);
* ``orderBookDetails`` lists perps in ``order_book_details`` (symbol = base, e.g. ``"ETH"``, settled
  in USDC) and spot in ``spot_order_book_details`` (symbol ``"ETH/USDC"``, asset ids for base/quote);
* ``size_decimals``/``price_decimals`` define the integer ticks of the wire format; minimums are
  ``min_base_amount`` / ``min_quote_amount``; ``order_quote_limit`` caps one order's quote value;
* fees are percent strings (``"0.0280"`` = 0.028 %); margin fractions are 1/10000
  (``min_initial_margin_fraction`` 200 -> 50x max leverage, maintenance 120 -> 1.2 %).
* ``assetDetails``: asset_id, symbol, decimals, min_transfer_amount, min_withdrawal_amount, margin_mode.

Invariant: every number is derived with exact Decimal math from the venue's strings (JSON floats go
through their shortest repr) and only then converted with the caller's ``num`` (ccxt's number type);
``market['id']`` is ``str(market_id)``, ``market['info']`` is the venue's detail dict unchanged.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from ccxt.base.errors import BadSymbol

from .orders import MAX_BASE_AMOUNT, MAX_PERP_MARKET_INDEX, MAX_SPOT_MARKET_INDEX, MAX_UINT32, \
    MIN_SPOT_MARKET_INDEX
from .scaling import decimals_to_step, step_str, strip
from .values import dec as _dec  # None for missing/empty: '' is how the venue says "no limit"

SETTLE = "USDC"
MARGIN_FRACTION_TICK = Decimal(10000)
HUNDRED = Decimal(100)

Num = Callable[[str], object]


def market_type_of(index: int) -> str:
    """'swap' for perps (0..254), 'spot' for 2048..4094; BadSymbol for anything else (incl. 255)."""
    if 0 <= index <= MAX_PERP_MARKET_INDEX:
        return "swap"
    if MIN_SPOT_MARKET_INDEX <= index <= MAX_SPOT_MARKET_INDEX:
        return "spot"
    raise BadSymbol(f"lighter market index {index} is neither a perp (0..254) nor spot (2048..4094)")


_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")


def plain(value) -> Optional[str]:
    """Exact canonical text of a venue decimal ('0.0050' -> '0.005', '10.000000' -> '10').

    Plain decimal strings are trimmed as text (no rounding can happen: only trailing zeros after
    the point go); anything else goes through Decimal. None/'' (no value / no limit) -> None.
    """
    if value is None or value == "":
        return None
    if value.__class__ is str:
        return _plain_text(value)
    d = _dec(value)
    return None if d is None else strip(d)


@lru_cache(maxsize=4096)  # markets repeat the same minimums and caps
def _plain_text(value: str) -> Optional[str]:
    if _PLAIN.match(value):
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        return "0" if value in ("-0", "") else value
    d = _dec(value)
    return None if d is None else strip(d)


def percent_fraction(value) -> Optional[Decimal]:
    """'0.0280' (percent) -> Decimal('0.00028')."""
    d = _dec(value)
    return None if d is None else d / HUNDRED


@lru_cache(maxsize=256)
def _fee_text(value) -> Optional[str]:
    fraction = percent_fraction(value)
    return None if fraction is None else strip(fraction)


def max_leverage(min_imf) -> Optional[Decimal]:
    """10000 / min_initial_margin_fraction (200 -> 50)."""
    d = _dec(min_imf)
    return None if not d else MARGIN_FRACTION_TICK / d


@lru_cache(maxsize=256)
def _leverage_text(min_imf) -> Optional[str]:
    lev = max_leverage(min_imf)
    return None if lev is None else strip(lev)


@lru_cache(maxsize=64)
def _tick_texts(size_dec: int, price_dec: int) -> Tuple[str, str, str, str]:
    """(amount step, price step, max amount, max price): the wire ranges in the market's ticks."""
    size_step, price_step = decimals_to_step(size_dec), decimals_to_step(price_dec)
    return (step_str(size_dec), step_str(price_dec), strip(size_step * MAX_BASE_AMOUNT),
            strip(price_step * MAX_UINT32))


def market_decimals(market: dict) -> Tuple[int, int]:
    """(size_decimals, price_decimals) of a ccxt market built here (or a raw venue detail)."""
    info = market.get("info", market)
    size = info.get("size_decimals", info.get("supported_size_decimals"))
    price = info.get("price_decimals", info.get("supported_price_decimals"))
    if size is None or price is None:
        raise BadSymbol(f"lighter market {market.get('symbol', info.get('symbol'))} has no decimals")
    return int(size), int(price)


def _created(value) -> Optional[int]:
    """created_at is a string in the models: digits (s or ms); anything else is ignored."""
    text = str(value) if value is not None else ""
    if not text.isdigit() or int(text) == 0:
        return None
    stamp = int(text)
    return stamp if stamp > 10**11 else stamp * 1000


def _spot_names(detail: dict, assets: Dict[int, str]) -> Tuple[Optional[str], Optional[str]]:
    symbol = str(detail.get("symbol") or "")
    if "/" in symbol:
        base, quote = symbol.split("/", 1)
        return base, quote
    return assets.get(detail.get("base_asset_id")), assets.get(detail.get("quote_asset_id"))


def _currency_id(name: str, ids: Dict[str, str]) -> str:
    """The asset id (as ccxt currency id) of a symbol name when assetDetails knows it, else the name.

    ccxt requires market baseId/quoteId to equal the currency ids; perps have no base asset of their
    own (base_asset_id 0), so a perp base that is also a listed asset gets that asset's id.
    """
    return ids.get(name, name)


def _limits(detail: dict, ticks: tuple, num: Num, leverage: Optional[str]) -> dict:
    return {
        "leverage": {"min": None if leverage is None else num("1"), "max": None if leverage is None else num(leverage)},
        # wire ranges: BaseAmount < 2**48 ticks, Price a uint32 of ticks
        "amount": {"min": _num(num, plain(detail.get("min_base_amount"))), "max": num(ticks[2])},
        "price": {"min": num(ticks[1]), "max": num(ticks[3])},
        "cost": {"min": _num(num, plain(detail.get("min_quote_amount"))),
                 "max": _num(num, plain(detail.get("order_quote_limit")))},
    }


def _num(num: Num, text: Optional[str]):
    return None if text is None else num(text)


def parse_market(detail: dict, market_type: str, *, num: Num = float, code: Callable = str,
                 assets: Optional[Dict[int, str]] = None, ids: Optional[Dict[str, str]] = None) -> Optional[dict]:
    """One venue detail -> a ccxt market; None when base/quote cannot be resolved.

    ``assets``: asset_id -> code (from assetDetails); ``ids``: its inverse (derived when omitted).
    """
    index = int(detail["market_id"])
    swap = market_type == "swap"
    assets = assets or {}
    if ids is None:
        ids = {name: str(asset_id) for asset_id, name in assets.items()}
    if swap:
        base_name, quote_name = str(detail.get("symbol") or ""), SETTLE
    else:
        base_name, quote_name = _spot_names(detail, assets)
    if not base_name or not quote_name:
        return None
    base, quote = code(base_name), code(quote_name)
    base_id, quote_id = _currency_id(base_name, ids), _currency_id(quote_name, ids)
    settle = code(SETTLE) if swap else None
    size_dec, price_dec = market_decimals(detail)
    ticks = _tick_texts(size_dec, price_dec)
    leverage = _leverage_text(detail.get("min_initial_margin_fraction")) if swap else None
    return {
        "id": str(index), "numericId": index,
        "symbol": f"{base}/{quote}:{settle}" if swap else f"{base}/{quote}",
        "base": base, "quote": quote, "settle": settle,
        "baseId": base_id, "quoteId": quote_id, "settleId": quote_id if swap else None,
        "type": market_type, "spot": not swap, "margin": False, "swap": swap, "future": False,
        "option": False, "index": None, "active": detail.get("status") == "active",
        "contract": swap, "linear": True if swap else None, "inverse": False if swap else None,
        "subType": "linear" if swap else None,
        "taker": _num(num, _fee_text(detail.get("taker_fee"))),
        "maker": _num(num, _fee_text(detail.get("maker_fee"))),
        # sizes are in base units on the wire and in trades (size * price = usd_amount)
        "contractSize": num("1") if swap else None,
        "expiry": None, "expiryDatetime": None, "strike": None, "optionType": None,
        "precision": {"amount": num(ticks[0]), "price": num(ticks[1])},
        "limits": _limits(detail, ticks, num, leverage),
        "marginModes": {"cross": True, "isolated": True} if swap else {"cross": False, "isolated": False},
        "created": _created(detail.get("created_at")),
        "info": detail,
    }


def parse_markets(response: dict, *, num: Num = float, code: Callable = str,
                  assets: Optional[Dict[int, str]] = None) -> List[dict]:
    """orderBookDetails (or orderBooks) response -> ccxt markets, perps first, then spot.

    Entries whose market_id is outside both index ranges (binary options, the nil market) and spot
    entries whose assets are unknown are skipped.
    """
    result = []
    codes: Dict[str, str] = {}

    def cached_code(name: str) -> str:  # ccxt's safe_currency_code is costly and pure per load
        found = codes.get(name)
        if found is None:
            found = codes[name] = code(name)
        return found

    ids = {name: str(asset_id) for asset_id, name in (assets or {}).items()}
    rows = list(response.get("order_book_details") or []) + list(response.get("order_books") or [])
    rows += list(response.get("spot_order_book_details") or [])
    for detail in rows:
        index = detail.get("market_id")
        if index is None or detail.get("market_type") not in (None, "perp", "spot"):
            continue
        try:
            market_type = market_type_of(int(index))
        except BadSymbol:
            continue
        market = parse_market(detail, market_type, num=num, code=cached_code, assets=assets, ids=ids)
        if market is not None:
            result.append(market)
    return result


def assets_by_id(currencies: Optional[dict]) -> Dict[int, str]:
    """asset_id -> currency code from ccxt currencies built by :func:`parse_currency`."""
    out: Dict[int, str] = {}
    for currency in (currencies or {}).values():
        numeric = currency.get("numericId")
        if numeric is not None:
            out[int(numeric)] = currency["code"]
    return out


def parse_currency(asset: dict, *, num: Num = float, code: Callable = str) -> dict:
    """assetDetails entry -> ccxt currency.

    ``margin`` (non-standard) says whether the asset counts as collateral (margin_mode 'enabled');
    ``limits.transfer`` (non-standard) is the L2 transfer minimum. assetDetails has no per-asset
    deposit/withdraw switch, so ``deposit``/``withdraw`` stay None rather than guessed.
    """
    asset_id = int(asset["asset_id"])
    symbol = code(str(asset.get("symbol")))
    decimals = asset.get("decimals")
    return {
        "id": str(asset_id), "numericId": asset_id, "code": symbol, "name": str(asset.get("symbol")),
        "type": "crypto", "active": None, "deposit": None, "withdraw": None, "fee": None, "fees": {},
        "networks": {},
        "precision": None if decimals is None else num(step_str(int(decimals))),
        "margin": {"enabled": True, "disabled": False, "priced_only": False}.get(asset.get("margin_mode")),
        "limits": {
            "deposit": {"min": None, "max": None},
            "withdraw": {"min": _num(num, plain(asset.get("min_withdrawal_amount"))), "max": None},
            "transfer": {"min": _num(num, plain(asset.get("min_transfer_amount"))), "max": None},
        },
        "info": asset,
    }


class MarketRegistry:
    """symbol <-> market_index, with each market's (size_decimals, price_decimals)."""

    __slots__ = ("_by_symbol", "_by_index")

    def __init__(self, markets: Iterable[dict] = ()):
        self._by_symbol: Dict[str, int] = {}
        self._by_index: Dict[int, dict] = {}
        for market in markets:
            index = int(market["id"])
            market_type_of(index)
            self._by_symbol[market["symbol"]] = index
            self._by_index[index] = market

    def __len__(self) -> int:
        return len(self._by_index)

    def index(self, symbol: str) -> int:
        try:
            return self._by_symbol[symbol]
        except KeyError:
            raise BadSymbol(f"lighter does not have market symbol {symbol}") from None

    def symbol(self, index: int) -> str:
        return self.market(index)["symbol"]

    def market(self, index: int) -> dict:
        try:
            return self._by_index[int(index)]
        except (KeyError, TypeError, ValueError):
            raise BadSymbol(f"lighter does not have market index {index}") from None

    def decimals(self, index: int) -> Tuple[int, int]:
        return market_decimals(self.market(index))
