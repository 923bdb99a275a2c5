"""The PDE benchmark runs end to end (with a shortened peer) and prints its JSON line."""

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_pde_bench_heat_row_with_a_quick_peer():
    out = subprocess.run([sys.executable, "evals/bench/pde_bench.py", "--problems", "heat",
                          "--seeds", "0", "--peer-scale", "0.01"],
                         capture_output=True, text=True, timeout=1200)
    assert out.returncode == 0, out.stderr
    heat = json.loads(out.stdout.strip().splitlines()[-1])["problems"]["heat"]
    assert heat["pinn"]["l2re"][0] <= 1e-4                  # the target, exact solution
    assert heat["classical"]["l2re"][0] <= 1e-6
    assert heat["deepxde"]["seconds"][0] > 0 and heat["time_ratio_pinn_vs_deepxde"] > 0
