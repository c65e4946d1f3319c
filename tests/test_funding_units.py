"""Funding units agree end to end: the hourly rate the class reports is what the venue charges.

Venue facts: funding is paid hourly; ``funding-rates`` reports an 8-hour figure (a cross-exchange
comparison endpoint) which the class divides by 8; ``positionFunding`` rows carry the payment.
This test holds the simulator and the exchange class to one and the same unit.
"""
import pytest

from tests.private_support import SYMBOL, admin, trader


async def test_reported_hourly_rate_is_the_rate_charged(make_lighter, sim, sim_account):
    ex = trader(make_lighter, sim, sim_account)
    await ex.load_markets()
    await ex.create_order(SYMBOL, "market", "buy", 0.5)
    await admin(sim, "/sim/mark_price", {"market_id": 0, "price": "3030.00", "index_price": "3000.00"})
    rate = await ex.fetch_funding_rate(SYMBOL)
    assert rate["interval"] == "1h" and rate["fundingRate"] > 0
    await admin(sim, "/sim/advance", {"seconds": 3600})
    payments = await ex.fetch_funding_history(SYMBOL)
    assert len(payments) == 1
    notional = 0.5 * 3030.00
    charged_rate = -payments[0]["amount"] / notional  # a long pays a positive rate
    assert charged_rate == pytest.approx(rate["fundingRate"], rel=0.02)
