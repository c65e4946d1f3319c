"""Signing through the official Go library (lighter-sdk 1.1.8) over ctypes.

Venue facts (REFERENCE.md 7.6): the library keeps one Go client per ``(account_index,
api_key_index)`` in a process-wide map, created by ``CreateClient``; with ``url=""`` and an
explicit ``nonce >= 0`` it signs fully offline (``nonce = -1`` would make it call the venue);
``apiKeyIndex = 255`` means "the last registered client", which this module never relies on.
``CreateClient`` also sets a process-global chain id that Go writes into the L1 messages of
Transfer/ChangePubKey/ApproveIntegrator (observed: the most recently registered key's chain wins).

Invariants:
* the library is checked before it signs anything (:mod:`.selfcheck`), once per path;
* every signature uses an explicit nonce and an explicit key slot, never the Go defaults;
* registration (a Go map write) never overlaps a signature (map reads): a readers-writer lock
  lets signatures run in parallel threads (ctypes releases the GIL) while ``CreateClient`` waits;
* every Go-allocated string is copied then released with ``Free``;
* an L1-message transaction is refused when its key's chain is not the library's current global
  chain (the message would name the wrong chain);
* private keys never appear in exceptions, logs or reprs (Go error text is scrubbed too).
"""
from __future__ import annotations

import ctypes
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Dict, Optional, Tuple

from ccxt.base.errors import BadRequest

from .. import orders as o
from . import abi
from .base import SignedTx, SignerBackend, SignerError
from .locate import INSTALL_HINT, SignerIncompatible, SignerNotFound, find_library

__all__ = ["NativeSigner", "SignerNotFound", "SignerIncompatible", "SignerRequestRejected", "load_library"]


class SignerRequestRejected(SignerError, BadRequest):
    """The request (or a value in it) was refused before or by the library; nothing was signed."""


_HEX_RUN = re.compile(r"(0x)?[0-9a-fA-F]{64,}")


