"""Hard constraints: write an unknown as ``u = g + D * N`` so its conditions hold exactly.

``g`` satisfies the Dirichlet and initial conditions, ``D`` vanishes where they hold (to the
order of the initial conditions in time), and ``N`` is the network. Both are SymPy expressions
built from the spec, evaluated later on tensors. The construction covers the common cases:

* initial conditions ``u`` (and ``u_t``) at ``t0``: ``g = u0 + (t - t0) v0``, ``D = tau^m``;
* Dirichlet data on the whole boundary of a box or disk given as one expression ``h``:
  ``D = prod (x - lo)(hi - x)`` (or ``R^2 - |x - c|^2``), and ``h`` itself extends inside;
* Dirichlet data on one or both ends of a single space variable: ``h`` blends them linearly;
* both together: ``g = u0 + (t - t0) v0 + h - h(t0) - (t - t0) h_t(t0)``, which meets every
  condition when the data agree at the corners.

:func:`hard_constraint` checks the result numerically on each side it claims, so data that
do not agree at the corners fall back to penalty (soft) conditions instead of a wrong answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .evaluate import numpy_function
from .spec import ParsedCondition, PDESpec


@dataclass(frozen=True)
class HardConstraint:
    g: sp.Expr
    D: sp.Expr
    covers: tuple[ParsedCondition, ...]


def hard_constraint(spec: PDESpec, unknown: int) -> HardConstraint | None:
    """``u = g + D N`` for this unknown, or None when the conditions do not allow one."""
    conds = [c for c in spec.parsed_conditions if c.unknown == unknown]
    initial = {c.derivative: c for c in conds if c.kind == "initial"}
    dirichlet = [c for c in conds if c.kind == "dirichlet"]
    if not initial and not dirichlet:
        return None
    space = _space_part(spec, dirichlet)
    if dirichlet and space is None:
        return None
    h, d_space = space if space is not None else (sp.Integer(0), sp.Integer(1))
    g, D = h, d_space
    if initial:
        t = spec.symbol(spec.time)
        t0, t1 = spec.variables[spec.time]
        order = max(initial) + 1
        if sorted(initial) != list(range(order)) or order > 2:
            return None
        dt = t - t0
        u0 = initial[0].value.subs(t, t0)     # a value written with t means its value at t0
        v0 = initial[1].value.subs(t, t0) if order == 2 else sp.Integer(0)
        g = u0 + dt * v0
        if dirichlet:
            h0 = h.subs(t, t0)
            g += h - h0 - (dt * sp.diff(h, t).subs(t, t0) if order == 2 else 0)
        D = d_space * ((t - t0) / (t1 - t0)) ** order
    result = HardConstraint(g, D, tuple(dirichlet) + tuple(initial.values()))
    return result if _holds(spec, result) else None


def _space_part(spec: PDESpec, dirichlet: list[ParsedCondition]):
    """``(h, D)`` for the Dirichlet conditions, or None if they are not of a covered shape."""
    if not dirichlet:
        return None
    whole = [c for c in dirichlet if c.side.variable is None]
    if whole:
        if len(dirichlet) > 1:
            return None
        h = whole[0].value
        if spec.disk is not None:
            (x, y), (cx, cy), r = (spec.symbol(v) for v in spec.space), spec.disk.center, \
                spec.disk.radius
            return h, (r**2 - (x - cx)**2 - (y - cy)**2) / r**2
        D = sp.Integer(1)
        for v in spec.space:
            lo, hi = spec.variables[v]
            s = spec.symbol(v)
            D *= 4 * (s - lo) * (hi - s) / (hi - lo)**2
        return h, D
    variables = {c.side.variable for c in dirichlet}
    if len(variables) != 1:
        return None
    s = variables.pop()
    lo, hi = spec.variables[str(s)]
    ends = {c.side.at: c.value for c in dirichlet}
    if len(ends) != len(dirichlet):
        return None
    xi = (s - lo) / (hi - lo)
    if len(ends) == 2:
        return (1 - xi) * ends[lo] + xi * ends[hi], 4 * xi * (1 - xi)
    (at, value), = ends.items()
    return value, (xi if at == lo else 1 - xi)


def _holds(spec: PDESpec, hc: HardConstraint, n: int = 64) -> bool:
    """Whether ``g + D N`` meets each covered condition at sample points, for any N."""
    from .solution import sample_domain
    variables = spec.symbols
    for c in hc.covers:
        points = sample_domain(spec, n, seed=1)
        if c.side.variable is None:
            points = _on_boundary(spec, points)
        else:
            points[:, variables.index(c.side.variable)] = c.side.at
        g, D, want = hc.g, hc.D, c.value
        if c.kind == "initial" and c.derivative:
            t = c.side.variable
            g, D = sp.diff(g, t, c.derivative), sp.diff(D, t, c.derivative)
        g_val = numpy_function(g, variables)(points)
        D_val = numpy_function(D, variables)(points)
        want_val = numpy_function(want, variables)(points)
        scale = 1 + np.max(np.abs(want_val))
        if np.max(np.abs(g_val - want_val)) > 1e-9 * scale or np.max(np.abs(D_val)) > 1e-9:
            return False
    return True


def _on_boundary(spec: PDESpec, points: np.ndarray) -> np.ndarray:
    """Move sample points onto the space boundary (box faces or the circle)."""
    names = list(spec.variables)
    rng = np.random.default_rng(2)
    if spec.disk is not None:
        i, j = (names.index(v) for v in spec.space)
        angle = 2 * np.pi * rng.random(len(points))
        points[:, i] = spec.disk.center[0] + spec.disk.radius * np.cos(angle)
        points[:, j] = spec.disk.center[1] + spec.disk.radius * np.sin(angle)
        return points
    for row in points:
        v = spec.space[rng.integers(len(spec.space))]
        row[names.index(v)] = spec.variables[v][rng.integers(2)]
    return points
