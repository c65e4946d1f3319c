"""Private REST plumbing: credentials, signer, nonces, auth tokens, and the two transaction senders.

Venue facts (REFERENCE.md 3.1, 7.7, 7.8): writes are signed transactions POSTed form-encoded to
``sendTx`` (``tx_type``, ``tx_info``[, ``price_protection``]) or ``sendTxBatch`` (``tx_types`` and
``tx_infos`` as JSON text, at most 50, one key, consecutive nonces); private reads carry an auth
token in the ``Authorization`` header.

How a write flows: a unified method builds a request record (:mod:`.orders`) and awaits
:meth:`TxMixin._send_tx` (or ``_send_tx_batch``); that takes a key from the pool (:mod:`.nonce`),
holds its lock while it signs the request with the allocated nonce(s) on the signer threads and hands
the signed transactions to :meth:`TxMixin._transmit` (REST ``sendTx``/``sendTxBatch``; the WebSocket
class overrides only this hook); by default (``options['pipelineTransactions']``) the lock is let go
once the request is under way, so several txs of one key are in flight (at most
``options['maxInFlightPerKey']``), else it is kept until the answer is in. The exchange's
synchronous ``sign()`` turns them into form fields through :meth:`TxMixin.tx_form_fields` (which
can also sign an already-built request with an already-allocated nonce itself). Retry on 21104 and
the nonce bookkeeping live in :class:`.nonce.NonceManager` (``pipeline``/``submit``), nowhere else.

Invariants: nothing is sent without credentials that passed validation; an API key whose public key
the venue does not list at its slot is refused before its first transaction; no integrator fee is
attached unless the user configured one; key material and tokens never reach logs or messages.
"""
from __future__ import annotations

import asyncio
import json
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ccxt.base.errors import AuthenticationError, BadRequest, ExchangeError

from . import credentials as cred
from . import orders as o
from .auth import DEFAULT_LIFETIME, AuthTokenCache
from .keys import l1_sign, with_l1_sig
from .nonce import NonceManager, NoncePool
from .order_fields import PROCESS_IDS
from .spec import API

BATCH_LIMIT = 50  # sendTxBatch maximum (error 21514)
ORDER_CACHE_SIZE = 20_000  # order id -> symbol entries kept (oldest dropped first)
DEFAULT_SIGNER_THREADS = 2  # options['signerThreads']; 0 signs on the event loop's thread
DEFAULT_MAX_IN_FLIGHT = 16  # options['maxInFlightPerKey']: pipelined txs of one key awaiting answers
_POOLS: Dict[int, ThreadPoolExecutor] = {}


def signer_pool(workers: int) -> ThreadPoolExecutor:
    """Process-wide signer threads (one pool per size; the library keys are process-wide anyway)."""
    if workers not in _POOLS:
        _POOLS[workers] = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lighter-signer")
    return _POOLS[workers]


class TradingState:
    """Per-exchange-instance trading state, built lazily from the configured credentials."""

    def __init__(self, creds: cred.Credentials, backend, chain_id: int, pool: NoncePool, auth: AuthTokenCache):
        self.creds = creds
        self.backend = backend
        self.chain_id = chain_id
        self.pool = pool
        self.auth = auth
        self.checked_keys: set = set()
        self.ids = PROCESS_IDS
        self.order_symbols: "OrderedDict[str, str]" = OrderedDict()  # order id -> symbol

    def __repr__(self) -> str:
        return f"TradingState({self.creds!r}, {self.pool!r})"

    @property
    def account_index(self) -> int:
        return self.creds.account_index

    @property
    def api_key_index(self) -> int:
        return self.creds.primary_key_index

    def remember(self, order_id: Any, symbol: str) -> None:
        if order_id is None:
            return
        self.order_symbols[str(order_id)] = symbol
        self.order_symbols.move_to_end(str(order_id))
        while len(self.order_symbols) > ORDER_CACHE_SIZE:
            self.order_symbols.popitem(last=False)


def _no_token(deadline: int, api_key_index: int, account_index: int) -> str:
    raise AuthenticationError("no API key to make an auth token with")


