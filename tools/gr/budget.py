"""Time budgets for symbolic work: every long computation ends with a clear error.

A budget is a deadline held in a context variable, so nested calls share the tightest one.
Computations call :func:`check` between steps (one tensor component, one row of an
elimination); each step of the exact engine takes milliseconds, so the overrun is small.

>>> with time_budget(5, "Kretschmann scalar"):
...     check("Riemann tensor")
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from .errors import GRTimeout

DEFAULT_SECONDS = 120.0

_deadline: ContextVar[tuple[float, float, str] | None] = ContextVar("gr_deadline", default=None)


@contextmanager
def time_budget(seconds: float | None, what: str) -> Iterator[None]:
    """Run the enclosed work under a deadline of ``seconds`` (None: the default budget)."""
    seconds = DEFAULT_SECONDS if seconds is None else float(seconds)
    if seconds <= 0:
        raise ValueError(f"a time budget must be positive, got {seconds} s")
    deadline = time.monotonic() + seconds
    outer = _deadline.get()
    if outer is not None and outer[0] <= deadline:
        yield
        return
    token = _deadline.set((deadline, seconds, what))
    try:
        yield
    finally:
        _deadline.reset(token)


def check(step: str) -> None:
    """Raise :class:`GRTimeout` if the current budget is spent."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        deadline, seconds, what = current
        raise GRTimeout(f"the {what} did not finish within its budget of {seconds:g} s "
                        f"(stopped while computing the {step}); pass a larger timeout= to allow more time")
