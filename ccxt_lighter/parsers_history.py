"""Venue history payloads -> ccxt structures: deposits, withdrawals, transfers, funding payments,
liquidations and ledger lines.

Venue facts (REFERENCE.md 3.2, 8.1): amounts are decimal strings; asset ids are Lighter's fixed ids
(3 = USDC); routes are ``perps``/``spot``; deposit/withdraw statuses are ``pending``, ``claimable``,
``completed``, ``failed``, ``refunded``; a liquidation row carries the closing ``trade`` (price,
size) and ``executed_at`` (ms); timestamps mix s/ms/µs (:func:`.values.ms` normalises).

Invariant: parsers are pure (no requests) and go through strings/``Precise``; a ledger amount is
absolute, its sign is carried by ``direction``.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from ccxt.base.precise import Precise

from .parsers_account import nonzero
from .values import ms

ASSET_CODES = {1: "ETH", 2: "LIT", 3: "USDC", 5: "LINK", 6: "UNI", 7: "AAVE", 8: "SKY", 9: "LDO"}
TX_STATUS = {"completed": "ok", "pending": "pending", "claimable": "pending", "failed": "failed",
             "refunded": "canceled"}


def asset_code(ex, asset_id: Any) -> Optional[str]:
    """Currency code of a Lighter asset id (loaded currencies first, then the venue's fixed ids)."""
    if asset_id is None:
        return None
    key = str(asset_id)
    by_id = getattr(ex, "currencies_by_id", None) or {}
    if key in by_id:
        entry = by_id[key]
        return (entry[0] if isinstance(entry, list) else entry).get("code")
    try:
        return ASSET_CODES.get(int(key), key)
    except ValueError:
        return ex.safe_currency_code(key)


# {"id": "2901843", "asset_id": 3, "amount": "100000.0", "timestamp": 1766112729741,
#  "status": "completed", "l1_tx_hash": "0xa24d…"}   (withdrawals add "type": "secure" | "fast")
def parse_transaction(ex, row: Mapping, kind: str, address: Optional[str] = None) -> Dict[str, Any]:
    """A deposit or withdrawal; ``address`` is the account's L1 address (both ends of a secure one)."""
    timestamp = ms(row.get("timestamp"))
    code = asset_code(ex, row.get("asset_id"))
    return {
        "info": row, "id": ex.safe_string(row, "id"), "txid": ex.safe_string(row, "l1_tx_hash"),
        "timestamp": timestamp, "datetime": ex.iso8601(timestamp), "network": "ERC20",  # L1 = Ethereum
        "address": address, "addressTo": address, "addressFrom": address if kind == "withdrawal" else None,
        "tag": None, "tagTo": None, "tagFrom": None, "type": kind,
        "amount": ex.safe_number(row, "amount"), "currency": code,
        # the venue reports one time per row (of its latest status) and no fee
        "status": TX_STATUS.get(str(row.get("status")), str(row.get("status"))), "updated": timestamp,
        "fee": {"currency": code, "cost": None}, "comment": ex.safe_string(row, "type"), "internal": False,
    }


ROUTES = {"perps": "swap", "perp": "swap", "spot": "spot"}


# {"id": "3085014", "asset_id": 3, "amount": "11.000000", "fee": "0.000000", "timestamp": 1766387292752,
#  "type": "L2TransferOutflow", "from_account_index": 1077, "to_account_index": 281474976710608,
#  "from_route": "spot", "to_route": "spot", "tx_hash": "d8e9…"}
def parse_transfer(ex, row: Mapping, account_index: Optional[int] = None) -> Dict[str, Any]:
    """``fromAccount``/``toAccount``: the route ('spot'/'swap') for a transfer inside one account,
    the other account's index otherwise."""
    timestamp = ms(row.get("timestamp"))
    src, dst = row.get("from_account_index"), row.get("to_account_index")
    inside = src is not None and str(src) == str(dst)
    return {
        "info": row, "id": ex.safe_string_2(row, "id", "tx_hash"), "timestamp": timestamp,
        "datetime": ex.iso8601(timestamp), "currency": asset_code(ex, row.get("asset_id")),
        "amount": ex.safe_number(row, "amount"),
        "fromAccount": ROUTES.get(str(row.get("from_route"))) if inside else _str(src),
        "toAccount": ROUTES.get(str(row.get("to_route"))) if inside else _str(dst),
        "status": ex.safe_string(row, "status", "ok"),
    }


def _str(value: Any) -> Optional[str]:
    return None if value is None else str(value)


# {"timestamp": 1640995200, "market_id": 1, "funding_id": 1, "change": "-0.12", "rate": "0.0001",
#  "position_size": "1", "position_side": "long"}
def parse_funding_payment(ex, row: Mapping) -> Dict[str, Any]:
    market = ex.safe_market(ex.safe_string(row, "market_id"))
    timestamp = ms(row.get("timestamp"))
    return {"info": row, "symbol": market["symbol"], "code": market.get("settle") or "USDC",
            "timestamp": timestamp, "datetime": ex.iso8601(timestamp),
            "id": ex.safe_string(row, "funding_id"), "amount": ex.safe_number(row, "change")}


# {"id": 0, "market_id": 0, "type": "partial", "trade": {"price": "2000.00", "size": "0.5"},
#  "info": {"positions": []}, "executed_at": 1766387292752}
def parse_liquidation(ex, row: Mapping) -> Dict[str, Any]:
    """One liquidation of our account: the size closed (``contracts``) at the mark price it was
    closed at, against the insurance fund."""
    market = ex.safe_market(ex.safe_string(row, "market_id"))
    trade = row.get("trade") or {}
    size, price = nonzero(trade.get("size")), nonzero(trade.get("price"))
    timestamp = ms(row.get("executed_at")) or ms(trade.get("timestamp"))
    contracts = Precise.string_abs(size) if size else None
    return ex.safe_liquidation({
        "info": row, "symbol": market["symbol"], "contracts": ex.parse_number(contracts),
        "contractSize": ex.parse_number("1"), "price": ex.parse_number(price),
        "baseValue": ex.parse_number(contracts),
        "quoteValue": ex.parse_number(Precise.string_mul(contracts, price) if contracts and price else None),
        "timestamp": timestamp, "datetime": ex.iso8601(timestamp),
    }, market)


def ledger_entry(ex, *, info: Mapping, kind: str, amount: Optional[str], currency: Optional[str],
                 timestamp: Optional[int], ref: Optional[str], account: Optional[str],
                 other: Optional[str] = None) -> Dict[str, Any]:
    """One ledger line; the sign of ``amount`` gives the direction, the amount itself is absolute."""
    direction = "out" if amount is not None and Precise.string_lt(amount, "0") else "in"
    return ex.safe_ledger_entry({
        "info": info, "id": f"{kind}:{ref}" if ref is not None else None, "direction": direction,
        "account": account, "referenceId": ref, "referenceAccount": other, "type": kind,
        "currency": currency, "amount": ex.parse_number(Precise.string_abs(amount) if amount else None),
        "timestamp": timestamp, "datetime": ex.iso8601(timestamp), "before": None, "after": None,
        "status": "ok", "fee": None,
    }, {"id": currency, "code": currency})

