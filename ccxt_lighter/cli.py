"""The ``ccxt-lighter`` command: subcommands contributed by independent, optional modules.

Each module in :data:`COMMAND_MODULES` defines ``add_commands(subparsers)`` and sets a ``func``
default (``func(args) -> int`` exit code) on every leaf parser it adds. A module that does not
exist is skipped; any other import error is a bug and surfaces.

Invariant: two modules may add leaves to the same command group (``keys generate`` from the
signer, ``keys register`` from the trading helper) through :func:`command_group`, which creates a
group once and hands back the same sub-parsers afterwards.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

COMMAND_MODULES = (
    "ccxt_lighter.signer.cli",
    "ccxt_lighter.keys_cli",
    "ccxt_lighter.sim.cli",
    "ccxt_lighter.demo",
)


def command_group(subparsers, name: str, help: str):
    """Sub-parsers of the command group ``name`` (created on first use, shared afterwards)."""
    groups = getattr(subparsers, "_ccxt_lighter_groups", None)
    if groups is None:
        groups = {}
        setattr(subparsers, "_ccxt_lighter_groups", groups)
    if name not in groups:
        parser = subparsers.add_parser(name, help=help, description=help)
        parser.set_defaults(func=lambda args, _p=parser: _usage(_p))
        groups[name] = parser.add_subparsers(title="commands", metavar="COMMAND")
    return groups[name]


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _load_modules(subparsers) -> List[str]:
    loaded = []
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that module does not exist (yet): skip it, nothing else
                continue
            raise
        module.add_commands(subparsers)
        loaded.append(name)
    return loaded


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ccxt-lighter",
                                     description="ccxt exchange class for Lighter: signer, keys, simulator, demo")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    parser.set_defaults(func=lambda args: _usage(parser))
    _load_modules(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
