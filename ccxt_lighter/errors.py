"""Lighter error codes -> ccxt exception classes, and the retry predicate.

Venue facts (REFERENCE.md 3.1, 5; ``examples/error_codes.json``): every failing REST call answers
``{"code": N, "message": "..."}`` (HTTP 400, maybe 429 for 23000); a 200 body may also carry a
``code`` other than 200. Codes are grouped: 211xx account, 212xx pools, 213xx collateral, 214xx
block, 215xx tx, 216xx order book, 217xx order, 218xx asset, 219xx deleverage, 224xx candles,
230xx rate limit, 29xxx general, 300xx websocket, 410xx referral, 610xx read-only tokens, 620xx tier.

Invariants:
* every one of the 239 documented codes has an exact class here, and none maps to the generic
  ``ExchangeError`` (tests/test_errors_table.py checks both against the reference table);
* an unknown code falls back to message substrings, then to the code's range, then ExchangeError;
* exception messages keep the venue code and text but never a secret: anything shaped like an auth
  token, a signature or a private key is masked by :func:`scrub` before it reaches a message.
"""
from __future__ import annotations

import re
from typing import Optional, Tuple, Type, Union

from ccxt.base.errors import (
    AuthenticationError, BadRequest, BadSymbol, DDoSProtection, DuplicateOrderId, ExchangeError,
    ExchangeNotAvailable, InsufficientFunds, InvalidAddress, InvalidNonce, InvalidOrder, MarketClosed,
    NetworkError, NoChange, NotSupported, OperationRejected, OrderNotFound, PermissionDenied,
    RateLimitExceeded, RequestTimeout, UnsubscribeError,
)

_BR, _OR, _IF, _IO = BadRequest, OperationRejected, InsufficientFunds, InvalidOrder
_AU, _PD, _RL, _NA = AuthenticationError, PermissionDenied, RateLimitExceeded, ExchangeNotAvailable

