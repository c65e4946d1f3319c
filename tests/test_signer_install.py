"""Library discovery order, install from the pinned wheel, checksum refusal."""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from ccxt_lighter.signer import install as inst
from ccxt_lighter.signer import locate
from ccxt_lighter.signer.locate import SignerNotFound, find_library, library_filename

NAME = library_filename()


@pytest.mark.parametrize("system,machine,filename", [
    ("linux", "x86_64", "lighter-signer-linux-amd64.so"),
    ("linux", "aarch64", "lighter-signer-linux-arm64.so"),
    ("darwin", "x86_64", "lighter-signer-darwin-amd64.dylib"),
    ("darwin", "arm64", "lighter-signer-darwin-arm64.dylib"),
    ("win32", "AMD64", "lighter-signer-windows-amd64.dll"),
])
def test_library_filename_per_platform(system, machine, filename):
    assert library_filename(system, machine) == filename
    assert filename in inst.pinned()["files"]


@pytest.mark.parametrize("system,machine", [("win32", "ARM64"), ("linux", "riscv64"), ("freebsd14", "amd64")])
def test_platform_without_official_build(system, machine):
    with pytest.raises(SignerNotFound, match="pure"):
        library_filename(system, machine)


@pytest.fixture
def places(tmp_path, monkeypatch):
    """One candidate file per discovery step; the test deletes them to walk down the order."""
    paths = {
        "explicit": tmp_path / "explicit" / NAME,
        "env": tmp_path / "env" / NAME,
        "checkout": tmp_path / "checkout" / "signers" / NAME,
        "user-cache": tmp_path / "xdg" / "ccxt-lighter" / "signers" / NAME,
    }
    for p in paths.values():
        p.parent.mkdir(parents=True)
        p.write_bytes(b"not really a library")
    monkeypatch.setattr(locate, "checkout_dir", lambda: paths["checkout"].parent)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LIGHTER_SIGNER_LIB", str(paths["env"]))
    return paths


def test_discovery_order(places, monkeypatch):
    assert find_library(str(places["explicit"])) == locate.Located(places["explicit"].resolve(), "explicit")
    assert find_library(str(places["explicit"].parent)).path == places["explicit"].resolve()  # a directory
    assert find_library().source == "env"
    monkeypatch.delenv("LIGHTER_SIGNER_LIB")
    assert find_library() == locate.Located(places["checkout"].resolve(), "checkout")
    places["checkout"].unlink()
    assert find_library() == locate.Located(places["user-cache"].resolve(), "user-cache")
    places["user-cache"].unlink()
    with pytest.raises(SignerNotFound, match="ccxt-lighter signer install") as info:
        find_library()
    assert str(places["checkout"]) in str(info.value) and str(places["user-cache"]) in str(info.value)


def test_explicit_or_env_path_that_points_nowhere_is_an_error(places, monkeypatch):
    with pytest.raises(SignerNotFound, match="not a file"):
        find_library(str(places["explicit"]) + ".missing")
    monkeypatch.setenv("LIGHTER_SIGNER_LIB", str(places["env"]) + ".missing")
    with pytest.raises(SignerNotFound, match="LIGHTER_SIGNER_LIB"):
        find_library()  # never falls through to signers/ or the cache


def test_user_cache_dir_per_platform(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    assert locate.user_cache_dir() == tmp_path / ".cache" / "ccxt-lighter" / "signers"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert locate.user_cache_dir() == tmp_path / "Library" / "Caches" / "ccxt-lighter" / "signers"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert locate.user_cache_dir() == tmp_path / "Local" / "ccxt-lighter" / "signers"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert locate.user_cache_dir() == tmp_path / "x" / "ccxt-lighter" / "signers"


def test_checkout_dir_is_signers_beside_the_package():
    root = Path(__file__).resolve().parent.parent
    assert locate.checkout_dir() == root / "signers"


def test_every_pinned_file_matches_the_real_wheel(lighter_sdk_wheel):
    pins = inst.pinned()
    names = list(pins["files"]) + list(pins["not_installed"])
    members = inst.read_members(lighter_sdk_wheel, names)  # raises ChecksumMismatch on any difference
    assert set(members) == set(names)


def test_install_from_the_real_wheel(lighter_sdk_wheel, tmp_path):
    done = inst.install_from_wheel(lighter_sdk_wheel, tmp_path / "dest")
    assert sorted(p.name for p in (tmp_path / "dest").iterdir()) == sorted([NAME, locate.header_filename(NAME)])
    assert inst.file_status(done.library).status == "ok" and inst.file_status(done.header).status == "ok"
    assert done.wheel_sha256 == inst.pinned()["wheel"]["sha256"]
    assert find_library(str(tmp_path / "dest")).path == done.library.resolve()


def _fake_wheel(path: Path, content: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name in (NAME, locate.header_filename(NAME)):
            zf.writestr("lighter/signers/" + name, content)
    return path


def test_install_refuses_a_wheel_with_another_checksum(tmp_path):
    wheel = _fake_wheel(tmp_path / "lighter_sdk-1.1.8-py3-none-any.whl", b"evil")
    with pytest.raises(inst.ChecksumMismatch, match="refusing"):
        inst.install_from_wheel(wheel, tmp_path / "dest")
    assert not (tmp_path / "dest").exists()


def test_install_refuses_a_member_with_another_checksum(tmp_path):
    wheel = _fake_wheel(tmp_path / "w.whl", b"evil")
    pins = json.loads(json.dumps(inst.pinned()))
    pins["wheel"]["sha256"] = inst.sha256_file(wheel)  # pretend the wheel itself were pinned
    with pytest.raises(inst.ChecksumMismatch, match=NAME.replace(".", r"\.")):
        inst.install_from_wheel(wheel, tmp_path / "dest", pins=pins)
    assert not (tmp_path / "dest").exists()


def test_pip_failure_is_reported(tmp_path):
    pins = json.loads(json.dumps(inst.pinned()))
    pins["package"] = "not a valid requirement!!"
    with pytest.raises(inst.InstallError, match="pip download"):
        inst.download_wheel(tmp_path, pins)


def test_file_status_kinds(tmp_path, signer_lib_path):
    assert inst.file_status(Path(signer_lib_path)).status == "ok"
    odd = tmp_path / NAME
    odd.write_bytes(b"x")
    assert inst.file_status(odd).status == "mismatch"
    other = tmp_path / "libsomething.so"
    other.write_bytes(b"x")
    assert inst.file_status(other).status == "unpinned"


def test_go_build_info_of_the_installed_library(signer_lib_path):
    info = inst.go_build_info(Path(signer_lib_path))
    pins = inst.pinned()
    if inst.file_status(Path(signer_lib_path)).status != "ok":
        pytest.skip("not the pinned build")
    assert info["deps"]["github.com/elliottech/poseidon_crypto"] == "v0.0.15"
    if NAME.startswith("lighter-signer-linux") or NAME.startswith("lighter-signer-windows"):
        assert info["settings"]["vcs.revision"] == pins["lighter_go"]["commit"]
        assert info["go"] == pins["lighter_go"]["go"]
    assert "lighter-go" in inst.describe_build(info)
