"""NativeSigner over the real official library: every tx type, Free(), threads, errors, secrets."""
from __future__ import annotations

import base64
import ctypes
import json
import re
import threading
import time
from pathlib import Path

import pytest

from ccxt_lighter import orders as o
from ccxt_lighter.signer import abi
from ccxt_lighter.signer.base import SignerError
from ccxt_lighter.signer.native import NativeSigner, RWLock, SignerRequestRejected, scrub

CHAIN = 304
ACCOUNT, API_KEY = 700_001, 3
NOW_MS = int(time.time() * 1000)
EXPIRY = NOW_MS + 10 * 24 * 3600 * 1000


@pytest.fixture(scope="module")
def key(native_signer):
    private, public = native_signer.generate_api_key()
    native_signer.register_key(private, CHAIN, API_KEY, ACCOUNT)
    return {"private": private, "public": public}


@pytest.fixture
def signer(native_signer, key):
    # re-register so this chain is the one the library writes into L1 messages (see native.py)
    native_signer.register_key(key["private"], CHAIN, API_KEY, ACCOUNT)
    return native_signer


def pure_hash():
    from ccxt_lighter.signer.selfcheck import pure_tx_hash

    return pure_tx_hash()


def attrs_json(a: o.TxAttributes = o.TxAttributes(), skip=0, market=None, version=0):
    pairs = {"1": a.integrator_account_index, "2": a.integrator_taker_fee, "3": a.integrator_maker_fee,
             "4": skip, "5": market, "6": a.self_trade_behavior, "7": a.self_trade_equality, "8": version}
    out = {k: v for k, v in pairs.items() if v}
    return out or None


def order_json(s: o.OrderSpec) -> dict:
    return {"MarketIndex": s.market_index, "ClientOrderIndex": s.client_order_index, "BaseAmount": s.base_amount,
            "Price": s.price, "IsAsk": s.is_ask, "Type": s.order_type, "TimeInForce": s.time_in_force,
            "ReduceOnly": s.reduce_only, "TriggerPrice": s.trigger_price, "OrderExpiry": s.order_expiry}


LIMIT = o.OrderSpec(1, 42, 1500, 3_100_000_000, 1, 0, 1, 0, 0, EXPIRY)
MARKET = o.OrderSpec(0, 43, 20, 2_000, 0, 1, 0, 0, 0, 0)
STOP = o.OrderSpec(2, 44, 7, 2_147_483_648, 1, 3, 1, 1, 2_147_483_649, EXPIRY)
PARENT = o.OrderSpec(0, 45, 1000, 300_000, 0, 0, 1, 0, 0, EXPIRY)
SL = o.OrderSpec(0, 0, 0, 280_000, 1, 2, 0, 1, 285_000, EXPIRY)
TP = o.OrderSpec(0, 0, 0, 330_000, 1, 4, 0, 1, 325_000, EXPIRY)
NEW_PUB = "8f9dc19d2c9d7659b351fd544949037c418c09053764f6130dee643f0763451deae433d4a3749d81"
INTEGRATOR = o.TxAttributes(integrator_account_index=77, integrator_taker_fee=100, integrator_maker_fee=50)
SELF_TRADE = o.TxAttributes(self_trade_behavior=1, self_trade_equality=1)

