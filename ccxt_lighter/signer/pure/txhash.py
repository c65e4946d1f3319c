"""Transaction hashes: the Poseidon2 digest Lighter signs and reports as ``tx_hash``.

Venue facts (REFERENCE.md 7.4, 7.5; lighter-go ``types/txtypes/*.go Hash()`` and
``tx_attributes.go``; every layout below reproduces the official signer's hashes):

* the hashed element list starts ``[chain_id, tx_type, Nonce, ExpiredAt, <account>, ApiKeyIndex]``
  (``<account>`` is ``FromAccountIndex`` for Transfer and Withdraw) followed by type-specific
  fields in a fixed order; 64-bit amounts of Transfer, Withdraw and UpdateMargin are split into
  their low and high 32 bits; Transfer's memo is not hashed; ChangePubKey appends the five limbs
  of the new public key; grouped orders hash each order to 4 elements and fold them left with
  ``hash_two_to_one``;
* the list is hashed "to quintic" (5 limbs); when ``L2TxAttributes`` holds entries that differ from
  their type's nil value the result is re-hashed together with the hash of those sorted
  ``(type, value)`` pairs (padded with zero pairs to 4): ``H(tx_limbs || H(pairs))``;
* ``tx_hash`` = the 5 limbs as 40 little-endian bytes, in lowercase hex (80 chars).

Invariant: :func:`tx_hash_from_info` depends only on the wire ``tx_info`` (never on ``Sig`` or
``L1Sig``), so a signer, a verifier and the simulator all derive the same hash from the same JSON.
"""
from __future__ import annotations

import base64
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from .poseidon2 import bytes_to_limbs, hash_no_pad, hash_to_quintic, hash_two_to_one, limbs_to_bytes

_LO32 = 0xFFFFFFFF
NB_ATTRIBUTES_PER_TX = 4
# Attribute type -> its nil value (lighter-go tx_attributes.go): an entry equal to its nil value is
# not hashed. 1 integrator account, 2/3 integrator taker/maker fee, 4 skip nonce, 5 cancel-all
# market index (nil 255 = every market, so market 0 *is* hashed), 6/7 self-trade behaviour/equality,
# 8 order version (ModifyOrder).
ATTRIBUTE_NIL_VALUES = {1: 0, 2: 0, 3: 0, 4: 0, 5: 255, 6: 0, 7: 0, 8: 0}

# Field names after the common header, in hash order. "name/split" = 64-bit value split lo32, hi32.
_ORDER_FIELDS = ("MarketIndex", "ClientOrderIndex", "BaseAmount", "Price", "IsAsk", "Type",
                 "TimeInForce", "ReduceOnly", "TriggerPrice", "OrderExpiry")
LAYOUTS: Dict[int, Tuple[str, Tuple[str, ...]]] = {
    8: ("AccountIndex", ("PubKey/pubkey",)),
    9: ("AccountIndex", ()),
    10: ("AccountIndex", ("OperatorFee", "InitialTotalShares", "MinOperatorShareRate")),
    11: ("AccountIndex", ("PublicPoolIndex", "Status", "OperatorFee", "MinOperatorShareRate")),
    12: ("FromAccountIndex", ("ToAccountIndex", "AssetIndex", "FromRouteType", "ToRouteType",
                              "Amount/split", "USDCFee/split")),
    13: ("FromAccountIndex", ("AssetIndex", "RouteType", "Amount/split")),
    14: ("AccountIndex", _ORDER_FIELDS),
    15: ("AccountIndex", ("MarketIndex", "Index")),
    16: ("AccountIndex", ("TimeInForce", "Time")),
    17: ("AccountIndex", ("MarketIndex", "Index", "BaseAmount", "Price", "TriggerPrice")),
    18: ("AccountIndex", ("PublicPoolIndex", "ShareAmount")),
    19: ("AccountIndex", ("PublicPoolIndex", "ShareAmount")),
    20: ("AccountIndex", ("MarketIndex", "InitialMarginFraction", "MarginMode")),
    28: ("AccountIndex", ("GroupingType", "Orders/grouped")),
    29: ("AccountIndex", ("MarketIndex", "USDCAmount/split", "Direction")),
    35: ("AccountIndex", ("StakingPoolIndex", "ShareAmount")),
    36: ("AccountIndex", ("StakingPoolIndex", "ShareAmount")),
    41: ("AccountIndex", ("AccountTradingMode",)),
    42: ("AccountIndex", ("AssetIndex", "AssetMarginMode")),
    45: ("AccountIndex", ("IntegratorAccountIndex", "MaxPerpsTakerFee", "MaxPerpsMakerFee",
                          "MaxSpotTakerFee", "MaxSpotMakerFee", "ApprovalExpiry")),
}


class TxHashError(ValueError):
    """tx_info cannot be hashed: unknown tx type, a missing field or a malformed value."""


