"""``Solution``: a numeric solution you can call, with its error estimate and metrics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .spec import PDESpec


@dataclass
class Solution:
    """A solved problem.

    ``sol(points)`` takes an ``(n, d)`` array whose columns are the spec's variables in spec
    order and returns ``(n,)`` values (``(n, k)`` for ``k`` unknowns).

    ``error_estimate`` is the relative L2 error of this solution against the best independent
    truth available: the exact solution when the spec has one, else a classical reference
    solution, else (for classical solvers) the difference from the same solver on a grid half
    as fine; ``None`` when there is nothing independent to compare with
    (``metrics["error_basis"]`` says which). ``metrics`` holds ``l2re`` (against the exact or
    reference solution), residual and condition errors, seconds, iterations and more.
    """

    spec: PDESpec
    method: str
    evaluate: Callable[[np.ndarray], np.ndarray]
    error_estimate: float | None = None
    metrics: dict = field(default_factory=dict)
    loss_history: list[tuple[int, float]] = field(default_factory=list)

    def __call__(self, points) -> np.ndarray:
        points = np.atleast_2d(np.asarray(points, dtype=float))
        if points.shape[1] != len(self.spec.variables):
            raise ValueError(f"points must have {len(self.spec.variables)} columns "
                             f"({', '.join(self.spec.variables)}), not {points.shape[1]}")
        values = np.asarray(self.evaluate(points), dtype=float).reshape(len(points), -1)
        return values[:, 0] if values.shape[1] == 1 else values

    @property
    def domain(self) -> dict[str, tuple[float, float]]:
        return dict(self.spec.variables)

    def sample_points(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` uniformly random points of the domain (inside the disk, if any)."""
        return sample_domain(self.spec, n, seed)

    def plot(self, path: str | Path | None = None) -> Path:
        """A PNG of the solution, its error (when a reference exists) and the loss curve."""
        from .plot import plot_solution
        return plot_solution(self, path)

    def __repr__(self) -> str:
        est = "n/a" if self.error_estimate is None else f"{self.error_estimate:.2e}"
        return (f"Solution({self.spec.name or 'problem'}, method={self.method!r}, "
                f"error_estimate={est})")


def sample_domain(spec: PDESpec, n: int, seed: int = 0) -> np.ndarray:
    """Uniform random points of the spec's domain, columns in spec order."""
    rng = np.random.default_rng(seed)
    lo = np.array([spec.variables[v][0] for v in spec.variables])
    hi = np.array([spec.variables[v][1] for v in spec.variables])
    points = lo + (hi - lo) * rng.random((n, len(lo)))
    if spec.disk is not None:
        i, j = (list(spec.variables).index(v) for v in spec.space)
        radius = spec.disk.radius * np.sqrt(rng.random(n))
        angle = 2 * np.pi * rng.random(n)
        points[:, i] = spec.disk.center[0] + radius * np.cos(angle)
        points[:, j] = spec.disk.center[1] + radius * np.sin(angle)
    return points


def relative_l2(values: np.ndarray, truth: np.ndarray) -> float:
    """``||values - truth|| / ||truth||`` over all points and unknowns."""
    values = np.asarray(values, dtype=float).reshape(truth.shape)
    norm = np.linalg.norm(truth)
    diff = np.linalg.norm(values - truth)
    return float(diff / norm) if norm > 0 else float(diff)
