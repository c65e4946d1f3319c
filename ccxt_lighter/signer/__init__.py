"""Signing backends: :mod:`.native` (official Go library via ctypes) and :mod:`.pure` (Python).

:func:`get_backend` picks one: ``'native'`` (the official library; errors name the install
command), ``'pure'`` or ``'auto'`` (native when a compatible library is found, else pure).
``kind=None`` reads the ``LIGHTER_SIGNER`` environment variable, default ``'auto'``.

Invariant: importing this package never loads the library; one backend instance exists per
``(kind, resolved library path)`` in a process, because the Go library keeps its keys in one
process-wide map anyway.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Dict, Optional, Tuple

from .base import SignedTx, SignerBackend, SignerError
from .locate import SignerIncompatible, SignerNotFound  # no ctypes here: importing stays cheap

__all__ = ["SignedTx", "SignerBackend", "SignerError", "SignerIncompatible", "SignerNotFound", "get_backend",
           "ENV_KIND"]

ENV_KIND = "LIGHTER_SIGNER"
_KINDS = ("native", "pure", "auto")
_INSTANCES: Dict[Tuple[str, Optional[str]], SignerBackend] = {}
_LOCK = threading.Lock()
_log = logging.getLogger(__name__)


def _pure() -> SignerBackend:
    with _LOCK:
        if ("pure", None) not in _INSTANCES:
            from .pure import PureSigner

            _INSTANCES[("pure", None)] = PureSigner()
        return _INSTANCES[("pure", None)]


def _native(path: Optional[str]) -> SignerBackend:
    from .locate import find_library
    from .native import NativeSigner

    located = find_library(path)
    key = ("native", str(located.path))
    with _LOCK:
        if key not in _INSTANCES:
            _INSTANCES[key] = NativeSigner(str(located.path))
        return _INSTANCES[key]


def get_backend(kind: Optional[str] = None, path: Optional[str] = None) -> SignerBackend:
    """The process-wide backend of ``kind`` (see module doc); ``path`` = explicit library file/dir.

    ``'auto'`` falls back to pure only when *discovery* finds no compatible library; an explicit
    ``path`` that is missing or incompatible is an error, since the caller asked for that file.
    """
    kind = (kind or os.environ.get(ENV_KIND) or "auto").strip().lower()
    if kind not in _KINDS:
        raise SignerError(f"unknown signer kind {kind!r}; use one of {', '.join(_KINDS)} "
                          f"(argument or {ENV_KIND})")
    if kind == "pure":
        return _pure()
    if kind == "native" or path:
        return _native(path)
    try:
        return _native(None)
    except (SignerNotFound, SignerIncompatible) as exc:
        _log.info("native signer unavailable (%s); using the pure-Python signer", exc)
        return _pure()
