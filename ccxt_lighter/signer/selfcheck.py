"""Load-time check of the official signer library, run before it signs anything.

Why (REFERENCE.md 7.6): lighter-go changed its C ABI without renaming functions (``int`` ->
``long long`` market indexes, int16 -> int64 ``CreateOrderTxReq.MarketIndex``, ``orderVersion``
added to ``SignModifyOrder``). A library of another generation loads fine and then signs garbage
or shifted fields. So a library is accepted only if:

1. every function we bind, plus the generation markers, is exported (:data:`abi.REQUIRED_SYMBOLS`);
2. no symbol of a superseded ABI is exported (:data:`abi.FORBIDDEN_SYMBOLS`);
3. signing fixed requests offline with a throw-away key at a reserved slot gives back exactly the
   inputs in ``tx_info`` (every field: catches argument-order and struct-layout drift, uint32
   prices above 2**31, attribute slots), and ``tx_hash`` equals the pure-Python Poseidon2 hash of
   that ``tx_info`` (``ExpiredAt`` is now + 10 min inside the library, so the hash is recomputed,
   not stored).

Invariant: the probe key is registered at :data:`PROBE_SLOT` only, before any user key (so the
library's process-global chain id is later overwritten by the user's own ``CreateClient``), and
it is a published throw-away key that controls nothing.
"""
from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Tuple

from .. import orders as o
from . import abi
from .base import SignerError
from .locate import INSTALL_HINT, SignerIncompatible

# Throw-away key published in shared/signing/vectors/native_signer_tx_examples.json ("generated_key").
PROBE_PRIVATE_KEY = "08815f2bb3f41e36f37c30de70f9a46f5e3781d795b14c534abad845d9b8c50f0b151235da29eb04"
PROBE_PUBLIC_KEY = "a28d3db783789b7992614712f82a43d0d87133fbd5e81a9649ea2abf030f55c78b9b164f29993c21"
# The library rejects AccountIndex > 2**48 - 2; we take that last index with the last key slot.
PROBE_SLOT = (2**48 - 2, 254)  # (account_index, api_key_index)
PROBE_CHAIN_ID = 304
PROBE_NONCE = 2**40 + 7
_HEX80 = re.compile(r"^[0-9a-f]{80}$")


@dataclass(frozen=True)
class LoadCheck:
    path: str
    probe_tx_hash: str  # tx hash of the first probe signature (a CreateOrder)
    probes: int
    hash_verified: bool  # False only while the pure-Python hasher is not installed


def pure_tx_hash() -> Optional[Callable]:
    """``tx_hash_from_info`` of the pure signer, or None if that module does not exist (yet)."""
    try:
        from .pure.txhash import tx_hash_from_info
    except ModuleNotFoundError as exc:
        if exc.name in ("ccxt_lighter.signer.pure", "ccxt_lighter.signer.pure.txhash"):
            return None
        raise
    return tx_hash_from_info


def _order_fields(s: o.OrderSpec) -> dict:
    return {"MarketIndex": s.market_index, "ClientOrderIndex": s.client_order_index,
            "BaseAmount": s.base_amount, "Price": s.price, "IsAsk": s.is_ask, "Type": s.order_type,
            "TimeInForce": s.time_in_force, "ReduceOnly": s.reduce_only, "TriggerPrice": s.trigger_price,
            "OrderExpiry": s.order_expiry}


def probe_requests(now_ms: int) -> List[Tuple[object, dict, bool]]:
    """(request, expected tx_info fields except ExpiredAt/Sig/Nonce/slot, skip_nonce) per probe.

    Chosen so that for every pair of same-typed arguments some probe gives them different values
    (a swap cannot go unnoticed); prices sit above 2**31 to prove the uint32-through-C-int path.
    """
    expiry = now_ms + 20 * 24 * 3600 * 1000
    stop_limit = o.OrderSpec(5, 2**40 + 12345, 2**47 + 99, 3_000_000_001, 0, 3, 1, 1, 2_999_999_999, expiry)
    spot = o.OrderSpec(2049, 77, 5, 123, 1, 0, 2, 0, 0, expiry + 1)
    parent = o.OrderSpec(4, 0, 1234, 3_000_000_010, 0, 0, 1, 0, 0, expiry)
    sl = o.OrderSpec(4, 0, 0, 2_900_000_000, 1, 2, 0, 1, 2_950_000_000, expiry)
    tp = o.OrderSpec(4, 0, 0, 3_100_000_000, 1, 4, 0, 1, 3_050_000_000, expiry)
    return [
        (o.CreateOrder(stop_limit, o.TxAttributes(self_trade_behavior=2, self_trade_equality=1)),
         {**_order_fields(stop_limit), "L2TxAttributes": {"6": 2, "7": 1}}, False),
        (o.CreateOrder(spot, o.TxAttributes(integrator_account_index=12345, integrator_taker_fee=123,
                                            integrator_maker_fee=45)),
         {**_order_fields(spot), "L2TxAttributes": {"1": 12345, "2": 123, "3": 45, "4": 1}}, True),
        (o.ModifyOrder(6, 2**48 + 3, 2**47 + 5, 4_000_000_000, 0, order_version=9),
         {"MarketIndex": 6, "Index": 2**48 + 3, "BaseAmount": 2**47 + 5, "Price": 4_000_000_000,
          "TriggerPrice": 0, "L2TxAttributes": {"8": 9}}, False),
        (o.CreateGroupedOrders(3, (parent, sl, tp)),
         {"GroupingType": 3, "Orders": [_order_fields(x) for x in (parent, sl, tp)], "L2TxAttributes": None}, False),
    ]


