"""SageManifolds peer for gr_bench.py, run by a Python that has passagemath installed.

Reads one JSON job on stdin: {"coords": [...], "components": [[str]], "task": "ricci"|"kretschmann"},
prints the seconds the task took.  Kept free of Geodesic imports: it runs in Sage's own
environment (pip install passagemath-symbolics passagemath-maxima).
"""

import json
import sys
import time

from sage.all__sagemath_symbolics import SR, Manifold  # noqa: F401

job = json.load(sys.stdin)
n = len(job["coords"])
M = Manifold(n, "M", structure="Lorentzian")
chart = M.chart(" ".join(job["coords"]))
names = dict(zip(job["coords"], chart[:]))
g = M.metric()
for a in range(n):
    for b in range(a, n):
        text = job["components"][a][b]
        if text != "0":
            g[a, b] = SR(text).subs({SR.var(k): v for k, v in names.items()})
start = time.perf_counter()
if job["task"] == "ricci":
    ric = g.ricci()
    [ric[a, b].expr() for a in range(n) for b in range(n)]
else:
    riem = g.riemann()
    down = riem.down(g)
    up = riem.up(g)
    k = (down["_abcd"] * up["^abcd"])
    k.expr().simplify_full()
print(time.perf_counter() - start)
