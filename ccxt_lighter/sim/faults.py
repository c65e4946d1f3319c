"""Fault injection settings of the simulator (shared by the REST layer, the engine and /stream).

Knobs (0 or absent = off), set with ``POST /sim/faults``:
* ``ws_drop_after_messages`` N -- /stream closes a connection after sending N messages (WS layer);
* ``book_gap_every`` N -- /stream withholds every Nth order-book delta, so the next one shows a
  ``begin_nonce`` gap (WS layer);
* ``reject_nonce_every`` N -- every Nth otherwise-valid tx is rejected with 21104 "invalid nonce"
  without consuming the nonce (engine intake; a batch counts each of its txs);
* ``rate_limit_every`` N -- every Nth REST request (``/``, ``/info``, ``/api/v1/*``) is answered
  HTTP 429 with ``{"code": 23000, "message": "Too Many Requests!"}`` (429 is what REFERENCE.md 3.1
  assumes; the body code is the venue's);
* ``latency_ms`` N -- every API response (``/``, ``/info``, ``/api/v1/*``; and /stream frames, applied
  by the WS layer) is delayed by N ms; the ``/sim/`` admin namespace is never delayed.

Invariant: values are non-negative ints; unknown names are rejected, so a typo in a test cannot
silently leave a fault off.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Dict


@dataclass
class Faults:
    ws_drop_after_messages: int = 0
    book_gap_every: int = 0
    reject_nonce_every: int = 0
    rate_limit_every: int = 0
    latency_ms: int = 0

    def update(self, values: Dict) -> None:
        names = {f.name for f in fields(self)}
        checked = {}
        for name, value in values.items():
            if name not in names:
                raise ValueError(f"unknown fault {name!r}; known: {sorted(names)}")
            if value is None:
                value = 0
            if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
                raise ValueError(f"fault {name} must be a non-negative integer")
            checked[name] = int(value)
        for name, value in checked.items():
            setattr(self, name, value)

    def reset(self) -> None:
        for f in fields(self):
            setattr(self, f.name, 0)

    def to_json(self) -> Dict[str, int]:
        return asdict(self)

    def get(self, name: str, default: int = 0) -> int:
        return getattr(self, name, default)
