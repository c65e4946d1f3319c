"""Lighter WebSocket channels: the one table of the venue's channels, and one small value type per
subscription. The simulator (``sim/ws_channels.py``) imports this table; this module imports
nothing of the simulator.

Venue facts, one rule each with its REFERENCE.md section:

1. Subscribe with ``{"type": "subscribe", "channel": "order_book/0"}`` ("/" separators); server
   frames name the *topic* ``order_book:0`` (":" separators) -- 6.2.
2. The first data frame is ``subscribed/<name>`` (snapshot), later ones ``update/<name>`` -- 6.2
   ("Replies") and the "Snapshot / update types" column of 6.4.
3. Channel names and their arguments, in subscribe order (``account_orders/{market}/{account}``:
   market first) -- the "Channel (subscribe)" column of 6.4. ``notification`` is the [TS] name
   (asyncapi says ``notifications`` ⚠) -- 6.4.
4. ``market_stats/{market}`` streams perps and ``spot_market_stats/{market}`` spot markets ("like
   market_stats without funding/OI"); both also take ``all`` -- 6.4 rows.
5. Candle resolutions over WS are 1m..1d (1w is REST-only ⚠) -- 6.4 ``candle`` row.
6. Auth rule -- the "Auth" column of 6.4 and its note: "no" = :data:`PUBLIC` (no token);
   "yes" (Lighter's asyncapi lists auth) = :data:`REQUIRED`; "yes*" (asyncapi lists none, [NT]
   sends one anyway) = :data:`OPTIONAL`: served without a token, and a token that is sent is
   accepted (so it may be checked).
7. A client sends ``"auth": "<token>"`` on every non-public channel, OPTIONAL ones included:
   "send auth on every account channel; it is accepted everywhere" -- 6.4 note, 11 (which ones
   strictly need it is an open point). This is :attr:`ChannelSpec.sends_token`.
8. Acknowledgements and errors name the topic (``{"type":"unsubscribed","channel":"order_book:0"}``,
   ``{"type":"error","code":30012,"channel":"order_book:0"}``) -- 5, 6.2; some account topics are
   echoed with fewer id segments than were subscribed (``account_orders:0`` for
   ``account_orders/0/1234``) -- no REFERENCE source: a tolerance kept from the earlier client
   (:meth:`Channel.matches_topic`), harmless when the venue echoes the full topic.
9. Left out: ``rfq`` (auth "?" and no subscribe form in 6.4) and the front end's internal variants
   (``trade_fe``, ``account_all_positions_fe``, ...: "not needed") -- 6.4.

Where the client's and the simulator's tables used to disagree, rule 6 decides: the client's old
"needs auth" flag was rule 7 (the sending policy), the simulator's "optional" was rule 6.

Invariants: :data:`CHANNELS` is the only list of channel names, arguments and auth rules; a
:class:`Channel` is the only place that knows both spellings, so a subscription, its ack, its data
frames and its unsubscribe can never disagree about which channel they mean.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple

# Auth rules (rule 6).
PUBLIC, REQUIRED, OPTIONAL = "public", "required", "optional"

# Argument kinds (rules 3-5): what each "/" segment after the name is.
MARKET = "market"            # a market id
PERP_OR_ALL = "perp_or_all"  # a perp market id or "all"
SPOT_OR_ALL = "spot_or_all"  # a spot market id or "all"
ACCOUNT = "account"          # an account index
RESOLUTION = "resolution"    # one of WS_RESOLUTIONS
MARKET_KINDS = (MARKET, PERP_OR_ALL, SPOT_OR_ALL)

WS_RESOLUTIONS = ("1m", "5m", "15m", "30m", "1h", "4h", "12h", "1d")  # rule 5

SNAPSHOT, UPDATE = "subscribed", "update"  # frame type prefixes (rule 2)


@dataclass(frozen=True)
class ChannelSpec:
    """One row of REFERENCE.md 6.4: a channel's name, argument kinds and auth rule."""

    name: str
    args: Tuple[str, ...]
    auth: str

    @property
    def sends_token(self) -> bool:
        """Whether a client puts an auth token in the subscribe frame (rule 7)."""
        return self.auth != PUBLIC

    @property
    def per_market(self) -> bool:
        return any(kind in MARKET_KINDS for kind in self.args)

    @property
    def per_account(self) -> bool:
        return ACCOUNT in self.args

    @property
    def snapshot_type(self) -> str:
        return f"{SNAPSHOT}/{self.name}"

    @property
    def update_type(self) -> str:
        return f"{UPDATE}/{self.name}"


def _table(*rows: Tuple[str, Tuple[str, ...], str]) -> Dict[str, ChannelSpec]:
    return {name: ChannelSpec(name, args, auth) for name, args, auth in rows}


# The rows of REFERENCE.md 6.4, in its order.
CHANNELS: Dict[str, ChannelSpec] = _table(
    ("order_book", (MARKET,), PUBLIC),
    ("ticker", (MARKET,), PUBLIC),
    ("trade", (MARKET,), PUBLIC),
    ("market_stats", (PERP_OR_ALL,), PUBLIC),
    ("spot_market_stats", (SPOT_OR_ALL,), PUBLIC),
    ("candle", (MARKET, RESOLUTION), PUBLIC),
    ("mark_price_candle", (MARKET, RESOLUTION), PUBLIC),
    ("height", (), PUBLIC),
    ("account_all", (ACCOUNT,), OPTIONAL),
    ("account_market", (MARKET, ACCOUNT), REQUIRED),
    ("account_all_orders", (ACCOUNT,), REQUIRED),
    ("account_orders", (MARKET, ACCOUNT), REQUIRED),
    ("account_all_trades", (ACCOUNT,), OPTIONAL),
    ("account_all_positions", (ACCOUNT,), OPTIONAL),
    ("account_all_assets", (ACCOUNT,), REQUIRED),
    ("account_spot_avg_entry_prices", (ACCOUNT,), REQUIRED),
    ("user_stats", (ACCOUNT,), OPTIONAL),
    ("account_tx", (ACCOUNT,), REQUIRED),
    ("notification", (ACCOUNT,), REQUIRED),
    ("pool_data", (ACCOUNT,), REQUIRED),
    ("pool_info", (ACCOUNT,), REQUIRED),
)


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
    """A subscription: a channel of :data:`CHANNELS` and its arguments (as strings)."""

    name: str
    args: Tuple[str, ...] = ()

    def __post_init__(self) -> None:
        spec = CHANNELS.get(self.name)
        if spec is None:
            raise ValueError(f"unknown Lighter channel {self.name!r}")
        if len(self.args) != len(spec.args):
            raise ValueError(f"channel {self.name} takes {len(spec.args)} argument(s) {spec.args}, "
                             f"got {self.args}")

    @classmethod
    def of(cls, name: str, *args: object) -> "Channel":
        return cls(name, tuple(str(a) for a in args))

    @property
    def spec(self) -> ChannelSpec:
        return CHANNELS[self.name]

    @property
    def auth(self) -> bool:
        """Whether the subscribe frame carries an auth token (rule 7: every non-public channel)."""
        return self.spec.sends_token

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
    spec = CHANNELS.get(parts[0])
    if spec is None or len(parts) - 1 != len(spec.args):
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
