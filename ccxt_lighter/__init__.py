"""ccxt-lighter: a ccxt exchange class for Lighter, the zk-rollup perpetual DEX.

``import ccxt_lighter; ex = ccxt_lighter.lighter({...})`` gives the async class (REST + ccxt.pro
WebSockets). Importing this package is cheap: the signer library is loaded only when something
needs signing.
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["lighter", "__version__", "install"]


def __getattr__(name):
    if name == "lighter":
        from .pro import lighter as cls  # the REST class plus ccxt.pro WebSockets

        return cls
    raise AttributeError(name)


def install() -> None:
    """Register the class in ccxt's namespaces so ``ccxt.async_support.lighter`` resolves to ours.

    Opt-in: ccxt ships its own ``lighter``; after ``install()`` bots that look the class up by id
    (``getattr(ccxt.async_support, 'lighter')`` or ``ccxt.pro``) get this one.
    """
    import ccxt.async_support as ccxt_async
    import ccxt.pro as ccxt_pro

    cls = __getattr__("lighter")
    ccxt_async.lighter = cls
    ccxt_pro.lighter = cls
