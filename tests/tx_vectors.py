"""Recorded tx_info objects back to the request records they were signed from (test helper).

Both signer test suites re-sign recorded vectors; this is their one decoder of Go's tx_info field
names into :mod:`ccxt_lighter.orders` records.
"""
from __future__ import annotations

import base64
import json
from typing import Optional, Tuple

from ccxt_lighter import orders as o


def _spec(d: dict) -> o.OrderSpec:
    return o.OrderSpec(d["MarketIndex"], d["ClientOrderIndex"], d["BaseAmount"], d["Price"], d["IsAsk"], d["Type"],
                       d["TimeInForce"], d["ReduceOnly"], d["TriggerPrice"], d["OrderExpiry"])


def _attrs(a: dict) -> o.TxAttributes:
    return o.TxAttributes(integrator_account_index=a.get("1", 0), integrator_taker_fee=a.get("2", 0),
                          integrator_maker_fee=a.get("3", 0), self_trade_behavior=a.get("6", 0),
                          self_trade_equality=a.get("7", 0))


def request_from_info(tx_type: int, i: dict) -> Optional[Tuple[o.TxRequest, bool]]:
    """``(request, skip_nonce)`` a tx_info was signed from; None for tx types the package does not send."""
    a = i.get("L2TxAttributes") or {}
    build = {
        14: lambda: o.CreateOrder(_spec(i), _attrs(a)),
        28: lambda: o.CreateGroupedOrders(i["GroupingType"], tuple(_spec(x) for x in i["Orders"]), _attrs(a)),
        15: lambda: o.CancelOrder(i["MarketIndex"], i["Index"]),
        16: lambda: o.CancelAllOrders(i["TimeInForce"], i["Time"], a.get("5", o.NIL_MARKET_INDEX)),
        17: lambda: o.ModifyOrder(i["MarketIndex"], i["Index"], i["BaseAmount"], i["Price"], i["TriggerPrice"],
                                  a.get("8", 0), _attrs(a)),
        20: lambda: o.UpdateLeverage(i["MarketIndex"], i["InitialMarginFraction"], i["MarginMode"]),
        29: lambda: o.UpdateMargin(i["MarketIndex"], i["USDCAmount"], i["Direction"]),
        12: lambda: o.Transfer(i["ToAccountIndex"], i["AssetIndex"], i["FromRouteType"], i["ToRouteType"],
                               i["Amount"], i["USDCFee"], bytes(i["Memo"]).hex()),
        13: lambda: o.Withdraw(i["AssetIndex"], i["RouteType"], i["Amount"]),
        9: lambda: o.CreateSubAccount(),
        8: lambda: o.ChangePubKey(base64.b64decode(i["PubKey"]).hex()),
        45: lambda: o.ApproveIntegrator(i["IntegratorAccountIndex"], i["MaxPerpsTakerFee"], i["MaxPerpsMakerFee"],
                                        i["MaxSpotTakerFee"], i["MaxSpotMakerFee"], i["ApprovalExpiry"]),
    }.get(tx_type)
    return (build(), bool(a.get("4"))) if build else None


def without_sig(tx_info: str) -> dict:
    """A signed tx_info's fields except the signature (which is randomized per signing)."""
    info = json.loads(tx_info)
    info.pop("Sig")
    return info
