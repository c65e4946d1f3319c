"""Shared pytest set-up. Fixtures live in per-layer plugin modules so each layer owns its own."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("LIGHTER_SHARED_DIR", os.path.join(os.path.dirname(ROOT), "shared"))
EXAMPLES = os.path.join(SHARED, "lighter-api", "examples")
CASSETTES = os.path.join(ROOT, "cassettes")

pytest_plugins = [
    "tests.fixtures_signer",
    "tests.fixtures_exchange",
    "tests.fixtures_sim",
]