def check_symbols(lib) -> None:
    missing = abi.missing_symbols(lib.cdll, abi.REQUIRED_SYMBOLS)
    if missing:
        raise SignerIncompatible(f"{lib.path} lacks {', '.join(missing)}: not a lighter-sdk 1.1.8-generation "
                                 f"signer library; {INSTALL_HINT}")
    forbidden = abi.present_symbols(lib.cdll, abi.FORBIDDEN_SYMBOLS)
    if forbidden:
        raise SignerIncompatible(f"{lib.path} exports {', '.join(forbidden)} (a superseded signer ABI); "
                                 f"{INSTALL_HINT}")


def _mismatch(lib, what: str) -> SignerIncompatible:
    return SignerIncompatible(f"{lib.path} failed the signing self-check ({what}); its ABI or behaviour differs "
                              f"from lighter-sdk 1.1.8; {INSTALL_HINT}")


def _register_probe(lib) -> None:
    account, api_key = PROBE_SLOT
    err = lib.call("CreateClient", url="", private_key=PROBE_PRIVATE_KEY, chain_id=PROBE_CHAIN_ID,
                   api_key_index=api_key, account_index=account)
    message = abi.take_string(lambda p: lib.free(p), err)
    if message:
        raise _mismatch(lib, "CreateClient refused the probe key")
    lib.l1_chain = PROBE_CHAIN_ID


def _check_one(lib, tx, expected: dict, skip: bool, nonce: int, now_ms: int, hasher) -> str:
    from .native import build_call

    account, api_key = PROBE_SLOT
    name, values = build_call(tx, nonce=nonce, api_key_index=api_key, account_index=account, skip_nonce=skip)
    try:
        signed = lib.signed(name, **values)
    except SignerError as exc:  # refused a valid request, or returned no tx_info/tx_hash
        raise _mismatch(lib, f"{name}: {exc}") from None
    try:
        info = json.loads(signed.tx_info)
    except ValueError:
        info = None
    if not isinstance(info, dict):
        raise _mismatch(lib, f"{name} returned tx_info that is not a JSON object")
    want = {"AccountIndex": account, "ApiKeyIndex": api_key, "Nonce": nonce, **expected}
    wrong = sorted(k for k, v in want.items() if info.get(k, object()) != v)
    if wrong:
        raise _mismatch(lib, f"{name} tx_info fields differ from the input: {', '.join(wrong)}")
    _check_envelope(lib, name, signed, info, int(tx.TX_TYPE), now_ms)
    if hasher is not None and _pure_hash(hasher, signed.tx_type, info) != signed.tx_hash:
        raise _mismatch(lib, f"{name} tx_hash is not the Poseidon2 hash of its tx_info")
    return signed.tx_hash


def _pure_hash(hasher, tx_type: int, info: dict) -> Optional[str]:
    try:
        return hasher(tx_type, info, PROBE_CHAIN_ID)
    except ValueError:  # TxHashError: tx_info the pure hasher cannot read is a mismatch too
        return None


def _check_envelope(lib, name: str, signed, info: dict, tx_type: int, now_ms: int) -> None:
    if signed.tx_type != tx_type:
        raise _mismatch(lib, f"{name} returned tx_type {signed.tx_type}, expected {tx_type}")
    if not _HEX80.match(signed.tx_hash):
        raise _mismatch(lib, f"{name} returned a tx_hash that is not 80 lowercase hex characters")
    expired_at = info.get("ExpiredAt")
    if not isinstance(expired_at, int) or not now_ms <= expired_at <= now_ms + 11 * 60 * 1000 + 60_000:
        raise _mismatch(lib, f"{name} ExpiredAt is not about now + 10 minutes")
    try:
        sig = base64.b64decode(info.get("Sig") or "", validate=True)
    except ValueError:
        sig = b""
    if len(sig) != 80:
        raise _mismatch(lib, f"{name} Sig is not 80 bytes of base64")


def run_load_check(lib) -> None:
    """Symbols, then behaviour; sets ``lib.check`` or raises :class:`SignerIncompatible`."""
    check_symbols(lib)
    lib.bind()
    _register_probe(lib)
    hasher = pure_tx_hash()
    now_ms = int(time.time() * 1000)
    hashes = [_check_one(lib, tx, expected, skip, PROBE_NONCE + i, now_ms, hasher)
              for i, (tx, expected, skip) in enumerate(probe_requests(now_ms))]
    lib.check = LoadCheck(str(lib.path), hashes[0], len(hashes), hasher is not None)
