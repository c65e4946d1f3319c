"""API key registration (ChangePubKey) and the L1 (Ethereum) signatures some transactions need.

Venue facts (REFERENCE.md 7.4, 8.2, 8.3):
* ChangePubKey (tx 8) puts a new API public key into a slot of an account. It is L2-signed by the
  *new* key itself, with the slot's current nonce, and L1-signed by the account owner's Ethereum
  key over ``message_to_sign`` (EIP-191 ``personal_sign``), sent as ``"L1Sig": "0x<65 bytes>"``
  inside ``tx_info``. Registering replaces whatever key the slot held.
* Transfers to another owner's account and ApproveIntegrator carry the same kind of ``L1Sig``.
* ``L1Sig`` is not part of the transaction hash, so adding it does not change ``tx_hash``.

Invariants: an L1 signature is made only inside an operation the user called; the text signed is
checked to be the venue's message for *that* transaction (it names the right key, account and
slot) before the Ethereum key touches it; key material never reaches a message or a log.
"""
from __future__ import annotations

import json
from typing import Optional, Tuple

from ccxt.base.errors import AuthenticationError, BadRequest

TRUSTED_FOOTER = "Only sign this message for a trusted client!"


def public_key_of(private_key_hex: str) -> str:
    """The API public key (80 hex chars) of an API private key, derived locally."""
    from .signer.pure.schnorr import public_key

    text = private_key_hex[2:] if private_key_hex[:2].lower() == "0x" else private_key_hex
    if len(text) != 80:
        raise BadRequest("an API private key is 40 bytes (80 hex characters)")
    return public_key(bytes.fromhex(text)).hex()


def hex16(value: int) -> str:
    return "0x" + format(int(value), "016x")


def check_register_message(message: Optional[str], public_key_hex: str, account_index: int,
                           api_key_index: int) -> None:
    """Refuse to L1-sign anything but the registration of this key at this slot of this account."""
    if not message:
        raise AuthenticationError("the signer returned no L1 message for ChangePubKey")
    lines = [line.strip() for line in message.splitlines()]
    expected = {
        f"pubkey: 0x{public_key_hex.lower().removeprefix('0x')}",
        f"account index: {hex16(account_index)}",
        f"api key index: {hex16(api_key_index)}",
        TRUSTED_FOOTER,
    }
    lowered = {line.lower() for line in lines}
    if not lines or lines[0] != "Register Lighter Account" or {e.lower() for e in expected} - lowered:
        raise AuthenticationError("the ChangePubKey message does not describe the requested key registration")


def check_transfer_message(message: Optional[str], to_account_index: int) -> None:
    if not message or not message.splitlines() or message.splitlines()[0].strip() != "Transfer":
        raise AuthenticationError("the signer returned no transfer message to sign")
    if f"to: {hex16(to_account_index)}".lower() not in message.lower():
        raise AuthenticationError("the transfer message does not name the requested recipient")


def l1_sign(eth_private_key_hex: str, message: str) -> str:
    """EIP-191 personal_sign of ``message``: ``0x`` + 65 bytes hex."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    signed = Account.sign_message(encode_defunct(text=message), private_key=bytes.fromhex(eth_private_key_hex))
    return "0x" + bytes(signed.signature).hex()


def with_l1_sig(tx_info: str, signature: str) -> str:
    """``tx_info`` with ``L1Sig`` set (compact JSON, field order kept)."""
    info = json.loads(tx_info)
    info["L1Sig"] = signature
    return json.dumps(info, separators=(",", ":"))


def l1_address(eth_private_key_hex: str) -> str:
    from eth_account import Account

    return Account.from_key(bytes.fromhex(eth_private_key_hex)).address


def recover_l1_signer(message: str, signature: str) -> str:
    """The address that made ``signature`` over ``message`` (used by tests and the simulator)."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    return Account.recover_message(encode_defunct(text=message), signature=signature)


def new_key_pair(backend) -> Tuple[str, str]:
    """A fresh API key pair from the signing backend: (private hex, public hex), no 0x."""
    private, public = backend.generate_api_key()
    return private.lower().removeprefix("0x"), public.lower().removeprefix("0x")
