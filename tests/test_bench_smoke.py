"""The trading benchmark still runs end to end (tiny sizes; it times nothing here, it only must not rot):
both classes, the simulator in its own process and in this one, every case reported."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.timeout(300)


@pytest.mark.parametrize("where", [[], ["--sim-in-process"]])
def test_bench_trading_runs_and_reports_every_case(signer_lib_path, where):
    run = subprocess.run([sys.executable, "bench/bench_trading.py", "--orders", "5", "--rounds", "1",
                          "--concurrent", "5", "--isolated", "5", *where],
                         cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert run.returncode == 0, run.stderr[-2000:]
    for line in ("create ours", "create in-tree", "createOrderWs ours", "createOrderWs in-tree",
                 "50 createOrders ours", "accepted-throughput ratio ours (1 key) / in-tree"):
        assert line in run.stdout, line
    for client in ("in-tree x1 key(s): none", "ours x1 key(s): none", "ours x4 key(s): none"):
        assert client in run.stdout, run.stdout[-1500:]  # no order of the burst raised
