"""Golden tx hashes: the pure Poseidon2 hash of every recorded tx_info equals the official signer's.

Needs no native library: the vectors were produced by the Go signer (lighter-sdk 1.1.8) and by
nautilus_trader's oracle (chain 300). The hash is deterministic; signatures are never compared.
"""
import copy
import json
import os

import pytest

from ccxt_lighter.signer.pure.poseidon2 import P, hash_n_to_m, permute
from ccxt_lighter.signer.pure.txhash import TxHashError, tx_hash_from_info
from tests.conftest import SHARED

VECTORS = os.path.join(SHARED, "signing", "vectors")
MAINNET = 304


def _native_examples():
    with open(os.path.join(VECTORS, "native_signer_tx_examples.json")) as fh:
        calls = json.load(fh)["calls"]
    return [pytest.param(v["tx_type"], v["tx_info"], MAINNET, v["tx_hash"], id=name)
            for name, v in calls.items() if v.get("tx_info")]


def _nautilus_examples():
    kinds = {"create_order": 14, "cancel_order": 15, "modify_order": 17}
    with open(os.path.join(VECTORS, "nautilus_signing_tx_oracle_subset.json")) as fh:
        vectors = json.load(fh)["vectors"]
    return [pytest.param(kinds[v["kind"]], json.loads(v["tx_info"]), v["chain_id"], v["tx_hash"],
                         id=f"nautilus-{v['kind']}-{v['nonce']}") for v in vectors]


ALL = _native_examples() + _nautilus_examples()


def test_vector_files_cover_every_exchange_tx_type():
    covered = {p.values[0] for p in ALL}
    assert {8, 9, 12, 13, 14, 15, 16, 17, 20, 28, 29, 45} <= covered


@pytest.mark.parametrize("tx_type,tx_info,chain_id,expected", ALL)
def test_tx_hash_matches_official_signer(tx_type, tx_info, chain_id, expected):
    got = tx_hash_from_info(tx_type, tx_info, chain_id)
    assert got == expected
    assert len(got) == 80 and got == got.lower()


@pytest.mark.parametrize("tx_type,tx_info,chain_id,expected", ALL[:3] + ALL[-5:])
def test_hash_ignores_signatures_but_not_fields_or_chain(tx_type, tx_info, chain_id, expected):
    info = dict(tx_info, Sig="AAAA", L1Sig="0xdead")
    assert tx_hash_from_info(tx_type, info, chain_id) == expected
    assert tx_hash_from_info(tx_type, tx_info, chain_id + 1) != expected
    changed = dict(tx_info, Nonce=tx_info["Nonce"] + 1)
    assert tx_hash_from_info(tx_type, changed, chain_id) != expected


def test_grouped_order_field_change_changes_hash():
    (param,) = [p for p in ALL if p.values[0] == 28][:1]
    tx_type, info, chain_id, expected = param.values
    changed = copy.deepcopy(info)
    changed["Orders"][-1]["TriggerPrice"] += 1
    assert tx_hash_from_info(tx_type, changed, chain_id) != expected


def test_attributes_at_their_nil_value_are_not_hashed():
    tx_type, info, chain_id, expected = [p.values for p in ALL if p.values[0] == 15][0]
    assert tx_hash_from_info(tx_type, dict(info, L2TxAttributes={"4": 0}), chain_id) == expected
    assert tx_hash_from_info(tx_type, dict(info, L2TxAttributes={"5": 255}), chain_id) == expected
    assert tx_hash_from_info(tx_type, dict(info, L2TxAttributes={"4": 1}), chain_id) != expected
    # the cancel-all market attribute's nil is 255, so market 0 is a real value and is hashed
    assert tx_hash_from_info(tx_type, dict(info, L2TxAttributes={"5": 0}), chain_id) != expected


@pytest.mark.parametrize("mutate,match", [
    (lambda i: i.pop("Nonce"), "Nonce"),
    (lambda i: i.update(Price="300000"), "Price"),
    (lambda i: i.update(Price=300000 + 2**64), "64-bit"),
    (lambda i: i.update(IsAsk=True), "IsAsk"),
    (lambda i: i.update(L2TxAttributes={"9": 1}), "key"),
    (lambda i: i.update(L2TxAttributes={"1": 1, "2": 1, "3": 1, "4": 1, "6": 1}), "at most"),
])
def test_malformed_tx_info_is_rejected(mutate, match):
    info = dict([p.values for p in ALL if p.values[0] == 14][0][1])
    mutate(info)
    with pytest.raises(TxHashError, match=match):
        tx_hash_from_info(14, info, MAINNET)


def test_unknown_tx_type_is_rejected():
    with pytest.raises(TxHashError, match="tx_type"):
        tx_hash_from_info(99, {}, MAINNET)


def test_permutation_is_reduced_and_sponge_squeezes_past_the_rate():
    out = permute([P - 1] * 12)
    assert len(out) == 12 and all(0 <= x < P for x in out)
    long = hash_n_to_m(list(range(20)), 12)
    assert long[:8] == hash_n_to_m(list(range(20)), 8)
    assert long[8:] == permute_after(list(range(20)))[:4]


def permute_after(inputs):
    state = [0] * 12
    for i in range(0, len(inputs), 8):
        chunk = inputs[i:i + 8]
        state[:len(chunk)] = chunk
        state = permute(state)
    return permute(state)
