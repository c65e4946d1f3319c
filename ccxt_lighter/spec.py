"""The venue as data: what ``lighter.describe()`` returns, plus the rate-limit cost rule.

Venue facts (REFERENCE.md 1, 3.1, 4):
* REST base ``https://mainnet.zklighter.elliot.ai`` (testnet ``https://testnet...``); every endpoint is
  under ``/api/v1/`` except ``GET /`` (status) and ``GET /info``; WebSocket ``wss://<host>/stream``;
  L2 chain id 304 (mainnet) / 300 (testnet).
* Every REST endpoint has a weight: sendTx/sendTxBatch/nextNonce 6, publicPools/txFromL1TxHash 50,
  accountInactiveOrders/deposit/latest 100, apikeys 150, transferFeeInfo 500, trades/recentTrades 600,
  account-admin endpoints 3000, everything else 300.
* Standard accounts get 60 requests/min, never more than 24000/weight per minute for one endpoint;
  Premium accounts get 24,000 weight units/min.

Invariant: the API table below is the only place endpoint weights live; ``rate_limit_cost`` turns a
weight into throttler tokens for the configured tier, and ``TIERS`` gives the token refill period.
Sections of ``API``: ``public`` (GET, no auth), ``private`` (GET with the auth token header), ``tx``
(POST form-encoded, a signed transaction). ``HAS_PRIVATE`` and the createOrder part of ``FEATURES`` are
owned by the trading work, ``HAS_WS`` by the WebSocket work (``pro.py`` merges it).
"""
from __future__ import annotations

from typing import Dict

MAINNET_REST = "https://mainnet.zklighter.elliot.ai"
TESTNET_REST = "https://testnet.zklighter.elliot.ai"
MAINNET_WS = "wss://mainnet.zklighter.elliot.ai/stream"
TESTNET_WS = "wss://testnet.zklighter.elliot.ai/stream"
MAINNET_CHAIN_ID = 304
TESTNET_CHAIN_ID = 300

DEFAULT_WEIGHT = 300
#: paths served at the host root instead of under /api/v1/
ROOT_PATHS = frozenset(("", "info"))


def _w(weight: int) -> dict:
    return {"weight": weight}


W = _w(DEFAULT_WEIGHT)

API = {
    "public": {
        "get": {
            "": W,  # GET / : status, network id, server time (s)
            "info": W,  # GET /info : L1 contract address
            "orderBooks": W,
            "orderBookDetails": W,
            "orderBookOrders": W,
            "recentTrades": _w(600),
            "trades": _w(600),  # public when queried by market; auth for own accounts (private section)
            "candles": W,
            "markPriceCandles": W,
            "fundings": W,
            "funding-rates": W,
            "exchangeStats": W,
            "assetDetails": W,
            "account": W,
            "accountsByL1Address": W,
            "nextNonce": _w(6),
            "apikeys": _w(150),
            "tx": W,
            "txs": W,
            "txFromL1TxHash": _w(50),
            "blockTxs": W,
            "block": W,
            "blocks": W,
            "currentHeight": W,
            "announcement": W,
            "systemConfig": W,
            "layer1BasicInfo": W,
            "withdrawalDelay": W,
            "tokenlist": W,
            "feeTiers": W,
            "publicPoolsMetadata": _w(50),
            "fastwithdraw/info": W,
        },
    },
    "private": {
        "get": {
            "accountActiveOrders": W,
            "accountInactiveOrders": _w(100),
            "accountOrders": W,
            "accountLimits": W,
            "accountMetadata": W,
            "accountTxs": W,
            "trades": _w(600),
            "pnl": W,
            "positionFunding": W,
            "liquidations": W,
            "deposit/history": W,
            "deposit/latest": _w(100),
            "withdraw/history": W,
            "transfer/history": W,
            "transferFeeInfo": _w(500),
            "getMakerOnlyApiKeys": W,
            "tokens": _w(3000),
        },
        "post": {
            "changeAccountTier": _w(3000),
            "setMakerOnlyApiKeys": W,
            "setAccountMetadata": _w(3000),
            "notification/ack": _w(3000),
            "tokens/create": _w(3000),
            "tokens/revoke": _w(3000),
            "fastwithdraw": _w(3000),
        },
    },
    "tx": {
        "post": {
            "sendTx": _w(6),
            "sendTxBatch": _w(6),
        },
    },
}


