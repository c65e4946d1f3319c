"""Build the exact ``tx_info`` JSON object the official signer emits, and the L1 message texts.

Venue facts (REFERENCE.md 7.4, 8.3; checked field by field against lighter-sdk 1.1.8's library):

* compact JSON with Go field names in Go struct order; ``Sig`` is base64 of 80 bytes, ``PubKey``
  base64 of 40 bytes, Transfer's ``Memo`` an array of 32 byte values, ``L1Sig`` ``""`` (filled by the
  caller after the L1 wallet signs);
* ``L2TxAttributes`` is ``null`` or an object with the attributes whose value differs from the
  type's nil value, keys ``"1"``..``"8"`` in ascending order (Go sorts map keys);
* ``ExpiredAt`` = now + 10 min - 1 s (ms); an ``OrderExpiry`` of -1 means now + 28 days;
* ``messageToSign`` exists for ChangePubKey, Transfer and ApproveIntegrator only; numbers in it are
  ``0x`` + 16 hex digits.

Invariant: the dict returned by :func:`build_tx_info` hashes (``txhash.tx_hash_from_info``) to the
same value the native signer reports for the same request, nonce and ExpiredAt.
"""
from __future__ import annotations

import base64
from typing import Any, Dict, List, Optional

from ...orders import (DEFAULT_ORDER_EXPIRY_MS, FEE_TICK, ApproveIntegrator, CancelAllOrders,
                       CancelOrder, ChangePubKey, CreateGroupedOrders, CreateOrder, CreateSubAccount,
                       ModifyOrder, OrderSpec, Transfer, TxAttributes, TxRequest, UpdateLeverage,
                       UpdateMargin, Withdraw)
from .txhash import ATTRIBUTE_NIL_VALUES

L1_FOOTER = "Only sign this message for a trusted client!"


class TxInfoError(ValueError):
    """The request cannot be turned into a tx_info (the message says which field)."""


def _order_dict(o: OrderSpec, now_ms: int) -> Dict[str, int]:
    expiry = now_ms + DEFAULT_ORDER_EXPIRY_MS if o.order_expiry == -1 else o.order_expiry
    return {"MarketIndex": o.market_index, "ClientOrderIndex": o.client_order_index,
            "BaseAmount": o.base_amount, "Price": o.price, "IsAsk": o.is_ask, "Type": o.order_type,
            "TimeInForce": o.time_in_force, "ReduceOnly": o.reduce_only,
            "TriggerPrice": o.trigger_price, "OrderExpiry": expiry}


def _attributes(tx: TxRequest, skip_nonce: bool) -> Optional[Dict[str, int]]:
    values: Dict[int, int] = {}
    attrs: Optional[TxAttributes] = getattr(tx, "attributes", None)
    if attrs is not None:
        values.update({1: attrs.integrator_account_index, 2: attrs.integrator_taker_fee,
                       3: attrs.integrator_maker_fee, 4: attrs.skip_nonce,
                       6: attrs.self_trade_behavior, 7: attrs.self_trade_equality})
    if isinstance(tx, CancelAllOrders):
        values[5] = tx.market_index
    if isinstance(tx, ModifyOrder):
        values[8] = tx.order_version
    if skip_nonce:
        values[4] = 1
    present = {k: v for k, v in sorted(values.items()) if v != ATTRIBUTE_NIL_VALUES[k]}
    _check_attributes(present)
    return {str(k): v for k, v in present.items()} or None


# attribute type -> (min, max, the Go signer's message when out of range)
_ATTRIBUTE_RANGES = {
    1: (0, 2**48 - 2, "IntegratorAccountIndex is in invalid range"),
    2: (0, FEE_TICK, "Integrator fees are in invalid range"),
    3: (0, FEE_TICK, "Integrator fees are in invalid range"),
    4: (1, 1, "Nonce skip attribute is invalid"),
    5: (0, 65535, "Cancel all for market index attribute is in invalid range"),
    6: (0, 3, "SelfTradeBehaviorMode is in invalid range"),
    7: (0, 1, "SelfTradeEqualityMode is in invalid range"),
    8: (0, 2**48 - 1, "OrderOrderVersion is in invalid range"),
}


