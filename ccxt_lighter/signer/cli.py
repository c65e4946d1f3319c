"""``ccxt-lighter signer install|check`` and ``ccxt-lighter keys generate``.

Venue fact: the only official signer is the Go library inside the lighter-sdk wheel (see
:mod:`.install`); an API key is an ECgFp5 key pair made by the signer (REFERENCE.md 7.5, 8.2).

Invariant: ``signer check`` exits 0 only when the file is the pinned lighter-sdk 1.1.8 build for
this platform (or ``--allow-unpinned``) *and* it passed the load-time ABI/behaviour check.
Exit codes: 0 ok, 1 check failed, 3 no library found (2 is argparse's usage error).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..cli import command_group

EXIT_OK, EXIT_FAILED, EXIT_NOT_FOUND = 0, 1, 3


def add_commands(subparsers) -> None:
    signer = command_group(subparsers, "signer", "official signer library: install and check")
    p = signer.add_parser("install", help="download lighter-sdk, verify and install this platform's library")
    p.add_argument("--dest", help="directory to install into (default: the per-user cache dir)")
    p.add_argument("--wheel", help="use an already downloaded lighter-sdk wheel (still verified)")
    p.set_defaults(func=cmd_install)
    p = signer.add_parser("check", help="show which library is used and prove it signs correctly")
    p.add_argument("--path", help="library file or directory (default: normal discovery)")
    p.add_argument("--allow-unpinned", action="store_true",
                   help="accept a library whose checksum is not the pinned lighter-sdk 1.1.8 file")
    p.set_defaults(func=cmd_check)
    keys = command_group(subparsers, "keys", "API keys")
    p = keys.add_parser("generate", help="print a new API key pair (the private key is secret)")
    p.add_argument("--backend", choices=("auto", "native", "pure"), default=None,
                   help="signer backend (default: LIGHTER_SIGNER or auto)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_keys_generate)


def cmd_install(args) -> int:
    from .base import SignerError
    from .install import install

    try:
        done = install(Path(args.dest) if args.dest else None, wheel=Path(args.wheel) if args.wheel else None)
    except SignerError as exc:
        print(f"signer install failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(f"installed {done.library}")
    print(f"installed {done.header}")
    print(f"sha256 {done.library_sha256} (pinned; wheel sha256 {done.wheel_sha256})")
    return EXIT_OK


def _checksum_line(path: Path, pins: dict) -> tuple:
    from .install import file_status

    st = file_status(path, pins)
    notes = {
        "ok": f"OK (pinned {pins['package']} {pins['version']})",
        "superseded": "superseded build (in the wheel but never installed by ccxt-lighter)",
        "mismatch": f"MISMATCH (pinned {st.expected})",
        "unpinned": "not a pinned file name",
    }
    return f"{st.sha256}  {notes[st.status]}", st.status


def cmd_check(args) -> int:
    from .install import describe_build, go_build_info, pinned
    from .locate import SignerIncompatible, SignerNotFound, find_library
    from .native import NativeSigner

    try:
        located = find_library(args.path)
    except SignerNotFound as exc:
        print(f"signer check: {exc}", file=sys.stderr)
        return EXIT_NOT_FOUND
    pins = pinned()
    line, status = _checksum_line(located.path, pins)
    print(f"library:      {located.path} (found via {located.source})")
    print(f"sha256:       {line}")
    header = located.path.with_suffix(".h")
    if header.is_file():
        print(f"header:       {_checksum_line(header, pins)[0]}")
    print(f"go build:     {describe_build(go_build_info(located.path))}")
    failed = status != "ok" and not args.allow_unpinned
    try:
        signer = NativeSigner(str(located.path))
    except SignerIncompatible as exc:
        print(f"load check:   FAILED: {exc}")
        return EXIT_FAILED
    check = signer.load_check
    how = "tx_hash = pure Poseidon2 hash of tx_info" if check.hash_verified else "tx_hash not recomputed"
    print(f"load check:   OK (symbols; {check.probes} probe signatures field-checked; {how})")
    print(f"test tx hash: {check.probe_tx_hash}")
    if failed:
        print("result:       FAILED: checksum is not the pinned lighter-sdk build "
              "(run `ccxt-lighter signer install`, or pass --allow-unpinned for a build you trust)")
        return EXIT_FAILED
    print("result:       OK")
    return EXIT_OK


def cmd_keys_generate(args) -> int:
    from . import get_backend
    from .base import SignerError

    try:
        private_key, public_key = get_backend(args.backend).generate_api_key()
    except SignerError as exc:
        print(f"keys generate failed: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if args.json:
        print(json.dumps({"private_key": private_key, "public_key": public_key}))
        print("the private_key is SECRET: never share, log or commit it", file=sys.stderr)
        return EXIT_OK
    print(f"public key:  {public_key}")
    print(f"private key: {private_key}")
    print("The private key is SECRET: anyone holding it can sign for the API key slot it gets registered to.\n"
          "Store it like a password (e.g. an environment variable or a secret store); never share, log or "
          "commit it.\nRegister the public key on your account with a ChangePubKey transaction "
          "(`ccxt-lighter keys register`).")
    return EXIT_OK
