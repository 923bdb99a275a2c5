"""Eval tasks: the JSONL format of DESIGN.md, loaded and validated before anything runs.

One JSON object per line::

    {"id": "gr-schw-k", "suite": "gr", "question": "Kretschmann scalar of Schwarzschild",
     "expect": {"kind": "expr", "value": "48*M**2/r**6",
                "assumptions": {"M": "positive", "r": "positive"}, "functions": []}}

``expect.kind`` is ``expr`` (``value`` a SymPy-style string, or ``"[a, b]"`` for an unordered
list; ``assumptions`` name -> positive|negative|nonnegative|nonpositive|real|nonzero|integer,
``functions`` the undefined functions such as ``a`` in ``a(t)``), ``bool`` (``value``),
``number`` (``value``, ``rel_tol``), ``field`` (``exact``, ``variables``, ``domain``
``{"x": [lo, hi]}``, ``max_l2re``) or ``text`` (``must_include``). Optional keys: ``plan``
(the reference plan the oracle runs), ``source`` (where the expected value comes from),
``tags``. Anything else is refused, so a misspelt key is an error and not a silent default.

Every expected expression is read by the safe parser when the file loads: a task whose text
is not mathematics (``__import__('os')``...) is refused with its file and line, and nothing
of it is ever executed.

>>> task = Task.model_validate({"id": "t1", "suite": "gr", "question": "R of a 2-sphere?",
...     "expect": {"kind": "expr", "value": "2/a**2", "assumptions": {"a": "positive"}}})
>>> task.expect.kind, task.expect.value
('expr', '2/a**2')
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, \
    field_validator, model_validator

from agent.plan import Plan
from tools.base import describe_errors

SUITES = Path(__file__).parent / "suites"
ASSUMPTIONS = ("positive", "negative", "nonnegative", "nonpositive", "real", "nonzero",
               "integer")
NAME = r"^[A-Za-z][A-Za-z0-9_]{0,31}$"


class TaskError(ValueError):
    """A task file that cannot be used: the message names the file, the line and the fault."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExprExpect(_Strict):
    kind: Literal["expr"]
    value: str = Field(min_length=1, max_length=20_000)
    assumptions: dict[Annotated[str, Field(pattern=NAME)],
                      Literal[ASSUMPTIONS] | list[Literal[ASSUMPTIONS]]] = {}  # type: ignore
    functions: list[Annotated[str, Field(pattern=NAME)]] = []

    @model_validator(mode="after")
    def _parses(self) -> ExprExpect:
        from .score import expected_values
        expected_values(self)              # raises ValueError naming the unreadable part
        return self


class BoolExpect(_Strict):
    kind: Literal["bool"]
    value: bool


class NumberExpect(_Strict):
    kind: Literal["number"]
    value: float
    rel_tol: float = Field(default=1e-6, gt=0, le=1)
    abs_tol: float = Field(default=0.0, ge=0)       # for an expected value of zero


class FieldExpect(_Strict):
    kind: Literal["field"]
    exact: str = Field(min_length=1, max_length=20_000)
    variables: list[Annotated[str, Field(pattern=NAME)]] = Field(min_length=1, max_length=4)
    domain: dict[str, tuple[float, float]]
    max_l2re: float = Field(default=1e-2, gt=0)
    unknown: str | None = None           # which unknown of a system (default: the first)
    points: int = Field(default=2000, ge=10, le=100_000)

    @model_validator(mode="after")
    def _consistent(self) -> FieldExpect:
        if set(self.domain) != set(self.variables):
            raise ValueError(f"domain names {sorted(self.domain)} but variables are "
                             f"{self.variables}")
        for name, (lo, hi) in self.domain.items():
            if not lo < hi:
                raise ValueError(f"domain of {name} is empty: [{lo}, {hi}]")
        from .score import exact_field
        exact_field(self)
        return self


class TextExpect(_Strict):
    kind: Literal["text"]
    must_include: list[Annotated[str, Field(min_length=1, max_length=500)]] = Field(
        min_length=1)


Expect = Annotated[Union[ExprExpect, BoolExpect, NumberExpect, FieldExpect, TextExpect],
                   Field(discriminator="kind")]


def read_expect(data: dict) -> ExprExpect | BoolExpect | NumberExpect | FieldExpect | TextExpect:
    """An ``expect`` object on its own, validated as in a task."""
    return _EXPECT.validate_python(data)


_EXPECT: TypeAdapter = TypeAdapter(Expect)


class Task(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
    suite: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    question: str = Field(min_length=1, max_length=20_000)
    expect: Expect
    plan: Plan | None = None
    source: str = ""
    tags: list[str] = []

    @field_validator("question")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("the question is blank")
        return text


def suite_names() -> list[str]:
    """The shipped suites: ``evals/suites/<name>.jsonl``."""
    return sorted(p.stem for p in SUITES.glob("*.jsonl"))


def resolve(spec: str) -> list[Path]:
    """Task files named by ``spec``: a path to a .jsonl file, a folder of them, a shipped
    suite name, ``all``, or several of these joined by commas."""
    paths: list[Path] = []
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        path = Path(part)
        if part == "all":
            paths += sorted(SUITES.glob("*.jsonl"))
        elif path.is_dir():
            paths += sorted(path.glob("*.jsonl"))
        elif path.is_file():
            paths.append(path)
        elif (SUITES / f"{part}.jsonl").is_file():
            paths.append(SUITES / f"{part}.jsonl")
        else:
            raise TaskError(f"no task file or suite {part!r}: give a .jsonl path, a folder, "
                            f"'all' or one of {', '.join(suite_names()) or '(none shipped)'}")
    if not paths:
        raise TaskError(f"{spec!r} names no task files")
    return paths


def load_tasks(spec: str | Path) -> list[Task]:
    """Every task of the files ``spec`` names, validated; ids must be unique across them."""
    tasks: list[Task] = []
    where: dict[str, str] = {}
    for path in resolve(str(spec)):
        for task, line in _read(path):
            if task.id in where:
                raise TaskError(f"{path}:{line}: task id {task.id!r} was already used at "
                                f"{where[task.id]}")
            where[task.id] = f"{path}:{line}"
            tasks.append(task)
    return tasks


def _read(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TaskError(f"{path}: cannot read: {err}") from None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            data: Any = json.loads(line)
        except json.JSONDecodeError as err:
            raise TaskError(f"{path}:{number}: not JSON: {err.msg} (column {err.colno})"
                            ) from None
        if not isinstance(data, dict):
            raise TaskError(f"{path}:{number}: a task is a JSON object, got "
                            f"{type(data).__name__}")
        try:
            yield Task.model_validate(data), number
        except ValidationError as err:
            name = data.get("id", "?")
            raise TaskError(f"{path}:{number}: task {name!r}: "
                            f"{describe_errors(err, limit=3)}") from None
