"""Developer tool: writes ``_fastpoint.py`` and ``_fastposeidon.py`` (straight-line hot paths).

Not imported at run time. Run ``python -m ccxt_lighter.signer.pure._codegen`` after changing the
formulas below; ``tests/test_signer_pure_curve.py`` checks the generated functions against the
readable ones in :mod:`.curve` and :mod:`.poseidon2` on random inputs.

Poseidon2: the permutation is unrolled over 12 local variables with the round constants inlined
(no per-round lists or loops), which makes it about 2.5x faster than the readable loop version.

Why: in CPython a GF(p^5) product written as 25 small multiplications costs ~55 interpreter
operations. Packing the five limbs of an element into one integer (slot i at bit ``K*i``) turns the
product into ONE big-integer multiplication, a fold of the upper five slots (``z^5 = 3``) and a
few mask/shift rounds of partial Goldilocks reduction (``2^64 = 2^32 - 1 mod p``) applied to all
slots at once. Slots never go negative (subtraction adds a multiple of p first) and never carry
into each other: the emitter tracks an upper bound (in bits) for every value and inserts
reductions where a product could overflow its ``K``-bit slot.
"""
from __future__ import annotations

import os
from typing import Dict, List

K = 144          # bits per slot (swept 136..176: 144 was fastest)
REDUCED = 67     # bound after a full partial reduction (2^64 + 2^66 < 2^67)
PRODUCT = 80     # products are reduced only this far; operands are reduced further on demand


class _Emitter:
    def __init__(self, inputs: Dict[str, int]) -> None:
        self.lines: List[str] = []
        self.bound: Dict[str, int] = dict(inputs)

    def _set(self, dst: str, expr: str, bound: int) -> str:
        assert bound < K, (dst, bound)
        self.lines.append(f"{dst} = {expr}")
        self.bound[dst] = bound
        return dst

    def reduce(self, dst: str, a: str, target: int = REDUCED) -> str:
        """Partial reduction rounds until the bound is at most ``target``."""
        b = self.bound[a]
        src = a
        while b > target:
            self.lines.append(f"_h = ({src} >> 64) & HI")
            self.lines.append(f"{dst} = ({src} & LO) + (_h << 32) - _h")
            b = max(64, b - 32) + 1
            src = dst
        if src != dst:
            self.lines.append(f"{dst} = {src}")
        self.bound[dst] = b
        return dst

    def mul(self, dst: str, a: str, b: str) -> str:
        while self.bound[a] + self.bound[b] + 5 > K:  # 9-slot product and fold must fit a slot
            big = a if self.bound[a] >= self.bound[b] else b
            self.reduce(big, big, self.bound[big] - 1)
        op = f"{a} * {a}" if a == b else f"{a} * {b}"
        self.lines.append(f"_c = {op}")
        self.lines.append(f"{dst} = (_c & M5) + 3 * (_c >> {5 * K})")
        self.bound[dst] = self.bound[a] + self.bound[b] + 5
        return self.reduce(dst, dst, PRODUCT)

    def add(self, dst: str, a: str, b: str) -> str:
        return self._set(dst, f"{a} + {b}", max(self.bound[a], self.bound[b]) + 1)

    def sub(self, dst: str, a: str, b: str) -> str:
        """a - b + bias, bias = p * 2^(bound(b) - 63) in every slot (>= any slot of b)."""
        shift = self.bound[b] - 63
        return self._set(dst, f"{a} + (PB << {shift}) - {b}", max(self.bound[a], self.bound[b] + 2) + 1)

    def small(self, dst: str, k: int, a: str) -> str:
        return self._set(dst, f"{k} * {a}", self.bound[a] + k.bit_length())


def _double(e: _Emitter) -> None:
    """Jacobian doubling on Y^2 = X^3 + A X + B (see curve.double)."""
    e.mul("xx", "x", "x")
    e.mul("yy", "y", "y")
    e.mul("yyyy", "yy", "yy")
    e.mul("zz", "z", "z")
    e.mul("zzzz", "zz", "zz")
    e.mul("s", "x", "yy")
    e.small("s", 4, "s")
    e.mul("az", "zzzz", "CA")
    e.small("m", 3, "xx")
    e.add("m", "m", "az")
    e.mul("mm", "m", "m")
    e.small("s2", 2, "s")
    e.sub("ox", "mm", "s2")
    e.reduce("ox", "ox")
    e.sub("t", "s", "ox")
    e.mul("oy", "m", "t")
    e.small("y8", 8, "yyyy")
    e.sub("oy", "oy", "y8")
    e.reduce("oy", "oy")
    e.mul("oz", "y", "z")
    e.small("oz", 2, "oz")
    e.reduce("oz", "oz")


def _add_mixed_head(e: _Emitter) -> None:
    e.mul("z1z1", "z", "z")
    e.mul("u2", "qx", "z1z1")
    e.mul("t", "z", "z1z1")
    e.mul("s2", "qy", "t")
    e.sub("h", "u2", "x")
    e.reduce("h", "h")
    e.sub("r", "s2", "y")
    e.reduce("r", "r")


def _add_mixed_tail(e: _Emitter) -> None:
    e.mul("hh", "h", "h")
    e.small("i", 4, "hh")
    e.mul("j", "h", "i")
    e.small("r", 2, "r")
    e.mul("v", "x", "i")
    e.mul("rr", "r", "r")
    e.small("v2", 2, "v")
    e.add("jv", "j", "v2")
    e.sub("ox", "rr", "jv")
    e.reduce("ox", "ox")
    e.sub("t", "v", "ox")
    e.mul("oy", "r", "t")
    e.mul("yj", "y", "j")
    e.small("yj", 2, "yj")
    e.sub("oy", "oy", "yj")
    e.reduce("oy", "oy")
    e.add("t", "z", "h")
    e.mul("t", "t", "t")
    e.add("zh", "z1z1", "hh")
    e.sub("oz", "t", "zh")
    e.reduce("oz", "oz")


