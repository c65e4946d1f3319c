"""*Ws order methods over jsonapi/sendtx[batch] against the simulator: results, errors mapped
through errors.py, and one nonce sequence shared with REST."""
import asyncio

import pytest
from ccxt.base.errors import InsufficientFunds, InvalidOrder, NetworkError

from ccxt_lighter import ws_core
from tests.ws_support import BTC, ETH, make_exchange, post

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
async def ex(sim, sim_account):
    exchange = make_exchange(sim, sim_account)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


def open_orders(sim, account, market=0):
    return {str(o["client_order_index"]): o for o in sim.engine.account_orders(account, market).get(market, [])}


def bid_below(sim, factor=0.9, market=0):
    _, bids, _ = sim.engine.book_levels(market, depth=1)
    return round(float(bids[0][0]) * factor, sim.engine.market(market).price_decimals)


async def server_nonce(sim, account, key=4):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(f"{sim.rest_url}/api/v1/nextNonce",
                               params={"account_index": account, "api_key_index": key}) as resp:
            return (await resp.json())["nonce"]


async def test_create_edit_cancel_over_ws(sim, sim_account, ex):
    account = sim_account["account_index"]
    price = bid_below(sim)
    placed = await ex.create_order_ws(ETH, "limit", "buy", 0.02, price)
    assert placed["id"] in open_orders(sim, account)
    assert placed["status"] == "open" and len(placed["info"]["tx_hash"]) == 80
    assert placed["info"]["response"]["type"] == "jsonapi/sendtx"  # the answer came over the socket
    edited = await ex.edit_order_ws(placed["id"], ETH, "limit", "buy", 0.03, round(price - 1, 2))
    resting = open_orders(sim, account)[placed["id"]]
    assert edited["id"] == placed["id"]
    assert resting["price"] == f"{price - 1:.2f}" and resting["remaining_base_amount"] == "0.0300"
    canceled = await ex.cancel_order_ws(placed["id"], ETH)
    assert canceled["status"] == "canceled" and placed["id"] not in open_orders(sim, account)


async def test_batches_over_ws_are_chunked_by_15(sim, sim_account, ex):
    account = sim_account["account_index"]
    price = bid_below(sim, 0.8)
    orders = [{"symbol": ETH, "type": "limit", "side": "buy", "amount": 0.01, "price": round(price - i * 0.01, 2)}
              for i in range(20)]
    placed = await ex.create_orders_ws(orders)
    assert len(placed) == 20 and len({p["info"]["tx_hash"] for p in placed}) == 20
    resting = open_orders(sim, account)
    assert all(p["id"] in resting for p in placed)
    chunks = {id(p["info"]["response"]) for p in placed}
    assert len(chunks) == 2  # 15 + 5 over the socket
    canceled = await ex.cancel_orders_ws([p["id"] for p in placed[:17]], ETH)
    assert [c["status"] for c in canceled] == ["canceled"] * 17
    assert set(open_orders(sim, account)) == {p["id"] for p in placed[17:]}
    await ex.create_order_ws(BTC, "limit", "buy", 0.001, bid_below(sim, 0.8, 1))
    await ex.cancel_all_orders_ws(ETH)
    assert not open_orders(sim, account) and open_orders(sim, account, 1)
    await ex.cancel_all_orders_ws()
    assert not open_orders(sim, account, 1)


async def test_venue_errors_map_to_ccxt_classes_and_keep_the_nonce(sim, sim_account, ex):
    account = sim_account["account_index"]
    with pytest.raises(InsufficientFunds):
        await ex.create_order_ws(ETH, "limit", "buy", 500, bid_below(sim))  # far beyond the margin
    with pytest.raises(InvalidOrder):
        await ex.cancel_order_ws("12345", ETH)  # no such order: the venue refuses it
    placed = await ex.create_order_ws(ETH, "limit", "buy", 0.01, bid_below(sim))
    assert placed["id"] in open_orders(sim, account)
    manager = ex._lighter_state.pool.get(4)
    assert manager.next_nonce == await server_nonce(sim, account)


