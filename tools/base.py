"""The tool contract the agent plans with: a name, a one-line summary the planner sees, a
pydantic ``Args`` model, and ``run`` returning a :class:`ToolResult`.

Tools are pure functions of their arguments: they never print, never call a language model
and never ``eval``. :meth:`Tool.__call__` validates raw arguments (from a plan, i.e. from a
model's output: untrusted) and turns any failure into ``ToolResult(ok=False, error=...)``;
when the arguments themselves were at fault (they do not validate, or raise
:class:`BadInput`, as the safe parser's errors do) the result's ``data`` says
``{"bad_input": True}``, so a server can answer "your request" rather than "our failure".
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError


def geodesic_home() -> Path:
    """Where Geodesic keeps its data: ``$GEODESIC_HOME``, else ``~/.geodesic``."""
    return Path(os.environ.get("GEODESIC_HOME", Path.home() / ".geodesic"))


class BadInput(ValueError):
    """Input a tool cannot read as written: text that is not mathematics, an ill-posed problem,
    an unusable metric. The caller's input is at fault, not the computation."""


class ToolResult(BaseModel):
    ok: bool
    value: Any = None                    # JSON-serialisable: SymPy as strings, arrays as files
    latex: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    figures: list[str] = Field(default_factory=list)      # file paths
    error: str | None = None
    seconds: float = 0.0


class Tool:
    name: ClassVar[str]
    summary: ClassVar[str]
    Args: ClassVar[type[BaseModel]]

    def run(self, args: BaseModel) -> ToolResult:          # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, raw: dict[str, Any] | BaseModel) -> ToolResult:
        start = time.perf_counter()
        try:
            args = raw if isinstance(raw, self.Args) else self.Args.model_validate(raw)
            result = self.run(args)
        except ValidationError as err:
            result = ToolResult(ok=False, data={"bad_input": True},
                                error=f"bad arguments for {self.name}: "
                                      f"{describe_errors(err, whole='args')}")
        except BadInput as err:
            result = ToolResult(ok=False, data={"bad_input": True},
                                error=f"{type(err).__name__}: {err}")
        except MemoryError:
            result = ToolResult(ok=False, error=f"{self.name} ran out of memory")
        except Exception as err:                 # a tool's failure is a result, not a crash
            result = ToolResult(ok=False, error=f"{type(err).__name__}: {err}")
        result.seconds = time.perf_counter() - start
        return result


def describe_errors(err: ValidationError, whole: str = "", limit: int | None = None) -> str:
    """``field.sub: message; ...`` for the first ``limit`` errors of a pydantic validation
    (all by default); an error of the whole object is labelled ``whole``.

    >>> from pydantic import BaseModel
    >>> class Point(BaseModel):
    ...     x: float
    ...     y: float
    >>> try:
    ...     Point.model_validate({"x": "east"})
    ... except ValidationError as err:
    ...     print(describe_errors(err, limit=1))
    x: Input should be a valid number, unable to parse string as a number
    """
    parts = []
    for e in err.errors()[:limit]:
        where = ".".join(str(p) for p in e["loc"] if p != "function-after") or whole
        message = e["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def inline_refs(schema: dict, drop: tuple[str, ...] = ("$defs",)) -> dict:
    """``schema`` with every ``$ref`` replaced by its definition (wherever in the tree the
    ``$defs`` holding it are) and the keys ``drop`` left out, so that a part of it stands alone.

    >>> inline_refs({"properties": {"p": {"$ref": "#/$defs/P"}}, "$defs": {"P": {"type": "integer"}}})
    {'properties': {'p': {'type': 'integer'}}}
    """
    defs: dict = {}

    def collect(node):
        if isinstance(node, dict):
            defs.update(node.get("$defs", {}))
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {k: walk(v) for k, v in node.items() if k not in drop}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node
    collect(schema)
    return walk(schema)


class StrictArgs(BaseModel):
    """Base for ``Args``: unknown fields are an error (a planner's typo must not pass)."""
    model_config = ConfigDict(extra="forbid")
