"""Which keys the user gave, and which account they act for.

Venue facts (REFERENCE.md 7.5, 8.1-8.3):
* transactions and auth tokens are signed by an *API key*: a 40-byte ECgFp5 scalar (80 hex chars)
  registered at a slot ``api_key_index`` (0..254; 0-3 are used by Lighter's own apps) of an account;
* the Ethereum (L1) key, 32 bytes, owns the account. Only ChangePubKey (registering an API key),
  transfers to another owner's account and ApproveIntegrator need its EIP-191 signature;
* ``accountsByL1Address`` lists the accounts of an L1 address; the master account (account_type 0)
  comes first.

Invariants: the two kinds of key are told apart by length and never mixed up; an Ethereum key is
kept only for the L1 signatures the user asks for (it never triggers an on-chain action by itself);
nothing here guesses an API key index; key material never appears in ``repr`` or messages.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from ccxt.base.errors import AuthenticationError, BadRequest, ExchangeError

from .orders import MAX_API_KEY_INDEX

API_KEY_HEX_LEN = 80  # 40 bytes
ETH_KEY_HEX_LEN = 64  # 32 bytes


def _strip_hex(value: str) -> str:
    text = value.strip()
    return text[2:] if text[:2].lower() == "0x" else text


def classify_key(value: Any, name: str = "privateKey") -> Tuple[str, str]:
    """``('api', hex80)`` or ``('eth', hex64)`` (lowercase, no 0x); AuthenticationError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise AuthenticationError(f"{name} must be a hex string")
    text = _strip_hex(value).lower()
    if any(c not in "0123456789abcdef" for c in text):
        raise AuthenticationError(f"{name} is not hexadecimal")
    if len(text) == API_KEY_HEX_LEN:
        return "api", text
    if len(text) == ETH_KEY_HEX_LEN:
        return "eth", text
    raise AuthenticationError(
        f"{name} has {len(text) // 2} bytes; expected a 40-byte Lighter API key (80 hex chars) "
        "or a 32-byte Ethereum key (64 hex chars)")


def _index(value: Any, name: str, low: int, high: int) -> Optional[int]:
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {value!r}") from None
    if not low <= number <= high:
        raise BadRequest(f"{name}={number} is outside [{low}, {high}]")
    return number


def _first(options: Mapping, *names: str) -> Any:
    for name in names:
        value = options.get(name)
        if value is not None and value != "":
            return value
    return None


@dataclass(frozen=True)
class Credentials:
    """Everything key-related the exchange was configured with (validated, nothing fetched)."""

    api_keys: Dict[int, str] = field(default_factory=dict)  # api_key_index -> private key hex
    primary_key_index: Optional[int] = None
    account_index: Optional[int] = None
    eth_private_key: Optional[str] = None  # hex, no 0x
    wallet_address: Optional[str] = None

    def __repr__(self) -> str:  # key material stays out of logs
        return (f"Credentials(account_index={self.account_index}, api_key_indexes={sorted(self.api_keys)}, "
                f"eth_key={'set' if self.eth_private_key else 'unset'}, wallet_address={self.wallet_address})")

    @property
    def can_sign(self) -> bool:
        return bool(self.api_keys) and self.primary_key_index is not None

    def key_indexes(self) -> List[int]:
        """Slots used in turn: the primary key first, then the others in ascending order."""
        rest = sorted(i for i in self.api_keys if i != self.primary_key_index)
        return [self.primary_key_index, *rest] if self.primary_key_index is not None else rest

    def l1_address(self) -> Optional[str]:
        """The wallet address, given or derived from the Ethereum key (no request)."""
        if self.wallet_address:
            return self.wallet_address
        if self.eth_private_key:
            from eth_account import Account  # imported lazily: only L1 work needs it

            return Account.from_key(bytes.fromhex(self.eth_private_key)).address
        return None


def _pool(options: Mapping, api_hex: Optional[str], primary: Optional[int]) -> Dict[int, str]:
    """``apiKeyIndexes`` (same key in several slots) and ``apiPrivateKeys`` ({slot: key})."""
    keys: Dict[int, str] = {}
    if api_hex is not None and primary is not None:
        keys[primary] = api_hex
    extra: Iterable = options.get("apiKeyIndexes") or []
    for raw in extra:
        slot = _index(raw, "apiKeyIndexes entry", 0, MAX_API_KEY_INDEX)
        if api_hex is None:
            raise AuthenticationError("options['apiKeyIndexes'] needs the API private key (privateKey)")
        keys.setdefault(slot, api_hex)
    for raw_slot, raw_key in dict(options.get("apiPrivateKeys") or {}).items():
        slot = _index(raw_slot, "apiPrivateKeys slot", 0, MAX_API_KEY_INDEX)
        kind, hex_key = classify_key(raw_key, f"apiPrivateKeys[{slot}]")
        if kind != "api":
            raise AuthenticationError(f"apiPrivateKeys[{slot}] is not a 40-byte Lighter API key")
        keys[slot] = hex_key
    return keys


_KEY_KINDS = {"api": "a 40-byte Lighter API key", "eth": "a 32-byte Ethereum key"}


def _key_option(options: Mapping, names: Tuple[str, ...], want: str) -> Optional[str]:
    """The hex key given under the first of ``names`` (an explicit option), which must be of kind ``want``."""
    value = _first(options, *names)
    if value is None:
        return None
    label = f"options['{names[0]}']"
    kind, hex_key = classify_key(value, label)
    if kind != want:
        raise AuthenticationError(f"{label} is not {_KEY_KINDS[want]}")
    return hex_key


def from_config(private_key: Any, wallet_address: Any, options: Mapping) -> Credentials:
    """Read ccxt's ``privateKey``/``walletAddress`` and the Lighter options; validate, never fetch."""
    api_hex = eth_hex = None
    if private_key:
        kind, hex_key = classify_key(private_key)
        api_hex, eth_hex = (hex_key, None) if kind == "api" else (None, hex_key)
    api_hex = _key_option(options, ("apiPrivateKey", "lighterPrivateKey"), "api") or api_hex
    eth_hex = _key_option(options, ("ethPrivateKey", "l1PrivateKey"), "eth") or eth_hex
    primary = _index(_first(options, "apiKeyIndex", "api_key_index"), "apiKeyIndex", 0, MAX_API_KEY_INDEX)
    keys = _pool(options, api_hex, primary)
    if primary is None and keys:
        primary = min(keys)
    account = _index(_first(options, "accountIndex", "account_index"), "accountIndex", 0, 2**48 - 2)
    wallet = str(wallet_address) if wallet_address else None
    return Credentials(keys, primary, account, eth_hex, wallet)


def master_account(payload: Any) -> int:
    """The master account index from an ``accountsByL1Address`` answer (account_type 0, else first)."""
    subs = payload.get("sub_accounts") if isinstance(payload, dict) else None
    if not isinstance(subs, list) or not subs:
        raise AuthenticationError("no Lighter account belongs to this wallet address")
    chosen = next((a for a in subs if isinstance(a, dict) and str(a.get("account_type")) == "0"), subs[0])
    value = chosen.get("index", chosen.get("account_index")) if isinstance(chosen, dict) else None
    if value is None:
        raise ExchangeError("accountsByL1Address answered without an account index")
    return int(value)