# (id, request, skip_nonce, expected tx_info fields besides AccountIndex/ApiKeyIndex/Nonce)
CASES = [
    ("create-limit-uint32-price", o.CreateOrder(LIMIT), False, {**order_json(LIMIT), "L2TxAttributes": None}),
    ("create-market-integrator", o.CreateOrder(MARKET, INTEGRATOR), False,
     {**order_json(MARKET), "L2TxAttributes": attrs_json(INTEGRATOR)}),
    ("create-stop-limit-selftrade-skip", o.CreateOrder(STOP, SELF_TRADE), True,
     {**order_json(STOP), "L2TxAttributes": attrs_json(SELF_TRADE, skip=1)}),
    ("grouped-otoco", o.CreateGroupedOrders(3, (PARENT, SL, TP)), False,
     {"GroupingType": 3, "Orders": [order_json(x) for x in (PARENT, SL, TP)], "L2TxAttributes": None}),
    ("grouped-oco", o.CreateGroupedOrders(2, (SL, TP)), False,
     {"GroupingType": 2, "Orders": [order_json(SL), order_json(TP)], "L2TxAttributes": None}),
    ("cancel-exchange-index-spot", o.CancelOrder(2048, 2**48 + 5), False,
     {"MarketIndex": 2048, "Index": 2**48 + 5, "L2TxAttributes": None}),
    ("cancel-all-immediate", o.CancelAllOrders(0), False, {"TimeInForce": 0, "Time": 0, "L2TxAttributes": None}),
    ("cancel-all-market-1", o.CancelAllOrders(0, 0, 1), False,
     {"TimeInForce": 0, "Time": 0, "L2TxAttributes": attrs_json(market=1)}),
    ("cancel-all-scheduled", o.CancelAllOrders(1, NOW_MS + 600_000), False,
     {"TimeInForce": 1, "Time": NOW_MS + 600_000, "L2TxAttributes": None}),
    ("modify", o.ModifyOrder(0, 1001, 2000, 310_000), False,
     {"MarketIndex": 0, "Index": 1001, "BaseAmount": 2000, "Price": 310_000, "TriggerPrice": 0,
      "L2TxAttributes": None}),
    ("modify-version", o.ModifyOrder(3, 2**48 + 9, 5, 4_000_000_000, 0, order_version=4), False,
     {"MarketIndex": 3, "Index": 2**48 + 9, "BaseAmount": 5, "Price": 4_000_000_000, "TriggerPrice": 0,
      "L2TxAttributes": attrs_json(version=4)}),
    ("leverage", o.UpdateLeverage(1, 500, 1), False,
     {"MarketIndex": 1, "InitialMarginFraction": 500, "MarginMode": 1, "L2TxAttributes": None}),
    ("margin", o.UpdateMargin(1, 2**40 + 3, 1), False,
     {"MarketIndex": 1, "USDCAmount": 2**40 + 3, "Direction": 1, "L2TxAttributes": None}),
    ("transfer", o.Transfer(654_321, 3, 0, 1, 5_000_000, 7, "ab" * 32), False,
     {"FromAccountIndex": ACCOUNT, "ToAccountIndex": 654_321, "AssetIndex": 3, "FromRouteType": 0,
      "ToRouteType": 1, "Amount": 5_000_000, "USDCFee": 7, "Memo": [0xAB] * 32, "L1Sig": "",
      "L2TxAttributes": None}),
    ("withdraw", o.Withdraw(3, 1, 2**40 + 7), False,
     {"FromAccountIndex": ACCOUNT, "AssetIndex": 3, "RouteType": 1, "Amount": 2**40 + 7, "L2TxAttributes": None}),
    ("sub-account", o.CreateSubAccount(), False, {"L2TxAttributes": None}),
    ("change-pub-key", o.ChangePubKey(NEW_PUB), False,
     {"PubKey": base64.b64encode(bytes.fromhex(NEW_PUB)).decode(), "L1Sig": "", "L2TxAttributes": None}),
    ("change-pub-key-0x", o.ChangePubKey("0x" + NEW_PUB.upper()), False,
     {"PubKey": base64.b64encode(bytes.fromhex(NEW_PUB)).decode(), "L1Sig": "", "L2TxAttributes": None}),
    ("approve-integrator", o.ApproveIntegrator(77, 1000, 500, 900, 400, NOW_MS + 86_400_000), False,
     {"IntegratorAccountIndex": 77, "MaxPerpsTakerFee": 1000, "MaxPerpsMakerFee": 500, "MaxSpotTakerFee": 900,
      "MaxSpotMakerFee": 400, "ApprovalExpiry": NOW_MS + 86_400_000, "L1Sig": "", "L2TxAttributes": None}),
]
L1_MESSAGE_TYPES = {o.TxType.TRANSFER, o.TxType.CHANGE_PUB_KEY, o.TxType.APPROVE_INTEGRATOR}


def test_cases_cover_every_request_class():
    assert {type(tx) for _, tx, _, _ in CASES} == set(o.TX_CLASSES.values())


