"""Unified account methods: balance, positions, leverage and margin, money movements, history.

Venue facts (REFERENCE.md 3.2, 7.1-7.4, 8.1): ``account?by=index`` (public) carries collateral,
positions and spot assets; UpdateLeverage (20) sets the initial margin fraction *and* the margin
mode of one market together; UpdateMargin (29) moves USDC in or out of an isolated position;
Transfer (12) moves assets between routes (perp/spot) and accounts, with a fee from
``transferFeeInfo`` and an L1 signature unless both accounts share the master; Withdraw (13) goes to
the account's own L1 address; CreateSubAccount (9) takes no argument.

Invariants: setLeverage keeps the market's current margin mode and setMarginMode its current
leverage (read from the account first), so each can be used alone; setMargin reads the isolated
position's allocated margin and sends one UpdateMargin for the difference; amounts are converted exactly
(Decimal) or refused; history endpoints are paged with their cursors.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any, Dict, List, Optional

from ccxt.base.errors import ArgumentsRequired, BadRequest, BadResponse, InvalidOrder
from ccxt.base.precise import Precise

from . import orders as o
from .parsers_account import (
    imf_fraction, parse_balance, parse_leverage, parse_margin_mode, parse_margin_modification, parse_position,
    parse_trading_fee,
)
from .scaling import PrecisionError, to_decimal, to_ticks


class AccountMixin:
    # ------------------------------------------------------------------ account snapshot
    async def _account_payload(self, params: Dict[str, Any]) -> Dict[str, Any]:
        params = dict(params or {})
        value = params.pop("accountIndex", params.pop("account_index", None))
        account = int(value) if value is not None else await self._resolve_account()
        return await self._api("account", "public", "GET", self.extend({"by": "index", "value": account}, params))

    async def _account_row(self, params: Dict[str, Any]) -> Dict[str, Any]:
        payload = await self._account_payload(params)
        accounts = (payload or {}).get("accounts") or []
        if not accounts:
            raise BadRequest(f"{self.id} account not found")
        return accounts[0]

    def _position_rows(self, account: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
        return {str(p.get("market_id")): p for p in account.get("positions") or []}

    async def fetch_balance(self, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """'swap' (default): USDC collateral + unrealized PnL; 'spot': the spot assets."""
        await self.load_markets()
        kind = params.get("type", self.safe_string(self.options.get("fetchBalance", {}), "type",
                                                   self.options.get("defaultType", "swap")))
        if kind not in ("swap", "spot"):
            raise BadRequest(f"{self.id} fetchBalance() type must be 'swap' or 'spot'")
        payload = await self._account_payload(self.omit(params, ["type"]))
        return parse_balance(self, (payload or {}).get("accounts") or [], kind, payload)

    async def fetch_positions(self, symbols: Optional[List[str]] = None, params: Dict[str, Any] = {}) -> List[Dict]:
        """Open (non-zero) positions."""
        await self.load_markets()
        account = await self._account_row(params)
        rows = [p for p in account.get("positions") or []
                if not Precise.string_eq(self.safe_string(p, "position", "0"), "0")]
        now = self.milliseconds()
        positions = [parse_position(self, row, None, now) for row in rows]
        return self.filter_by_array_positions(positions, "symbol", self.market_symbols(symbols))

    async def fetch_position(self, symbol: str, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """The position of one market (contracts 0 when flat)."""
        await self.load_markets()
        market = self.market(symbol)
        account = await self._account_row(params)
        row = self._position_rows(account).get(market["id"]) or {
            "market_id": int(market["id"]), "position": "0", "sign": 1, "position_value": "0", "margin_mode": 0}
        return parse_position(self, row, market, self.milliseconds())

    async def close_position(self, symbol: str, side: Optional[str] = None, params: Dict[str, Any] = {}) -> Dict:
        """Market reduce-only order for the whole position of ``symbol``."""
        position = await self.fetch_position(symbol, params)
        if not position["contracts"]:
            raise InvalidOrder(f"{self.id} no open position in {symbol}")
        if side is not None and side != position["side"]:
            raise BadRequest(f"{self.id} the {symbol} position is {position['side']}, not {side}")
        close_side = "sell" if position["side"] == "long" else "buy"
        amount = self.safe_string(position["info"], "position").lstrip("-")
        return await self.create_order(symbol, "market", close_side, amount, None,
                                       self.extend(self.omit(params, ["accountIndex"]), {"reduceOnly": True}))

    async def close_all_positions(self, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Close every open position with reduce-only market orders sent as one batch."""
        positions = await self.fetch_positions(None, params)
        if not positions:
            return []
        orders = [{"symbol": p["symbol"], "type": "market", "side": "sell" if p["side"] == "long" else "buy",
                   "amount": self.safe_string(p["info"], "position").lstrip("-"), "params": {"reduceOnly": True}}
                  for p in positions]
        placed = await self.create_orders(orders)
        for position, order in zip(positions, placed):
            position["info"] = dict(position["info"], close_order=order)
        return positions

    # ------------------------------------------------------------------ leverage and margin mode
    def _perp(self, symbol: Optional[str], method: str) -> Dict[str, Any]:
        if symbol is None:
            raise ArgumentsRequired(f"{self.id} {method}() requires a symbol")
        market = self.market(symbol)
        if int(market["id"]) > o.MAX_PERP_MARKET_INDEX:
            raise BadRequest(f"{self.id} {method}() applies to perp markets only")
        return market

    def _imf_for(self, leverage: Any, market: Dict[str, Any]) -> int:
        try:
            value = to_decimal(leverage, "leverage")
        except PrecisionError as exc:
            raise BadRequest(f"{self.id} {exc}") from None
        min_imf = int(market["info"].get("min_initial_margin_fraction") or 1)
        highest = Decimal(o.MARGIN_FRACTION_TICK) / min_imf
        if not Decimal(1) <= value <= highest:
            raise BadRequest(f"{self.id} leverage for {market['symbol']} must be between 1 and {highest.normalize()}")
        return int((Decimal(o.MARGIN_FRACTION_TICK) / value).to_integral_value(ROUND_DOWN))

    async def _current_setting(self, market: Dict[str, Any], params: Dict[str, Any]):
        account = await self._account_row(params)
        row = self._position_rows(account).get(market["id"])
        imf = imf_fraction(row.get("initial_margin_fraction")) if row else None
        imf_ticks = (int((to_decimal(imf) * o.MARGIN_FRACTION_TICK).to_integral_value()) if imf else
                     int(market["info"].get("default_initial_margin_fraction") or o.MARGIN_FRACTION_TICK))
        mode = int(row.get("margin_mode") or 0) if row else 0
        return imf_ticks, mode

    async def set_leverage(self, leverage: Any, symbol: Optional[str] = None, params: Dict[str, Any] = {}) -> Dict:
        """UpdateLeverage keeping the market's margin mode (or params['marginMode'])."""
        await self.load_markets()
        market = self._perp(symbol, "setLeverage")
        imf = self._imf_for(leverage, market)
        mode = params.get("marginMode")
        if mode is None:
            _, mode_id = await self._current_setting(market, self.omit(params, ["marginMode"]))
        else:
            mode_id = self._margin_mode_id(mode)
        answer = await self._send_tx(o.UpdateLeverage(int(market["id"]), imf, mode_id))
        return {"info": answer, "symbol": market["symbol"], "leverage": self.parse_number(str(leverage)),
                "marginMode": "isolated" if mode_id else "cross"}

    def _margin_mode_id(self, mode: Any) -> int:
        value = str(mode).lower()
        if value not in ("cross", "isolated"):
            raise BadRequest(f"{self.id} marginMode must be 'cross' or 'isolated', got {mode!r}")
        return int(o.MarginMode.ISOLATED if value == "isolated" else o.MarginMode.CROSS)

    async def set_margin_mode(self, marginMode: str, symbol: Optional[str] = None, params: Dict[str, Any] = {}) -> Dict:
        """UpdateLeverage keeping the market's leverage (or params['leverage'])."""
        await self.load_markets()
        market = self._perp(symbol, "setMarginMode")
        mode_id = self._margin_mode_id(marginMode)
        if params.get("leverage") is not None:
            imf = self._imf_for(params["leverage"], market)
        else:
            imf, _ = await self._current_setting(market, self.omit(params, ["leverage"]))
        answer = await self._send_tx(o.UpdateLeverage(int(market["id"]), imf, mode_id))
        return {"info": answer, "symbol": market["symbol"], "marginMode": "isolated" if mode_id else "cross"}

    async def fetch_leverages(self, symbols: Optional[List[str]] = None, params: Dict[str, Any] = {}) -> Dict:
        return await self._per_perp_setting(parse_leverage, symbols, params)

    async def fetch_leverage(self, symbol: str, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        return (await self.fetch_leverages([symbol], params))[self.market(symbol)["symbol"]]

    async def fetch_margin_modes(self, symbols: Optional[List[str]] = None, params: Dict[str, Any] = {}) -> Dict:
        return await self._per_perp_setting(parse_margin_mode, symbols, params)

    async def _per_perp_setting(self, parse, symbols, params) -> Dict:
        """``parse(position row, market)`` for each requested perp (all perps by default), from one account read."""
        await self.load_markets()
        rows = self._position_rows(await self._account_row(params))
        symbols = self.market_symbols(symbols) or [s for s, m in self.markets.items() if m.get("swap")]
        return {s: parse(self, rows.get(self.market(s)["id"]), self.market(s)) for s in symbols}

    async def fetch_margin_mode(self, symbol: str, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        return (await self.fetch_margin_modes([symbol], params))[self.market(symbol)["symbol"]]

    def _margin_units(self, amount: Any) -> int:
        """A positive USDC amount in 1e-6 units, exactly (BadRequest otherwise)."""
        try:
            units = to_ticks(to_decimal(amount, "amount"), 6, name="amount")
        except PrecisionError as exc:
            raise BadRequest(f"{self.id} {exc} (USDC has 6 decimals)") from None
        if units <= 0:
            raise BadRequest(f"{self.id} margin amount must be positive")
        return units

    async def _update_margin(self, symbol: str, amount: Any, direction: int, kind: str, params) -> Dict:
        await self.load_markets()
        market = self._perp(symbol, f"{kind}Margin")
        units = self._margin_units(amount)
        answer = await self._send_tx(o.UpdateMargin(int(market["id"]), units, direction))
        return parse_margin_modification(self, answer, market, kind, amount, self.milliseconds())

    async def add_margin(self, symbol: str, amount: float, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """Move USDC into the isolated position of ``symbol`` (UpdateMargin, direction add)."""
        return await self._update_margin(symbol, amount, int(o.MarginDirection.ADD), "add", params)

    async def reduce_margin(self, symbol: str, amount: float, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """Move USDC out of the isolated position of ``symbol`` (UpdateMargin, direction remove)."""
        return await self._update_margin(symbol, amount, int(o.MarginDirection.REMOVE), "reduce", params)

    async def set_margin(self, symbol: str, amount: float, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """Make the isolated margin of the ``symbol`` position ``amount`` USDC.

        Reads the position's ``allocated_margin`` (account endpoint), then sends one UpdateMargin for
        the difference (add or remove). Already equal: nothing is sent (status 'ok', no tx_hash).
        BadRequest, nothing sent: no open position, or a cross-margin one (the venue keeps no margin
        per cross position). Result: type 'set', amount = total = the new allocated margin;
        ``info`` = the sendTx answer plus the ``position`` row read. Funding or fills landing between
        the read and the execution move the margin as usual afterwards.
        """
        await self.load_markets()
        market = self._perp(symbol, "setMargin")
        target = self._margin_units(amount)
        row = self._position_rows(await self._account_row({})).get(market["id"])
        if row is None or Precise.string_eq(self.safe_string(row, "position", "0"), "0"):
            raise BadRequest(f"{self.id} setMargin() needs an open position in {market['symbol']}")
        if str(row.get("margin_mode")) != str(int(o.MarginMode.ISOLATED)):
            raise BadRequest(f"{self.id} the {market['symbol']} position is cross margin; setMargin() sets the "
                             "margin of an isolated position (setMarginMode('isolated') while flat first)")
        try:
            current = to_ticks(self.safe_string(row, "allocated_margin", "0"), 6, name="allocated_margin")
        except PrecisionError as exc:
            raise BadResponse(f"{self.id} account answered an unreadable allocated margin: {exc}") from None
        answer: Dict[str, Any] = {}
        if target != current:
            direction = o.MarginDirection.ADD if target > current else o.MarginDirection.REMOVE
            answer = await self._send_tx(o.UpdateMargin(int(market["id"]), abs(target - current), int(direction)))
        result = parse_margin_modification(self, dict(answer, position=row), market, "set", amount,
                                           self.milliseconds())
        result["total"] = result["amount"]
        return result

    # ------------------------------------------------------------------ fees
    async def fetch_account_trading_fees(self, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """The account tier's maker/taker fees (accountLimits), applied to every market.

        (Without credentials, ``fetch_trading_fees`` gives the markets' public schedule instead.)
        """
        limits = await self._account_limits(params)
        return {s: parse_trading_fee(self, limits, m) for s, m in self.markets.items()}

    async def fetch_trading_fee(self, symbol: str, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """The account tier's fee for ``symbol`` (what this account pays)."""
        await self.load_markets()
        market = self.market(symbol)  # a bad symbol fails here, before any request
        return parse_trading_fee(self, await self._account_limits(params), market)

    async def _account_limits(self, params: Dict[str, Any]) -> Dict[str, Any]:
        """accountLimits of the configured account (fee ticks of its tier); markets loaded."""
        await self.load_markets()
        account, params = await self._reading_account(params)
        return await self._private_get("accountLimits", self.extend({"account_index": account}, params))
