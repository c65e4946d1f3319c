"""Signing backends: :mod:`.native` (official Go library via ctypes) and :mod:`.pure` (Python)."""
from .base import SignedTx, SignerBackend, SignerError

__all__ = ["SignedTx", "SignerBackend", "SignerError"]
