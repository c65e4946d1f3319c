"""Order rules the official signer enforces before signing (so the pure signer refuses the same input).

Venue facts (REFERENCE.md 7.3; lighter-go ``create_order.go`` / ``create_grouped_orders.go``
``Validate``; messages are the Go signer's own, confirmed against lighter-sdk 1.1.8's library):

* market: IOC, no expiry, no trigger; limit: no trigger, IOC <=> no expiry; stop-loss/take-profit:
  IOC, trigger and expiry set; their limit variants: trigger and expiry set; TWAP: GTT, no trigger,
  expiry set; ``BaseAmount`` 0 only for reduce-only orders;
* grouped: OTO = [parent, child with BaseAmount 0 on the other side]; OCO = two reduce-only
  siblings (one stop-loss type, one take-profit type) with equal size, side and expiry;
  OTOCO = [parent, stop-loss child, take-profit child]; one market; client order ids unique;
* cancel-all: immediate and abort => Time 0, scheduled => Time > 0; a per-market cancel-all must
  be immediate;
* transfer / withdraw / margin amounts and transfer fees are at most 2^60 - 1; route types 0/1;
  asset indices 1..62; integrator max fees at most 1e6 (FeeTick); approval expiry in [0, 2^48),
  and 0 (a revocation) only with all fees 0.

Invariant: :func:`check_rules` only raises :class:`TxRuleError`; range checks live in
``orders.validate``.
"""
from __future__ import annotations

from typing import Sequence

from ...orders import (FEE_TICK, NIL_MARKET_INDEX, ApproveIntegrator, CancelAllOrders, CreateGroupedOrders,
                       CreateOrder, GroupingType, OrderSpec, OrderType, TimeInForce, Transfer, TxRequest,
                       UpdateMargin, Withdraw)

_IOC, _GTT = TimeInForce.IMMEDIATE_OR_CANCEL, TimeInForce.GOOD_TILL_TIME
_SL_TYPES = (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT)
_TP_TYPES = (OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT)

TIF_INVALID = "OrderTimeInForce is not valid"
EXPIRY_INVALID = "OrderExpiry is invalid"
TRIGGER_INVALID = "TriggerPrice is invalid"
TYPE_INVALID = "OrderType is not valid"


class TxRuleError(ValueError):
    """The request breaks a rule the official signer enforces."""


def _fail_if(condition: bool, message: str) -> None:
    if condition:
        raise TxRuleError(message)


def check_parent_order(o: OrderSpec) -> None:
    """Market and limit orders (also the parent of a grouped order)."""
    if o.order_type == OrderType.MARKET:
        _fail_if(o.time_in_force != _IOC, TIF_INVALID)
        _fail_if(o.order_expiry != 0, EXPIRY_INVALID)
        _fail_if(o.trigger_price != 0, TRIGGER_INVALID)
    elif o.order_type == OrderType.LIMIT:
        _fail_if(o.trigger_price != 0, TRIGGER_INVALID)
        _fail_if((o.time_in_force == _IOC) != (o.order_expiry == 0), EXPIRY_INVALID)
    else:
        raise TxRuleError(TYPE_INVALID)


def check_child_order(o: OrderSpec) -> None:
    """Stop-loss / take-profit orders (market or limit variant)."""
    if o.order_type in (OrderType.STOP_LOSS, OrderType.TAKE_PROFIT):
        _fail_if(o.time_in_force != _IOC, TIF_INVALID)
    elif o.order_type not in (OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT):
        raise TxRuleError(TYPE_INVALID)
    _fail_if(o.trigger_price == 0, TRIGGER_INVALID)
    _fail_if(o.order_expiry == 0, EXPIRY_INVALID)


def check_order(o: OrderSpec) -> None:
    _fail_if(o.reduce_only != 1 and o.base_amount == 0, "BaseAmount should not be less than 1")
    if o.order_type in (OrderType.MARKET, OrderType.LIMIT):
        check_parent_order(o)
    elif o.order_type == OrderType.TWAP:
        _fail_if(o.time_in_force != _GTT, TIF_INVALID)
        _fail_if(o.trigger_price != 0, TRIGGER_INVALID)
        _fail_if(o.order_expiry == 0, EXPIRY_INVALID)
    else:
        check_child_order(o)


def _check_siblings(orders: Sequence[OrderSpec]) -> None:
    for o in orders:
        check_child_order(o)
    types = {o.order_type for o in orders}
    _fail_if(not (types & set(_SL_TYPES) and types & set(_TP_TYPES)), TYPE_INVALID)


