"""Money movements and account history: transfer, withdraw, sub-accounts, API key registration,
deposits/withdrawals/transfers, funding payments, liquidations, ledger, accounts.

Venue facts (REFERENCE.md 2.2, 3.2, 8.1-8.3): USDC amounts use 6 decimals, other assets 8 (or the
asset's ``decimals``); routes are 0 perp / 1 spot; a transfer to an account of the same master needs
no L1 signature, one to another owner does; the fee comes from ``transferFeeInfo``; withdrawals go
to the account's own L1 address; history endpoints page with ``cursor`` (or ``next_cursor``).

Invariant: the Ethereum key signs only inside :meth:`FundsMixin.transfer` (to another owner),
:meth:`FundsMixin.register_api_key` and ``approve_integrator`` (:mod:`.private_integrator`), over a
message checked to describe that very operation.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Dict, List, Optional, Tuple

from ccxt.base.errors import ArgumentsRequired, BadRequest, ExchangeError
from ccxt.base.precise import Precise

from . import orders as o
from .cursor_paging import HISTORY_CURSOR_FIELDS, cursor_pages
from .keys import check_register_message, check_transfer_message, new_key_pair, public_key_of
from .nonce import NonceManager
from .parsers_account import ms, parse_account, parse_my_trade
from .parsers_history import (
    ASSET_CODES, ledger_entry, parse_funding_payment, parse_liquidation, parse_transaction, parse_transfer,
)
from .scaling import PrecisionError, to_decimal, to_ticks

PERP_NAMES = ("perp", "perps", "swap", "future", "futures", "linear")
MAX_PAGE = 100


class FundsMixin:
    # ------------------------------------------------------------------ helpers
    def _asset(self, code: str) -> Tuple[int, int, str]:
        """(asset_id, transfer decimals, unified code) of a currency code."""
        if code is None:
            raise ArgumentsRequired(f"{self.id} needs a currency code")
        currency = (self.currencies or {}).get(code)
        if currency is not None:
            decimals = (currency.get("info") or {}).get("decimals")
            asset_id = int(currency.get("numericId") or currency["id"])
            return asset_id, int(decimals if decimals is not None else (6 if code == "USDC" else 8)), code
        by_code = {v: k for k, v in ASSET_CODES.items()}
        if code not in by_code:
            raise BadRequest(f"{self.id} unknown currency {code}")
        return by_code[code], 6 if code == "USDC" else 8, code

    def _units(self, amount: Any, decimals: int) -> int:
        try:
            units = to_ticks(to_decimal(amount, "amount"), decimals, name="amount")
        except PrecisionError as exc:
            raise BadRequest(f"{self.id} {exc}") from None
        if units <= 0:
            raise BadRequest(f"{self.id} amount must be positive")
        return units

    @staticmethod
    def _route(name: Any) -> Optional[int]:
        if isinstance(name, int) and not isinstance(name, bool):
            return name if name in (0, 1) else None
        value = str(name).lower()
        if value in PERP_NAMES:
            return int(o.RouteType.PERP)
        if value == "spot":
            return int(o.RouteType.SPOT)
        return None

    async def _own_l1_address(self) -> Optional[str]:
        creds = self.lighter_credentials()
        if creds.l1_address():
            return creds.l1_address()
        row = await self._account_row({})
        return row.get("l1_address")

    async def _paged(self, path: str, request: Dict[str, Any], key: str, since: Optional[int],
                     limit: Optional[int]) -> List[Dict[str, Any]]:
        """Rows of a cursor-paged private history endpoint, newest pages first."""
        rows: List[Dict[str, Any]] = []
        async for page in cursor_pages(partial(self._private_get, path), request, key, self.options.get("fetchHistoryMaxPages", 10),
                                       HISTORY_CURSOR_FIELDS):
            rows.extend(page)
            oldest = min((ms(r.get("timestamp", r.get("executed_at"))) or 0 for r in page), default=0)
            if (limit is not None and len(rows) >= limit) or (since is not None and oldest < since):
                break
        return rows

    # ------------------------------------------------------------------ transfers and withdrawals
    async def transfer(self, code: str, amount: float, fromAccount: str, toAccount: str,
                       params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """Between routes of this account ('spot' <-> 'swap'), or to another account index."""
        await self.load_markets()
        asset_id, decimals, code = self._asset(code)
        units = self._units(amount, decimals)
        memo = self._memo(params.get("memo"))
        own = await self._resolve_account()
        src_route, dst_route, to_index = self._transfer_ends(fromAccount, toAccount, own, code, params)
        # range-check the destination before the fee and owner look-ups send it anywhere
        self._check_ranges([o.Transfer(to_index, asset_id, src_route, dst_route, units, 0, memo)])
        fee, l1_check = 0, None
        if to_index != own:
            fee = await self._transfer_fee(own, to_index)
            if not await self._same_owner(to_index):
                l1_check = lambda message, to=to_index: check_transfer_message(message, to)  # noqa: E731
        tx = o.Transfer(to_index, asset_id, src_route, dst_route, units, fee, memo)
        answer = await self._send_tx(tx, l1_check=l1_check)
        now = self.milliseconds()
        return {"info": answer, "id": answer.get("tx_hash"), "timestamp": now, "datetime": self.iso8601(now),
                "currency": code, "amount": self.parse_number(str(amount)),
                "fromAccount": str(fromAccount), "toAccount": str(toAccount), "status": "ok"}

    def _transfer_ends(self, src: Any, dst: Any, own: int, code: str, params: Dict[str, Any]) -> Tuple[int, int, int]:
        default = int(o.RouteType.PERP if code == "USDC" else o.RouteType.SPOT)
        src_route, dst_route = self._route(src), self._route(dst)
        if src_route is None and str(src) != str(own):
            raise BadRequest(f"{self.id} transfer() sends from this account ({own}): fromAccount must be "
                             "'spot', 'swap' or its index")
        if dst_route is not None:
            src_route = src_route if src_route is not None else default
            if src_route == dst_route:
                raise BadRequest(f"{self.id} a transfer inside one account must change route (spot <-> swap)")
            return src_route, dst_route, own
        try:
            to_index = int(str(dst))
        except ValueError:
            raise BadRequest(f"{self.id} toAccount must be 'spot', 'swap' or an account index, got {dst!r}") from None
        from_route = self._route(params.get("fromRoute", src if src_route is not None else default))
        to_route = self._route(params.get("toRoute", "perp" if default == 0 else "spot"))
        if from_route is None or to_route is None:
            raise BadRequest(f"{self.id} fromRoute/toRoute must be 'spot' or 'perp'")
        if to_index == own and from_route == to_route:
            raise BadRequest(f"{self.id} a transfer inside one account must change route")
        return from_route, to_route, to_index

    def _memo(self, memo: Any) -> str:
        if memo is None:
            return "00" * 32
        text = str(memo).lower().removeprefix("0x")
        if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
            raise BadRequest(f"{self.id} memo must be 32 bytes as 64 hex characters")
        return text

    async def _transfer_fee(self, own: int, to_index: int) -> int:
        response = await self._private_get("transferFeeInfo", {"account_index": own, "to_account_index": to_index})
        fee = self.safe_integer(response, "transfer_fee_usdc")
        if fee is None:
            raise ExchangeError(f"{self.id} transferFeeInfo answered without a fee")
        return fee

    async def _same_owner(self, to_index: int) -> bool:
        address = await self._own_l1_address()
        if not address:
            return False
        subs = await self._l1_accounts(address)
        return any(str(a.get("index", a.get("account_index"))) == str(to_index) for a in subs)

    async def withdraw(self, code: str, amount: float, address: str, tag: Any = None,
                       params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """Secure withdrawal (tx 13) to the account's own L1 address (the only destination)."""
        await self.load_markets()
        asset_id, decimals, code = self._asset(code)
        units = self._units(amount, decimals)
        route = self._route(params.get("route", "perp" if code == "USDC" else "spot"))
        if route is None:
            raise BadRequest(f"{self.id} params['route'] must be 'perp' or 'spot'")
        own_address = await self._own_l1_address()
        if address and own_address and str(address).lower() != str(own_address).lower():
            raise BadRequest(f"{self.id} withdrawals go to the account's own L1 address {own_address}")
        answer = await self._send_tx(o.Withdraw(asset_id, route, units))
        now = self.milliseconds()
        # the L1 hash exists only once the withdrawal is claimed; until then the L2 tx hash identifies it
        row = {"id": answer.get("tx_hash"), "amount": str(amount), "timestamp": now, "status": "pending",
               "asset_id": asset_id, "type": "secure", "l1_tx_hash": answer.get("tx_hash"), "response": answer}
        return parse_transaction(self, row, "withdrawal", own_address or address)

    # ------------------------------------------------------------------ sub-accounts and keys
    async def create_sub_account(self, name: Optional[str] = None, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """CreateSubAccount (tx 9); the new index appears in fetchAccounts once executed."""
        answer = await self._send_tx(o.CreateSubAccount())
        return {"info": answer, "id": answer.get("account_index"), "type": "subaccount", "code": None, "name": name}

    async def fetch_accounts(self, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """The master account and its sub-accounts (same L1 address)."""
        row = await self._account_row(params)
        address = row.get("l1_address")
        if not address or set(str(address).lower().removeprefix("0x")) == {"0"}:
            return [parse_account(self, row)]
        subs = await self._l1_accounts(address)
        return [parse_account(self, a) for a in subs] or [parse_account(self, row)]

    async def register_api_key(self, api_key_index: int, private_key: Optional[str] = None,
                               params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """ChangePubKey: put an API key (new or given) at ``api_key_index`` of this account.

        Needs the owner's Ethereum key (privateKey or options['ethPrivateKey']). Replaces what the
        slot held. Returns the key pair; the private key is secret.
        """
        slot = int(api_key_index)
        if not 0 <= slot <= o.MAX_API_KEY_INDEX:
            raise BadRequest(f"{self.id} api_key_index must be 0..{o.MAX_API_KEY_INDEX}")
        if not self.lighter_credentials().eth_private_key:
            raise ArgumentsRequired(f"{self.id} register_api_key() needs the Ethereum key (options['ethPrivateKey'])")
        backend = self._backend()
        private, public = (new_key_pair(backend) if private_key is None else
                           (private_key.lower().removeprefix("0x"), public_key_of(private_key)))
        account = await self._resolve_account()
        backend.register_key(private, int(self.options.get("chainId", 304)), slot, account)
        manager = NonceManager(account, slot, self._nonce_fetcher(account, slot))

        async def attempt(nonce: int) -> Dict[str, Any]:
            signed = await self._sign_txs([(o.ChangePubKey(public), nonce)], slot, account,
                                          lambda message: check_register_message(message, public, account, slot))
            return self._with_hashes(await self._transmit(signed, batch=False), signed, False)

        answer = await manager.submit(1, attempt)
        if self._lighter_state is not None and slot in self._lighter_state.creds.api_keys:
            self.reset_trading_state()  # the key this instance held at that slot is no longer valid
        return {"account_index": account, "api_key_index": slot, "public_key": public, "private_key": private,
                "tx_hash": answer.get("tx_hash"), "info": answer}

    # ------------------------------------------------------------------ history
    async def fetch_deposits(self, code: Optional[str] = None, since: Optional[int] = None,
                             limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        await self.load_markets()
        account, params = await self._reading_account(params)
        address = params.pop("address", None) or await self._own_l1_address()
        rows = await self._paged("deposit/history", self.extend(
            {"account_index": account, "l1_address": address}, params), "deposits", since, limit)
        result = [parse_transaction(self, r, "deposit", address) for r in rows]
        return self.filter_by_currency_since_limit(self.sort_by(result, "timestamp"), code, since, limit)

    async def fetch_withdrawals(self, code: Optional[str] = None, since: Optional[int] = None,
                                limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        await self.load_markets()
        account, params = await self._reading_account(params)
        rows = await self._paged("withdraw/history", self.extend({"account_index": account}, params),
                                 "withdraws", since, limit)
        address = await self._own_l1_address()
        result = [parse_transaction(self, r, "withdrawal", address) for r in rows]
        return self.filter_by_currency_since_limit(self.sort_by(result, "timestamp"), code, since, limit)

    async def fetch_deposits_withdrawals(self, code: Optional[str] = None, since: Optional[int] = None,
                                         limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict]:
        both = await self.fetch_deposits(code, since, limit, params) + \
            await self.fetch_withdrawals(code, since, limit, params)
        return self.filter_by_since_limit(self.sort_by(both, "timestamp"), since, limit)

    async def fetch_transfers(self, code: Optional[str] = None, since: Optional[int] = None,
                              limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        await self.load_markets()
        account, params = await self._reading_account(params)
        rows = await self._paged("transfer/history", self.extend({"account_index": account}, params),
                                 "transfers", since, limit)
        result = [parse_transfer(self, r, account) for r in rows]
        return self.filter_by_currency_since_limit(self.sort_by(result, "timestamp"), code, since, limit)

    async def fetch_funding_history(self, symbol: Optional[str] = None, since: Optional[int] = None,
                                    limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict]:
        """Funding payments of our positions (positionFunding)."""
        await self.load_markets()
        account, params = await self._reading_account(params)
        request = {"account_index": account, "limit": min(limit or MAX_PAGE, MAX_PAGE)}
        if symbol is not None:
            request["market_ids"] = self.market(symbol)["id"]
        rows = await self._paged("positionFunding", self.extend(request, params), "position_fundings", since, limit)
        result = [parse_funding_payment(self, r) for r in rows]
        return self.filter_by_symbol_since_limit(self.sort_by(result, "timestamp"), symbol, since, limit)

    async def fetch_my_liquidations(self, symbol: Optional[str] = None, since: Optional[int] = None,
                                    limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict]:
        await self.load_markets()
        account, params = await self._reading_account(params)
        request = {"account_index": account, "limit": min(limit or MAX_PAGE, MAX_PAGE)}
        if symbol is not None:
            request["market_id"] = self.market(symbol)["id"]
        rows = await self._paged("liquidations", self.extend(request, params), "liquidations", since, limit)
        result = [parse_liquidation(self, r) for r in rows]
        return self.filter_by_symbol_since_limit(self.sort_by(result, "timestamp"), symbol, since, limit)

    async def fetch_ledger(self, code: Optional[str] = None, since: Optional[int] = None,
                           limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Deposits, withdrawals, transfers, funding payments and trade PnL/fees, oldest first."""
        await self.load_markets()
        account, _ = await self._reading_account(params)
        entries = []
        for tx in await self.fetch_deposits_withdrawals(None, since, limit, params):
            amount = tx["amount"] if tx["type"] == "deposit" else -(tx["amount"] or 0)
            entries.append(ledger_entry(self, info=tx["info"], kind="transaction", amount=str(amount),
                                        currency=tx["currency"], timestamp=tx["timestamp"], ref=tx["id"],
                                        account=str(account)))
        for tr in await self.fetch_transfers(None, since, limit, params):
            outgoing = str(tr["info"].get("from_account_index")) == str(account) and \
                str(tr["info"].get("to_account_index")) != str(account)
            amount = Precise.string_neg(str(tr["amount"])) if outgoing else str(tr["amount"])
            entries.append(ledger_entry(self, info=tr["info"], kind="transfer", amount=amount, currency=tr["currency"],
                                        timestamp=tr["timestamp"], ref=tr["id"], account=str(account),
                                        other=tr["toAccount"] if outgoing else tr["fromAccount"]))
        entries += await self._ledger_funding_and_trades(account, since, limit, params)
        return self.filter_by_currency_since_limit(self.sort_by(entries, "timestamp"), code, since, limit)

    async def _ledger_funding_and_trades(self, account: int, since, limit, params) -> List[Dict[str, Any]]:
        entries = []
        for f in await self.fetch_funding_history(None, since, limit, params):
            entries.append(ledger_entry(self, info=f["info"], kind="fee", amount=str(f["amount"]), currency=f["code"],
                                        timestamp=f["timestamp"], ref=f["id"], account=str(account)))
        rows = await self._my_trade_pages({"account_index": account, "sort_by": "timestamp", "sort_dir": "desc"},
                                       since, limit)
        for row in rows:
            trade = parse_my_trade(self, row, account)
            pnl = row.get("bid_account_pnl" if trade["side"] == "buy" else "ask_account_pnl")
            if pnl is not None and not Precise.string_eq(str(pnl), "0"):
                entries.append(ledger_entry(self, info=row, kind="trade", amount=str(pnl), currency="USDC",
                                            timestamp=trade["timestamp"], ref=trade["id"], account=str(account)))
            fee = trade["fee"]["cost"]
            if fee:
                entries.append(ledger_entry(self, info=row, kind="fee", amount=f"-{fee}", currency="USDC",
                                            timestamp=trade["timestamp"], ref=trade["id"], account=str(account)))
        return entries
