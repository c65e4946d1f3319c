"""Running transactions through intake checks and the sequencer handlers; auth tokens.

Venue facts (REFERENCE.md 3.1, 7.5, 7.7, 7.8): the server verifies the Schnorr signature of each tx
against the public key registered for (account, api key) and reports the Poseidon2 tx hash; auth
tokens are ``"<deadline s>:<account>:<api key>:<sig hex>"``, valid until the deadline and for at
most 8 h ahead; batches are checked as a whole before any tx runs.

Invariants: a tx is judged by the *wall* clock for ExpiredAt (the client's signer set it from its
wall clock; advancing the sim clock must not expire new txs); a rejected tx consumes no nonce; in a
batch, txs execute in order and an execution failure stops the batch after the txs already done
(their nonces are consumed, as the venue's sequencer does). With ``sequencer_rejections='async'``
the state-dependent failures of :mod:`.rejections` do not raise: the tx is recorded as failed
(status 0, nonce consumed) and a batch goes on with its next tx.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from ..signer.pure.txhash import TxHashError, tx_hash_from_info
from . import events as ev
from .errors import INVALID_AUTH, LighterError
from .integrator import approve_integrator
from .rejections import check_mode, fail_tx, is_async
from .timers import run_timers
from .tx_account import (change_pub_key, create_sub_account, decode_pubkey, transfer, update_leverage,
                         update_margin, withdraw)
from .tx_groups import create_grouped
from .tx_orders import cancel_all, cancel_order, create_order, modify_order
from .txintake import (Tx, check_batch_chain, check_batch_shape, check_expiry, check_nonce, decode, lookup_key,
                       signature_bytes_ok, verifier)

HANDLERS = {
    8: change_pub_key, 9: create_sub_account, 12: transfer, 13: withdraw, 14: create_order, 15: cancel_order,
    16: cancel_all, 17: modify_order, 20: update_leverage, 28: create_grouped, 29: update_margin,
    45: approve_integrator,
}
AUTH_MAX_AHEAD_S = 8 * 3600 + 60  # a minute of slack for client clocks


def compute_hash(tx_type: int, info: dict, chain_id: int) -> str:
    """Lighter's tx hash of a wire tx_info (Poseidon2, the pure signer's implementation)."""
    try:
        return tx_hash_from_info(tx_type, info, chain_id)
    except TxHashError as exc:
        raise LighterError(21501, detail=str(exc)) from None


class Executor:
    """Mixed into :class:`.engine.Engine` (``self`` is also a :class:`.core.Core`)."""

    def __init__(self, *, verify_signatures: Optional[bool], faults, sequencer_rejections: str = "sync") -> None:
        self.verify_signatures = verify_signatures
        self.faults = faults
        self.sequencer_rejections = check_mode(sequencer_rejections)
        self._valid_tx_count = 0

    @property
    def verifying(self) -> bool:
        if self.verify_signatures is False:
            return False
        return verifier() is not None

    # -- public writes ------------------------------------------------------------------------
    def submit_tx(self, tx_type, tx_info, *, price_protection: bool = True) -> str:
        """``price_protection`` = sendTx's flag: False switches the accidental-price band off."""
        return self._run([decode(tx_type, tx_info)], price_protection)[0]

    def submit_batch(self, tx_types: Sequence, tx_infos: Sequence) -> List[str]:
        check_batch_shape(tx_types, tx_infos)
        txs = [decode(t, i) for t, i in zip(tx_types, tx_infos)]
        check_batch_chain(txs)
        return self._run(txs)

    # -- intake -------------------------------------------------------------------------------
    def _admit(self, txs: List[Tx]) -> None:
        first = txs[0]
        key = lookup_key(self.accounts, first)
        check_nonce(first, key.next_nonce if key else 0)
        wall = self.wall_ms()
        for tx in txs:
            lookup_key(self.accounts, tx)
            check_expiry(tx, wall)
            self._check_signature(tx, key)
        self._fault_nonce(len(txs))

    def _check_signature(self, tx: Tx, key) -> None:
        sig = tx.info["Sig"]
        if not signature_bytes_ok(sig):
            raise LighterError(21120)
        if not self.verifying:
            return
        public_key = decode_pubkey(tx.info["PubKey"]) if tx.tx_type == 8 else key.public_key
        if not verifier().verify_tx_info(tx.tx_type, tx.info, self.chain_id, public_key):
            raise LighterError(21120)

    def _fault_nonce(self, count: int) -> None:
        every = getattr(self.faults, "reject_nonce_every", 0) if self.faults is not None else 0
        start = self._valid_tx_count
        self._valid_tx_count += count
        if every and any((start + i + 1) % every == 0 for i in range(count)):
            raise LighterError(21104)

    def _run(self, txs: List[Tx], price_protection: bool = True) -> List[str]:
        self._admit(txs)
        hashes = [compute_hash(tx.tx_type, tx.info, self.chain_id) for tx in txs]
        self.tx_price_protection = bool(price_protection)
        try:
            for tx, tx_hash in zip(txs, hashes):
                self._execute(tx, tx_hash)
        finally:
            self.tx_price_protection = True
        return hashes

    def _execute(self, tx: Tx, tx_hash: str) -> None:
        acct = self.accounts[tx.account_index]
        with self.step():
            self.tx_hash, self.tx_nonce = tx_hash, tx.nonce
            status = 2
            try:
                event_info = HANDLERS[tx.tx_type](self, acct, tx)
            except LighterError as err:
                if not is_async(self.sequencer_rejections, err):
                    raise
                event_info, status = fail_tx(self, acct, tx, err), 0
            acct.api_keys[tx.api_key_index].next_nonce = tx.nonce + 1
            self.bump_height()
            record = self.ledger.record_tx(
                tx_hash=tx_hash, tx_type=tx.tx_type, info_text=tx.text, event_info=event_info,
                account_index=acct.index, l1_address=acct.l1_address, nonce=tx.nonce, expire_at=tx.expired_at,
                api_key_index=tx.api_key_index, height=self.height + 1, now_ms=self.now_ms(), now_us=self.now_us(),
                status=status)
            self.emit(ev.TxProcessed(acct.index, dict(record)))
            self.run_timers()

    def run_timers(self) -> None:
        run_timers(self)

    # -- auth tokens --------------------------------------------------------------------------
    def check_auth(self, token: Optional[str], account_index: Optional[int] = None) -> int:
        if not token:
            raise LighterError(INVALID_AUTH, detail="auth token required")
        owner = self._token_owner(token)
        if account_index is not None and account_index != owner:
            target = self.accounts.get(account_index)
            if target is None or target.master_index != owner:
                raise LighterError(INVALID_AUTH, detail="token is for another account")
        return owner

    def _token_owner(self, token: str) -> int:
        parts = token.split(":")
        if parts[0] == "ro" and len(parts) == 5:
            return self._read_only_owner(parts)
        if len(parts) != 4 or not all(p.isdigit() for p in parts[:3]):
            raise LighterError(INVALID_AUTH, detail="malformed token")
        deadline, account_index, key_index = (int(p) for p in parts[:3])
        now_s = self.wall_ms() // 1000
        if deadline < now_s or deadline - now_s > AUTH_MAX_AHEAD_S:
            raise LighterError(INVALID_AUTH, detail="token expired or too far ahead")
        acct = self.accounts.get(account_index)
        key = acct.api_keys.get(key_index) if acct else None
        if key is None:
            raise LighterError(INVALID_AUTH, detail="unknown account or api key")
        if len(parts[3]) != 160:
            raise LighterError(INVALID_AUTH, detail="bad signature")
        if self.verifying and not verifier().verify_auth_token(token, key.public_key):
            raise LighterError(INVALID_AUTH, detail="bad signature")
        return account_index

    def _read_only_owner(self, parts: List[str]) -> int:
        _, account, _scope, expiry, _ = parts
        if not (account.isdigit() and expiry.isdigit()) or int(account) not in self.accounts:
            raise LighterError(INVALID_AUTH, detail="malformed read-only token")
        if int(expiry) < self.wall_ms() // 1000:
            raise LighterError(INVALID_AUTH, detail="read-only token expired")
        return int(account)

    # -- fee and status helpers for the REST layer ----------------------------------------------
    def next_nonce(self, account_index: int, api_key_index: int) -> int:
        acct = self.accounts.get(account_index)
        if acct is None:
            raise LighterError(21100)
        key = acct.api_keys.get(api_key_index)
        return key.next_nonce if key else 0

    def api_keys(self, account_index: int, api_key_index: int = 255) -> List[Dict]:
        acct = self.accounts.get(account_index)
        if acct is None:
            raise LighterError(21100)
        out = []
        for idx in sorted(acct.api_keys):
            if api_key_index in (255, idx):
                key = acct.api_keys[idx]
                out.append({"account_index": account_index, "api_key_index": idx, "nonce": key.next_nonce,
                            "public_key": key.public_key, "transaction_time": key.transaction_time})
        return out