#: (section, http method, path) -> weight, for calls that bypass the implicit methods' config
WEIGHTS = {(section, method, path): cfg["weight"] for section, methods in API.items()
           for method, paths in methods.items() for path, cfg in paths.items()}


def weight_of(section: str, method: str, path: str) -> int:
    return WEIGHTS.get((section, method.lower(), path), DEFAULT_WEIGHT)


class Tier:
    """A rate-limit tier: token refill period and how a weight becomes tokens."""

    __slots__ = ("name", "rate_limit_ms", "weighted")

    def __init__(self, name: str, rate_limit_ms: float, weighted: bool):
        self.name, self.rate_limit_ms, self.weighted = name, rate_limit_ms, weighted


#: standard: one token per second (60/min), an endpoint of weight w costs max(1, w/400) tokens, i.e.
#: min(60, 24000/w) calls per minute; premium: 24000 tokens per minute (one per 2.5 ms), cost = weight.
TIERS: Dict[str, Tier] = {
    "standard": Tier("standard", 1000.0, weighted=False),
    "premium": Tier("premium", 2.5, weighted=True),
}
STANDARD_WEIGHT_PER_TOKEN = 400  # 24000 weight/min spread over 60 tokens/min


def rate_limit_cost(tier: Tier, weight: float) -> float:
    """Throttler tokens one call of an endpoint with ``weight`` costs under ``tier``."""
    if tier.weighted:
        return float(weight)
    return max(1.0, weight / STANDARD_WEIGHT_PER_TOKEN)


TIMEFRAMES = {
    "1m": "1m", "5m": "5m", "15m": "15m", "30m": "30m",
    "1h": "1h", "4h": "4h", "12h": "12h", "1d": "1d", "1w": "1w",
}

#: every public capability below is exercised by tests/test_public_*.py; nothing is claimed untested.
HAS_PUBLIC = {
    "CORS": None,
    "spot": True,
    "margin": False,
    "swap": True,
    "future": False,
    "option": False,
    "sandbox": True,
    "fetchStatus": True,
    "fetchTime": True,
    "fetchMarkets": True,
    "fetchCurrencies": True,
    "fetchTicker": True,
    "fetchTickers": True,
    "fetchLastPrices": True,
    "fetchBidsAsks": False,
    "fetchOrderBook": True,
    "fetchOrderBooks": False,
    "fetchTrades": True,
    "fetchOHLCV": True,
    "fetchMarkOHLCV": True,
    "fetchIndexOHLCV": False,
    "fetchPremiumIndexOHLCV": False,
    "fetchFundingRate": True,
    "fetchFundingRates": True,
    "fetchFundingRateHistory": True,
    "fetchFundingInterval": True,
    "fetchFundingIntervals": True,
    "fetchOpenInterest": True,
    "fetchOpenInterests": True,
    "fetchOpenInterestHistory": False,
    "fetchLeverageTiers": True,
    "fetchMarketLeverageTiers": True,
    "fetchTradingFees": True,
    "fetchBorrowRate": False,
    "fetchBorrowRates": False,
    "fetchCrossBorrowRate": False,
    "fetchIsolatedBorrowRate": False,
    "fetchVolatilityHistory": False,
    "fetchGreeks": False,
    "fetchOption": False,
    "fetchOptionChain": False,
}

