"""A blocking facade over the async ``lighter`` class, for bots written against sync ccxt.

ccxt ships every exchange twice: ``ccxt.binance()`` (blocking) and ``ccxt.async_support.binance()``.
This package implements only the async class, so sync bots get :class:`lighter` here::

    from ccxt_lighter.sync import lighter
    with lighter({'privateKey': ..., 'options': {'accountIndex': 7, 'apiKeyIndex': 4}}) as ex:
        ex.load_markets()
        ex.create_order('ETH/USDC:USDC', 'limit', 'buy', 0.1, 2500)

How: one async exchange per facade lives on a private event loop running on a daemon thread
(:class:`LoopThread`). Attribute access is forwarded to it; a method that is a coroutine function
(or returns an awaitable, like ccxt's implicit ``publicGet...`` methods) is run on that loop with
:func:`asyncio.run_coroutine_threadsafe` and the caller blocks for the result. Both spellings work
(``fetch_order_book`` and ``fetchOrderBook``) because the async instance has both. Plain
properties (``markets``, ``symbols``, ``id``, ``options``, ...) are the async instance's own objects.

Invariants:
* an exception is re-raised unchanged: the very object the async method raised (same ccxt class,
  same message), so ``except ccxt.InsufficientFunds`` works as with any sync ccxt exchange;
* WebSocket streaming (``watch*``, ``un_watch*``, ``*Ws``) is deliberately absent, and ``has`` reports
  it as False: a blocking ``watch`` would hand a sync bot one update per call with no way to keep up
  with the stream. Use ``ccxt_lighter.lighter`` (async) for streams;
* all async work runs on the facade's loop thread, never on the caller's; several caller threads may
  share one facade (their calls interleave on the loop like concurrent awaits).
"""
from __future__ import annotations

import asyncio
import functools
import inspect
import re
import threading
from typing import Any, Awaitable, Callable, Dict, Optional

from ccxt.base.errors import ExchangeClosedByUser

__all__ = ["LoopThread", "SyncExchange", "lighter", "is_streaming"]

# case matters: ``fetchNews`` is not a stream, ``fetchOrderBookWs`` is
_STREAMING = re.compile(r"^(watch|unWatch|un_watch)|(Ws|_ws)$")


def is_streaming(name: str) -> bool:
    """True for the WebSocket names the facade does not expose (``watchX``, ``un_watch_x``, ``xWs``)."""
    return bool(_STREAMING.search(name)) or name == "ws"


