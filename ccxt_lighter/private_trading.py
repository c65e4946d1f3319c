"""Unified order methods: create/edit/cancel (signed transactions) and order/trade reads.

Venue facts (REFERENCE.md 2.3, 3.2, 7.1-7.3): CreateOrder 14, CancelOrder 15, CancelAllOrders 16,
ModifyOrder 17, CreateGroupedOrders 28; cancel and modify take one ``Index`` that is either the
client order index (< 2^48) or the exchange order index (>= 2^48). ``accountOrders`` finds orders
by client order index; ``accountActiveOrders`` / ``accountInactiveOrders`` list them per market;
``trades?account_index=`` lists fills (cursor paging, at most 100 per page).

Ids: the ``id`` returned by createOrder is the client order index (as a string), usable at once in
cancelOrder, editOrder and fetchOrder; an exchange order index is accepted as well. The market of an
id is remembered (createOrder, fetches), so ``symbol`` is optional where the venue needs a market.

Invariant: every argument is validated (and a dry run of the order built) before the first request
of a call, so bad input raises a ccxt exception with nothing sent.
"""
from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any, Dict, List, Optional, Tuple

from ccxt.base.errors import ArgumentsRequired, BadRequest, NetworkError, NotSupported, OrderNotFound

from . import orders as o
from .cursor_paging import cursor_pages
from .nonce import UNKNOWN, classify
from .order_builder import OrderPlan, build_modify, build_order, modify_ticks, needs_book
from .order_fields import Context, parse_order_id
from .parsers_account import ms, parse_my_trade, parse_order
from .scaling import to_decimal

MAX_PAGE = 100


class _DryIds:
    """Client order ids for a validation-only build (the real allocator is not consumed)."""

    def next(self) -> int:
        return 1


def _unknown_outcome(exc: BaseException, plan: OrderPlan) -> BaseException:
    """When the answer was lost (timeout, dropped connection) the order may be live: say which id
    to look for, in an exception of the same class. Answers the venue gave are left alone."""
    if classify(exc) != UNKNOWN:
        return exc
    return type(exc)(f"{exc} -- the order may have been placed: fetchOrder('{plan.client_order_index}') tells")