EXACT: dict = {
    # 211xx account
    21100: _BR,  # account not found (a wrong account index in the request)
    21101: InvalidNonce,  # account nonce not found
    21102: _BR, 21103: InvalidAddress,  # invalid account index / account l1 address
    21104: InvalidNonce,  # invalid nonce: refetch nextNonce, re-sign
    21105: InvalidNonce,  # batch transaction nonce is not increasing
    21106: _BR, 21107: _BR,  # invalid ToAccount / invalid account
    21108: _AU,  # invalid PublicKey, please run changePubKey (key at that index replaced)
    21109: _AU, 21110: _AU,  # api key not found / invalid api key index
    21111: _IF,  # pre-liquidation: tx must increase account health
    21112: _IF,  # account is in liquidation
    21113: _BR,  # invalid initial margin fraction (leverage)
    21114: _OR,  # over maintenance margin, can't activate liquidation
    21116: _BR, 21117: _IF,  # withdrawal amount too small / too high
    21118: _BR, 21119: _IF,  # transfer amount too small / too high
    21120: _AU,  # invalid signature (wrong key or chain id)
    21121: _BR,  # batch must use one account and api key
    21122: _OR,  # dead man's switch should be triggered
    21123: _BR, 21124: _BR,  # invalid account type / route type
    21125: _BR,  # witness not found
    21126: _IF,  # zero collateral can't change PublicKey
    21127: _PD,  # withdrawal from public pool not allowed
    21128: _BR,  # invalid master account index
    21129: _OR, 21130: _OR,  # too many sub accounts / public pools
    21131: InvalidAddress,  # invalid l1 address
    21132: _OR,  # margin mode change with position or open order
    21133: _IF,  # invalid risk change (would leave the account under-margined)
    21134: _BR, 21135: _BR,  # invalid fee / asset already exists
    21136: _AU,  # invalid PublicKey, update the sdk
    21137: _PD,  # withdrawals restricted for this asset
    21138: _OR, 21139: _OR, 21140: _OR,  # pending unlocks: max exceeded / none / still waiting
    21141: _BR,  # only LIT for pending unlock
    # 212xx public pools and staking
    21200: _BR, 21201: _BR,  # invalid public pool index / operator fee
    21202: _OR, 21203: _OR,  # invalid pool status / pool frozen
    21204: _BR, 21205: _BR,  # invalid initial usdc / min operator share rate
    21206: _OR,  # too many invested public pools
    21207: _IF,  # insufficient available shares
    21208: _OR,  # owner drops below minimum ownership
    21209: _BR, 21210: _BR,  # invalid mint / burn share amount
    21211: _IF,  # burnt share usdc amount too high
    21212: _OR,  # entry usdc amount too high
    21213: _BR, 21214: _BR,  # invalid pool status update / pool position to transfer
    21215: _PD,  # only master account can update public pool
    21216: _OR, 21217: _OR, 21218: _OR,  # pool in liquidation / max invested / creation disabled
    21219: _OR, 21220: _OR, 21221: _OR,  # max llp % / pool has positions / has active orders
    21222: _OR, 21223: _OR, 21224: _OR,  # no shares / max llp amount / staking pool frozen
    21225: _BR,  # invalid staking pool index
    21226: _OR,  # entry staked amount too high
    21227: _IF, 21228: _IF,  # burnt lit too high / insufficient staking shares
    21229: _BR,  # invalid unstake amount
    21230: NoChange,  # staking pool already initialized
    21231: _IF,  # mint share amount exceeds staked LIT
    21232: _BR, 21233: _BR,  # invalid stake / unstake asset amount
    21234: _OR, 21235: _OR,  # cooldown not passed / operator shares can't be force burned
    21236: _BR,  # staking pool does not exist
    21237: _OR,  # force burn exceeds staked LIT
    # 213xx collateral
    21300: _BR,  # invalid asset amount
    21301: _IF,  # not enough collateral
    21302: _BR, 21303: _BR,  # invalid receiver / fee account asset amount
    21304: _IF, 21305: _IF,  # not enough asset balance (for fee)
    # 214xx block
    21400: _BR, 21401: _BR,  # block not found / invalid block height
    # 215xx tx
    21500: _BR,  # transaction not found
    21501: _BR, 21502: _BR,  # invalid tx info / marshal tx failed (malformed tx_info)
    21503: _NA,  # marshal event failed (server side, transient)
    21504: _AU,  # fail to l1 signature
    21505: _BR,  # unsupported tx type
    21506: _RL,  # too many pending txs, try again later (retryable)
    21507: _IF, 21508: _IF,  # below maintenance / initial margin
    21511: _BR, 21512: _BR, 21513: _BR,  # tx type for account / l1 request id / length mismatch
    21514: _BR,  # maximum 50 transactions per batch
    21515: _PD, 21516: _PD,  # transaction not allowed / treasury outgoing transfer
    # 216xx order book (markets)
    21600: OrderNotFound,  # given order is not an active limit order
    21601: _IO,  # order book is full
    21602: BadSymbol,  # invalid market index
    21603: _BR,  # invalid min amounts for market
    21605: MarketClosed,  # invalid market status (market not active)
    21606: _BR, 21607: _BR, 21608: _BR,  # market exists / invalid fees / quote multiplier
    21611: _BR,  # invalid interest rate
    21612: _IO,  # invalid open interest (order would breach the open-interest cap)
    21613: _BR,  # invalid margin mode
    21614: _BR, 21615: _BR,  # no position found / invalid update margin direction
    21616: _BR, 21617: _BR,  # asset does not exist / invalid create market parameters
    21618: _IO,  # invalid order type for market
    21619: BadSymbol,  # invalid market type
    21620: _BR,  # invalid funding clamp
    21621: BadSymbol,  # invalid perps market index
    21622: _IO, 21623: _IO,  # invalid order quote limit / open interest limit
    21624: _IO, 21625: _IO,  # invalid min base / quote amount
    21626: _BR,  # invalid margin fraction
    # 217xx order
    21700: _IO, 21701: _IO, 21702: _IO, 21703: _IO,  # order index / base amount / price / isAsk
    21704: _IO, 21705: _IO, 21706: _IO,  # OrderType / TimeInForce / base or quote amount
    21707: OrderNotFound,  # account is not owner of the order
    21708: _IO,  # order is empty
    21709: OrderNotFound,  # order is inactive
    21710: _IO, 21711: _IO,  # unsupported order type / invalid expiry
    21712: _IO,  # account has a queued cancel all orders request
    21713: _IO, 21714: _IO,  # invalid cancel-all time in force / time
    21715: OrderNotFound,  # given order is not an active order
    21716: _IO,  # order is not expired
    21717: _IO, 21718: _IO, 21719: _IO, 21720: _IO,  # max active / pending orders (per market)
    21721: _IO, 21722: _IO,  # max twap / conditional orders in exchange
    21723: _IF,  # invalid account health
    21724: _IO, 21725: _IO, 21726: _IO,  # liquidation size / price / insurance fund
    21727: _IO,  # invalid client order index
    21728: DuplicateOrderId,  # client order index already exists
    21729: _IO, 21730: _IO, 21731: _IO,  # trigger price / not pending / can't be triggered
    21732: _IO, 21733: _IO,  # reduce only increases position / accidental (fat finger) price
    21734: _IO, 21735: _IO,  # too far from mark / SL-TP too far from trigger
    21736: _IO, 21737: _IO, 21738: _IO,  # trigger status / order status / reduce-only direction
    21739: _IF,  # not enough margin to create the order
    21740: _IO, 21741: _IO, 21742: _IO, 21743: _IO,  # reduce-only mode / grouping / group size / info
    21744: _IO, 21745: _IO,  # pools not allowed on spot / L1 orders perps only
    # 218xx asset
    21801: _BR, 21802: _BR, 21803: _BR, 21804: _BR, 21805: _BR,
    21806: _BR, 21807: _BR, 21808: _BR, 21809: _BR,
    # 219xx deleverage (system operations)
    21901: _OR, 21902: _OR, 21903: _OR, 21904: _OR, 21905: _OR, 21906: _OR,
    # 224xx candlestick query validation
    22400: _BR, 22401: _BR, 22402: _BR, 22403: _BR,
    # 230xx rate limits
    23000: _RL, 23001: _RL, 23002: _RL,  # requests / subscriptions / distinct accounts
    23003: DDoSProtection,  # too many connections from this IP
    23004: _RL,  # too many L2 withdrawal requests
    # 29xxx general
    29404: _BR,  # not found (unknown path or object)
    29500: _NA,  # internal server error
    29501: RequestTimeout,  # process timeout
    # 300xx websocket
    30000: _BR, 30001: _BR,  # invalid json / type
    30002: UnsubscribeError,  # not subscribed to (unsubscribe of an unknown channel)
    30003: NoChange,  # already subscribed (harmless)
    30004: _NA,  # failed to fetch
    30005: _BR,  # invalid channel
    30006: NotSupported,  # operation isn't supported
    30007: _BR, 30008: _BR,  # invalid data / account type
    30009: _RL, 30010: _RL,  # too many messages / inflight messages
    30011: _NA, 30012: _NA,  # failed to connect / subscribe (retry)
    # 410xx referral
    41001: _BR, 41002: _BR, 41003: _BR,
    41004: NoChange,  # user can already access
    41005: _PD,  # user can't invite
    41006: _BR, 41007: _BR,
    41008: _OR, 41009: _OR,  # kickback / code update limits
    41010: _BR,
    41011: _PD,  # only main account
    41012: _BR,
    # 610xx read-only api tokens
    61001: _BR, 61002: _BR,  # expiry out of range
    61003: _OR,  # max 10 tokens
    61004: NotSupported,  # custom scopes not supported
    61005: _AU,  # token not found / not this account's
    61006: NoChange,  # already revoked
    61007: _BR, 61008: _BR, 61009: _BR,  # token name
    # 620xx account tier change
    62001: _OR, 62002: _BR, 62003: NoChange, 62004: _OR, 62005: _OR,
    62006: _OR,  # too frequent (24 h rule): retrying soon cannot help, so not a rate limit
}

