"""``PureSigner``: the SignerBackend implemented in Python, plus verification helpers.

Venue facts (REFERENCE.md 7.4-7.8): a transaction is signed by the API key registered for
``(account_index, api_key_index)``; the signature covers the Poseidon2 tx hash; ``ExpiredAt`` =
now + 10 min - 1 s; auth tokens are ``"<deadline>:<account>:<api_key>:<sig hex>"`` where the signed
message is the ASCII text before the last colon packed little-endian into 8-byte field elements
(zero-padded) and hashed to 5 limbs. Like the package's native backend (and unlike the raw Go
function) an explicit absolute deadline is required.

Invariant: private keys live only inside ``_Key`` objects whose repr hides them; no exception
message or log line carries a key, a token or a signature. ``verify_*`` never raise on malformed
input: they return False.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from typing import Any, Callable, Dict, Mapping, Optional, Tuple, Union

from ...orders import TX_EXPIRY_MS, TxRangeError, TxRequest, validate
from ..base import SignedTx, SignerBackend, SignerError
from ..native import SignerRequestRejected, check_slot
from . import schnorr
from .poseidon2 import bytes_to_limbs, hash_to_quintic, limbs_to_bytes
from .rules import TxRuleError, check_rules
from .txhash import TxHashError, tx_hash_from_info, tx_hash_limbs
from .txinfo import TxInfoError, build_tx_info, message_to_sign

_TOKEN = re.compile(r"([0-9]{1,20}):([0-9]{1,20}):([0-9]{1,3}):([0-9a-fA-F]{160})")


class _Key:
    __slots__ = ("private", "public", "chain_id")

    def __init__(self, private: bytes, chain_id: int) -> None:
        self.private = private
        self.public = schnorr.public_key(private)
        self.chain_id = chain_id

    def __repr__(self) -> str:
        return "<key hidden>"


def _parse_hex(value: str, size: int, what: str) -> bytes:
    """Messages never echo the value (it may be a private key)."""
    if not isinstance(value, str):
        raise SignerRequestRejected(f"{what} must be a hex string")
    text = value[2:] if value[:2] in ("0x", "0X") else value
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise SignerRequestRejected(f"{what} is not valid hex") from None
    if len(raw) != size:
        raise SignerRequestRejected(f"{what} must be {size} bytes ({2 * size} hex characters)")
    return raw


def public_key_from_private(private_hex: str) -> str:
    """40-byte public key (80 hex chars, no 0x) of a 40-byte private key given in hex."""
    try:
        return schnorr.public_key(_parse_hex(private_hex, 40, "private key")).hex()
    except ValueError as exc:
        raise SignerRequestRejected(str(exc)) from None


def auth_message(deadline: int, account_index: int, api_key_index: int) -> list:
    text = f"{deadline}:{account_index}:{api_key_index}".encode("ascii")
    return hash_to_quintic(bytes_to_limbs(text + b"\0" * (-len(text) % 8)))


def parse_auth_token(token: str) -> Optional[Tuple[int, int, int, bytes]]:
    """``(deadline, account_index, api_key_index, signature)`` or None when malformed."""
    match = _TOKEN.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        return None
    deadline, account, api_key, signature = match.groups()
    return int(deadline), int(account), int(api_key), bytes.fromhex(signature)


def verify_auth_token(token: str, public_key_hex: str) -> bool:
    """True iff the token's signature is valid for its ``deadline:account:api_key`` under this key.

    The deadline itself is not checked here (the caller compares it with its clock).
    """
    parsed = parse_auth_token(token)
    key = _public_key_or_none(public_key_hex)
    if parsed is None or key is None:
        return False
    deadline, account, api_key, signature = parsed
    return schnorr.verify(key, auth_message(deadline, account, api_key), signature)


def _public_key_or_none(public_key_hex: str) -> Optional[bytes]:
    try:
        return _parse_hex(public_key_hex, 40, "public key")
    except SignerRequestRejected:
        return None


def verify_tx_info(tx_type: int, tx_info: Union[Mapping[str, Any], str], chain_id: int,
                   public_key_hex: str) -> bool:
    """True iff ``tx_info['Sig']`` is a valid signature of the tx hash under ``public_key_hex``."""
    key = _public_key_or_none(public_key_hex)
    try:
        info = json.loads(tx_info) if isinstance(tx_info, str) else tx_info
        signature = base64.b64decode(info["Sig"], validate=True)
        message = tx_hash_limbs(int(tx_type), info, int(chain_id))
    except (TxHashError, KeyError, TypeError, ValueError, binascii.Error):
        return False
    return key is not None and schnorr.verify(key, message, signature)


def tx_hash_for(tx: TxRequest, *, nonce: int, expired_at: int, api_key_index: int, account_index: int,
                chain_id: int, skip_nonce: bool = False) -> str:
    """The tx hash a signer would report for this request (deterministic; no key needed)."""
    info = build_tx_info(tx, nonce=nonce, expired_at=expired_at, api_key_index=api_key_index,
                         account_index=account_index, skip_nonce=skip_nonce,
                         now_ms=expired_at - TX_EXPIRY_MS)
    return tx_hash_from_info(int(tx.TX_TYPE), info, chain_id)


class PureSigner(SignerBackend):
    """Signs like the official library, in Python. Thread-safe; ``clock`` returns Unix seconds.

    Input checks mirror :class:`~ccxt_lighter.signer.native.NativeSigner` (same exception classes),
    so callers see the same behaviour whichever backend ``get_backend`` picked.
    """

    name = "pure"

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._keys: Dict[Tuple[int, int], _Key] = {}
        self._lock = threading.Lock()

    def register_key(self, private_key_hex: str, chain_id: int, api_key_index: int, account_index: int) -> None:
        check_slot(api_key_index, account_index)
        if not isinstance(chain_id, int) or isinstance(chain_id, bool) or not 0 < chain_id < 2**31:
            raise SignerRequestRejected("chain_id must be a positive integer (304 mainnet, 300 testnet)")
        try:
            key = _Key(_parse_hex(private_key_hex, 40, "private key"), chain_id)
        except ValueError as exc:
            raise SignerRequestRejected(str(exc)) from None
        with self._lock:
            self._keys[(account_index, api_key_index)] = key

    def _key(self, api_key_index: int, account_index: int) -> _Key:
        check_slot(api_key_index, account_index)
        key = self._keys.get((account_index, api_key_index))
        if key is None:
            raise SignerError(f"no key registered for account_index={account_index} "
                              f"api_key_index={api_key_index}; call register_key first")
        return key

    def sign(self, tx: TxRequest, *, nonce: int, api_key_index: int, account_index: int,
             skip_nonce: bool = False) -> SignedTx:
        if not isinstance(nonce, int) or isinstance(nonce, bool) or nonce < 0:
            raise SignerRequestRejected("nonce must be an explicit integer >= 0")
        key = self._key(api_key_index, account_index)
        now_ms = round(self._clock() * 1000)  # round: an injected clock of E/1000 gives E exactly
        try:
            validate(tx)
            check_rules(tx)
            info = build_tx_info(tx, nonce=nonce, expired_at=now_ms + TX_EXPIRY_MS,
                                 api_key_index=api_key_index, account_index=account_index,
                                 skip_nonce=skip_nonce, now_ms=now_ms)
            tx_type = int(tx.TX_TYPE)
            limbs = tx_hash_limbs(tx_type, info, key.chain_id)
        except (TxRangeError, TxRuleError, TxInfoError, TxHashError) as exc:
            raise SignerRequestRejected(str(exc)) from None
        info["Sig"] = base64.b64encode(schnorr.sign(key.private, limbs)).decode()
        return SignedTx(tx_type=tx_type, tx_info=json.dumps(info, separators=(",", ":")),
                        tx_hash=limbs_to_bytes(limbs).hex(),
                        message_to_sign=message_to_sign(tx_type, info, key.chain_id))

    def create_auth_token(self, deadline: int, api_key_index: int, account_index: int) -> str:
        if not isinstance(deadline, int) or isinstance(deadline, bool) or deadline <= 0:
            raise SignerRequestRejected("deadline must be an absolute Unix time in seconds")
        key = self._key(api_key_index, account_index)
        signature = schnorr.sign(key.private, auth_message(deadline, account_index, api_key_index))
        return f"{deadline}:{account_index}:{api_key_index}:{signature.hex()}"

    def generate_api_key(self) -> Tuple[str, str]:
        private = schnorr.generate_private_key()
        return private.hex(), schnorr.public_key(private).hex()

    def public_key(self, api_key_index: int, account_index: int) -> str:
        """The registered key's public key (hex), e.g. to compare with the venue's ``apikeys``."""
        return self._key(api_key_index, account_index).public.hex()

    def __repr__(self) -> str:
        return f"<PureSigner backend=pure keys={len(self._keys)}>"
