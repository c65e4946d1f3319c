"""The C ABI of the official signer library (lighter-sdk 1.1.8), declared once as data.

Venue facts (REFERENCE.md 7.6; header ``lighter-signer-linux-amd64.h`` shipped in the wheel):
* every ``Sign*`` function ends with ``skipNonce u8, nonce i64, apiKeyIndex int, accountIndex i64``;
* ``SignCreateOrder`` takes 19 arguments; market indexes are ``long long``; ``SignModifyOrder``
  takes ``orderVersion`` *after* ``nonce``;
* ``price``/``triggerPrice`` of ``SignCreateOrder`` are C ``int`` but Go reinterprets them as
  uint32, so values above 2**31-1 travel as their two's complement;
* strings come back as Go-allocated ``char*`` that the caller must release with ``Free``.

Invariants this module protects:
* argument order lives in exactly one table; call sites pass *named* arguments and
  :func:`encode` orders them, so a call site cannot drift from ``argtypes``;
* no Python int is silently truncated by ctypes: every integer is range-checked against its C
  type before the call (ctypes itself wraps out-of-range values without a word);
* returned ``char*`` fields are declared ``c_void_p`` so ctypes never converts (and loses) the
  pointer: :func:`take_string` copies the text and frees the Go allocation.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Sequence, Tuple

# ----------------------------------------------------------------------------- structs


class StrOrErr(ctypes.Structure):
    _fields_ = [("str", ctypes.c_void_p), ("err", ctypes.c_void_p)]


class SignedTxResponse(ctypes.Structure):
    _fields_ = [
        ("txType", ctypes.c_uint8),
        ("txInfo", ctypes.c_void_p),
        ("txHash", ctypes.c_void_p),
        ("messageToSign", ctypes.c_void_p),
        ("err", ctypes.c_void_p),
    ]


class ApiKeyResponse(ctypes.Structure):
    _fields_ = [("privateKey", ctypes.c_void_p), ("publicKey", ctypes.c_void_p), ("err", ctypes.c_void_p)]


class CreateOrderTxReq(ctypes.Structure):
    """One order of SignCreateGroupedOrders; ctypes applies the same natural C alignment as cgo."""

    _fields_ = [
        ("MarketIndex", ctypes.c_int64),
        ("ClientOrderIndex", ctypes.c_int64),
        ("BaseAmount", ctypes.c_int64),
        ("Price", ctypes.c_uint32),
        ("IsAsk", ctypes.c_uint8),
        ("Type", ctypes.c_uint8),
        ("TimeInForce", ctypes.c_uint8),
        ("ReduceOnly", ctypes.c_uint8),
        ("TriggerPrice", ctypes.c_uint32),
        ("OrderExpiry", ctypes.c_int64),
    ]


# Which struct fields hold pointers that must be released with Free.
STRING_FIELDS = {
    StrOrErr: ("str", "err"),
    SignedTxResponse: ("txInfo", "txHash", "messageToSign", "err"),
    ApiKeyResponse: ("privateKey", "publicKey", "err"),
}

# ----------------------------------------------------------------------------- argument kinds


@dataclass(frozen=True)
class Arg:
    """One C parameter: the keyword call sites use, its ctypes type and how a Python value maps."""

    name: str
    ctype: type
    kind: str = "int"  # "int" | "u32_in_int" | "str" | "ptr"


def i64(name: str) -> Arg:
    return Arg(name, ctypes.c_longlong)


def u64(name: str) -> Arg:
    return Arg(name, ctypes.c_ulonglong)


def i32(name: str) -> Arg:
    return Arg(name, ctypes.c_int)


def u32(name: str) -> Arg:
    return Arg(name, ctypes.c_uint32)


def i16(name: str) -> Arg:
    return Arg(name, ctypes.c_int16)


def u8(name: str) -> Arg:
    return Arg(name, ctypes.c_uint8)


def u32_in_int(name: str) -> Arg:
    """Declared ``int`` in the header, read back as uint32 by Go (prices)."""
    return Arg(name, ctypes.c_int, "u32_in_int")


def cstr(name: str) -> Arg:
    return Arg(name, ctypes.c_char_p, "str")


def ptr(name: str, ctype: type) -> Arg:
    return Arg(name, ctype, "ptr")


_TAIL = (u8("skip_nonce"), i64("nonce"), i32("api_key_index"), i64("account_index"))
_ATTRS = (i64("integrator_account_index"), i32("integrator_taker_fee"), i32("integrator_maker_fee"),
          u8("self_trade_behavior"), u8("self_trade_equality"))


@dataclass(frozen=True)
class Func:
    name: str
    restype: Optional[type]
    args: Tuple[Arg, ...]


def _f(name: str, restype: Optional[type], *args: Arg) -> Func:
    return Func(name, restype, tuple(args))


# The functions ccxt-lighter calls, in header order of arguments. Nothing else is bound.
FUNCTIONS: Dict[str, Func] = {f.name: f for f in (
    _f("GenerateAPIKey", ApiKeyResponse),
    _f("CreateClient", ctypes.c_void_p, cstr("url"), cstr("private_key"), i32("chain_id"),
       i32("api_key_index"), i64("account_index")),
    _f("CreateAuthToken", StrOrErr, i64("deadline"), i32("api_key_index"), i64("account_index")),
    _f("SignChangePubKey", SignedTxResponse, cstr("new_public_key"), *_TAIL),
    _f("SignCreateOrder", SignedTxResponse, i64("market_index"), i64("client_order_index"),
       i64("base_amount"), u32_in_int("price"), i32("is_ask"), i32("order_type"), i32("time_in_force"),
       i32("reduce_only"), u32_in_int("trigger_price"), i64("order_expiry"), *_ATTRS, *_TAIL),
    _f("SignCreateGroupedOrders", SignedTxResponse, u8("grouping_type"),
       ptr("orders", ctypes.POINTER(CreateOrderTxReq)), i32("count"), *_ATTRS, *_TAIL),
    _f("SignCancelOrder", SignedTxResponse, i64("market_index"), i64("order_index"), *_TAIL),
    _f("SignCancelAllOrders", SignedTxResponse, i32("time_in_force"), i64("time"), i64("market_index"), *_TAIL),
    _f("SignModifyOrder", SignedTxResponse, i64("market_index"), i64("index"), i64("base_amount"),
       i64("price"), i64("trigger_price"), *_ATTRS, u8("skip_nonce"), i64("nonce"), i64("order_version"),
       i32("api_key_index"), i64("account_index")),
    _f("SignWithdraw", SignedTxResponse, i32("asset_index"), i32("route_type"), u64("amount"), *_TAIL),
    _f("SignTransfer", SignedTxResponse, i64("to_account_index"), i16("asset_index"), u8("from_route_type"),
       u8("to_route_type"), i64("amount"), i64("usdc_fee"), cstr("memo"), *_TAIL),
    _f("SignCreateSubAccount", SignedTxResponse, *_TAIL),
    _f("SignUpdateLeverage", SignedTxResponse, i64("market_index"), i32("initial_margin_fraction"),
       i32("margin_mode"), *_TAIL),
    _f("SignUpdateMargin", SignedTxResponse, i64("market_index"), i64("usdc_amount"), i32("direction"), *_TAIL),
    _f("SignApproveIntegrator", SignedTxResponse, i64("integrator_account_index"), u32("max_perps_taker_fee"),
       u32("max_perps_maker_fee"), u32("max_spot_taker_fee"), u32("max_spot_maker_fee"),
       i64("approval_expiry"), *_TAIL),
    _f("Free", None, Arg("ptr", ctypes.c_void_p, "ptr")),
)}

# Symbols that mark the ABI generation this table describes. The previous generation (lighter-sdk
# headers before the BinaryOptions functions were added) exports the same Sign* names but with
# `int` market indexes, an int16 CreateOrderTxReq.MarketIndex and no orderVersion in
# SignModifyOrder: calling it through this table would shift arguments. The BinaryOptions
# operator functions arrived together with the int64 market indexes, so their presence is the
# cheapest symbol-level proof of the right generation.
GENERATION_MARKERS: Tuple[str, ...] = (
    "SignBinaryOptionsOperatorCreateMarket",
    "SignBinaryOptionsOperatorUpdateMarket",
    "SignBinaryOptionsOperatorSettleMarket",
)
REQUIRED_SYMBOLS: Tuple[str, ...] = tuple(FUNCTIONS) + GENERATION_MARKERS

# Symbols only ever exported by superseded ABIs (one global client switched with SwitchAPIKey and
# 13-argument SignCreateOrder; an async-job fork with SignCreateOrderAsync/GetJobStatus). A library
# exporting any of them was built from source whose Sign* signatures differ from FUNCTIONS.
FORBIDDEN_SYMBOLS: Tuple[str, ...] = ("SwitchAPIKey", "SignCreateOrderAsync", "GetJobStatus", "CleanupOldJobs")

# ----------------------------------------------------------------------------- encoding


class AbiValueError(ValueError):
    """A Python value does not fit the C parameter it is meant for (raised before any call)."""


def _int_range(ctype: type) -> Tuple[int, int]:
    bits = ctypes.sizeof(ctype) * 8
    signed = ctype(-1).value == -1
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def _encode_one(arg: Arg, value):
    if arg.kind in ("str",):
        if not isinstance(value, str):
            raise AbiValueError(f"{arg.name} must be a str")
        return value.encode("ascii")
    if arg.kind == "ptr":
        return value
    if not isinstance(value, int) or isinstance(value, bool):
        # floats (and Decimals) never reach the signer: prices and sizes are integer ticks
        raise AbiValueError(f"{arg.name} must be an int, got {type(value).__name__}")
    if arg.kind == "u32_in_int":
        if not 0 <= value <= 0xFFFFFFFF:
            raise AbiValueError(f"{arg.name}={value} is outside the uint32 range")
        return value - (1 << 32) if value >= (1 << 31) else value  # two's complement for C int
    low, high = _int_range(arg.ctype)
    if not low <= value <= high:
        raise AbiValueError(f"{arg.name}={value} does not fit C {arg.ctype.__name__} [{low}, {high}]")
    return value


def encode(func: Func, values: Dict[str, object]) -> list:
    """Positional C arguments for ``func`` from keyword ``values`` (exactly the declared names)."""
    names = [a.name for a in func.args]
    missing = [n for n in names if n not in values]
    extra = [n for n in values if n not in names]
    if missing or extra:
        raise TypeError(f"{func.name}: missing {missing}, unexpected {extra}")
    return [_encode_one(a, values[a.name]) for a in func.args]


def bind(lib: ctypes.CDLL) -> Dict[str, Callable]:
    """Set argtypes/restype from :data:`FUNCTIONS` on ``lib``; returns name -> foreign function."""
    bound = {}
    for func in FUNCTIONS.values():
        fn = getattr(lib, func.name)
        fn.argtypes = [a.ctype for a in func.args]
        fn.restype = func.restype
        bound[func.name] = fn
    return bound


def missing_symbols(lib: ctypes.CDLL, names: Sequence[str]) -> list:
    return [n for n in names if not _has_symbol(lib, n)]


def present_symbols(lib: ctypes.CDLL, names: Sequence[str]) -> list:
    return [n for n in names if _has_symbol(lib, n)]


def _has_symbol(lib: ctypes.CDLL, name: str) -> bool:
    try:
        getattr(lib, name)
    except AttributeError:
        return False
    return True


def take_string(free: Callable, address: Optional[int]) -> Optional[str]:
    """Copy a Go-allocated C string and release it with the library's ``Free``; NULL -> None."""
    if not address:
        return None
    try:
        return ctypes.string_at(address).decode("utf-8", errors="replace")
    finally:
        free(address)


def take_fields(free: Callable, result: ctypes.Structure) -> Dict[str, Optional[str]]:
    """Copy and free every ``char*`` field of a returned struct (all of them, even on error)."""
    out = {}
    for field in STRING_FIELDS[type(result)]:
        out[field] = take_string(free, getattr(result, field))
    return out
