"""``ccxt-lighter demo``: a guided tour of the unified ccxt API against the embedded simulator.

Starts the simulator in-process on 127.0.0.1 (a free port), makes a fresh API key with the signer,
registers an account holding 10 000 USDC with that key at index 4 (simulator admin API), then walks
through markets, order book, ticker, candles, a limit order that is edited and canceled, a market
order that fills, fills, positions, balance and a WebSocket order book, printing each step.

Invariants: nothing leaves 127.0.0.1; the private key stays in memory and is never printed (only
the public key is); exit code 0 means every step succeeded, 1 a step failed (the message names the
step), 3 no signer could be loaded (the message says how to install the official one).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import time
from decimal import Decimal
from typing import Any, Callable, List, Optional, Sequence, TextIO, Tuple

EXIT_OK, EXIT_FAILED, EXIT_NO_SIGNER = 0, 1, 3
COLLATERAL = "10000"
API_KEY_INDEX = 4
NOTIONAL = 300  # USDC per demo order: above every market's min cost, small against the collateral
SIGNER_KINDS = ("auto", "native", "pure")
STEP_TIMEOUT = 15.0  # seconds any single step may take before the demo gives up


def add_commands(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="tour the unified API against the embedded simulator (offline)",
        description="Start the embedded Lighter simulator, make an API key and an account, and walk "
                    "through the unified ccxt API: markets, book, ticker, candles, orders, fills, "
                    "positions, balance, WebSocket. Nothing leaves 127.0.0.1.")
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulator's market maker (default 1)")
    parser.add_argument("--signer", choices=SIGNER_KINDS, default=None,
                        help="signing backend: the official library (native), pure Python, or auto "
                             "(native when installed, else pure); default: LIGHTER_SIGNER or auto")
    parser.add_argument("--symbol", default="ETH/USDC:USDC", help="market to trade (default ETH/USDC:USDC)")
    parser.add_argument("--keep-running", action="store_true",
                        help="leave the simulator running after the tour (Ctrl-C stops it)")
    parser.set_defaults(func=run)


class DemoFailed(Exception):
    """A step could not be completed; the message says which and why."""


class Printer:
    """Numbered steps with indented detail lines (tables aligned per column)."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.number = out, 0
        self.started = time.monotonic()
        self.finished = False  # every step done (Ctrl-C after that, with --keep-running, is a normal stop)

    def step(self, title: str, summary: str = "") -> None:
        self.number += 1
        self.write(f"[{self.number:>2}] {title:<18}{summary}")

    def detail(self, text: str) -> None:
        self.write("       " + text)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        cells = [list(map(str, headers))] + [[_cell(v) for v in row] for row in rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
        for row in cells:
            self.detail("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):  # plain decimal notation: 0.00001, not 1e-05
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def run(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    printer = Printer(out)
    try:
        asyncio.run(tour(args, printer))
    except KeyboardInterrupt:
        err.write("demo: interrupted\n" if not printer.finished else "")
        return EXIT_OK if printer.finished else EXIT_FAILED
    except NoSigner as exc:
        err.write(f"demo: {exc}\n")
        return EXIT_NO_SIGNER
    except DemoFailed as exc:
        err.write(f"demo failed: {exc}\n")
        return EXIT_FAILED
    return EXIT_OK


class NoSigner(Exception):
    """Neither signing backend could be loaded."""


def choose_signer(kind: str) -> Tuple[Any, str]:
    """(backend, how to describe it). ``auto`` says why it fell back to pure Python."""
    from .signer import ENV_KIND, SignerError, get_backend
    from .signer.locate import SignerIncompatible, SignerNotFound

    kind = (kind or os.environ.get(ENV_KIND) or "auto").strip().lower()
    if kind not in SIGNER_KINDS:
        raise NoSigner(f"{ENV_KIND}={kind!r} is not one of {', '.join(SIGNER_KINDS)}")

    if kind in ("auto", "native"):
        try:
            backend = get_backend("native")
            return backend, f"native (official lighter-go library {backend.path})"
        except (SignerNotFound, SignerIncompatible) as exc:
            if kind == "native":
                raise NoSigner(f"the native signer is not available: {_with_hint(exc)}; "
                               "or run the demo with --signer pure") from None
            reason = _with_hint(exc)
    try:
        backend = get_backend("pure")
    except (SignerError, ImportError) as exc:
        raise NoSigner(f"no signer could be loaded: {_with_hint(exc)}") from None
    if kind == "pure":
        return backend, "pure (pure-Python signer, as asked)"
    return backend, f"pure (pure-Python signer; the native library is unavailable)\n       {reason}"


def _with_hint(exc: Exception) -> str:
    text = str(exc)
    if "signer install" not in text:
        text += "; run `ccxt-lighter signer install` to install the official signer library"
    return text


async def tour(args: argparse.Namespace, p: Printer) -> None:
    from .sim import Simulator

    backend, described = choose_signer(args.signer)
    try:
        sim = await Simulator(port=0, seed=args.seed, flow=True, flow_interval=0.2).start()
    except OSError as exc:
        raise DemoFailed(f"could not start the simulator on 127.0.0.1: {exc}") from None
    try:
        p.step("simulator", f"{sim.rest_url}  (WebSocket {sim.ws_url}, seed {args.seed})")
        p.step("signer", described)
        exchange = await setup_account(sim, backend, p)
        try:
            await walk(exchange, args.symbol, p)
        finally:
            await exchange.close()
        p.finished = True
        p.write(f"done in {time.monotonic() - p.started:.1f} s: every step succeeded")
        if args.keep_running:
            p.write(f"simulator still running at {sim.rest_url} (admin API under /sim/); Ctrl-C stops it")
            await _until_terminated()
    finally:
        await sim.stop()


async def _until_terminated() -> None:
    """Wait for Ctrl-C (KeyboardInterrupt, handled by the caller) or SIGTERM (a clean stop)."""
    stop = asyncio.Event()
    with contextlib.suppress(NotImplementedError, AttributeError):  # no signal handlers on Windows loops
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()


async def setup_account(sim, backend, p: Printer):
    """A fresh API key, an account holding it, and an exchange instance trading with it."""
    import aiohttp

    import ccxt_lighter

    private_key, public_key = backend.generate_api_key()
    p.step("api key", f"generated by the {backend.name} signer; public key {public_key}")
    p.detail("(the private key stays in memory and is never printed)")
    body = {"collateral": COLLATERAL, "api_keys": {str(API_KEY_INDEX): public_key}}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{sim.rest_url}/sim/accounts", json=body) as resp:
            answer = await resp.json()
            if resp.status != 200:
                raise DemoFailed(f"the simulator refused the account: {answer}")
    account = answer["account_index"]
    p.step("account", f"#{account} with {COLLATERAL} USDC collateral, API key at index {API_KEY_INDEX}")
    exchange = ccxt_lighter.lighter({
        "privateKey": private_key,
        # the simulator does not rate-limit (unless told to); keep ccxt's limiter on against the venue
        "enableRateLimit": False,
        "options": {"accountIndex": account, "apiKeyIndex": API_KEY_INDEX, "signer": backend.name},
        "urls": {"api": {"rest": sim.rest_url, "ws": sim.ws_url}},
    })
    return exchange


async def walk(ex, symbol: str, p: Printer) -> None:
    """Every step in order; a ccxt or signer error becomes DemoFailed naming the step's calls."""
    from ccxt.base.errors import BaseError

    from .signer import SignerError

    steps: List[Callable] = [show_markets, show_book, show_ticker, show_candles, limit_order_cycle,
                             market_order, show_trades, show_positions, show_balance, watch_book,
                             close_position]
    state = {"symbol": symbol}
    for step in steps:
        try:
            await asyncio.wait_for(step(ex, state, p), STEP_TIMEOUT)
        except (BaseError, SignerError) as exc:
            raise DemoFailed(f"{_calls(step)}: {type(exc).__name__}: {exc}") from None
        except asyncio.TimeoutError:
            raise DemoFailed(f"{_calls(step)}: no answer within {STEP_TIMEOUT:.0f} s") from None


def _calls(step: Callable) -> str:
    """The unified calls a step makes: the first line of its docstring, up to the colon."""
    return (step.__doc__ or step.__name__).strip().split(":")[0]


async def show_markets(ex, state: dict, p: Printer) -> None:
    """load_markets: the markets with their precision and limits."""
    markets = await ex.load_markets()
    if state["symbol"] not in markets:
        raise DemoFailed(f"--symbol {state['symbol']} is not one of {', '.join(sorted(markets))}")
    p.step("load_markets", f"{len(markets)} markets")
    rows = []
    for m in sorted(markets.values(), key=lambda m: int(m["id"])):
        limits = m["limits"]
        rows.append([m["symbol"], m["type"], m["id"], m["precision"]["amount"], m["precision"]["price"],
                     limits["amount"]["min"], limits["cost"]["min"], limits["leverage"]["max"]])
    p.table(["symbol", "type", "id", "amount step", "price step", "min amount", "min cost", "max lev"], rows)


async def show_book(ex, state: dict, p: Printer) -> None:
    """fetch_order_book: top levels and spread."""
    book = await ex.fetch_order_book(state["symbol"], 10)
    if not book["bids"] or not book["asks"]:
        raise DemoFailed(f"the {state['symbol']} book is empty")
    state["bid"], state["ask"] = book["bids"][0][0], book["asks"][0][0]
    state["mid"] = (state["bid"] + state["ask"]) / 2
    spread = state["ask"] - state["bid"]
    p.step("fetch_order_book", f"{state['symbol']}: best bid {_cell(state['bid'])}, best ask "
                               f"{_cell(state['ask'])}, spread {ex.price_to_precision(state['symbol'], spread)}")
    rows = [[b[1], b[0], a[0], a[1]] for b, a in zip(book["bids"][:3], book["asks"][:3])]
    p.table(["bid size", "bid", "ask", "ask size"], rows)


async def show_ticker(ex, state: dict, p: Printer) -> None:
    """fetch_ticker: last price and 24 h statistics."""
    t = await ex.fetch_ticker(state["symbol"])
    p.step("fetch_ticker", f"last {_cell(t['last'])}  24h high {_cell(t['high'])}  low {_cell(t['low'])}  "
                           f"base volume {_cell(t['baseVolume'])}")


async def show_candles(ex, state: dict, p: Printer) -> None:
    """fetch_ohlcv: the latest 1 m candles."""
    candles = await ex.fetch_ohlcv(state["symbol"], "1m", limit=3)
    p.step("fetch_ohlcv", f"1m, last {len(candles)} candle(s)" + ("" if candles else " (no trades yet)"))
    if not candles:
        return
    p.table(["time (UTC)", "open", "high", "low", "close", "volume"],
            [[ex.iso8601(c[0])[11:19]] + c[1:] for c in candles])


async def limit_order_cycle(ex, state: dict, p: Printer) -> None:
    """create_order/edit_order/cancel_order: a post-only limit buy below the book, moved, then canceled."""
    symbol = state["symbol"]
    amount = _round_amount(ex, symbol, state["mid"])
    price = ex.price_to_precision(symbol, state["bid"] * 0.97)
    order = await ex.create_order(symbol, "limit", "buy", float(amount), float(price), {"postOnly": True})
    p.step("create_order", f"limit buy {amount} @ {price} post-only -> id {order['id']}, {order['status']}")
    p.detail(f"tx hash {order['info'].get('tx_hash')}")
    new_amount = ex.amount_to_precision(symbol, float(amount) * 2)
    new_price = ex.price_to_precision(symbol, state["bid"] * 0.96)
    await ex.edit_order(order["id"], symbol, "limit", "buy", float(new_amount), float(new_price))
    listed = await ex.fetch_open_orders(symbol)
    p.step("edit_order", f"id {order['id']} -> {new_amount} @ {new_price}")
    p.table(["open order", "side", "amount", "price", "status"],
            [[o["id"], o["side"], o["amount"], o["price"], o["status"]] for o in listed])
    canceled = await ex.cancel_order(order["id"], symbol)
    left = await ex.fetch_open_orders(symbol)
    p.step("cancel_order", f"id {order['id']} -> {canceled['status']}; open orders now {len(left)}")


def _round_amount(ex, symbol: str, mid: float) -> str:
    """About NOTIONAL USDC worth, rounded to one significant digit (0.1 ETH, not 0.0999)."""
    market = ex.market(symbol)
    amount = max(float(f"{NOTIONAL / mid:.1g}"), market["limits"]["amount"]["min"] or 0)
    return ex.amount_to_precision(symbol, amount)


async def market_order(ex, state: dict, p: Printer) -> None:
    """create_order/fetch_order: a market buy that fills against the book."""
    symbol = state["symbol"]
    amount = _round_amount(ex, symbol, state["mid"])
    placed = await ex.create_order(symbol, "market", "buy", float(amount))
    order = await _until_done(ex, placed["id"], symbol)
    state["order_id"] = placed["id"]
    p.step("create_order", f"market buy {amount} -> id {placed['id']}, {order['status']}, filled "
                           f"{_cell(order['filled'])} at average {_cell(order['average'])}")


async def _until_done(ex, order_id: str, symbol: str) -> dict:
    """The order once it left the book (the venue settles within a block: poll briefly)."""
    while True:
        order = await ex.fetch_order(order_id, symbol)
        if order["status"] != "open":
            return order
        await asyncio.sleep(0.1)  # bounded by the step timeout


async def show_trades(ex, state: dict, p: Printer) -> None:
    """fetch_my_trades: the fills of the market order."""
    trades = await ex.fetch_my_trades(state["symbol"], limit=10)
    if not trades:
        raise DemoFailed("the market order filled but fetch_my_trades returned no fill")
    p.step("fetch_my_trades", f"{len(trades)} fill(s)")
    p.table(["trade id", "side", "price", "amount", "cost", "fee", "taker/maker"],
            [[t["id"], t["side"], t["price"], t["amount"], t["cost"],
              f"{_cell((t['fee'] or {}).get('cost'))} {(t['fee'] or {}).get('currency') or ''}".strip(),
              t["takerOrMaker"]] for t in trades])


async def show_positions(ex, state: dict, p: Printer) -> None:
    """fetch_positions: the position the fills opened."""
    positions = await ex.fetch_positions([state["symbol"]])
    p.step("fetch_positions", f"{len(positions)} open")
    p.table(["symbol", "side", "contracts", "entry", "mark", "unrealized pnl", "liq. price", "leverage"],
            [[x["symbol"], x["side"], x["contracts"], x["entryPrice"], x["markPrice"], x["unrealizedPnl"],
              x["liquidationPrice"], x["leverage"]] for x in positions])


async def show_balance(ex, state: dict, p: Printer) -> None:
    """fetch_balance: USDC collateral, free and used."""
    balance = await ex.fetch_balance()
    usdc = balance.get("USDC") or {}
    p.step("fetch_balance", f"USDC total {_cell(usdc.get('total'))}  free {_cell(usdc.get('free'))}  "
                            f"used {_cell(usdc.get('used'))}")


async def watch_book(ex, state: dict, p: Printer, updates: int = 3) -> None:
    """watch_order_book: a few book updates over the WebSocket."""
    if not hasattr(ex, "watch_order_book"):
        p.step("watch_order_book", "skipped (WebSocket support is not installed)")
        return
    p.step("watch_order_book", f"{updates} updates over the WebSocket")
    rows = []
    for _ in range(updates):
        book = await ex.watch_order_book(state["symbol"], 10)
        rows.append([book["nonce"], book["bids"][0][0] if book["bids"] else None,
                     book["asks"][0][0] if book["asks"] else None, len(book["bids"]), len(book["asks"])])
    p.table(["book nonce", "best bid", "best ask", "bid levels", "ask levels"], rows)


async def close_position(ex, state: dict, p: Printer) -> None:
    """close_position: a reduce-only market order that flattens the account."""
    order = await ex.close_position(state["symbol"])
    done = await _until_done(ex, order["id"], state["symbol"])
    left = await ex.fetch_positions([state["symbol"]])
    p.step("close_position", f"reduce-only market {done['side']} {_cell(done['filled'])} -> {done['status']}; "
                             f"open positions now {len(left)}")


def main(argv: Optional[List[str]] = None) -> int:
    """``python -m ccxt_lighter.demo [options]`` (same as ``ccxt-lighter demo [options]``)."""
    from .cli import main as cli_main

    return cli_main(["demo"] + list(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
