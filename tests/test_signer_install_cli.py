"""``ccxt-lighter`` command: signer install/check exit codes, keys generate, optional modules."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from ccxt_lighter import cli
from ccxt_lighter.signer import install as inst
from ccxt_lighter.signer.locate import header_filename, library_filename, platform_key


def run(argv, capsys):
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_signer_check_ok_for_the_installed_library(signer_lib_path, capsys):
    code, out, _ = run(["signer", "check", "--path", signer_lib_path], capsys)
    assert code == 0, out
    assert "OK (pinned lighter-sdk 1.1.8)" in out and "result:       OK" in out
    assert "load check:   OK" in out and "test tx hash:" in out


def test_signer_check_missing_library_exits_3(tmp_path, capsys):
    code, _, err = run(["signer", "check", "--path", str(tmp_path / "nope.so")], capsys)
    assert code == 3 and "ccxt-lighter signer install" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fake library is built as ELF")
@pytest.mark.parametrize("flags", [[], ["--allow-unpinned"]])
def test_signer_check_fake_library_exits_1(fake_signer_factory, capsys, flags):
    path = fake_signer_factory("FAKE_SWAP_PRICES")
    code, out, _ = run(["signer", "check", "--path", str(path), *flags], capsys)
    assert code == 1 and "load check:   FAILED" in out and "not a pinned file name" in out


@pytest.mark.skipif(platform_key() != ("linux", "amd64"), reason="the superseded build is linux-amd64 only")
def test_superseded_linux_build_from_the_wheel(lighter_sdk_wheel, tmp_path):
    """lighter-signer-linux.so (Oct 16) has the same symbols and signs identically; check refuses its checksum.

    Run in a subprocess: it is a second Go runtime, kept out of the test process.
    """
    data = inst.read_members(lighter_sdk_wheel, ["lighter-signer-linux.so"])["lighter-signer-linux.so"]
    old = tmp_path / "lighter-signer-linux.so"
    old.write_bytes(data)
    cmd = [sys.executable, "-m", "ccxt_lighter.cli", "signer", "check", "--path", str(old)]
    strict = subprocess.run(cmd, capture_output=True, text=True)
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "superseded build" in strict.stdout and "load check:   OK" in strict.stdout
    relaxed = subprocess.run(cmd + ["--allow-unpinned"], capture_output=True, text=True)
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr


def test_signer_install_from_wheel_and_refusal(lighter_sdk_wheel, tmp_path, capsys):
    dest = tmp_path / "ok"
    code, out, _ = run(["signer", "install", "--dest", str(dest), "--wheel", str(lighter_sdk_wheel)], capsys)
    name = library_filename()
    assert code == 0 and (dest / name).is_file() and (dest / header_filename(name)).is_file()
    assert inst.pinned()["files"][name] in out
    evil = tmp_path / "lighter_sdk-1.1.8-py3-none-any.whl"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("lighter/signers/" + name, b"evil")
    code, _, err = run(["signer", "install", "--dest", str(tmp_path / "bad"), "--wheel", str(evil)], capsys)
    assert code == 1 and "refusing" in err and not (tmp_path / "bad").exists()


def test_keys_generate_prints_a_pair_and_a_warning(native_signer, signer_lib_path, monkeypatch, capsys):
    monkeypatch.setenv("LIGHTER_SIGNER_LIB", signer_lib_path)
    code, out, _ = run(["keys", "generate", "--backend", "native"], capsys)
    lines = dict(line.split(":", 1) for line in out.splitlines()[:2])
    assert code == 0 and "SECRET" in out
    assert len(lines["private key"].strip()) == 80 and len(lines["public key"].strip()) == 80
    code, out, err = run(["keys", "generate", "--backend", "native", "--json"], capsys)
    pair = json.loads(out)
    assert len(pair["private_key"]) == 80 and "SECRET" in err


def test_no_command_prints_usage(capsys):
    code, _, err = run([], capsys)
    assert code == 2 and "signer" in err and "keys" in err


def test_missing_command_modules_are_skipped_but_broken_ones_surface(tmp_path, monkeypatch):
    (tmp_path / "ccxtl_broken_cmds.py").write_text("import ccxtl_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("ccxt_lighter.signer.cli", "ccxt_lighter.no_such_module"))
    parser = cli.build_parser()
    assert parser.parse_args(["signer", "check"]).func.__name__ == "cmd_check"
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("ccxtl_broken_cmds",))
    with pytest.raises(ModuleNotFoundError, match="ccxtl_no_such_dependency"):
        cli.build_parser()


def test_command_groups_are_shared_between_modules():
    import argparse

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    cli.command_group(sub, "keys", "API keys").add_parser("generate").set_defaults(func=lambda a: 11)
    cli.command_group(sub, "keys", "API keys").add_parser("register").set_defaults(func=lambda a: 12)
    assert parser.parse_args(["keys", "generate"]).func(None) == 11
    assert parser.parse_args(["keys", "register"]).func(None) == 12
