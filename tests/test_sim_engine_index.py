"""Engine: the per-account live-order index (:mod:`ccxt_lighter.sim.order_index`) against full scans.

A random scenario over several accounts and markets (resting, crossing, post-only, reduce-only,
trigger, grouped and TWAP orders; cancels, modifies, cancel-alls, expiries, leverage changes, mark
moves with triggers and liquidations, spot orders) checks after every step that everything the index
keeps -- membership, per-market buckets, order-limit counts, order-margin side sums, spot locks and
the deadline heap -- equals what the old full-scan logic computes from the orders themselves.
"""
from __future__ import annotations

import copy
import random
from typing import Dict, List

import pytest

from ccxt_lighter.sim.errors import LighterError
from ccxt_lighter.sim.limits import existing_counts_scan
from ccxt_lighter.sim.markets import INSURANCE_FUND_ACCOUNT
from ccxt_lighter.sim.model import Order
from ccxt_lighter.sim.order_index import order_exposure
from ccxt_lighter.sim.orders_logic import expired_scan
from ccxt_lighter.sim.risk import TICK, order_margin, order_margin_scan
from tests.fixtures_sim import TxMaker

PERPS = (0, 1)
SPOT = 2048
MIN = 60_000


# -- reference (full-scan) computations ----------------------------------------------------------
def scan_sides(acct, markets, market_id: int) -> tuple:
    """(ask, bid) order margin of one market, summed over every order of the account."""
    pos = acct.positions.get(market_id)
    size, imf = (pos.size, pos.imf) if pos else (0, markets[market_id].default_imf)
    sides = {True: 0, False: 0}
    for o in acct.orders.values():
        if o.market_id == market_id and o.status == "open":
            sides[o.is_ask] += order_exposure(o, size) * o.price * imf // TICK
    return sides[True], sides[False]


def scan_spot_locked(core, acct) -> Dict[int, int]:
    locked: Dict[int, int] = {}
    for o in acct.orders.values():
        m = core.markets[o.market_id]
        if not m.is_spot or not o.active:
            continue
        if o.is_ask:
            amount = o.remaining_base * 10 ** (core.assets[m.base_asset_id].decimals - m.size_decimals)
            locked[m.base_asset_id] = locked.get(m.base_asset_id, 0) + amount
        else:
            locked[m.quote_asset_id] = locked.get(m.quote_asset_id, 0) + o.remaining_base * o.price
    return locked


def check_index(engine) -> None:
    """Raise AssertionError where the index differs from a full scan."""
    live: Dict[int, Dict[int, Order]] = {}
    for o in engine.orders.values():  # ground truth: every order ever placed, by its own status
        if o.active:
            live.setdefault(o.account_index, {})[o.order_index] = o
    for acct in engine.accounts.values():
        table = acct.orders
        assert {i: id(o) for i, o in table.items()} == {i: id(o) for i, o in live.get(acct.index, {}).items()}
        assert all(o._table is table for o in table.values())
        assert table.counts == existing_counts_scan(acct)
        buckets = {}
        for i, o in table.items():
            buckets.setdefault(o.market_id, set()).add(i)
        assert {m: set(b) for m, b in table.by_market.items()} == buckets
        for mid in PERPS:
            pos = acct.positions.get(mid)
            key = (pos.size, pos.imf) if pos else (0, engine.markets[mid].default_imf)
            assert table.margin_sides(mid, *key) == scan_sides(acct, engine.markets, mid)
            for is_ask in (True, False):  # a probe order as check_funds adds it
                probe = Order(0, 0, acct.index, mid, is_ask, 0, 1, engine.marks[mid], 500, 500, 0, 0)
                assert order_margin(acct, engine.markets, [probe]) == order_margin_scan(acct, engine.markets, [probe])
        assert order_margin(acct, engine.markets) == order_margin_scan(acct, engine.markets)
        assert engine.spot_locked(acct) == scan_spot_locked(engine, acct)
        heap = set(table._deadlines)
        assert all((o.deadline, i) in heap for i, o in table.items() if o.deadline)
    assert expired_scan(engine, engine.now_ms()) == []  # timers ran: nothing due is still live


