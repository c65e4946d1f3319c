"""Schnorr signatures over ECgFp5 with Poseidon2 challenges, as Lighter's signer makes them.

Venue facts (REFERENCE.md 7.5, ``ccxt_lighter/data/ecgfp5.json``):

* private key: 40-byte little-endian scalar mod n; public key: ``encode(sk G)`` (40 bytes);
* sign(m) for a 5-limb message m: random k in [1, n), ``r = encode(k G)``,
  ``e = H(r limbs || m limbs)`` (Poseidon2 to 5 limbs) read as a 320-bit little-endian integer mod n,
  ``s = k - e sk mod n``; signature = ``s`` (40 bytes LE) || ``e`` (40 bytes LE);
* verify: ``r' = encode(s G + e PK)``, accept iff ``H(r' || m) mod n == e``.

Signatures are randomised (k from :mod:`secrets`), like the official signer's; only the message
hash is reproducible.

Invariant: secret scalars never enter a cache or an exception message; verification rejects
non-canonical scalars (>= n), keys that decode to no group element and malformed lengths by
returning False rather than raising.
"""
from __future__ import annotations

import secrets
from typing import Sequence, Tuple

from . import curve as C
from . import gfp5 as F
from . import scalarmul as S
from .poseidon2 import hash_to_quintic

N = C.N
SIGNATURE_BYTES = 80
KEY_BYTES = 40


def challenge(r: Sequence[int], message: Sequence[int]) -> int:
    limbs = hash_to_quintic(list(r) + list(message))
    return sum(limb << (64 * i) for i, limb in enumerate(limbs)) % N


def private_scalar(private_key: bytes) -> int:
    """The scalar of a 40-byte private key (reduced mod n, as the Go signer reads it)."""
    if len(private_key) != KEY_BYTES:
        raise ValueError("a private key is 40 bytes")
    sk = int.from_bytes(private_key, "little") % N
    if sk == 0:
        raise ValueError("the private key is zero mod n")
    return sk


def public_key(private_key: bytes) -> bytes:
    return F.to_bytes(C.encode(S.mul_base(private_scalar(private_key))))


def generate_private_key() -> bytes:
    """A fresh uniformly random key in [1, n), 40 bytes LE."""
    return (secrets.randbelow(N - 1) + 1).to_bytes(KEY_BYTES, "little")


def sign(private_key: bytes, message: Sequence[int], nonce_scalar: int = 0) -> bytes:
    """80-byte signature of a 5-limb message. ``nonce_scalar`` is for tests only (0 = random)."""
    sk = private_scalar(private_key)
    k = nonce_scalar % N or (secrets.randbelow(N - 1) + 1)
    r = C.encode(S.mul_base(k))
    e = challenge(r, message)
    s = (k - e * sk) % N
    return s.to_bytes(KEY_BYTES, "little") + e.to_bytes(KEY_BYTES, "little")


def split_signature(signature: bytes) -> Tuple[int, int]:
    return (int.from_bytes(signature[:KEY_BYTES], "little"),
            int.from_bytes(signature[KEY_BYTES:], "little"))


def verify(public_key_bytes: bytes, message: Sequence[int], signature: bytes) -> bool:
    if len(signature) != SIGNATURE_BYTES or len(message) != 5:
        return False
    s, e = split_signature(signature)
    if s >= N or e >= N:
        return False
    point = S.public_point(bytes(public_key_bytes))
    if point is None:
        return False
    r = C.encode(point.mul_base_plus(s, e))
    return challenge(r, message) == e
