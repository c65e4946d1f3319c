"""errors.venue_error: the one reader of the venue's error bodies (REST, WS tx replies, WS error frames)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from ccxt.base.errors import AuthenticationError, ExchangeError, ExchangeNotAvailable, InvalidNonce, NoChange

from ccxt_lighter import channels as ch
from ccxt_lighter import errors
from ccxt_lighter.pro import lighter
from ccxt_lighter.ws_core import TX_PREFIX


@pytest.mark.parametrize("payload, expected", [
    # REST (REFERENCE.md 3.1): HTTP 400, or a 200 body with a code other than 200
    ({"code": 21104, "message": "invalid nonce"}, (21104, "invalid nonce")),
    ({"code": "21104", "message": "invalid nonce"}, (21104, "invalid nonce")),  # string code
    ({"code": 21507}, (21507, "")),  # no message
    ({"code": 21104, "message": None}, (21104, "")),
    # WS tx reply and generic WS error frame (REFERENCE.md 5, 6.6): a nested error object
    ({"error": {"code": 21105, "message": "batch transaction nonce is not increasing"}, "id": "b-1"},
     (21105, "batch transaction nonce is not increasing")),
    ({"error": {"code": "30003", "message": "Already Subscribed to order_book/0"}},
     (30003, "Already Subscribed to order_book/0")),
    ({"error": {"message": "no code given"}, "id": "7"}, (None, "no code given")),  # still a failure
    ({"code": 200, "error": {"code": 21104, "message": "invalid nonce"}, "id": "1"}, (21104, "invalid nonce")),
    # WS subscription error frame: top-level code, message and channel
    ({"type": "error", "code": 30012, "channel": "order_book:0", "message": "failed to subscribe"},
     (30012, "failed to subscribe")),
    # codes that are not canonical integers are kept exactly as sent
    ({"code": "E_BAD", "message": "new"}, ("E_BAD", "new")),
    ({"code": "0200", "message": "odd"}, ("0200", "odd")),
])
def test_failures(payload, expected):
    assert errors.venue_error(payload) == expected


@pytest.mark.parametrize("payload", [
    {"code": 200, "tx_hash": "ab", "id": "1", "type": "jsonapi/sendtx"},  # WS tx success
    {"code": "200", "message": ""},
    {"code": 0, "message": "", "liquidity_pool_index": 0},  # systemConfig
    {"code": "0"},
    {"order_book_details": []},  # no code at all
    {"error": "admin text", "id": "3"},  # an error that is not an object: the code decides
    [], "not json", None, 200,
])
def test_successes(payload):
    assert errors.venue_error(payload) is None


def test_error_frame_is_a_failure_whatever_its_code():
    assert errors.venue_error({"type": "error", "message": "x"}, error_frame=True) == (None, "x")
    assert errors.venue_error({"type": "error", "code": 200}, error_frame=True) == (200, "")
    assert errors.venue_error({"type": "error", "message": "x"}) is None
    assert errors.venue_error({"error": {"code": 30003, "message": "m"}}, error_frame=True) == (30003, "m")


@pytest.mark.parametrize("payload, cls, venue_code", [
    ({"code": "21104", "message": "invalid nonce"}, InvalidNonce, 21104),
    ({"error": {"code": 21120, "message": "invalid signature"}, "id": "2"}, AuthenticationError, 21120),
    ({"error": {"code": 30003, "message": "Already Subscribed"}}, NoChange, 30003),
    ({"error": {"message": "something new"}}, ExchangeError, None),
])
def test_read_then_mapped_by_make_exception(payload, cls, venue_code):
    code, message = errors.venue_error(payload)
    exc = errors.make_exception(code, message, "test")
    assert type(exc) is cls and exc.venue_code == venue_code
    assert str(exc) == f"lighter {code} {message} (test)"


# ---------------------------------------------------------------- the two WS readers, through the handlers

class _Client:
    """A ccxt ws Client stand-in: records resolves and rejects, no pacer state."""

    def __init__(self):
        self.url = "ws://stand-in"
        self.futures, self.subscriptions, self.resolved, self.rejected = {}, {}, {}, {}
        self.pacer = SimpleNamespace(ack=lambda key: False, oldest_inflight=lambda: None,
                                     in_flight=lambda key: False, queue=[], record=lambda *a: None)

    def resolve(self, result, message_hash):
        self.resolved[message_hash] = result

    def reject(self, error, message_hash=None):
        self.rejected[message_hash] = error


@pytest.fixture
def ws():
    exchange = lighter()
    client = _Client()
    client.subscriptions["order_book/0"] = {"channel": ch.order_book(0), "hashes": {"book"}}
    return exchange, client


@pytest.mark.parametrize("code", [30003, "30003"])
def test_already_subscribed_keeps_the_subscription(ws, code):
    exchange, client = ws
    exchange.handle_message(client, {"type": "error", "code": code, "channel": "order_book:0", "message": "m"})
    assert "order_book/0" in client.subscriptions and not client.rejected


@pytest.mark.parametrize("code", [30009, "30010"])
def test_over_a_limit_resubscribes(ws, code, monkeypatch):
    exchange, client = ws
    again = []
    monkeypatch.setattr(exchange, "_ws_enqueue_subscribe", lambda c, channel: again.append(channel.topic))
    exchange.handle_message(client, {"type": "error", "code": code, "channel": "order_book:0", "message": "m"})
    assert again == ["order_book:0"] and "order_book/0" in client.subscriptions and not client.rejected


def test_refused_subscription_gets_the_mapped_error(ws):
    exchange, client = ws
    exchange.handle_message(client, {"type": "error", "code": "30012", "channel": "order_book:0",
                                     "message": "failed to subscribe"})
    error = client.rejected["book"]
    assert isinstance(error, ExchangeNotAvailable) and error.venue_code == 30012
    assert str(error) == "lighter 30012 failed to subscribe (order_book/0)"


@pytest.mark.parametrize("reply, outcome", [
    ({"type": "jsonapi/sendtx", "code": 200, "tx_hash": "ab", "id": "9"}, None),
    ({"type": "jsonapi/sendtx", "code": "200", "tx_hash": "ab", "id": "9"}, None),
    ({"error": {"code": "21104", "message": "invalid nonce"}, "id": "9"},
     (InvalidNonce, "lighter 21104 invalid nonce (websocket sendtx)")),
    ({"type": "jsonapi/sendtxbatch", "code": 21120, "message": "invalid signature", "id": "9"},
     (AuthenticationError, "lighter 21120 invalid signature (websocket jsonapi/sendtxbatch)")),
])
def test_tx_replies(ws, reply, outcome):
    exchange, client = ws
    exchange.handle_message(client, reply)
    key = TX_PREFIX + "9"
    if outcome is None:
        assert client.resolved[key] is reply and not client.rejected
    else:
        cls, text = outcome
        assert type(client.rejected[key]) is cls and str(client.rejected[key]) == text and not client.resolved
