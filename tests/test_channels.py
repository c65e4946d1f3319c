"""channels.py: subscribe form vs topic form, auth flag, frames (REFERENCE 6.2/6.4)."""
import json
import os

import pytest

from ccxt_lighter import channels as ch
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("channel, form, topic, auth", [
    (ch.order_book(0), "order_book/0", "order_book:0", False),
    (ch.ticker(2048), "ticker/2048", "ticker:2048", False),
    (ch.trade(1), "trade/1", "trade:1", False),
    (ch.market_stats(), "market_stats/all", "market_stats:all", False),
    (ch.candle(0, "1m"), "candle/0/1m", "candle:0:1m", False),
    (ch.account("account_all_orders", 1234), "account_all_orders/1234", "account_all_orders:1234", True),
    (ch.Channel.of("account_orders", 0, 1234), "account_orders/0/1234", "account_orders:0:1234", True),
    (ch.Channel.of("height"), "height", "height", False),
])
def test_forms(channel, form, topic, auth):
    assert channel.subscribe_form == form
    assert channel.topic == topic
    assert channel.auth is auth
    assert ch.parse_subscribe_form(form) == channel
    assert ch.channel_from_topic(topic) == channel


def test_frames_match_recorded_control_messages():
    with open(os.path.join(EXAMPLES, "ws_control_messages.json")) as f:
        control = json.load(f)["client_to_server"]
    assert ch.order_book(0).subscribe_frame() == control["subscribe_public"]
    assert ch.order_book(0).unsubscribe_frame() == control["unsubscribe"]
    private = ch.account("account_all_orders", 123456).subscribe_frame("tok")
    assert private == dict(control["subscribe_private"], auth="tok")


def test_private_channel_refuses_to_subscribe_without_token():
    with pytest.raises(ValueError):
        ch.account("account_all_trades", 5).subscribe_frame(None)


def test_abbreviated_ack_topic_matches_its_channel():
    c = ch.Channel.of("account_orders", 0, 1234)
    assert c.matches_topic("account_orders:0:1234")
    assert c.matches_topic("account_orders:0")
    assert not c.matches_topic("account_orders:1")
    assert not ch.order_book(0).matches_topic("order_book:01")
    assert ch.channel_from_topic("account_orders:0") is None


@pytest.mark.parametrize("bad", [("nope", ()), ("order_book", ()), ("candle", ("0",))])
def test_unknown_or_malformed_channels_raise(bad):
    with pytest.raises(ValueError):
        ch.Channel(*bad)


def test_recorded_frame_topics_parse():
    for name in ("ws_order_book_update.json", "ws_trade_update.json", "ws_candle_update.json",
                 "ws_account_orders_update.json", "ws_user_stats.json", "ws_height_update.json"):
        with open(os.path.join(EXAMPLES, name)) as f:
            topic = json.load(f)["channel"]
        c = ch.channel_from_topic(topic)
        assert c is not None and c.topic == topic, name
        assert ch.topic_name(topic) == c.name
