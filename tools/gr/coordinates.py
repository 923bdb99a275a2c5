"""Coordinate transformations of a metric, computed in the exact field.

>>> import sympy as sp
>>> from tools.gr import catalog
>>> t, r, th, ph = sp.symbols("t r theta phi", real=True)
>>> m = catalog.minkowski().transform((t, r, th, ph), {
...     sp.Symbol("t", real=True): t, sp.Symbol("x", real=True): r*sp.sin(th)*sp.cos(ph),
...     sp.Symbol("y", real=True): r*sp.sin(th)*sp.sin(ph), sp.Symbol("z", real=True): r*sp.cos(th)})
>>> m.components
Matrix([
[-1, 0,    0,                  0],
[ 0, 1,    0,                  0],
[ 0, 0, r**2,                  0],
[ 0, 0,    0, r**2*sin(theta)**2]])
"""

from __future__ import annotations

from typing import Mapping, Sequence

import sympy as sp

from .algebra import Field
from .budget import check, time_budget
from .errors import MetricError


def transform(metric, new_coords: Sequence[sp.Symbol], old_in_new: Mapping[sp.Symbol, sp.Expr],
              timeout: float | None = None, name: str = ""):
    """g'_{ab} = J^c_a J^d_b g_{cd}(x(x')), J^c_a = d x^c / d x'^a."""
    from .metric import Metric

    new_coords = tuple(new_coords)
    by_name = {k.name if isinstance(k, sp.Symbol) else str(k): sp.sympify(v) for k, v in old_in_new.items()}
    missing = [c.name for c in metric.coords if c.name not in by_name]
    if missing:
        raise MetricError(f"give each old coordinate in terms of the new ones; missing: {', '.join(missing)}")
    if len(new_coords) != metric.dim:
        raise MetricError(f"the new chart needs {metric.dim} coordinates, got {len(new_coords)}")
    with time_budget(timeout, "coordinate transformation"):
        field = Field(new_coords)
        subs = {c: by_name[c.name] for c in metric.coords}
        old = [field.from_sympy(by_name[c.name]) for c in metric.coords]
        jac = [[old[c].diff(x) for x in new_coords] for c in range(metric.dim)]
        g = [[field.from_sympy(metric.components[i, j].xreplace(subs)) for j in range(metric.dim)]
             for i in range(metric.dim)]
        n = metric.dim
        out = sp.zeros(n, n)
        for a in range(n):
            for b in range(a, n):
                check("transformed metric")
                value = field.zero
                for c in range(n):
                    if jac[c][a].is_zero():
                        continue
                    for d in range(n):
                        if not jac[d][b].is_zero() and not g[c][d].is_zero():
                            value = value + jac[c][a] * jac[d][b] * g[c][d]
                out[a, b] = out[b, a] = field.to_sympy(value)
    return Metric(out, new_coords, name=name or metric.name, params=metric.params,
                  description=f"{metric.name or 'metric'} in coordinates {', '.join(map(str, new_coords))}")
