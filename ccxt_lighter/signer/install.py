"""Fetch the official signer library from the lighter-sdk wheel, verified against pinned SHA-256.

Venue fact: the signer is distributed only inside the ``lighter-sdk`` wheel on PyPI
(``lighter/signers/lighter-signer-<os>-<arch>.<ext>`` plus a cgo ``.h`` each). We do not depend on
``lighter-sdk`` (its urllib3 pin clashes with ccxt), so ``ccxt-lighter signer install`` runs
``pip download --no-deps`` into a temporary directory and copies out one platform's two files.

Invariants:
* nothing is written unless the wheel's own SHA-256 *and* each extracted file's SHA-256 equal the
  table in ``ccxt_lighter/data/signer_checksums.json`` (a changed upload is refused, not trusted);
* only this platform's library and header are extracted, written atomically (temp file +
  rename) into the directory discovery looks at (default: the per-user cache dir);
* no binary ever lands in the repository by this code path unless ``--dest`` says so.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from .base import SignerError
from .locate import header_filename, library_filename, user_cache_dir


class InstallError(SignerError):
    """Downloading or extracting the signer library failed."""


class ChecksumMismatch(InstallError):
    """A file's SHA-256 differs from the pinned value: refused, nothing written."""


@dataclass(frozen=True)
class Installed:
    library: Path
    header: Path
    library_sha256: str
    wheel_sha256: str


@dataclass(frozen=True)
class FileStatus:
    """``status``: ok (the pinned file), superseded (a pinned older build we never install),
    mismatch (a pinned name with other bytes), unpinned (a name we have no checksum for)."""

    name: str
    sha256: str
    expected: Optional[str]
    superseded: bool = False

    @property
    def status(self) -> str:
        if self.expected is None:
            return "unpinned"
        if self.sha256 != self.expected:
            return "mismatch"
        return "superseded" if self.superseded else "ok"


def pinned() -> dict:
    """The pinned table (package data): wheel hash, per-file hashes, lighter-go build."""
    text = resources.files("ccxt_lighter").joinpath("data/signer_checksums.json").read_text("utf-8")
    return json.loads(text)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_status(path: Path, pins: Optional[dict] = None) -> FileStatus:
    """Checksum of a library/header on disk against the pinned table (by file name)."""
    pins = pins or pinned()
    path = Path(path)
    if path.name in pins["files"]:
        return FileStatus(path.name, sha256_file(path), pins["files"][path.name])
    old = pins.get("not_installed", {}).get(path.name)
    return FileStatus(path.name, sha256_file(path), old, superseded=old is not None)