def check_grouped(tx: CreateGroupedOrders) -> None:
    orders = tx.orders
    _fail_if(any(o.market_index != orders[0].market_index for o in orders),
             "MarketIndex should match the market index of the order")
    ids = [o.client_order_index for o in orders if o.client_order_index]
    _fail_if(len(ids) != len(set(ids)), "ClientOrderIndex should be unique within the group")
    for o in orders:
        _fail_if(o.reduce_only != 1 and o.base_amount == 0, "BaseAmount should not be less than 1")
    size = {GroupingType.OTO: 2, GroupingType.OCO: 2, GroupingType.OTOCO: 3}.get(tx.grouping_type)
    _fail_if(size is None, "GroupingType is not valid")
    _fail_if(len(orders) != size, "OrderGroupSize is not valid")
    if tx.grouping_type == GroupingType.OCO:
        a, b = orders
        _fail_if(a.base_amount != b.base_amount, "BaseAmounts should be equal")
        _fail_if(a.is_ask != b.is_ask, "IsAsk should be 0 or 1")
        _fail_if(a.reduce_only != 1 or b.reduce_only != 1, "ReduceOnly is invalid")
        _fail_if(a.order_expiry != b.order_expiry, EXPIRY_INVALID)
        _check_siblings(orders)
        return
    parent, children = orders[0], orders[1:]
    _fail_if(any(c.base_amount != 0 for c in children), "BaseAmount should be nil")
    _fail_if(any(c.is_ask == parent.is_ask for c in children), "IsAsk should be 0 or 1")
    _fail_if(len({c.order_expiry for c in children}) != 1, EXPIRY_INVALID)
    _fail_if(parent.order_expiry != 0 and parent.order_expiry != children[0].order_expiry, EXPIRY_INVALID)
    check_parent_order(parent)
    if tx.grouping_type == GroupingType.OTO:
        check_child_order(children[0])
    else:
        _check_siblings(children)


def check_cancel_all(tx: CancelAllOrders) -> None:
    """Immediate (0) and abort (2) carry no time; scheduled (1) needs one; per-market is immediate only."""
    _fail_if(tx.time_in_force not in (0, 1, 2), "CancelAllTimeInForce is invalid")
    _fail_if(tx.time_in_force != 0 and tx.market_index != NIL_MARKET_INDEX,
             "Cancel all for market index can't be scheduled, TimeInforce must be ImmediateCancelAll")
    if tx.time_in_force == 1:
        _fail_if(tx.time <= 0, "CancelAllTime should be larger than 0 and not larger than 9223372036854775807")
    else:
        _fail_if(tx.time != 0, "CancelAllTime should be nil")


MAX_AMOUNT = 2**60 - 1
MAX_ASSET_INDEX = 62
MAX_ACCOUNT_INDEX = 2**48 - 2
MAX_TIMESTAMP = 2**48 - 1


def _check_asset_and_routes(asset_index: int, *routes: int) -> None:
    _fail_if(asset_index < 1, "AssetIndex should not be less than 1")
    _fail_if(asset_index > MAX_ASSET_INDEX, f"AssetIndex should not be larger than {MAX_ASSET_INDEX}")
    _fail_if(any(r not in (0, 1) for r in routes), "RouteType is invalid")


def check_funds(tx: TxRequest) -> None:
    """Transfer, Withdraw, UpdateMargin and ApproveIntegrator limits."""
    if isinstance(tx, Withdraw):
        _fail_if(tx.amount > MAX_AMOUNT, f"WithdrawalAmount should not be larger than {MAX_AMOUNT}")
        _check_asset_and_routes(tx.asset_index, tx.route_type)
    elif isinstance(tx, (Transfer, UpdateMargin)):
        amount = tx.amount if isinstance(tx, Transfer) else tx.usdc_amount
        _fail_if(amount > MAX_AMOUNT, f"TransferAmount should not be larger than {MAX_AMOUNT}")
    if isinstance(tx, Transfer):
        _fail_if(tx.usdc_fee < 0, "TransferFee should not be negative")
        _fail_if(tx.usdc_fee > MAX_AMOUNT, f"TransferFee should not be larger than {MAX_AMOUNT}")
        _check_asset_and_routes(tx.asset_index, tx.from_route_type, tx.to_route_type)
    if isinstance(tx, ApproveIntegrator):
        fees = (tx.max_perps_taker_fee, tx.max_perps_maker_fee, tx.max_spot_taker_fee, tx.max_spot_maker_fee)
        _fail_if(tx.integrator_account_index < -1, "IntegratorAccountIndex should not be less than -1")
        _fail_if(tx.integrator_account_index > MAX_ACCOUNT_INDEX,
                 f"IntegratorAccountIndex should not be larger than {MAX_ACCOUNT_INDEX}")
        _fail_if(any(f < 0 for f in fees), "max fees must be in [0, 4294967295] (uint32)")
        _fail_if(any(f > FEE_TICK for f in fees), f"MarketFee should not be larger than {FEE_TICK}")
        _fail_if(not 0 <= tx.approval_expiry <= MAX_TIMESTAMP, "ApprovalExpiry is invalid")
        _fail_if(tx.approval_expiry == 0 and any(fees),
                 "ApprovalExpiry should be zero when revoking integrator approval")


def check_rules(tx: TxRequest) -> None:
    check_funds(tx)
    if isinstance(tx, CreateOrder):
        check_order(tx.order)
    elif isinstance(tx, CreateGroupedOrders):
        check_grouped(tx)
    elif isinstance(tx, CancelAllOrders):
        check_cancel_all(tx)