#: ordered (substring, class) fallbacks for codes not in EXACT; lower-cased message is searched.
BROAD = (
    ("client order index already exists", DuplicateOrderId),
    ("nonce", InvalidNonce),
    ("too many request", RateLimitExceeded),
    ("too many pending", RateLimitExceeded),
    ("signature", AuthenticationError),
    ("api key", AuthenticationError),
    ("publickey", AuthenticationError),
    ("margin", InsufficientFunds),
    ("not enough", InsufficientFunds),
    ("balance", InsufficientFunds),
    ("market index", BadSymbol),
    ("timeout", RequestTimeout),
    ("internal", ExchangeNotAvailable),
    ("order", InvalidOrder),
)

#: (low, high, class) code ranges, the last resort before ExchangeError.
RANGES = (
    (21700, 21799, InvalidOrder),
    (23000, 23099, RateLimitExceeded),
    (29500, 29599, ExchangeNotAvailable),
)

_SECRET_PATTERNS = (
    # auth token "<deadline>:<account>:<key>:<160 hex>" and read-only tokens "ro:..."
    re.compile(r"\b(?:ro:)?\d+:\d+:(?:\d+|single|all):[0-9a-fA-F]{32,}\b"),
    # signatures (160 hex), API private keys (80 hex), L1 keys (64 hex): any hex run of 64+ chars.
    # Tx hashes (80 hex) are masked too: a key and a hash cannot be told apart by shape.
    re.compile(r"\b(?:0x)?[0-9a-fA-F]{64,}\b"),
    re.compile(r'("Sig"\s*:\s*)"[^"]*"'),
)


