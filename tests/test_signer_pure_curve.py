"""GF(p^5), ECgFp5 and Schnorr internals of the pure signer, checked against plain definitions.

Fast paths (generated packed-limb point formulas, unrolled Poseidon2, fixed-base tables, wNAF,
the split used for cached public keys) are compared with the readable reference code and with
textbook double-and-add; encodings are round-tripped; malformed encodings are refused.
"""
from __future__ import annotations

import random

import pytest

from ccxt_lighter.signer.pure import _fastpoint as FP
from ccxt_lighter.signer.pure import curve as C
from ccxt_lighter.signer.pure import gfp5 as F
from ccxt_lighter.signer.pure import poseidon2, scalarmul, schnorr

R = random.Random(5)
P = F.P


def rand_fp5():
    return tuple(R.randrange(P) for _ in range(5))


def naive_mul(k, pt):
    acc = C.INFINITY
    for bit in bin(k)[2:]:
        acc = C.double(acc)
        if bit == "1":
            acc = C.add_mixed(acc, pt)
    return acc


def naive_pow(a, e):
    acc = F.ONE
    for bit in bin(e)[2:]:
        acc = F.square(acc)
        if bit == "1":
            acc = F.mul(acc, a)
    return acc


def test_field_identities():
    for _ in range(10):
        a, b, c = rand_fp5(), rand_fp5(), rand_fp5()
        assert F.mul(a, F.add(b, c)) == F.add(F.mul(a, b), F.mul(a, c))
        assert F.square(a) == F.mul(a, a)
        assert F.mul(a, F.inverse(a)) == F.ONE
        assert F.frobenius(a) == naive_pow(a, P)
        assert F.sub(F.add(a, b), b) == a and F.add(a, F.neg(a)) == F.ZERO
    z = (0, 1, 0, 0, 0)
    assert naive_pow(z, 5) == (3, 0, 0, 0, 0)  # z^5 = 3


def test_square_roots_and_legendre():
    squares = non_squares = 0
    for _ in range(30):
        a = rand_fp5()
        root = F.sqrt(a)
        if F.legendre(a) == 1:
            squares += 1
            assert root is not None and F.square(root) == a
        else:
            non_squares += 1
            assert root is None
    assert squares and non_squares
    assert F.sqrt(F.ZERO) == F.ZERO and F.legendre(F.ZERO) == 0


def test_generator_and_group_order():
    g = (C.GENERATOR[0], C.GENERATOR[1], F.ONE)
    assert C.is_on_curve(C.GENERATOR)
    assert C.encode(g) == (4, 0, 0, 0, 0)          # the published encoding of the generator
    assert F.legendre(C._B) == -1                  # so exactly one decoding root is a square
    assert F.is_zero(naive_mul(C.N, C.GENERATOR)[2])
    assert not F.is_zero(naive_mul(C.N - 1, C.GENERATOR)[2])


def test_encode_decode_round_trip_and_rejections():
    for _ in range(8):
        pt = scalarmul.mul_base(R.randrange(1, C.N))
        w = C.encode(pt)
        back = C.decode(w)
        assert back is not None and C.encode(back) == w
    assert C.decode(F.ZERO) == C.INFINITY and C.encode(C.INFINITY) == F.ZERO
    rejected = sum(C.decode(rand_fp5()) is None for _ in range(40))
    assert 5 < rejected < 35  # about half of all field elements encode no group element


def _packed(pt):
    return tuple(FP.pack(c) for c in pt)


def _unpacked(pt):
    return tuple(FP.unpack(c) for c in pt)


def test_generated_point_formulas_match_the_reference():
    pts = [scalarmul.mul_base(R.randrange(1, C.N)) for _ in range(4)]
    for p in pts:
        assert _unpacked(FP.double(*_packed(p))) == C.double(p)
        for q in pts:
            qa = C.to_affine(q)
            got = FP.add_mixed(*_packed(p), FP.pack(qa[0]), FP.pack(qa[1]))
            if q is p:
                assert C.encode(_unpacked(got)) == C.encode(C.double(p))
            else:
                assert _unpacked(got) == C.add_mixed(p, qa)
        neg = C.neg_affine(C.to_affine(p))
        assert FP.add_mixed(*_packed(p), FP.pack(neg[0]), FP.pack(neg[1])) is None
    acc, ref = _packed(pts[0]), pts[0]
    for _ in range(40):                             # long chains keep the limb bounds
        acc, ref = FP.double(*acc), C.double(ref)
    assert _unpacked(acc) == ref


def test_unrolled_poseidon_matches_the_reference_loop():
    for _ in range(5):
        state = [R.randrange(P) for _ in range(12)]
        assert poseidon2.permute(state) == poseidon2.permute_reference(state)


@pytest.mark.parametrize("k", [0, 1, 2, 3, 63, 64, 2**160 - 1, 2**160, C.N - 1, C.N, C.N + 7, 2**320 - 1,
                               R.randrange(C.N), R.randrange(C.N)])
def test_scalar_multiplication_paths_agree(k):
    expected = C.encode(naive_mul(k % C.N, C.GENERATOR))
    g = (C.GENERATOR[0], C.GENERATOR[1], F.ONE)
    assert C.encode(scalarmul.mul_base(k)) == expected
    assert C.encode(scalarmul.mul_var(k, scalarmul.odd_multiples(g))) == expected
    point = scalarmul.PublicPoint(g)
    assert C.encode(point.mul_base_plus(0, k)) == expected
    assert C.encode(point.mul_base_plus(k, 0)) == expected
    assert C.encode(point.mul_base_plus(k, C.N - k)) == F.ZERO   # kG + (n-k)G = neutral


def test_schnorr_sign_verify_and_edge_cases():
    private = schnorr.generate_private_key()
    public = schnorr.public_key(private)
    message = [R.randrange(P) for _ in range(5)]
    sig = schnorr.sign(private, message)
    assert schnorr.verify(public, message, sig)
    assert sig != schnorr.sign(private, message)                 # random nonce
    assert schnorr.sign(private, message, 12345) == schnorr.sign(private, message, 12345)
    assert not schnorr.verify(public, message[:4] + [message[4] ^ 1], sig)
    s, e = schnorr.split_signature(sig)
    non_canonical = (s + C.N).to_bytes(41, "little")[:40] if s + C.N < 2**320 else None
    if non_canonical:
        assert not schnorr.verify(public, message, non_canonical + sig[40:])
    assert not schnorr.verify(public, message, sig[:40] + (e + C.N).to_bytes(40, "little"))
    assert not schnorr.verify(public, message, sig[:79])
    assert not schnorr.verify(public, message[:4], sig)
    assert schnorr.private_scalar((C.N + 5).to_bytes(40, "little")) == 5
    with pytest.raises(ValueError):
        schnorr.private_scalar(C.N.to_bytes(40, "little"))


def test_generated_modules_are_up_to_date():
    import os

    from ccxt_lighter.signer.pure import _codegen

    here = os.path.dirname(_codegen.__file__)
    for name, text in (("_fastpoint.py", _codegen.generate()), ("_fastposeidon.py", _codegen.generate_poseidon())):
        with open(os.path.join(here, name)) as fh:
            assert fh.read() == text, f"{name} is stale: run python -m ccxt_lighter.signer.pure._codegen"
