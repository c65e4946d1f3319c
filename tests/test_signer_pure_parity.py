"""Pure signer vs the official library, on a few hundred random transactions of every type.

For each native-signed tx: our hash of its tx_info equals its tx_hash, our verifier accepts its
signature, and PureSigner (clock set to the same instant) emits the same tx_info (all but ``Sig``),
the same tx_hash and the same L1 message; our signature verifies under our verifier. Tampering
with a field, the signature, the chain or the key is rejected. Needs the official library: the
module skips (with the reason) when discovery finds none; nothing here downloads it.
"""
from __future__ import annotations

import base64
import json
import random

import pytest

from ccxt_lighter import orders as o
from ccxt_lighter.signer.native import SignerRequestRejected
from ccxt_lighter.signer.pure import (PureSigner, public_key_from_private, tx_hash_for, tx_hash_from_info,
                                      verify_auth_token, verify_tx_info)
from tests.tx_vectors import without_sig

CHAIN = 304
ACCOUNT, API_KEY = 910_001, 7
PER_TYPE = 16          # x 12 request classes = 192 native-signed transactions
NOW_MS = 1_795_253_783_000


@pytest.fixture(scope="module")
def native(request):
    from ccxt_lighter.signer.locate import SignerIncompatible, SignerNotFound, find_library

    try:
        find_library()
    except (SignerNotFound, SignerIncompatible) as exc:
        pytest.skip(f"official signer library not available: {exc}")
    return request.getfixturevalue("native_signer")


@pytest.fixture(scope="module")
def key(native):
    private, public = native.generate_api_key()
    return {"private": private, "public": public}


@pytest.fixture
def signers(native, key):
    native.register_key(key["private"], CHAIN, API_KEY, ACCOUNT)  # also makes CHAIN the L1-message chain
    pure = PureSigner()
    pure.register_key(key["private"], CHAIN, API_KEY, ACCOUNT)
    return native, pure


# ---------------------------------------------------------------- random valid requests
def _market(r):
    return r.choice([r.randrange(0, 255), r.randrange(2048, 4095)])


def _attrs(r):
    kind = r.randrange(4)
    if kind == 1:
        return o.TxAttributes(integrator_account_index=r.randrange(1, 2**40),
                              integrator_taker_fee=r.randrange(0, 1001), integrator_maker_fee=r.randrange(0, 1001))
    if kind == 2:
        behavior, equality = r.randrange(4), r.randrange(2)
        if behavior == 3:
            equality = 0
        return o.TxAttributes(self_trade_behavior=behavior, self_trade_equality=equality)
    return o.TxAttributes()


def _expiry(r):
    return NOW_MS + r.randrange(6 * 60_000, 29 * 24 * 3600_000)


def _order(r, kind=None, market=None, reduce_only=None, base=None, is_ask=None, expiry=None):
    kind = r.choice(["limit", "limit-ioc", "market", "stop", "stop-limit", "twap"]) if kind is None else kind
    ro = r.randrange(2) if reduce_only is None else reduce_only
    base = (r.randrange(0 if ro else 1, 2**48)) if base is None else base
    tif, typ, trigger, exp = {
        "limit": (r.choice([1, 2]), 0, 0, _expiry(r)), "limit-ioc": (0, 0, 0, 0), "market": (0, 1, 0, 0),
        "stop": (0, r.choice([2, 4]), r.randrange(1, 2**32), _expiry(r)),
        "stop-limit": (r.randrange(3), r.choice([3, 5]), r.randrange(1, 2**32), _expiry(r)),
        "sl": (0, 2, r.randrange(1, 2**32), _expiry(r)), "tp": (0, 4, r.randrange(1, 2**32), _expiry(r)),
        "twap": (1, 6, 0, _expiry(r)),
    }[kind]
    market = (_market(r) if kind not in ("sl", "tp") else r.randrange(255)) if market is None else market
    return o.OrderSpec(market, r.randrange(2**48), base, r.randrange(1, 2**32), r.randrange(2) if is_ask is None
                       else is_ask, typ, tif, ro, trigger, exp if expiry is None or not exp else expiry)