class TradingMixin:
    # ------------------------------------------------------------------ parsing hooks
    def parse_order(self, order: Dict[str, Any], market: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        parsed = parse_order(self, order, market)
        if self._lighter_state is not None:
            self._lighter_state.remember(parsed["id"], parsed["symbol"])
            self._lighter_state.remember(order.get("order_index"), parsed["symbol"])
        return parsed

    # ------------------------------------------------------------------ createOrder(s)
    async def create_order(self, symbol: str, type: str, side: str, amount: float, price: Optional[float] = None,
                           params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """Place one order (limit/market/trigger/TWAP, optional attached stopLoss/takeProfit).

        ``id`` of the result is the client order index, valid for cancel/edit/fetch at once;
        ``info['tx_hash']`` is the transaction hash. See order_builder for the params.
        ``params['waitForExecution']`` (or ``options['confirmTransactions']``) waits until the
        sequencer executed the tx and raises its error if it refused it (:mod:`.private_confirm`);
        without it a refused order shows up afterwards in fetchOrder as ``rejected``/``canceled``.
        """
        plan = (await self._plan_orders([(symbol, type, side, amount, price, params)]))[0]
        try:
            answer = await self._send_tx(plan.tx, price_protection=plan.price_protection)
        except NetworkError as exc:
            raise _unknown_outcome(exc, plan) from exc
        placed = self._placed(plan, answer, answer.get("tx_hash"))
        return await self._confirm(placed, answer.get("tx_hash")) if self._confirm_wanted(params) else placed

    async def create_orders(self, orders: List[Dict[str, Any]], params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Place many orders through sendTxBatch (chunks of 50, consecutive nonces of one key).
        Not confirmed one by one: waitForExecution is refused here (fetchOrders shows the outcome), and
        so is ``priceProtection: False`` (the batch endpoint always protects)."""
        every = [params] + [x.get("params") for x in orders or []]
        if any((p or {}).get("waitForExecution") for p in every):
            raise NotSupported(f"{self.id} createOrders() does not wait for execution; use createOrder() "
                               "with waitForExecution, or fetchOrder() the ids afterwards")
        if any((p or {}).get("priceProtection") is False for p in every):
            # sendTxBatch has no price_protection field: the venue applies its default (on) to every tx
            raise NotSupported(f"{self.id} createOrders() cannot switch price protection off (sendTxBatch has no "
                               "such field); use createOrder() with priceProtection=False")
        specs = [(x.get("symbol"), x.get("type"), x.get("side"), x.get("amount"), x.get("price"),
                  self.extend(params, x.get("params") or {})) for x in orders]
        plans = await self._plan_orders(specs)
        answers = await self._send_tx_batch([p.tx for p in plans])
        hashes = [h for a in answers for h in (a.get("tx_hash") or [])]
        return [self._placed(plan, answers[i // self._tx_batch_size()], hashes[i] if i < len(hashes) else None)
                for i, plan in enumerate(plans)]


    async def _plan_orders(self, specs: List[Tuple]) -> List[OrderPlan]:
        """Validate every order (dry run, no request), then fetch books where needed and build."""
        await self.load_markets()
        if not specs:
            raise ArgumentsRequired(f"{self.id} createOrders() needs at least one order")
        attributes = self._integrator_attributes()
        # a dry run validates everything first when a request would come before the real build
        if self._lighter_state is None or any(needs_book(s[1], s[4], s[5]) for s in specs):
            for symbol, type_, side, amount, price, params in specs:
                market = self.market(symbol)
                tick = Decimal(1).scaleb(-int(market["info"]["price_decimals"]))
                dry = Context(self.milliseconds(), _DryIds(), self._slippage(params), tick, tick, attributes)
                build_order(market, type_, side, amount, price, params, dry)
        state = await self._trading_ready()
        books: Dict[str, Tuple] = {}
        plans = []
        for symbol, type_, side, amount, price, params in specs:
            market = self.market(symbol)
            bid = ask = None
            if needs_book(type_, price, params):
                if symbol not in books:
                    books[symbol] = await self._best_bid_ask(market)
                bid, ask = books[symbol]
            ctx = Context(self.milliseconds(), state.ids, self._slippage(params), bid, ask, attributes)
            plans.append(build_order(market, type_, side, amount, price, params, ctx))
        return plans

    def _slippage(self, params: Dict[str, Any]) -> Decimal:
        value = params.get("slippage", self.options.get("marketSlippage", "0.05"))
        slippage = to_decimal(value, "slippage")
        if not Decimal(0) <= slippage < Decimal(1):
            raise BadRequest(f"{self.id} slippage must be in [0, 1), got {value}")
        return slippage

    async def _best_bid_ask(self, market: Dict[str, Any]) -> Tuple[Optional[Decimal], Optional[Decimal]]:
        """Best bid and ask (exact decimals) from the resting orders of the market."""
        book = await self._api("orderBookOrders", "public", "GET", {"market_id": market["id"], "limit": 5})
        bids = [to_decimal(x["price"]) for x in book.get("bids") or []]
        asks = [to_decimal(x["price"]) for x in book.get("asks") or []]
        return (max(bids) if bids else None), (min(asks) if asks else None)

    def _placed(self, plan: OrderPlan, answer: Dict[str, Any], tx_hash: Optional[str]) -> Dict[str, Any]:
        """The complete unified order of a just-accepted CreateOrder (built directly: every field is
        known, so ccxt's generic safe_order, a large share of the per-order cost, is not needed)."""
        o_ = plan.order
        num = self.parse_number
        trigger = num(o_["triggerPrice"])
        self._lighter_state.remember(o_["id"], plan.market["symbol"])
        return {
            "id": o_["id"], "clientOrderId": o_["clientOrderId"], "timestamp": o_["timestamp"],
            "datetime": self.iso8601(o_["timestamp"]), "lastTradeTimestamp": None, "lastUpdateTimestamp": None,
            "status": "open", "symbol": o_["symbol"], "type": o_["type"], "timeInForce": o_["timeInForce"],
            "side": o_["side"], "price": num(o_["price"]), "average": None, "amount": num(o_["amount"]),
            "filled": num("0"), "remaining": num(o_["amount"]), "cost": num("0"), "stopPrice": trigger,
            "triggerPrice": trigger, "stopLossPrice": num(o_["stopLossPrice"]),
            "takeProfitPrice": num(o_["takeProfitPrice"]), "reduceOnly": o_["reduceOnly"], "postOnly": o_["postOnly"],
            "trades": [], "fee": None, "fees": [], "info": dict(o_["info"], tx_hash=tx_hash, response=answer),
        }

    # ------------------------------------------------------------------ edit / cancel
    def _order_market(self, order_id: Any, symbol: Optional[str], method: str) -> Dict[str, Any]:
        if symbol is not None:
            return self.market(symbol)
        known = self._lighter_state.order_symbols.get(str(order_id)) if self._lighter_state else None
        if known is None:
            raise ArgumentsRequired(f"{self.id} {method}() needs the symbol of order {order_id}")
        return self.market(known)

    def _order_index(self, order_id: Any, params: Dict[str, Any]) -> int:
        given = params.get("clientOrderId", params.get("client_order_index"))
        if order_id is None and given is None:
            raise ArgumentsRequired(f"{self.id} needs an order id or params['clientOrderId']")
        return parse_order_id(order_id if order_id is not None else given)

    async def edit_order(self, id: str, symbol: str, type: str = None, side: str = None, amount: Optional[float] = None,
                         price: Optional[float] = None, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """ModifyOrder: new amount/price (and triggerPrice) of a resting order; id keeps working.
        ``params['waitForExecution']`` waits for the sequencer as in createOrder."""
        await self.load_markets()
        index = self._order_index(id, params)
        market = self._order_market(index, symbol, "editOrder")
        trigger = params.get("triggerPrice", params.get("stopLossPrice", params.get("takeProfitPrice")))
        if amount is None or price is None:
            modify_ticks(market, amount, price, trigger)  # the given values fail here, before the look-up
            current = await self.fetch_order(str(index), market["symbol"])
            amount = current["amount"] if amount is None else amount
            price = current["price"] if price is None else price
        tx = build_modify(market, index, amount, price, trigger, self._integrator_attributes())
        answer = await self._send_tx(tx)
        edited = self.safe_order({
            "id": str(index), "clientOrderId": str(index) if index < o.MIN_EXCHANGE_ORDER_INDEX else None,
            "symbol": market["symbol"], "type": type, "side": side, "amount": str(amount), "price": str(price),
            "triggerPrice": None if trigger is None else str(trigger), "status": "open",
            "timestamp": self.milliseconds(), "info": answer}, market)
        return await self._confirm(edited, answer.get("tx_hash")) if self._confirm_wanted(params) else edited

    async def cancel_order(self, id: str, symbol: Optional[str] = None, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """CancelOrder by our id (client order index), exchange order index or params clientOrderId.
        ``params['waitForExecution']`` waits for the sequencer (OrderNotFound when the order was gone)."""
        await self.load_markets()
        index = self._order_index(id, params)
        market = self._order_market(index, symbol, "cancelOrder")
        answer = await self._send_tx(o.CancelOrder(int(market["id"]), index))
        canceled = self._canceled(index, market, answer)
        return await self._confirm(canceled, answer.get("tx_hash")) if self._confirm_wanted(params) else canceled

    def _canceled(self, index: int, market: Dict[str, Any], answer: Any) -> Dict[str, Any]:
        return self.safe_order({
            "id": str(index), "clientOrderId": str(index) if index < o.MIN_EXCHANGE_ORDER_INDEX else None,
            "symbol": market["symbol"], "status": "canceled", "info": answer}, market)

    async def cancel_orders(self, ids: List[str], symbol: Optional[str] = None,
                            params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Cancel many orders in one sendTxBatch per 50 (ids or params['clientOrderIds'])."""
        await self.load_markets()
        raw = list(ids or params.get("clientOrderIds") or [])
        if not raw:
            raise ArgumentsRequired(f"{self.id} cancelOrders() needs order ids")
        pairs = []
        for value in raw:
            index = parse_order_id(value)
            pairs.append((index, self._order_market(index, symbol, "cancelOrders")))
        answers = await self._send_tx_batch([o.CancelOrder(int(m["id"]), i) for i, m in pairs])
        size = self._tx_batch_size()
        return [self._canceled(i, m, answers[n // size]) for n, (i, m) in enumerate(pairs)]

    async def cancel_all_orders(self, symbol: Optional[str] = None,
                                params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """CancelAllOrders now: every market, or one market (attribute 5) when ``symbol`` is given."""
        await self.load_markets()
        market = self.market(symbol) if symbol is not None else None
        tx = o.CancelAllOrders(int(o.CancelAllTimeInForce.IMMEDIATE), 0,
                               o.NIL_MARKET_INDEX if market is None else int(market["id"]))
        answer = await self._send_tx(tx)
        return [self.safe_order({"info": answer, "status": "canceled",
                                 "symbol": None if market is None else market["symbol"]}, market)]

    async def cancel_all_orders_after(self, timeout: int, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """Dead man's switch: cancel everything ``timeout`` ms from now (5 min..15 days); 0 aborts it."""
        if timeout is None:
            raise ArgumentsRequired(f"{self.id} cancelAllOrdersAfter() needs a timeout in ms (0 aborts)")
        timeout = int(timeout)
        if timeout == 0:
            tx = o.CancelAllOrders(int(o.CancelAllTimeInForce.ABORT), 0)
        elif o.CANCEL_ALL_MIN_PERIOD_MS <= timeout <= o.CANCEL_ALL_MAX_PERIOD_MS:
            tx = o.CancelAllOrders(int(o.CancelAllTimeInForce.SCHEDULED), self.milliseconds() + timeout)
        else:
            raise BadRequest(f"{self.id} cancelAllOrdersAfter() timeout must be 0 or 5 minutes..15 days in ms")
        answer = await self._send_tx(tx)
        return dict(answer, time=tx.time)

    # ------------------------------------------------------------------ order reads
    async def fetch_order(self, id: str, symbol: Optional[str] = None, params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """One order, open or finished, by our id / client order id or by exchange order index."""
        await self.load_markets()
        index = self._order_index(id, params)
        account, params = await self._reading_account(self.omit(params, ["clientOrderId", "client_order_index"]))
        market = self.market(symbol) if symbol is not None else None
        if index < o.MIN_EXCHANGE_ORDER_INDEX:
            response = await self._private_get("accountOrders", self.extend(
                {"account_index": account, "client_order_indexes": str(index)}, params))
            for row in (response or {}).get("orders") or []:
                if str(row.get("client_order_index")) == str(index):
                    return self.parse_order(row, market)
        if market is None and self._lighter_state.order_symbols.get(str(index)):
            market = self.market(self._lighter_state.order_symbols[str(index)])
        found = await self._scan_orders(index, account, market, params)
        if found is None:
            raise OrderNotFound(f"{self.id} order {id} not found")
        return self.parse_order(found, market)

    async def _scan_orders(self, index: int, account: int, market, params) -> Optional[Dict[str, Any]]:
        key = "order_index" if index >= o.MIN_EXCHANGE_ORDER_INDEX else "client_order_index"
        market_id = o.NIL_MARKET_INDEX if market is None else market["id"]
        active = await self._private_get("accountActiveOrders", self.extend(
            {"account_index": account, "market_id": market_id}, params))
        for row in (active or {}).get("orders") or []:
            if str(row.get(key)) == str(index):
                return row
        async for page in self._inactive_pages(account, market_id, MAX_PAGE, params,
                                               self.options.get("fetchOrderMaxPages", 5)):
            for row in page:
                if str(row.get(key)) == str(index):
                    return row
        return None

    def _inactive_pages(self, account: int, market_id: Any, limit: int, params: Dict[str, Any], max_pages):
        """Pages of accountInactiveOrders (finished orders), newest first."""
        request = self.extend({"account_index": account, "market_id": market_id, "limit": limit}, params)
        return cursor_pages(partial(self._private_get, "accountInactiveOrders"), request, "orders", max_pages)

    async def fetch_open_orders(self, symbol: Optional[str] = None, since: Optional[int] = None,
                                limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        await self.load_markets()
        account, params = await self._reading_account(params)
        market = self.market(symbol) if symbol is not None else None
        response = await self._private_get("accountActiveOrders", self.extend(
            {"account_index": account, "market_id": o.NIL_MARKET_INDEX if market is None else market["id"]}, params))
        orders = [self.parse_order(row, market) for row in (response or {}).get("orders") or []]
        return self.filter_by_symbol_since_limit(self.sort_by(orders, "timestamp"), symbol, since, limit)

    async def _finished_orders(self, symbol, since, limit, params, statuses) -> List[Dict[str, Any]]:
        await self.load_markets()
        account, params = await self._reading_account(params)
        market = self.market(symbol) if symbol is not None else None
        market_id = o.NIL_MARKET_INDEX if market is None else market["id"]
        want = limit or MAX_PAGE
        result = []
        async for page in self._inactive_pages(account, market_id, min(MAX_PAGE, max(want, 1)), params,
                                               self.options.get("fetchOrdersMaxPages", 5)):
            parsed = [self.parse_order(row, market) for row in page]
            result.extend(x for x in parsed if statuses is None or x["status"] in statuses)
            oldest = min((x["timestamp"] or 0 for x in parsed), default=0)
            if len(result) >= want or (since is not None and oldest < since):
                break
        return self.filter_by_symbol_since_limit(self.sort_by(result, "timestamp"), symbol, since, limit)

    async def fetch_closed_orders(self, symbol: Optional[str] = None, since: Optional[int] = None,
                                  limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Filled orders (canceled ones: fetchCanceledOrders; both: fetchCanceledAndClosedOrders)."""
        return await self._finished_orders(symbol, since, limit, params, ("closed",))

    async def fetch_canceled_orders(self, symbol: Optional[str] = None, since: Optional[int] = None,
                                    limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Orders that ended unfilled: canceled, expired, and rejected by the sequencer (all of them
        ``canceled-*`` at the venue)."""
        return await self._finished_orders(symbol, since, limit, params, ("canceled", "expired", "rejected"))

    async def fetch_canceled_and_closed_orders(self, symbol: Optional[str] = None, since: Optional[int] = None,
                                               limit: Optional[int] = None,
                                               params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        return await self._finished_orders(symbol, since, limit, params, None)

    async def fetch_orders(self, symbol: Optional[str] = None, since: Optional[int] = None,
                           limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Open orders and finished ones (newest finished pages), oldest first."""
        open_orders = await self.fetch_open_orders(symbol, since, None, params)
        finished = await self._finished_orders(symbol, since, limit, params, None)
        merged = self.sort_by(open_orders + finished, "timestamp")
        return self.filter_by_since_limit(merged, since, limit)

    # ------------------------------------------------------------------ trades
    async def fetch_my_trades(self, symbol: Optional[str] = None, since: Optional[int] = None,
                              limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Our fills, newest pages first (cursor paging), returned oldest first."""
        await self.load_markets()
        account, params = await self._reading_account(params)
        market = self.market(symbol) if symbol is not None else None
        request = {"account_index": account, "sort_by": "timestamp", "sort_dir": "desc"}
        if market is not None:
            request["market_id"] = market["id"]
        rows = await self._my_trade_pages(self.extend(request, params), since, limit)
        trades = [parse_my_trade(self, row, account, market) for row in rows]
        return self.filter_by_symbol_since_limit(self.sort_by(trades, "timestamp"), symbol, since, limit)

    async def _my_trade_pages(self, request: Dict[str, Any], since: Optional[int], limit: Optional[int]) -> List[Dict]:
        want = limit or MAX_PAGE
        rows: List[Dict[str, Any]] = []
        request = dict(request, limit=min(MAX_PAGE, want) if since is None else MAX_PAGE)
        async for page in cursor_pages(partial(self._private_get, "trades"), request, "trades",
                                       self.options.get("fetchMyTradesMaxPages", 10)):
            rows.extend(page)
            if (since is None and len(rows) >= want) or \
                    (since is not None and min(self._trade_ms(t) for t in page) < since):
                break
            if since is None:
                request["limit"] = min(MAX_PAGE, want - len(rows))  # read before the next page
        return rows

    @staticmethod
    def _trade_ms(trade: Dict[str, Any]) -> int:
        from .parsers_account import ms

        return ms(trade.get("timestamp")) or 0

    async def fetch_order_trades(self, id: str, symbol: Optional[str] = None, since: Optional[int] = None,
                                 limit: Optional[int] = None, params: Dict[str, Any] = {}) -> List[Dict[str, Any]]:
        """Fills of one order (its exchange order index is looked up when ``id`` is ours)."""
        await self.load_markets()
        index = self._order_index(id, params)
        account, params = await self._reading_account(self.omit(params, ["clientOrderId", "client_order_index"]))
        order = None
        if index < o.MIN_EXCHANGE_ORDER_INDEX:
            order = await self.fetch_order(str(index), symbol, {"accountIndex": account})
            index = int(order["info"]["order_index"])
        request = {"account_index": account, "order_index": index, "sort_by": "timestamp", "sort_dir": "desc"}
        rows = await self._my_trade_pages(self.extend(request, params), since, limit)
        if not rows:  # a TWAP parent never trades itself: its twap-sub slices do
            parent = order or await self.fetch_order(str(index), symbol, {"accountIndex": account})
            rows = await self._twap_slice_trades(parent, account, since, params)
        market = self.market(symbol) if symbol is not None else None
        trades = [parse_my_trade(self, row, account, market) for row in rows]
        return self.filter_by_since_limit(self.sort_by(trades, "timestamp"), since, limit)

    async def _twap_slice_trades(self, parent: Dict[str, Any], account: int, since: Optional[int],
                                 params: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Fills of a TWAP parent's slices (venue: type ``twap-sub`` orders, IOC, with
        ``parent_order_index`` = the parent; the trades name the slice, not the parent). Empty for
        any other order. Slices are finished orders younger than the parent, so the scan of
        accountInactiveOrders stops at the parent's creation time."""
        if parent["info"].get("type") != "twap":
            return []
        index = parent["info"]["order_index"]
        market, born = self.market(parent["symbol"]), parent["timestamp"] or 0
        slices = set()
        async for page in self._inactive_pages(account, market["id"], MAX_PAGE, params,
                                               self.options.get("fetchOrdersMaxPages", 5)):
            slices.update(str(row.get("order_index")) for row in page
                          if str(row.get("parent_order_index")) == str(index))
            if min((ms(row.get("timestamp")) or 0 for row in page), default=0) < born:
                break
        if not slices:
            return []
        request = {"account_index": account, "market_id": market["id"], "sort_by": "timestamp", "sort_dir": "desc"}
        rows = await self._my_trade_pages(self.extend(request, params), max(born, since or 0), None)
        return [row for row in rows if str(row.get("ask_id")) in slices or str(row.get("bid_id")) in slices]