def pip_download_command(dest: Path, pins: Optional[dict] = None) -> List[str]:
    pins = pins or pinned()
    return [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--disable-pip-version-check", f"{pins['package']}=={pins['version']}", "-d", str(dest)]


def download_wheel(dest: Path, pins: Optional[dict] = None) -> Path:
    """``pip download`` the pinned lighter-sdk wheel into ``dest``; returns the wheel path."""
    pins = pins or pinned()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(pip_download_command(dest, pins), capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise InstallError(f"pip download {pins['package']}=={pins['version']} failed:\n{tail}")
    wheel = dest / pins["wheel"]["filename"]
    if not wheel.is_file():
        raise InstallError(f"pip did not produce {wheel.name} in {dest}")
    return wheel


def verify_wheel(wheel: Path, pins: Optional[dict] = None) -> str:
    pins = pins or pinned()
    actual = sha256_file(wheel)
    if actual != pins["wheel"]["sha256"]:
        raise ChecksumMismatch(f"{wheel.name}: sha256 {actual} != pinned {pins['wheel']['sha256']}; refusing it")
    return actual


def read_members(wheel: Path, names: Sequence[str], pins: Optional[dict] = None) -> Dict[str, bytes]:
    """Bytes of ``lighter/signers/<name>`` for each name, each verified against the pinned table."""
    pins = pins or pinned()
    table = {**pins.get("not_installed", {}), **pins["files"]}
    out = {}
    with zipfile.ZipFile(wheel) as zf:
        for name in names:
            if name not in table:
                raise InstallError(f"{name} has no pinned checksum")
            try:
                data = zf.read(pins["member_prefix"] + name)
            except KeyError:
                raise InstallError(f"{wheel.name} has no {pins['member_prefix'] + name}") from None
            actual = sha256_bytes(data)
            if actual != table[name]:
                raise ChecksumMismatch(f"{name}: sha256 {actual} != pinned {table[name]}; refusing it")
            out[name] = data
    return out


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same directory then rename (a loaded copy stays intact)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o755 if not path.name.endswith(".h") else 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def install_from_wheel(wheel: Path, dest: Optional[Path] = None, *, library: Optional[str] = None,
                       pins: Optional[dict] = None) -> Installed:
    """Verify ``wheel``, then extract this platform's library + header into ``dest``."""
    pins = pins or pinned()
    wheel_sha = verify_wheel(Path(wheel), pins)
    library = library or library_filename()
    header = header_filename(library)
    members = read_members(Path(wheel), [library, header], pins)  # all verified before any write
    dest = Path(dest) if dest else user_cache_dir()
    dest.mkdir(parents=True, exist_ok=True)
    for name, data in members.items():
        write_atomic(dest / name, data)
    return Installed(dest / library, dest / header, pins["files"][library], wheel_sha)


def install(dest: Optional[Path] = None, *, wheel: Optional[Path] = None) -> Installed:
    """Download (unless ``wheel`` is given) and install; the whole ``signer install`` command."""
    if wheel is not None:
        return install_from_wheel(Path(wheel), dest)
    with tempfile.TemporaryDirectory(prefix="ccxt-lighter-sdk-") as tmp:
        return install_from_wheel(download_wheel(Path(tmp)), dest)


# ----------------------------------------------------------------------------- provenance

_BUILDINFO_MAGIC = b"\xff Go buildinf:"


def _uvarint(data: bytes, pos: int):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def go_build_info(path: Path) -> Optional[dict]:
    """The Go build info a Go >= 1.18 binary embeds (what ``go version -m`` prints), or None.

    Returns ``{"go": "go1.23.2", "path": ..., "mod": [...], "deps": {path: version},
    "settings": {key: value}}``; used only for display (the checksum is what is trusted).
    """
    data = Path(path).read_bytes()
    at = data.find(_BUILDINFO_MAGIC)
    while at != -1 and at % 16:
        at = data.find(_BUILDINFO_MAGIC, at + 1)
    if at == -1 or not data[at + 15] & 0x2:  # flag 2: version/modinfo stored inline (Go >= 1.18)
        return None
    size, pos = _uvarint(data, at + 32)
    version = data[pos:pos + size].decode("utf-8", "replace")
    size, pos = _uvarint(data, pos + size)
    modinfo = data[pos:pos + size][16:-16].decode("utf-8", "replace")  # strip the 16-byte sentinels
    info = {"go": version, "path": None, "mod": None, "deps": {}, "settings": {}}
    for line in modinfo.splitlines():
        parts = line.split("\t")
        if parts[0] == "path" and len(parts) > 1:
            info["path"] = parts[1]
        elif parts[0] == "mod" and len(parts) > 2:
            info["mod"] = [parts[1], parts[2]]
        elif parts[0] == "dep" and len(parts) > 2:
            info["deps"][parts[1]] = parts[2]
        elif parts[0] == "build" and len(parts) > 1 and "=" in parts[1]:
            key, _, value = parts[1].partition("=")
            info["settings"][key] = value
    return info


def describe_build(info: Optional[dict]) -> str:
    """One line: the lighter-go module, its VCS revision/time, the Go toolchain, poseidon_crypto."""
    if not info:
        return "no Go build info found"
    lighter = info["mod"] if info["mod"] and "lighter-go" in info["mod"][0] else None
    if lighter is None and "github.com/elliottech/lighter-go" in info["deps"]:
        lighter = ["github.com/elliottech/lighter-go", info["deps"]["github.com/elliottech/lighter-go"]]
    s = info["settings"]
    parts = [f"{lighter[0]} {lighter[1]}" if lighter else "lighter-go not found",
             f"package {info['path']}",
             f"vcs.revision={s.get('vcs.revision', '?')}", f"vcs.time={s.get('vcs.time', '?')}",
             info["go"]]
    if "github.com/elliottech/poseidon_crypto" in info["deps"]:
        parts.append("poseidon_crypto " + info["deps"]["github.com/elliottech/poseidon_crypto"])
    return "; ".join(parts)
