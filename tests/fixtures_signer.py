"""pytest fixtures for the signer layer.

``signer_lib_path`` finds the official library the way the package does (LIGHTER_SIGNER_LIB,
``signers/`` of the checkout, the per-user cache). On a fresh machine it installs it like a user
would (``ccxt-lighter signer install``: pip download of the pinned lighter-sdk wheel, checksum
verification, extraction into the user cache). The wheel is downloaded at most once per session
(``lighter_sdk_wheel``) and shared with the install tests.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FAKE_SIGNER_SOURCE = HERE / "fake_signer" / "fake_signer.c"


@pytest.fixture(scope="session")
def lighter_sdk_wheel(tmp_path_factory) -> Path:
    """The pinned lighter-sdk wheel, fetched with the installer's own ``pip download`` (once)."""
    from ccxt_lighter.signer.install import download_wheel, verify_wheel

    wheel = download_wheel(tmp_path_factory.mktemp("lighter-sdk-wheel"))
    verify_wheel(wheel)
    return wheel


@pytest.fixture(scope="session")
def signer_lib_path(request) -> str:
    from ccxt_lighter.signer.install import install
    from ccxt_lighter.signer.locate import SignerNotFound, find_library

    try:
        return str(find_library().path)
    except SignerNotFound:
        wheel = request.getfixturevalue("lighter_sdk_wheel")
        install(wheel=wheel)  # into the per-user cache, where discovery finds it
        return str(find_library().path)


@pytest.fixture(scope="session")
def native_signer(signer_lib_path):
    """The process-wide NativeSigner over the official library (no keys registered by this fixture)."""
    from ccxt_lighter.signer import get_backend

    return get_backend("native", signer_lib_path)


@pytest.fixture(scope="session")
def fake_signer_factory(tmp_path_factory):
    """Compile tests/fake_signer/fake_signer.c with the given -D flags; returns the .so path."""
    cc = shutil.which(os.environ.get("CC", "cc"))
    if cc is None:
        pytest.skip("no C compiler to build the fake signer library")
    out_dir = tmp_path_factory.mktemp("fake-signers")
    built = {}

    def build(*defines: str) -> Path:
        key = tuple(sorted(defines))
        if key not in built:
            name = "fake" + "".join("-" + d.lower() for d in key) + ".so"
            target = out_dir / name
            subprocess.run([cc, "-shared", "-fPIC", "-O1", *[f"-D{d}" for d in key],
                            "-o", str(target), str(FAKE_SIGNER_SOURCE)], check=True, capture_output=True)
            built[key] = target
        return built[key]

    return build
