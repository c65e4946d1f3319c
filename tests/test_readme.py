"""The README stays honest (issue 4: it lists every method with an example).

* every ``ex.<name>(`` call shown in README.md is a real attribute of ``ccxt_lighter.lighter``;
* every camelCase method that ``has`` marks True is shown as its snake_case call (the name ccxt's
  ``Exchange.__init__`` maps to that camelCase one: ``fetch_ohlcv`` -> ``fetchOHLCV``);
* the set-up block's test command is what CI runs (``.ci/run``), verbatim.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import ccxt_lighter

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"

#: ``has`` keys that describe the venue or the class, not a method
NOT_METHODS = {"CORS", "publicAPI", "privateAPI", "sandbox", "spot", "margin", "swap", "future", "option", "ws"}
#: ccxt's exceptions to plain capitalisation when it makes camelCase names (base/exchange.py __init__)
CCXT_WORDS = {"ohlcv": "OHLCV", "le": "LE", "be": "BE", "adl": "ADL"}
CALL = re.compile(r"(?<![\w.])ex\.([A-Za-z_]\w*)\(")


def ccxt_camel(snake: str) -> str:
    """ccxt's snake_case -> camelCase rule (the alias every ccxt Python exchange gets)."""
    first, *rest = snake.split("_")
    return first + "".join(CCXT_WORDS.get(p, p[:1].upper() + p[1:]) for p in rest)


def snake_of(camel: str) -> str:
    """The snake_case name whose ccxt camelCase alias is ``camel`` (checked by round trip)."""
    spaced = camel
    for word, upper in CCXT_WORDS.items():
        if len(word) > 2:  # 'le'/'be' never occur in our names as separate words
            spaced = spaced.replace(upper, "_" + word)
    snake = re.sub(r"(?<!^)(?<!_)([A-Z])", r"_\1", spaced).lower()
    assert ccxt_camel(snake) == camel, (camel, snake)
    return snake


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def method_keys() -> list:
    has = ccxt_lighter.lighter().has
    return sorted(k for k, v in has.items() if v is True and k not in NOT_METHODS)


def test_snake_mapping_matches_ccxt():
    assert snake_of("fetchOHLCV") == "fetch_ohlcv"
    assert snake_of("watchOHLCVForSymbols") == "watch_ohlcv_for_symbols"
    assert snake_of("fetchL2OrderBook") == "fetch_l2_order_book"
    assert snake_of("unWatchBidsAsks") == "un_watch_bids_asks"
    ex = ccxt_lighter.lighter()
    for key in method_keys():
        assert getattr(type(ex), snake_of(key)) is getattr(type(ex), key), key


def test_every_call_in_readme_exists():
    calls = set(CALL.findall(readme_text()))
    assert calls, "README shows no ex.<method>( calls"
    missing = sorted(name for name in calls if not callable(getattr(ccxt_lighter.lighter, name, None)))
    assert not missing, f"README calls methods the class does not have: {missing}"


def test_every_method_in_has_is_shown():
    calls = set(CALL.findall(readme_text()))
    missing = sorted(snake_of(key) for key in method_keys() if snake_of(key) not in calls)
    assert not missing, f"README has no example for: {missing}"


def _first_code_block(text: str) -> list:
    match = re.search(r"```[a-z]*\n(.*?)```", text, re.S)
    assert match, "README has no code block"
    return [line.strip() for line in match.group(1).splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_setup_commands_are_what_ci_runs():
    commands = _first_code_block(readme_text())
    assert len(commands) == 2, f"the set-up block should hold exactly two commands: {commands}"
    install, tests = commands
    assert install.startswith("pip install -e . ") and "demo" in install
    ci_lines = [line.strip() for line in CI_RUN.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.strip().startswith("#")]
    assert "pytest" in tests
    assert tests in ci_lines, f"README's test command {tests!r} is not a line of .ci/run: {ci_lines}"


@pytest.mark.parametrize("camel, snake", [("fetchMarkOHLCV", "fetch_mark_ohlcv"),
                                          ("createOrderWithTakeProfitAndStopLoss",
                                           "create_order_with_take_profit_and_stop_loss")])
def test_snake_of_examples(camel, snake):
    assert snake_of(camel) == snake
