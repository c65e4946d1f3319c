"""Private REST: trading and account methods (mixed into :class:`ccxt_lighter.exchange.lighter`)."""
from __future__ import annotations


class PrivateMixin:
    """Trading and account methods; filled in by the trading work (issue 4)."""
