"""The error table against the venue's 239 documented codes, the fallbacks, and handle_errors over HTTP."""
from __future__ import annotations

import json
import os

import pytest
from ccxt.base.errors import (AuthenticationError, BadRequest, BadSymbol, DDoSProtection, DuplicateOrderId,
                              ExchangeError, ExchangeNotAvailable, InsufficientFunds, InvalidNonce,
                              InvalidOrder, MarketClosed, NetworkError, OrderNotFound, PermissionDenied,
                              RateLimitExceeded, RequestTimeout)

from ccxt_lighter import errors
from tests.conftest import EXAMPLES

with open(os.path.join(EXAMPLES, "error_codes.json")) as _f:
    DOCUMENTED = json.load(_f)["errors"]


def test_reference_table_is_complete():
    assert len(DOCUMENTED) == 239
    documented = {e["code"] for e in DOCUMENTED}
    assert documented == set(errors.EXACT), documented ^ set(errors.EXACT)


@pytest.mark.parametrize("entry", DOCUMENTED, ids=lambda e: str(e["code"]))
def test_every_code_maps_to_a_specific_class(entry):
    cls = errors.exception_class(entry["code"], entry["message"])
    assert cls is errors.EXACT[entry["code"]]
    assert cls is not ExchangeError, f"{entry['code']} {entry['message']} maps to the generic class"
    assert issubclass(cls, Exception)
    exc = errors.make_exception(entry["code"], entry["message"], "POST /api/v1/sendTx")
    assert isinstance(exc, cls) and exc.venue_code == entry["code"]
    assert str(entry["code"]) in str(exc) and entry["message"].strip() in str(exc)


@pytest.mark.parametrize("code, cls", [
    (21104, InvalidNonce), (21105, InvalidNonce), (21101, InvalidNonce),
    (21507, InsufficientFunds), (21508, InsufficientFunds), (21739, InsufficientFunds),
    (21301, InsufficientFunds), (21304, InsufficientFunds), (21305, InsufficientFunds),
    (21111, InsufficientFunds), (21723, InsufficientFunds),
    (21728, DuplicateOrderId),
    (23000, RateLimitExceeded), (23001, RateLimitExceeded), (23002, RateLimitExceeded),
    (23003, DDoSProtection), (23004, RateLimitExceeded), (21506, RateLimitExceeded),
    (21120, AuthenticationError), (21108, AuthenticationError), (21109, AuthenticationError),
    (21110, AuthenticationError), (21136, AuthenticationError),
    (21127, PermissionDenied), (21215, PermissionDenied),
    (21702, InvalidOrder), (21711, InvalidOrder), (21717, InvalidOrder), (21727, InvalidOrder),
    (21732, InvalidOrder), (21733, InvalidOrder), (21734, InvalidOrder), (21741, InvalidOrder),
    (21600, OrderNotFound), (21709, OrderNotFound), (21715, OrderNotFound), (21707, OrderNotFound),
    (21602, BadSymbol), (21621, BadSymbol), (21605, MarketClosed),
    (29500, ExchangeNotAvailable), (29501, RequestTimeout), (30012, ExchangeNotAvailable),
    (22402, BadRequest), (21501, BadRequest), (21514, BadRequest),
])
def test_required_mappings(code, cls):
    assert errors.exception_class(code) is cls
    assert errors.exception_class(str(code)) is cls


@pytest.mark.parametrize("message, cls", [
    ("client order index already exists", DuplicateOrderId),
    ("nonce is stale", InvalidNonce),
    ("Too Many Requests!", RateLimitExceeded),
    ("bad signature for tx", AuthenticationError),
    ("insufficient margin for this", InsufficientFunds),
    ("invalid market index 999", BadSymbol),
    ("order rejected: something", InvalidOrder),
    ("request timeout", RequestTimeout),
])
def test_unknown_codes_fall_back_to_message(message, cls):
    assert errors.exception_class(99999, message) is cls


