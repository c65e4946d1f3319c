"""Signed vectors in shared/signing/vectors: re-sign the same inputs, compare tx_info and hashes.

Signatures and ExpiredAt (now + 10 min inside the library) differ between runs; every other
field must be identical, and each tx_hash must be the pure-Python Poseidon2 hash of its tx_info.
"""
from __future__ import annotations

import base64
import json
import os

import pytest

from ccxt_lighter import orders as o
from tests.conftest import SHARED

VECTORS = os.path.join(SHARED, "signing", "vectors")
NATIVE = json.load(open(os.path.join(VECTORS, "native_signer_tx_examples.json")))
NAUTILUS = json.load(open(os.path.join(VECTORS, "nautilus_signing_tx_oracle_subset.json")))
NATIVE_CHAIN = 304  # the Transfer vector's L1 message says chainId 0x130


def _entries():
    for name, call in NATIVE["calls"].items():
        if call.get("tx_info"):
            yield pytest.param(NATIVE_CHAIN, call["tx_type"], call["tx_info"], call["tx_hash"], "native", id=name)
    for i, vec in enumerate(NAUTILUS["vectors"]):
        info = json.loads(vec["tx_info"])
        tx_type = {"create_order": 14, "cancel_order": 15, "modify_order": 17}[vec["kind"]]
        yield pytest.param(vec["chain_id"], tx_type, info, vec["tx_hash"], "nautilus", id=f"nautilus-{i}-{vec['kind']}")


def _spec(d: dict) -> o.OrderSpec:
    return o.OrderSpec(d["MarketIndex"], d["ClientOrderIndex"], d["BaseAmount"], d["Price"], d["IsAsk"], d["Type"],
                       d["TimeInForce"], d["ReduceOnly"], d["TriggerPrice"], d["OrderExpiry"])


def request_from_info(tx_type: int, i: dict):
    """The request a vector's tx_info was signed from, and its skip-nonce flag."""
    a = i.get("L2TxAttributes") or {}
    attrs = o.TxAttributes(a.get("1", 0), a.get("2", 0), a.get("3", 0), self_trade_behavior=a.get("6", 0),
                           self_trade_equality=a.get("7", 0))
    builders = {
        14: lambda: o.CreateOrder(_spec(i), attrs),
        28: lambda: o.CreateGroupedOrders(i["GroupingType"], tuple(_spec(x) for x in i["Orders"]), attrs),
        15: lambda: o.CancelOrder(i["MarketIndex"], i["Index"]),
        16: lambda: o.CancelAllOrders(i["TimeInForce"], i["Time"], a.get("5", o.NIL_MARKET_INDEX)),
        17: lambda: o.ModifyOrder(i["MarketIndex"], i["Index"], i["BaseAmount"], i["Price"], i["TriggerPrice"],
                                  a.get("8", 0), attrs),
        20: lambda: o.UpdateLeverage(i["MarketIndex"], i["InitialMarginFraction"], i["MarginMode"]),
        29: lambda: o.UpdateMargin(i["MarketIndex"], i["USDCAmount"], i["Direction"]),
        12: lambda: o.Transfer(i["ToAccountIndex"], i["AssetIndex"], i["FromRouteType"], i["ToRouteType"],
                               i["Amount"], i["USDCFee"], bytes(i["Memo"]).hex()),
        13: lambda: o.Withdraw(i["AssetIndex"], i["RouteType"], i["Amount"]),
        9: lambda: o.CreateSubAccount(),
        8: lambda: o.ChangePubKey(base64.b64decode(i["PubKey"]).hex()),
        45: lambda: o.ApproveIntegrator(i["IntegratorAccountIndex"], i["MaxPerpsTakerFee"], i["MaxPerpsMakerFee"],
                                        i["MaxSpotTakerFee"], i["MaxSpotMakerFee"], i["ApprovalExpiry"]),
    }
    return builders[tx_type](), bool(a.get("4"))


@pytest.fixture(scope="module")
def slots(native_signer):
    """Register the vectors' key slots: the published throw-away key, or a fresh one (nautilus)."""
    registered = set()

    def ensure(kind: str, chain: int, api_key: int, account: int) -> None:
        if kind == "native":
            key = NATIVE["generated_key"]["privateKey_throwaway"]
        else:
            key = native_signer.generate_api_key()[0]
        if (account, api_key, chain) not in registered:
            native_signer.register_key(key, chain, api_key, account)
            registered.add((account, api_key, chain))

    return ensure


@pytest.mark.parametrize("chain,tx_type,info,tx_hash,kind", list(_entries()))
def test_vector_resigned_matches(native_signer, slots, chain, tx_type, info, tx_hash, kind):
    from ccxt_lighter.signer.selfcheck import pure_tx_hash

    hasher = pure_tx_hash()
    if hasher is not None:
        assert hasher(tx_type, info, chain) == tx_hash, "vector hash != pure hash of its tx_info"
    if tx_type not in o.TX_CLASSES:
        pytest.skip(f"tx_type {tx_type} is not a request ccxt-lighter signs")
    account = info.get("AccountIndex", info.get("FromAccountIndex"))
    slots(kind, chain, info["ApiKeyIndex"], account)
    tx, skip = request_from_info(tx_type, info)
    signed = native_signer.sign(tx, nonce=info["Nonce"], api_key_index=info["ApiKeyIndex"], account_index=account,
                                skip_nonce=skip)
    ours = json.loads(signed.tx_info)
    assert signed.tx_type == tx_type
    strip = lambda d: {k: v for k, v in d.items() if k not in ("Sig", "ExpiredAt")}  # noqa: E731
    assert strip(ours) == strip(info)
    if hasher is not None:
        assert hasher(tx_type, ours, chain) == signed.tx_hash
