"""The ECgFp5 group (Pornin 2022) as Lighter's signer uses it: arithmetic, encoding, decoding.

Venue facts (``ccxt_lighter/data/ecgfp5.json``, REFERENCE.md 7.5): the curve is
``y^2 = x (x^2 + a x + b)`` over GF(p^5) with ``a = 2``, ``b = 263 z``; it has ``2n`` points (n prime,
about 2^319); a group element is encoded as the single field element ``w = y / x`` (the neutral
element as 0); the generator has ``w = 4``.

Math used here: the points with ``w``-encodings are the coset ``E[n] + T`` (``T = (0, 0)``, the only
rational point of order 2; its x-coordinates are the non-squares), with group law
``P (+) Q = P + Q + T``. ``R -> R + T`` maps it isomorphically onto the subgroup ``E[n]``, where we
compute with ordinary point arithmetic. For ``R = (x, y)`` in ``E[n]``, ``R + T = (b/x, -b y / x^2)``,
so ``encode(R) = -y / x``. Decoding ``w`` solves ``x^2 - (w^2 - a) x + b = 0`` and keeps the root that
is a square (the other root is the x of ``R + T``).

Internally points of ``E[n]`` live on the short Weierstrass model ``Y^2 = X^3 + A X + B`` with
``X = x + a/3`` (``A = b - a^2/3``, ``B = 2a^3/27 - a b/3``; both have two non-zero limbs, so
multiplying by them is cheap), in Jacobian coordinates ``(X, Y, Z)`` (``Z = 0`` is the neutral
element) or affine ``(X, Y)``.

Invariant: every public function takes and returns points of ``E[n]``; a decoded point is always
checked to be on the curve and in the right coset, so ``decode`` never yields a point outside the
group (None instead).
"""
from __future__ import annotations

import json
from importlib import resources
from typing import List, Optional, Tuple

from . import gfp5 as F

P = F.P
Fp5 = F.Fp5
Affine = Tuple[Fp5, Fp5]
Jacobian = Tuple[Fp5, Fp5, Fp5]


def _load_params() -> dict:
    return json.loads(resources.files("ccxt_lighter").joinpath("data", "ecgfp5.json").read_text())


_PARAMS = _load_params()
N: int = int(_PARAMS["group_order_n"])
_A = F.from_ints(_PARAMS["a"])
_B = F.from_ints(_PARAMS["b"])
assert int(_PARAMS["base_field_p"]) == P and _A == (2, 0, 0, 0, 0) and _B == (0, 263, 0, 0, 0)

_INV3 = pow(3, P - 2, P)
_SHIFT = 2 * _INV3 % P                                   # a / 3 with a = 2
_A_SW = ((-4 * _INV3) % P, 263, 0, 0, 0)                 # b - a^2/3
_B_SW = (16 * pow(27, P - 2, P) % P, (-2 * 263 * _INV3) % P, 0, 0, 0)  # 2a^3/27 - ab/3

INFINITY: Jacobian = (F.ONE, F.ONE, F.ZERO)


def _mul_a(v: Fp5) -> Fp5:
    """``v * A_SW`` where ``A_SW = c + 263 z``: one scale and one limb shift."""
    c = _A_SW[0]
    return ((v[0] * c + 789 * v[4]) % P, (v[1] * c + 263 * v[0]) % P, (v[2] * c + 263 * v[1]) % P,
            (v[3] * c + 263 * v[2]) % P, (v[4] * c + 263 * v[3]) % P)


def is_on_curve(pt: Affine) -> bool:
    x, y = pt
    rhs = F.add(F.mul(F.add(F.square(x), _A_SW), x), _B_SW)
    return F.square(y) == rhs


def double(p1: Jacobian) -> Jacobian:
    """Jacobian doubling for ``a4 = A_SW`` (1M + 8S + one cheap multiplication by A_SW)."""
    x1, y1, z1 = p1
    if F.is_zero(z1):
        return p1
    xx = F.square(x1)
    yy = F.square(y1)
    yyyy = F.square(yy)
    zz = F.square(z1)
    s = F.sub(F.sub(F.square(F.add(x1, yy)), xx), yyyy)
    s = F.add(s, s)                                       # 4 x yy
    m = F.add(F.scale(xx, 3), _mul_a(F.square(zz)))       # 3 x^2 + A z^4
    x3 = F.sub(F.square(m), F.add(s, s))
    y3 = F.sub(F.mul(m, F.sub(s, x3)), F.scale(yyyy, 8))
    z3 = F.sub(F.sub(F.square(F.add(y1, z1)), yy), zz)    # 2 y z
    return (x3, y3, z3)


