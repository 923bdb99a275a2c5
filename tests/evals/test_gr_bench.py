"""The GR benchmark runs end to end and prints its JSON line."""

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_gr_bench_prints_a_table_and_a_json_line():
    out = subprocess.run([sys.executable, "evals/bench/gr_bench.py", "--metrics", "schwarzschild",
                          "--peer-timeout", "300"], capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    rows = {(r["metric"], r["task"]): r for r in summary["rows"]}
    ricci = rows["schwarzschild", "ricci"]
    assert ricci["einsteinpy_finished"] and ricci["einsteinpy_s"] > 0
    assert ricci["einsteinpy_ratio"] == pytest.approx(ricci["einsteinpy_s"] / ricci["geodesic_s"], rel=0.05)
