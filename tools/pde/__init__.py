"""Numerical PDEs and ODEs: a problem statement, a PINN on DeepXDE, classical reference solvers.

>>> from tools.pde import PDESpec, solve, library
>>> spec = library.get("heat")
>>> sol = solve(spec)                       # classical when it applies; method="pinn" to train
>>> sol.method, sol.metrics["l2re"] < 1e-5
('classical', True)
"""

from . import library
from .errors import NotApplicable, PDEError, SolverFailed, SpecError
from .solution import Solution
from .solver import solve
from .spec import Budget, Condition, Disk, PDESpec

__all__ = ["PDESpec", "Condition", "Budget", "Disk", "Solution", "solve", "library",
           "PDEError", "SpecError", "NotApplicable", "SolverFailed"]