_HEADER = f'''"""GENERATED by _codegen.py -- do not edit. Packed-limb ECgFp5 point formulas (see curve.py).

A field element is one int: limb i in bits [{K}*i, {K}*i + {K}); limbs are bounded, not canonical
(< 2^{REDUCED}); :func:`pack` / :func:`unpack` convert from / to canonical 5-tuples.
"""
# flake8: noqa
from .curve import _A_SW
from .gfp5 import P

K = {K}
M5 = (1 << {5 * K}) - 1
LO = sum(((1 << 64) - 1) << (K * i) for i in range(5))
HI = sum(((1 << (K - 64)) - 1) << (K * i) for i in range(5))
PB = sum(P << (K * i) for i in range(5))
_SLOT = (1 << K) - 1


def pack(t):
    return t[0] | t[1] << K | t[2] << {2 * K} | t[3] << {3 * K} | t[4] << {4 * K}


def unpack(v):
    return ((v & _SLOT) % P, (v >> K & _SLOT) % P, (v >> {2 * K} & _SLOT) % P,
            (v >> {3 * K} & _SLOT) % P, (v >> {4 * K}) % P)


def is_zero(v):
    return not ((v & _SLOT) % P or (v >> K & _SLOT) % P or (v >> {2 * K} & _SLOT) % P
                or (v >> {3 * K} & _SLOT) % P or (v >> {4 * K}) % P)


CA = pack(_A_SW)
'''


def generate() -> str:
    out = [_HEADER, ""]
    e = _Emitter({"x": REDUCED, "y": REDUCED, "z": REDUCED, "CA": 64})
    _double(e)
    out += ["def double(x, y, z):",
            '    """Jacobian doubling (never called on the neutral element: callers use None for it)."""']
    out += ["    " + line for line in e.lines] + ["    return ox, oy, oz", "", ""]
    e = _Emitter({"x": REDUCED, "y": REDUCED, "z": REDUCED, "qx": 64, "qy": 64})
    _add_mixed_head(e)
    head = list(e.lines)
    e.lines = []
    _add_mixed_tail(e)
    out += ["def add_mixed(x, y, z, qx, qy):",
            '    """Jacobian + affine (canonical qx, qy); returns None for the neutral element."""']
    out += ["    " + line for line in head]
    out += ["    if is_zero(h):",
            "        return double(x, y, z) if is_zero(r) else None"]
    out += ["    " + line for line in e.lines] + ["    return ox, oy, oz", ""]
    return "\n".join(out)


_LANES = [f"s{i}" for i in range(12)]


def _p2_external(lines: List[str], reduce: bool) -> None:
    """circulant(2,3,1,1) per group of four lanes, then column sums (see poseidon2._external)."""
    for k in (0, 4, 8):
        a, b, c, d = _LANES[k:k + 4]
        lines.append(f"t01 = {a} + {b}; t23 = {c} + {d}; t = t01 + t23")
        lines.append(f"{a}, {b}, {c}, {d} = t + t01 + {b}, t + {b} + 2 * {c}, t + t23 + {d}, t + {d} + 2 * {a}")
    for j in range(4):
        lines.append(f"c{j} = {_LANES[j]} + {_LANES[4 + j]} + {_LANES[8 + j]}")
    mod = " % P" if reduce else ""
    lines.append(", ".join(_LANES) + " = " + ", ".join(f"({_LANES[i]} + c{i % 4}){mod}" for i in range(12)))


def _p2_full_round(lines: List[str], constants) -> None:
    for lane, c in zip(_LANES, constants):
        lines.append(f"x = ({lane} + {c}) % P; t = x * x % P; {lane} = x * t * t * t % P")


def generate_poseidon() -> str:
    from .poseidon2 import _DIAG, _EXT_FIRST, _EXT_LAST, _INTERNAL

    body: List[str] = [", ".join(_LANES) + " = state"]
    _p2_external(body, False)
    for rc in _EXT_FIRST:
        _p2_full_round(body, rc)
        _p2_external(body, False)
    body.append(", ".join(_LANES) + " = " + ", ".join(f"{lane} % P" for lane in _LANES))
    for c in _INTERNAL:
        body.append(f"x = (s0 + {c}) % P; t = x * x % P; s0 = x * t * t * t % P")
        body.append("total = " + " + ".join(_LANES))
        body.append(", ".join(_LANES) + " = " + ", ".join(
            f"({lane} * {d} + total) % P" for lane, d in zip(_LANES, _DIAG)))
    for i, rc in enumerate(_EXT_LAST):
        _p2_full_round(body, rc)
        _p2_external(body, i == len(_EXT_LAST) - 1)
    body.append("return [" + ", ".join(_LANES) + "]")
    head = ['"""GENERATED by _codegen.py -- do not edit. Unrolled Poseidon2 permutation (see poseidon2.py)."""',
            "# flake8: noqa", "P = 0xFFFFFFFF00000001", "", "",
            "def permute(state):", '    """Same result as poseidon2.permute_reference (12 ints in [0, p))."""']
    return "\n".join(head + ["    " + line for line in body]) + "\n"


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "_fastpoint.py"), "w") as fh:
        fh.write(generate())
    with open(os.path.join(here, "_fastposeidon.py"), "w") as fh:
        fh.write(generate_poseidon())
