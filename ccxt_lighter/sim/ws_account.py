"""Snapshots and updates of the account channels of the simulated ``/stream`` WebSocket.

Venue facts (REFERENCE.md 6.4, examples/ws_account_*.json, ws_user_stats.json): per-market maps are
keyed by the market id as a string (``orders: {"0": [Order]}``, ``positions: {"0": Position}``,
``trades: {"0": [Trade]}``); ``account_all_assets`` keys assets by asset id; ``user_stats`` carries
one ``stats`` object; ``account_tx`` lists EnrichedTx objects; ``notification`` lists ``notifs``.
The ``account_all_trades`` snapshot adds daily/weekly/monthly/total volumes; ``account_all``'s
``funding_histories`` keys funding payments (PositionFunding objects) by market (examples/
ws_account_all.json), an update carrying the round's new payment. Order / Trade / Position / Asset
objects are exactly the engine's REST renderings.

Invariant: updates of an account channel are derived only from events of that account (or, for
``user_stats``, from a mark-price move, sent only when the stats actually changed), and only for
topics somebody is subscribed to. Notifications and funding payments are engine state (the engine
keeps them), so a snapshot shows them whether or not this server saw them happen.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable, Dict, Iterator, List, Tuple

from ..orders import MIN_SPOT_MARKET_INDEX
from . import events as ev
from .ws_channels import SERVED, Channel

Update = Tuple[str, dict]
DAY_MS = 86_400_000
PERIODS = (("daily", DAY_MS), ("weekly", 7 * DAY_MS), ("monthly", 30 * DAY_MS), ("total", None))


def by_market(items: Dict[int, object]) -> Dict[str, object]:
    return {str(mid): value for mid, value in sorted(items.items())}


def group_by_market(rows: List[dict]) -> Dict[str, List[dict]]:
    """Trades or funding payments keyed by their ``market_id`` as a string (order kept)."""
    out: Dict[str, List[dict]] = {}
    for row in rows:
        out.setdefault(str(row["market_id"]), []).append(row)
    return out


def volume_counters(trades: List[dict], now_ms: int) -> Dict[str, object]:
    """``<period>_trades_count`` / ``<period>_volume`` (quote volume, a JSON number)."""
    out: Dict[str, object] = {}
    for name, span in PERIODS:
        window = [t for t in trades if span is None or now_ms - int(t.get("timestamp", 0)) < span]
        out[f"{name}_trades_count"] = len(window)
        out[f"{name}_volume"] = float(sum((Decimal(t["usd_amount"]) for t in window), Decimal(0)))
    return out


class AccountFeeds:
    """Frames of the account channels. ``wanted(topic)`` says whether anyone listens to a topic,
    ``watched(account)`` whether anyone listens to any channel of that account."""

    def __init__(self, engine, wanted: Callable[[str], bool], watched: Callable[[int], bool],
                 settings) -> None:
        self.engine = engine
        self.wanted = wanted
        self.watched = watched  # does any connection subscribe to a channel of this account?
        self.settings = settings
        self._stats_sent: Dict[int, dict] = {}

    def _snapshot_frame(self, ch: Channel, body: dict) -> dict:
        return dict(body, channel=ch.topic, timestamp=self.engine.now_ms(), type=ch.spec.snapshot_type)

    # -- snapshots ------------------------------------------------------------------------------
    def snapshot(self, ch: Channel) -> dict:
        body = getattr(self, "_body_" + ch.name)(ch.account, ch.market)
        if ch.name == "user_stats":
            self._stats_sent[ch.account] = body["stats"]
        return self._snapshot_frame(ch, body)

    def _body_account_orders(self, a: int, m: int) -> dict:
        orders = self.engine.account_orders(a, m).get(m, [])
        return {"account": a, "nonce": self._book_nonce(m), "orders": {str(m): orders}}

    def _body_account_all_orders(self, a: int, m=None) -> dict:
        return {"orders": by_market(self.engine.account_orders(a))}

    def _body_account_all_trades(self, a: int, m=None) -> dict:
        trades = self.engine.account_trades(a, limit=self.settings.trade_snapshot_limit)
        counters = volume_counters(trades, self.engine.now_ms())
        volumes = {k: v for k, v in counters.items() if k.endswith("_volume")}
        return dict(volumes, trades=group_by_market(trades))

    def _body_account_all_positions(self, a: int, m=None) -> dict:
        return {"positions": by_market(self.engine.account_positions(a)), "shares": [],
                "last_funding_round": None, "last_funding_discount": None}

    def _body_account_all_assets(self, a: int, m=None) -> dict:
        return {"assets": by_market(self.engine.account_assets(a))}

    def _body_user_stats(self, a: int, m=None) -> dict:
        return {"stats": self.engine.account_stats(a)}

    def _body_account_tx(self, a: int, m=None) -> dict:
        return {"txs": self.engine.account_txs(a, limit=self.settings.trade_snapshot_limit)}

    def _body_notification(self, a: int, m=None) -> dict:
        return {"notifs": list(reversed(self.engine.account_notifications(a)))}  # oldest first

    def _body_account_all(self, a: int, m=None) -> dict:
        trades = self.engine.account_trades(a, limit=self.settings.trade_snapshot_limit)
        fundings = self.engine.account_fundings(a, limit=self.settings.trade_snapshot_limit)
        body = {"account": a, "assets": by_market(self.engine.account_assets(a)),
                "funding_histories": group_by_market(fundings), "orders": by_market(self.engine.account_orders(a)),
                "positions": by_market(self.engine.account_positions(a)), "shares": [],
                "trades": group_by_market(trades)}
        body.update(volume_counters(trades, self.engine.now_ms()))
        return body

    def _body_account_market(self, a: int, m: int) -> dict:
        spot = m >= MIN_SPOT_MARKET_INDEX
        trades = self.engine.account_trades(a, limit=self.settings.trade_snapshot_limit, market_id=m)
        # The venue sends assets only for spot markets and funding history only for perps.
        return {"account": a, "assets": by_market(self.engine.account_assets(a)) if spot else None,
                "funding_history": None, "orders": self.engine.account_orders(a, m).get(m, []),
                "position": self.engine.account_positions(a).get(m), "trades": trades}

    # -- updates --------------------------------------------------------------------------------
    def updates(self, event) -> Iterator[Update]:
        handler = _HANDLERS.get(type(event))
        if handler is not None:
            yield from handler(self, event)

    def _emit(self, name: str, args: tuple, body: Callable[[], dict]) -> Iterator[Update]:
        """One update frame for ``name:args`` if anyone listens (``body`` is built only then)."""
        topic = ":".join((name,) + tuple(str(x) for x in args))
        if self.wanted(topic):
            yield topic, dict(body(), channel=topic, timestamp=self.engine.now_ms(),
                              type=SERVED[name].update_type)

    def _on_order(self, e: ev.OrderChanged) -> Iterator[Update]:
        a, m, orders = e.account_index, e.market_id, [e.order]
        if not self.watched(a):
            return  # most orders belong to accounts nobody streams (e.g. the market maker)
        yield from self._emit("account_orders", (m, a), lambda: {
            "account": a, "nonce": self._book_nonce(m), "orders": {str(m): orders}})
        yield from self._emit("account_all_orders", (a,), lambda: {"orders": {str(m): orders}})
        yield from self._emit("account_all", (a,), lambda: {"account": a, "orders": {str(m): orders}})
        yield from self._emit("account_market", (m, a), lambda: {"account": a, "orders": orders})

    def _on_trade(self, e: ev.TradeExecuted) -> Iterator[Update]:
        m, trades = e.market_id, [e.trade]
        accounts = {e.trade.get("ask_account_id"), e.trade.get("bid_account_id")}
        for a in sorted(x for x in accounts if isinstance(x, int) and self.watched(x)):
            yield from self._emit("account_all_trades", (a,), lambda: {"trades": {str(m): trades}})
            yield from self._emit("account_all", (a,), lambda: {"account": a, "trades": {str(m): trades}})
            yield from self._emit("account_market", (m, a), lambda: {"account": a, "trades": trades})

    def _on_position(self, e: ev.PositionChanged) -> Iterator[Update]:
        a, m, pos = e.account_index, e.market_id, e.position
        if not self.watched(a):
            return
        yield from self._emit("account_all_positions", (a,), lambda: {
            "positions": {str(m): pos}, "shares": [], "last_funding_round": None, "last_funding_discount": None})
        yield from self._emit("account_all", (a,), lambda: {"account": a, "positions": {str(m): pos}})
        yield from self._emit("account_market", (m, a), lambda: {"account": a, "position": pos})
        yield from self._stats_if_changed(a)

    def _on_assets(self, e: ev.AssetsChanged) -> Iterator[Update]:
        a = e.account_index
        if not self.watched(a):
            return
        assets: Dict[str, object] = {}

        def body(key: str) -> dict:
            if not assets:  # read once for both channels
                assets.update(by_market(self.engine.account_assets(a)))
            return {"account": a, "assets": assets} if key == "all" else {"assets": assets}

        yield from self._emit("account_all_assets", (a,), lambda: body("assets"))
        yield from self._emit("account_all", (a,), lambda: body("all"))
        yield from self._stats_if_changed(a)

    def _on_tx(self, e: ev.TxProcessed) -> Iterator[Update]:
        yield from self._emit("account_tx", (e.account_index,), lambda: {"txs": [e.tx]})

    def _on_liquidation(self, e: ev.Liquidation) -> Iterator[Update]:
        notif = e.notification  # the engine keeps it too (later snapshots)
        yield from self._emit("notification", (e.account_index,), lambda: {"notifs": [notif]})

    def _on_funding(self, e: ev.FundingPaid) -> Iterator[Update]:
        a, m = e.account_index, e.market_id
        if not self.watched(a):
            return
        yield from self._emit("account_all", (a,), lambda: {"account": a,
                                                            "funding_histories": {str(m): [e.payment]}})

    def _on_market_stats(self, e: ev.MarketStatsChanged) -> Iterator[Update]:
        # A mark move changes unrealized PnL, hence portfolio value: refresh subscribed stats.
        for a in sorted(self._stats_sent):
            yield from self._stats_if_changed(a)

    def _stats_if_changed(self, a: int) -> Iterator[Update]:
        topic = f"user_stats:{a}"
        if not self.wanted(topic):
            self._stats_sent.pop(a, None)
            return
        stats = self.engine.account_stats(a)
        if stats != self._stats_sent.get(a):
            self._stats_sent[a] = stats
            yield from self._emit("user_stats", (a,), lambda: {"stats": stats})

    def _book_nonce(self, m: int) -> int:
        return self.engine.book_levels(m, depth=0)[2]


_HANDLERS = {
    ev.OrderChanged: AccountFeeds._on_order,
    ev.TradeExecuted: AccountFeeds._on_trade,
    ev.PositionChanged: AccountFeeds._on_position,
    ev.AssetsChanged: AccountFeeds._on_assets,
    ev.TxProcessed: AccountFeeds._on_tx,
    ev.Liquidation: AccountFeeds._on_liquidation,
    ev.FundingPaid: AccountFeeds._on_funding,
    ev.MarketStatsChanged: AccountFeeds._on_market_stats,
}