class TxMixin:
    """Credentials, signing and sending. Mixed into the exchange class through PrivateMixin."""

    _lighter_state: Optional[TradingState] = None
    _lighter_state_lock: Optional[asyncio.Lock] = None

    # ------------------------------------------------------------------ credentials and state
    def lighter_credentials(self) -> cred.Credentials:
        """The configured credentials, validated (no request)."""
        return cred.from_config(getattr(self, "privateKey", None), getattr(self, "walletAddress", None),
                                self.options)

    def _require_signing(self, creds: cred.Credentials) -> None:
        if not creds.api_keys:
            hint = (" privateKey is an Ethereum key: register an API key with `ccxt-lighter keys register` "
                    "and pass it as privateKey (or options['apiPrivateKey'])") if creds.eth_private_key else ""
            raise AuthenticationError(f"{self.id} needs an API private key (privateKey) to sign.{hint}")
        if creds.primary_key_index is None:
            raise AuthenticationError(f"{self.id} needs options['apiKeyIndex'], the slot of the API key (e.g. 4)")
        if creds.account_index is None and not creds.l1_address():
            raise AuthenticationError(f"{self.id} needs options['accountIndex'] or walletAddress")

    async def _trading_ready(self, *, signing: bool = True) -> TradingState:
        """Validated credentials, resolved account index, registered keys (built once).

        ``signing=False`` (private reads) also accepts a user-supplied ``options['authToken']`` (for
        example a read-only ``ro:`` token) with ``options['accountIndex']`` instead of an API key.
        """
        state = self._lighter_state
        if state is not None and (state.creds.can_sign or not signing):
            return state
        creds = self.lighter_credentials()
        if signing or not self.options.get("authToken"):
            self._require_signing(creds)
        elif creds.account_index is None and not creds.l1_address():
            raise AuthenticationError(f"{self.id} needs options['accountIndex'] or walletAddress")
        if self._lighter_state_lock is None:
            self._lighter_state_lock = asyncio.Lock()
        async with self._lighter_state_lock:
            if self._lighter_state is None or (signing and not self._lighter_state.creds.can_sign):
                self._lighter_state = await self._build_state(creds)
        return self._lighter_state

    async def _build_state(self, creds: cred.Credentials) -> TradingState:
        if creds.account_index is None:
            creds = cred.Credentials(creds.api_keys, creds.primary_key_index, await self._resolve_account(),
                                     creds.eth_private_key, creds.wallet_address)
        backend = pool = None
        if creds.can_sign:
            from .signer import get_backend

            backend = get_backend(self.options.get("signer"), self.options.get("signerPath"))
            for slot, key in creds.api_keys.items():
                backend.register_key(key, int(self.options.get("chainId", 304)), slot, creds.account_index)
            pool = NoncePool([NonceManager(creds.account_index, slot, self._nonce_fetcher(creds.account_index, slot))
                              for slot in creds.key_indexes()])
        lifetime = int(self.options.get("authTokenLifetime", DEFAULT_LIFETIME))
        make = backend.create_auth_token if backend is not None else _no_token
        auth = AuthTokenCache(make, lifetime=lifetime, clock=lambda: self.milliseconds() / 1000)
        return TradingState(creds, backend, int(self.options.get("chainId", 304)), pool, auth)

    def _nonce_fetcher(self, account_index: int, api_key_index: int):
        async def fetch() -> int:
            response = await self._api("nextNonce", "public", "GET",
                                          {"account_index": account_index, "api_key_index": api_key_index})
            nonce = self.safe_integer(response, "nonce")
            if nonce is None:
                raise ExchangeError(f"{self.id} nextNonce answered without a nonce")
            return nonce
        return fetch

    async def _resolve_account(self) -> int:
        """The account index: configured, already resolved, or looked up from the wallet address."""
        if self._lighter_state is not None:
            return self._lighter_state.account_index
        creds = self.lighter_credentials()
        if creds.account_index is not None:
            return creds.account_index
        cached = self.options.get("_resolvedAccountIndex")
        if cached is not None:
            return cached
        address = creds.l1_address()
        if not address:
            raise AuthenticationError(f"{self.id} needs options['accountIndex'] or walletAddress")
        accounts = await self._l1_accounts(address)
        if not accounts:
            raise AuthenticationError(f"{self.id} no Lighter account belongs to {address}")
        self.options["_resolvedAccountIndex"] = cred.master_account({"sub_accounts": accounts})
        return self.options["_resolvedAccountIndex"]

    async def _l1_accounts(self, address: str) -> List[Dict[str, Any]]:
        """The accounts of an L1 address (``accountsByL1Address``: master first, then sub-accounts);
        empty when the venue knows none (it answers 400 with code 21100 "account not found")."""
        try:
            payload = await self._api("accountsByL1Address", "public", "GET", {"l1_address": address})
        except BadRequest as exc:
            if getattr(exc, "venue_code", None) == 21100:
                return []
            raise
        return [a for a in (payload or {}).get("sub_accounts") or [] if isinstance(a, dict)]

    def reset_trading_state(self) -> None:
        """Forget keys, nonces and tokens (call after changing credentials)."""
        self._lighter_state = None
        self.options.pop("_resolvedAccountIndex", None)

    async def _check_key(self, state: TradingState, manager: NonceManager) -> None:
        """Refuse a key the venue does not list at its slot (21108-to-be) before its first tx."""
        slot = manager.api_key_index
        if slot in state.checked_keys or not self.options.get("checkApiKey", True):
            return
        from .keys import public_key_of

        response = await self._api("apikeys", "public", "GET",
                                      {"account_index": state.account_index, "api_key_index": slot})
        listed = {str(k.get("public_key", "")).lower().removeprefix("0x")
                  for k in (response or {}).get("api_keys") or [] if str(k.get("api_key_index")) == str(slot)}
        if public_key_of(state.creds.api_keys[slot]) not in listed:
            raise AuthenticationError(f"{self.id} the API key given for slot {slot} of account "
                                      f"{state.account_index} is not the one registered there "
                                      "(register it with `ccxt-lighter keys register`)")
        state.checked_keys.add(slot)

    # ------------------------------------------------------------------ auth (sign() hook)
    def auth_header_value(self, params: Optional[dict] = None) -> str:
        """The raw ``Authorization`` value for private endpoints (cached token, renewed early)."""
        given = self.options.get("authToken")
        state = self._lighter_state
        if state is None or not state.creds.can_sign:
            if given:
                return str(given)
            raise AuthenticationError(f"{self.id} private endpoints need credentials (await a private method)")
        return state.auth.get(state.account_index, state.api_key_index)

    async def auth_token(self) -> str:
        """A valid auth token for REST or WebSocket use (resolves credentials first)."""
        await self._trading_ready(signing=False)
        return self.auth_header_value()

    async def _private_get(self, path: str, params: Dict[str, Any]) -> Any:
        await self._trading_ready(signing=False)
        return await self._api(path, "private", "GET", params)

    async def _api(self, path: str, section: str, method: str, params: Dict[str, Any]) -> Any:
        """One REST call with the endpoint's rate-limit weight from the API table."""
        config = API.get(section, {}).get(method.lower(), {}).get(path, {})
        if section == "tx":
            # never let ccxt re-send a signed transaction by itself: a resend after a lost answer
            # could execute it twice; the nonce manager decides what happens after a failure
            params = dict(params, maxRetriesOnFailure=0)
        return await self.request(path, [section], method, params, config)

    # ------------------------------------------------------------------ tx endpoints (sign() hook)
    def tx_form_fields(self, path: str, params: Dict[str, Any]) -> Dict[str, str]:
        """Form fields of ``sendTx``/``sendTxBatch``.

        ``params['signed']`` holds the transactions :meth:`_send_tx` / :meth:`_send_tx_batch` already
        signed (on the signer thread) with their allocated nonces; ``params['tx']``/``['txs']`` with
        nonces (and ``api_key_index``, ``account_index``) are signed here, synchronously.
        """
        signed = params.get("signed")
        if signed is None:
            if "tx" not in params and "txs" not in params:
                raise BadRequest(f"{self.id} transactions go through the unified write methods")
            items = params["txs"] if "txs" in params else [(params["tx"], params["nonce"])]
            signed = [self._sign_one(tx, nonce, params["api_key_index"], params["account_index"],
                                     params.get("l1_check")) for tx, nonce in items]
        if path == "sendTxBatch":
            return {"tx_types": json.dumps([s.tx_type for s in signed], separators=(",", ":")),
                    "tx_infos": json.dumps([s.tx_info for s in signed], separators=(",", ":"))}
        fields = {"tx_type": str(signed[0].tx_type), "tx_info": signed[0].tx_info}
        if params.get("price_protection") is not None:
            fields["price_protection"] = "true" if params["price_protection"] else "false"
        return fields

    def _backend(self):
        state = self._lighter_state
        if state is not None and state.backend is not None:
            return state.backend
        from .signer import get_backend

        return get_backend(self.options.get("signer"), self.options.get("signerPath"))

    def _owner_key(self, creds) -> str:
        """The account owner's Ethereum key, which L1-signed transactions need (AuthenticationError if absent)."""
        if not creds.eth_private_key:
            raise AuthenticationError(f"{self.id} this transaction needs the account owner's Ethereum key "
                                      "(options['ethPrivateKey'])")
        return creds.eth_private_key

    def _sign_one(self, tx: Any, nonce: int, api_key_index: int, account_index: int, l1_check=None):
        signed = self._backend().sign(tx, nonce=nonce, api_key_index=api_key_index, account_index=account_index)
        if l1_check is None:
            return signed
        eth = self._owner_key(self.lighter_credentials())
        l1_check(signed.message_to_sign)
        return type(signed)(signed.tx_type, with_l1_sig(signed.tx_info, l1_sign(eth, signed.message_to_sign)),
                            signed.tx_hash, signed.message_to_sign)

    async def _sign_txs(self, items: Sequence[Tuple[Any, int]], api_key_index: int, account_index: int,
                        l1_check=None) -> List[Any]:
        """Sign ``(tx, nonce)`` pairs on the signer threads (in order); inline when threads are off.

        Why threads: the official library signs several times faster from a long-lived worker thread
        than from the event loop's thread (measured in bench/bench_trading.py), and a batch is split
        over the workers, which the library runs in parallel (it releases the GIL).
        """
        def work(part):
            return [self._sign_one(tx, nonce, api_key_index, account_index, l1_check) for tx, nonce in part]

        workers = int(self.options.get("signerThreads", DEFAULT_SIGNER_THREADS))
        if workers <= 0:
            return work(items)
        loop = asyncio.get_running_loop()
        pool = signer_pool(workers)
        size = -(-len(items) // min(workers, len(items)))
        parts = [items[i:i + size] for i in range(0, len(items), size)]
        done = await asyncio.gather(*(loop.run_in_executor(pool, work, part) for part in parts))
        return [signed for part in done for signed in part]

    async def _send_tx(self, tx: Any, *, price_protection: Optional[bool] = None, l1_check=None,
                       api_key_index: Optional[int] = None) -> Dict[str, Any]:
        """Sign and send one transaction; returns the venue's answer (``tx_hash`` included)."""
        self._check_ranges([tx])
        state = await self._trading_ready()
        if l1_check is not None:
            self._owner_key(self.lighter_credentials())  # refuse before any key or nonce request
        manager = state.pool.pick() if api_key_index is None else state.pool.get(api_key_index)
        await self._check_key(state, manager)

        async def sign(nonce: int) -> List[Any]:
            return await self._sign_txs([(tx, nonce)], manager.api_key_index, state.account_index, l1_check)

        async def send(signed: List[Any]) -> Dict[str, Any]:
            response = await self._transmit(signed, batch=False, price_protection=price_protection)
            return self._with_hashes(response, signed, batch=False)

        return await self._submit(manager, 1, sign, send)

    async def _submit(self, manager: NonceManager, count: int, sign, send) -> Dict[str, Any]:
        """Pipelined (``options['pipelineTransactions']``, default) or one tx per round trip per key."""
        if self.options.get("pipelineTransactions", True):
            window = int(self.options.get("maxInFlightPerKey", DEFAULT_MAX_IN_FLIGHT))
            if window < 1:
                raise BadRequest(f"{self.id} options['maxInFlightPerKey'] must be >= 1")
            return await manager.pipeline(count, sign, send, window=window)

        async def attempt(first: int) -> Dict[str, Any]:
            return await send(await sign(first))

        return await manager.submit(count, attempt)

    async def _transmit(self, signed: Sequence[Any], *, batch: bool, price_protection: Optional[bool] = None) -> Any:
        """Deliver signed transactions and return the venue's answer: REST ``sendTx``/``sendTxBatch``.

        The one transport hook: the WebSocket class overrides it (jsonapi/sendtx) and
        :meth:`_tx_batch_size`; nonces, signing and retries stay in the two senders here.
        """
        if batch:
            return await self._api("sendTxBatch", "tx", "POST", {"signed": list(signed)})
        return await self._api("sendTx", "tx", "POST", {"signed": list(signed), "price_protection": price_protection})

    def _tx_batch_size(self) -> int:
        size = int(self.options.get("batchSize", BATCH_LIMIT))
        if not 1 <= size <= BATCH_LIMIT:
            raise BadRequest(f"options['batchSize'] must be 1..{BATCH_LIMIT}")
        return size

    async def _send_tx_batch(self, txs: Sequence[Any]) -> List[Dict[str, Any]]:
        """Send ``txs`` in chunks of at most 50, each chunk one key and consecutive nonces.

        Returns one answer per chunk (``tx_hash`` is then a list, in order). A chunk the API refuses
        raises; chunks sent before it stay sent (their answers are attached to the exception as
        ``exc.lighter_sent``).
        """
        self._check_ranges(txs)
        state = await self._trading_ready()
        size = self._tx_batch_size()
        answers: List[Dict[str, Any]] = []
        for start in range(0, len(txs), size):
            chunk = list(txs[start:start + size])
            manager = state.pool.pick()
            await self._check_key(state, manager)

            async def sign(first: int, chunk=chunk, manager=manager) -> List[Any]:
                items = [(tx, first + i) for i, tx in enumerate(chunk)]
                return await self._sign_txs(items, manager.api_key_index, state.account_index)

            async def send(signed: List[Any]) -> Dict[str, Any]:
                response = await self._transmit(signed, batch=True)
                return self._with_hashes(response, signed, batch=True)

            try:
                answers.append(await self._submit(manager, len(chunk), sign, send))
            except ExchangeError as exc:
                exc.lighter_sent = answers
                raise
        return answers

    def _check_ranges(self, txs: Sequence[Any]) -> None:
        """The wire ranges of every request, before a nonce is taken (BadRequest, nothing sent)."""
        for tx in txs:
            try:
                o.validate(tx)
            except o.TxRangeError as exc:
                raise BadRequest(f"{self.id} {exc}") from None

    @staticmethod
    def _with_hashes(response: Any, signed: Sequence[Any], batch: bool) -> Dict[str, Any]:
        """The answer plus the hashes we computed (the venue's are authoritative when present)."""
        answer = dict(response) if isinstance(response, dict) else {"response": response}
        ours = [s.tx_hash for s in signed]
        answer.setdefault("tx_hash", ours if batch else ours[0])
        answer["computed_tx_hash"] = ours if batch else ours[0]
        return answer

    # ------------------------------------------------------------------ helpers for the methods
    def _account_param(self, params: Dict[str, Any], state: TradingState) -> Tuple[int, Dict[str, Any]]:
        """``params['accountIndex']`` (read another of your accounts) or the configured one."""
        params = dict(params or {})
        value = params.pop("accountIndex", params.pop("account_index", None))
        return (state.account_index if value is None else int(value)), params

    async def _reading_account(self, params: Dict[str, Any]) -> Tuple[int, Dict[str, Any]]:
        """The account a private read is for (see :meth:`_account_param`) and the other params;
        the trading state is made ready without needing a signing key."""
        return self._account_param(params, await self._trading_ready(signing=False))


from .private_account import AccountMixin  # noqa: E402  (the mixins use TxMixin's helpers)
from .private_confirm import ConfirmMixin  # noqa: E402
from .private_funds import FundsMixin  # noqa: E402
from .private_integrator import IntegratorMixin  # noqa: E402
from .private_trading import TradingMixin  # noqa: E402


class PrivateMixin(TradingMixin, AccountMixin, FundsMixin, IntegratorMixin, ConfirmMixin, TxMixin):
    """Every private REST method of the lighter class: writes (signed transactions) and reads.

    Credentials (the Lighter way): ``privateKey`` = the API key's private key (40 bytes hex),
    ``options['apiKeyIndex']`` its slot, ``options['accountIndex']`` (or ``walletAddress``, resolved
    through accountsByL1Address to the master account). A 32-byte Ethereum key (in ``privateKey`` or
    ``options['ethPrivateKey']``) is recognised by its length and used only for ChangePubKey
    (:meth:`register_api_key`), transfers to other owners and :meth:`approve_integrator`.
    ``options['apiKeyIndexes']`` (same key at several slots) or ``options['apiPrivateKeys']``
    ({slot: key}) form a pool used in turn. Writes can wait for the sequencer (:mod:`.private_confirm`).
    """
