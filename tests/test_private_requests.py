"""Request specs of the private methods (ccxt static-test style): the exact method, path, query and
form fields each unified call sends, checked at a real HTTP stub that records every request.
Signatures are random, so they are not compared; the tx hash is checked to be the one the pure
hasher computes from the tx_info that was sent.

Compared with ccxt's request-lighter.json: ccxt's fetchMyTrades sorts by block_height, ours by
timestamp (the brief's choice: ``since`` works on timestamps); ccxt signs with the skip-nonce
attribute and millisecond nonces, ours with the key's real sequence (L2TxAttributes null); ccxt adds
an integrator fee unless disabled, we never do unless configured.
"""
import json
import re

import pytest

from ccxt_lighter import orders as o

ACCOUNT, SLOT, SYMBOL = 715085, 4, "ETH/USDC:USDC"
TOKEN = re.compile(r"^\d{10}:715085:4:[0-9a-f]{160}$")


@pytest.fixture
async def stubbed(make_lighter, signer_backend):
    from tools.venue_payloads import default_routes
    from tools.venue_stub import VenueStub

    private, public = signer_backend.generate_api_key()
    routes = default_routes()
    routes["/api/v1/nextNonce"] = {"code": 200, "nonce": 7}
    routes["/api/v1/apikeys"] = {"code": 200, "api_keys": [{"account_index": ACCOUNT, "api_key_index": SLOT,
                                                            "nonce": 7, "public_key": public}]}
    routes["/api/v1/sendTx"] = lambda q: (200, {"code": 200, "message": "", "tx_hash": "ab" * 40,
                                                "predicted_execution_time_ms": 1, "volume_quota_remaining": 9})
    routes["/api/v1/sendTxBatch"] = lambda q: (200, {"code": 200, "message": "",
                                                     "tx_hash": ["cd" * 40] * len(json.loads(q["tx_types"]))})
    for path in ("accountActiveOrders", "accountInactiveOrders", "accountOrders"):
        routes[f"/api/v1/{path}"] = {"code": 200, "orders": [], "next_cursor": ""}
    routes["/api/v1/trades"] = {"code": 200, "trades": [], "next_cursor": ""}
    async with VenueStub(routes) as venue:
        ex = make_lighter(urls={"api": {"rest": venue.url}}, privateKey=private,
                          options={"accountIndex": ACCOUNT, "apiKeyIndex": SLOT})
        await ex.load_markets()
        venue.requests.clear()
        yield ex, venue


def sent(venue, path):
    return [r for r in venue.requests if r.path == path]


def hash_of(tx_type, info):
    from ccxt_lighter.signer.pure.txhash import tx_hash_from_info

    return tx_hash_from_info(tx_type, info, 304)


async def test_create_limit_order_request(stubbed):
    ex, venue = stubbed
    order = await ex.create_order(SYMBOL, "limit", "buy", 1, 4000, {"clientOrderId": 489057754})
    assert venue.paths() == ["/api/v1/apikeys", "/api/v1/nextNonce", "/api/v1/sendTx"]
    assert sent(venue, "/api/v1/nextNonce")[0].query == {"account_index": str(ACCOUNT), "api_key_index": str(SLOT)}
    [request] = sent(venue, "/api/v1/sendTx")
    assert request.method == "POST" and request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert set(request.form) == {"tx_type", "tx_info"} and request.form["tx_type"] == "14"
    info = json.loads(request.form["tx_info"])
    expected = {"AccountIndex": ACCOUNT, "ApiKeyIndex": SLOT, "MarketIndex": 0, "ClientOrderIndex": 489057754,
                "BaseAmount": 10000, "Price": 400000, "IsAsk": 0, "Type": 0, "TimeInForce": 1, "ReduceOnly": 0,
                "TriggerPrice": 0, "Nonce": 7, "L2TxAttributes": None}
    assert {k: info[k] for k in expected} == expected
    assert info["OrderExpiry"] == order["info"]["order_expiry"] > ex.milliseconds() + 27 * 86_400_000
    assert order["info"]["response"]["computed_tx_hash"] == hash_of(14, info)


async def test_market_order_and_price_protection_request(stubbed):
    ex, venue = stubbed
    await ex.create_order(SYMBOL, "market", "buy", 0.1, 2500, {"priceProtection": False})
    request = sent(venue, "/api/v1/sendTx")[0]
    info = json.loads(request.form["tx_info"])
    assert (info["Type"], info["TimeInForce"], info["OrderExpiry"], info["Price"], info["BaseAmount"]) == \
        (1, 0, 0, 250000, 1000)
    assert request.form["price_protection"] == "false"


