"""Engine: tx intake like the sequencer (nonces, batches, expiry, keys, signatures, auth tokens)
and the time-driven work (order expiry, scheduled cancel-all)."""
from __future__ import annotations

import json
import time

import pytest

from ccxt_lighter.orders import CancelOrder, CreateOrder, OrderSpec
from ccxt_lighter.sim.engine import Engine
from ccxt_lighter.sim.errors import LighterError
from ccxt_lighter.sim.faults import Faults


def _code(fn, *args):
    with pytest.raises(LighterError) as err:
        fn(*args)
    return err.value.code


def test_nonce_must_be_previous_plus_one(engine, maker_factory):
    a = maker_factory()
    a.nonce = 1
    assert _code(a.create, ) == 21104
    a.nonce = 0
    a.create(coi=1, base=500, price=290000)
    assert engine.next_nonce(a.account, 4) == 1
    a.nonce = 0
    assert _code(a.create) == 21104  # replay


def test_skip_nonce_accepts_any_greater_nonce(engine, maker_factory):
    a = maker_factory()
    a.create(coi=1, base=500, price=290000)
    info = a.base(**a.order(coi=2, base=500, price=289000))
    info["Nonce"], info["L2TxAttributes"] = 10, {"4": 1}
    engine.submit_tx(14, json.dumps(info))
    assert engine.next_nonce(a.account, 4) == 11
    info = a.base(**a.order(coi=3, base=500, price=289000))
    info["Nonce"], info["L2TxAttributes"] = 5, {"4": 1}
    assert _code(engine.submit_tx, 14, json.dumps(info)) == 21104


def test_batch_rules(engine, maker_factory):
    a, b = maker_factory(), maker_factory()
    infos = [json.dumps(a.base(**a.order(coi=i + 1, base=500, price=290000 - i))) for i in range(2)]
    assert _code(engine.submit_batch, [14, 14], infos) == 21105  # both carry nonce 0
    good = []
    for i in range(3):
        good.append(json.dumps(a.base(**a.order(coi=i + 1, base=500, price=290000 - i))))
        a.nonce += 1
    assert _code(engine.submit_batch, [14, 14], good) == 21513
    assert _code(engine.submit_batch, [14] * 51, good * 17) == 21514
    other = json.dumps(b.base(**b.order(coi=9, base=500, price=290000)))
    assert _code(engine.submit_batch, [14, 14], [good[0], other]) == 21121
    hashes = engine.submit_batch([14, 14, 14], good)
    assert len(hashes) == 3 and len(set(hashes)) == 3 and len(a.orders()) == 3
    assert engine.next_nonce(a.account, 4) == 3


def test_expired_tx_is_judged_by_the_wall_clock(engine, maker_factory):
    a = maker_factory()
    engine.advance(7 * 24 * 3600)  # the sim clock moving must not expire fresh txs
    a.create(coi=1, base=500, price=290000)
    info = a.base(**a.order(coi=2, base=500, price=290000))
    info["ExpiredAt"] = engine.wall_ms() - 1
    assert _code(engine.submit_tx, 14, json.dumps(info)) == 21501


@pytest.mark.parametrize("mutate, code", [
    (lambda i: i.update(AccountIndex=99999), 21100),
    (lambda i: i.update(ApiKeyIndex=255), 21110),
    (lambda i: i.update(ApiKeyIndex=7), 21109),
    (lambda i: i.update(Sig="bm90IDgwIGJ5dGVz"), 21120),
    (lambda i: i.pop("Price"), 21501),
    (lambda i: i.update(Price="1"), 21501),
])
def test_intake_rejections(engine, maker_factory, mutate, code):
    a = maker_factory()
    info = a.base(**a.order(coi=1, base=500, price=290000))
    mutate(info)
    assert _code(engine.submit_tx, 14, json.dumps(info)) == code


def test_malformed_and_unknown_types(engine):
    assert _code(engine.submit_tx, 14, "{not json") == 21501
    assert _code(engine.submit_tx, 14, "[1, 2]") == 21501
    assert _code(engine.submit_tx, 99, "{}") == 21505


def test_reject_nonce_fault_every_nth_valid_tx(maker_factory):
    faults = Faults(reject_nonce_every=2)
    engine = Engine(verify_signatures=False, faults=faults)
    from tests.fixtures_sim import TxMaker
    a = TxMaker(engine)
    a.create(coi=1, base=500, price=290000)
    assert _code(a.create, ) == 21104  # the 2nd valid tx is refused ...
    assert engine.next_nonce(a.account, 4) == 1  # ... without consuming its nonce
    a.create(coi=2, base=500, price=289000)  # the same nonce goes through next time
    assert len(a.orders()) == 2


