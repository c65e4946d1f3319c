"""Channel names of Lighter's ``/stream`` WebSocket, as the simulator parses them.

Venue fact (REFERENCE.md 6.2, 6.4): clients subscribe with ``/`` separators (``order_book/0``,
``candle/0/1m``, ``account_orders/0/1234``); every server frame names the channel with ``:``
(``order_book:0``, ``candle:0:1m``, ``account_orders:0:1234``). Account channels carry an auth
token in the subscribe message; for some of them (account_all, account_all_trades,
account_all_positions, user_stats) Lighter's own asyncapi lists no auth and ccxt's in-tree client
subscribes to them without one, so there the token is optional (checked when given).

Invariant: a :class:`Channel` exists only for a known channel name with well-formed arguments that
name a market / account / resolution of this simulator; everything else raises
:class:`ChannelError` (30005 "Invalid Channel") before any subscription state changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional, Tuple

from ..orders import MIN_SPOT_MARKET_INDEX
from .errors import LighterError

INVALID_CHANNEL = 30005

# Resolutions served over WS (REFERENCE 6.4: 1m..1d; 1w is REST-only per the nautilus adapter).
WS_RESOLUTIONS = ("1m", "5m", "15m", "30m", "1h", "4h", "12h", "1d")

REQUIRED, OPTIONAL, PUBLIC = "required", "optional", "public"

# name -> (argument kinds in order, auth rule)
SPECS = {
    "order_book": (("market",), PUBLIC),
    "ticker": (("market",), PUBLIC),
    "trade": (("market",), PUBLIC),
    "market_stats": (("perp_or_all",), PUBLIC),
    "spot_market_stats": (("spot_or_all",), PUBLIC),
    "candle": (("market", "resolution"), PUBLIC),
    "height": ((), PUBLIC),
    "account_all": (("account",), OPTIONAL),
    "account_market": (("market", "account"), REQUIRED),
    "account_orders": (("market", "account"), REQUIRED),
    "account_all_orders": (("account",), REQUIRED),
    "account_all_trades": (("account",), OPTIONAL),
    "account_all_positions": (("account",), OPTIONAL),
    "account_all_assets": (("account",), REQUIRED),
    "user_stats": (("account",), OPTIONAL),
    "account_tx": (("account",), REQUIRED),
    "notification": (("account",), REQUIRED),
}


class ChannelError(LighterError):
    """The channel string does not name something this server streams."""

    def __init__(self, detail: str) -> None:
        super().__init__(INVALID_CHANNEL, "Invalid Channel", detail)


@dataclass(frozen=True)
class Channel:
    """One parsed channel. ``market`` is None for ``.../all`` and channels without a market."""

    name: str
    market: Optional[int] = None
    account: Optional[int] = None
    resolution: Optional[str] = None
    all_markets: bool = False

    @property
    def args(self) -> Tuple[str, ...]:
        kinds = SPECS[self.name][0]
        out = []
        for kind in kinds:
            if kind in ("perp_or_all", "spot_or_all") and self.all_markets:
                out.append("all")
            elif kind in ("market", "perp_or_all", "spot_or_all"):
                out.append(str(self.market))
            elif kind == "account":
                out.append(str(self.account))
            else:
                out.append(str(self.resolution))
        return tuple(out)

    @property
    def topic(self) -> str:
        """The ``:`` form used in every server frame (and as the subscription key)."""
        return ":".join((self.name,) + self.args)

    @property
    def request(self) -> str:
        """The ``/`` form a client sends."""
        return "/".join((self.name,) + self.args)

    @property
    def auth(self) -> str:
        return SPECS[self.name][1]


def parse_channel(text: object, market_ids: Iterable[int]) -> Channel:
    """Parse a subscribe-form channel (``/`` separators) against the simulator's markets."""
    if not isinstance(text, str) or not text:
        raise ChannelError(" (empty)")
    parts = text.split("/")
    spec = SPECS.get(parts[0])
    if spec is None:
        raise ChannelError(text)
    kinds = spec[0]
    if len(parts) - 1 != len(kinds):
        raise ChannelError(text)
    markets = set(market_ids)
    fields: dict = {"name": parts[0]}
    for kind, raw in zip(kinds, parts[1:]):
        fields.update(_parse_arg(kind, raw, markets, text))
    return Channel(**fields)


def _parse_arg(kind: str, raw: str, markets: set, text: str) -> dict:
    if kind == "resolution":
        if raw not in WS_RESOLUTIONS:
            raise ChannelError(text)
        return {"resolution": raw}
    if kind in ("perp_or_all", "spot_or_all") and raw == "all":
        return {"all_markets": True}
    value = _int(raw, text)
    if kind == "account":
        return {"account": value}
    if value not in markets:
        raise ChannelError(text)
    # market_stats serves perps only, spot_market_stats spot only (ccxt's client relies on it too).
    if kind == "perp_or_all" and value >= MIN_SPOT_MARKET_INDEX:
        raise ChannelError(text)
    if kind == "spot_or_all" and value < MIN_SPOT_MARKET_INDEX:
        raise ChannelError(text)
    return {"market": value}


def _int(raw: str, text: str) -> int:
    if not raw.isdigit():
        raise ChannelError(text)
    return int(raw)
