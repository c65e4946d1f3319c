"""Print the README feature table: our ``has`` against ccxt's in-tree ``lighter`` (same ccxt install).

Both columns are read from the live classes, never typed by hand, so the table cannot drift from the
code. Usage: ``python -m tools.feature_table [--all]`` (default: only the rows where either side
says True).
"""
from __future__ import annotations

import argparse
import sys


def _has(cls) -> dict:
    return cls().has


def rows(include_all: bool = False):
    import ccxt
    import ccxt.pro

    import ccxt_lighter

    ours = _has(ccxt_lighter.lighter)
    theirs = _has(ccxt.pro.lighter)
    names = sorted(set(ours) | set(theirs), key=str.lower)
    for name in names:
        a, b = ours.get(name), theirs.get(name)
        if name in ("CORS", "spot", "margin", "swap", "future", "option", "publicAPI", "privateAPI", "pro"):
            continue
        if include_all or a or b:
            yield name, a, b


def _mark(v) -> str:
    if v is True:
        return "yes"
    if v == "emulated":
        return "emulated"
    return "–"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="include rows False on both sides")
    args = parser.parse_args(argv)
    import ccxt

    out = sys.stdout
    out.write(f"| method | ccxt-lighter | ccxt {ccxt.__version__} in-tree `lighter` |\n|---|---|---|\n")
    ours_only = 0
    for name, a, b in rows(args.all):
        out.write(f"| {name} | {_mark(a)} | {_mark(b)} |\n")
        ours_only += bool(a) and not b
    out.write(f"\n{ours_only} methods here that the in-tree class does not have.\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
