"""``ccxt-lighter keys register``: put an API key into a slot of your Lighter account.

Venue facts (REFERENCE.md 8.2, 8.3): registering (ChangePubKey, tx 8) replaces whatever key the slot
held; slots 0-3 are used by Lighter's own apps, so 4..254 are the safe choice; the account owner's
Ethereum key must sign the registration.

Invariants: secrets never come from the command line (where other users of the machine can read
them): the Ethereum key is read from ``LIGHTER_ETH_PRIVATE_KEY`` or a file, an existing API key from a
file; the new private key is written to ``--out`` with mode 0600, or printed once to stdout.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import Optional

ENV_ETH_KEY = "LIGHTER_ETH_PRIVATE_KEY"
FIRST_SAFE_SLOT = 4


def add_commands(subparsers) -> None:
    from .cli import command_group

    keys = command_group(subparsers, "keys", "API keys")
    p = keys.add_parser("register", help="register an API key at a slot of your account (ChangePubKey)",
                        description=__doc__.splitlines()[0])
    p.add_argument("--api-key-index", type=int, required=True, help="slot to fill (4..254 recommended)")
    p.add_argument("--account-index", type=int, help="account (default: the master account of the Ethereum key)")
    p.add_argument("--url", help="REST base URL (default: mainnet, or testnet with --testnet)")
    p.add_argument("--testnet", action="store_true", help="testnet URL and chain id 300")
    p.add_argument("--chain-id", type=int, help="L2 chain id (default 304, 300 with --testnet)")
    p.add_argument("--eth-key-file", help=f"file holding the Ethereum key (default: ${ENV_ETH_KEY})")
    p.add_argument("--api-key-file", help="file holding an existing API private key to register (default: new key)")
    p.add_argument("--out", help="write the key pair as JSON to this file (mode 0600) instead of stdout")
    p.add_argument("--signer", default="auto", choices=("auto", "native", "pure"))
    p.add_argument("--allow-reserved-slot", action="store_true", help="allow slots 0-3 (used by Lighter's apps)")
    p.set_defaults(func=cmd_register)


def _read_secret(path: Optional[str], env: Optional[str], what: str) -> Optional[str]:
    if path:
        with open(path) as handle:
            return handle.read().strip()
    value = os.environ.get(env) if env else None
    if env and not value:
        raise SystemExit(f"keys register: no {what}; set {env} or pass its file")
    return value.strip() if value else None


def _config(args, eth_key: str) -> dict:
    from .spec import MAINNET_CHAIN_ID, MAINNET_REST, TESTNET_CHAIN_ID, TESTNET_REST

    url = args.url or (TESTNET_REST if args.testnet else MAINNET_REST)
    chain = args.chain_id or (TESTNET_CHAIN_ID if args.testnet else MAINNET_CHAIN_ID)
    options = {"chainId": chain, "signer": args.signer}
    if args.account_index is not None:
        options["accountIndex"] = args.account_index
    return {"urls": {"api": {"rest": url}}, "privateKey": eth_key, "options": options}


async def _register(args, eth_key: str, api_key: Optional[str]) -> dict:
    from .exchange import lighter

    exchange = lighter(_config(args, eth_key))
    try:
        return await exchange.register_api_key(args.api_key_index, api_key)
    finally:
        await exchange.close()


def _write(result: dict, out: Optional[str]) -> None:
    record = {k: result[k] for k in ("account_index", "api_key_index", "public_key", "private_key", "tx_hash")}
    text = json.dumps(record, indent=2) + "\n"
    if not out:
        sys.stdout.write(text)
        return
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    sys.stderr.write(f"key pair for slot {record['api_key_index']} of account {record['account_index']} "
                     f"written to {out}\n")


def cmd_register(args) -> int:
    if not 0 <= args.api_key_index <= 254:
        sys.stderr.write("keys register: --api-key-index must be 0..254\n")
        return 2
    if args.api_key_index < FIRST_SAFE_SLOT and not args.allow_reserved_slot:
        sys.stderr.write("keys register: slots 0-3 belong to Lighter's apps (use 4..254, "
                         "or --allow-reserved-slot)\n")
        return 2
    eth_key = _read_secret(args.eth_key_file, None if args.eth_key_file else ENV_ETH_KEY, "Ethereum key")
    api_key = _read_secret(args.api_key_file, None, "API key") if args.api_key_file else None
    try:
        result = asyncio.run(_register(args, eth_key, api_key))
    except Exception as exc:  # noqa: BLE001 - report any failure as one line, exit non-zero
        from .errors import scrub

        sys.stderr.write(f"keys register failed: {type(exc).__name__}: {scrub(str(exc))}\n")
        return 1
    _write(result, args.out)
    return 0


def main(argv=None) -> int:  # pragma: no cover - convenience entry for `python -m`
    parser = argparse.ArgumentParser(prog="ccxt-lighter")
    add_commands(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)