def scrub(text: str, *secrets: str) -> str:
    """Remove secrets and any long hex run (keys, signatures) from library error text."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    return _HEX_RUN.sub("<hex>", text)


def normalize_hex(value: str, nbytes: int, what: str) -> str:
    """Lowercase hex without 0x of exactly ``nbytes`` bytes; the message never echoes the value."""
    if not isinstance(value, str):
        raise SignerRequestRejected(f"{what} must be a hex string")
    text = value[2:] if value[:2].lower() == "0x" else value
    if len(text) != 2 * nbytes or not all(c in "0123456789abcdefABCDEF" for c in text):
        raise SignerRequestRejected(f"{what} must be {nbytes} bytes of hex ({2 * nbytes} hex characters)")
    return text.lower()


class RWLock:
    """Many readers or one writer; a waiting writer blocks new readers (no writer starvation)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def read(self):
        with self._cond:
            while self._writer or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._cond.notify_all()

    @contextmanager
    def write(self):
        with self._cond:
            self._writers_waiting += 1
            while self._writer or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class LoadedLibrary:
    """One dlopen'ed signer library: bound functions, its lock, its registered key slots."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.cdll = ctypes.CDLL(str(path))
        except OSError as exc:  # wrong architecture, missing glibc symbols, not a library ...
            raise SignerIncompatible(f"cannot load signer library {path}: {exc}; {INSTALL_HINT}") from None
        self.fns: Dict[str, Callable] = {}
        self.free: Callable = lambda ptr: None
        self.lock = RWLock()
        self.slots: Dict[Tuple[int, int], int] = {}  # (account, api key) -> chain id; no key material
        # CreateClient also sets a process-global chain id that Go writes into L1 messages
        # (see _L1_MESSAGE_TXS): the chain of the most recently registered key wins.
        self.l1_chain: Optional[int] = None
        self.check = None  # selfcheck.LoadCheck once the library passed

    def bind(self) -> None:
        self.fns = abi.bind(self.cdll)
        self.free = self.fns["Free"]

    def call(self, name: str, **values):
        """Encode named arguments through the ABI table and call; bad values never reach C."""
        try:
            args = abi.encode(abi.FUNCTIONS[name], values)
        except abi.AbiValueError as exc:
            raise SignerRequestRejected(str(exc)) from None
        return self.fns[name](*args)

    def signed(self, name: str, **values) -> SignedTx:
        result = self.call(name, **values)
        tx_type = int(result.txType)
        text = abi.take_fields(lambda p: self.free(p), result)  # free looked up per call (tests wrap it)
        if text["err"]:
            raise SignerRequestRejected(f"{name}: {scrub(text['err'])}")
        if not text["txInfo"] or not text["txHash"]:
            raise SignerError(f"{name} returned no tx_info/tx_hash")
        return SignedTx(tx_type, text["txInfo"], text["txHash"], text["messageToSign"])

    def __repr__(self) -> str:
        return f"<LoadedLibrary {self.path} slots={len(self.slots)}>"


_LOADED: Dict[str, object] = {}  # resolved path -> LoadedLibrary or the SignerIncompatible it raised
_LOADED_LOCK = threading.Lock()


def load_library(path: Optional[str] = None) -> LoadedLibrary:
    """Find, load and check the library (once per resolved path; failures are cached too)."""
    from .selfcheck import run_load_check

    located = find_library(path)
    key = str(located.path)
    with _LOADED_LOCK:
        cached = _LOADED.get(key)
        if cached is None:
            try:
                lib = LoadedLibrary(located.path)
                run_load_check(lib)
                cached = lib
            except SignerIncompatible as exc:
                cached = exc
            _LOADED[key] = cached
    if isinstance(cached, SignerIncompatible):
        raise SignerIncompatible(str(cached))
    return cached


def _attrs(a: o.TxAttributes) -> dict:
    return dict(integrator_account_index=a.integrator_account_index,
                integrator_taker_fee=a.integrator_taker_fee, integrator_maker_fee=a.integrator_maker_fee,
                self_trade_behavior=a.self_trade_behavior, self_trade_equality=a.self_trade_equality)


def order_struct(spec: o.OrderSpec) -> abi.CreateOrderTxReq:
    return abi.CreateOrderTxReq(spec.market_index, spec.client_order_index, spec.base_amount, spec.price,
                                spec.is_ask, spec.order_type, spec.time_in_force, spec.reduce_only,
                                spec.trigger_price, spec.order_expiry)


def _create_order(tx: o.CreateOrder) -> Tuple[str, dict]:
    s = tx.order
    return "SignCreateOrder", dict(
        market_index=s.market_index, client_order_index=s.client_order_index, base_amount=s.base_amount,
        price=s.price, is_ask=s.is_ask, order_type=s.order_type, time_in_force=s.time_in_force,
        reduce_only=s.reduce_only, trigger_price=s.trigger_price, order_expiry=s.order_expiry,
        **_attrs(tx.attributes))


def _grouped(tx: o.CreateGroupedOrders) -> Tuple[str, dict]:
    array = (abi.CreateOrderTxReq * len(tx.orders))(*[order_struct(s) for s in tx.orders])
    return "SignCreateGroupedOrders", dict(grouping_type=tx.grouping_type, orders=array,
                                           count=len(tx.orders), **_attrs(tx.attributes))


def _modify(tx: o.ModifyOrder) -> Tuple[str, dict]:
    return "SignModifyOrder", dict(market_index=tx.market_index, index=tx.index, base_amount=tx.base_amount,
                                   price=tx.price, trigger_price=tx.trigger_price,
                                   order_version=tx.order_version, **_attrs(tx.attributes))


def _change_pub_key(tx: o.ChangePubKey) -> Tuple[str, dict]:
    # the library only accepts 0x-prefixed hex here ("hex string without 0x prefix" otherwise)
    return "SignChangePubKey", dict(new_public_key="0x" + normalize_hex(tx.new_public_key, 40, "new_public_key"))


_BUILDERS: Dict[type, Callable] = {
    o.CreateOrder: _create_order,
    o.CreateGroupedOrders: _grouped,
    o.ModifyOrder: _modify,
    o.ChangePubKey: _change_pub_key,
    o.CancelOrder: lambda t: ("SignCancelOrder", dict(market_index=t.market_index, order_index=t.index)),
    o.CancelAllOrders: lambda t: ("SignCancelAllOrders", dict(
        time_in_force=t.time_in_force, time=t.time, market_index=t.market_index)),
    o.UpdateLeverage: lambda t: ("SignUpdateLeverage", dict(
        market_index=t.market_index, initial_margin_fraction=t.initial_margin_fraction, margin_mode=t.margin_mode)),
    o.UpdateMargin: lambda t: ("SignUpdateMargin", dict(
        market_index=t.market_index, usdc_amount=t.usdc_amount, direction=t.direction)),
    o.Transfer: lambda t: ("SignTransfer", dict(
        to_account_index=t.to_account_index, asset_index=t.asset_index, from_route_type=t.from_route_type,
        to_route_type=t.to_route_type, amount=t.amount, usdc_fee=t.usdc_fee, memo=t.memo)),
    o.Withdraw: lambda t: ("SignWithdraw", dict(asset_index=t.asset_index, route_type=t.route_type, amount=t.amount)),
    o.CreateSubAccount: lambda t: ("SignCreateSubAccount", {}),
    o.ApproveIntegrator: lambda t: ("SignApproveIntegrator", dict(
        integrator_account_index=t.integrator_account_index, max_perps_taker_fee=t.max_perps_taker_fee,
        max_perps_maker_fee=t.max_perps_maker_fee, max_spot_taker_fee=t.max_spot_taker_fee,
        max_spot_maker_fee=t.max_spot_maker_fee, approval_expiry=t.approval_expiry)),
}


def build_call(tx, *, nonce: int, api_key_index: int, account_index: int, skip_nonce: bool) -> Tuple[str, dict]:
    """Library function name and its named arguments for a validated request."""
    builder = _BUILDERS.get(type(tx))
    if builder is None:
        raise SignerRequestRejected(f"cannot sign {type(tx).__name__}")
    name, values = builder(tx)
    attributes = getattr(tx, "attributes", None)
    skip = bool(skip_nonce) or bool(attributes is not None and attributes.skip_nonce)
    values.update(skip_nonce=int(skip), nonce=nonce, api_key_index=api_key_index, account_index=account_index)
    return name, values


_L1_MESSAGE_TXS = (o.Transfer, o.ChangePubKey, o.ApproveIntegrator)
MAX_ACCOUNT_INDEX = 2**48 - 2  # the library refuses larger AccountIndex values


def check_slot(api_key_index: int, account_index: int) -> None:
    for name, value, low, high in (("api_key_index", api_key_index, 0, o.MAX_API_KEY_INDEX),
                                   ("account_index", account_index, 1, MAX_ACCOUNT_INDEX)):
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise SignerRequestRejected(f"{name} must be an integer in [{low}, {high}]")


class NativeSigner(SignerBackend):
    """:class:`SignerBackend` over the official library; one instance per library path is enough."""

    name = "native"

    def __init__(self, path: Optional[str] = None) -> None:
        self._lib = load_library(path)

    @property
    def path(self) -> Path:
        return self._lib.path

    @property
    def load_check(self):
        return self._lib.check

    def register_key(self, private_key_hex: str, chain_id: int, api_key_index: int, account_index: int) -> None:
        from .selfcheck import PROBE_SLOT

        key = normalize_hex(private_key_hex, 40, "private key")
        check_slot(api_key_index, account_index)
        if (account_index, api_key_index) == PROBE_SLOT:
            raise SignerRequestRejected("this (account_index, api_key_index) is reserved for the library self-check")
        if not isinstance(chain_id, int) or isinstance(chain_id, bool) or not 0 < chain_id < 2**31:
            raise SignerRequestRejected("chain_id must be a positive integer (304 mainnet, 300 testnet)")
        with self._lib.lock.write():
            err = self._lib.call("CreateClient", url="", private_key=key, chain_id=chain_id,
                                 api_key_index=api_key_index, account_index=account_index)
            message = abi.take_string(lambda p: self._lib.free(p), err)
            if message:
                raise SignerRequestRejected(f"key registration failed: {scrub(message, key)}")
            self._lib.slots[(account_index, api_key_index)] = chain_id
            self._lib.l1_chain = chain_id

    def _require_slot(self, api_key_index: int, account_index: int) -> None:
        check_slot(api_key_index, account_index)
        if (account_index, api_key_index) not in self._lib.slots:
            raise SignerError(f"no key registered for account_index={account_index} "
                              f"api_key_index={api_key_index}; call register_key first")

    def sign(self, tx, *, nonce: int, api_key_index: int, account_index: int, skip_nonce: bool = False) -> SignedTx:
        try:
            o.validate(tx)
        except o.TxRangeError as exc:
            raise SignerRequestRejected(str(exc)) from exc
        if not isinstance(nonce, int) or isinstance(nonce, bool) or nonce < 0:
            # nonce -1 would make the library fetch one over HTTP: never allowed here
            raise SignerRequestRejected("nonce must be an explicit integer >= 0")
        self._require_slot(api_key_index, account_index)
        name, values = build_call(tx, nonce=nonce, api_key_index=api_key_index,
                                  account_index=account_index, skip_nonce=skip_nonce)
        with self._lib.lock.read():
            if isinstance(tx, _L1_MESSAGE_TXS):
                self._check_l1_chain(api_key_index, account_index)
            return self._lib.signed(name, **values)

    def _check_l1_chain(self, api_key_index: int, account_index: int) -> None:
        chain = self._lib.slots[(account_index, api_key_index)]
        if chain != self._lib.l1_chain:
            raise SignerError(
                f"this key is registered for chain {chain}, but the official library writes the chain id of the "
                f"most recently registered key ({self._lib.l1_chain}) into L1 messages; register keys of one chain "
                "per process (or re-register this key) before signing Transfer/ChangePubKey/ApproveIntegrator")

    def create_auth_token(self, deadline: int, api_key_index: int, account_index: int) -> str:
        if not isinstance(deadline, int) or isinstance(deadline, bool) or deadline <= 0:
            raise SignerRequestRejected("deadline must be an absolute Unix time in seconds")
        self._require_slot(api_key_index, account_index)
        with self._lib.lock.read():
            result = self._lib.call("CreateAuthToken", deadline=deadline, api_key_index=api_key_index,
                                    account_index=account_index)
            text = abi.take_fields(lambda p: self._lib.free(p), result)
        if text["err"] or not text["str"]:
            raise SignerError(f"CreateAuthToken failed: {scrub(text['err'] or 'empty result')}")
        return text["str"]

    def generate_api_key(self) -> Tuple[str, str]:
        text = abi.take_fields(lambda p: self._lib.free(p), self._lib.call("GenerateAPIKey"))
        if text["err"] or not text["privateKey"] or not text["publicKey"]:
            raise SignerError(f"GenerateAPIKey failed: {scrub(text['err'] or 'empty result')}")
        return (normalize_hex(text["privateKey"], 40, "generated private key"),
                normalize_hex(text["publicKey"], 40, "generated public key"))

    def __repr__(self) -> str:
        return f"<NativeSigner backend=native path={self._lib.path} keys={len(self._lib.slots)}>"
