"""``solve(spec, method=...)``: the one entry point, choosing between classical and PINN.

``method="auto"`` takes the classical solver when one applies: for the problems it covers it
is exact to discretisation error in milliseconds to seconds, where a PINN needs minutes. The
PINN is for what the classical solvers do not cover (disks, nonlinear elliptic problems, 2D
and 3D time-dependent problems) or when asked for. A PINN without an exact solution is
compared with the classical solution when one exists: that difference is its error estimate.
"""

from __future__ import annotations

from typing import Literal

from .errors import NotApplicable
from .pinn import PINNConfig, solve_pinn
from .reference import classical_method, solve_classical
from .solution import Solution, relative_l2, sample_domain
from .spec import PDESpec

Method = Literal["auto", "pinn", "classical"]


def solve(spec: PDESpec, method: Method = "auto", **options) -> Solution:
    """Solve ``spec``; ``options`` go to the solver (``PINNConfig`` fields for the PINN).

    >>> from tools.pde import library
    >>> sol = solve(library.get("heat"))
    >>> sol.method, sol.metrics["l2re"] < 1e-5
    ('classical', True)
    """
    if method not in ("auto", "pinn", "classical"):
        raise ValueError(f"method must be 'auto', 'pinn' or 'classical', not {method!r}")
    if method == "classical":
        return solve_classical(spec, **options)
    if method == "auto":
        try:
            classical_method(spec)
        except NotApplicable as reason:
            solution = solve_pinn(spec, PINNConfig(**options))
            solution.metrics["why_pinn"] = str(reason)
            return solution
        return solve_classical(spec, **options)
    solution = solve_pinn(spec, PINNConfig(**options))
    if not spec.has_reference:
        _compare_with_classical(solution)
    return solution


def _compare_with_classical(solution: Solution) -> None:
    """Error estimate of a PINN without exact solution: its distance to the classical one."""
    try:
        reference = solve_classical(solution.spec)
    except NotApplicable as reason:
        solution.metrics["error_basis"] = f"none: no exact solution and {reason}"
        return
    points = sample_domain(solution.spec, 4000, seed=54321)
    difference = relative_l2(solution(points), reference(points).reshape(len(points), -1))
    solution.error_estimate = difference
    solution.metrics["classical_difference"] = difference
    solution.metrics["error_basis"] = (f"classical solution ({reference.metrics.get('solver')}, "
                                       f"its own error estimate {reference.error_estimate:.1e})")
