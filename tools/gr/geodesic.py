"""Geodesic equations as ODEs, symbolic and numeric.

>>> from tools.gr import catalog
>>> eqs = geodesic_equations(catalog.schwarzschild())
>>> eqs[1].rhs.has(catalog.schwarzschild().params[0])
True
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import sympy as sp
from scipy.integrate import solve_ivp

from .errors import GRError


def geodesic_equations(metric, parameter: sp.Symbol | str = "tau", timeout: float | None = None):
    """``x^a'' = -Gamma^a_{bc} x^b' x^c'`` with each coordinate a function of ``parameter``."""
    tau = sp.Symbol(parameter, real=True) if isinstance(parameter, str) else parameter
    gamma = metric.christoffel(timeout=timeout)
    paths = {c: sp.Function(c.name, real=True)(tau) for c in metric.coords}
    velocity = [paths[c].diff(tau) for c in metric.coords]
    n = metric.dim
    eqs = []
    for a, c in enumerate(metric.coords):
        rhs = -sum((gamma.array[a, b, d] * velocity[b] * velocity[d]
                    for b in range(n) for d in range(n) if gamma.array[a, b, d] != 0), sp.Integer(0))
        eqs.append(sp.Eq(paths[c].diff(tau, 2), rhs.xreplace(paths)))
    return eqs


def geodesic_rhs(metric, values: Mapping[str, float] | None = None):
    """The first-order system y' = f(tau, y), y = (x^a, u^a), for ``scipy.integrate.solve_ivp``.

    ``values`` gives numbers for the metric's parameters by name (e.g. ``{"M": 1}``).
    """
    values = dict(values or {})
    missing = [p.name for p in metric.params if p.name not in values]
    if missing:
        raise GRError(f"give numeric values for the parameters {', '.join(missing)}")
    subs = {p: values[p.name] for p in metric.params}
    gamma = metric.christoffel().array.subs(subs)
    n = metric.dim
    if any(isinstance(a, sp.core.function.AppliedUndef) for a in gamma.atoms(sp.Function)):
        raise GRError("the metric contains undefined functions; substitute them before integrating")
    terms = [[(b, d, sp.lambdify(metric.coords, gamma[a, b, d], "numpy"))
              for b in range(n) for d in range(b, n) if gamma[a, b, d] != 0] for a in range(n)]

    def rhs(tau, y):
        x, u = y[:n], y[n:]
        acc = np.zeros(n)
        for a in range(n):
            for b, d, fn in terms[a]:
                weight = 1.0 if b == d else 2.0
                acc[a] -= weight * fn(*x) * u[b] * u[d]
        return np.concatenate([u, acc])
    return rhs


def integrate_geodesic(metric, x0: Sequence[float], u0: Sequence[float], tau_span: tuple[float, float],
                       values: Mapping[str, float] | None = None, **options):
    """Integrate a geodesic from position ``x0`` and 4-velocity ``u0`` with ``solve_ivp``.

    Defaults: DOP853 with rtol = atol = 1e-10.  Returns scipy's ``OdeResult``.
    """
    options = {"method": "DOP853", "rtol": 1e-10, "atol": 1e-10, **options}
    y0 = np.concatenate([np.asarray(x0, float), np.asarray(u0, float)])
    return solve_ivp(geodesic_rhs(metric, values), tau_span, y0, **options)