def scrub(text: str) -> str:
    """Mask auth tokens, signatures and key-length hex in ``text``."""
    text = _SECRET_PATTERNS[0].sub("<auth-token>", text)
    text = _SECRET_PATTERNS[1].sub("<redacted-hex>", text)
    return _SECRET_PATTERNS[2].sub(r'\1"<redacted>"', text)


def _as_int(code) -> Optional[int]:
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


#: codes of a body that reports success: 200, and 0 in documented success examples (systemConfig)
SUCCESS_CODES = ("200", "0")

VenueCode = Union[int, str, None]
_CANONICAL_INT = re.compile(r"0|-?[1-9][0-9]*")


def _venue_code(code) -> VenueCode:
    """An integer code as int (the venue sends 21104 or "21104"); any other value unchanged, so a
    message built from it reads exactly as the venue wrote it."""
    if isinstance(code, str) and _CANONICAL_INT.fullmatch(code):
        return int(code)
    return code


def venue_error(payload, *, error_frame: bool = False) -> Optional[Tuple[VenueCode, str]]:
    """``(code, message)`` when a venue payload reports a failure, None when it reports success.

    The venue's three shapes (REFERENCE.md 3.1, 6.6): REST ``{"code": 21104, "message": "invalid
    nonce"}`` (HTTP 400, or 200 with a code other than 200), WS tx replies ``{"error": {"code",
    "message"}, "id"}`` (success ``{"code": 200, "tx_hash", ...}``) and WS error frames
    ``{"type": "error", "code": 30012, "channel", "message"}`` or ``{"error": {"code", "message"}}``.

    * an ``error`` object is a failure and names the code and message, even without a code;
    * otherwise the top-level ``code`` decides: absent, 200 or 0 (int or string) is success;
    * ``error_frame``: the caller already knows the payload is an error (a WS ``type: error``
      frame), so it is a failure whatever its code (which may then be None).

    The code comes back as an int when the venue sent an integer or a digit string, otherwise as sent;
    :func:`make_exception` maps it (and the message) to the ccxt class.
    """
    if not isinstance(payload, dict):
        return None
    nested = payload.get("error")
    source = nested if isinstance(nested, dict) else payload
    code = _venue_code(source.get("code"))
    failed = error_frame or source is nested or (code is not None and str(code) not in SUCCESS_CODES)
    return (code, str(source.get("message") or "")) if failed else None


def exception_class(code, message: str = "") -> Type[ExchangeError]:
    """The ccxt class for a venue ``code`` (int or str) and its ``message``."""
    number = _as_int(code)
    cls = EXACT.get(number)
    if cls is not None:
        return cls
    lowered = (message or "").lower()
    for needle, broad_cls in BROAD:
        if needle in lowered:
            return broad_cls
    if number is not None:
        for low, high, range_cls in RANGES:
            if low <= number <= high:
                return range_cls
    return ExchangeError


def make_exception(code, message: str = "", context: str = "", exchange_id: str = "lighter"):
    """An instance of the mapped class: ``"lighter 21104 invalid nonce (POST /api/v1/sendTx)"``.

    The instance carries ``venue_code`` (int or None) so callers can branch on the exact code.
    """
    text = f"{exchange_id} {code} {message or ''}".rstrip()
    if context:
        text += f" ({context})"
    exc = exception_class(code, message)(scrub(text))
    exc.venue_code = _as_int(code)
    return exc


def is_retryable(error: Union[BaseException, int, str]) -> bool:
    """Whether sending the same request again (after a pause / nonce resync) can succeed.

    True for ccxt NetworkErrors: RateLimitExceeded, DDoSProtection, ExchangeNotAvailable (incl.
    OnMaintenance), RequestTimeout and InvalidNonce (re-sign with a fresh nonce first). A venue code
    may be passed instead of an exception. Re-sending a transaction is safe against duplicates
    because the nonce was consumed if the first attempt executed (the retry then fails 21104).
    """
    if isinstance(error, BaseException):
        return isinstance(error, NetworkError)
    return issubclass(exception_class(error), NetworkError)