def _check_attributes(a: Dict[int, int]) -> None:
    """lighter-go ``L2TxAttributes.Validate`` (same rules, same wording)."""
    if len(a) > 4:
        raise TxInfoError("Too many attributes, should not be larger than 4")
    for attr_type, value in a.items():
        low, high, message = _ATTRIBUTE_RANGES[attr_type]
        if not low <= value <= high:
            raise TxInfoError(message)
    has_fees = bool(a.get(2) or a.get(3))
    if has_fees and not a.get(1):
        raise TxInfoError("IntegratorAccountIndex should be non-zero when integrator taker fee or "
                          "maker fee is non-zero")
    if has_fees and (a.get(6) or a.get(7)):
        raise TxInfoError("Self-trade specification isn't allowed with integrator fees")
    if a.get(6) == 3 and a.get(7) == 1:
        raise TxInfoError("Reduce self-trade behavior mode isn't allowed with master account index "
                          "equality mode")


def memo_bytes(memo: str) -> bytes:
    """Transfer memo: 32 raw characters, 64 hex chars, or 66 with ``0x`` (as the Go signer accepts)."""
    text = memo[2:] if len(memo) == 66 and memo[:2] in ("0x", "0X") else memo
    if len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            raise TxInfoError("memo is not valid hex") from None
    raw = memo.encode()
    if len(raw) == 32:
        return raw
    raise TxInfoError(f"memo expected to be 32 bytes or 64 hex encoded or 66 if 0x hex encoded -- "
                      f"long but received {len(raw)}")


def public_key_bytes(hex_key: str) -> bytes:
    text = hex_key[2:] if hex_key[:2] in ("0x", "0X") else hex_key
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raise TxInfoError("public key is not valid hex") from None
    if len(raw) != 40:
        raise TxInfoError("public key must be 40 bytes (80 hex characters)")
    return raw


def _body(tx: TxRequest, now_ms: int) -> Dict[str, Any]:
    """Type-specific fields, in Go struct order (between ApiKeyIndex and ExpiredAt)."""
    if isinstance(tx, CreateOrder):
        return _order_dict(tx.order, now_ms)
    if isinstance(tx, CreateGroupedOrders):
        return {"GroupingType": tx.grouping_type, "Orders": [_order_dict(o, now_ms) for o in tx.orders]}
    if isinstance(tx, CancelOrder):
        return {"MarketIndex": tx.market_index, "Index": tx.index}
    if isinstance(tx, CancelAllOrders):
        return {"TimeInForce": tx.time_in_force, "Time": tx.time}
    if isinstance(tx, ModifyOrder):
        return {"MarketIndex": tx.market_index, "Index": tx.index, "BaseAmount": tx.base_amount,
                "Price": tx.price, "TriggerPrice": tx.trigger_price}
    if isinstance(tx, UpdateLeverage):
        return {"MarketIndex": tx.market_index, "InitialMarginFraction": tx.initial_margin_fraction,
                "MarginMode": tx.margin_mode}
    if isinstance(tx, UpdateMargin):
        return {"MarketIndex": tx.market_index, "USDCAmount": tx.usdc_amount, "Direction": tx.direction}
    if isinstance(tx, Withdraw):
        return {"AssetIndex": tx.asset_index, "RouteType": tx.route_type, "Amount": tx.amount}
    if isinstance(tx, Transfer):
        return {"ToAccountIndex": tx.to_account_index, "AssetIndex": tx.asset_index,
                "FromRouteType": tx.from_route_type, "ToRouteType": tx.to_route_type,
                "Amount": tx.amount, "USDCFee": tx.usdc_fee, "Memo": list(memo_bytes(tx.memo))}
    if isinstance(tx, CreateSubAccount):
        return {}
    if isinstance(tx, ChangePubKey):
        return {"PubKey": base64.b64encode(public_key_bytes(tx.new_public_key)).decode(), "L1Sig": ""}
    if isinstance(tx, ApproveIntegrator):
        return {"IntegratorAccountIndex": tx.integrator_account_index,
                "MaxPerpsTakerFee": tx.max_perps_taker_fee, "MaxPerpsMakerFee": tx.max_perps_maker_fee,
                "MaxSpotTakerFee": tx.max_spot_taker_fee, "MaxSpotMakerFee": tx.max_spot_maker_fee,
                "ApprovalExpiry": tx.approval_expiry}
    raise TxInfoError(f"unsupported request type {type(tx).__name__}")


