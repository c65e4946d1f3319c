"""channels.py: subscribe form vs topic form, auth flag, frames, and the channel table itself
checked against REFERENCE.md 6.4 (REFERENCE 6.2/6.4)."""
import ast
import json
import os
import re

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


# -- the one channel table (channels.CHANNELS) against REFERENCE.md 6.4 ---------------------------
REFERENCE = os.path.join(os.path.dirname(EXAMPLES), "REFERENCE.md")
AUTH_COLUMN = {"no": ch.PUBLIC, "yes": ch.REQUIRED, "yes*": ch.OPTIONAL}  # channels.py rule 6
SEGMENT_KINDS = {  # a segment of a 6.4 subscribe form -> the argument kinds it allows
    "{market}": set(ch.MARKET_KINDS),
    "{market/all}": {ch.PERP_OR_ALL, ch.SPOT_OR_ALL},
    "all": {ch.PERP_OR_ALL, ch.SPOT_OR_ALL},
    "{account}": {ch.ACCOUNT},
    "{res}": {ch.RESOLUTION},
}


def reference_rows():
    """(subscribe forms, auth cell) of each row of REFERENCE.md 6.4's channel table."""
    with open(REFERENCE, encoding="utf-8") as f:
        text = f.read()
    section = text.split("### 6.4 Channels")[1].split("### 6.5")[0]
    rows = []
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append((re.findall(r"`([^`]+)`", cells[0]), cells[1]))
    return rows


def reference_forms():
    """name -> (list of segment lists, auth cell), from REFERENCE.md 6.4."""
    out = {}
    for forms, auth in reference_rows():
        for form in forms:
            name, *segments = re.findall(r"\{[^}]*\}|[^/]+", form)
            out.setdefault(name, ([], auth))[0].append(segments)
    return out


def test_reference_table_was_read():
    # Guards the parser: 6.4 lists 21 channels with a known auth rule, plus rfq ("?").
    assert len(reference_forms()) == 22


def test_table_names_and_auth_rules_are_reference_6_4():
    documented = {name: AUTH_COLUMN.get(auth) for name, (_, auth) in reference_forms().items()}
    known = {name: rule for name, rule in documented.items() if rule is not None}
    assert {name: spec.auth for name, spec in ch.CHANNELS.items()} == known


@pytest.mark.parametrize("name", sorted(ch.CHANNELS))
def test_table_arguments_are_reference_6_4(name):
    spec = ch.CHANNELS[name]
    forms, _ = reference_forms()[name]
    for segments in forms:
        assert len(segments) == len(spec.args), (name, segments)
        for segment, kind in zip(segments, spec.args):
            assert kind in SEGMENT_KINDS[segment], (name, segment, kind)


@pytest.mark.parametrize("spec", list(ch.CHANNELS.values()), ids=lambda s: s.name)
def test_client_sends_a_token_on_every_non_public_channel(spec):
    channel = ch.Channel(spec.name, tuple("1" for _ in spec.args))
    assert channel.auth is (spec.auth != ch.PUBLIC)
    if spec.auth == ch.PUBLIC:
        assert "auth" not in channel.subscribe_frame("tok")
    else:
        assert channel.subscribe_frame("tok")["auth"] == "tok"
        with pytest.raises(ValueError):
            channel.subscribe_frame(None)
    assert (spec.snapshot_type, spec.update_type) == ("subscribed/" + spec.name, "update/" + spec.name)


def test_client_table_does_not_import_the_simulator():
    with open(ch.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
    assert imported and not any("sim" in name.split(".") for name in imported), imported
