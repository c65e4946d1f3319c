"""Pure-Python Lighter signer: Poseidon2 over Goldilocks, ECgFp5 Schnorr, Lighter's tx layouts.

A second :class:`~ccxt_lighter.signer.base.SignerBackend` next to the official Go library, with the
same tx_info JSON, the same deterministic tx hashes and signatures the official code accepts. Also
the verification side (used by the simulator): :func:`verify_tx_info`, :func:`verify_auth_token`.

Importing is cheap; the fixed-base table for the generator is built on the first signature
(~0.2 s once per process).
"""
from .signer import (PureSigner, auth_message, parse_auth_token, public_key_from_private, tx_hash_for,
                     verify_auth_token, verify_tx_info)
from .txhash import TxHashError, tx_hash_from_info

__all__ = [
    "PureSigner", "TxHashError", "auth_message", "parse_auth_token", "public_key_from_private",
    "tx_hash_for", "tx_hash_from_info", "verify_auth_token", "verify_tx_info",
]
