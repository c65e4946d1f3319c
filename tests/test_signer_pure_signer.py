"""PureSigner and the verifiers on the recorded official-signer outputs (no native library needed).

The vectors were made by lighter-sdk 1.1.8's library: we rebuild each request from its tx_info,
sign it with PureSigner at the same instant and compare everything but the (random) signature;
every recorded signature and auth token verifies under our verifier; ours verify too; tampering
and malformed input are rejected without exceptions.
"""
from __future__ import annotations

import base64
import json
import os

import pytest

from ccxt_lighter import orders as o
from ccxt_lighter.signer.base import SignerError
from ccxt_lighter.signer.native import SignerRequestRejected
from ccxt_lighter.signer.pure import (PureSigner, parse_auth_token, public_key_from_private, tx_hash_for,
                                      verify_auth_token, verify_tx_info)
from tests.conftest import EXAMPLES, SHARED
from tests.tx_vectors import request_from_info, without_sig

CHAIN, ACCOUNT, API_KEY = 304, 123456, 3

with open(os.path.join(SHARED, "signing", "vectors", "native_signer_tx_examples.json")) as _fh:
    _VECTORS = json.load(_fh)
PRIVATE = _VECTORS["generated_key"]["privateKey_throwaway"][2:]
PUBLIC = _VECTORS["generated_key"]["publicKey"][2:]
CALLS = {name: v for name, v in _VECTORS["calls"].items() if v.get("tx_info")}


SENDABLE = [pytest.param(v, id=name) for name, v in CALLS.items() if request_from_info(v["tx_type"], v["tx_info"])]


@pytest.fixture(scope="module")
def signer():
    s = PureSigner()
    s.register_key(PRIVATE, CHAIN, API_KEY, ACCOUNT)
    return s


def test_every_exchange_tx_type_has_a_recorded_example():
    assert {p.values[0]["tx_type"] for p in SENDABLE} == {int(t) for t in o.TX_CLASSES}


@pytest.mark.parametrize("vector", SENDABLE)
def test_pure_signer_reproduces_the_official_output(signer, vector):
    info = vector["tx_info"]
    tx, skip = request_from_info(vector["tx_type"], info)
    signer._clock = lambda: (info["ExpiredAt"] - o.TX_EXPIRY_MS) / 1000
    ours = signer.sign(tx, nonce=info["Nonce"], api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=skip)
    assert ours.tx_type == vector["tx_type"]
    assert ours.tx_hash == vector["tx_hash"]
    assert without_sig(ours.tx_info) == {k: v for k, v in info.items() if k != "Sig"}
    assert list(json.loads(ours.tx_info)) == list(info)  # Go's field order
    assert ours.tx_info == json.dumps(json.loads(ours.tx_info), separators=(",", ":"))  # compact JSON
    assert ours.message_to_sign == vector.get("message_to_sign_for_L1_wallet")
    assert verify_tx_info(ours.tx_type, ours.tx_info, CHAIN, PUBLIC)
    assert tx_hash_for(tx, nonce=info["Nonce"], expired_at=info["ExpiredAt"], api_key_index=API_KEY,
                       account_index=ACCOUNT, chain_id=CHAIN, skip_nonce=skip) == vector["tx_hash"]


@pytest.mark.parametrize("vector", [pytest.param(v, id=n) for n, v in CALLS.items()])
def test_recorded_signatures_verify(vector):
    # ChangePubKey is signed by the slot's current client key (the probe key), like every other tx
    assert verify_tx_info(vector["tx_type"], vector["tx_info"], CHAIN, PUBLIC)
    assert verify_tx_info(vector["tx_type"], json.dumps(vector["tx_info"]), CHAIN, "0x" + PUBLIC)


def test_nautilus_oracle_signatures_have_the_right_shape():
    with open(os.path.join(SHARED, "signing", "vectors", "nautilus_signing_tx_oracle_subset.json")) as fh:
        vectors = json.load(fh)["vectors"]
    for v in vectors:  # their key is not published with the subset: only the envelope is checked
        assert len(base64.b64decode(json.loads(v["tx_info"])["Sig"])) == 80


@pytest.mark.parametrize("mutate", [
    lambda i: i.update(Nonce=i["Nonce"] + 1),
    lambda i: i.update(ExpiredAt=i["ExpiredAt"] - 1),
    lambda i: i.update(AccountIndex=i["AccountIndex"] ^ 4),
    lambda i: i.update(Price=i["Price"] + 1),
    lambda i: i.update(L2TxAttributes={"4": 1}),
    lambda i: i.update(Sig=base64.b64encode(b"\x01" + base64.b64decode(i["Sig"])[1:]).decode()),
    lambda i: i.update(Sig=i["Sig"][:-4]),
    lambda i: i.update(Sig="not base64!"),
    lambda i: i.pop("Sig"),
    lambda i: i.update(Price="300000"),
])
def test_tampered_tx_info_is_rejected_without_raising(mutate):
    info = dict(CALLS["SignCreateOrder limit GTT expiry=-1 nonce=7"]["tx_info"])
    mutate(info)
    assert verify_tx_info(14, info, CHAIN, PUBLIC) is False


