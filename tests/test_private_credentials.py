"""credentials.py: telling the two kinds of key apart, options, the master account, secrecy."""
import pytest
from ccxt.base.errors import AuthenticationError, BadRequest

from ccxt_lighter import credentials as cred

API = "ab" * 40
ETH = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
ETH_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23"  # eth_account.Account.from_key(ETH).address


@pytest.mark.parametrize("value, kind", [(API, "api"), ("0x" + API.upper(), "api"), (ETH, "eth"), ("0x" + ETH, "eth")])
def test_classify_by_length(value, kind):
    assert cred.classify_key(value) == (kind, value.lower().removeprefix("0x"))


@pytest.mark.parametrize("value", ["", None, "ab" * 33, "zz" * 40, 123])
def test_classify_refuses_without_echoing(value):
    with pytest.raises(AuthenticationError) as info:
        cred.classify_key(value)
    assert not (isinstance(value, str) and len(value) > 8 and value in str(info.value))


def test_api_key_with_slot_and_account():
    c = cred.from_config(API, None, {"accountIndex": "715085", "apiKeyIndex": 4})
    assert (c.account_index, c.primary_key_index, c.api_keys, c.eth_private_key) == (715085, 4, {4: API}, None)
    assert c.can_sign and c.key_indexes() == [4]


def test_ethereum_key_in_private_key_is_kept_for_l1_only():
    c = cred.from_config("0x" + ETH, None, {"apiKeyIndex": 4, "apiPrivateKey": API})
    assert c.eth_private_key == ETH and c.api_keys == {4: API}
    assert c.l1_address() == ETH_ADDRESS and c.account_index is None
    alone = cred.from_config(ETH, None, {"accountIndex": 1})
    assert not alone.can_sign  # no API key: nothing will be signed (and no key gets registered)


def test_pool_from_options():
    other = "cd" * 40
    c = cred.from_config(API, None, {"accountIndex": 1, "apiKeyIndex": 6, "apiKeyIndexes": [4, 5],
                                     "apiPrivateKeys": {"9": other}})
    assert c.key_indexes() == [6, 4, 5, 9] and c.api_keys[9] == other and c.api_keys[5] == API


@pytest.mark.parametrize("options, exc", [
    ({"apiKeyIndex": 255}, BadRequest), ({"apiKeyIndex": "x"}, BadRequest), ({"accountIndex": -1}, BadRequest),
    ({"apiPrivateKey": ETH}, AuthenticationError), ({"ethPrivateKey": API}, AuthenticationError),
    ({"apiPrivateKeys": {"5": ETH}}, AuthenticationError),
])
def test_option_errors(options, exc):
    with pytest.raises(exc):
        cred.from_config(API, None, options)


def test_pool_needs_a_key():
    with pytest.raises(AuthenticationError):
        cred.from_config(None, None, {"apiKeyIndexes": [4]})


def test_wallet_address_wins_and_repr_hides_keys():
    c = cred.from_config(API, "0xABC", {"ethPrivateKey": ETH, "apiKeyIndex": 4})
    assert c.l1_address() == "0xABC"
    text = repr(c) + str(c)
    assert API not in text and ETH not in text and "eth_key=set" in text


@pytest.mark.parametrize("payload, index", [
    ({"sub_accounts": [{"index": 5, "account_type": 1}, {"index": 3, "account_type": 0}]}, 3),
    ({"sub_accounts": [{"account_index": 9}]}, 9),
])
def test_master_account(payload, index):
    assert cred.master_account(payload) == index


@pytest.mark.parametrize("payload", [{"sub_accounts": []}, {"sub_accounts": "1"}, None])
def test_master_account_missing(payload):
    with pytest.raises(AuthenticationError):
        cred.master_account(payload)
