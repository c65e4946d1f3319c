"""Every example bot runs to completion against its own simulator (subprocess, small step count)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLES_DIR = os.path.join(ROOT, "examples")
VENUE_VARS = ("LIGHTER_REST_URL", "LIGHTER_WS_URL", "LIGHTER_PRIVATE_KEY", "LIGHTER_ACCOUNT_INDEX",
              "LIGHTER_API_KEY_INDEX", "LIGHTER_CHAIN_ID", "LIGHTER_ALLOW_REMOTE")

CASES = {
    "watch_book.py": (["--steps", "3"], [r"^\s+3\s+nonce \d+\s+[\d.]+ @ [\d.]+\s+\|"]),
    "market_maker.py": (["--steps", "3", "--interval", "0.05"],
                        [r"^\s+1\s+bid [\d.]+\s+ask [\d.]+\s+position 0\s+place buy@[\d.]+ sell@[\d.]+$",
                         r"^canceled every ETH/USDC:USDC order$", r"^open orders: 0; fills: \d+"]),
    "sync_bot.py": (["--steps", "3", "--interval", "0.05"],
                    [r"has\['watchOrderBook'\] = False", r"^\s+3\s+mid [\d.]+", r"^fills: \d+; USDC total [\d.]+"]),
    "funding_monitor.py": (["--steps", "2"],
                           [r"ETH/USDC:USDC\s+[+-][\d.]+ %/h", r"payments so far: 2, total [+-][\d.]+ USDC",
                            r"^closed the position$"]),
}


def test_every_example_is_covered():
    scripts = {f for f in os.listdir(EXAMPLES_DIR) if f.endswith(".py") and not f.startswith("_")}
    assert scripts == set(CASES)


@pytest.mark.parametrize("script", sorted(CASES))
def test_example_runs(script):
    args, patterns = CASES[script]
    env = {k: v for k, v in os.environ.items() if k not in VENUE_VARS}
    result = subprocess.run([sys.executable, os.path.join(EXAMPLES_DIR, script), *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stdout.startswith("simulator at http://127.0.0.1:")
    for pattern in patterns:
        assert re.search(pattern, result.stdout, re.M), f"{pattern!r} not in:\n{result.stdout}"
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr, result.stderr