def build_tx_info(tx: TxRequest, *, nonce: int, expired_at: int, api_key_index: int,
                  account_index: int, skip_nonce: bool = False, now_ms: int = 0) -> Dict[str, Any]:
    """The tx_info object with ``Sig`` left as None (its position is kept for serialisation)."""
    account_key = "FromAccountIndex" if isinstance(tx, (Transfer, Withdraw)) else "AccountIndex"
    info: Dict[str, Any] = {account_key: account_index, "ApiKeyIndex": api_key_index}
    info.update(_body(tx, now_ms))          # ChangePubKey's L1Sig sits before ExpiredAt
    info.update({"ExpiredAt": expired_at, "Nonce": nonce, "Sig": None})
    if isinstance(tx, (Transfer, ApproveIntegrator)):
        info["L1Sig"] = ""                   # ... theirs after Sig
    info["L2TxAttributes"] = _attributes(tx, skip_nonce)
    return info


def _hex16(value: int) -> str:
    return f"0x{value & 0xFFFFFFFFFFFFFFFF:016x}"


def _lines(title: str, rows: List[str]) -> str:
    return "\n".join([title, ""] + rows + [L1_FOOTER])


def message_to_sign(tx_type: int, info: Dict[str, Any], chain_id: int) -> Optional[str]:
    """The text the L1 (Ethereum) wallet signs for this tx_info, or None when none is needed."""
    h = _hex16
    if tx_type == 8:
        pub = base64.b64decode(info["PubKey"]).hex()
        return _lines("Register Lighter Account", [
            f"pubkey: 0x{pub}", f"nonce: {h(info['Nonce'])}", f"account index: {h(info['AccountIndex'])}",
            f"api key index: {h(info['ApiKeyIndex'])}"])
    if tx_type == 12:
        return _lines("Transfer", [
            f"nonce: {h(info['Nonce'])}",
            f"from: {h(info['FromAccountIndex'])} (route {h(info['FromRouteType'])})",
            f"api key: {h(info['ApiKeyIndex'])}",
            f"to: {h(info['ToAccountIndex'])} (route {h(info['ToRouteType'])})",
            f"asset: {h(info['AssetIndex'])}", f"amount: {h(info['Amount'])}", f"fee: {h(info['USDCFee'])}",
            f"chainId: {h(chain_id)}", f"memo: {bytes(info['Memo']).hex()}"])
    if tx_type == 45:
        return _lines("Approve Integrator", [
            f"nonce: {h(info['Nonce'])}", f"account index: {h(info['AccountIndex'])}",
            f"api key index: {h(info['ApiKeyIndex'])}",
            f"integrator account index: {h(info['IntegratorAccountIndex'])}",
            f"max perps taker fee: {h(info['MaxPerpsTakerFee'])}",
            f"max perps maker fee: {h(info['MaxPerpsMakerFee'])}",
            f"max spot taker fee: {h(info['MaxSpotTakerFee'])}",
            f"max spot maker fee: {h(info['MaxSpotMakerFee'])}",
            f"approval expiry: {h(info['ApprovalExpiry'])}", f"chainId: {h(chain_id)}"])
    return None

