"""Sequencer handlers of the account transactions: leverage (20), isolated margin (29), transfer
(12), withdraw (13), sub-account (9) and API key registration (8); integrator approval (45) lives in
:mod:`.integrator`.

Venue facts (REFERENCE.md 2.2, 5, 7.3, 7.4, 8): IMF is 1/10000 and may not go below the market's
minimum (21113); changing margin mode with a position or open order on the market is 21132; isolated
margin is added/removed per position (no position 21614, remove below initial margin 21508);
transfers move USDC/assets between routes (0 perps, 1 spot) and accounts (unknown receiver 21106,
perps route carries USDC only 21805); withdrawals need the funds (21301 / 21304) and become
``claimable``; ChangePubKey registers the new key at ``ApiKeyIndex`` (zero collateral 21126).

Invariant: each handler validates completely before mutating.
"""
from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Dict

from .errors import LighterError
from .l1sig import change_pub_key_message, check_l1_signature, transfer_message
from .markets import USDC, fmt
from .model import Account, ApiKey
from .risk import account_risk, isolated_requirements, upnl
from .txintake import Tx

if TYPE_CHECKING:
    from .core import Core


def update_leverage(eng: "Core", acct: Account, tx: Tx) -> Dict:
    mid, imf, mode = tx.info["MarketIndex"], tx.info["InitialMarginFraction"], tx.info["MarginMode"]
    m = eng.markets.get(mid)
    if m is None or m.is_spot:
        raise LighterError(21621 if m is not None else 21602)
    if not m.min_imf <= imf <= 10_000:
        raise LighterError(21113)
    if mode not in (0, 1):
        raise LighterError(21613)
    pos = acct.position(mid, m.default_imf)
    busy = pos.size != 0 or mid in acct.orders.by_market  # any live order in the market
    if mode != pos.margin_mode and busy:
        raise LighterError(21132)
    old = (pos.imf, pos.margin_mode)
    pos.imf, pos.margin_mode = imf, mode
    if account_risk(acct, eng.markets, eng.marks).free < 0:
        pos.imf, pos.margin_mode = old
        raise LighterError(21508)
    eng.touch(acct.index, mid)
    return {"market_index": mid, "initial_margin_fraction": imf, "margin_mode": mode}


def update_margin(eng: "Core", acct: Account, tx: Tx) -> Dict:
    mid, amount, direction = tx.info["MarketIndex"], tx.info["USDCAmount"], tx.info["Direction"]
    m = eng.markets.get(mid)
    if m is None or m.is_spot:
        raise LighterError(21602)
    if direction not in (0, 1):
        raise LighterError(21615)
    if amount <= 0:
        raise LighterError(21300)
    pos = acct.positions.get(mid)
    if pos is None or pos.size == 0:
        raise LighterError(21614)
    if pos.margin_mode != 1:
        raise LighterError(21613)
    if direction == 1:
        if account_risk(acct, eng.markets, eng.marks).free < amount:
            raise LighterError(21301)
        acct.collateral -= amount
        pos.allocated_margin += amount
    else:
        initial, _ = isolated_requirements(pos, m, eng.marks[mid])
        if pos.allocated_margin - amount + min(0, upnl(pos, eng.marks[mid])) < initial:
            raise LighterError(21508)
        pos.allocated_margin -= amount
        acct.collateral += amount
    eng.touch(acct.index, mid)
    return {"market_index": mid, "allocated_margin": pos.allocated_margin}


def _debit(eng: "Core", acct: Account, asset_id: int, route: int, amount: int) -> None:
    """Check that ``amount`` can leave ``route``; raises before anything moves."""
    if route == 0:
        if asset_id != USDC:
            raise LighterError(21805)
        if account_risk(acct, eng.markets, eng.marks).free < amount:
            raise LighterError(21301)
    elif acct.spot.get(asset_id, 0) - eng.spot_locked(acct).get(asset_id, 0) < amount:
        raise LighterError(21304)


