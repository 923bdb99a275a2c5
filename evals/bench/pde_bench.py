"""PDE benchmark: our PINN and our classical solver against DeepXDE's own example set-ups.

For heat, wave, 2D Poisson, Burgers and Allen-Cahn, over several seeds, in one process: the
wall time and the relative L2 error against the library's exact or reference solution, on the
test grid of the DeepXDE example (256 x 201 for heat, 256 x 100 for Burgers, ...). The peer
is DeepXDE's example as published (``deepxde_examples.py``), run with DeepXDE's defaults.
The last line printed is a JSON object with every figure.

    python evals/bench/pde_bench.py                                 # everything (about an hour)
    python evals/bench/pde_bench.py --problems heat burgers --seeds 0
    python evals/bench/pde_bench.py --peer-scale 0.1                # a quick, unfair peer
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DDE_BACKEND", "pytorch")

import numpy as np  # noqa: E402

from evals.bench.deepxde_examples import EXAMPLES  # noqa: E402
from tools.pde import library, solve  # noqa: E402
from tools.pde.solution import relative_l2  # noqa: E402

PROBLEMS = ["heat", "wave", "poisson_2d", "burgers", "allen_cahn"]
GRIDS = {"heat": (256, 201), "wave": (256, 201), "poisson_2d": (101, 101),
         "burgers": (256, 100), "allen_cahn": (201, 101)}


def test_points(name: str) -> np.ndarray:
    """A tensor grid over the problem's domain, columns in spec order."""
    spec = library.get(name)
    axes = [np.linspace(lo, hi, n) for (lo, hi), n in zip(spec.variables.values(), GRIDS[name])]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([m.ravel() for m in mesh])


def run_peer(name: str, seed: int, scale: float, points: np.ndarray, truth: np.ndarray) -> dict:
    import torch
    threads = torch.get_num_threads()
    start = time.perf_counter()
    model = EXAMPLES[name](seed, scale)
    seconds = time.perf_counter() - start
    spec = library.get(name)
    order = spec.space + ([spec.time] if spec.time else [])
    columns = [list(spec.variables).index(v) for v in order]
    values = model.predict(points[:, columns].astype(np.float32))
    return {"seconds": seconds, "l2re": relative_l2(values, truth), "threads": threads}


def run_ours(name: str, method: str, seed: int, points: np.ndarray, truth: np.ndarray) -> dict:
    spec = library.get(name)
    start = time.perf_counter()
    options = {"seed": seed, "progress": False} if method == "pinn" else {}
    sol = solve(spec, method=method, **options)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "l2re": relative_l2(sol(points), truth),
            "threads": sol.metrics.get("threads"), "solver": sol.metrics.get("solver", method)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=PROBLEMS, choices=PROBLEMS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--peer-scale", type=float, default=1.0,
                        help="fraction of the DeepXDE examples' Adam iterations")
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args(argv)

    results: dict = {"peer": "DeepXDE examples/pinn_forward, DeepXDE defaults",
                     "peer_scale": args.peer_scale, "problems": {}}
    header = (f"{'problem':12} {'seed':>4} {'solver':>10} {'seconds':>9} {'L2RE':>9}"
              f" {'threads':>7}")
    print(header)
    for name in args.problems:
        points = test_points(name)
        truth = library.get(name).reference_values(points)
        rows: dict[str, list[dict]] = {"deepxde": [], "pinn": [], "classical": []}
        for seed in args.seeds:
            runs = [("classical", lambda: run_ours(name, "classical", seed, points, truth)),
                    ("pinn", lambda: run_ours(name, "pinn", seed, points, truth))]
            if not args.no_peer:
                runs.append(("deepxde", lambda: run_peer(name, seed, args.peer_scale, points,
                                                         truth)))
            for label, run in runs:
                row = run()
                rows[label].append(row)
                print(f"{name:12} {seed:>4} {label:>10} {row['seconds']:9.2f} "
                      f"{row['l2re']:9.2e} {row['threads'] or '':>7}", flush=True)
        summary = {label: {"seconds": [r["seconds"] for r in rs],
                           "l2re": [r["l2re"] for r in rs]} for label, rs in rows.items() if rs}
        if rows["deepxde"]:
            summary["time_ratio_pinn_vs_deepxde"] = (
                statistics.mean(summary["pinn"]["seconds"])
                / statistics.mean(summary["deepxde"]["seconds"]))
            summary["time_ratio_classical_vs_deepxde"] = (
                statistics.mean(summary["classical"]["seconds"])
                / statistics.mean(summary["deepxde"]["seconds"]))
        results["problems"][name] = summary
        _print_summary(name, summary)
    print(json.dumps(results))
    return results


def _print_summary(name: str, summary: dict) -> None:
    parts = []
    for label in ("pinn", "classical", "deepxde"):
        if label in summary:
            s = summary[label]
            parts.append(f"{label}: L2RE {min(s['l2re']):.1e}..{max(s['l2re']):.1e} in "
                         f"{min(s['seconds']):.1f}..{max(s['seconds']):.1f} s")
    print(f"# {name}: " + "; ".join(parts), flush=True)


if __name__ == "__main__":
    main()
