"""Channel parsing of the simulator's /stream: request form '/' -> frame form ':' (REFERENCE 6.2),
and the simulator against the client's channel table (channels.py): what it serves, what it
refuses, which auth rule it enforces."""
import json
from typing import Optional

import aiohttp
import pytest

from ccxt_lighter.channels import (ACCOUNT, CHANNELS, MARKET, PERP_OR_ALL, RESOLUTION, SPOT_OR_ALL,
                                   WS_RESOLUTIONS)
from ccxt_lighter.orders import MIN_SPOT_MARKET_INDEX
from ccxt_lighter.sim.ws_account import AccountFeeds
from ccxt_lighter.sim.ws_channels import (NOT_SERVED, OPTIONAL, PUBLIC, REQUIRED, SERVED, ChannelError,
                                          parse_channel)
from ccxt_lighter.sim.ws_public import PublicFeeds

MARKETS = (0, 1, 2, 2048)


@pytest.mark.parametrize("request_form, topic, auth", [
    ("order_book/0", "order_book:0", PUBLIC),
    ("ticker/1", "ticker:1", PUBLIC),
    ("trade/2048", "trade:2048", PUBLIC),
    ("market_stats/all", "market_stats:all", PUBLIC),
    ("market_stats/1", "market_stats:1", PUBLIC),
    ("spot_market_stats/2048", "spot_market_stats:2048", PUBLIC),
    ("spot_market_stats/all", "spot_market_stats:all", PUBLIC),
    ("candle/0/1m", "candle:0:1m", PUBLIC),
    ("height", "height", PUBLIC),
    ("account_all/123", "account_all:123", OPTIONAL),
    ("account_market/0/123", "account_market:0:123", REQUIRED),
    ("account_orders/1/123", "account_orders:1:123", REQUIRED),
    ("account_all_orders/123", "account_all_orders:123", REQUIRED),
    ("account_all_trades/123", "account_all_trades:123", OPTIONAL),
    ("account_all_positions/123", "account_all_positions:123", OPTIONAL),
    ("account_all_assets/123", "account_all_assets:123", REQUIRED),
    ("user_stats/123", "user_stats:123", OPTIONAL),
    ("account_tx/123", "account_tx:123", REQUIRED),
    ("notification/123", "notification:123", REQUIRED),
])
def test_parse_round_trip(request_form, topic, auth):
    ch = parse_channel(request_form, MARKETS)
    assert ch.topic == topic
    assert ch.request == request_form
    assert ch.auth == auth


@pytest.mark.parametrize("bad", [
    "", None, 5, "order_book", "order_book/7", "order_book/x", "order_book/0/1", "nope/0",
    "candle/0/1w", "candle/0", "market_stats/2048", "spot_market_stats/0", "account_all/-1",
    "account_orders/9/123", "order_book:0",
])
def test_invalid_channels_raise_30005(bad):
    with pytest.raises(ChannelError) as info:
        parse_channel(bad, MARKETS)
    assert info.value.code == 30005
    assert info.value.message.startswith("Invalid Channel")


# -- the simulator serves the client's table, and enforces its auth rules ---------------------------
# Everything below is derived from the code (the table, the feeds' builders, the running server),
# so adding a channel or changing a rule on one side only makes it fail.

def test_not_served_is_part_of_the_table_and_served_is_the_rest():
    assert set(NOT_SERVED) <= set(CHANNELS)
    assert set(SERVED) == set(CHANNELS) - set(NOT_SERVED)
    assert all(SERVED[name] is CHANNELS[name] for name in SERVED)  # the same rows, not copies


def builders(cls, prefix: str) -> set:
    return {name[len(prefix):] for name in dir(cls) if name.startswith(prefix)}


def test_every_snapshot_builder_is_a_served_channel_of_the_table():
    # stream.py takes public channels' snapshots from PublicFeeds, the others' from AccountFeeds.
    public, account = builders(PublicFeeds, "_snap_"), builders(AccountFeeds, "_body_")
    assert (public | account) <= set(CHANNELS), (public | account) - set(CHANNELS)
    assert public == {n for n, s in SERVED.items() if s.auth == PUBLIC}
    assert account == {n for n, s in SERVED.items() if s.auth != PUBLIC}


