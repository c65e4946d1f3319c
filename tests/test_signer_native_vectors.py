"""Signed vectors in shared/signing/vectors: re-sign the same inputs, compare tx_info and hashes.

Signatures and ExpiredAt (now + 10 min inside the library) differ between runs; every other
field must be identical, and each tx_hash must be the pure-Python Poseidon2 hash of its tx_info.
"""
from __future__ import annotations

import json
import os

import pytest

from ccxt_lighter import orders as o
from tests.conftest import SHARED
from tests.tx_vectors import request_from_info

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
