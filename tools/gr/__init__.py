"""Exact general-relativity tensor calculus.

>>> from tools.gr import Metric, catalog
>>> catalog.get("kerr").is_ricci_flat()
True
>>> Metric.from_line_element("ds^2 = a^2 (dtheta^2 + sin(theta)^2 dphi^2)").ricci_scalar()
2/a**2

See :mod:`tools.gr.metric` for the API, :mod:`tools.gr.curvature` for the conventions and
:mod:`tools.gr.algebra` for how results are made exact and fast.
"""

from . import catalog
from .budget import time_budget
from .errors import GRError, GRTimeout, MetricError, UnsupportedExpression
from .metric import CONVENTIONS, Metric
from .tensor import Tensor

__all__ = ["Metric", "Tensor", "catalog", "time_budget", "CONVENTIONS",
           "GRError", "GRTimeout", "MetricError", "UnsupportedExpression"]