def _grouped(r):
    market, grouping = r.randrange(255), r.choice([1, 2, 3])
    side, exp = r.randrange(2), _expiry(r)
    if grouping == 2:
        size = r.randrange(0, 2**40)
        legs = [_order(r, k, market, 1, size, side, exp) for k in ("sl", "tp")]
        return o.CreateGroupedOrders(2, tuple(legs), _attrs(r))
    parent = _order(r, r.choice(["limit", "market"]), market, 0, r.randrange(1, 2**40), side)
    children = [_order(r, k, market, 1, 0, 1 - side, exp) for k in (("sl", "tp") if grouping == 3 else
                                                                     (r.choice(["sl", "tp"]),))]
    if parent.order_expiry:
        parent = o.OrderSpec(*[getattr(parent, f) for f in ("market_index", "client_order_index", "base_amount",
                                                             "price", "is_ask", "order_type", "time_in_force",
                                                             "reduce_only", "trigger_price")], exp)
    return o.CreateGroupedOrders(grouping, tuple([parent] + children), _attrs(r))


def _cancel_all(r):
    tif = r.randrange(3)
    if tif == 0:
        return o.CancelAllOrders(0, 0, r.choice([255, r.randrange(255), r.randrange(2048, 4095)]))
    return o.CancelAllOrders(tif, _expiry(r) if tif == 1 else 0)


def random_request(r, cls, new_pub):
    return {
        o.CreateOrder: lambda: o.CreateOrder(_order(r), _attrs(r)),
        o.CreateGroupedOrders: lambda: _grouped(r),
        o.CancelOrder: lambda: o.CancelOrder(_market(r), r.randrange(1, 2**60)),
        o.CancelAllOrders: lambda: _cancel_all(r),
        o.ModifyOrder: lambda: o.ModifyOrder(_market(r), r.randrange(1, 2**60), r.randrange(2**48),
                                             r.randrange(1, 2**32), r.choice([0, r.randrange(1, 2**32)]),
                                             r.choice([0, r.randrange(1, 2**16)]), _attrs(r)),
        o.UpdateLeverage: lambda: o.UpdateLeverage(_market(r), r.randrange(1, 10_001), r.randrange(2)),
        o.UpdateMargin: lambda: o.UpdateMargin(r.randrange(255), r.randrange(1, 2**60), r.randrange(2)),
        o.Transfer: lambda: o.Transfer(r.randrange(0, 2**48 - 1), r.randrange(1, 63), r.randrange(2),
                                       r.randrange(2), r.randrange(1, 2**60), r.randrange(0, 2**60),
                                       r.randbytes(32).hex()),
        o.Withdraw: lambda: o.Withdraw(r.randrange(1, 63), r.randrange(2), r.randrange(1, 2**60)),
        o.CreateSubAccount: lambda: o.CreateSubAccount(),
        o.ChangePubKey: lambda: o.ChangePubKey(new_pub),
        o.ApproveIntegrator: lambda: o.ApproveIntegrator(r.randrange(1, 2**40), *[r.randrange(0, 1_000_001)
                                                                                   for _ in range(4)],
                                                         _expiry(r)),
    }[cls]()


def _attribute_count(tx) -> int:
    a = getattr(tx, "attributes", o.TxAttributes())
    values = [a.integrator_account_index, a.integrator_taker_fee, a.integrator_maker_fee,
              a.self_trade_behavior, a.self_trade_equality, getattr(tx, "order_version", 0)]
    return sum(1 for v in values if v)


def _cases(new_pub):
    r = random.Random(20261121)
    cases = []
    for cls in o.TX_CLASSES.values():
        for _ in range(PER_TYPE):
            tx = random_request(r, cls, new_pub)
            while _attribute_count(tx) > 4 - 1:  # keep room for the skip-nonce attribute (max 4)
                tx = random_request(r, cls, new_pub)
            cases.append((tx, r.randrange(2**47), r.random() < 0.25))
    return cases