def _int(info: Mapping[str, Any], name: str) -> int:
    try:
        value = info[name]
    except KeyError:
        raise TxHashError(f"tx_info has no {name}") from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise TxHashError(f"tx_info {name} must be an integer")
    if not -(1 << 63) <= value < (1 << 64):  # Go parses into 64-bit fields; never alias values mod 2^64
        raise TxHashError(f"tx_info {name} is outside the 64-bit range")
    return value


def _order_hash(order: Mapping[str, Any]) -> List[int]:
    return hash_no_pad([_int(order, name) for name in _ORDER_FIELDS])


def grouped_orders_hash(orders: Sequence[Mapping[str, Any]]) -> List[int]:
    """Left fold of per-order 4-element hashes; an empty list hashes to four zeros."""
    acc = [0, 0, 0, 0]
    for i, order in enumerate(orders):
        h = _order_hash(order)
        acc = h if i == 0 else hash_two_to_one(acc, h)
    return acc


def public_key_limbs(value: Any) -> List[int]:
    """ChangePubKey's ``PubKey``: base64 (tx_info) or hex (request) of the 40-byte key -> 5 limbs."""
    if not isinstance(value, str):
        raise TxHashError("PubKey must be a string")
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raise TxHashError("PubKey is not valid base64") from None
    if len(raw) != 40:
        raise TxHashError("PubKey must decode to 40 bytes")
    return bytes_to_limbs(raw)


def _field_elements(info: Mapping[str, Any], spec: str) -> List[int]:
    name, _, kind = spec.partition("/")
    if kind == "split":
        value = _int(info, name)
        return [value & _LO32, (value & 0xFFFFFFFFFFFFFFFF) >> 32]
    if kind == "pubkey":
        return public_key_limbs(info.get(name))
    if kind == "grouped":
        orders = info.get(name)
        if not isinstance(orders, list) or not all(isinstance(o, dict) for o in orders):
            raise TxHashError("Orders must be a list of objects")
        return grouped_orders_hash(orders)
    return [_int(info, name)]


def tx_elements(tx_type: int, info: Mapping[str, Any], chain_id: int) -> List[int]:
    """The element list hashed for this tx (before attribute aggregation)."""
    try:
        account_field, fields = LAYOUTS[tx_type]
    except KeyError:
        raise TxHashError(f"no hash layout for tx_type {tx_type}") from None
    elems = [chain_id, tx_type, _int(info, "Nonce"), _int(info, "ExpiredAt"),
             _int(info, account_field), _int(info, "ApiKeyIndex")]
    for spec in fields:
        elems.extend(_field_elements(info, spec))
    return elems


def attribute_pairs(attributes: Any) -> List[Tuple[int, int]]:
    """Non-nil ``L2TxAttributes`` entries as sorted ``(type, value)`` pairs."""
    if attributes is None:
        return []
    if not isinstance(attributes, dict):
        raise TxHashError("L2TxAttributes must be null or an object")
    pairs = []
    for key, value in attributes.items():
        attr_type = int(key) if isinstance(key, str) and key.isdigit() else None
        if attr_type not in ATTRIBUTE_NIL_VALUES:
            raise TxHashError(f"unknown L2TxAttributes key {key!r}")
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < (1 << 64):
            raise TxHashError(f"L2TxAttributes[{key}] must be a non-negative 64-bit integer")
        if value != ATTRIBUTE_NIL_VALUES[attr_type]:
            pairs.append((attr_type, value))
    if len(pairs) > NB_ATTRIBUTES_PER_TX:
        raise TxHashError(f"at most {NB_ATTRIBUTES_PER_TX} attributes per transaction")
    return sorted(pairs)


def aggregate_attributes(tx_limbs: List[int], pairs: List[Tuple[int, int]]) -> List[int]:
    if not pairs:
        return tx_limbs
    flat: List[int] = []
    for attr_type, value in pairs + [(0, 0)] * (NB_ATTRIBUTES_PER_TX - len(pairs)):
        flat += (attr_type, value)
    return hash_to_quintic(tx_limbs + hash_to_quintic(flat))


def tx_hash_limbs(tx_type: int, tx_info: Mapping[str, Any], chain_id: int) -> List[int]:
    """The signed message: 5 Goldilocks limbs."""
    pairs = attribute_pairs(tx_info.get("L2TxAttributes"))
    return aggregate_attributes(hash_to_quintic(tx_elements(tx_type, tx_info, chain_id)), pairs)


def tx_hash_from_info(tx_type: int, tx_info: Mapping[str, Any], chain_id: int) -> str:
    """``tx_hash`` (80 lowercase hex chars) of a wire ``tx_info`` object; raises :class:`TxHashError`."""
    return limbs_to_bytes(tx_hash_limbs(int(tx_type), tx_info, int(chain_id))).hex()