@pytest.mark.parametrize("name", sorted(NOT_SERVED))
def test_not_served_channels_parse_like_unknown_ones(name):
    args = [WS_RESOLUTIONS[0] if kind == RESOLUTION else "0" for kind in CHANNELS[name].args]
    form = "/".join([name] + args)
    with pytest.raises(ChannelError) as info:
        parse_channel(form, MARKETS)
    assert (info.value.code, info.value.message) == (30005, f"Invalid Channel: {form}")


class Conn:
    def __init__(self, ws) -> None:
        self.ws = ws

    async def subscribe(self, channel: str, auth: Optional[str]) -> dict:
        message = {"type": "subscribe", "channel": channel}
        if auth is not None:
            message["auth"] = auth
        await self.ws.send_str(json.dumps(message))
        while True:  # the reply: skip data updates of earlier subscriptions
            msg = await self.ws.receive(timeout=20)  # a guard against hanging, not an assertion
            assert msg.type == aiohttp.WSMsgType.TEXT, msg
            frame = json.loads(msg.data)
            if not str(frame.get("type", "")).startswith("update/"):
                return frame


def sample_form(spec, engine, account: int) -> str:
    """A subscribe form of ``spec`` naming a market/account/resolution the simulator has."""
    perp = min(m for m in engine.markets if m < MIN_SPOT_MARKET_INDEX)
    spot = min(m for m in engine.markets if m >= MIN_SPOT_MARKET_INDEX)
    value = {MARKET: perp, PERP_OR_ALL: perp, SPOT_OR_ALL: spot, ACCOUNT: account,
             RESOLUTION: WS_RESOLUTIONS[0]}
    return "/".join([spec.name] + [str(value[kind]) for kind in spec.args])


def enforced_rule(no_token: dict, bad_token: dict) -> Optional[str]:
    """The auth rule a server applied, from its replies without a token and with a forged one."""
    if "error" in no_token:
        return REQUIRED
    return OPTIONAL if "error" in bad_token else PUBLIC


async def test_simulator_serves_the_table_and_enforces_its_auth_rules(sim, sim_trader):
    account = sim_trader.index
    async with aiohttp.ClientSession() as session:
        conns = []
        for _ in range(3):  # without a token / with a forged one / with a valid one
            ws = await session.ws_connect(sim.ws_url, autoping=False)
            assert json.loads((await ws.receive(timeout=20)).data)["type"] == "connected"
            conns.append(Conn(ws))
        none, forged, valid = conns
        unknown = await none.subscribe("no_such_channel/0", None)
        served, rules, refusals = set(), {}, {}
        for name, spec in CHANNELS.items():
            form = sample_form(spec, sim.engine, account)
            replies = [await none.subscribe(form, None), await forged.subscribe(form, "1:2:3:zz"),
                       await valid.subscribe(form, sim_trader.token())]
            codes = [r.get("error", {}).get("code") for r in replies]
            if codes == [30005] * 3:
                refusals[name] = replies[0]
                continue
            served.add(name)
            rules[name] = enforced_rule(replies[0], replies[1])
            assert replies[2].get("type") == spec.snapshot_type, (name, replies[2])
            assert 30005 not in codes, (name, replies)
        for ws in conns:
            await ws.ws.close()
    assert served == set(SERVED) and set(refusals) == set(NOT_SERVED)
    assert rules == {name: spec.auth for name, spec in SERVED.items()}
    # Refused exactly like a channel the venue does not know.
    assert unknown == {"error": {"code": 30005, "message": "Invalid Channel: no_such_channel/0"}}
    for name, reply in refusals.items():
        form = sample_form(CHANNELS[name], sim.engine, account)
        assert reply == {"error": {"code": 30005, "message": f"Invalid Channel: {form}"}}, name
