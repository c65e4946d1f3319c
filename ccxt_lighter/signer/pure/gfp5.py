"""GF(p^5) = GF(p)[z] / (z^5 - 3) over the Goldilocks prime: the base field of the ECgFp5 curve.

Venue facts (REFERENCE.md 7.5, ``ccxt_lighter/data/ecgfp5.json``): an element is five limbs
``c0 + c1 z + ... + c4 z^4``, serialised as 40 little-endian bytes, limb 0 first.

Math used here (no other source needed):
* ``p = 1 (mod 5)``, so the Frobenius map is ``z -> omega z`` with ``omega = 3^((p-1)/5)``: raising
  to the p-th power multiplies limb i by ``omega^i`` (no exponentiation needed);
* the norm ``N(a) = a^(1+p+...+p^4)`` lies in GF(p); ``a^-1 = a^(r-1) / N(a)`` with
  ``r = 1+p+...+p^4``, and ``a`` is a square iff ``N(a)`` is a square in GF(p) (odd degree);
* square roots: with ``d = a^((r-1)/2)`` (one 64-bit power and Frobenius maps) the norm is
  ``N(a) = a d^2`` and ``sqrt(a) = a d / sqrt(N(a))``, where the last root is taken in GF(p).

Invariant: elements are tuples of five ints in ``[0, p)``; every function returns reduced tuples.
Speed matters (Python ints): multiplication is the unrolled schoolbook product with ``z^5 = 3``.
"""
from __future__ import annotations

from typing import Optional, Sequence, Tuple

P = 0xFFFFFFFF00000001
Fp5 = Tuple[int, int, int, int, int]

ZERO: Fp5 = (0, 0, 0, 0, 0)
ONE: Fp5 = (1, 0, 0, 0, 0)

_OMEGA = pow(3, (P - 1) // 5, P)
# _FROB[k][i] = omega^(i*k): the k-th Frobenius power scales limb i by this.
_FROB = tuple(tuple(pow(_OMEGA, i * k, P) for i in range(5)) for k in range(5))


def from_ints(values: Sequence[int]) -> Fp5:
    a0, a1, a2, a3, a4 = (int(v) % P for v in values)
    return (a0, a1, a2, a3, a4)


def add(a: Fp5, b: Fp5) -> Fp5:
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P, (a[2] + b[2]) % P, (a[3] + b[3]) % P, (a[4] + b[4]) % P)


def sub(a: Fp5, b: Fp5) -> Fp5:
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P, (a[2] - b[2]) % P, (a[3] - b[3]) % P, (a[4] - b[4]) % P)


def neg(a: Fp5) -> Fp5:
    return (-a[0] % P, -a[1] % P, -a[2] % P, -a[3] % P, -a[4] % P)


def mul(a: Fp5, b: Fp5) -> Fp5:
    a0, a1, a2, a3, a4 = a
    b0, b1, b2, b3, b4 = b
    return ((a0 * b0 + 3 * (a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1)) % P,
            (a0 * b1 + a1 * b0 + 3 * (a2 * b4 + a3 * b3 + a4 * b2)) % P,
            (a0 * b2 + a1 * b1 + a2 * b0 + 3 * (a3 * b4 + a4 * b3)) % P,
            (a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + 3 * a4 * b4) % P,
            (a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0) % P)


def square(a: Fp5) -> Fp5:
    a0, a1, a2, a3, a4 = a
    d0, d1, d2 = 2 * a0, 2 * a1, 2 * a2
    return ((a0 * a0 + 3 * (d1 * a4 + d2 * a3)) % P,
            (d0 * a1 + 3 * (d2 * a4 + a3 * a3)) % P,
            (d0 * a2 + a1 * a1 + 6 * a3 * a4) % P,
            (d0 * a3 + d1 * a2 + 3 * a4 * a4) % P,
            (d0 * a4 + d1 * a3 + a2 * a2) % P)


def scale(a: Fp5, k: int) -> Fp5:
    """Multiply by an element of GF(p)."""
    return ((a[0] * k) % P, (a[1] * k) % P, (a[2] * k) % P, (a[3] * k) % P, (a[4] * k) % P)


def mul_by_z(a: Fp5, k: int) -> Fp5:
    """``a * (k z)`` for a small k: a limb shift with the wrap-around limb times 3."""
    return ((3 * k * a[4]) % P, (k * a[0]) % P, (k * a[1]) % P, (k * a[2]) % P, (k * a[3]) % P)


def frobenius(a: Fp5, k: int = 1) -> Fp5:
    """``a^(p^k)``."""
    f = _FROB[k % 5]
    return (a[0], a[1] * f[1] % P, a[2] * f[2] % P, a[3] * f[3] % P, a[4] * f[4] % P)


