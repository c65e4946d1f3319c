"""Poseidon2 over the Goldilocks field, exactly as Lighter's signer hashes transactions.

Venue facts (REFERENCE.md 7.5; parameters in ``ccxt_lighter/data/poseidon2_goldilocks.json``, taken
from poseidon_crypto v0.0.15, the version the official signer is built with):

* field p = 2^64 - 2^32 + 1; state width 12, rate 8; S-box x^7;
* permutation = external layer, 4 full rounds, 22 partial rounds (S-box on lane 0 only, then the
  internal layer ``s_i <- s_i * diag_i + sum(s)``), 4 full rounds; a full round adds 12 constants,
  applies the S-box to every lane and then the external layer (circulant(2, 3, 1, 1) on each group
  of four lanes, then every lane gets the sum of its column across the three groups);
* sponge in *overwrite* mode without padding: each chunk of up to 8 inputs overwrites the first
  lanes of the running state (lanes past a short last chunk keep their values), then one
  permutation; outputs are read from lanes 0..7, permuting again when more are needed.

Invariant: every function takes and returns plain Python ints in ``[0, p)``; inputs outside that
range are reduced modulo p first (Go feeds ``GoldilocksField(uint64)`` values, which are reduced
the same way inside its arithmetic).
"""
from __future__ import annotations

import json
from importlib import resources
from typing import List, Sequence

P = 0xFFFFFFFF00000001
WIDTH = 12
RATE = 8
_MASK64 = (1 << 64) - 1


def _load_params() -> dict:
    text = resources.files("ccxt_lighter").joinpath("data", "poseidon2_goldilocks.json").read_text()
    return json.loads(text)


def _constants():
    params = _load_params()
    assert int(params["field"]["p"], 16) == P and params["width"] == WIDTH and params["rate"] == RATE
    ext = tuple(tuple(int(c) for c in row) for row in params["external_round_constants"])
    internal = tuple(int(c) for c in params["internal_round_constants"])
    diag = tuple(int(c) for c in params["internal_matrix_diag"])
    half = params["rounds_full_half"]
    assert len(ext) == 2 * half and len(internal) == params["rounds_partial"] and len(diag) == WIDTH
    return ext[:half], ext[half:], internal, diag


_EXT_FIRST, _EXT_LAST, _INTERNAL, _DIAG = _constants()


def _external(s: List[int]) -> List[int]:
    """circulant(2,3,1,1) per group of four lanes, then add the column sums (no reduction here)."""
    out = []
    for k in (0, 4, 8):
        x0, x1, x2, x3 = s[k], s[k + 1], s[k + 2], s[k + 3]
        t01 = x0 + x1
        t23 = x2 + x3
        t = t01 + t23
        out += (t + t01 + x1, t + x1 + 2 * x2, t + t23 + x3, t + x3 + 2 * x0)
    c0 = out[0] + out[4] + out[8]
    c1 = out[1] + out[5] + out[9]
    c2 = out[2] + out[6] + out[10]
    c3 = out[3] + out[7] + out[11]
    return [out[0] + c0, out[1] + c1, out[2] + c2, out[3] + c3,
            out[4] + c0, out[5] + c1, out[6] + c2, out[7] + c3,
            out[8] + c0, out[9] + c1, out[10] + c2, out[11] + c3]


def _full_round(s: List[int], rc: Sequence[int]) -> List[int]:
    out = []
    for x, c in zip(s, rc):
        x = (x + c) % P
        t = x * x % P
        out.append(x * t * t * t % P)  # x^7 = x * (x^2)^3
    return _external(out)


def permute_reference(state: Sequence[int]) -> List[int]:
    """The Poseidon2 permutation of a 12-lane state; returns a new reduced list.

    Readable reference; :func:`permute` is the generated, unrolled equivalent used at run time.
    """
    s = _external(list(state))
    for rc in _EXT_FIRST:
        s = _full_round(s, rc)
    s = [x % P for x in s]
    diag = _DIAG
    for c in _INTERNAL:
        x = (s[0] + c) % P
        t = x * x % P
        s[0] = x * t * t * t % P
        total = sum(s)
        s = [(x * d + total) % P for x, d in zip(s, diag)]
    for rc in _EXT_LAST:
        s = _full_round(s, rc)
    return [x % P for x in s]


from ._fastposeidon import permute  # noqa: E402  (generated from the constants above by _codegen)


def hash_n_to_m(inputs: Sequence[int], num_outputs: int) -> List[int]:
    """Overwrite-mode sponge without padding (poseidon_crypto ``HashNToMNoPad``)."""
    state = [0] * WIDTH
    for i in range(0, len(inputs), RATE):
        chunk = inputs[i:i + RATE]
        state[:len(chunk)] = [(x & _MASK64) % P for x in chunk]
        state = permute(state)
    outputs: List[int] = []
    while True:
        for lane in state[:RATE]:
            outputs.append(lane)
            if len(outputs) == num_outputs:
                return outputs
        state = permute(state)


def hash_to_quintic(inputs: Sequence[int]) -> List[int]:
    """"Hash to quintic extension": five output lanes, read as one GF(p^5) element (limb 0 first)."""
    return hash_n_to_m(inputs, 5)


def hash_no_pad(inputs: Sequence[int]) -> List[int]:
    """A 4-element ``HashOut`` (used for grouped-order sub-hashes)."""
    return hash_n_to_m(inputs, 4)


def hash_two_to_one(left: Sequence[int], right: Sequence[int]) -> List[int]:
    return hash_n_to_m(list(left) + list(right), 4)


def limbs_to_bytes(limbs: Sequence[int]) -> bytes:
    """Little-endian 8 bytes per limb, limb 0 first (``ToLittleEndianBytes``)."""
    return b"".join(int(x).to_bytes(8, "little") for x in limbs)


def bytes_to_limbs(data: bytes) -> List[int]:
    """Inverse of :func:`limbs_to_bytes`; raises ValueError on a length that is not a multiple of 8."""
    if len(data) % 8:
        raise ValueError("byte string length must be a multiple of 8")
    return [int.from_bytes(data[i:i + 8], "little") for i in range(0, len(data), 8)]
