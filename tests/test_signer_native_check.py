"""Load-time check: fake libraries are refused before they sign; lazy loading; get_backend."""
from __future__ import annotations

import ctypes
import subprocess
import sys
import textwrap

import pytest

from ccxt_lighter.signer import abi, get_backend
from ccxt_lighter.signer.locate import SignerIncompatible, SignerNotFound
from ccxt_lighter.signer.native import NativeSigner, load_library
from ccxt_lighter.signer.selfcheck import PROBE_PRIVATE_KEY, pure_tx_hash

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fake library is built as ELF")


@pytest.mark.parametrize("defines,reason", [
    ((), "tx_hash is not the Poseidon2 hash"),
    (("FAKE_SWAP_PRICES",), "fields differ from the input: Price, TriggerPrice"),
    (("FAKE_OMIT_MARKER",), "lacks SignBinaryOptionsOperatorSettleMarket"),
    (("FAKE_EXPORT_SWITCH",), "exports SwitchAPIKey"),
], ids=["bad-hash", "swapped-fields", "missing-generation-marker", "forbidden-symbol"])
def test_fake_library_rejected_at_load(fake_signer_factory, defines, reason):
    if not defines and pure_tx_hash() is None:
        pytest.skip("hash check needs ccxt_lighter.signer.pure.txhash")
    path = fake_signer_factory(*defines)
    with pytest.raises(SignerIncompatible, match=reason) as info:
        NativeSigner(str(path))
    message = str(info.value)
    assert "ccxt-lighter signer install" in message and PROBE_PRIVATE_KEY not in message
    with pytest.raises(SignerIncompatible, match=reason):  # the verdict is cached per path
        get_backend("native", str(path))


def test_rejected_library_still_had_its_strings_freed(fake_signer_factory):
    path = fake_signer_factory("FAKE_SWAP_PRICES")
    with pytest.raises(SignerIncompatible):
        load_library(str(path))
    counter = ctypes.CDLL(str(path)).fake_free_count  # same dlopen handle, same static counter
    assert counter() == 2  # txInfo + txHash of the one probe the fake answered


def test_auto_does_not_fall_back_silently_for_an_explicit_path(fake_signer_factory):
    path = fake_signer_factory("FAKE_SWAP_PRICES")
    with pytest.raises(SignerIncompatible):
        get_backend("auto", str(path))


def test_symbol_tables_are_consistent():
    assert set(abi.FUNCTIONS) <= set(abi.REQUIRED_SYMBOLS)
    assert not set(abi.FORBIDDEN_SYMBOLS) & set(abi.REQUIRED_SYMBOLS)


def test_real_library_passes_and_reports_its_probe(native_signer):
    check = native_signer.load_check
    assert check.probes == 4 and len(check.probe_tx_hash) == 80
    assert check.hash_verified == (pure_tx_hash() is not None)


def test_get_backend_caches_per_kind_and_path(native_signer, signer_lib_path, monkeypatch):
    assert get_backend("native", signer_lib_path) is native_signer
    monkeypatch.setenv("LIGHTER_SIGNER_LIB", signer_lib_path)
    monkeypatch.setenv("LIGHTER_SIGNER", "native")
    assert get_backend() is native_signer
    with pytest.raises(Exception, match="unknown signer kind"):
        get_backend("fast")


def test_native_kind_without_library_names_the_install_command(tmp_path, monkeypatch):
    from ccxt_lighter.signer import locate

    monkeypatch.delenv("LIGHTER_SIGNER_LIB", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(locate, "checkout_dir", lambda: None)
    with pytest.raises(SignerNotFound, match="ccxt-lighter signer install"):
        get_backend("native")


def test_auto_falls_back_to_pure_when_discovery_finds_nothing(tmp_path, monkeypatch):
    from ccxt_lighter.signer import locate

    try:
        from ccxt_lighter.signer.pure import PureSigner
    except ImportError:
        pytest.skip("PureSigner not available yet")
    monkeypatch.delenv("LIGHTER_SIGNER_LIB", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(locate, "checkout_dir", lambda: None)
    backend = get_backend("auto")
    assert isinstance(backend, PureSigner) and get_backend("pure") is backend


def test_importing_the_package_never_loads_the_library():
    code = textwrap.dedent("""
        import ccxt_lighter, ccxt_lighter.signer, ccxt_lighter.signer.native, ccxt_lighter.cli
        from ccxt_lighter.signer import get_backend
        maps = open('/proc/self/maps').read()
        print('LOADED' if 'lighter-signer' in maps else 'CLEAN')
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "CLEAN"