#: owned by the trading work (PrivateMixin); False until a tested implementation flips an entry.
HAS_PRIVATE = {
    # each entry is exercised end to end against the simulator by tests/test_private_*.py
    "fetchBalance": True,
    "fetchAccounts": True,
    "fetchPositions": True,
    "fetchPosition": True,
    "fetchOpenOrders": True,
    "fetchClosedOrders": True,
    "fetchCanceledOrders": True,
    "fetchCanceledAndClosedOrders": True,
    "fetchOrder": True,
    "fetchOrders": True,
    "fetchOrderTrades": True,
    "fetchMyTrades": True,
    "fetchTradingFee": True,
    "fetchFundingHistory": True,
    "fetchMyLiquidations": True,
    "fetchLedger": True,
    "fetchDeposits": True,
    "fetchWithdrawals": True,
    "fetchDepositsWithdrawals": True,
    "fetchTransfers": True,
    "fetchLeverage": True,
    "fetchLeverages": True,
    "fetchMarginMode": True,
    "fetchMarginModes": True,
    "createOrder": True,
    "createOrders": True,
    "createMarketOrderWithCost": False,
    "createMarketBuyOrderWithCost": False,
    "createMarketSellOrderWithCost": False,
    "createPostOnlyOrder": True,
    "createReduceOnlyOrder": True,
    "createStopOrder": True,
    "createTriggerOrder": True,
    "createStopLossOrder": True,
    "createTakeProfitOrder": True,
    "createOrderWithTakeProfitAndStopLoss": True,
    "editOrder": True,
    "cancelOrder": True,
    "cancelOrders": True,
    "cancelAllOrders": True,
    "cancelAllOrdersAfter": True,
    "closePosition": True,
    "closeAllPositions": True,
    "setLeverage": True,
    "setMarginMode": True,
    "addMargin": True,
    "reduceMargin": True,
    "setMargin": True,
    "transfer": True,
    "withdraw": True,
    "createSubAccount": True,
}

#: owned by the WebSocket work; merged into ``has`` by ``pro.lighter`` (the REST class claims no watch*).
HAS_WS: dict = {
    "ws": True,
    "watchOrderBook": True, "watchOrderBookForSymbols": True,
    "unWatchOrderBook": True, "unWatchOrderBookForSymbols": True,
    "watchTrades": True, "watchTradesForSymbols": True, "unWatchTrades": True, "unWatchTradesForSymbols": True,
    "watchTicker": True, "watchTickers": True, "unWatchTicker": True, "unWatchTickers": True,
    "watchBidsAsks": True, "unWatchBidsAsks": True,
    "watchMarkPrice": True, "watchMarkPrices": True, "unWatchMarkPrice": True, "unWatchMarkPrices": True,
    "watchFundingRate": True, "watchFundingRates": True, "unWatchFundingRate": True, "unWatchFundingRates": True,
    "watchOHLCV": True, "watchOHLCVForSymbols": True, "unWatchOHLCV": True, "unWatchOHLCVForSymbols": True,
    "watchLiquidations": True, "watchLiquidationsForSymbols": True,
    "unWatchLiquidations": True, "unWatchLiquidationsForSymbols": True,
    "watchBalance": True, "unWatchBalance": True,
    "watchPositions": True, "unWatchPositions": True,
    "watchOrders": True, "unWatchOrders": True,
    "watchMyTrades": True, "unWatchMyTrades": True,
    "watchMyLiquidations": True, "watchMyLiquidationsForSymbols": True, "unWatchMyLiquidations": True,
    "createOrderWs": True, "createOrdersWs": True, "editOrderWs": True,
    "cancelOrderWs": True, "cancelOrdersWs": True, "cancelAllOrdersWs": True,
}

