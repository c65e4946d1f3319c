"""Shared state of the simulated exchange and its commit protocol.

Venue facts: every executed tx is one step of the sequencer, which advances the L2 block height;
exchange order indexes start at 2**48 (REFERENCE.md 2.3); master accounts count up, sub-accounts
count down from 2**48 - 2 (the simulator starts below the LLP pool index).

Invariants:
* all mutations of one engine step happen between :meth:`Core.begin` and :meth:`Core.commit`;
  events produced meanwhile are buffered and dispatched only by ``commit`` (so a listener that reads
  the engine sees the finished state), followed by the derived events (book deltas, positions,
  assets, market stats, height) of everything the step touched;
* ids only grow.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Dict, List, Optional, Set, Tuple

from . import events as ev
from .book import Book
from .markets import DEFAULT_ASSETS, DEFAULT_MARKETS, MarketSpec
from .ledger import Ledger
from .limits import OrderLimits
from .marketdata import MarketData
from .model import Account, Order

FIRST_ORDER_INDEX = 2**48 + 1_000_000
FIRST_ACCOUNT_INDEX = 100
FIRST_SUB_ACCOUNT_INDEX = 2**48 - 2 - 1
HISTORY_LIMIT = 2000  # inactive orders kept per account (the venue keeps 1K / 24 h)


class Core:
    def __init__(self, *, chain_id: int = 304, wall_clock: Callable[[], float] = time.time,
                 markets: Optional[Dict[int, MarketSpec]] = None) -> None:
        self.chain_id = chain_id
        self.wall_clock = wall_clock
        self.offset_ms = 0
        self.markets: Dict[int, MarketSpec] = dict(markets or DEFAULT_MARKETS)
        self.assets = dict(DEFAULT_ASSETS)
        created_us = self.now_us()
        self.books: Dict[int, Book] = {mid: Book(m, 1000 + 7 * mid, created_us) for mid, m in self.markets.items()}
        self.marks: Dict[int, int] = {mid: m.initial_price for mid, m in self.markets.items()}
        self.index_prices: Dict[int, int] = dict(self.marks)
        self.accounts: Dict[int, Account] = {}
        self.orders: Dict[int, Order] = {}  # every order ever placed, by exchange index
        self.twaps: Dict[int, Order] = {}  # active TWAP parents, by exchange index (see .twap)
        self.limits = OrderLimits()  # per-account order counts and price bands (see .limits)
        self.inactive: Dict[int, List[Order]] = {}
        self.md = MarketData(self.markets)
        self.ledger = Ledger()
        self.bus = ev.EventBus()
        self.height = 1000
        self.next_order_index = FIRST_ORDER_INDEX
        self.next_trade_id = 1_000_000_000
        self.next_account_index = FIRST_ACCOUNT_INDEX
        self.next_sub_account_index = FIRST_SUB_ACCOUNT_INDEX
        self.tx_hash = ""  # hash of the tx being executed (stamped on trades)
        self.tx_nonce = 0
        self.tx_price_protection = True  # sendTx's price_protection flag of the tx being executed
        self._events: List[object] = []
        self._depth = 0
        self._touched_positions: Set[Tuple[int, int]] = set()
        self._touched_accounts: Set[int] = set()
        self._touched_markets: Set[int] = set()
        self._height_bump = False
        now = self.now_ms()
        self.next_funding_ms = now - now % 3_600_000 + 3_600_000

    # -- clocks -------------------------------------------------------------------------------
    def wall_ms(self) -> int:
        return int(self.wall_clock() * 1000)

    def now_ms(self) -> int:
        return self.wall_ms() + self.offset_ms

    def now_us(self) -> int:
        return self.now_ms() * 1000

    # -- ids ----------------------------------------------------------------------------------
    def new_order_index(self) -> int:
        self.next_order_index += 1
        return self.next_order_index - 1

    def new_trade_id(self) -> int:
        self.next_trade_id += 1
        return self.next_trade_id - 1

    # -- steps and events ---------------------------------------------------------------------
    def begin(self) -> None:
        self._depth += 1

    @contextmanager
    def step(self):
        """One engine step: commit (dispatching events) on success; on an exception drop the
        step's buffered events and re-raise (handlers validate before mutating, so a LighterError
        leaves the state as it was)."""
        self.begin()
        try:
            yield
        except BaseException:
            self.rollback_events()
            raise
        self.commit(self._derive)

    def _derive(self, positions, accounts, markets) -> List[object]:
        """Derived events of a step (positions, assets, market stats); the engine fills this in."""
        return []

    def emit(self, event: object) -> None:
        self._events.append(event)

    def touch(self, account_index: int, market_id: Optional[int] = None) -> None:
        self._touched_accounts.add(account_index)
        if market_id is not None:
            self._touched_positions.add((account_index, market_id))

    def touch_market(self, market_id: int) -> None:
        self._touched_markets.add(market_id)

    def bump_height(self) -> None:
        self._height_bump = True

    def rollback_events(self) -> None:
        """Forget buffered events of a step that raised before mutating anything."""
        self._depth = max(0, self._depth - 1)
        if self._depth == 0:
            self._events.clear()
            self._touched_positions.clear()
            self._touched_accounts.clear()
            self._touched_markets.clear()
            self._height_bump = False

    def commit(self, derive: Callable[[Set[Tuple[int, int]], Set[int], Set[int]], List[object]]) -> None:
        """End a step; at the outermost level dispatch buffered + derived events in order."""
        self._depth -= 1
        if self._depth > 0:
            return
        if self._height_bump:
            self.height += 1
            self._events.append(ev.HeightChanged(self.height))
            self._height_bump = False
        now_us = self.now_us()
        for mid, book in self.books.items():
            change = book.flush(now_us)
            if change is not None:
                self._events.append(change)
        events = self._events + derive(self._touched_positions, self._touched_accounts, self._touched_markets)
        self._events = []
        self._touched_positions, self._touched_accounts, self._touched_markets = set(), set(), set()
        for event in events:
            self.bus.emit(event)

    # -- order registry -----------------------------------------------------------------------
    def archive(self, order: Order) -> None:
        """Move a finished order from the account's active set to its history."""
        acct = self.accounts[order.account_index]
        acct.orders.pop(order.order_index, None)
        if acct.client_index.get(order.client_order_index) == order.order_index:
            del acct.client_index[order.client_order_index]
        hist = self.inactive.setdefault(order.account_index, [])
        hist.append(order)
        if len(hist) > HISTORY_LIMIT:
            del hist[: len(hist) - HISTORY_LIMIT]

    # -- balances -----------------------------------------------------------------------------
    def spot_locked(self, acct: Account) -> Dict[int, int]:
        """Spot balances reserved by open spot orders (asset id -> amount in asset decimals)."""
        locked: Dict[int, int] = {}
        spot_orders = (o for mid in acct.orders.by_market if self.markets[mid].is_spot
                       for o in acct.orders.by_market[mid].values())
        for o in spot_orders:  # only the spot markets' buckets of the order index
            m = self.markets[o.market_id]
            if not o.active:
                continue
            if o.is_ask:
                dec = self.assets[m.base_asset_id].decimals
                amount = o.remaining_base * 10 ** (dec - m.size_decimals)
                locked[m.base_asset_id] = locked.get(m.base_asset_id, 0) + amount
            else:
                locked[m.quote_asset_id] = locked.get(m.quote_asset_id, 0) + o.remaining_base * o.price
        return locked

    def transfer_fee(self, frm: Account, to: Account) -> int:
        """USDC fee (1e-6) of a transfer: free between accounts of one L1 owner, 1 USDC otherwise."""
        same_owner = frm.l1_address.lower() == to.l1_address.lower()
        return 0 if same_owner else 1_000_000

    def open_interest(self, market_id: int) -> int:
        """Sum of long sizes in a market (size ticks); equals the sum of short sizes."""
        return sum(p.size for a in self.accounts.values() for mid, p in a.positions.items()
                   if mid == market_id and p.size > 0)
