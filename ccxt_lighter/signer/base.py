"""The interface every signing backend implements (native ctypes library or pure Python).

Venue facts (REFERENCE.md 7.5-7.8): a transaction is signed by one API key, identified by
``(account_index, api_key_index)``; the signer returns ``tx_info`` (compact JSON with Go field
names, sent unchanged), ``tx_hash`` (40-byte Poseidon2 hash as 80 hex chars, deterministic) and,
for ChangePubKey/Transfer/ApproveIntegrator, the text the L1 wallet must sign. Signatures are
randomised: only the hash is reproducible.

Invariant: backends are given integers only (see :mod:`ccxt_lighter.orders`) and an explicit
nonce; they never talk to the network.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Optional, Tuple

from ccxt.base.errors import ExchangeError

from ..orders import TxRequest


class SignerError(ExchangeError):
    """The signing backend refused or failed (bad key, missing or incompatible library, invalid request).

    A ccxt ``ExchangeError`` so bots catching ccxt's hierarchy see it; messages never hold key material.
    """


@dataclass(frozen=True)
class SignedTx:
    tx_type: int
    tx_info: str  # JSON text, exactly what goes into sendTx's tx_info form field
    tx_hash: str  # 80 lowercase hex chars, no 0x
    message_to_sign: Optional[str] = None  # L1 (EIP-191) message, when the tx needs one

    def __repr__(self) -> str:  # tx_info carries a signature: keep it out of casual logs
        return f"SignedTx(tx_type={self.tx_type}, tx_hash={self.tx_hash})"


class SignerBackend(abc.ABC):
    """One process-wide signing engine holding any number of registered API keys."""

    name: str = "abstract"

    @abc.abstractmethod
    def register_key(self, private_key_hex: str, chain_id: int, api_key_index: int, account_index: int) -> None:
        """Make ``private_key_hex`` (40-byte hex, with or without 0x) sign for this key slot."""

    @abc.abstractmethod
    def sign(self, tx: TxRequest, *, nonce: int, api_key_index: int, account_index: int,
             skip_nonce: bool = False) -> SignedTx:
        """Sign an already-validated request with an explicit nonce."""

    @abc.abstractmethod
    def create_auth_token(self, deadline: int, api_key_index: int, account_index: int) -> str:
        """``"<deadline>:<account>:<api_key>:<sig hex>"``; deadline is absolute Unix seconds."""

    @abc.abstractmethod
    def generate_api_key(self) -> Tuple[str, str]:
        """A fresh ``(private_key_hex, public_key_hex)`` pair, both without 0x."""

    def __repr__(self) -> str:
        return f"<{type(self).__name__} backend={self.name}>"
