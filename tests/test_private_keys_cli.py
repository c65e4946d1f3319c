"""``ccxt-lighter keys register`` as a real subprocess against the simulator, and the L1 signature
it puts into ChangePubKey (recovered to the owner's address)."""
import asyncio
import json
import os
import sys

import pytest

from tests.private_support import account_state, new_account

ETH_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"  # throwaway test key


async def run_cli(*args, env=None):
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ccxt_lighter.cli", *args, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=dict(os.environ, **(env or {})))
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


@pytest.fixture
async def owner(sim, signer_backend):
    from eth_account import Account

    address = Account.from_key(bytes.fromhex(ETH_KEY)).address
    return await new_account(sim, signer_backend, l1_address=address)


async def test_register_writes_key_file_and_the_venue_lists_it(sim, owner, tmp_path):
    out = tmp_path / "key.json"
    code, stdout, stderr = await run_cli("keys", "register", "--url", sim.rest_url, "--api-key-index", "9",
                                         "--out", str(out), env={"LIGHTER_ETH_PRIVATE_KEY": ETH_KEY})
    assert code == 0, stderr
    assert ETH_KEY not in stdout + stderr
    record = json.loads(out.read_text())
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert record["account_index"] == owner["account_index"] and record["api_key_index"] == 9
    assert account_state(sim, owner["account_index"])["api_keys"]["9"]["public_key"] == record["public_key"]
    stored = sim.engine.ledger.tx("hash", record["tx_hash"])
    info = json.loads(stored["info"])
    assert _l1_signer(info, record) == owner["l1_address"]


def _l1_signer(info, record):
    from ccxt_lighter.keys import hex16, recover_l1_signer

    message = (f"Register Lighter Account\n\npubkey: 0x{record['public_key']}\nnonce: {hex16(info['Nonce'])}\n"
               f"account index: {hex16(record['account_index'])}\napi key index: {hex16(record['api_key_index'])}\n"
               "Only sign this message for a trusted client!")
    return recover_l1_signer(message, info["L1Sig"])


def _args(**kw):
    import argparse

    base = dict(url=None, testnet=False, chain_id=None, account_index=None, signer="auto", api_key_index=12)
    base.update(kw)
    return argparse.Namespace(**base)


async def test_register_an_existing_key_in_process(sim, owner, signer_backend, tmp_path, capsys):
    """The command's steps in this process (a second interpreter start costs seconds)."""
    from ccxt_lighter.keys_cli import _read_secret, _register, _write

    private, public = signer_backend.generate_api_key()
    key_file = tmp_path / "api.key"
    key_file.write_text(private + "\n")
    api_key = _read_secret(str(key_file), None, "API key")
    result = await _register(_args(url=sim.rest_url, account_index=owner["account_index"]), ETH_KEY, api_key)
    _write(result, None)
    assert json.loads(capsys.readouterr().out)["public_key"] == public
    assert account_state(sim, owner["account_index"])["api_keys"]["12"]["public_key"] == public


@pytest.mark.parametrize("args, env, message", [
    (["--api-key-index", "2"], {"LIGHTER_ETH_PRIVATE_KEY": ETH_KEY}, "slots 0-3"),
    (["--api-key-index", "300"], {"LIGHTER_ETH_PRIVATE_KEY": ETH_KEY}, "0..254"),
    (["--api-key-index", "5"], {"LIGHTER_ETH_PRIVATE_KEY": ""}, "LIGHTER_ETH_PRIVATE_KEY"),
])
def test_refusals_before_any_request(args, env, message, monkeypatch, capsys):
    """In-process: these exit before any network use (the URL points nowhere)."""
    from ccxt_lighter.cli import main

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    try:
        code = main(["keys", "register", "--url", "http://127.0.0.1:9", *args])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert code != 0 and message in (captured.err + str(code))


async def test_unknown_wallet_fails_cleanly(sim):
    from ccxt.base.errors import AuthenticationError

    from ccxt_lighter.keys_cli import _register

    with pytest.raises(AuthenticationError, match="no Lighter account"):
        await _register(_args(url=sim.rest_url, api_key_index=5), "22" * 32, None)
    assert not sim.counters.by_path.get("/api/v1/sendTx")
