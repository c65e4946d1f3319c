"""The simulated Lighter sequencer: a pure, synchronous state machine (no I/O, no asyncio).

Venue facts (REFERENCE.md 2, 3, 5, 7): prices/sizes are integer ticks per market; txs are signed
JSON (``tx_info``) checked for account, key, expiry, nonce and signature before the sequencer
executes them; rejections carry Lighter's error codes; the tx hash is the Poseidon2 hash of the
tx_info under the chain id (default 304, mainnet).

Invariant: every state change happens inside one engine call and is followed, before the call
returns, by the events describing it (:mod:`.events`), in order. A rejected call changes nothing
and emits nothing.

Contract used by the REST server and by the ``/stream`` WebSocket layer
-----------------------------------------------------------------------
Construction: ``Engine(seed=1, chain_id=304, verify_signatures=None, wall_clock=time.time,
faults=None, sequencer_rejections="sync")``. ``verify_signatures=None`` = verify when the pure
verifier is importable. ``faults`` is a :class:`.faults.Faults` (the engine applies
``reject_nonce_every``). ``sequencer_rejections="async"`` reports state-dependent failures as failed
txs instead of raising (:mod:`.rejections`); the attribute may be changed at run time.
``engine.limits`` (:class:`.limits.OrderLimits`) holds the order-count limits and price bands.

Events: ``add_listener(cb)`` / ``remove_listener(cb)``; ``cb(event)`` gets the records of
:mod:`.events` (BookChanged, TradeExecuted, OrderChanged, PositionChanged, AssetsChanged,
TxProcessed, MarketStatsChanged, HeightChanged, CandleUpdated, FundingApplied, FundingPaid,
Liquidation).

Writes (raise :class:`.errors.LighterError` with Lighter's code; state unchanged on error):
  * ``submit_tx(tx_type: int, tx_info: str | dict, *, price_protection=True) -> str`` (tx hash,
    80 hex chars; ``price_protection`` is sendTx's flag, False skips the accidental-price band)
  * ``submit_batch(tx_types: list[int], tx_infos: list[str | dict]) -> list[str]``
  * ``check_auth(token: str, account_index: int | None = None) -> int`` (the token's account;
    raises LighterError(20013) when the token is malformed, expired, unknown or for another account)

Reads (fresh JSON in Lighter's wire shape; decimal strings already formatted):
  * ``markets`` (dict market_id -> :class:`.markets.MarketSpec`), ``market(market_id)``, ``assets``
  * ``book_levels(market_id, depth=None) -> (asks, bids, nonce)`` -- (price, size) string pairs,
    asks ascending, bids descending, ``nonce`` = the book nonce of exactly that state (the next
    BookChanged of the market has ``begin_nonce == nonce``)
  * ``recent_trades(market_id, limit=100)`` -> list of Trade JSON, newest first
  * ``account_exists(account_index)``
  * ``account_orders(account_index, market_id=None)`` -> {market_id: [Order JSON]} (active orders)
  * ``account_inactive_orders(account_index)`` -> [Order JSON], newest first
  * ``account_positions(account_index)`` -> {market_id: AccountPosition JSON}
  * ``account_assets(account_index)`` -> {asset_id: AccountAsset JSON}
  * ``account_stats(account_index)`` -> ``stats`` object of the user_stats channel
  * ``account_json(account_index)`` -> DetailedAccount JSON
  * ``account_trades(account_index, limit=100, market_id=None)`` -> list of Trade JSON, newest first
    (``limit`` stays the second positional argument; pass ``market_id=`` by keyword)
  * ``account_txs(account_index, limit=100)`` -> list of EnrichedTx JSON, newest first
  * ``account_fundings(account_index, market_id=None, limit=None)`` -> funding payments
    (PositionFunding JSON: timestamp s, market_id, funding_id, change, rate, position_size,
    position_side, discount), newest first
  * ``account_notifications(account_index, limit=None)`` -> notification-channel notifs (liquidations),
    newest first
  * ``book_last_updated_at(market_id)`` -> µs of the book's last published change (the value
    ``book_levels``' nonce belongs to; the engine's start time for a book that never changed)
  * ``market_stats(market_id)`` -> market_stats JSON (perps) or spot_market_stats JSON (spot)
  * ``candles(market_id, resolution, count=100)`` -> [{t,o,h,l,c,v,V,i}] oldest first
  * ``height``, ``now_ms()`` (sim clock), ``wall_ms()`` (real clock, what ExpiredAt is judged by)

Admin: ``create_account(collateral="0", api_keys=None, l1_address=None, spot=None) -> int``,
``add_api_keys(account_index, {key_index: public_key_hex})`` (any account, sub-accounts included),
``set_mark_price(market_id, price_ticks)``, ``advance(seconds)`` (runs timers: TWAP slices, expiries,
funding, liquidations), ``tick()`` (runs timers).
"""
from __future__ import annotations

