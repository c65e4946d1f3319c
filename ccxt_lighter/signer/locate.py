"""Where the official signer library comes from.

Venue fact (REFERENCE.md 7.6): lighter-sdk 1.1.8 ships one library per platform,
``lighter-signer-{linux,darwin,windows}-{amd64,arm64}.{so,dylib,dll}`` (no windows-arm64).

Invariant: discovery is deterministic and documented, first hit wins:
1. an explicit path (``options['signerPath']`` / ``path=`` argument),
2. the ``LIGHTER_SIGNER_LIB`` environment variable,
3. ``signers/`` beside the package in a source checkout,
4. the per-user cache directory that ``ccxt-lighter signer install`` writes to.
An explicit path or env var that points nowhere is an error (it is never silently skipped): the
user asked for that file. Nothing here loads the library.
"""
from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Tuple

from .base import SignerError

ENV_LIBRARY = "LIGHTER_SIGNER_LIB"
INSTALL_HINT = "run `ccxt-lighter signer install` (or set LIGHTER_SIGNER_LIB / options['signerPath'])"

_ARCH = {"x86_64": "amd64", "amd64": "amd64", "x64": "amd64", "aarch64": "arm64", "arm64": "arm64"}
_SUPPORTED = {
    ("linux", "amd64"): "lighter-signer-linux-amd64.so",
    ("linux", "arm64"): "lighter-signer-linux-arm64.so",
    ("darwin", "amd64"): "lighter-signer-darwin-amd64.dylib",
    ("darwin", "arm64"): "lighter-signer-darwin-arm64.dylib",
    ("windows", "amd64"): "lighter-signer-windows-amd64.dll",
}


class SignerNotFound(SignerError):
    """No signer library where discovery looked (or the platform has no official build)."""


class SignerIncompatible(SignerError):
    """A library was found but is not the ABI/behaviour this package was written against."""


@dataclass(frozen=True)
class Located:
    path: Path
    source: str  # "explicit" | "env" | "checkout" | "user-cache"


def platform_key(system: Optional[str] = None, machine: Optional[str] = None) -> Tuple[str, str]:
    """``(os, arch)`` in the wheel's spelling, e.g. ``("linux", "amd64")``."""
    system = (system or sys.platform).lower()
    for prefix, name in (("linux", "linux"), ("darwin", "darwin"), ("win", "windows"), ("cygwin", "windows")):
        if system.startswith(prefix):
            system = name
            break
    machine = (machine or platform.machine()).lower()
    return system, _ARCH.get(machine, machine)


def library_filename(system: Optional[str] = None, machine: Optional[str] = None) -> str:
    key = platform_key(system, machine)
    try:
        return _SUPPORTED[key]
    except KeyError:
        raise SignerNotFound(f"lighter-sdk ships no signer library for {key[0]}-{key[1]}; "
                             "use the pure-Python signer (LIGHTER_SIGNER=pure)") from None


def header_filename(library: str) -> str:
    return library.rsplit(".", 1)[0] + ".h"


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/ccxt-lighter/signers`` if set, else the platform's per-user cache dir."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        base = Path(xdg)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or (Path.home() / "AppData" / "Local"))
    else:
        base = Path.home() / ".cache"
    return base / "ccxt-lighter" / "signers"


def checkout_dir() -> Optional[Path]:
    """``signers/`` of a source checkout; None for an installed package (site-packages has no setup.cfg)."""
    root = Path(__file__).resolve().parent.parent.parent
    if (root / "setup.cfg").is_file() and (root / "ccxt_lighter").is_dir():
        return root / "signers"
    return None


def _resolve_explicit(value: str, source: str, filename: str) -> Located:
    path = Path(value).expanduser()
    if path.is_dir():
        path = path / filename
    if not path.is_file():
        origin = "the signer path" if source == "explicit" else ENV_LIBRARY
        raise SignerNotFound(f"{origin} points to {path}, which is not a file; {INSTALL_HINT}")
    return Located(path.resolve(), source)


def candidates(filename: Optional[str] = None) -> List[Located]:
    """The implicit locations, in discovery order (existing or not)."""
    filename = filename or library_filename()
    out = []
    checkout = checkout_dir()
    if checkout is not None:
        out.append(Located(checkout / filename, "checkout"))
    out.append(Located(user_cache_dir() / filename, "user-cache"))
    return out


def find_library(explicit: Optional[str] = None) -> Located:
    """The library to load, following the documented order; raises :class:`SignerNotFound`."""
    filename = library_filename()
    if explicit:
        return _resolve_explicit(str(explicit), "explicit", filename)
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return _resolve_explicit(env, "env", filename)
    looked = []
    for cand in candidates(filename):
        if cand.path.is_file():
            return Located(cand.path.resolve(), cand.source)
        looked.append(str(cand.path))
    raise SignerNotFound(f"signer library {filename} not found (looked in: {', '.join(looked)}); {INSTALL_HINT}")