def test_signatures_and_auth_tokens_are_verified():
    from ccxt_lighter.signer.pure import PureSigner

    engine = Engine(verify_signatures=True)
    signer = PureSigner()
    private, public = signer.generate_api_key()
    _, other_public = signer.generate_api_key()
    account = engine.create_account("1000", {4: public})
    liar = engine.create_account("1000", {4: other_public})
    signer.register_key(private, 304, 4, account)
    spec = OrderSpec(0, 1, 500, 290000, 0, 0, 1, order_expiry=engine.wall_ms() + 3600_000)
    signed = signer.sign(CreateOrder(spec), nonce=0, api_key_index=4, account_index=account)
    assert engine.submit_tx(14, signed.tx_info) == signed.tx_hash  # hash = the signer's hash
    tampered = json.loads(signer.sign(CancelOrder(0, 1), nonce=1, api_key_index=4, account_index=account).tx_info)
    tampered["Index"] = 2
    assert _code(engine.submit_tx, 15, json.dumps(tampered)) == 21120
    token = signer.create_auth_token(int(time.time()) + 600, 4, account)
    assert engine.check_auth(token, account) == account
    assert _code(engine.check_auth, token, liar) == 20013
    forged = token.replace(f":{account}:", f":{liar}:")
    assert _code(engine.check_auth, forged) == 20013
    assert _code(engine.check_auth, signer.create_auth_token(int(time.time()) - 5, 4, account)) == 20013


def test_gtt_orders_expire_on_the_sim_clock(engine, maker_factory):
    a = maker_factory()
    a.create(coi=1, base=500, price=290000, expiry=engine.wall_ms() + 600_000)
    a.create(coi=2, base=500, price=289000, expiry=engine.wall_ms() + 7200_000)
    engine.advance(601)
    assert [o["client_order_index"] for o in a.orders()] == [2]
    assert engine.account_inactive_orders(a.account)[0]["status"] == "canceled-expired"
    with pytest.raises(LighterError) as err:
        a.create(coi=3, base=500, price=289000, expiry=engine.wall_ms() + 60_000)  # < 5 minutes
    assert err.value.code == 21711


def test_scheduled_cancel_all_and_abort(engine, maker_factory):
    a = maker_factory()
    a.create(coi=1, base=500, price=290000)
    a.send(16, a.base(TimeInForce=1, Time=engine.wall_ms() + 600_000))
    assert engine.account_json(a.account)["cancel_all_time"] > 0
    a.send(16, a.base(TimeInForce=2, Time=0))  # abort
    engine.advance(700)
    assert len(a.orders()) == 1
    a.send(16, a.base(TimeInForce=1, Time=engine.wall_ms() + 600_000))
    engine.advance(300)
    assert len(a.orders()) == 1
    engine.advance(301)
    assert a.orders() == [] and engine.account_json(a.account)["cancel_all_time"] == 0
    with pytest.raises(LighterError) as err:
        a.send(16, a.base(TimeInForce=1, Time=engine.wall_ms() + 1000))  # < 5 minutes ahead
    assert err.value.code == 21714


def test_change_pub_key_needs_the_owners_l1_signature():
    from eth_account import Account
    from eth_account.messages import encode_defunct

    from ccxt_lighter.orders import ChangePubKey
    from ccxt_lighter.signer.pure import PureSigner

    wallet = Account.create()
    engine = Engine(verify_signatures=True)
    signer = PureSigner()
    new_private, new_public = signer.generate_api_key()
    account = engine.create_account("100", {}, l1_address=wallet.address)
    signer.register_key(new_private, 304, 5, account)  # ChangePubKey is signed by the new key itself
    signed = signer.sign(ChangePubKey(new_public), nonce=0, api_key_index=5, account_index=account)
    from ccxt_lighter.sim.l1sig import change_pub_key_message
    assert signed.message_to_sign == change_pub_key_message(new_public, 0, account, 5)
    info = json.loads(signed.tx_info)
    assert _code(engine.submit_tx, 8, json.dumps(info)) == 21504  # no L1Sig
    stranger = Account.create().sign_message(encode_defunct(text=signed.message_to_sign)).signature.hex()
    info["L1Sig"] = "0x" + stranger.removeprefix("0x")
    assert _code(engine.submit_tx, 8, json.dumps(info)) == 21504
    good = wallet.sign_message(encode_defunct(text=signed.message_to_sign)).signature.hex()
    info["L1Sig"] = "0x" + good.removeprefix("0x")
    engine.submit_tx(8, json.dumps(info))
    assert engine.api_keys(account, 5)[0]["public_key"] == new_public
    assert engine.next_nonce(account, 5) == 1


def test_transfer_to_another_owner_needs_an_l1_signature():
    from eth_account import Account
    from eth_account.messages import encode_defunct

    from ccxt_lighter.orders import Transfer
    from ccxt_lighter.signer.pure import PureSigner
    from ccxt_lighter.sim.l1sig import transfer_message

    wallet = Account.create()
    engine = Engine(verify_signatures=True)
    signer = PureSigner()
    private, public = signer.generate_api_key()
    sender = engine.create_account("100", {4: public}, l1_address=wallet.address)
    receiver = engine.create_account("0")
    signer.register_key(private, 304, 4, sender)
    signed = signer.sign(Transfer(receiver, 3, 0, 0, 5_000_000, usdc_fee=1_000_000), nonce=0, api_key_index=4,
                         account_index=sender)
    info = json.loads(signed.tx_info)
    assert signed.message_to_sign == transfer_message(info, 304)
    assert _code(engine.submit_tx, 12, json.dumps(info)) == 21504
    good = wallet.sign_message(encode_defunct(text=signed.message_to_sign)).signature.hex()
    info["L1Sig"] = "0x" + good.removeprefix("0x")
    engine.submit_tx(12, json.dumps(info))
    assert engine.account_json(receiver)["collateral"] == "5.000000"
