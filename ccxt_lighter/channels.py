"""Lighter WebSocket channels: one small value type per subscription.

Venue facts (REFERENCE.md 6.2, 6.4):
* a client subscribes with ``{"type": "subscribe", "channel": "order_book/0"}`` ("/" separators)
  and the server answers on the *topic* ``order_book:0`` (":" separators);
* account channels carry an auth token in the subscribe frame (``"auth": "<token>"``); the sources
  disagree on which strictly need it, so every account channel sends one;
* acknowledgements and errors name the topic (``{"type":"unsubscribed","channel":"order_book:0"}``,
  ``{"type":"error","code":30012,"channel":"order_book:0"}``), and some account topics are echoed
  with fewer id segments than were subscribed (``account_orders:0`` for ``account_orders/0/1234``).

Invariant: a :class:`Channel` is the only place that knows both spellings, so a subscription, its
ack, its data frames and its unsubscribe can never disagree about which channel they mean.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

# name -> (argument names in subscribe order, needs auth)
CHANNEL_SPECS: Dict[str, Tuple[Tuple[str, ...], bool]] = {
    "order_book": (("market",), False),
    "ticker": (("market",), False),
    "trade": (("market",), False),
    "market_stats": (("market",), False),  # market index or "all"
    "spot_market_stats": (("market",), False),
    "candle": (("market", "resolution"), False),
    "mark_price_candle": (("market", "resolution"), False),
    "height": ((), False),
    "account_all": (("account",), True),
    "account_market": (("market", "account"), True),
    "account_all_orders": (("account",), True),
    "account_orders": (("market", "account"), True),
    "account_all_trades": (("account",), True),
    "account_all_positions": (("account",), True),
    "account_all_assets": (("account",), True),
    "account_spot_avg_entry_prices": (("account",), True),
    "user_stats": (("account",), True),
    "account_tx": (("account",), True),
    "notification": (("account",), True),
    "pool_data": (("account",), True),
    "pool_info": (("account",), True),
}


SECRET_KEYS = ("auth", "Sig", "tx_info", "tx_infos")


class Frame(dict):
    """An outgoing frame whose repr masks the auth token and signed payloads: ccxt's client logs
    every frame it sends in verbose mode, and tokens/signatures must never reach a log."""

    def __repr__(self) -> str:
        return repr(_masked(self))

    __str__ = __repr__


def _masked(value):
    if isinstance(value, dict):
        return {k: ("<redacted>" if k in SECRET_KEYS else _masked(v)) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Channel:
    """A subscription: its name, its arguments (as strings) and whether it needs an auth token."""

    name: str
    args: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        spec = CHANNEL_SPECS.get(self.name)
        if spec is None:
            raise ValueError(f"unknown Lighter channel {self.name!r}")
        if len(self.args) != len(spec[0]):
            raise ValueError(f"channel {self.name} takes {len(spec[0])} argument(s) {spec[0]}, got {self.args}")

    @classmethod
    def of(cls, name: str, *args: object) -> "Channel":
        return cls(name, tuple(str(a) for a in args))

    @property
    def auth(self) -> bool:
        return CHANNEL_SPECS[self.name][1]

    @property
    def subscribe_form(self) -> str:
        """``order_book/0`` — what subscribe/unsubscribe frames carry."""
        return "/".join((self.name,) + self.args)

    @property
    def topic(self) -> str:
        """``order_book:0`` — what server frames carry."""
        return ":".join((self.name,) + self.args)

    def subscribe_frame(self, auth_token: Optional[str] = None) -> dict:
        frame = Frame(type="subscribe", channel=self.subscribe_form)
        if self.auth:
            if not auth_token:
                raise ValueError(f"channel {self.subscribe_form} needs an auth token")
            frame["auth"] = auth_token
        return frame

    def unsubscribe_frame(self) -> dict:
        return Frame(type="unsubscribe", channel=self.subscribe_form)

    def matches_topic(self, topic: str) -> bool:
        """Whether a server topic names this channel (exactly, or echoed with fewer id segments)."""
        if topic == self.topic:
            return True
        parts = topic.split(":")
        return parts[0] == self.name and tuple(parts[1:]) == self.args[: len(parts) - 1]


def topic_name(topic: str) -> str:
    """``'order_book:0'`` -> ``'order_book'`` (``'height'`` -> ``'height'``)."""
    i = topic.find(":")
    return topic if i < 0 else topic[:i]


def topic_args(topic: str) -> Tuple[str, ...]:
    return tuple(topic.split(":")[1:])


def parse_subscribe_form(form: str) -> Channel:
    """``'candle/0/1m'`` -> ``Channel('candle', ('0', '1m'))``; raises ValueError when unknown."""
    parts = form.split("/")
    return Channel(parts[0], tuple(parts[1:]))


def channel_from_topic(topic: str) -> Optional[Channel]:
    """The channel a full topic names, or None when the topic is unknown or abbreviated."""
    parts = topic.split(":")
    spec = CHANNEL_SPECS.get(parts[0])
    if spec is None or len(parts) - 1 != len(spec[0]):
        return None
    return Channel(parts[0], tuple(parts[1:]))


# Constructors used by the exchange class (one per channel family it watches).
def order_book(market_id: object) -> Channel:
    return Channel.of("order_book", market_id)


def ticker(market_id: object) -> Channel:
    return Channel.of("ticker", market_id)


def trade(market_id: object) -> Channel:
    return Channel.of("trade", market_id)


def market_stats(market_id: object = "all") -> Channel:
    return Channel.of("market_stats", market_id)


def spot_market_stats(market_id: object = "all") -> Channel:
    return Channel.of("spot_market_stats", market_id)


def candle(market_id: object, resolution: str) -> Channel:
    return Channel.of("candle", market_id, resolution)


def account(name: str, account_index: object) -> Channel:
    """Any single-argument account channel: ``account('account_all_orders', 1234)``."""
    return Channel.of(name, account_index)