@pytest.mark.parametrize("key", ["", "zz" * 40, "00" * 39, "00" * 40, "ff" * 40, None])
def test_bad_public_keys_are_rejected_without_raising(key):
    info = CALLS["SignCancelOrder market=0 order_index=1001 nonce=20"]["tx_info"]
    assert verify_tx_info(15, info, CHAIN, key) is False


def test_recorded_auth_tokens_verify_and_tampering_fails():
    with open(os.path.join(EXAMPLES, "signer_auth_token_examples.json")) as fh:
        tokens = [v["str"] for v in json.load(fh).values() if isinstance(v, dict)]
    assert len(tokens) == 3
    for token in tokens:
        assert verify_auth_token(token, PUBLIC)
        deadline, account, api_key, sig = token.split(":")
        assert not verify_auth_token(f"{int(deadline) + 1}:{account}:{api_key}:{sig}", PUBLIC)
        assert not verify_auth_token(f"{deadline}:{account}:{int(api_key) + 1}:{sig}", PUBLIC)
        assert not verify_auth_token(token[:-2] + ("00" if token[-2:] != "00" else "11"), PUBLIC)
    for bad in ("", "1:2:3", "a:1:2:" + "00" * 80, "1:2:3:" + "zz" * 80, "\u00b2:1:2:" + "00" * 80,
                tokens[0] + ":", " " + tokens[0], None):
        assert verify_auth_token(bad, PUBLIC) is False


def test_our_auth_tokens(signer):
    token = signer.create_auth_token(1_795_253_784, API_KEY, ACCOUNT)
    assert parse_auth_token(token)[:3] == (1_795_253_784, ACCOUNT, API_KEY)
    assert verify_auth_token(token, PUBLIC)
    assert token != signer.create_auth_token(1_795_253_784, API_KEY, ACCOUNT)  # randomised like Go's
    with pytest.raises(SignerRequestRejected):
        signer.create_auth_token(0, API_KEY, ACCOUNT)


def test_public_key_of_the_recorded_key_and_generated_pairs(signer):
    assert public_key_from_private(PRIVATE) == PUBLIC
    assert signer.public_key(API_KEY, ACCOUNT) == PUBLIC
    private, public = signer.generate_api_key()
    assert len(private) == len(public) == 80 and public_key_from_private(private) == public


def test_registration_and_slot_errors():
    s = PureSigner()
    with pytest.raises(SignerRequestRejected, match="private key must be 40 bytes"):
        s.register_key(PRIVATE[:-2], CHAIN, API_KEY, ACCOUNT)
    with pytest.raises(SignerRequestRejected):
        s.register_key(PRIVATE, CHAIN, 255, ACCOUNT)
    with pytest.raises(SignerRequestRejected):
        s.register_key(PRIVATE, CHAIN, API_KEY, 0)
    with pytest.raises(SignerRequestRejected):
        s.register_key("00" * 40, CHAIN, API_KEY, ACCOUNT)  # zero scalar
    with pytest.raises(SignerError, match="no key registered"):
        s.sign(o.CancelOrder(0, 5), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    s.register_key(PRIVATE, CHAIN, API_KEY, ACCOUNT)
    with pytest.raises(SignerRequestRejected, match="nonce"):
        s.sign(o.CancelOrder(0, 5), nonce=-1, api_key_index=API_KEY, account_index=ACCOUNT)
    with pytest.raises(SignerRequestRejected, match="price"):
        s.sign(o.CreateOrder(o.OrderSpec(0, 1, 1, 0, 0, 0, 0, 0, 0, 0)), nonce=1, api_key_index=API_KEY,
               account_index=ACCOUNT)


def test_secrets_stay_out_of_reprs_and_messages(signer):
    signed = signer.sign(o.CancelOrder(0, 5), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    sig = json.loads(signed.tx_info)["Sig"]
    for text in (repr(signer), repr(signed), repr(signer._keys), str(signer.__dict__)):
        assert PRIVATE not in text and sig not in text
    with pytest.raises(SignerRequestRejected) as exc:
        PureSigner().register_key(PRIVATE + "zz", CHAIN, API_KEY, ACCOUNT)
    assert PRIVATE not in str(exc.value)


def test_l2_attributes_json_shape(signer):
    tx = o.CancelAllOrders(0, 0, 0)  # market 0 is a real value (nil is 255)
    info = json.loads(signer.sign(tx, nonce=3, api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=True).tx_info)
    assert info["L2TxAttributes"] == {"4": 1, "5": 0}
    modify = o.ModifyOrder(0, 9, 10, 11, order_version=3, attributes=o.TxAttributes(self_trade_behavior=2))
    info = json.loads(signer.sign(modify, nonce=4, api_key_index=API_KEY, account_index=ACCOUNT).tx_info)
    assert list(info["L2TxAttributes"].items()) == [("6", 2), ("8", 3)]
