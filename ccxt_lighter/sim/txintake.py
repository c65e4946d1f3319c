"""Transaction intake, as Lighter's API server checks a tx before the sequencer runs it.

Venue facts (REFERENCE.md 3.2 sendTx/sendTxBatch, 5, 7.4, 7.7):
* ``tx_info`` is compact JSON with Go field names; a malformed one is 21501, an unknown type 21505;
* the account must exist (21100), the API key index be 0..254 (21110) and registered (21109);
* ``ExpiredAt`` (ms) is set by the client's signer from its wall clock: a tx past it is refused;
* nonces are per (account, api key): the next one must be previous + 1 (21104); with the
  skip-nonce attribute ("4": 1) any nonce greater than the previous one is accepted;
* the signature must verify against the registered public key (21120);
* batches: <= 50 txs (21514), equal list lengths (21513), one account and key (21121),
  consecutive nonces (21105).
A rejected tx consumes no nonce.

Invariant: :func:`decode` never touches engine state; :func:`authenticate` only reads it.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Union

from .errors import LighterError
from .model import Account, ApiKey

ORDER_FIELDS = ("MarketIndex", "ClientOrderIndex", "BaseAmount", "Price", "IsAsk", "Type", "TimeInForce",
                "ReduceOnly", "TriggerPrice", "OrderExpiry")
COMMON = ("ApiKeyIndex", "ExpiredAt", "Nonce")
FIELDS: Dict[int, tuple] = {
    8: ("AccountIndex", "PubKey"),
    9: ("AccountIndex",),
    12: ("FromAccountIndex", "ToAccountIndex", "AssetIndex", "FromRouteType", "ToRouteType", "Amount", "USDCFee"),
    13: ("FromAccountIndex", "AssetIndex", "RouteType", "Amount"),
    14: ("AccountIndex",) + ORDER_FIELDS,
    15: ("AccountIndex", "MarketIndex", "Index"),
    16: ("AccountIndex", "TimeInForce", "Time"),
    17: ("AccountIndex", "MarketIndex", "Index", "BaseAmount", "Price", "TriggerPrice"),
    20: ("AccountIndex", "MarketIndex", "InitialMarginFraction", "MarginMode"),
    28: ("AccountIndex", "GroupingType"),
    29: ("AccountIndex", "MarketIndex", "USDCAmount", "Direction"),
    45: ("AccountIndex", "IntegratorAccountIndex", "MaxPerpsTakerFee", "MaxPerpsMakerFee", "MaxSpotTakerFee",
         "MaxSpotMakerFee", "ApprovalExpiry"),
}
STRING_FIELDS = {"PubKey", "Sig", "L1Sig"}
MAX_BATCH = 50


@dataclass
class Tx:
    tx_type: int
    info: Dict[str, Any]
    text: str
    account_index: int
    api_key_index: int
    nonce: int
    expired_at: int
    attributes: Dict[str, int] = field(default_factory=dict)

    @property
    def skip_nonce(self) -> bool:
        return self.attributes.get("4", 0) == 1


def _int_field(info: dict, name: str) -> int:
    value = info.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise LighterError(21501, detail=f"{name} is missing or not an integer")
    return value


def _attributes(info: dict) -> Dict[str, int]:
    raw = info.get("L2TxAttributes")
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > 4:
        raise LighterError(21501, detail="L2TxAttributes must be an object with at most 4 entries")
    out = {}
    for key, value in raw.items():
        if key not in "1234567" or len(key) != 1 or not isinstance(value, int) or isinstance(value, bool):
            raise LighterError(21501, detail=f"bad L2TxAttributes entry {key!r}")
        out[key] = value
    return out


def _check_orders(info: dict) -> None:
    orders = info.get("Orders")
    if not isinstance(orders, list) or not orders or not all(isinstance(o, dict) for o in orders):
        raise LighterError(21501, detail="Orders must be a non-empty list of objects")
    for o in orders:
        for name in ORDER_FIELDS:
            _int_field(o, name)


def decode(tx_type: Any, tx_info: Union[str, bytes, dict]) -> Tx:
    """Parse and shape-check one tx (no state access)."""
    try:
        tx_type = int(tx_type)
    except (TypeError, ValueError):
        raise LighterError(21501, detail="tx_type is not an integer") from None
    if isinstance(tx_info, (bytes, bytearray)):
        tx_info = tx_info.decode("utf-8", "replace")
    if isinstance(tx_info, str):
        try:
            info = json.loads(tx_info)
        except ValueError:
            raise LighterError(21501, detail="tx_info is not JSON") from None
        text = tx_info
    else:
        info, text = tx_info, json.dumps(tx_info, separators=(",", ":"))
    if not isinstance(info, dict):
        raise LighterError(21501, detail="tx_info must be a JSON object")
    if tx_type not in FIELDS:
        raise LighterError(21505)
    for name in FIELDS[tx_type] + COMMON:
        if name in STRING_FIELDS:
            if not isinstance(info.get(name), str):
                raise LighterError(21501, detail=f"{name} is missing")
        else:
            _int_field(info, name)
    if not isinstance(info.get("Sig"), str):
        raise LighterError(21501, detail="Sig is missing")
    if tx_type == 28:
        _check_orders(info)
    account = info["FromAccountIndex"] if tx_type in (12, 13) else info["AccountIndex"]
    return Tx(tx_type, info, text, account, info["ApiKeyIndex"], info["Nonce"], info["ExpiredAt"],
              _attributes(info))


def signature_bytes_ok(sig: str) -> bool:
    try:
        return len(base64.b64decode(sig, validate=True)) == 80
    except (binascii.Error, ValueError):
        return False


def lookup_key(accounts: Dict[int, Account], tx: Tx) -> ApiKey:
    acct = accounts.get(tx.account_index)
    if acct is None:
        raise LighterError(21100)
    if not 0 <= tx.api_key_index <= 254:
        raise LighterError(21110)
    key = acct.api_keys.get(tx.api_key_index)
    if key is None and tx.tx_type != 8:
        raise LighterError(21109)
    return key


def check_nonce(tx: Tx, expected: int) -> None:
    ok = tx.nonce >= expected if tx.skip_nonce else tx.nonce == expected
    if not ok or tx.nonce >= 2**48:
        raise LighterError(21104)


def check_expiry(tx: Tx, wall_ms: int) -> None:
    if tx.expired_at <= wall_ms:
        raise LighterError(21501, detail="transaction expired (ExpiredAt passed)")


def check_batch_shape(tx_types: Sequence, tx_infos: Sequence) -> None:
    if len(tx_types) != len(tx_infos):
        raise LighterError(21513)
    if len(tx_types) > MAX_BATCH:
        raise LighterError(21514)
    if not tx_types:
        raise LighterError(21501, detail="empty batch")


def check_batch_chain(txs: List[Tx]) -> None:
    first = txs[0]
    for tx in txs[1:]:
        if (tx.account_index, tx.api_key_index) != (first.account_index, first.api_key_index):
            raise LighterError(21121)
    for prev, tx in zip(txs, txs[1:]):
        if tx.nonce != prev.nonce + 1:
            raise LighterError(21105)


def verifier() -> Optional[Any]:
    """The pure-Python verifier module when it exists (``verify_tx_info``/``verify_auth_token``)."""
    try:
        from ..signer import pure
    except ImportError:
        return None
    if hasattr(pure, "verify_tx_info") and hasattr(pure, "verify_auth_token"):
        return pure
    return None
