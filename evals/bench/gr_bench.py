"""GR engine benchmark: our exact engine against einsteinpy (and SageManifolds when given).

For each metric: the Ricci tensor with a vacuum test, and the Kretschmann scalar in closed
form.  Peers run in child processes with a time limit; a peer that does not finish is
reported as "> limit".  The last line printed is a JSON object with every figure.

    python evals/bench/gr_bench.py                      # all metrics, peer limit 600 s
    python evals/bench/gr_bench.py --metrics kerr --peer-timeout 60
    python evals/bench/gr_bench.py --sage-python /path/to/sage-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import queue
import subprocess
import time
from pathlib import Path

import sympy as sp

from tools.gr import catalog

METRICS = ["schwarzschild", "reissner_nordstrom", "kerr", "kerr_newman", "flrw"]


def ours(name: str) -> dict:
    """Fresh metric each time: no cache shared between tasks."""
    start = time.perf_counter()
    m = catalog.get(name)
    ricci = m.ricci_tensor()
    vacuum = m.is_ricci_flat()
    t_ricci = time.perf_counter() - start
    start = time.perf_counter()
    k = catalog.get(name).kretschmann()
    t_k = time.perf_counter() - start
    return {"ricci_s": t_ricci, "kretschmann_s": t_k, "vacuum": vacuum,
            "ricci_nonzero": len(ricci.nonzero()), "kretschmann": sp.sstr(k)}


def _einsteinpy_task(name: str, task: str, out) -> None:
    from einsteinpy.symbolic import MetricTensor, RicciTensor, RiemannCurvatureTensor

    m = catalog.get(name)
    metric = MetricTensor(sp.Array(m.components.tolist()), m.coords)
    start = time.perf_counter()
    if task == "ricci":
        RicciTensor.from_metric(metric).tensor()
    else:
        riemann = RiemannCurvatureTensor.from_metric(metric)
        lower = riemann.change_config("llll").tensor()
        upper = riemann.change_config("uuuu").tensor()
        n = len(m.coords)
        k = sum(lower[a, b, c, d] * upper[a, b, c, d]
                for a in range(n) for b in range(n) for c in range(n) for d in range(n))
        sp.simplify(k)
    out.put(time.perf_counter() - start)


def sage_peer(python: str, name: str, task: str, limit: float) -> float | None:
    """Run evals/bench/sage_peer.py under Sage's own Python; None when past the limit."""
    m = catalog.get(name)
    job = {"coords": [c.name for c in m.coords], "task": task,
           "components": [[sp.sstr(m.components[i, j]) for j in range(m.dim)] for i in range(m.dim)]}
    script = Path(__file__).with_name("sage_peer.py")
    try:
        out = subprocess.run([python, str(script)], input=json.dumps(job), capture_output=True,
                             text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        raise RuntimeError(f"the Sage peer failed on {name}/{task}: {out.stderr[-500:]}")
    return float(out.stdout.strip().splitlines()[-1])


def peer(target, name: str, task: str, limit: float) -> float | None:
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=target, args=(name, task, out), daemon=True)
    proc.start()
    try:
        return out.get(timeout=limit)
    except queue.Empty:
        return None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--metrics", nargs="+", default=METRICS)
    parser.add_argument("--peer-timeout", type=float, default=600.0)
    parser.add_argument("--sage-python", default=os.environ.get("GEODESIC_SAGE_PYTHON"),
                        help="a Python with passagemath installed, to add SageManifolds as a peer")
    args = parser.parse_args(argv)

    peers = {"einsteinpy": lambda name, task, limit: peer(_einsteinpy_task, name, task, limit)}
    if args.sage_python:
        peers["sagemanifolds"] = lambda name, task, limit: sage_peer(args.sage_python, name, task, limit)
    rows = []
    print(f"{'metric':20s} {'task':12s} {'geodesic s':>11s} " +
          " ".join(f"{p + ' s':>16s} {'ratio':>9s}" for p in peers))
    for name in args.metrics:
        mine = ours(name)
        for task, key in (("ricci", "ricci_s"), ("kretschmann", "kretschmann_s")):
            row = {"metric": name, "task": task, "geodesic_s": round(mine[key], 4)}
            cells = []
            for pname, run_peer in peers.items():
                seconds = run_peer(name, task, args.peer_timeout)
                row[f"{pname}_s"] = None if seconds is None else round(seconds, 3)
                # a peer that timed out gives a lower bound on the ratio
                ratio = (seconds if seconds is not None else args.peer_timeout) / max(mine[key], 1e-9)
                row[f"{pname}_ratio"] = round(ratio, 1)
                row[f"{pname}_finished"] = seconds is not None
                shown = f"{seconds:.2f}" if seconds is not None else f"> {args.peer_timeout:g}"
                cells.append(f"{shown:>16s} {('' if seconds is not None else '> ') + f'{ratio:.0f}x':>9s}")
            print(f"{name:20s} {task:12s} {mine[key]:11.4f} " + " ".join(cells), flush=True)
            rows.append(row)
    kerr = next((r for r in rows if r["metric"] == "kerr"), None)
    summary = {"benchmark": "gr", "peer_timeout_s": args.peer_timeout, "peers": list(peers), "rows": rows}
    if kerr is not None:
        summary["kerr_vacuum_plus_kretschmann_s"] = round(
            sum(r["geodesic_s"] for r in rows if r["metric"] == "kerr"), 4)
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
