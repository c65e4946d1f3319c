"""Time-driven sequencer work: TWAP slices, order expiry, scheduled cancel-all, hourly funding,
liquidations.

Venue facts (REFERENCE.md 3.2, 7.3, 8; examples/rest_fundings.json, rest_positionFunding.json):
GTT orders end ``canceled-expired`` at their expiry; a scheduled cancel-all (dead man's switch)
cancels every order of the account at its time; funding is settled every hour (history entries in
seconds, ``rate`` in percent: value = mark * rate / 100 per unit); accounts below maintenance
margin are liquidated (their orders end ``canceled-liquidation``, positions close at the mark price
against the insurance fund, trades of type ``liquidation``) and get a ``liquidation`` notification
(examples/ws_notification.json: ``id`` ``liq:<market>:<trade id>``, ``kind``, ``content`` with
market_index, size, usdc_amount, price, timestamp), kept by the engine for the notification channel.

Funding model (documented simplification): hourly rate = clamp((mark - index) / index, +-0.05 %)
+ 0.00125 % interest; longs pay shorts when it is positive. Payments are exact integer micro-USDC
truncated toward zero.

Invariant: timers only act on deadlines <= the sim clock, each deadline at most once.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from . import events as ev
from .markets import INSURANCE_FUND_ACCOUNT, fmt, usdc
from .matching import record_trade
from .model import Account, Order
from .orders_logic import expire_orders
from .risk import account_risk, isolated_requirements, upnl
from .settle import settle_perp
from .twap import run_due as run_twaps
from .tx_orders import cancel_all_now
from .wire_orders import LIQUIDATION_TYPE, trade_json

if TYPE_CHECKING:
    from .core import Core

HOUR_MS = 3_600_000
RATE_SCALE = 10**8  # funding rates as integers of 1e-8 (fraction per hour)
INTEREST_E8 = 1_250
CLAMP_E8 = 50_000


def _tdiv(a: int, b: int) -> int:
    q = abs(a) // b
    return q if a >= 0 else -q


def funding_rate_e8(core: "Core", mid: int) -> int:
    index = core.index_prices[mid]
    premium = (core.marks[mid] - index) * RATE_SCALE // index if index else 0
    return max(-CLAMP_E8, min(CLAMP_E8, premium)) + INTEREST_E8


def rate_percent(rate_e8: int) -> str:
    """The rate as the venue's percent string (4 decimals): 1e-8 fraction -> percent = e8 / 1e6."""
    return fmt(_tdiv(rate_e8, 100), 4)


def run_timers(core: "Core") -> None:
    now = core.now_ms()
    run_twaps(core, now)  # before expiries: a TWAP's last slice is due before its expiry
    expire_orders(core, now)
    for acct in list(core.accounts.values()):
        if acct.cancel_all_deadline and acct.cancel_all_deadline <= now:
            acct.cancel_all_time = acct.cancel_all_deadline = 0
            cancel_all_now(core, acct)
            core.touch(acct.index)
    while core.next_funding_ms <= now:
        apply_funding(core, core.next_funding_ms)
        core.next_funding_ms += HOUR_MS
    liquidate_all(core)


