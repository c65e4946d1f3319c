"""Markets and currencies from recorded payloads; the market index registry; ccxt's market validator."""
from __future__ import annotations

import json
import os
from decimal import Decimal

import pytest
from ccxt.base.errors import BadSymbol

from ccxt_lighter import markets
from tests.conftest import EXAMPLES
from tools import venue_payloads


def _example(name):
    with open(os.path.join(EXAMPLES, name + ".json")) as f:
        return json.load(f)


def _all_details():
    return {"order_book_details": venue_payloads.perp_details(),
            "spot_order_book_details": [venue_payloads.spot_detail()]}


def test_perp_from_recorded_detail():
    detail = _example("rest_orderBookDetails")["order_book_details"][0]
    (m,) = markets.parse_markets(_example("rest_orderBookDetails"), num=str)
    assert m["id"] == "0" and m["numericId"] == 0 and m["symbol"] == "ETH/USDC:USDC"
    assert (m["type"], m["swap"], m["spot"], m["contract"], m["linear"], m["inverse"]) == \
        ("swap", True, False, True, True, False)
    assert (m["base"], m["quote"], m["settle"], m["settleId"], m["contractSize"]) == \
        ("ETH", "USDC", "USDC", "USDC", "1")
    assert m["precision"] == {"amount": "0.0001", "price": "0.01"}
    assert m["limits"]["amount"] == {"min": "0.005", "max": str(Decimal(2**48 - 1) / 10**4)}
    assert m["limits"]["price"] == {"min": "0.01", "max": "42949672.95"}
    assert m["limits"]["cost"] == {"min": "10", "max": "281474976.710655"}
    assert m["limits"]["leverage"] == {"min": "1", "max": "50"}  # 10000 / min IMF 200
    assert m["taker"] == "0" and m["maker"] == "0" and m["active"] is True
    assert m["info"] is detail or m["info"] == detail
    assert markets.market_decimals(m) == (4, 2)


def test_fees_are_percent_strings_and_leverage_is_exact():
    btc = venue_payloads.perp_details()[1]
    m = markets.parse_market(btc, "swap", num=str)
    assert m["taker"] == "0.00028" and m["maker"] == "0.00004"  # "0.0280" % and "0.0040" %
    odd = dict(btc, min_initial_margin_fraction=300)
    assert markets.max_leverage(odd["min_initial_margin_fraction"]) == Decimal(10000) / Decimal(300)
    assert markets.parse_market(odd, "swap", num=Decimal)["limits"]["leverage"]["max"] == \
        Decimal(10000) / Decimal(300)


def test_spot_market_and_assets():
    spot = venue_payloads.spot_detail()
    m = markets.parse_market(spot, "spot", num=str)
    assert m["symbol"] == "ETH/USDC" and m["id"] == "2048" and m["type"] == "spot"
    assert m["settle"] is None and m["contractSize"] is None and m["linear"] is None
    assert m["limits"]["leverage"] == {"min": None, "max": None}
    assert m["limits"]["cost"]["max"] == "2500000"
    # a spot symbol without "/" is resolved through assetDetails ids
    bare = dict(spot, symbol="ETH")
    assert markets.parse_market(bare, "spot", assets={1: "ETH", 3: "USDC"})["symbol"] == "ETH/USDC"
    assert markets.parse_market(bare, "spot", assets={}) is None


def test_parse_markets_orders_and_skips():
    payload = _all_details()
    payload["order_book_details"].append(dict(payload["order_book_details"][0], market_id=255, symbol="NIL"))
    payload["spot_order_book_details"].append(dict(venue_payloads.spot_detail(), market_id=5000))
    payload["order_book_details"].append(dict(payload["order_book_details"][0], market_id=7,
                                              symbol="BO", market_type="binary_options"))
    symbols = [m["symbol"] for m in markets.parse_markets(payload)]
    assert symbols == ["ETH/USDC:USDC", "BTC/USDC:USDC", "ETH/USDC"]


