"""Typed errors of the GR engine: each carries a sentence a physicist understands."""

from tools.base import BadInput


class GRError(ValueError):
    """Base class of every error raised by :mod:`tools.gr`."""


class MetricError(GRError, BadInput):
    """The metric itself is unusable: wrong shape, not symmetric, degenerate, unknown name."""


class UnsupportedExpression(GRError, BadInput):
    """A component contains a function the exact engine cannot differentiate canonically."""


class GRTimeout(GRError, TimeoutError):
    """A computation ran past its time budget and was stopped."""