def test_generator_covers_every_request_class():
    assert {type(tx) for tx, _, _ in _cases("00" * 40)} == set(o.TX_CLASSES.values())


def test_random_transactions_match_the_official_signer(signers, key):
    native, pure = signers
    signed = 0
    for tx, nonce, skip in _cases(key["public"]):
        ref = native.sign(tx, nonce=nonce, api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=skip)
        info = json.loads(ref.tx_info)
        assert tx_hash_from_info(ref.tx_type, info, CHAIN) == ref.tx_hash, tx
        assert verify_tx_info(ref.tx_type, ref.tx_info, CHAIN, key["public"]), tx
        pure._clock = lambda: (info["ExpiredAt"] - o.TX_EXPIRY_MS) / 1000  # same instant as the library
        ours = pure.sign(tx, nonce=nonce, api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=skip)
        assert (ours.tx_type, ours.tx_hash, ours.message_to_sign) == (ref.tx_type, ref.tx_hash, ref.message_to_sign)
        assert without_sig(ours.tx_info) == without_sig(ref.tx_info)
        assert list(json.loads(ours.tx_info)) == list(info)  # same field order
        assert verify_tx_info(ours.tx_type, ours.tx_info, CHAIN, key["public"])
        assert tx_hash_for(tx, nonce=nonce, expired_at=info["ExpiredAt"], api_key_index=API_KEY,
                           account_index=ACCOUNT, chain_id=CHAIN, skip_nonce=skip) == ref.tx_hash
        signed += 1
    assert signed == PER_TYPE * len(o.TX_CLASSES)


def _flip_int_field(r, info):
    names = [k for k, v in info.items() if isinstance(v, int) and not isinstance(v, bool)]
    name = r.choice(names)
    info[name] ^= 1 << r.randrange(0, 8)
    return name


def test_tampering_is_rejected(signers, key):
    native, _ = signers
    r = random.Random(7)
    other_public = native.generate_api_key()[1]
    for tx, nonce, skip in _cases(key["public"])[::9]:
        ref = native.sign(tx, nonce=nonce, api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=skip)
        info = json.loads(ref.tx_info)
        changed = json.loads(ref.tx_info)
        field = _flip_int_field(r, changed)
        assert not verify_tx_info(ref.tx_type, changed, CHAIN, key["public"]), field
        sig = bytearray(base64.b64decode(info["Sig"]))
        sig[r.randrange(80)] ^= 1 << r.randrange(8)
        assert not verify_tx_info(ref.tx_type, dict(info, Sig=base64.b64encode(bytes(sig)).decode()), CHAIN,
                                  key["public"])
        assert not verify_tx_info(ref.tx_type, info, 300, key["public"])
        assert not verify_tx_info(ref.tx_type, info, CHAIN, other_public)
        assert verify_tx_info(ref.tx_type, info, CHAIN, key["public"])


def test_auth_tokens_cross_verify(signers, key):
    native, pure = signers
    for deadline in (1_795_253_784, 1_900_000_000, 4_102_444_800):
        token = native.create_auth_token(deadline, API_KEY, ACCOUNT)
        assert verify_auth_token(token, key["public"])
        ours = pure.create_auth_token(deadline, API_KEY, ACCOUNT)
        assert ours.split(":")[:3] == token.split(":")[:3]
        assert verify_auth_token(ours, key["public"])
        tampered = token.replace(f"{deadline}:", f"{deadline + 1}:", 1)
        assert not verify_auth_token(tampered, key["public"])


def test_public_key_derivation_matches_generate_api_key(native):
    for _ in range(12):
        private, public = native.generate_api_key()
        assert public_key_from_private(private) == public
        assert public_key_from_private("0x" + private.upper()) == public