async def test_rest_and_ws_share_one_nonce_sequence(sim, sim_account, ex):
    account = sim_account["account_index"]
    price = bid_below(sim, 0.85)
    calls = []
    for i in range(12):
        method = ex.create_order_ws if i % 2 else ex.create_order
        calls.append(method(ETH, "limit", "buy", 0.01, round(price - i * 0.01, 2)))
    placed = await asyncio.gather(*calls)
    resting = open_orders(sim, account)
    assert all(p["id"] in resting for p in placed)
    nonces = sorted(o["nonce"] for o in resting.values())
    assert nonces == list(range(nonces[0], nonces[0] + 12))  # one key, one gap-free sequence
    assert ex._lighter_state.pool.get(4).next_nonce == await server_nonce(sim, account)


async def test_invalid_nonce_answers_are_retried_over_ws(sim, sim_account, ex):
    account = sim_account["account_index"]
    await post(sim, "/sim/faults", {"reject_nonce_every": 3})
    try:
        price = bid_below(sim, 0.85)
        for i in range(6):
            await ex.create_order_ws(ETH, "limit", "buy", 0.01, round(price - i * 0.01, 2))
    finally:
        await post(sim, "/sim/faults", {"reject_nonce_every": 0})
    assert len(open_orders(sim, account)) == 6
    assert ex._lighter_state.pool.get(4).resyncs >= 1


async def test_tx_waiting_on_a_dropped_socket_fails_with_network_error(sim, sim_account, ex):
    """A reply that can never come (the socket died) is a NetworkError, and the nonce is re-read."""
    await ex.create_order_ws(ETH, "limit", "buy", 0.01, bid_below(sim))
    client = ex._ws_main_client()
    future = client.future(ws_core.TX_PREFIX + "lost")
    for session in list(sim.stream.sessions):
        session.drop()
    with pytest.raises(NetworkError):
        await asyncio.wait_for(future, 10)
    assert ex._ws_main_client() is not client  # a successor took over
    placed = await ex.create_order_ws(ETH, "limit", "buy", 0.01, bid_below(sim))
    assert placed["id"] in open_orders(sim, sim_account["account_index"])


async def test_price_protection_off_is_refused_over_ws_before_signing(sim, sim_account, ex):
    from ccxt.base.errors import NotSupported

    await ex.create_order_ws(ETH, "limit", "buy", 0.01, bid_below(sim))  # state ready, key checked
    signed = []
    real_sign = ex._sign_txs

    async def counting_sign(items, *args, **kwargs):
        signed.append(len(items))
        return await real_sign(items, *args, **kwargs)

    ex._sign_txs = counting_sign
    nonce_before = ex._lighter_state.pool.get(4).next_nonce
    with pytest.raises(NotSupported, match="price protection"):
        await ex.create_order_ws(ETH, "market", "buy", 0.01, bid_below(sim, 1.2), {"priceProtection": False})
    with pytest.raises(NotSupported, match="price protection"):
        await ex.create_orders_ws([{"symbol": ETH, "type": "market", "side": "buy", "amount": 0.01,
                                    "price": bid_below(sim, 1.2), "params": {"priceProtection": False}}])
    assert signed == [] and ex._lighter_state.pool.get(4).next_nonce == nonce_before
    await ex.create_order_ws(ETH, "limit", "buy", 0.01, bid_below(sim), {"priceProtection": True})  # on = default
    assert signed == [1]


async def test_an_order_whose_answer_is_lost_names_its_id_and_can_be_found(sim, sim_account, ex):
    """The socket dies after the venue took the tx but before its answer left: the outcome is unknown
    to the client, so the error names the order id, and fetchOrder with it finds the live order."""
    await ex.create_order_ws(ETH, "limit", "buy", 0.01, bid_below(sim))
    await post(sim, "/sim/faults", {"latency_ms": 1500})  # the answer waits; the tx is already executed
    try:
        attempt = asyncio.ensure_future(ex.create_order_ws(ETH, "limit", "buy", 0.01, bid_below(sim, 0.8)))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if len(open_orders(sim, sim_account["account_index"])) == 2:
                break
        for session in list(sim.stream.sessions):
            session.drop()
        with pytest.raises(NetworkError) as lost:
            await asyncio.wait_for(attempt, 10)
    finally:
        await post(sim, "/sim/faults", {"latency_ms": 0})
    order_id = str(lost.value).split("fetchOrder('")[1].split("'")[0]
    assert order_id in open_orders(sim, sim_account["account_index"])
    found = await ex.fetch_order(order_id, ETH)
    assert (found["id"], found["status"], found["price"]) == (order_id, "open", bid_below(sim, 0.8))
