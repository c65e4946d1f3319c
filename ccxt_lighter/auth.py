"""Auth tokens for private reads: made by the signer, cached per key, renewed before they expire.

Venue facts (REFERENCE.md 7.8, 3.1): a token is ``"<deadline>:<account>:<api_key>:<sig hex>"`` with an
absolute deadline in Unix seconds, accepted while ``deadline - now <= 8 h``; it goes raw (no
``Bearer``) into the ``Authorization`` header. Making one costs a signature (~1 ms), no request.

Invariants: a token handed out is valid for at least ``refresh_margin`` more seconds; the lifetime
never exceeds 8 hours; tokens never appear in ``repr`` or messages. The clock is injectable so
tests can move time without sleeping.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

from ccxt.base.errors import BadRequest

MAX_LIFETIME = 8 * 3600
DEFAULT_LIFETIME = 3600
DEFAULT_REFRESH_MARGIN = 300

# create(deadline_seconds, api_key_index, account_index) -> token; SignerBackend.create_auth_token.
TokenFactory = Callable[[int, int, int], str]


@dataclass
class _Entry:
    token: str
    deadline: int

    def __repr__(self) -> str:
        return f"_Entry(deadline={self.deadline}, token=<hidden>)"


class AuthTokenCache:
    """Tokens keyed by ``(account_index, api_key_index)``."""

    def __init__(self, create: TokenFactory, *, lifetime: int = DEFAULT_LIFETIME,
                 refresh_margin: Optional[int] = None, clock: Callable[[], float] = time.time):
        lifetime = int(lifetime)
        if not 60 <= lifetime <= MAX_LIFETIME:
            raise BadRequest(f"auth token lifetime must be between 60 and {MAX_LIFETIME} seconds, got {lifetime}")
        if refresh_margin is None:
            refresh_margin = min(DEFAULT_REFRESH_MARGIN, lifetime // 4)
        if not 0 <= refresh_margin < lifetime:
            raise BadRequest("auth token refresh margin must be >= 0 and below the lifetime")
        self._create = create
        self.lifetime = lifetime
        self.refresh_margin = int(refresh_margin)
        self._clock = clock
        self._entries: Dict[Tuple[int, int], _Entry] = {}
        self.created = 0  # tokens made, for tests and diagnostics

    def __repr__(self) -> str:
        return f"AuthTokenCache(lifetime={self.lifetime}, keys={sorted(self._entries)})"

    def get(self, account_index: int, api_key_index: int) -> str:
        """A token valid for at least ``refresh_margin`` seconds (made now if needed)."""
        key = (int(account_index), int(api_key_index))
        now = int(self._clock())
        entry = self._entries.get(key)
        if entry is not None and entry.deadline - now > self.refresh_margin:
            return entry.token
        deadline = now + self.lifetime
        token = self._create(deadline, key[1], key[0])
        self._entries[key] = _Entry(token, deadline)
        self.created += 1
        return token

    def deadline(self, account_index: int, api_key_index: int) -> Optional[int]:
        entry = self._entries.get((int(account_index), int(api_key_index)))
        return None if entry is None else entry.deadline

    def invalidate(self, account_index: Optional[int] = None, api_key_index: Optional[int] = None) -> None:
        """Drop one key's token (e.g. after the server refused it), or all of them."""
        if account_index is None:
            self._entries.clear()
        else:
            self._entries.pop((int(account_index), int(api_key_index)), None)