def test_unknown_codes_fall_back_to_range_then_generic():
    assert errors.exception_class(21799, "new order rule") is InvalidOrder
    assert errors.exception_class(23099, "") is RateLimitExceeded
    assert errors.exception_class(29599, "") is ExchangeNotAvailable
    assert errors.exception_class(55555, "something new") is ExchangeError
    assert errors.exception_class("not-a-number", "") is ExchangeError


@pytest.mark.parametrize("code, retry", [
    (21104, True), (21105, True), (23000, True), (23003, True), (21506, True), (29500, True),
    (29501, True), (21507, False), (21728, False), (21120, False), (21702, False), (21600, False),
])
def test_is_retryable(code, retry):
    assert errors.is_retryable(code) is retry
    assert errors.is_retryable(errors.make_exception(code, "x")) is retry
    assert errors.is_retryable(errors.exception_class(code)("x")) is issubclass(errors.exception_class(code), NetworkError)


def test_scrub_masks_tokens_signatures_and_keys():
    token = "1795253784:123456:4:" + "ab" * 80
    ro_token = "ro:123456:all:1900000000:" + "cd" * 32
    key = "0x" + "e5" * 40
    text = f"bad {token} and {ro_token} key {key} sig {{\"Sig\":\"AbC+/=\"}} addr 0x{'12' * 20}"
    scrubbed = errors.scrub(text)
    for secret in (token, ro_token, key, "ab" * 80, "e5" * 40, "AbC+/="):
        assert secret not in scrubbed
    assert "0x" + "12" * 20 in scrubbed  # a 20-byte address is not a secret


def test_make_exception_never_carries_a_secret():
    token = "1795253784:1:4:" + "9f" * 80
    exc = errors.make_exception(21120, f"invalid signature {token}", "GET /api/v1/accountActiveOrders")
    assert isinstance(exc, AuthenticationError) and "9f9f" not in str(exc)
    assert str(exc).startswith("lighter 21120 invalid signature")


# ---------------------------------------------------------------- through handle_errors, over HTTP


@pytest.mark.parametrize("status, body, cls", [
    (400, {"code": 21104, "message": "invalid nonce"}, InvalidNonce),
    (400, {"code": 21728, "message": "client order index already exists"}, DuplicateOrderId),
    (429, {"code": 23000, "message": "Too Many Requests!"}, RateLimitExceeded),
    (200, {"code": 21507, "message": "account is below maintenance margin, can't execute transaction"},
     InsufficientFunds),
    (400, {"code": 29500, "message": "internal server error"}, ExchangeNotAvailable),
    (400, {"error": {"code": 21120, "message": "invalid signature"}}, AuthenticationError),
    (400, "not json", BadRequest),
    (405, "firewall", DDoSProtection),
])
async def test_error_bodies_raise_mapped_classes(venue, public_lighter, status, body, cls):
    venue.routes["/api/v1/orderBookOrders"] = lambda query: (status, body)
    with pytest.raises(cls) as info:
        await public_lighter.publicGetOrderBookOrders({"market_id": 0, "limit": 1})
    assert "lighter" in str(info.value)
    if isinstance(body, dict):
        code = body.get("code", body.get("error", {}).get("code"))
        assert str(code) in str(info.value) and "/api/v1/orderBookOrders" in str(info.value)
        assert info.value.venue_code == code


async def test_success_codes_do_not_raise(venue, public_lighter):
    venue.routes["/api/v1/systemConfig"] = {"code": 0, "message": "", "liquidity_pool_index": 0}
    assert (await public_lighter.publicGetSystemConfig())["code"] == 0
    assert (await public_lighter.publicGetCurrentHeight())["code"] == 200


async def test_error_message_never_echoes_the_auth_query(venue, public_lighter):
    token = "1795253784:1:4:" + "7e" * 80
    venue.routes["/api/v1/orderBookOrders"] = lambda query: (400, "rejected")
    with pytest.raises(BadRequest) as info:
        await public_lighter.publicGetOrderBookOrders({"market_id": 0, "limit": 1, "auth": token})
    assert "7e7e" not in str(info.value)
