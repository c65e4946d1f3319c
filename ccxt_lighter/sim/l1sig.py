"""L1 (Ethereum) signatures the sequencer requires on some txs, checked like the venue does.

Venue facts (REFERENCE.md 8.3; examples/signer_tx_info_examples.json ``message_to_sign_for_L1_wallet``):
ChangePubKey (8), a Transfer (12) to an account of another L1 owner and an ApproveIntegrator (45)
with a non-zero max fee carry ``L1Sig`` = an EIP-191
``personal_sign`` signature (0x + 65 bytes hex) by the account's L1 address over a fixed text with
every number as ``0x`` + 16 hex digits; a bad or missing one is 21504 "fail to l1 signature".

Invariant: the message texts below are byte-for-byte the official signer's ``messageToSign``.
"""
from __future__ import annotations

from .errors import LighterError

TRAILER = "Only sign this message for a trusted client!"


def _h(value: int) -> str:
    return "0x%016x" % value


def change_pub_key_message(public_key_hex: str, nonce: int, account: int, api_key: int) -> str:
    return (f"Register Lighter Account\n\npubkey: 0x{public_key_hex}\nnonce: {_h(nonce)}\n"
            f"account index: {_h(account)}\napi key index: {_h(api_key)}\n{TRAILER}")


def transfer_message(info: dict, chain_id: int) -> str:
    memo = bytes(info.get("Memo") or [0] * 32).hex()
    return (f"Transfer\n\nnonce: {_h(info['Nonce'])}\n"
            f"from: {_h(info['FromAccountIndex'])} (route {_h(info['FromRouteType'])})\n"
            f"api key: {_h(info['ApiKeyIndex'])}\n"
            f"to: {_h(info['ToAccountIndex'])} (route {_h(info['ToRouteType'])})\n"
            f"asset: {_h(info['AssetIndex'])}\namount: {_h(info['Amount'])}\nfee: {_h(info['USDCFee'])}\n"
            f"chainId: {_h(chain_id)}\nmemo: {memo}\n{TRAILER}")


def approve_integrator_message(info: dict, chain_id: int) -> str:
    return (f"Approve Integrator\n\nnonce: {_h(info['Nonce'])}\naccount index: {_h(info['AccountIndex'])}\n"
            f"api key index: {_h(info['ApiKeyIndex'])}\n"
            f"integrator account index: {_h(info['IntegratorAccountIndex'])}\n"
            f"max perps taker fee: {_h(info['MaxPerpsTakerFee'])}\n"
            f"max perps maker fee: {_h(info['MaxPerpsMakerFee'])}\n"
            f"max spot taker fee: {_h(info['MaxSpotTakerFee'])}\nmax spot maker fee: {_h(info['MaxSpotMakerFee'])}\n"
            f"approval expiry: {_h(info['ApprovalExpiry'])}\nchainId: {_h(chain_id)}\n{TRAILER}")


def check_l1_signature(message: str, signature: str, l1_address: str) -> None:
    """Raise 21504 unless ``signature`` is ``l1_address``'s personal_sign over ``message``."""
    if not signature:
        raise LighterError(21504)
    from eth_account import Account
    from eth_account.messages import encode_defunct

    try:
        signer = Account.recover_message(encode_defunct(text=message), signature=signature)
    except (ValueError, TypeError):
        raise LighterError(21504) from None
    if signer.lower() != l1_address.lower():
        raise LighterError(21504)
