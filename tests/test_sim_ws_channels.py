"""Channel parsing of the simulator's /stream: request form '/' -> frame form ':' (REFERENCE 6.2)."""
import pytest

from ccxt_lighter.sim.ws_channels import OPTIONAL, PUBLIC, REQUIRED, ChannelError, parse_channel

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
