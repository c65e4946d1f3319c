"""Per-account history books: txs, transfers, withdrawals, deposits, funding payments, liquidations,
notifications.

Venue facts (REFERENCE.md 3.2; examples/rest_tx.json, ws_account_tx.json, rest_transfer_history.json,
rest_withdraw_history.json, rest_deposit_history.json, rest_positionFunding.json,
rest_liquidations.json, ws_notification.json; lighter-sdk 1.1.8 models ``EnrichedTx``,
``TransferHistoryItem``, ``WithdrawHistoryItem``, ``DepositHistoryItem``, ``PositionFunding``,
``Liquidation``): tx status 2 = executed, 0 = failed (the sequencer refused it after intake);
transfer types ``L2TransferInflow``/``L2TransferOutflow``/``L2SelfTransfer``, routes
``perps``/``spot``; secure withdrawals end ``claimable``; ids are strings in the histories;
notifications (liquidations) are kept per account, the newest 100.

Invariant: entries are appended once, never edited, newest last; readers get them newest first.
"""
from __future__ import annotations

import json
from typing import Dict, List, Optional

ROUTES = ("perps", "spot")
NOTIFICATION_LIMIT = 100  # per account; the venue's retention is not published


class Ledger:
    def __init__(self) -> None:
        self.txs: Dict[str, Dict] = {}
        self.txs_by_seq: Dict[int, Dict] = {}
        self.account_txs: Dict[int, List[Dict]] = {}
        self.transfers: Dict[int, List[Dict]] = {}
        self.withdraws: Dict[int, List[Dict]] = {}
        self.deposits: Dict[int, List[Dict]] = {}
        self.fundings: Dict[int, List[Dict]] = {}
        self.liquidations: Dict[int, List[Dict]] = {}
        self.notifications: Dict[int, List[Dict]] = {}
        self.seq = 0
        self.next_id = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def record_tx(self, *, tx_hash: str, tx_type: int, info_text: str, event_info: Dict, account_index: int,
                  l1_address: str, nonce: int, expire_at: int, api_key_index: int, height: int,
                  now_ms: int, now_us: int, status: int = 2) -> Dict:
        self.seq += 1
        tx = {
            "hash": tx_hash, "type": tx_type, "info": info_text,
            "event_info": json.dumps(event_info, separators=(",", ":")), "status": status,
            "transaction_index": self.seq, "l1_address": l1_address, "account_index": account_index,
            "nonce": nonce, "expire_at": expire_at, "block_height": height, "queued_at": now_ms,
            "executed_at": now_ms, "sequence_index": self.seq, "parent_hash": "",
            "api_key_index": api_key_index, "transaction_time": now_us, "committed_at": now_ms,
            "verified_at": now_ms,
        }
        self.txs[tx_hash] = tx
        self.txs_by_seq[self.seq] = tx
        self.account_txs.setdefault(account_index, []).append(tx)
        return tx

    def tx(self, by: str, value: str) -> Optional[Dict]:
        if by == "hash":
            return self.txs.get(value.lower().removeprefix("0x"))
        try:
            return self.txs_by_seq.get(int(value))
        except ValueError:
            return None

    def add_transfer(self, *, amount: str, now_ms: int, frm, to, tx_hash: str, asset_id: int, fee: str,
                     from_route: int, to_route: int) -> None:
        base = {
            "amount": amount, "timestamp": now_ms, "from_l1_address": frm.l1_address,
            "to_l1_address": to.l1_address, "from_account_index": frm.index, "to_account_index": to.index,
            "tx_hash": tx_hash, "asset_id": asset_id, "fee": fee, "from_route": ROUTES[from_route],
            "to_route": ROUTES[to_route],
        }
        if frm.index == to.index:
            self.transfers.setdefault(frm.index, []).append(dict(base, id=str(self.new_id()), type="L2SelfTransfer"))
            return
        self.transfers.setdefault(frm.index, []).append(dict(base, id=str(self.new_id()), type="L2TransferOutflow"))
        self.transfers.setdefault(to.index, []).append(dict(base, id=str(self.new_id()), type="L2TransferInflow"))

    def add_withdraw(self, account_index: int, *, amount: str, now_ms: int, asset_id: int) -> None:
        self.withdraws.setdefault(account_index, []).append({
            "id": str(self.new_id()), "amount": amount, "timestamp": now_ms, "status": "claimable",
            "type": "secure", "l1_tx_hash": "0x" + "00" * 32, "asset_id": asset_id,
        })

    def add_deposit(self, account_index: int, *, amount: str, now_ms: int, asset_id: int) -> None:
        self.deposits.setdefault(account_index, []).append({
            "id": str(self.new_id()), "amount": amount, "timestamp": now_ms, "status": "completed",
            "l1_tx_hash": "0x" + "%064x" % self.next_id, "asset_id": asset_id,
        })

    def add_funding(self, account_index: int, entry: Dict) -> None:
        self.fundings.setdefault(account_index, []).append(entry)

    def add_liquidation(self, account_index: int, entry: Dict) -> None:
        self.liquidations.setdefault(account_index, []).append(entry)

    def add_notification(self, account_index: int, notif: Dict) -> None:
        notifs = self.notifications.setdefault(account_index, [])
        notifs.append(notif)
        if len(notifs) > NOTIFICATION_LIMIT:
            del notifs[: len(notifs) - NOTIFICATION_LIMIT]

    @staticmethod
    def newest_first(items: Optional[List[Dict]], limit: Optional[int] = None) -> List[Dict]:
        out = list(reversed(items or []))
        return out if limit is None else out[:limit]