# -- the random scenario ---------------------------------------------------------------------------
class Scenario:
    def __init__(self, engine, rng: random.Random) -> None:
        self.engine, self.rng = engine, rng
        engine.limits.max_open_orders_per_market = 40  # so the count limits are met too
        engine.limits.max_pending_orders_per_market = 8
        self.traders: List[TxMaker] = [TxMaker(engine, c) for c in ("300", "1500", "5000", "20000")]
        self.traders.append(TxMaker(engine, "1000000"))  # deep pockets: makes the other side
        spot = engine.create_account("1000", spot={1: 10**12, 3: 10**13})
        self.spot = TxMaker(engine, account=spot)
        self.traders.append(self.spot)
        self.coi = 1

    def next_coi(self) -> int:
        self.coi += 1
        return self.coi

    def expiry(self) -> int:
        return self.engine.wall_ms() + self.rng.randint(5 * MIN, 240 * MIN)

    def price(self, mid: int, spread: float = 0.03) -> int:
        mark = self.engine.marks[mid]
        return max(1, int(mark * (1 + self.rng.uniform(-spread, spread))))

    def limit_price(self, mid: int, ask: bool) -> int:
        """Mostly passive (so orders pile up on the book), sometimes crossing."""
        offset = self.rng.uniform(0.001, 0.03) * (1 if self.rng.random() < 0.9 else -0.3)
        return max(1, int(self.engine.marks[mid] * (1 + offset if ask else 1 - offset)))

    def live(self, t: TxMaker) -> List[Order]:
        return sorted((o for o in self.engine.orders.values() if o.account_index == t.account and o.active),
                      key=lambda o: o.order_index)

    def step(self) -> None:
        rng = self.rng
        t = rng.choice(self.traders)
        op = rng.choices(["limit", "market", "trigger", "group", "twap", "cancel", "modify", "cancel_all",
                          "schedule", "advance", "mark", "crash", "leverage", "spot"],
                         [40, 4, 6, 4, 2, 5, 8, 1, 1, 5, 6, 1, 2, 4])[0]
        try:
            getattr(self, "op_" + op)(t)
        except LighterError:
            pass  # a rejection changes nothing; the check still runs

    def op_limit(self, t: TxMaker) -> None:
        mid = self.rng.choice(PERPS)
        m = self.engine.markets[mid]
        tif = self.rng.choice([1, 1, 1, 2, 0])
        ask = self.rng.random() < 0.5
        stp = {"6": self.rng.choice([1, 2, 3, 3])} if self.rng.random() < 0.3 else None  # 3: shrinks a maker
        t.create(stp, coi=self.next_coi(), market=mid, ask=ask, tif=tif,
                 base=m.min_base_amount * self.rng.randint(1, 100), price=self.limit_price(mid, ask),
                 reduce_only=int(self.rng.random() < 0.15), expiry=self.expiry() if tif else 0)

    def op_market(self, t: TxMaker) -> None:
        mid = self.rng.choice(PERPS)
        ask = self.rng.random() < 0.5
        mark = self.engine.marks[mid]
        t.create(coi=self.next_coi(), market=mid, ask=ask, type=1, price=mark * 95 // 100 if ask else mark * 105 // 100,
                 base=self.engine.markets[mid].min_base_amount * self.rng.randint(1, 100),
                 reduce_only=int(self.rng.random() < 0.2))

    def _trigger(self, mid: int, ask: bool, base: int, coi: int = 0) -> Dict:
        otype = self.rng.choice([2, 3, 4, 5])
        trigger = self.price(mid, 0.02)
        stop_up = not ask  # a buy stop fires on a rise, a sell stop on a fall
        if otype in (4, 5):
            stop_up = ask
        trigger = max(trigger, self.engine.marks[mid] + 1) if stop_up else min(trigger, self.engine.marks[mid] - 1)
        price = trigger * 97 // 100 if ask else trigger * 103 // 100
        return self.traders[0].order(coi=coi, market=mid, ask=ask, type=otype, trigger=trigger, price=price,
                                     base=base, reduce_only=1, tif=1 if otype in (3, 5) else 0, expiry=self.expiry())

    def op_trigger(self, t: TxMaker) -> None:
        mid = self.rng.choice(PERPS)
        spec = self._trigger(mid, self.rng.random() < 0.5, self.rng.choice([0, 100, 500]), self.next_coi())
        t.send(14, t.base(**spec))

    def op_group(self, t: TxMaker) -> None:
        mid = self.rng.choice(PERPS)
        ask = self.rng.random() < 0.5
        m = self.engine.markets[mid]
        parent = t.order(coi=self.next_coi(), market=mid, ask=ask, base=m.min_base_amount * self.rng.randint(1, 10),
                         price=self.price(mid, 0.01), tif=self.rng.choice([0, 1]))
        if parent["TimeInForce"] == 0:
            parent["OrderExpiry"] = 0
        sl = self._trigger(mid, not ask, 0)
        sl["Type"], sl["TimeInForce"] = 2, 0
        tp = self._trigger(mid, not ask, 0)
        tp["Type"], tp["TimeInForce"], tp["OrderExpiry"] = 4, 0, sl["OrderExpiry"]
        grouping = self.rng.choice([1, 2, 3])
        if grouping == 1:
            orders = [parent, self.rng.choice([sl, tp])]
        elif grouping == 3:
            orders = [parent, sl, tp]
        else:
            sl["BaseAmount"] = tp["BaseAmount"] = 100
            orders = [sl, tp]
        t.send(28, t.base(GroupingType=grouping, Orders=orders))

    def op_twap(self, t: TxMaker) -> None:
        mid = self.rng.choice(PERPS)
        ask = self.rng.random() < 0.5
        mark = self.engine.marks[mid]
        t.create(coi=self.next_coi(), market=mid, ask=ask, type=6, tif=1, expiry=self.engine.wall_ms() + 30 * MIN,
                 base=self.engine.markets[mid].min_base_amount * 20,
                 price=mark * 97 // 100 if ask else mark * 103 // 100)

    def op_cancel(self, t: TxMaker) -> None:
        live = self.live(t)
        if live:
            o = self.rng.choice(live)
            index = o.client_order_index if o.client_order_index and self.rng.random() < 0.5 else o.order_index
            t.cancel(index, market=o.market_id)

    def op_modify(self, t: TxMaker) -> None:
        live = [o for o in self.live(t) if o.type != 6]
        if not live:
            return
        o = self.rng.choice(live)
        base = o.remaining_base + self.rng.choice([-1, 1]) * self.engine.markets[o.market_id].min_base_amount
        trigger = o.trigger_price and self.price(o.market_id, 0.02)
        price = self.price(o.market_id) if not trigger else trigger
        t.send(17, t.base(MarketIndex=o.market_id, Index=o.order_index, BaseAmount=max(0, base), Price=price,
                          TriggerPrice=trigger))

    def op_cancel_all(self, t: TxMaker) -> None:
        info = t.base(TimeInForce=0, Time=0)
        if self.rng.random() < 0.5:
            info["L2TxAttributes"] = {"5": self.rng.choice(PERPS + (SPOT,))}
        t.send(16, info)

    def op_schedule(self, t: TxMaker) -> None:
        t.send(16, t.base(TimeInForce=1, Time=self.engine.wall_ms() + self.rng.randint(5 * MIN, 40 * MIN)))

    def op_advance(self, t: TxMaker) -> None:
        self.engine.advance(self.rng.randint(30, 40 * 60))

    def op_mark(self, t: TxMaker) -> None:
        mid = self.rng.choice(PERPS)
        pos = self.engine.accounts[t.account].positions.get(mid)
        if pos is not None and pos.size and self.rng.random() < 0.3:  # against the position: liquidations
            move = -pos.sign * self.rng.uniform(0.1, 0.4)
            self.engine.set_mark_price(mid, int(self.engine.marks[mid] * (1 + move)))
        else:
            self.engine.set_mark_price(mid, self.price(mid, 0.03))

    def op_crash(self, t: TxMaker) -> None:
        """A 45 % move: liquidates the leveraged side of the market (their orders end with it)."""
        mid = self.rng.choice(PERPS)
        factor = 0.55 if self.rng.random() < 0.5 else 1.45
        self.engine.set_mark_price(mid, int(self.engine.marks[mid] * factor))

    def op_leverage(self, t: TxMaker) -> None:
        mid = self.rng.choice(PERPS)
        imf = self.rng.choice([self.engine.markets[mid].min_imf, 500, 1000, 2500])
        t.send(20, t.base(MarketIndex=mid, InitialMarginFraction=imf, MarginMode=0))

    def op_spot(self, t: TxMaker) -> None:
        m = self.engine.markets[SPOT]
        tif = self.rng.choice([1, 1, 0])
        ask = self.rng.random() < 0.5
        self.spot.create(coi=self.next_coi(), market=SPOT, ask=ask, tif=tif, price=self.limit_price(SPOT, ask),
                         base=m.min_base_amount * self.rng.randint(1, 20), expiry=self.expiry() if tif else 0)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_index_matches_full_scans_through_a_random_scenario(engine, seed):
    scenario = Scenario(engine, random.Random(seed))
    statuses = set()
    for _ in range(350):
        scenario.step()
        check_index(engine)
    for o in engine.orders.values():
        statuses.add(o.status)
    # The scenario reached the paths the index must follow (not a vacuous walk).
    assert {"open", "filled", "canceled", "canceled-expired"} <= statuses
    assert any(o.order_version for o in engine.orders.values())  # modified
    assert any(p.size for a in engine.accounts.values() for p in a.positions.values())
    assert INSURANCE_FUND_ACCOUNT in engine.accounts  # someone was liquidated


def _bid_and_ask(engine, maker_factory):
    t = maker_factory()
    t.create(coi=1, base=1000, price=290000)
    t.create(coi=2, ask=True, base=1000, price=310000, expiry=engine.wall_ms() + 10 * MIN)
    table = engine.accounts[t.account].orders
    bid, ask = sorted(table.values(), key=lambda o: o.order_index)
    check_index(engine)
    return table, bid, ask


def test_the_check_catches_a_drifted_index(engine, maker_factory):
    """check_index can fail: edits that bypass the index are caught."""
    table, bid, _ = _bid_and_ask(engine, maker_factory)
    bid.__dict__["remaining_base"] = 2000  # no notification: the margin sums are stale
    with pytest.raises(AssertionError):
        check_index(engine)
    bid.remaining_base = 2000  # an ordinary assignment re-indexes it
    check_index(engine)
    table.counts[("open", 0)] += 1
    with pytest.raises(AssertionError):
        check_index(engine)


def test_any_field_edit_keeps_the_index_in_step(engine, maker_factory):
    """Whatever code path edits a live order, the index follows (Order.__setattr__)."""
    table, bid, ask = _bid_and_ask(engine, maker_factory)
    for name, value in (("remaining_base", 1500), ("price", 295000), ("is_ask", True), ("reduce_only", True),
                        ("status", "pending"), ("type", 6)):
        setattr(bid, name, value)
        check_index(engine)
    old_deadline = ask.deadline
    ask.deadline = old_deadline + 60 * MIN  # a later deadline: the old heap entry must not expire it
    engine.advance(11 * 60)
    assert ask.status == "open"
    check_index(engine)
    bid.deadline = 1
    assert table.pop_due(engine.now_ms()) == [bid]


def test_modify_probe_and_expiry_through_the_index(engine, maker_factory):
    t = maker_factory("100")  # 100 USDC at 20x: 2000 USDC of order exposure
    t.create(coi=1, base=6000, price=300000, expiry=engine.wall_ms() + 6 * MIN)  # 1800 USDC
    with pytest.raises(LighterError) as err:  # growing it past the margin is refused
        t.send(17, t.base(MarketIndex=0, Index=1, BaseAmount=7000, Price=300000, TriggerPrice=0))
    assert err.value.code == 21739
    t.send(17, t.base(MarketIndex=0, Index=1, BaseAmount=6500, Price=300000, TriggerPrice=0))  # 1950: fine
    table = engine.accounts[t.account].orders
    assert table.count("open") == 1 and table.margin_sides(0, 0, 500) == (0, 6500 * 300000 * 500 // TICK)
    engine.advance(5 * 60)
    assert table.count("open") == 1
    engine.advance(61)
    assert table.count("open") == 0 and not table.by_market and table.margin_sides(0, 0, 500) == (0, 0)
    check_index(engine)


def test_a_copied_table_rebuilds_its_index(engine, maker_factory):
    t = maker_factory()
    t.create(coi=1, base=1000, price=290000)
    t.create(coi=2, market=1, base=100, price=900000)
    table = engine.accounts[t.account].orders
    clone = copy.deepcopy(table)
    assert clone.counts == table.counts == {("open", None): 2, ("open", 0): 1, ("open", 1): 1}
    assert all(o._table is clone for o in clone.values())
