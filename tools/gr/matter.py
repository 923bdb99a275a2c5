"""Matter content of a metric: T = G/(8 pi) and the classical energy conditions.

For a stress-energy tensor that is diagonal in the coordinate basis of a diagonal metric
(Hawking-Ellis type I, as for static spherical stars, wormholes and FLRW), the energy
density and principal pressures are exact: rho = -T^t_t, p_i = T^i_i, and the conditions
are the inequalities (Hawking & Ellis 1973, sec. 4.3; Visser, Lorentzian Wormholes 1995, ch. 12)

* null (NEC):      rho + p_i >= 0
* weak (WEC):      rho >= 0 and NEC
* strong (SEC):    rho + sum p_i >= 0 and NEC
* dominant (DEC):  rho >= |p_i|

Each condition is True or False where the assumptions on the symbols decide it (a radial
coordinate named r, rho or R is taken positive), and None where they do not; :meth:`EnergyConditions.at` decides them at a numeric point for any T,
by testing T_{ab} k^a k^b over a dense set of null and timelike observers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import sympy as sp

from .errors import GRError

CONDITIONS = ("null", "weak", "strong", "dominant")
RADIAL_NAMES = {"r", "rho", "R"}     # taken positive when the conditions are decided


@dataclass
class EnergyConditions:
    """Energy density, pressures and the four energy conditions of a metric's matter."""

    metric: object
    stress_energy: sp.Array                    # T_{ab}
    density: sp.Expr | None = None             # rho (None when T is not diagonal)
    pressures: tuple[sp.Expr, ...] = ()
    inequalities: dict[str, list[sp.Expr]] = field(default_factory=dict)   # each must be >= 0
    holds: dict[str, bool | None] = field(default_factory=dict)

    def at(self, point: Mapping[str, float], observers: int = 400) -> dict[str, bool]:
        """Decide every condition numerically at ``point`` (coordinates and parameters by name).

        Undefined functions must have been replaced by explicit ones first.
        """
        m = self.metric
        subs = {s: point[s.name] for s in (*m.coords, *m.params) if s.name in point}
        missing = [s.name for s in (*m.coords, *m.params) if s.name not in point]
        if missing:
            raise GRError(f"give numeric values for {', '.join(missing)}")
        g = np.array(m.components.subs(subs).evalf(), dtype=float)
        t = np.array(sp.Matrix(self.stress_energy.tolist()).subs(subs).evalf(), dtype=float)
        return _decide_numerically(g, t, observers)


def energy_conditions(metric, timeout: float | None = None, cosmological_constant=0) -> EnergyConditions:
    """Energy conditions of T_{ab} = (G_{ab} + Lambda g_{ab}) / (8 pi)."""
    tensor = metric.stress_energy(timeout=timeout, cosmological_constant=cosmological_constant)
    g = metric.components
    n = metric.dim
    result = EnergyConditions(metric, tensor.array)
    diagonal = all(g[a, b] == 0 and tensor.array[a, b] == 0 for a in range(n) for b in range(n) if a != b)
    if not diagonal:
        return result
    mixed = [sp.factor(tensor.array[a, a] / g[a, a]) for a in range(n)]   # T^a_a
    time_index = _timelike_index(g)
    rho = -mixed[time_index]
    pressures = tuple(mixed[a] for a in range(n) if a != time_index)
    nec = [sp.factor(rho + p) for p in pressures]
    result.density, result.pressures = rho, pressures
    result.inequalities = {
        "null": nec,
        "weak": [rho, *nec],
        "strong": [sp.factor(rho + sum(pressures)), *nec],
        "dominant": [rho, *nec, *[sp.factor(rho - p) for p in pressures]],
    }
    radial = {c: sp.Symbol(c.name, positive=True) for c in metric.coords if c.name in RADIAL_NAMES}
    result.holds = {name: _decide([e.xreplace(radial) for e in ineqs])
                    for name, ineqs in result.inequalities.items()}
    return result


def _timelike_index(g: sp.Matrix) -> int:
    negative = [a for a in range(g.shape[0]) if (g[a, a]).is_negative]
    if len(negative) == 1:
        return negative[0]
    return 0


def _decide(inequalities: list[sp.Expr]) -> bool | None:
    verdicts = []
    for expr in inequalities:
        if expr == 0:
            verdicts.append(True)
        else:
            verdicts.append(expr.is_nonnegative)
    if any(v is False for v in verdicts):
        return False
    if all(v is True for v in verdicts):
        return True
    return None


def _orthonormal_frame(g: np.ndarray) -> tuple[np.ndarray, int]:
    """Columns e_(i) with g(e_i, e_j) = diag(-1, 1, ...), and the count of timelike directions."""
    values, vectors = np.linalg.eigh(g)
    order = np.argsort(values)
    values, vectors = values[order], vectors[:, order]
    if np.any(np.abs(values) < 1e-14 * np.max(np.abs(values))):
        raise GRError("the metric is degenerate at this point")
    return vectors / np.sqrt(np.abs(values)), int(np.sum(values < 0))


def _decide_numerically(g: np.ndarray, t: np.ndarray, observers: int) -> dict[str, bool]:
    frame, timelike = _orthonormal_frame(g)
    if timelike != 1:
        raise GRError("energy conditions need a Lorentzian metric (one timelike direction)")
    that = frame.T @ t @ frame                              # T in the orthonormal frame
    n = g.shape[0]
    rng = np.random.default_rng(0)
    directions = rng.normal(size=(observers, n - 1))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    scale = max(1.0, np.max(np.abs(that)))
    tol = 1e-9 * scale
    null = np.hstack([np.ones((observers, 1)), directions])            # k = (1, n)
    rapidities = np.linspace(0.0, 3.0, 13)
    timelike_obs = np.vstack([np.hstack([np.full((observers, 1), np.cosh(b)),
                                         np.sinh(b) * directions]) for b in rapidities])
    eta = np.diag([-1.0] + [1.0] * (n - 1))
    tk = np.einsum("ia,ab,ib->i", null, that, null)
    tu = np.einsum("ia,ab,ib->i", timelike_obs, that, timelike_obs)
    trace = np.trace(eta @ that)
    # SEC: (T_ab - T g_ab / (n-2)) u^a u^b >= 0 for unit timelike u
    su = tu + trace / (n - 2)
    flux = -(timelike_obs @ that) @ eta                    # -T^a_b u^b (contravariant)
    causal = np.einsum("ia,ab,ib->i", flux, eta, flux) <= tol * max(1.0, scale)
    future = flux[:, 0] >= -tol
    nec = bool(np.all(tk >= -tol))
    return {"null": nec, "weak": bool(nec and np.all(tu >= -tol)),
            "strong": bool(nec and np.all(su >= -tol)),
            "dominant": bool(np.all(tu >= -tol) and np.all(causal & future))}