def _move(acct: Account, asset_id: int, route: int, amount: int) -> None:
    if route == 0:
        acct.collateral += amount
    else:
        acct.spot[asset_id] = acct.spot.get(asset_id, 0) + amount


def transfer(eng: "Core", acct: Account, tx: Tx) -> Dict:
    info = tx.info
    to = eng.accounts.get(info["ToAccountIndex"])
    asset_id, amount, fee = info["AssetIndex"], info["Amount"], info["USDCFee"]
    src, dst = info["FromRouteType"], info["ToRouteType"]
    if to is None:
        raise LighterError(21106)
    if asset_id not in eng.assets:
        raise LighterError(21801)
    if src not in (0, 1) or dst not in (0, 1):
        raise LighterError(21124)
    if amount <= 0:
        raise LighterError(21118)
    if fee < eng.transfer_fee(acct, to):
        raise LighterError(21134)
    if dst == 0 and asset_id != USDC:
        raise LighterError(21805)
    if to.index == acct.index and src == dst:
        raise LighterError(21106)
    if eng.verifying and acct.l1_address.lower() != to.l1_address.lower():
        check_l1_signature(transfer_message(info, eng.chain_id), info.get("L1Sig") or "", acct.l1_address)
    _debit(eng, acct, asset_id, src, amount + (fee if asset_id == USDC and src == 0 else 0))
    _move(acct, asset_id, src, -amount)
    acct.collateral -= fee
    _move(to, asset_id, dst, amount)
    dec = eng.assets[asset_id].decimals
    eng.ledger.add_transfer(amount=fmt(amount, dec), now_ms=eng.now_ms(), frm=acct, to=to, tx_hash=eng.tx_hash,
                            asset_id=asset_id, fee=fmt(fee, 6), from_route=src, to_route=dst)
    eng.touch(acct.index)
    eng.touch(to.index)
    return {"to_account_index": to.index, "amount": amount}


def withdraw(eng: "Core", acct: Account, tx: Tx) -> Dict:
    asset_id, route, amount = tx.info["AssetIndex"], tx.info["RouteType"], tx.info["Amount"]
    if asset_id not in eng.assets:
        raise LighterError(21801)
    if route not in (0, 1):
        raise LighterError(21124)
    if amount <= 0:
        raise LighterError(21116)
    _debit(eng, acct, asset_id, route, amount)
    _move(acct, asset_id, route, -amount)
    eng.ledger.add_withdraw(acct.index, amount=fmt(amount, eng.assets[asset_id].decimals), now_ms=eng.now_ms(),
                            asset_id=asset_id)
    eng.touch(acct.index)
    return {"amount": amount, "asset_index": asset_id}


def create_sub_account(eng: "Core", acct: Account, tx: Tx) -> Dict:
    if acct.master_index is not None:
        raise LighterError(21128)
    index = eng.next_sub_account_index
    eng.next_sub_account_index -= 1
    eng.accounts[index] = Account(index=index, l1_address=acct.l1_address, master_index=acct.index,
                                  created_at=eng.now_ms(), account_type=0)
    eng.touch(index)
    return {"sub_account_index": index}


def decode_pubkey(text: str) -> str:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise LighterError(21501, detail="PubKey is not base64") from None
    if len(raw) != 40:
        raise LighterError(21501, detail="PubKey must be 40 bytes")
    return raw.hex()


def change_pub_key(eng: "Core", acct: Account, tx: Tx) -> Dict:
    public_key = decode_pubkey(tx.info["PubKey"])
    if acct.collateral <= 0 and not acct.spot:
        raise LighterError(21126)
    key = acct.api_keys.get(tx.api_key_index)
    nonce = key.next_nonce if key else 0
    if eng.verifying:
        message = change_pub_key_message(public_key, tx.nonce, acct.index, tx.api_key_index)
        check_l1_signature(message, tx.info.get("L1Sig") or "", acct.l1_address)
    acct.api_keys[tx.api_key_index] = ApiKey(public_key, nonce, eng.now_us())
    return {"api_key_index": tx.api_key_index, "public_key": public_key}