def test_ccxt_static_market_without_market_type():
    """ccxt's recorded payload has no market_type and order_quote_limit "" (= no cap)."""
    path = os.path.join(venue_payloads.PEER_STATIC, "response-lighter.json")
    with open(path) as f:
        response = json.load(f)["methods"]["fetchMarkets"][0]["httpResponse"]
    (m,) = markets.parse_markets(response)
    assert m["symbol"] == "ETH/USDC:USDC" and m["limits"]["cost"]["max"] is None


@pytest.mark.parametrize("index, kind", [(0, "swap"), (254, "swap"), (2048, "spot"), (4094, "spot")])
def test_market_type_ranges(index, kind):
    assert markets.market_type_of(index) == kind


@pytest.mark.parametrize("index", [-1, 255, 256, 2047, 4095])
def test_market_type_rejects_out_of_range(index):
    with pytest.raises(BadSymbol):
        markets.market_type_of(index)


def test_registry_round_trip():
    parsed = markets.parse_markets(_all_details())
    registry = markets.MarketRegistry(parsed)
    assert len(registry) == 3
    for m in parsed:
        index = registry.index(m["symbol"])
        assert registry.symbol(index) == m["symbol"] and str(index) == m["id"]
    assert registry.decimals(1) == (5, 1) and registry.decimals(2048) == (4, 2)
    with pytest.raises(BadSymbol):
        registry.index("DOGE/USDC:USDC")
    with pytest.raises(BadSymbol):
        registry.symbol(17)


def test_currency_from_asset_details():
    usdc = venue_payloads.asset_details()["asset_details"][1]
    c = markets.parse_currency(usdc, num=str)
    assert (c["id"], c["numericId"], c["code"], c["precision"]) == ("3", 3, "USDC", "0.000001")
    assert c["limits"]["withdraw"]["min"] == "1" and c["limits"]["transfer"]["min"] == "1"
    assert c["margin"] is True and c["deposit"] is None and c["withdraw"] is None
    eth = markets.parse_currency(dict(usdc, asset_id=1, symbol="ETH", decimals=8, margin_mode="disabled"))
    assert eth["precision"] == 1e-08 and eth["margin"] is False
    assert markets.assets_by_id({"USDC": c, "ETH": eth}) == {3: "USDC", 1: "ETH"}


async def test_loaded_markets_pass_ccxt_validator(venue, public_lighter, ccxt_check):
    loaded = await public_lighter.load_markets()
    assert set(loaded) == {"ETH/USDC:USDC", "BTC/USDC:USDC", "ETH/USDC"}
    for market in loaded.values():
        ccxt_check("market", public_lighter, market, method="fetchMarkets")
    assert public_lighter.market_index("ETH/USDC") == 2048
    assert public_lighter.market_decimals("BTC/USDC:USDC") == (5, 1)
    assert public_lighter.markets_by_id["0"][0]["symbol"] == "ETH/USDC:USDC"
    # market currency ids are assetDetails ids when the asset is listed (ccxt's id/code rule)
    eth_perp, spot = loaded["ETH/USDC:USDC"], loaded["ETH/USDC"]
    assert (eth_perp["baseId"], eth_perp["quoteId"], eth_perp["settleId"]) == ("1", "3", "3")
    assert (spot["baseId"], spot["quoteId"]) == ("1", "3")
    assert loaded["BTC/USDC:USDC"]["baseId"] == "BTC"  # no BTC asset: the venue symbol
    # ccxt's load_markets asks for currencies first; the spot market resolves its assets from them
    assert venue.paths() == ["/api/v1/assetDetails", "/api/v1/orderBookDetails"]


async def test_fetch_currencies_passes_ccxt_validator(public_lighter, ccxt_check, venue):
    await public_lighter.load_markets()  # the validator looks codes up in exchange.currencies
    currencies = await public_lighter.fetch_currencies()
    assert set(currencies) == {"ETH", "USDC"}
    assert public_lighter.currencies["BTC"]["deposit"] is False  # perp-only base, not an asset
    for currency in currencies.values():
        # assetDetails has no per-asset deposit/withdraw switch: the values stay None, not guessed
        ccxt_check("currency", public_lighter, currency, method="fetchCurrencies",
                   skip={"deposit": True, "withdraw": True})
    assert venue.paths()[-1] == "/api/v1/assetDetails"
