"""AuthTokenCache: lifetime, renewal before expiry, per-key caching, secrecy (clock injected)."""
import pytest
from ccxt.base.errors import BadRequest

from ccxt_lighter.auth import MAX_LIFETIME, AuthTokenCache


@pytest.fixture
def native_signer_with_key(native_signer):
    """The official library (installed by the set-up as a user would) with a fresh key at (account 77, slot 4)."""
    private, public = native_signer.generate_api_key()
    native_signer.register_key(private, 304, 4, 77)
    return native_signer, 77, 4, public


class Clock:
    def __init__(self, t=1_800_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


class Factory:
    def __init__(self):
        self.calls = []

    def __call__(self, deadline, api_key_index, account_index):
        self.calls.append((deadline, api_key_index, account_index))
        return f"{deadline}:{account_index}:{api_key_index}:{'ab' * 80}"


def test_token_is_cached_then_renewed_before_expiry():
    clock, make = Clock(), Factory()
    cache = AuthTokenCache(make, lifetime=3600, refresh_margin=300, clock=clock)
    first = cache.get(77, 4)
    assert make.calls == [(1_800_003_600, 4, 77)]
    assert first.startswith("1800003600:77:4:")
    clock.t += 3600 - 301
    assert cache.get(77, 4) == first and len(make.calls) == 1
    clock.t += 2  # now only 299 s left: renew
    second = cache.get(77, 4)
    assert second != first and len(make.calls) == 2
    assert cache.deadline(77, 4) == int(clock.t) + 3600


def test_tokens_are_per_key():
    make = Factory()
    cache = AuthTokenCache(make, clock=Clock())
    a, b, c = cache.get(1, 4), cache.get(1, 5), cache.get(2, 4)
    assert len({a, b, c}) == 3 and cache.created == 3
    cache.invalidate(1, 5)
    cache.get(1, 5)
    assert cache.created == 4
    cache.invalidate()
    cache.get(1, 4)
    assert cache.created == 5


@pytest.mark.parametrize("lifetime", [0, 59, MAX_LIFETIME + 1])
def test_lifetime_bounds(lifetime):
    with pytest.raises(BadRequest):
        AuthTokenCache(Factory(), lifetime=lifetime)


def test_default_margin_is_a_quarter_of_short_lifetimes():
    cache = AuthTokenCache(Factory(), lifetime=120, clock=Clock())
    assert cache.refresh_margin == 30
    assert AuthTokenCache(Factory(), lifetime=MAX_LIFETIME).refresh_margin == 300
    with pytest.raises(BadRequest):
        AuthTokenCache(Factory(), lifetime=120, refresh_margin=120)


def test_repr_hides_tokens():
    cache = AuthTokenCache(Factory(), clock=Clock())
    token = cache.get(3, 4)
    assert token.split(":")[-1] not in repr(cache)
    assert token not in repr(cache._entries)


def test_native_signer_token_verifies(native_signer_with_key):
    """A real token from the signer library has the documented shape and deadline."""
    signer, account, key, public = native_signer_with_key
    clock = Clock(1_900_000_000.0)
    cache = AuthTokenCache(signer.create_auth_token, lifetime=8 * 3600, clock=clock)
    token = cache.get(account, key)
    deadline, acct, idx, sig = token.split(":")
    assert (int(deadline), int(acct), int(idx)) == (1_900_000_000 + 8 * 3600, account, key)
    assert len(sig) == 160
    try:
        from ccxt_lighter.signer.pure import verify_auth_token
    except ImportError:
        return
    assert verify_auth_token(token, public)