def add_mixed(p1: Jacobian, q: Affine) -> Jacobian:
    """``p1 + q`` with q affine (7M + 4S); handles the neutral element, ``p1 = q`` and ``p1 = -q``."""
    x1, y1, z1 = p1
    if F.is_zero(z1):
        return (q[0], q[1], F.ONE)
    x2, y2 = q
    z1z1 = F.square(z1)
    u2 = F.mul(x2, z1z1)
    s2 = F.mul(y2, F.mul(z1, z1z1))
    h = F.sub(u2, x1)
    r = F.sub(s2, y1)
    if F.is_zero(h):
        return double(p1) if F.is_zero(r) else INFINITY
    hh = F.square(h)
    i = F.scale(hh, 4)
    j = F.mul(h, i)
    r = F.add(r, r)
    v = F.mul(x1, i)
    x3 = F.sub(F.sub(F.square(r), j), F.add(v, v))
    y1j = F.mul(y1, j)
    y3 = F.sub(F.mul(r, F.sub(v, x3)), F.add(y1j, y1j))
    z3 = F.sub(F.sub(F.square(F.add(z1, h)), z1z1), hh)
    return (x3, y3, z3)


def add(p1: Jacobian, p2: Jacobian) -> Jacobian:
    """General Jacobian addition (11M + 5S); handles every special case."""
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    if F.is_zero(z1):
        return p2
    if F.is_zero(z2):
        return p1
    z1z1 = F.square(z1)
    z2z2 = F.square(z2)
    u1 = F.mul(x1, z2z2)
    u2 = F.mul(x2, z1z1)
    s1 = F.mul(y1, F.mul(z2, z2z2))
    s2 = F.mul(y2, F.mul(z1, z1z1))
    h = F.sub(u2, u1)
    r = F.sub(s2, s1)
    if F.is_zero(h):
        return double(p1) if F.is_zero(r) else INFINITY
    hh = F.square(h)
    hhh = F.mul(h, hh)
    v = F.mul(u1, hh)
    x3 = F.sub(F.sub(F.square(r), hhh), F.add(v, v))
    y3 = F.sub(F.mul(r, F.sub(v, x3)), F.mul(s1, hhh))
    z3 = F.mul(F.mul(z1, z2), h)
    return (x3, y3, z3)


def neg_affine(q: Affine) -> Affine:
    return (q[0], F.neg(q[1]))


def to_affine(p1: Jacobian) -> Optional[Affine]:
    """None for the neutral element."""
    x, y, z = p1
    if F.is_zero(z):
        return None
    zi = F.inverse(z)
    zi2 = F.square(zi)
    return (F.mul(x, zi2), F.mul(y, F.mul(zi, zi2)))


def batch_to_affine(points: List[Jacobian]) -> List[Affine]:
    """Normalise many non-neutral points with a single field inversion."""
    invs = F.batch_inverse([pt[2] for pt in points])
    out = []
    for (x, y, _), zi in zip(points, invs):
        zi2 = F.square(zi)
        out.append((F.mul(x, zi2), F.mul(y, F.mul(zi, zi2))))
    return out


def encode(p1: Jacobian) -> Fp5:
    """``w`` of the group element: ``-y/x`` in the original model; the neutral element encodes as 0.

    With ``x = X/Z^2 - a/3`` and ``y = Y/Z^3``: ``w = -Y / (Z (X - (a/3) Z^2))`` (one inversion).
    """
    x, y, z = p1
    if F.is_zero(z):
        return F.ZERO
    den = F.mul(z, F.sub(x, F.scale(F.square(z), _SHIFT)))
    return F.neg(F.mul(y, F.inverse(den)))


def decode(w: Fp5) -> Optional[Jacobian]:
    """The point of E[n] with encoding ``w``, or None when ``w`` encodes no group element."""
    if F.is_zero(w):
        return INFINITY
    e = F.sub(F.square(w), _A)                             # x^2 - e x + b = 0
    delta = F.sub(F.square(e), F.mul_by_z(F.ONE, 4 * 263))  # e^2 - 4b
    root = F.sqrt(delta)
    if root is None:
        return None
    half = (P + 1) // 2
    x = F.scale(F.add(e, root), half)
    if F.legendre(x) != 1:
        x = F.scale(F.sub(e, root), half)
        if F.legendre(x) != 1:
            return None
    y = F.neg(F.mul(w, x))                                 # encode(R) = -y/x
    pt = (F.add(x, (_SHIFT, 0, 0, 0, 0)), y)
    if not is_on_curve(pt):
        return None
    return (pt[0], pt[1], F.ONE)


def _generator() -> Affine:
    """G of E[n]: the json generator (x, w x) of the coset, plus T."""
    gx = F.from_ints(_PARAMS["generator"]["x"])
    w = F.from_ints(_PARAMS["generator"]["encoded_w"])
    pt = decode(w)
    assert pt is not None and F.sub(pt[0], (_SHIFT, 0, 0, 0, 0)) == F.mul(_B, F.inverse(gx))
    return (pt[0], pt[1])


GENERATOR: Affine = _generator()
