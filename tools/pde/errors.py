"""Errors of :mod:`tools.pde`, each a sentence a physicist can act on."""

from tools.base import BadInput


class PDEError(Exception):
    """Base class of the PDE tools' errors."""


class SpecError(PDEError, BadInput):
    """A problem statement that cannot be solved as written: the message names the problem."""


class NotApplicable(PDEError):
    """A solver that does not apply to this problem (say, a classical solver on a disk)."""


class SolverFailed(PDEError):
    """A solver that ran but did not produce a usable solution (divergence, NaN, budget)."""