def apply_funding(core: "Core", at_ms: int) -> None:
    for mid, m in core.markets.items():
        if m.is_spot:
            continue
        rate = funding_rate_e8(core, mid)
        mark = core.marks[mid]
        value = fmt(abs(mark * rate) * 10 ** (8 - m.price_decimals) // RATE_SCALE, 8)
        core.md.fundings[mid].append({"timestamp": at_ms // 1000, "value": value, "rate": rate_percent(abs(rate)),
                                      "direction": "long" if rate >= 0 else "short"})
        core.md.funding_rate[mid] = rate_percent(rate)
        core.md.last_funding_ms[mid] = at_ms
        for acct in core.accounts.values():
            pos = acct.positions.get(mid)
            if pos is None or pos.size == 0:
                continue
            pay = _tdiv(pos.size * mark * rate, RATE_SCALE)  # > 0: this account pays
            if pos.margin_mode == 1:
                pos.allocated_margin -= pay
            else:
                acct.collateral -= pay
            pos.funding_paid += pay
            payment = {
                "timestamp": at_ms // 1000, "market_id": mid, "funding_id": at_ms // HOUR_MS,
                "change": usdc(-pay), "discount": "0.000000", "rate": rate_percent(rate),
                "position_size": m.size_str(abs(pos.size)), "position_side": "long" if pos.size > 0 else "short"}
            core.ledger.add_funding(acct.index, payment)
            core.emit(ev.FundingPaid(acct.index, mid, dict(payment)))
            core.touch(acct.index, mid)
        core.emit(ev.FundingApplied(mid, rate_percent(rate), at_ms))
        core.touch_market(mid)


def liquidate_all(core: "Core") -> None:
    for acct in list(core.accounts.values()):
        if acct.index == INSURANCE_FUND_ACCOUNT or not any(p.size for p in acct.positions.values()):
            continue
        risk = account_risk(acct, core.markets, core.marks)
        cross_bad = risk.mmr > 0 and risk.cross_value < risk.mmr
        for mid, pos in list(acct.positions.items()):
            if pos.size == 0:
                continue
            if pos.margin_mode == 1:
                _, maint = isolated_requirements(pos, core.markets[mid], core.marks[mid])
                bad = pos.allocated_margin + upnl(pos, core.marks[mid]) < maint
            else:
                bad = cross_bad
            if bad:
                liquidate(core, acct, mid)


def insurance_fund(core: "Core") -> Account:
    fund = core.accounts.get(INSURANCE_FUND_ACCOUNT)
    if fund is None:
        fund = core.accounts[INSURANCE_FUND_ACCOUNT] = Account(INSURANCE_FUND_ACCOUNT, "0x" + "00" * 20,
                                                               collateral=10**15, account_type=1)
    return fund


def liquidate(core: "Core", acct: Account, mid: int) -> None:
    m = core.markets[mid]
    cancel_all_now(core, acct, mid, status="canceled-liquidation")
    pos = acct.positions[mid]
    fund = insurance_fund(core)
    mark, qty, is_ask = core.marks[mid], abs(pos.size), pos.size > 0
    now_ms, now_us = core.now_ms(), core.now_us()
    victim = Order(0, 0, acct.index, mid, is_ask, LIQUIDATION_TYPE, 0, mark, qty, 0, 0, now_ms)
    taker = Order(0, 0, fund.index, mid, not is_ask, LIQUIDATION_TYPE, 0, mark, qty, 0, 0, now_ms)
    risk_before = account_risk(acct, core.markets, core.marks)
    v_before, v_pnl, _ = settle_perp(acct, m, is_ask, qty, mark, 0)
    f_before, f_pnl, _ = settle_perp(fund, m, not is_ask, qty, mark, 0)
    trade = trade_json(trade_id=core.new_trade_id(), tx_hash="", m=m, size=qty, price=mark, taker=taker,
                       maker=victim, taker_fee=0, maker_fee=0, taker_before=f_before, maker_before=v_before,
                       taker_pnl=f_pnl, maker_pnl=v_pnl, block_height=core.height + 1, now_ms=now_ms,
                       now_us=now_us, kind="liquidation")
    record_trade(core, trade, mark, qty, liquidation=True)
    entry = liquidation_entry(core, acct, mid, trade, risk_before, now_ms)
    core.ledger.add_liquidation(acct.index, entry)
    notif = liquidation_notif(acct.index, mid, trade, now_ms)
    core.ledger.add_notification(acct.index, notif)
    core.emit(ev.Liquidation(acct.index, mid, trade, dict(notif)))
    core.touch(acct.index, mid)
    core.touch(fund.index, mid)
    core.bump_height()


def liquidation_notif(account_index: int, mid: int, trade: dict, now_ms: int) -> dict:
    stamp = datetime.fromtimestamp(now_ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    notif_id = f"liq:{mid}:{trade['trade_id']}"
    content = {"id": notif_id, "is_ask": trade["ask_account_id"] == account_index, "usdc_amount": trade["usd_amount"],
               "size": trade["size"], "market_index": mid, "price": trade["price"], "timestamp": now_ms,
               "avg_price": trade["price"]}
    return {"id": notif_id, "created_at": stamp, "updated_at": stamp, "kind": "liquidation",
            "account_index": account_index, "content": content, "ack": False, "acked_at": None}


def _risk_params(core: "Core", acct: Account, risk) -> dict:
    return {"market_id": 255, "collateral": usdc(risk.collateral), "total_account_value": usdc(risk.cross_value),
            "initial_margin_req": usdc(risk.imr), "maintenance_margin_req": usdc(risk.mmr),
            "close_out_margin_req": usdc(risk.mmr * 2 // 3), "total_account_liquidation_threshold": usdc(risk.mmr),
            "usdc_collateral_with_funding": usdc(risk.collateral), "usdc_portfolio_value": usdc(risk.cross_value),
            "total_portfolio_value": usdc(risk.cross_value + risk.isolated_value)}


def liquidation_entry(core: "Core", acct: Account, mid: int, trade: dict, risk_before, now_ms: int) -> dict:
    risk_after = account_risk(acct, core.markets, core.marks)
    return {
        "id": core.ledger.new_id(), "market_id": mid, "type": "partial",
        "trade": {"price": trade["price"], "size": trade["size"], "taker_fee": "0", "maker_fee": "0",
                  "transaction_time": trade["transaction_time"], "bid_account_id": trade["bid_account_id"],
                  "ask_account_id": trade["ask_account_id"]},
        "info": {"positions": [], "risk_info_before": {"cross_risk_parameters": _risk_params(core, acct, risk_before),
                                                       "isolated_risk_parameters": []},
                 "risk_info_after": {"cross_risk_parameters": _risk_params(core, acct, risk_after),
                                     "isolated_risk_parameters": []},
                 "mark_prices": {str(mid): core.markets[mid].price_float(core.marks[mid])},
                 "assets": [], "asset_index_prices": {}},
        "executed_at": now_ms,
    }
