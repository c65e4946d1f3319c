"""orderbook.py: begin_nonce continuity on crafted sequences and on the recorded frames."""
import copy
import json
import os

import pytest

from ccxt_lighter import orderbook as ob
from tests.conftest import EXAMPLES


def load(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return json.load(f)


def snap(nonce, asks=(), bids=()):
    return {"type": "subscribed/order_book", "channel": "order_book:0", "timestamp": 1000,
            "order_book": {"code": 0, "asks": [{"price": p, "size": s} for p, s in asks],
                           "bids": [{"price": p, "size": s} for p, s in bids],
                           "offset": 1, "nonce": nonce, "begin_nonce": 0}}


def upd(begin, nonce, asks=(), bids=(), ts=2000):
    return {"type": "update/order_book", "channel": "order_book:0", "timestamp": ts,
            "order_book": {"code": 0, "asks": [{"price": p, "size": s} for p, s in asks],
                           "bids": [{"price": p, "size": s} for p, s in bids],
                           "offset": 2, "nonce": nonce, "begin_nonce": begin}}


def levels(sync):
    return {"asks": [list(x) for x in sync.book["asks"]], "bids": [list(x) for x in sync.book["bids"]]}


@pytest.fixture
def synced():
    s = ob.BookSync("ETH/USDC:USDC")
    assert s.apply(snap(100, asks=[("101.00", "1.0"), ("102.00", "2.0")], bids=[("99.00", "3.0")])) == ob.SNAPSHOT
    return s


def test_updates_before_snapshot_are_dropped():
    s = ob.BookSync("ETH/USDC:USDC")
    assert s.apply(upd(90, 100, asks=[("101.00", "5")])) == ob.PRE_SNAPSHOT
    assert not s.synced and len(s.book["asks"]) == 0
    # the snapshot then seeds the book; a later update chained on it applies
    assert s.apply(snap(100, asks=[("101.00", "1.0")])) == ob.SNAPSHOT
    assert s.apply(upd(100, 117, asks=[("101.00", "2.5")])) == ob.APPLIED
    assert levels(s)["asks"] == [[101.0, 2.5]]
    assert s.book["nonce"] == 117


def test_chain_applies_replaces_and_deletes(synced):
    assert synced.apply(upd(100, 130, asks=[("101.00", "0"), ("103.50", "4")], bids=[("99.50", "1")])) == ob.APPLIED
    assert synced.apply(upd(130, 131, bids=[("99.00", "0.0000")])) == ob.APPLIED
    assert levels(synced) == {"asks": [[102.0, 2.0], [103.5, 4.0]], "bids": [[99.5, 1.0]]}
    assert synced.nonce == 131 and synced.book["timestamp"] == 2000
    assert synced.book["datetime"] == "1970-01-01T00:00:02.000Z"


def test_gap_drops_book_and_waits_for_snapshot(synced):
    assert synced.apply(upd(101, 140, asks=[("101.00", "9")])) == ob.GAP
    assert not synced.synced and levels(synced) == {"asks": [], "bids": []}
    # a later update that would chain on the lost one is not applied either
    assert synced.apply(upd(140, 150, asks=[("101.00", "7")])) == ob.PRE_SNAPSHOT
    assert synced.apply(snap(150, asks=[("101.00", "7")], bids=[("98.00", "1")])) == ob.SNAPSHOT
    assert synced.resyncs == 1 and synced.gaps == 1
    assert levels(synced) == {"asks": [[101.0, 7.0]], "bids": [[98.0, 1.0]]}


def test_stale_and_duplicate_updates_are_ignored(synced):
    assert synced.apply(upd(100, 120, asks=[("101.00", "5")])) == ob.APPLIED
    before = levels(synced)
    assert synced.apply(upd(100, 120, asks=[("101.00", "9")])) == ob.STALE  # duplicate
    assert synced.apply(upd(80, 95, asks=[("101.00", "8")])) == ob.STALE  # older than the snapshot
    assert levels(synced) == before and synced.synced and synced.nonce == 120


def test_overlapping_update_is_a_gap(synced):
    # starts inside the applied chain but reaches past it: cannot be spliced
    assert synced.apply(upd(90, 130, asks=[("101.00", "5")])) == ob.GAP


def test_crossed_result_is_never_kept(synced):
    assert synced.apply(upd(100, 110, bids=[("101.50", "1")])) == ob.CROSSED
    assert not synced.synced and len(synced.book["bids"]) == 0
    crossed = ob.BookSync("X")
    assert crossed.apply(snap(5, asks=[("100.00", "1")], bids=[("100.00", "1")])) == ob.CROSSED
    assert not crossed.synced


def test_recorded_snapshot_then_recorded_update_is_a_gap():
    """The two recorded frames come from different sessions: their nonces do not chain."""
    s = ob.BookSync("ETH/USDC:USDC")
    first = load("ws_order_book_subscribed.json")
    assert s.apply(first) == ob.SNAPSHOT
    assert s.nonce == 904845  # the book sequence, not `offset` (2164)
    assert levels(s) == {"asks": [[2325.0, 99.0], [2341.25, 340.1028]], "bids": [[2000.0, 0.02]]}
    assert s.book["timestamp"] == 1778138582602
    assert s.apply(load("ws_order_book_update.json")) == ob.GAP


def test_recorded_update_applies_on_a_chained_book():
    update = load("ws_order_book_update.json")
    s = ob.BookSync("ETH/USDC:USDC")
    s.apply(snap(update["order_book"]["begin_nonce"], asks=[("2064.60", "1.0")], bids=[("2064.30", "2.0")]))
    assert s.apply(update) == ob.APPLIED
    assert levels(s)["asks"] == [[2064.54, 0.3285], [2064.6, 1.0]]
    assert s.nonce == 9182390020
    # the recorded snapshot re-chained onto itself: one more update continues it
    first = copy.deepcopy(load("ws_order_book_subscribed.json"))
    s2 = ob.BookSync("ETH/USDC:USDC")
    s2.apply(first)
    chained = copy.deepcopy(update)
    chained["order_book"]["begin_nonce"] = first["order_book"]["nonce"]
    assert s2.apply(chained) == ob.APPLIED
    assert levels(s2)["asks"][0] == [2064.54, 0.3285]


def test_limited_copy_keeps_the_synced_book_whole(synced):
    cut = ob.limited(synced.book, 1)
    assert [list(x) for x in cut["asks"]] == [[101.0, 1.0]]
    assert len(synced.book["asks"]) == 2
    assert ob.limited(synced.book, None) is synced.book


@pytest.mark.parametrize("stamp", [0, 999, 1000, 1774884082326, 1778138582602, 4102444800123, None, -5])
def test_fast_iso8601_matches_ccxt(stamp):
    from ccxt.base.exchange import Exchange

    assert ob.iso8601(stamp) == Exchange.iso8601(stamp)
