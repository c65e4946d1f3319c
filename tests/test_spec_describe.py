"""describe(), URLs and sandbox switching, the implicit API, sign() and the rate-limit tiers."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from ccxt.async_support.base.exchange import Exchange
from ccxt.base.decimal_to_precision import TICK_SIZE
from ccxt.base.errors import AuthenticationError, BadRequest

from ccxt_lighter import spec
from ccxt_lighter.exchange import RedactedBody, RedactedHeaders, SigningHooks, lighter
from ccxt_lighter.private import PrivateMixin

TOKEN = "1795253784:123456:4:" + "3f57" * 40


def test_class_shape_and_describe(make_lighter):
    ex = make_lighter()
    assert issubclass(lighter, PrivateMixin) and issubclass(lighter, Exchange)
    assert "ccxt_lighter" in type(ex).__module__  # never ccxt's in-tree lighter
    assert ex.id == "lighter" and ex.precisionMode == TICK_SIZE
    assert ex.urls["api"] == {"rest": spec.MAINNET_REST, "ws": spec.MAINNET_WS}
    assert ex.options["chainId"] == 304 and ex.options["accountTier"] == "standard"
    assert ex.options["signer"] is None and ex.options["integratorAccountIndex"] is None
    assert ex.requiredCredentials["privateKey"] is True and ex.requiredCredentials["apiKey"] is False
    assert ex.timeframes == spec.TIMEFRAMES and "1w" in ex.timeframes
    assert ex.features["swap"]["linear"]["fetchOHLCV"]["limit"] == 500
    assert ex.features["spot"]["createOrders"]["max"] == 50
    assert ex.features["future"] == {"linear": None, "inverse": None}


def test_has_is_honest(make_lighter):
    ex = make_lighter()
    for key, value in spec.HAS_PUBLIC.items():
        assert ex.has[key] == value, key
    assert not any(key.startswith("watch") and ex.has.get(key) for key in spec.HAS_PUBLIC)
    assert ex.has["fetchIndexOHLCV"] is False and ex.has["fetchOpenInterestHistory"] is False


def test_instances_do_not_share_mutable_state(make_lighter):
    a, b = make_lighter(), make_lighter()
    a.options["accountTier"] = "premium"
    a.urls["api"]["rest"] = "http://127.0.0.1:1"
    assert b.options["accountTier"] == "standard" and b.urls["api"]["rest"] == spec.MAINNET_REST
    assert spec.OPTIONS["accountTier"] == "standard"


def test_constructor_overrides_urls(make_lighter):
    ex = make_lighter(urls={"api": {"rest": "http://127.0.0.1:9", "ws": "ws://127.0.0.1:9/stream"}})
    assert ex.urls["api"] == {"rest": "http://127.0.0.1:9", "ws": "ws://127.0.0.1:9/stream"}
    assert ex.urls["www"] == "https://lighter.xyz/"


def test_sandbox_switches_rest_ws_and_chain(make_lighter):
    ex = make_lighter()
    ex.set_sandbox_mode(True)
    assert ex.urls["api"] == {"rest": spec.TESTNET_REST, "ws": spec.TESTNET_WS}
    assert ex.options["chainId"] == 300 and ex.isSandboxModeEnabled
    ex.set_sandbox_mode(False)
    assert ex.urls["api"] == {"rest": spec.MAINNET_REST, "ws": spec.MAINNET_WS}
    assert ex.options["chainId"] == 304
    assert make_lighter(options={"sandbox": True}).urls["api"]["rest"] == spec.TESTNET_REST


def test_sandbox_keeps_user_urls_and_custom_chain(make_lighter):
    ex = make_lighter(urls={"api": {"rest": "http://127.0.0.1:9"}}, options={"chainId": 466324})
    ex.set_sandbox_mode(True)
    assert ex.urls["api"]["rest"] == "http://127.0.0.1:9"  # user's server kept
    assert ex.urls["api"]["ws"] == spec.TESTNET_WS  # not overridden, so switched
    assert ex.options["chainId"] == 466324


def test_implicit_api_names(make_lighter):
    ex = make_lighter()
    for name in ("publicGet", "publicGetInfo", "publicGetOrderBookDetails", "publicGetFundingRates",
                 "public_get_orderbookdetails", "privateGetAccountActiveOrders", "txPostSendTx",
                 "txPostSendTxBatch", "publicGetFastwithdrawInfo"):
        assert callable(getattr(ex, name)), name


def _split(url):
    parts = urlsplit(url)
    return parts.scheme + "://" + parts.netloc, parts.path, parse_qs(parts.query)


def test_sign_public_root_and_api_paths(make_lighter):
    ex = make_lighter()
    root = ex.sign("", ["public"], "GET", {})
    assert root == {"url": spec.MAINNET_REST + "/", "method": "GET", "body": None, "headers": None}
    assert ex.sign("info", ["public"])["url"] == spec.MAINNET_REST + "/info"
    signed = ex.sign("orderBookOrders", ["public"], "GET", {"market_id": "0", "limit": 5})
    assert _split(signed["url"]) == (spec.MAINNET_REST, "/api/v1/orderBookOrders", {"market_id": ["0"], "limit": ["5"]})
    assert signed["headers"] is None and signed["body"] is None


def test_sign_private_uses_hook_and_masks_token(make_lighter):
    ex = make_lighter()
    ex.auth_header_value = lambda: TOKEN  # the PrivateMixin hook; a pure function here
    signed = ex.sign("accountActiveOrders", ["private"], "GET", {"account_index": 7})
    assert signed["headers"]["Authorization"] == TOKEN
    assert isinstance(signed["headers"], RedactedHeaders)
    assert TOKEN not in repr(signed["headers"]) and TOKEN not in str(signed["headers"])
    assert "account_index=7" in signed["url"]


def test_sign_private_without_credentials_raises(make_lighter):
    ex = make_lighter()
    with pytest.raises(AuthenticationError):
        ex.sign("accountActiveOrders", ["private"], "GET", {})
    with pytest.raises(AuthenticationError, match="privateKey"):
        SigningHooks.auth_header_value(ex)


def test_sign_tx_is_form_encoded_and_masked(make_lighter):
    ex = make_lighter()
    ex.tx_form_fields = lambda path, params: {"tx_type": 14, "tx_info": '{"Sig":"c2lnbmF0dXJl"}'}
    signed = ex.sign("sendTx", ["tx"], "POST", {"tx": object(), "nonce": 3})
    assert signed["method"] == "POST" and signed["url"] == spec.MAINNET_REST + "/api/v1/sendTx"
    assert signed["headers"] == {"Content-Type": "application/x-www-form-urlencoded"}
    assert parse_qs(signed["body"]) == {"tx_type": ["14"], "tx_info": ['{"Sig":"c2lnbmF0dXJl"}']}
    assert isinstance(signed["body"], RedactedBody)
    assert "c2lnbmF0dXJl" not in repr(signed["body"]) and "c2lnbmF0dXJl" not in "%s" % signed["body"]
    assert b"c2lnbmF0dXJl" in signed["body"].encode()


def test_presigned_tx_passes_through_default_hook(make_lighter):
    ex = make_lighter()
    fields = {"tx_type": 15, "tx_info": "{}"}
    default_hook = SigningHooks.tx_form_fields
    assert default_hook(ex, "sendTx", fields) is fields
    with pytest.raises(AuthenticationError):
        default_hook(ex, "sendTx", {"tx": object(), "nonce": 1})


# ---------------------------------------------------------------- rate limits


@pytest.mark.parametrize("weight, standard, premium", [
    (6, 1.0, 6.0), (100, 1.0, 100.0), (300, 1.0, 300.0), (500, 1.25, 500.0),
    (600, 1.5, 600.0), (3000, 7.5, 3000.0),
])
def test_rate_limit_cost(weight, standard, premium):
    assert spec.rate_limit_cost(spec.TIERS["standard"], weight) == standard
    assert spec.rate_limit_cost(spec.TIERS["premium"], weight) == premium
    # standard: calls/min for the endpoint = 60 / cost = min(60, 24000 / weight)
    assert 60 / standard == pytest.approx(min(60, 24000 / weight))
    # premium: 24000 weight units per minute at one token per rateLimit ms
    assert 60_000 / spec.TIERS["premium"].rate_limit_ms / premium == pytest.approx(24000 / weight)


def test_every_endpoint_has_a_documented_weight():
    weights = {path: cfg["weight"] for section in spec.API.values() for paths in section.values()
               for path, cfg in paths.items()}
    assert weights["sendTx"] == weights["sendTxBatch"] == weights["nextNonce"] == 6
    assert weights["recentTrades"] == weights["trades"] == 600
    assert weights["transferFeeInfo"] == 500 and weights["apikeys"] == 150
    assert weights["accountInactiveOrders"] == 100 and weights["changeAccountTier"] == 3000
    assert weights["orderBookDetails"] == weights["candles"] == 300


def test_cost_goes_through_ccxt_hook(make_lighter):
    ex = make_lighter()
    cost = ex.calculate_rate_limiter_cost(["public"], "GET", "recentTrades", {}, {"weight": 600})
    assert cost == 1.5 and ex.rateLimit == 1000.0
    # self.request(path, 'tx', 'POST', ...) carries no config: the weight comes from the table
    ex.options["accountTier"] = "premium"
    assert ex.calculate_rate_limiter_cost("tx", "POST", "sendTx", {}, {}) == 6.0
    assert ex.calculate_rate_limiter_cost(["private"], "GET", "accountInactiveOrders", {}) == 100.0
    assert ex.calculate_rate_limiter_cost(["public"], "GET", "unlisted", {}) == 300.0


def test_tier_from_constructor(make_lighter):
    ex = make_lighter(options={"accountTier": "premium"})
    assert ex.rateLimit == 2.5 and ex.tokenBucket["refillRate"] == pytest.approx(1 / 2.5)
    assert ex.throttler.config["refillRate"] == pytest.approx(1 / 2.5)


def test_tier_switch_takes_effect_on_next_request(make_lighter):
    ex = make_lighter(enableRateLimit=True)
    ex.throttler.config["tokens"] = -1.0  # one second owed under the standard tier
    ex.options["accountTier"] = "premium"
    cost = ex.calculate_rate_limiter_cost(["public"], "GET", "trades", {}, {"weight": 600})
    assert cost == 600.0 and ex.rateLimit == 2.5
    assert ex.throttler.config["refillRate"] == pytest.approx(0.4)
    assert ex.throttler.config["tokens"] == pytest.approx(-400.0)  # still one second owed
    ex.options["accountTier"] = "standard"
    assert ex.calculate_rate_limiter_cost(["tx"], "POST", "sendTx", {}, {"weight": 6}) == 1.0
    assert ex.rateLimit == 1000.0 and ex.throttler.config["refillRate"] == pytest.approx(0.001)


def test_unknown_tier_is_rejected(make_lighter):
    ex = make_lighter()
    ex.options["accountTier"] = "gold"
    with pytest.raises(BadRequest, match="accountTier"):
        ex.calculate_rate_limiter_cost(["public"], "GET", "candles", {}, {"weight": 300})


async def test_throttler_receives_tier_costs(venue, make_lighter):
    """Through the real throttler: each weight-300 call is charged 300 tokens under premium."""
    ex = make_lighter(enableRateLimit=True, urls={"api": {"rest": venue.url}},
                      options={"accountTier": "premium"})
    ex.throttler.config["capacity"] = ex.throttler.config["tokens"] = 10_000.0  # no waiting
    charged = []
    real_throttle = ex.throttle

    async def spy(cost=None):
        charged.append(cost)
        return await real_throttle(cost)

    ex.throttle = spy
    await ex.fetch_time()
    await ex.publicGetRecentTrades({"market_id": 0, "limit": 1})
    assert charged == [300.0, 600.0]


async def test_logs_and_verbose_output_hold_no_secrets(venue, make_lighter, caplog, capsys):
    """ccxt logs request headers and bodies (logger.debug, and print when verbose): masked here."""
    import logging

    signature = "c2lnbmF0dXJlLXNlY3JldA=="
    venue.routes["/api/v1/accountActiveOrders"] = {"code": 200, "orders": []}
    venue.routes["/api/v1/sendTx"] = {"code": 200, "tx_hash": "ab" * 40}
    ex = make_lighter(urls={"api": {"rest": venue.url}}, verbose=True)
    ex.auth_header_value = lambda: TOKEN
    ex.tx_form_fields = lambda path, params: {"tx_type": 14, "tx_info": '{"Sig":"%s"}' % signature}
    with caplog.at_level(logging.DEBUG):
        await ex.privateGetAccountActiveOrders({"account_index": 7})
        await ex.txPostSendTx({"tx": "prepared", "nonce": 1})
    printed = capsys.readouterr().out
    assert "fetch Request" in printed and "accountActiveOrders" in printed  # ccxt did log the requests
    for text in (caplog.text, printed, repr(ex.last_request_headers), repr(ex.last_request_body)):
        assert TOKEN not in text and signature not in text
    assert venue.requests[0].headers["Authorization"] == TOKEN  # the wire still carries them
    assert signature in venue.requests[1].form["tx_info"]