@pytest.mark.parametrize("tx,skip,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_tx_type_signs_and_echoes_inputs(signer, tx, skip, expected):
    nonce = 1000 + len(expected)
    signed = signer.sign(tx, nonce=nonce, api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=skip)
    info = json.loads(signed.tx_info)
    account_field = "FromAccountIndex" if "FromAccountIndex" in expected else "AccountIndex"
    want = {account_field: ACCOUNT, "ApiKeyIndex": API_KEY, "Nonce": nonce, **expected}
    assert {k: info.get(k) for k in want} == want
    assert set(info) == set(want) | {"ExpiredAt", "Sig"}
    assert signed.tx_type == int(tx.TX_TYPE)
    assert NOW_MS < info["ExpiredAt"] <= int(time.time() * 1000) + 600_000
    assert len(base64.b64decode(info["Sig"])) == 80
    assert (signed.message_to_sign is not None) == (tx.TX_TYPE in L1_MESSAGE_TYPES)
    hasher = pure_hash()
    if hasher is not None:
        assert hasher(signed.tx_type, info, CHAIN) == signed.tx_hash


def test_l1_message_names_the_chain_and_nonce(signer):
    signed = signer.sign(o.Transfer(5, 3, 0, 0, 1_000_000), nonce=28, api_key_index=API_KEY, account_index=ACCOUNT)
    assert "chainId: 0x0000000000000130" in signed.message_to_sign  # 304
    assert "nonce: 0x000000000000001c" in signed.message_to_sign


def test_l1_message_refused_when_another_chain_registered_last(signer, key):
    other_private, _ = signer.generate_api_key()
    signer.register_key(other_private, 300, API_KEY, ACCOUNT + 1)
    with pytest.raises(SignerError, match="chain"):
        signer.sign(o.Transfer(5, 3, 0, 0, 1), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    # orders do not carry an L1 message: still fine
    signer.sign(o.CancelOrder(0, 5), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    signer.register_key(key["private"], CHAIN, API_KEY, ACCOUNT)
    signer.sign(o.Transfer(5, 3, 0, 0, 1), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)


def test_auth_token_format(signer):
    deadline = int(time.time()) + 600
    token = signer.create_auth_token(deadline, API_KEY, ACCOUNT)
    head, _, sig = token.rpartition(":")
    assert head == f"{deadline}:{ACCOUNT}:{API_KEY}"
    assert len(sig) == 160 and int(sig, 16) >= 0


def test_generate_api_key_shape(native_signer):
    private, public = native_signer.generate_api_key()
    assert len(private) == len(public) == 80 and not private.startswith("0x")
    assert native_signer.generate_api_key()[0] != private


class CountingFree:
    def __init__(self, real):
        self.real, self.addresses = real, []

    def __call__(self, ptr):
        self.addresses.append(ptr)
        self.real(ptr)


@pytest.fixture
def counted(signer):
    lib = signer._lib
    counter = CountingFree(lib.free)
    lib.free = counter
    try:
        yield counter
    finally:
        lib.free = counter.real


@pytest.mark.parametrize("call,frees", [
    (lambda s: s.sign(o.CancelOrder(0, 5), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT), 2),
    (lambda s: s.sign(o.Transfer(5, 3, 0, 0, 1), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT), 3),
    (lambda s: s.create_auth_token(int(time.time()) + 60, API_KEY, ACCOUNT), 1),
    (lambda s: s.generate_api_key(), 2),
], ids=["tx-info+hash", "plus-l1-message", "auth-token", "key-pair"])
def test_free_called_once_per_returned_string(signer, counted, call, frees):
    call(signer)
    assert len(counted.addresses) == frees
    assert len(set(counted.addresses)) == frees and all(counted.addresses)


def test_free_called_on_library_error(signer, counted):
    market_gtt = o.CreateOrder(o.OrderSpec(0, 1, 10, 100, 0, 1, 1, 0, 0, EXPIRY))  # market must be IOC
    with pytest.raises(SignerRequestRejected, match="TimeInForce"):
        signer.sign(market_gtt, nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    assert len(counted.addresses) == 1  # the error string


def test_concurrent_signing_8_threads_with_registration(signer):
    results, errors = {}, []
    start = threading.Barrier(9)

    def worker(t):
        start.wait()
        for i in range(20):
            spec = o.OrderSpec(t, 1000 * t + i, 10 + i, 100_000 + t, i % 2, 0, 1, 0, 0, EXPIRY)
            try:
                results[(t, i)] = signer.sign(o.CreateOrder(spec), nonce=100 * t + i, api_key_index=API_KEY,
                                              account_index=ACCOUNT)
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

    def registrar():  # writers interleaved with the signing readers
        start.wait()
        for j in range(5):
            private, _ = signer.generate_api_key()
            signer.register_key(private, CHAIN, 10 + j, ACCOUNT)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)] + [threading.Thread(target=registrar)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(results) == 160
    hasher = pure_hash()
    for (t, i), signed in results.items():
        info = json.loads(signed.tx_info)
        assert (info["MarketIndex"], info["ClientOrderIndex"], info["BaseAmount"], info["Nonce"]) == \
            (t, 1000 * t + i, 10 + i, 100 * t + i)
        assert (info["Price"], info["IsAsk"]) == (100_000 + t, i % 2)
        if hasher is not None and i % 5 == 0:
            assert hasher(14, info, CHAIN) == signed.tx_hash
    assert all((ACCOUNT, 10 + j) in signer._lib.slots for j in range(5))


def test_rwlock_writer_waits_for_reader_and_blocks_new_readers():
    lock = RWLock()
    release_reader, writer_done = threading.Event(), threading.Event()

    def reader():
        with lock.read():
            release_reader.wait()

    def writer():
        with lock.write():
            writer_done.set()

    r = threading.Thread(target=reader)
    r.start()
    while lock._readers != 1:
        time.sleep(0.001)
    w = threading.Thread(target=writer)
    w.start()
    while lock._writers_waiting != 1:
        time.sleep(0.001)
    assert not writer_done.is_set()  # a reader holds the lock
    second_reader_in = threading.Event()

    def late_reader():
        with lock.read():
            second_reader_in.set()

    late = threading.Thread(target=late_reader)
    late.start()
    assert not second_reader_in.is_set()  # queued behind the waiting writer
    release_reader.set()
    for th in (r, w, late):
        th.join()
    assert writer_done.is_set() and second_reader_in.is_set()


@pytest.mark.parametrize("bad", ["zz" * 40, "ab" * 39, "", "0x" + "ab" * 41])
def test_register_bad_key_never_echoes_it(native_signer, bad):
    with pytest.raises(SignerRequestRejected) as info:
        native_signer.register_key(bad, CHAIN, API_KEY, ACCOUNT)
    if bad:
        assert bad not in str(info.value) and bad[2:] not in str(info.value)


@pytest.mark.parametrize("api_key,account", [(255, ACCOUNT), (-1, ACCOUNT), (3, 0), (3, 2**48 - 1),
                                             (254, 2**48 - 2)])
def test_register_refuses_bad_or_reserved_slots(native_signer, key, api_key, account):
    with pytest.raises(SignerRequestRejected):
        native_signer.register_key(key["private"], CHAIN, api_key, account)


def test_sign_needs_registered_slot_and_explicit_nonce(signer):
    tx = o.CancelOrder(0, 5)
    with pytest.raises(SignerError, match="no key registered"):
        signer.sign(tx, nonce=1, api_key_index=7, account_index=999_999)
    with pytest.raises(SignerRequestRejected, match="nonce"):
        signer.sign(tx, nonce=-1, api_key_index=API_KEY, account_index=ACCOUNT)


def test_float_or_out_of_range_values_never_reach_the_library(signer):
    with pytest.raises(SignerRequestRejected, match="price"):
        signer.sign(o.CreateOrder(o.OrderSpec(0, 1, 10, 3000.5, 0, 0, 1, 0, 0, EXPIRY)), nonce=1,
                    api_key_index=API_KEY, account_index=ACCOUNT)
    with pytest.raises(SignerRequestRejected, match="price"):
        signer.sign(o.CreateOrder(o.OrderSpec(0, 1, 10, 2**32, 0, 0, 1, 0, 0, EXPIRY)), nonce=1,
                    api_key_index=API_KEY, account_index=ACCOUNT)


def test_secrets_absent_from_reprs_and_messages(signer, key):
    private = key["private"]
    signed = signer.sign(o.CancelOrder(0, 5), nonce=1, api_key_index=API_KEY, account_index=ACCOUNT)
    texts = [repr(signer), str(signer), repr(signed), repr(signer._lib), repr(signer.load_check)]
    with pytest.raises(SignerError) as err:
        signer.register_key(private[:-2], CHAIN, API_KEY, ACCOUNT)
    texts.append(str(err.value))
    texts.append(scrub(f"boom {private} and 0x{private}", private))
    for text in texts:
        assert private not in text.lower()
    assert json.loads(signed.tx_info)["Sig"] not in repr(signed)


def test_native_signer_instances_share_one_loaded_library(signer, signer_lib_path):
    again = NativeSigner(signer_lib_path)
    assert again._lib is signer._lib and again.load_check.hash_verified == (pure_hash() is not None)


# ----------------------------------------------------------------------------- ABI table vs header

_C_TYPES = {
    "long long int": ctypes.c_longlong, "long long unsigned int": ctypes.c_ulonglong, "int": ctypes.c_int,
    "uint8_t": ctypes.c_uint8, "int16_t": ctypes.c_int16, "uint32_t": ctypes.c_uint32, "char*": ctypes.c_char_p,
    "void*": ctypes.c_void_p, "CreateOrderTxReq*": ctypes.POINTER(abi.CreateOrderTxReq),
}
_STRUCT_TYPES = {"int64_t": ctypes.c_int64, "uint32_t": ctypes.c_uint32, "uint8_t": ctypes.c_uint8}


def header_signatures(text: str) -> dict:
    out = {}
    for ret, name, args in re.findall(r"^extern (?:__declspec\(dllexport\) )?([\w*]+) (\w+)\((.*)\);$", text, re.M):
        params = [] if args.strip() in ("", "void") else [a.strip() for a in args.split(",")]
        out[name] = (ret, [re.sub(r"\s*\w+$", "", p).replace(" *", "*") for p in params])
    return out


def test_abi_table_matches_the_header_shipped_with_the_library(signer_lib_path):
    header = Path(signer_lib_path).with_suffix(".h")
    if not header.is_file():
        pytest.skip("no header beside the library")
    text = header.read_text()
    sigs = header_signatures(text)
    for func in abi.FUNCTIONS.values():
        ret, params = sigs[func.name]
        assert [_C_TYPES[p] for p in params] == [a.ctype for a in func.args], func.name
        want_ret = {"char*": ctypes.c_void_p, "void": None}[ret] if ret in ("char*", "void") else getattr(abi, ret)
        assert func.restype is want_ret, func.name
    struct = text.split("} CreateOrderTxReq;")[0].rsplit("typedef struct {", 1)[1]
    fields = [line.strip().rstrip(";").split() for line in struct.strip().splitlines()]
    assert [(n, _STRUCT_TYPES[t]) for t, n in fields] == list(abi.CreateOrderTxReq._fields_)
    for name in ("StrOrErr", "SignedTxResponse", "ApiKeyResponse"):
        body = text.split(f"}} {name};")[0].rsplit("typedef struct {", 1)[1]
        names = [line.strip().rstrip(";").split()[-1].lstrip("*") for line in body.strip().splitlines()]
        assert names == [f[0] for f in getattr(abi, name)._fields_], name


@pytest.mark.parametrize("value,encoded", [(0, 0), (2**31 - 1, 2**31 - 1), (2**31, -(2**31)), (2**32 - 1, -1),
                                           (3_000_000_000, 3_000_000_000 - 2**32)])
def test_uint32_prices_travel_as_twos_complement(value, encoded):
    assert abi._encode_one(abi.u32_in_int("price"), value) == encoded


@pytest.mark.parametrize("arg,value", [(abi.u32_in_int("price"), -1), (abi.u32_in_int("price"), 2**32),
                                       (abi.u8("skip_nonce"), 256), (abi.i32("api_key_index"), 2**31),
                                       (abi.i64("nonce"), 2**63), (abi.u64("amount"), -1),
                                       (abi.i64("nonce"), 1.0), (abi.i64("nonce"), True)])
def test_encode_refuses_values_ctypes_would_truncate(arg, value):
    with pytest.raises(abi.AbiValueError):
        abi._encode_one(arg, value)


def test_encode_requires_exactly_the_declared_names():
    func = abi.FUNCTIONS["SignCancelOrder"]
    good = dict(market_index=0, order_index=5, skip_nonce=0, nonce=1, api_key_index=3, account_index=9)
    assert abi.encode(func, good) == [0, 5, 0, 1, 3, 9]
    with pytest.raises(TypeError):
        abi.encode(func, {**good, "extra": 1})
    with pytest.raises(TypeError):
        abi.encode(func, {k: v for k, v in good.items() if k != "nonce"})


# ----------------------------------------------------------------------------- native vs pure


@pytest.mark.parametrize("tx,skip", [c[1:3] for c in CASES], ids=[c[0] for c in CASES])
def test_native_and_pure_agree(signer, key, tx, skip):
    pure = pytest.importorskip("ccxt_lighter.signer.pure")
    other = pure.PureSigner()
    other.register_key(key["private"], CHAIN, API_KEY, ACCOUNT)
    ours = signer.sign(tx, nonce=77, api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=skip)
    theirs = other.sign(tx, nonce=77, api_key_index=API_KEY, account_index=ACCOUNT, skip_nonce=skip)
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k not in ("Sig", "ExpiredAt")}  # noqa: E731
    assert strip(ours.tx_info) == strip(theirs.tx_info)
    assert ours.message_to_sign == theirs.message_to_sign
    assert pure.verify_tx_info(ours.tx_type, json.loads(ours.tx_info), CHAIN, key["public"])
    tampered = {**json.loads(ours.tx_info), "Nonce": 78}
    assert not pure.verify_tx_info(ours.tx_type, tampered, CHAIN, key["public"])


def test_native_auth_token_verifies_with_pure(signer, key):
    pure = pytest.importorskip("ccxt_lighter.signer.pure")
    token = signer.create_auth_token(int(time.time()) + 600, API_KEY, ACCOUNT)
    assert pure.verify_auth_token(token, key["public"])
    assert not pure.verify_auth_token(token.replace(f":{ACCOUNT}:", f":{ACCOUNT + 1}:"), key["public"])
