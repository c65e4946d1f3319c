"""Channels of Lighter's ``/stream`` WebSocket, as the simulator parses and serves them.

The venue facts -- names, arguments, ``/`` vs ``:`` spellings, auth rules, candle resolutions --
are the client's table (:data:`ccxt_lighter.channels.CHANNELS`, rules and REFERENCE.md sections in
its docstring). This module adds only what is the simulator's own:

* which of those channels it serves: all but :data:`NOT_SERVED` (the one list of the others, each
  with the reason). A channel it does not serve is refused exactly like an unknown name, with
  30005 "Invalid Channel" -- the venue's code for a channel it does not know (REFERENCE.md 5,
  examples/error_codes.json ``AppErrWebsocketInvalidChannel``; ccxt's in-tree client reports the
  ``{"error":{..}}`` form, see ``stream.py``);
* arguments checked against this simulator's markets (a market id it does not list, a spot id on
  ``market_stats``, a perp id on ``spot_market_stats``, an unknown resolution are 30005 too);
* :class:`Channel`, the parsed form the feeds build payloads from (ints, ``all_markets``).

The auth rule a subscription gets enforced (``stream.py``) is :attr:`Channel.auth`, i.e. the
table's: REQUIRED needs a valid token, OPTIONAL checks one only when sent, PUBLIC ignores it.

Invariant: a :class:`Channel` exists only for a served channel name with well-formed arguments that
name a market / account / resolution of this simulator; everything else raises
:class:`ChannelError` (30005 "Invalid Channel") before any subscription state changes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Tuple

from ..channels import (ACCOUNT, CHANNELS, MARKET_KINDS, OPTIONAL, PERP_OR_ALL, PUBLIC, REQUIRED,
                        RESOLUTION, SPOT_OR_ALL, WS_RESOLUTIONS, ChannelSpec)
from ..orders import MIN_SPOT_MARKET_INDEX
from .errors import LighterError

INVALID_CHANNEL = 30005

# The channels of the venue's table this simulator does not stream, and why. None of them is
# watched by the client (ccxt_lighter), so nothing it does needs them.
NOT_SERVED: Dict[str, str] = {
    "mark_price_candle": "no WS feed built (the engine's mark candles are served over REST only)",
    "account_spot_avg_entry_prices": "the engine keeps no spot average entry prices",
    "pool_data": "the simulator has no public pools",
    "pool_info": "the simulator has no public pools",
}

SERVED: Dict[str, ChannelSpec] = {name: spec for name, spec in CHANNELS.items() if name not in NOT_SERVED}

__all__ = ["Channel", "ChannelError", "INVALID_CHANNEL", "NOT_SERVED", "OPTIONAL", "PUBLIC",
           "REQUIRED", "SERVED", "WS_RESOLUTIONS", "parse_channel"]


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
    def spec(self) -> ChannelSpec:
        return SERVED[self.name]

    @property
    def args(self) -> Tuple[str, ...]:
        return tuple(self._arg(kind) for kind in self.spec.args)

    def _arg(self, kind: str) -> str:
        if kind in (PERP_OR_ALL, SPOT_OR_ALL) and self.all_markets:
            return "all"
        if kind in MARKET_KINDS:
            return str(self.market)
        if kind == ACCOUNT:
            return str(self.account)
        return str(self.resolution)

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
        """The table's auth rule (PUBLIC / REQUIRED / OPTIONAL), which ``stream.py`` enforces."""
        return self.spec.auth


def parse_channel(text: object, market_ids: Iterable[int]) -> Channel:
    """Parse a subscribe-form channel (``/`` separators) against the simulator's markets; a name
    outside :data:`SERVED` (unknown to the venue, or in :data:`NOT_SERVED`) is 30005."""
    if not isinstance(text, str) or not text:
        raise ChannelError(" (empty)")
    parts = text.split("/")
    spec = SERVED.get(parts[0])
    if spec is None:
        raise ChannelError(text)
    kinds = spec.args
    if len(parts) - 1 != len(kinds):
        raise ChannelError(text)
    markets = set(market_ids)
    fields: dict = {"name": parts[0]}
    for kind, raw in zip(kinds, parts[1:]):
        fields.update(_parse_arg(kind, raw, markets, text))
    return Channel(**fields)


def _parse_arg(kind: str, raw: str, markets: set, text: str) -> dict:
    if kind == RESOLUTION:
        if raw not in WS_RESOLUTIONS:
            raise ChannelError(text)
        return {"resolution": raw}
    if kind in (PERP_OR_ALL, SPOT_OR_ALL) and raw == "all":
        return {"all_markets": True}
    value = _int(raw, text)
    if kind == ACCOUNT:
        return {"account": value}
    if value not in markets:
        raise ChannelError(text)
    # market_stats streams perps, spot_market_stats spot markets (channels.py rule 4; ccxt's
    # client relies on it too): the other kind of id is not a channel.
    if kind == PERP_OR_ALL and value >= MIN_SPOT_MARKET_INDEX:
        raise ChannelError(text)
    if kind == SPOT_OR_ALL and value < MIN_SPOT_MARKET_INDEX:
        raise ChannelError(text)
    return {"market": value}


def _int(raw: str, text: str) -> int:
    if not raw.isdigit():
        raise ChannelError(text)
    return int(raw)
