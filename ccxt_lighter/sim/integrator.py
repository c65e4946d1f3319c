"""Integrator (builder) fees: approvals (ApproveIntegrator, tx 45) and the fees orders carry.

Venue facts (REFERENCE.md 7.1, 7.4, 8.3; examples/signer_tx_info_examples.json; lighter-sdk 1.1.8
models ``ApprovedIntegrator``, ``Order``, ``Trade``): an order may name an integrator with
L2TxAttributes "1" (integrator account index), "2" (taker fee) and "3" (maker fee), fees in ppm of
the notional (FeeTick 1e6 = 100 %); an account approves an integrator with ApproveIntegrator
(``IntegratorAccountIndex``, max perps/spot taker/maker fees, ``ApprovalExpiry`` ms), which needs an
L1 signature over the "Approve Integrator" text when any max fee is non-zero; ``ApprovalExpiry`` 0
with all fees 0 revokes. Orders show ``integrator_fee_collector_index`` / ``integrator_taker_fee`` /
``integrator_maker_fee`` (strings), trades ``integrator_{taker,maker}_fee`` and
``integrator_{taker,maker}_fee_collector_index`` (ints).

Simulator model (documented; the venue's exact checks are not published):
* an order with integrator fees is refused with 21134 "invalid fee" unless the account approved that
  integrator, the approval has not expired (judged by the wall clock, like every client-set time)
  and each fee is within the approved maximum for the market kind (perps or spot);
* on every fill the side's fee (taker fee when the order took liquidity, maker fee when it rested) is
  charged to the trader and credited to the integrator account: USDC collateral on perps, the spot
  USDC balance on spot -- on top of the venue's own trading fee;
* approving an unknown account is 21100, approving oneself 21107 "invalid account";
* a resting order keeps charging the fees it was accepted with even if the approval later lapses.

Invariant: fee money only moves between the trader and the integrator account (it is conserved).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Tuple

from .errors import LighterError
from .l1sig import approve_integrator_message, check_l1_signature
from .markets import USDC
from .model import Account, Order
from .settle import fee_of
from .txintake import Tx

if TYPE_CHECKING:
    from .core import Core

FEE_TICK = 1_000_000
FEE_FIELDS = ("MaxPerpsTakerFee", "MaxPerpsMakerFee", "MaxSpotTakerFee", "MaxSpotMakerFee")


def approve_integrator(eng: "Core", acct: Account, tx: Tx) -> Dict:
    """Sequencer handler of ApproveIntegrator (45): record, replace or revoke an approval."""
    info = tx.info
    integrator, expiry = info["IntegratorAccountIndex"], info["ApprovalExpiry"]
    fees = [info[name] for name in FEE_FIELDS]
    if integrator not in eng.accounts or integrator == acct.index:
        raise LighterError(21100 if integrator not in eng.accounts else 21107)
    if any(not 0 <= fee <= FEE_TICK for fee in fees):
        raise LighterError(21134)
    if expiry == 0 and any(fees):
        raise LighterError(21501, detail="ApprovalExpiry should be zero only when revoking")
    if expiry and expiry <= eng.wall_ms():
        raise LighterError(21501, detail="ApprovalExpiry is in the past")
    if eng.verifying and any(fees):
        check_l1_signature(approve_integrator_message(info, eng.chain_id), info.get("L1Sig") or "",
                           acct.l1_address)
    if expiry == 0:
        acct.integrators.pop(integrator, None)
    else:
        acct.integrators[integrator] = {
            "account_index": integrator, "name": "", "max_perps_taker_fee": fees[0],
            "max_perps_maker_fee": fees[1], "max_spot_taker_fee": fees[2], "max_spot_maker_fee": fees[3],
            "approval_expiry": expiry}
    eng.touch(acct.index)
    return {"integrator_account_index": integrator, "approval_expiry": expiry}


def order_fees(core: "Core", acct: Account, attributes: Dict[str, int], market_id: int) -> Tuple[int, int, int]:
    """(integrator index, taker ppm, maker ppm) an order may carry; 21134 unless approved."""
    index, taker, maker = (attributes.get(k, 0) for k in ("1", "2", "3"))
    if not index and not taker and not maker:
        return 0, 0, 0
    approval = acct.integrators.get(index) if index else None
    if approval is None or approval["approval_expiry"] <= core.wall_ms():
        raise LighterError(21134, detail="integrator is not approved by the account")
    kind = "spot" if core.markets[market_id].is_spot else "perps"
    if not (0 <= taker <= approval[f"max_{kind}_taker_fee"] and 0 <= maker <= approval[f"max_{kind}_maker_fee"]):
        raise LighterError(21134, detail="integrator fee above the approved maximum")
    return index, taker, maker


def charge(core: "Core", order: Order, is_taker: bool, notional: int) -> Tuple[int, int]:
    """Move this side's integrator fee of one fill; returns (ppm, collector index) for the trade."""
    ppm = order.integrator_taker_fee if is_taker else order.integrator_maker_fee
    collector = core.accounts.get(order.integrator_index) if order.integrator_index else None
    if collector is None:
        return 0, 0
    fee = fee_of(notional, ppm)
    if fee:
        trader = core.accounts[order.account_index]
        if core.markets[order.market_id].is_spot:
            trader.spot[USDC] = trader.spot.get(USDC, 0) - fee
            collector.spot[USDC] = collector.spot.get(USDC, 0) + fee
        else:
            trader.collateral -= fee
            collector.collateral += fee
        core.touch(trader.index)
        core.touch(collector.index)
    return ppm, collector.index


def approvals_json(acct: Account) -> list:
    """``approved_integrators`` of DetailedAccount (ApprovedIntegrator objects), by integrator index."""
    return [dict(acct.integrators[i]) for i in sorted(acct.integrators)]