def is_zero(a: Fp5) -> bool:
    return not (a[0] or a[1] or a[2] or a[3] or a[4])


def _norm_parts(a: Fp5) -> Tuple[Fp5, int]:
    """``(a^(r-1), N(a))`` with ``r - 1 = p + p^2 + p^3 + p^4``."""
    t = mul(frobenius(a, 1), frobenius(a, 2))          # a^(p + p^2)
    t = mul(t, frobenius(t, 2))                          # a^(p + p^2 + p^3 + p^4)
    c0 = a[0] * t[0] + 3 * (a[1] * t[4] + a[2] * t[3] + a[3] * t[2] + a[4] * t[1])
    return t, c0 % P                                     # a * a^(r-1) lies in GF(p)


def norm(a: Fp5) -> int:
    return _norm_parts(a)[1]


def inverse(a: Fp5) -> Fp5:
    """``a^-1``; the inverse of 0 is 0 (callers that care check :func:`is_zero` first)."""
    t, n = _norm_parts(a)
    return scale(t, pow(n, P - 2, P)) if n else ZERO


def batch_inverse(values: Sequence[Fp5]) -> list:
    """Montgomery's trick: n inverses for one inversion and 3(n-1) multiplications (no zeros allowed)."""
    prefix = []
    acc = ONE
    for v in values:
        prefix.append(acc)
        acc = mul(acc, v)
    inv = inverse(acc)
    out = [ZERO] * len(values)
    for i in range(len(values) - 1, -1, -1):
        out[i] = mul(inv, prefix[i])
        inv = mul(inv, values[i])
    return out


def legendre(a: Fp5) -> int:
    """1 for a non-zero square, -1 for a non-square, 0 for zero."""
    n = norm(a)
    if n == 0:
        return 0
    return 1 if pow(n, (P - 1) // 2, P) == 1 else -1


def _pow_half_p_plus_one(a: Fp5) -> Fp5:
    """``a^((p+1)/2)`` with ``(p+1)/2 = 2^63 - 2^31 + 1 = (2^32 - 1) * 2^31 + 1``."""
    acc = a                                  # a^(2^k - 1) for k = 1, 2, 4, 8, 16, 32
    for k in (1, 2, 4, 8, 16):
        t = acc
        for _ in range(k):
            t = square(t)
        acc = mul(t, acc)
    for _ in range(31):
        acc = square(acc)
    return mul(acc, a)


def _sqrt_fp(n: int) -> Optional[int]:
    """Tonelli-Shanks in GF(p) (p - 1 = 2^32 * (2^32 - 1)); None for a non-square."""
    if n == 0:
        return 0
    if pow(n, (P - 1) // 2, P) != 1:
        return None
    q, s = (P - 1) >> 32, 32
    z = 7  # 7 generates GF(p)*, so it is a non-square
    m, c, t, r = s, pow(z, q, P), pow(n, q, P), pow(n, (q + 1) // 2, P)
    while t != 1:
        i, t2 = 0, t
        while t2 != 1:
            t2 = t2 * t2 % P
            i += 1
        b = pow(c, 1 << (m - i - 1), P)
        m, c, t, r = i, b * b % P, t * b * b % P, r * b % P
    return r


def sqrt(a: Fp5) -> Optional[Fp5]:
    """A square root of ``a``, or None when ``a`` is not a square.

    ``d = a^((r-1)/2)``, ``e = a d^2 = N(a)`` (in GF(p)); then ``(a d / sqrt(e))^2 = a^2 d^2 / (a d^2) = a``.
    """
    if is_zero(a):
        return ZERO
    u = _pow_half_p_plus_one(a)              # a^((1+p)/2)
    v = mul(u, frobenius(u, 2))              # a^((1+p)(1+p^2)/2)
    d = frobenius(v, 1)                      # a^(p(1+p)(1+p^2)/2) = a^((r-1)/2)
    ad = mul(a, d)
    e = (ad[0] * d[0] + 3 * (ad[1] * d[4] + ad[2] * d[3] + ad[3] * d[2] + ad[4] * d[1])) % P
    root = _sqrt_fp(e)
    if root is None:
        return None
    return scale(ad, pow(root, P - 2, P))


def to_bytes(a: Fp5) -> bytes:
    return b"".join(x.to_bytes(8, "little") for x in a)


def from_bytes(data: bytes) -> Optional[Fp5]:
    """Decode 40 little-endian bytes; None when a limb is not canonical (>= p) or the length is wrong."""
    if len(data) != 40:
        return None
    limbs = tuple(int.from_bytes(data[i:i + 8], "little") for i in range(0, 40, 8))
    if any(x >= P for x in limbs):
        return None
    return limbs  # type: ignore[return-value]
