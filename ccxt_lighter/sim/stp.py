"""Self-trade prevention: what happens when an incoming order meets a resting order of "itself".

Venue facts (REFERENCE.md 7.2, 7.4): L2TxAttributes "6" = self-trade behaviour (0 expire maker, the
default; 1 expire taker; 2 expire both; 3 reduce) and "7" = equality (0 same account index, the
default; 1 same master account -- a master and its sub-accounts count as one). "reduce" cannot be
combined with master-account equality, and self-trade options cannot be combined with integrator
fees (the official signer refuses both; the simulator answers 21501 "invalid tx info").

Simulator model (documented; the venue's internals are not published):
* the *incoming* (taker) order's settings decide; orders remember them, so a stop or a TWAP slice that
  fires later still uses the settings it was created with;
* expired orders end ``canceled-self-trade``; no trade is printed between the two orders;
* "reduce" shrinks both orders by the overlapping size without a trade (decrement-and-cancel): the
  one left with nothing ends ``canceled-self-trade``, the other keeps its remainder (the taker keeps
  matching further makers).

Invariant: a self-match never produces a trade, never moves a position or a balance.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Tuple

from .errors import LighterError
from .model import Order

if TYPE_CHECKING:
    from .core import Core

EXPIRE_MAKER, EXPIRE_TAKER, EXPIRE_BOTH, REDUCE = 0, 1, 2, 3
SAME_ACCOUNT, SAME_MASTER = 0, 1
STATUS = "canceled-self-trade"


def parse(attributes: Dict[str, int]) -> Tuple[int, int]:
    """(behaviour, equality) from a tx's L2TxAttributes; 21501 for values the venue refuses."""
    behaviour, equality = attributes.get("6", EXPIRE_MAKER), attributes.get("7", SAME_ACCOUNT)
    if behaviour not in (EXPIRE_MAKER, EXPIRE_TAKER, EXPIRE_BOTH, REDUCE):
        raise LighterError(21501, detail="self-trade behaviour must be 0..3")
    if equality not in (SAME_ACCOUNT, SAME_MASTER):
        raise LighterError(21501, detail="self-trade equality must be 0 or 1")
    if behaviour == REDUCE and equality == SAME_MASTER:
        raise LighterError(21501, detail="self-trade 'reduce' cannot use master-account equality")
    if ("6" in attributes or "7" in attributes) and any(attributes.get(k) for k in ("1", "2", "3")):
        raise LighterError(21501, detail="self-trade options cannot be combined with integrator fees")
    return behaviour, equality


def _master(core: "Core", account_index: int) -> int:
    acct = core.accounts.get(account_index)
    if acct is None or acct.master_index is None:
        return account_index
    return acct.master_index


def is_self_trade(core: "Core", taker: Order, maker: Order) -> bool:
    if taker.account_index == maker.account_index:
        return True
    if taker.stp_equality == SAME_MASTER:
        return _master(core, taker.account_index) == _master(core, maker.account_index)
    return False


def resolve(core: "Core", taker: Order, maker: Order) -> bool:
    """Apply the taker's behaviour to a self-match; True when the taker keeps matching."""
    from .matching import finish, order_changed  # cycle: matching calls this module

    behaviour = taker.stp_behavior
    if behaviour == REDUCE:
        qty = min(taker.remaining_base, maker.remaining_base)
        maker.remaining_base -= qty
        taker.remaining_base -= qty
        core.books[maker.market_id].fill(maker, qty)  # takes the size off the level (no trade)
        if maker.remaining_base == 0:
            finish(core, maker, STATUS)
        else:
            order_changed(core, maker)
        if taker.remaining_base == 0:
            finish(core, taker, STATUS)
            return False
        return True
    if behaviour in (EXPIRE_MAKER, EXPIRE_BOTH):
        finish(core, maker, STATUS)
    if behaviour in (EXPIRE_TAKER, EXPIRE_BOTH):
        finish(core, taker, STATUS)
        return False
    return True