import time
from decimal import Decimal
from typing import Callable, Dict, List, Optional, Union

from . import events as ev
from . import views
from .core import Core
from .errors import LighterError
from .markets import USDC, MarketSpec
from .model import Account, ApiKey
from .orders_logic import check_triggers
from .txexec import Executor
from .wire_market import market_stats_json


class Engine(Core, Executor):
    """Facade over the sim's parts; see the module docstring for the public contract."""

    def __init__(self, *, seed: int = 1, chain_id: int = 304, verify_signatures: Optional[bool] = None,
                 wall_clock: Callable[[], float] = time.time, markets: Optional[Dict[int, MarketSpec]] = None,
                 faults=None, sequencer_rejections: str = "sync") -> None:
        Core.__init__(self, chain_id=chain_id, wall_clock=wall_clock, markets=markets)
        Executor.__init__(self, verify_signatures=verify_signatures, faults=faults,
                          sequencer_rejections=sequencer_rejections)
        self.seed = seed

    # -- events ---------------------------------------------------------------------------
    def add_listener(self, callback: ev.Listener) -> None:
        self.bus.add(callback)

    def remove_listener(self, callback: ev.Listener) -> None:
        self.bus.remove(callback)

    # -- admin --------------------------------------------------------------------------------
    def create_account(self, collateral: Union[str, int, Decimal] = "0", api_keys: Optional[Dict] = None,
                       l1_address: Optional[str] = None, spot: Optional[Dict[int, int]] = None,
                       index: Optional[int] = None) -> int:
        """A master account with ``collateral`` USDC (decimal string) on the perps route."""
        micro = int(Decimal(str(collateral)) * 10**6)
        if index is None:
            index = self.next_account_index
            self.next_account_index += 1
        address = l1_address or "0x%040x" % (0xA11CE000 + index)
        acct = Account(index=index, l1_address=address, collateral=micro, spot=dict(spot or {}),
                       created_at=self.now_ms())
        for key_index, public_key in (api_keys or {}).items():
            acct.api_keys[int(key_index)] = ApiKey(str(public_key).lower().removeprefix("0x"), 0, self.now_us())
        with self.step():
            self.accounts[index] = acct
            if micro:
                self.ledger.add_deposit(index, amount=f"{Decimal(micro).scaleb(-6):.6f}", now_ms=self.now_ms(),
                                        asset_id=USDC)
            self.touch(index)
        return index

    def add_api_keys(self, account_index: int, api_keys: Dict) -> None:
        """Register public keys (80 hex chars) at key slots of an existing account; a replaced key
        keeps its slot's nonce, as ChangePubKey does."""
        acct = self._acct(account_index)
        with self.step():
            for key_index, public_key in api_keys.items():
                old = acct.api_keys.get(int(key_index))
                acct.api_keys[int(key_index)] = ApiKey(str(public_key).lower().removeprefix("0x"),
                                                       old.next_nonce if old else 0, self.now_us())
            self.touch(account_index)

    def set_mark_price(self, market_id: int, price: int, index_price: Optional[int] = None) -> None:
        if market_id not in self.markets or price <= 0:
            raise LighterError(21602 if market_id not in self.markets else 21702)
        with self.step():
            self.marks[market_id] = price
            self.index_prices[market_id] = index_price if index_price is not None else price
            self.md.record_mark(market_id, price, self.now_ms())
            self.touch_market(market_id)
            for acct in self.accounts.values():
                if market_id in acct.positions:
                    self.touch(acct.index, market_id)
            check_triggers(self, market_id)
            self.run_timers()

    def advance(self, seconds: float) -> None:
        """Move the sim clock forward (funding, expiries, scheduled cancels run on it)."""
        if seconds < 0:
            raise ValueError("the sim clock only moves forward")
        self.offset_ms += int(seconds * 1000)
        self.tick()

    def tick(self) -> None:
        with self.step():
            self.run_timers()

    # -- reads --------------------------------------------------------------------------------
    def account_exists(self, account_index: int) -> bool:
        return account_index in self.accounts

    def _acct(self, account_index: int) -> Account:
        acct = self.accounts.get(account_index)
        if acct is None:
            raise LighterError(21100)
        return acct

    def market(self, market_id: int) -> MarketSpec:
        """The market's static spec (decimals, fees, margin fractions); 21602 when unknown."""
        spec = self.markets.get(market_id)
        if spec is None:
            raise LighterError(21602)
        return spec

    def book_levels(self, market_id: int, depth: Optional[int] = None):
        return views.book_levels(self, market_id, depth)

    def recent_trades(self, market_id: int, limit: int = 100) -> List[Dict]:
        return self.md.recent(market_id, limit)

    def account_orders(self, account_index: int, market_id: Optional[int] = None) -> Dict[int, List[Dict]]:
        return views.active_orders(self, self._acct(account_index), market_id)

    def account_inactive_orders(self, account_index: int) -> List[Dict]:
        self._acct(account_index)
        return views.inactive_orders(self, account_index)

    def account_positions(self, account_index: int) -> Dict[int, Dict]:
        return views.positions(self, self._acct(account_index))

    def account_assets(self, account_index: int) -> Dict[int, Dict]:
        return views.assets(self, self._acct(account_index))

    def account_stats(self, account_index: int) -> Dict:
        return views.stats(self, self._acct(account_index))

    def account_json(self, account_index: int) -> Dict:
        return views.detailed(self, self._acct(account_index))

    def account_trades(self, account_index: int, limit: int = 100, market_id: Optional[int] = None) -> List[Dict]:
        trades = self.md.of_account(account_index)
        if market_id is not None:
            trades = [t for t in trades if t["market_id"] == market_id]
        return trades[:limit]

    def account_fundings(self, account_index: int, market_id: Optional[int] = None,
                         limit: Optional[int] = None) -> List[Dict]:
        rows = self.ledger.newest_first(self.ledger.fundings.get(account_index))
        if market_id is not None:
            rows = [r for r in rows if r["market_id"] == market_id]
        return [dict(r) for r in (rows if limit is None else rows[:limit])]

    def account_notifications(self, account_index: int, limit: Optional[int] = None) -> List[Dict]:
        return [dict(n) for n in self.ledger.newest_first(self.ledger.notifications.get(account_index), limit)]

    def book_last_updated_at(self, market_id: int) -> int:
        return self.books[market_id].last_updated_at

    def account_txs(self, account_index: int, limit: int = 100) -> List[Dict]:
        return self.ledger.newest_first(self.ledger.account_txs.get(account_index), limit)

    def market_stats(self, market_id: int) -> Dict:
        return market_stats_json(self, self.markets[market_id])

    def candles(self, market_id: int, resolution: str, count: int = 100) -> List[Dict]:
        now = self.now_ms()
        return self.md.candle_list(market_id, resolution, 0, now, count)

    # -- derived events -----------------------------------------------------------------------
    def _derive(self, positions, accounts, markets) -> List[object]:
        out: List[object] = []
        for account_index, mid in sorted(positions):
            acct = self.accounts.get(account_index)
            if acct is None or mid not in acct.positions or self.markets[mid].is_spot:
                continue
            out.append(ev.PositionChanged(account_index, mid, views.positions(self, acct)[mid]))
        for account_index in sorted(accounts):
            out.append(ev.AssetsChanged(account_index))
        for mid in sorted(markets):
            out.append(ev.MarketStatsChanged(mid))
        return out
