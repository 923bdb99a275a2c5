"""``solve_pde``: the agent's tool over :func:`tools.pde.solve`.

The numeric solution travels as files (DESIGN: arrays and figures are file references): an
``.npz`` of the solution on a grid of the domain and a PNG of solution, error and loss.
``budget`` caps a PINN's training; it is the operator's setting (the agent fills it in from
``Settings.pinn_seconds``), not the planner's, so it stays out of the planner's schema.

>>> result = SolvePDE()({"problem": "heat", "method": "classical"})
>>> result.ok, result.value["method"], result.value["error_estimate"] < 1e-5
(True, 'classical', True)
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field, WithJsonSchema, model_validator
from pydantic.json_schema import SkipJsonSchema

from tools.base import StrictArgs, Tool, ToolResult, geodesic_home, inline_refs

from . import library
from .solver import solve
from .spec import Budget, PDESpec

GRID_POINTS = 40_000


def _spec_schema() -> dict:
    """The JSON schema of a spec as a planner writes it: a ``PDESpec`` without its name.
    Validation itself is ``PDESpec``'s, in :meth:`SolvePDE.run`, so a bad spec is refused
    with the spec's own sentence."""
    schema = inline_refs(PDESpec.model_json_schema())
    schema["properties"].pop("name")
    return schema


def artifacts_dir() -> Path:
    return geodesic_home() / "artifacts"


class SolvePDE(Tool):
    name = "solve_pde"
    summary = ("Solve a PDE or ODE: a library problem by name (heat, wave, burgers, poisson_2d, "
               "schwarzschild_orbit, tov, ...) or a spec {equations, variables, conditions, "
               "parameters, exact}; method auto (classical when it applies), pinn or "
               "classical. Returns the error estimate, metrics, a solution grid and a plot.")

    class Args(StrictArgs):
        problem: str | None = Field(default=None, max_length=100)
        spec: Annotated[dict[str, Any], WithJsonSchema(_spec_schema())] | None = None
        method: Literal["auto", "pinn", "classical"] = "auto"
        seed: int = Field(default=0, ge=0)
        plot: bool = True
        budget: SkipJsonSchema[Budget | None] = Field(
            default=None, description="a cap on the PINN's work, over the spec's own budget")

        @model_validator(mode="after")
        def _one_problem(self):
            if (self.problem is None) == (self.spec is None):
                raise ValueError("give either a library problem name or a spec, not both")
            return self

    def run(self, args: Args) -> ToolResult:
        spec = library.get(args.problem) if args.problem else PDESpec.model_validate(args.spec)
        if args.budget is not None:
            spec = spec.model_copy(update={"budget": _tighter(spec.budget, args.budget)})
        options = {"seed": args.seed, "progress": False} if args.method == "pinn" else {}
        sol = solve(spec, method=args.method, **options)
        key = hashlib.sha256(json.dumps([args.model_dump(mode="json")], sort_keys=True,
                                        default=str).encode()).hexdigest()[:16]
        folder = artifacts_dir() / f"pde-{key}"
        folder.mkdir(parents=True, exist_ok=True)
        axes = [np.linspace(lo, hi, max(2, int(GRID_POINTS ** (1 / len(spec.variables)))))
                for lo, hi in spec.variables.values()]
        mesh = np.meshgrid(*axes, indexing="ij")
        values = sol(np.column_stack([m.ravel() for m in mesh]))
        samples = folder / "solution.npz"
        tmp = folder / "solution.tmp.npz"
        np.savez_compressed(tmp, values=values.reshape(*mesh[0].shape, -1).squeeze(),
                            **{f"axis_{v}": a for v, a in zip(spec.variables, axes)})
        tmp.replace(samples)                                  # written atomically
        figures = [str(sol.plot(folder / "solution.png"))] if args.plot else []
        scalars = {k: v for k, v in sol.metrics.items()
                   if isinstance(v, (int, float, str, bool)) and not isinstance(v, np.generic)}
        return ToolResult(
            ok=True, figures=figures,
            value={"method": sol.method, "solver": sol.metrics.get("solver", sol.method),
                   "error_estimate": sol.error_estimate,
                   "error_basis": sol.metrics.get("error_basis"), "metrics": scalars},
            data={"samples": str(samples), "variables": list(spec.variables),
                  "domain": {v: list(b) for v, b in spec.variables.items()},
                  "unknowns": list(spec.unknowns), "problem": spec.name or args.problem})


def _tighter(own: Budget, cap: Budget) -> Budget:
    """Each limit the smaller of the spec's own and the cap (a missing one is no limit).

    >>> _tighter(Budget(iterations=500), Budget(iterations=2000, seconds=30))
    Budget(iterations=500, seconds=30.0)
    """
    def least(a, b):
        return b if a is None else a if b is None else min(a, b)
    return Budget(iterations=least(own.iterations, cap.iterations),
                  seconds=least(own.seconds, cap.seconds))
