"""Scalar multiplication on ECgFp5's prime-order group, tuned for pure Python.

Why this shape: signing needs one ``k G`` and verifying needs ``s G + e PK``; field operations
dominate, so we minimise them and run them on packed limbs (:mod:`._fastpoint`).

* ``k G`` uses a fixed-base table of signed ``W``-bit windows: ``j 2^(W i) G`` for ``j = 1..2^(W-1)``
  in affine form, built lazily once per process (a few thousand additions and one batched
  inversion per window). A product is then ~``320 / W`` mixed additions and no doublings.
* ``e PK`` splits ``e`` into four 80-bit chunks and runs one doubling chain (Straus) over width-5
  wNAF digits of all of them, with the odd multiples (up to 15, normalised with one inversion) of
  ``2^(80 j) PK``: ~80 doublings and ~55 mixed additions. The fixed-base additions for ``s G`` then
  go into the same accumulator.
* Decoded public keys are cached with that precomputation (public data only): a verifier usually
  sees the same keys again. The first verification with a key pays the decoding (a square root)
  and 240 doublings for the shifted copies, i.e. about the cost of plain 320-bit wNAF.

Invariant: results are exact for every scalar (reduced mod n first), including 0 and the special
cases of addition (the neutral element is ``None`` here); nothing derived from a secret scalar is
cached.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

from . import _fastpoint as FP
from . import curve as C
from . import gfp5 as F

N = C.N
W = 7                                     # fixed-base window width
_HALF = 1 << (W - 1)
_WINDOWS = (N.bit_length() + W) // W + 1  # room for the final carry of the signed recoding
_WNAF = 5
_CHUNKS = 4                               # e = sum e_j 2^(80 j) for cached public keys
_CHUNK_BITS = (N.bit_length() + _CHUNKS - 1) // _CHUNKS

PackedJ = Tuple[int, int, int]            # Jacobian, packed limbs
PackedA = Tuple[int, int, int]            # affine (x, y, -y), packed canonical limbs

_table: Optional[List[List[PackedA]]] = None
_table_lock = threading.Lock()


def _packed_affine(points: Sequence[C.Affine]) -> List[PackedA]:
    return [(FP.pack(x), FP.pack(y), FP.pack(F.neg(y))) for x, y in points]


def _build_table() -> List[List[PackedA]]:
    table = []
    base: C.Affine = C.GENERATOR
    for _ in range(_WINDOWS):
        bx, by = FP.pack(base[0]), FP.pack(base[1])
        row: List[PackedJ] = [(bx, by, FP.pack(F.ONE))]
        for _ in range(_HALF - 1):                  # never neutral: j 2^(Wi) G with j < n
            row.append(FP.add_mixed(*row[-1], bx, by))
        row.append(FP.double(*row[-1]))             # 2^(W-1) base doubled = next window's base
        affine = C.batch_to_affine([_unpacked(p) for p in row])
        table.append(_packed_affine(affine[:-1]))
        base = affine[-1]
    return table


def base_table() -> List[List[PackedA]]:
    """The fixed-base table for G (built on first use, thread-safe)."""
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                _table = _build_table()
    return _table


def _signed_digits(k: int, width: int, count: int) -> List[int]:
    """k = sum d_i 2^(width i) with d_i in [-2^(width-1), 2^(width-1)]."""
    full, half = 1 << width, 1 << (width - 1)
    mask = full - 1
    digits = []
    for _ in range(count):
        d = k & mask
        if d > half:
            d -= full
        digits.append(d)
        k = (k - d) >> width
    if k:
        raise ValueError("scalar does not fit the window count")
    return digits


def _add(acc: Optional[PackedJ], q: PackedA, negate: bool) -> Optional[PackedJ]:
    qy = q[2] if negate else q[1]
    if acc is None:
        return (q[0], qy, FP.pack(F.ONE))
    return FP.add_mixed(acc[0], acc[1], acc[2], q[0], qy)


def _add_base(acc: Optional[PackedJ], k: int) -> Optional[PackedJ]:
    """``acc + k G`` with the fixed-base table."""
    for row, d in zip(base_table(), _signed_digits(k % N, W, _WINDOWS)):
        if d:
            acc = _add(acc, row[abs(d) - 1], d < 0)
    return acc


def _wnaf(k: int, width: int) -> List[int]:
    """Width-w NAF digits, least significant first (odd digits in (-2^(w-1), 2^(w-1)) or 0)."""
    full, half = 1 << width, 1 << (width - 1)
    out = []
    while k:
        if k & 1:
            d = k & (full - 1)
            if d >= half:
                d -= full
            k -= d
        else:
            d = 0
        out.append(d)
        k >>= 1
    return out


def _double(acc: Optional[PackedJ]) -> Optional[PackedJ]:
    return None if acc is None else FP.double(*acc)


def _mul_interleaved(terms: Sequence[Tuple[int, Sequence[PackedA]]]) -> Optional[PackedJ]:
    """``sum k_i P_i`` (Straus): one doubling chain, wNAF digits of every scalar."""
    digits = [_wnaf(k, _WNAF) for k, _ in terms]
    acc: Optional[PackedJ] = None
    for pos in range(max((len(d) for d in digits), default=0) - 1, -1, -1):
        acc = _double(acc)
        for dig, (_, odd) in zip(digits, terms):
            d = dig[pos] if pos < len(dig) else 0
            if d:
                acc = _add(acc, odd[abs(d) >> 1], d < 0)
    return acc


def odd_multiples(pt: C.Jacobian, count: int = 1 << (_WNAF - 2)) -> List[PackedA]:
    """``[P, 3P, 5P, ...]`` in packed affine form (P must not be the neutral element)."""
    two_p = C.double(pt)
    pts = [pt]
    for _ in range(count - 1):
        pts.append(C.add(pts[-1], two_p))
    if any(F.is_zero(p[2]) for p in pts):  # impossible in E[n] (odd prime order > 31)
        raise ValueError("degenerate point")
    return _packed_affine(C.batch_to_affine(pts))


def _unpacked(acc: Optional[PackedJ]) -> C.Jacobian:
    if acc is None:
        return C.INFINITY
    return (FP.unpack(acc[0]), FP.unpack(acc[1]), FP.unpack(acc[2]))


def mul_base(k: int) -> C.Jacobian:
    """``k G`` (k reduced mod n)."""
    return _unpacked(_add_base(None, k))


def mul_var(k: int, odd: Sequence[PackedA]) -> C.Jacobian:
    """``k P`` given ``odd = odd_multiples(P)``."""
    return _unpacked(_mul_interleaved([(k % N, odd)]))


class PublicPoint:
    """A decoded public key with the precomputation verification needs (public data only)."""

    __slots__ = ("point", "_tables", "_lock")

    def __init__(self, point: C.Jacobian) -> None:
        self.point = point
        self._tables: Optional[List[List[PackedA]]] = None
        self._lock = threading.Lock()

    def mul_base_plus(self, s: int, e: int) -> C.Jacobian:
        """``s G + e P``."""
        e %= N
        mask = (1 << _CHUNK_BITS) - 1
        terms = [((e >> (_CHUNK_BITS * j)) & mask, table) for j, table in enumerate(self.tables())]
        return _unpacked(_add_base(_mul_interleaved(terms), s))

    def tables(self) -> List[List[PackedA]]:
        """Odd multiples of ``2^(80 j) P`` for j = 0..3 (240 doublings, once per key)."""
        if self._tables is None:
            tables = [odd_multiples(self.point)]
            x, y, z = (FP.pack(c) for c in self.point)
            for _ in range(_CHUNKS - 1):
                for _ in range(_CHUNK_BITS):
                    x, y, z = FP.double(x, y, z)   # never neutral: P has odd prime order n
                tables.append(odd_multiples((FP.unpack(x), FP.unpack(y), FP.unpack(z))))
            with self._lock:
                self._tables = tables
        return self._tables


@lru_cache(maxsize=256)
def public_point(encoded: bytes) -> Optional[PublicPoint]:
    """Decode a 40-byte public key (None if it is no group element or the neutral element)."""
    w = F.from_bytes(encoded)
    if w is None:
        return None
    pt = C.decode(w)
    if pt is None or F.is_zero(pt[2]):
        return None
    return PublicPoint(pt)
