"""Numerical PDEs and ODEs: a problem statement, a PINN on DeepXDE, classical reference solvers.

>>> from tools.pde import PDESpec, solve, library
"""

from .errors import NotApplicable, PDEError, SolverFailed, SpecError
from .spec import Budget, Condition, Disk, PDESpec

__all__ = ["PDESpec", "Condition", "Budget", "Disk", "PDEError", "SpecError", "NotApplicable",
           "SolverFailed"]