class LoopThread:
    """An asyncio event loop running forever on a daemon thread.

    ``run(awaitable)`` blocks the calling thread until the awaitable finishes on the loop and returns
    its result or raises its exception. Interrupting the wait (Ctrl-C, timeout) cancels the task.
    """

    def __init__(self, name: str = "ccxt-lighter-sync") -> None:
        self.loop = asyncio.new_event_loop()
        self._closed = False
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self._drain()

    def _drain(self) -> None:
        """Cancel what is still pending so nothing is left half-run when the loop closes."""
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def run(self, awaitable: Awaitable, timeout: Optional[float] = None) -> Any:
        if self._closed:
            _discard(awaitable)
            raise RuntimeError("this LoopThread is closed")
        if threading.current_thread() is self._thread:
            _discard(awaitable)  # blocking here would wait on ourselves forever
            raise RuntimeError("LoopThread.run() called from its own loop thread; await instead")
        future = asyncio.run_coroutine_threadsafe(_awaited(awaitable), self.loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()  # no-op when it already finished; stops the task on Ctrl-C/timeout
            raise

    def close(self) -> None:
        """Stop the loop (pending tasks are cancelled) and wait for the thread to end."""
        if self._closed:
            return
        self._closed = True
        self.loop.call_soon_threadsafe(self.loop.stop)
        if threading.current_thread() is not self._thread:
            self._thread.join()


async def _awaited(awaitable: Awaitable) -> Any:
    return await awaitable


def _discard(awaitable: Awaitable) -> None:
    if inspect.iscoroutine(awaitable):
        awaitable.close()  # never awaited on purpose: avoid the "never awaited" warning


class SyncExchange:
    """Blocking facade over an instance of any async ccxt exchange class (see module docstring)."""

    _OWN = frozenset({"_loop", "_exchange", "_wrappers"})

    def __init__(self, async_class: Callable[..., Any], config: Optional[Dict[str, Any]] = None) -> None:
        loop = LoopThread()
        object.__setattr__(self, "_loop", loop)
        object.__setattr__(self, "_wrappers", {})
        try:
            # built on the loop thread: ccxt binds its throttler and sessions to the running loop
            exchange = loop.run(_construct(async_class, dict(config or {})))
        except BaseException:
            loop.close()
            raise
        object.__setattr__(self, "_exchange", exchange)

    # ------------------------------------------------------------------ facade's own API
    @property
    def async_exchange(self) -> Any:
        """The wrapped async instance (use it only from the facade's loop, e.g. in ``run``)."""
        return self._exchange

    def run(self, awaitable: Awaitable, timeout: Optional[float] = None) -> Any:
        """Run any awaitable on the facade's loop and block for its result."""
        if self._loop.closed:
            _discard(awaitable)
            raise ExchangeClosedByUser(f"{self._exchange.id} sync facade is closed")
        return self._loop.run(awaitable, timeout)

    @property
    def has(self) -> Dict[str, Any]:
        """The async class's ``has`` with every streaming capability reported as False."""
        return {k: (False if is_streaming(k) else v) for k, v in self._exchange.has.items()}

    @property
    def closed(self) -> bool:
        return self._loop.closed

    def close(self) -> None:
        """Close the exchange's sessions, then stop the loop thread. Idempotent."""
        if self._loop.closed:
            return
        try:
            self._loop.run(self._exchange.close())
        finally:
            self._loop.close()

    def __enter__(self) -> "SyncExchange":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ forwarding
    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in self._OWN:
            raise AttributeError(name)
        if is_streaming(name):
            raise AttributeError(f"{type(self).__module__}.{type(self).__name__} does not expose WebSocket "
                                 f"streams ({name}); use the async class ccxt_lighter.lighter for watch*/…Ws")
        value = getattr(self._exchange, name)
        if not (inspect.ismethod(value) or inspect.isfunction(value)):
            return value
        wrapper = self._wrappers.get(name)
        if wrapper is None or wrapper.__wrapped__ != value:  # bound methods compare by (self, function)
            wrapper = self._blocking(value)
            self._wrappers[name] = wrapper
        return wrapper

    def _blocking(self, method: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(method):
            @functools.wraps(method)
            def call(*args: Any, **kwargs: Any) -> Any:
                return self.run(method(*args, **kwargs))
        else:
            @functools.wraps(method)
            def call(*args: Any, **kwargs: Any) -> Any:
                result = method(*args, **kwargs)
                return self.run(result) if inspect.isawaitable(result) else result
        return call

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._OWN:
            object.__setattr__(self, name, value)
        else:
            setattr(self._exchange, name, value)  # e.g. ex.verbose = True, ex.options = {...}

    def __dir__(self):
        names = set(dir(type(self))) | {n for n in dir(self._exchange) if not is_streaming(n)}
        return sorted(names)

    def __repr__(self) -> str:
        exchange_id = getattr(self.__dict__.get("_exchange"), "id", "?")
        return f"<{type(self).__module__}.{type(self).__name__} {exchange_id} (blocking facade)>"

    __str__ = __repr__


async def _construct(async_class: Callable[..., Any], config: Dict[str, Any]) -> Any:
    return async_class(config)


class lighter(SyncExchange):
    """Blocking ``lighter``: the same config, methods and results as ``ccxt_lighter.lighter``."""

    def __init__(self, config: Optional[Dict[str, Any]] = None) -> None:
        import ccxt_lighter

        super().__init__(ccxt_lighter.lighter, config)
