"""einsteinpy as an independent second engine, run in a child process under a time limit.

einsteinpy (https://einsteinpy.org) builds Christoffel symbols and the Riemann tensor with
SymPy and calls ``simplify`` on every component, so it is independent of our exact field
and slow: it is a judge, not a workhorse.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time

import sympy as sp


def _ricci_worker(components, coords, out):
    from einsteinpy.symbolic import MetricTensor, RicciTensor

    metric = MetricTensor(sp.Array(components.tolist()), coords)
    start = time.perf_counter()
    ricci = RicciTensor.from_metric(metric).tensor()
    out.put((sp.Matrix(ricci.tolist()), time.perf_counter() - start))


def einsteinpy_ricci(metric, timeout: float = 60.0) -> tuple[sp.Matrix | None, float]:
    """(R_ab from einsteinpy, seconds), or (None, timeout) if it did not finish in time."""
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    proc = ctx.Process(target=_ricci_worker, args=(metric.components, metric.coords, out), daemon=True)
    proc.start()
    try:
        return out.get(timeout=timeout)
    except queue.Empty:
        return None, timeout
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