FEATURES = {
    "default": {
        "sandbox": True,
        # createOrder: owned by the trading work.
        "createOrder": {
            "marginMode": False,
            "triggerPrice": True,
            "triggerPriceType": {"last": False, "mark": True, "index": False},  # triggers follow the mark price
            "triggerDirection": True,
            "stopLossPrice": True,
            "takeProfitPrice": True,
            "attachedStopLossTakeProfit": {"triggerPriceType": None, "price": True},  # OTO / OTOCO groups
            "timeInForce": {"IOC": True, "FOK": False, "PO": True, "GTD": True},
            "hedged": False,
            "trailing": False,
            "leverage": False,
            "marketBuyByCost": False,
            "marketBuyRequiresPrice": False,
            # params selfTradePrevention (+ Lighter's 'reduce') / selfTradeEquality -> attributes 6/7;
            # self-trades are always prevented, so there is no 'NONE'
            "selfTradePrevention": {"EXPIRE_MAKER": True, "EXPIRE_TAKER": True, "EXPIRE_BOTH": True, "NONE": False},
            "iceberg": False,
        },
        "createOrders": {"max": 50},  # sendTxBatch: at most 50 transactions (21514)
        "fetchMyTrades": {
            "marginMode": False, "limit": 100, "daysBack": None, "untilDays": None, "symbolRequired": False,
        },
        "fetchOrder": {"marginMode": False, "trigger": False, "trailing": False, "symbolRequired": True},
        "fetchOpenOrders": {
            "marginMode": False, "limit": None, "trigger": False, "trailing": False, "symbolRequired": False,
        },
        "fetchOrders": None,
        "fetchClosedOrders": {
            "marginMode": False, "limit": 100, "daysBack": None, "daysBackCanceled": None,
            "untilDays": None, "trigger": False, "trailing": False, "symbolRequired": False,
        },
        "fetchOHLCV": {"limit": 500},  # candles: at most 500 per call (more are paged)
    },
    "spot": {"extends": "default"},
    "swap": {"linear": {"extends": "default"}, "inverse": None},
    "future": {"linear": None, "inverse": None},
}

OPTIONS = {
    "defaultType": "swap",
    "accountIndex": None,
    "apiKeyIndex": None,
    "chainId": MAINNET_CHAIN_ID,
    "accountTier": "standard",  # 'standard' | 'premium': selects the rate limiter
    "signer": None,  # 'auto' | 'native' | 'pure'; None = env LIGHTER_SIGNER, else 'auto'
    "signerPath": None,
    "pipelineTransactions": True,  # several txs per API key in flight (nonce.py); False = one per round trip
    # no integrator (builder) fee unless the user sets all of these explicitly
    "integratorAccountIndex": None,
    "integratorTakerFee": None,
    "integratorMakerFee": None,
    "fetchTradesMaxPages": 10,  # cursor pages fetchTrades follows back in time when `since` is given
    "fetchOHLCVDefaultLimit": 100,
    "fundingRateHistoryDefaultLimit": 100,
}


def describe_data() -> dict:
    """The describe() dictionary (without ``has``/``api`` merging done by the class)."""
    return {
        "id": "lighter",
        "name": "Lighter",
        "countries": [],
        "version": "v1",
        "rateLimit": TIERS["standard"].rate_limit_ms,
        "certified": False,
        "pro": True,
        "dex": True,
        "has": dict(HAS_PUBLIC, **HAS_PRIVATE),
        "timeframes": dict(TIMEFRAMES),
        "urls": {
            "logo": None,
            "api": {"rest": MAINNET_REST, "ws": MAINNET_WS},
            "test": {"rest": TESTNET_REST, "ws": TESTNET_WS},
            "www": "https://lighter.xyz/",
            "doc": "https://apidocs.lighter.xyz/",
            "fees": "https://docs.lighter.xyz/",
        },
        "api": API,
        "requiredCredentials": {
            "apiKey": False,
            "secret": False,
            "uid": False,
            "login": False,
            "password": False,
            "twofa": False,
            "privateKey": True,  # the API key's private key (40 bytes hex), not the L1 wallet key
            "walletAddress": False,  # only for L1-owner operations
            "token": False,
        },
        "fees": {"trading": {"tierBased": True, "percentage": True, "taker": 0.0, "maker": 0.0}},
        "features": FEATURES,
        "options": OPTIONS,
    }