@pytest.mark.parametrize("tx", [
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 1, 1, 0, 0, 0)),                       # market must be IOC
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 0, 0, 0, 0, NOW_MS + 3_600_000)),     # IOC limit has no expiry
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 0, 1, 0, 5, NOW_MS + 3_600_000)),     # limit has no trigger
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 2, 0, 0, 0, NOW_MS + 3_600_000)),     # stop needs a trigger
    o.CreateOrder(o.OrderSpec(0, 1, 0, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000)),      # size 0 needs reduce-only
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 6, 0, 0, 0, NOW_MS + 3_600_000)),     # TWAP is GTT
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000),
                  o.TxAttributes(integrator_taker_fee=5)),                            # fee without integrator
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000),
                  o.TxAttributes(integrator_account_index=3, integrator_taker_fee=5, self_trade_behavior=1)),
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000),
                  o.TxAttributes(self_trade_behavior=3, self_trade_equality=1)),
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000),
                  o.TxAttributes(integrator_account_index=3, integrator_maker_fee=1_000_001)),  # fee > FeeTick
    o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000),
                  o.TxAttributes(self_trade_behavior=4)),
    o.ModifyOrder(0, 5, 5, 5, order_version=2**48),
    o.CancelAllOrders(0, 5),                                                          # immediate has no time
    o.CancelAllOrders(1, NOW_MS, 3),                                                  # per-market is immediate
    o.CancelAllOrders(1, 0),                                                          # scheduled needs a time
    o.CreateGroupedOrders(2, (o.OrderSpec(0, 0, 5, 100, 1, 2, 0, 1, 9, NOW_MS + 3_600_000),
                              o.OrderSpec(0, 0, 6, 100, 1, 4, 0, 1, 9, NOW_MS + 3_600_000))),  # OCO sizes differ
    o.CreateGroupedOrders(1, (o.OrderSpec(0, 0, 5, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000),
                              o.OrderSpec(0, 0, 5, 100, 1, 2, 0, 1, 9, NOW_MS + 3_600_000))),  # OTO child has size
    o.Withdraw(3, 0, 2**60),                                                          # amount cap 2^60 - 1
    o.Withdraw(63, 0, 5),                                                             # asset index cap
    o.Withdraw(3, 2, 5),                                                              # route type 0/1
    o.Transfer(5, 3, 0, 0, 2**60),                                                    # amount cap
    o.Transfer(5, 0, 0, 0, 5),                                                        # asset index >= 1
    o.UpdateMargin(0, 2**60, 1),
    o.ApproveIntegrator(5, 1_000_001, 0, 0, 0, 0),                                    # fee cap FeeTick
    o.ApproveIntegrator(5, 0, 0, 0, 0, -1),
    o.ApproveIntegrator(5, 0, 0, 1, 0, 0),                                            # revocation has no fees
    o.ApproveIntegrator(-5, 0, 0, 0, 0, 10),
    o.CreateGroupedOrders(3, (o.OrderSpec(0, 0, 5, 100, 0, 0, 1, 0, 0, NOW_MS + 3_600_000),
                              o.OrderSpec(0, 0, 0, 100, 1, 2, 0, 1, 9, NOW_MS + 3_600_000),
                              o.OrderSpec(0, 0, 0, 100, 1, 2, 0, 1, 9, NOW_MS + 3_600_000))),  # two stop-losses
])
def test_both_backends_refuse_the_same_bad_requests(signers, tx):
    native, pure = signers
    with pytest.raises(SignerRequestRejected) as ref:
        native.sign(tx, nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    with pytest.raises(SignerRequestRejected) as ours:
        pure.sign(tx, nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    assert str(ours.value) in str(ref.value)


def test_negative_fees_are_refused_by_both(signers):
    tx = o.ApproveIntegrator(5, -1, 0, 0, 0, 10)
    for backend in signers:
        with pytest.raises(SignerRequestRejected):
            backend.sign(tx, nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
