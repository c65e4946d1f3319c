"""Integrator (builder) fees: the fee attributes orders carry, and ApproveIntegrator (tx 45).

Venue facts (REFERENCE.md 7.1, 7.4, 8.3): an order may name an integrator with L2TxAttributes "1"
(integrator account index), "2" (taker fee) and "3" (maker fee), fees in ppm of the notional
(1 000 000 = 100 %); the venue charges them to the trader and credits the integrator on every fill,
on top of its own trading fee, but only if the account approved that integrator (ApproveIntegrator:
maximum perps/spot taker/maker fees until ``ApprovalExpiry`` ms; all fees 0 with expiry 0 revokes)
-- otherwise the order is refused with 21134 "invalid fee". An approval with any non-zero maximum
needs an L1 signature by the account's owner over the "Approve Integrator" text.

Invariants: no fee attribute unless the user set ``options['integratorAccountIndex']``,
``['integratorTakerFee']`` and ``['integratorMakerFee']`` (ppm) themselves; nothing approves an
integrator behind the user's back; the Ethereum key signs only a message checked to name exactly the
integrator, fees and expiry asked for.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Optional

from ccxt.base.errors import ArgumentsRequired, AuthenticationError, BadRequest

from . import orders as o
from .keys import hex16

APPROVE_TITLE = "Approve Integrator"


def ppm(value: Any, name: str) -> int:
    """A fee in ppm (an integer 0..1 000 000), BadRequest otherwise (1 000 = 0.1 %)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise BadRequest(f"{name} must be an integer number of ppm, got {value!r}") from None
    if isinstance(value, bool) or number != number.to_integral_value() or not 0 <= number <= o.FEE_TICK:
        raise BadRequest(f"{name} must be an integer number of ppm in 0..{o.FEE_TICK}, got {value!r}")
    return int(number)


def check_approve_message(message: Optional[str], tx: o.ApproveIntegrator) -> None:
    """Refuse to L1-sign anything but the approval of this integrator with these fees and expiry."""
    lines = {line.strip().lower() for line in (message or "").splitlines()}
    expected = {
        f"integrator account index: {hex16(tx.integrator_account_index)}",
        f"max perps taker fee: {hex16(tx.max_perps_taker_fee)}",
        f"max perps maker fee: {hex16(tx.max_perps_maker_fee)}",
        f"max spot taker fee: {hex16(tx.max_spot_taker_fee)}",
        f"max spot maker fee: {hex16(tx.max_spot_maker_fee)}",
        f"approval expiry: {hex16(tx.approval_expiry)}",
    }
    if not message or message.splitlines()[0].strip() != APPROVE_TITLE or expected - lines:
        raise AuthenticationError("the ApproveIntegrator message does not describe the requested approval")


class IntegratorMixin:
    def _integrator_attributes(self) -> o.TxAttributes:
        """The integrator (builder) fee attribute, only when the user configured all three values."""
        index = self.options.get("integratorAccountIndex")
        taker, maker = self.options.get("integratorTakerFee"), self.options.get("integratorMakerFee")
        if index in (None, "", 0):
            return o.TxAttributes()
        if taker is None or maker is None:
            raise BadRequest(f"{self.id} integratorAccountIndex needs integratorTakerFee and integratorMakerFee (ppm)")
        try:
            index = int(index)
        except (TypeError, ValueError):
            raise BadRequest(f"{self.id} integratorAccountIndex must be an account index") from None
        return o.TxAttributes(index, ppm(taker, "integratorTakerFee"), ppm(maker, "integratorMakerFee"))

    async def approve_integrator(self, integrator_account_index: int, max_perps_taker_fee: Any = 0,
                                 max_perps_maker_fee: Any = 0, max_spot_taker_fee: Any = 0,
                                 max_spot_maker_fee: Any = 0, expiry: Optional[int] = None,
                                 params: Dict[str, Any] = {}) -> Dict[str, Any]:
        """ApproveIntegrator: let an integrator charge this account's orders up to these fees (ppm)
        until ``expiry`` (ms timestamp). All fees 0 with ``expiry`` 0 revokes the approval.

        Any non-zero fee needs the owner's Ethereum key (``options['ethPrivateKey']`` or a 32-byte
        ``privateKey``) for the L1 signature. ``params['waitForExecution']`` waits for the sequencer.
        """
        if expiry is None:
            raise ArgumentsRequired(f"{self.id} approve_integrator() needs an expiry (ms timestamp; 0 revokes)")
        fees = [ppm(v, n) for v, n in ((max_perps_taker_fee, "max_perps_taker_fee"),
                                       (max_perps_maker_fee, "max_perps_maker_fee"),
                                       (max_spot_taker_fee, "max_spot_taker_fee"),
                                       (max_spot_maker_fee, "max_spot_maker_fee"))]
        try:
            expiry, integrator = int(expiry), int(integrator_account_index)
        except (TypeError, ValueError):
            raise BadRequest(f"{self.id} approve_integrator() takes an account index and a ms expiry") from None
        if expiry == 0 and any(fees):
            raise BadRequest(f"{self.id} expiry 0 revokes an approval: all fees must then be 0")
        if expiry and expiry <= self.milliseconds():
            raise BadRequest(f"{self.id} approve_integrator() expiry must be in the future")
        tx = o.ApproveIntegrator(integrator, *fees, expiry)
        l1_check = (lambda message: check_approve_message(message, tx)) if any(fees) else None
        answer = await self._send_tx(tx, l1_check=l1_check)
        result = {"info": answer, "id": answer.get("tx_hash"), "integratorAccountIndex": tx.integrator_account_index,
                  "maxPerpsTakerFee": fees[0], "maxPerpsMakerFee": fees[1], "maxSpotTakerFee": fees[2],
                  "maxSpotMakerFee": fees[3], "expiry": expiry}
        return await self._confirm(result, answer.get("tx_hash")) if self._confirm_wanted(params) else result