async def test_market_order_without_price_reads_the_book_first(stubbed):
    ex, venue = stubbed
    await ex.create_order(SYMBOL, "market", "sell", 0.1)
    book = sent(venue, "/api/v1/orderBookOrders")[0]
    assert book.query == {"market_id": "0", "limit": "5"}
    assert venue.paths().index("/api/v1/orderBookOrders") < venue.paths().index("/api/v1/sendTx")


async def test_cancel_and_cancel_all_requests(stubbed):
    ex, venue = stubbed
    await ex.cancel_order("2" + "0" * 15, SYMBOL)  # an exchange order index (>= 2^48) passes unchanged
    await ex.cancel_all_orders()
    await ex.cancel_all_orders("BTC/USDC:USDC")
    infos = [(r.form["tx_type"], json.loads(r.form["tx_info"])) for r in sent(venue, "/api/v1/sendTx")]
    assert infos[0][0] == "15" and (infos[0][1]["MarketIndex"], infos[0][1]["Index"]) == (0, 2 * 10**15)
    assert infos[1][0] == "16" and (infos[1][1]["TimeInForce"], infos[1][1]["Time"]) == (0, 0)
    assert infos[1][1]["L2TxAttributes"] is None  # all markets: attribute 5 absent (255 is the default)
    assert infos[2][1]["L2TxAttributes"] == {"5": 1}
    assert [i[1]["Nonce"] for i in infos] == [7, 8, 9]


async def test_create_orders_is_one_batch_with_consecutive_nonces(stubbed):
    ex, venue = stubbed
    orders = [{"symbol": SYMBOL, "type": "limit", "side": "sell", "amount": 0.1, "price": 3000 + i} for i in range(3)]
    placed = await ex.create_orders(orders)
    [request] = sent(venue, "/api/v1/sendTxBatch")
    assert json.loads(request.form["tx_types"]) == [14, 14, 14]
    infos = [json.loads(text) for text in json.loads(request.form["tx_infos"])]
    assert [i["Nonce"] for i in infos] == [7, 8, 9] and [i["Price"] for i in infos] == [300000, 300100, 300200]
    assert [p["info"]["tx_hash"] for p in placed] == ["cd" * 40] * 3


async def test_private_reads_carry_the_auth_header_only(stubbed):
    ex, venue = stubbed
    await ex.fetch_open_orders(SYMBOL)
    await ex.fetch_closed_orders(SYMBOL, None, 2)
    await ex.fetch_my_trades(SYMBOL, None, 2)
    from ccxt.base.errors import OrderNotFound

    with pytest.raises(OrderNotFound):  # the stub knows no orders: accountOrders, then active and inactive
        await ex.fetch_order("42", SYMBOL)
    reads = [r for r in venue.requests if r.path != "/api/v1/orderBookDetails"]
    for request in reads:
        assert TOKEN.match(request.headers["Authorization"]) and "auth" not in request.query
    queries = {r.path: r.query for r in reads if "cursor" not in r.query}
    queries["/api/v1/accountInactiveOrders"] = sent(venue, "/api/v1/accountInactiveOrders")[0].query
    assert queries["/api/v1/accountActiveOrders"] == {"account_index": str(ACCOUNT), "market_id": "0"}
    assert queries["/api/v1/accountInactiveOrders"] == {"account_index": str(ACCOUNT), "market_id": "0",
                                                        "limit": "2"}
    assert queries["/api/v1/trades"] == {"account_index": str(ACCOUNT), "sort_by": "timestamp", "sort_dir": "desc",
                                         "market_id": "0", "limit": "2"}
    assert queries["/api/v1/accountOrders"] == {"account_index": str(ACCOUNT), "client_order_indexes": "42"}


def test_sign_hook_signs_a_built_request_inline(make_lighter, signer_backend):
    """The contract path: sign() with an already-built request and nonce signs synchronously."""
    private, _ = signer_backend.generate_api_key()
    ex = make_lighter(privateKey=private, options={"accountIndex": ACCOUNT, "apiKeyIndex": SLOT})
    signer_backend.register_key(private, 304, SLOT, ACCOUNT)
    tx = o.CancelOrder(0, 77)
    request = ex.sign("sendTx", "tx", "POST", {"tx": tx, "nonce": 12, "api_key_index": SLOT, "account_index": ACCOUNT})
    from urllib.parse import parse_qs

    form = {k: v[0] for k, v in parse_qs(request["body"].encode().decode()).items()}
    info = json.loads(form["tx_info"])
    assert form["tx_type"] == "15" and (info["Nonce"], info["Index"]) == (12, 77)
    assert request["url"].endswith("/api/v1/sendTx") and "<signed tx form body" in repr(request["body"])
