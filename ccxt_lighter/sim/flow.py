"""Background order flow: a market maker quoting every market and a small taker, both seeded.

Not a venue fact but what makes the simulated venue look alive: books with depth around a
random-walk fair price that also drives the mark and index prices, and occasional market orders
that print trades (so trade, candle, ticker and stats channels move).

Invariants: every decision comes from one ``random.Random(seed)``, so the same seed and the same
number of :meth:`Flow.step` calls give the same books and trades (timestamps aside); the flow's
orders go through the same matching as users' orders but skip tx intake (they are the venue's own
accounts, 3 = maker and 4 = taker, with ample funds).
"""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Dict

from .markets import ETH, USDC
from .matching import execute, finish
from .model import Account, Order
from .orders_logic import check_triggers
from .tx_orders import register

if TYPE_CHECKING:
    from .engine import Engine

MAKER, TAKER = 3, 4
LEVELS = 8
FUNDS = 10**9 * 10**6  # micro-USDC


class Flow:
    def __init__(self, engine: "Engine", seed: int = 1) -> None:
        self.engine = engine
        self.rng = random.Random(seed)
        self.fair: Dict[int, int] = dict(engine.marks)
        self.steps = 0

    def ensure_accounts(self) -> None:
        eng = self.engine
        for index in (MAKER, TAKER):
            if index not in eng.accounts:
                eng.accounts[index] = Account(index, "0x%040x" % (0xF10 + index), collateral=FUNDS, account_type=0,
                                              spot={USDC: FUNDS, ETH: 10**6 * 10**8}, created_at=eng.now_ms())

    def seed_books(self) -> None:
        """Quote every market once (deterministic); used at start even with the flow switched off."""
        self.ensure_accounts()
        with self.engine.step():
            for mid in sorted(self.engine.markets):
                self._requote(mid)

    def step(self) -> None:
        """One flow step: move fair prices, requote, maybe take, then run the venue's timers."""
        eng = self.engine
        self.ensure_accounts()
        with eng.step():
            self.steps += 1
            eng.bump_height()
            for mid in sorted(eng.markets):
                self._walk(mid)
                self._requote(mid)
                if self.rng.random() < 0.5:
                    self._take(mid)
                check_triggers(eng, mid)
            eng.run_timers()

    # -- pieces -------------------------------------------------------------------------------
    def _walk(self, mid: int) -> None:
        eng = self.engine
        fair = self.fair[mid]
        step = max(1, fair // 2000)  # about 5 bp per step
        fair = max(step * 10, fair + self.rng.randint(-2, 2) * step)
        self.fair[mid] = fair
        eng.marks[mid] = eng.index_prices[mid] = fair
        eng.md.record_mark(mid, fair, eng.now_ms())
        eng.touch_market(mid)

    def _requote(self, mid: int) -> None:
        eng = self.engine
        m = eng.markets[mid]
        maker = eng.accounts[MAKER]
        for order in sorted(maker.orders.values(), key=lambda o: o.order_index):
            if order.market_id == mid:
                finish(eng, order, "canceled")
        fair = self.fair.get(mid, eng.marks[mid])
        gap = max(1, fair // 4000)
        for level in range(1, LEVELS + 1):
            for is_ask in (True, False):
                price = fair + level * gap if is_ask else fair - level * gap
                size = m.min_base_amount * self.rng.randint(2, 40)
                self._place(MAKER, mid, is_ask, price, size, tif=1)

    def _take(self, mid: int) -> None:
        m = self.engine.markets[mid]
        is_ask = self.rng.random() < 0.5
        size = m.min_base_amount * self.rng.randint(1, 6)
        fair = self.fair[mid]
        worst = fair - fair // 50 if is_ask else fair + fair // 50
        self._place(TAKER, mid, is_ask, max(1, worst), size, tif=0, order_type=1)

    def _place(self, account: int, mid: int, is_ask: bool, price: int, size: int, *, tif: int,
               order_type: int = 0) -> None:
        eng = self.engine
        if price <= 0 or price >= 2**32:
            return
        now = eng.now_ms()
        expiry = now + 28 * 86_400_000 if tif == 1 else 0
        order = Order(eng.new_order_index(), 0, account, mid, is_ask, order_type, tif, price, size, size, 0, now,
                      order_expiry=expiry, deadline=expiry, status="in-progress", transaction_time=eng.now_us(),
                      block_height=eng.height)
        register(eng, eng.accounts[account], order)
        eng.tx_hash = "%080x" % order.order_index  # the venue's own txs: a stable stand-in hash
        execute(eng, order)
