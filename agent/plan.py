"""``Plan``: the planner's output, a short list of tool calls, validated before anything runs.

``{"steps": [{"id": "s1", "tool": "...", "args": {...}}, ...], "final": "s3"}``. An argument
``"$s1"`` is the output of step s1 (``"$s1[0]"`` its first element, ``"$s1.key"`` a field);
inside a longer string, ``$s1`` is replaced by the output in parentheses, so
``"$s1 = 0"`` states an equation about a previous result.

>>> plan = Plan.model_validate({"steps": [
...     {"id": "s1", "tool": "differentiate", "args": {"expression": "1 - 2*M/r", "variable": "r"}},
...     {"id": "s2", "tool": "solve", "args": {"equations": ["$s1 = 1"], "variables": ["M"]}}],
...     "final": "s2"})
>>> resolve(plan.steps[1].args, {"s1": "2*M/r**2"})
{'equations': ['(2*M/r**2) = 1'], 'variables': ['M']}
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tools.base import describe_errors

REFERENCE = re.compile(r"\$(s\w*)((?:\[\d+\]|\.[A-Za-z_]\w*)*)")
WHOLE = re.compile(rf"^{REFERENCE.pattern}$")
MAX_STEPS = 12


class PlanError(ValueError):
    """A plan that cannot run: the message says which step and why."""


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^s\w{0,15}$")
    tool: str = Field(min_length=1, max_length=64)
    args: dict[str, Any] = Field(default_factory=dict)

    def references(self) -> set[str]:
        return {m.group(1) for text in _strings(self.args) for m in REFERENCE.finditer(text)}


class Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steps: list[Step] = Field(min_length=1, max_length=MAX_STEPS)
    final: str

    @model_validator(mode="after")
    def _references_point_backwards(self) -> Plan:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"two steps are called {step.id}")
            unknown = step.references() - seen
            if unknown:
                raise ValueError(f"step {step.id} refers to {', '.join(sorted(unknown))}, "
                                 f"which is not an earlier step")
            seen.add(step.id)
        if self.final not in seen:
            raise ValueError(f"final names {self.final!r}, which is not a step")
        return self


def parse_plan(text: str) -> Plan:
    """The plan in a model's output: the first JSON object in ``text``, validated.

    >>> parse_plan('Plan: {"steps": [{"id": "s1", "tool": "t", "args": {}}], "final": "s1"} ...').final
    's1'
    """
    start = text.find("{")
    if start < 0:
        raise PlanError("the planner wrote no JSON object")
    try:
        data, _ = json.JSONDecoder().raw_decode(text[start:])
    except json.JSONDecodeError as err:
        raise PlanError(f"the plan is not valid JSON: {err.msg} (column {err.colno})") from None
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        raise PlanError(describe_errors(err, whole="plan", limit=3)) from None


def resolve(args: Any, outputs: dict[str, Any]) -> Any:
    """``args`` with every ``$sN`` reference replaced by the outputs of earlier steps."""
    if isinstance(args, dict):
        return {k: resolve(v, outputs) for k, v in args.items()}
    if isinstance(args, list):
        return [resolve(v, outputs) for v in args]
    if not isinstance(args, str) or "$" not in args:
        return args
    whole = WHOLE.match(args)
    if whole:
        return _lookup(whole.group(1), whole.group(2), outputs)

    def inline(match: re.Match) -> str:
        value = _lookup(match.group(1), match.group(2), outputs)
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise PlanError(f"{match.group(0)} is a {type(value).__name__}, which cannot be "
                            f"written inside text")
        return f"({value})"
    return REFERENCE.sub(inline, args)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _lookup(step: str, path: str, outputs: dict[str, Any]) -> Any:
    if step not in outputs:
        raise PlanError(f"${step} has no output (the step did not run or failed)")
    value = outputs[step]
    for part in re.findall(r"\[\d+\]|\.[A-Za-z_]\w*", path):
        if isinstance(value, str):                # "-2*M + 4*r"[1] would be the character 2
            raise PlanError(f"${step}{path}: the output is one value, {_short(value)}, so it "
                            f"has no {part}")
        try:
            value = value[int(part[1:-1])] if part.startswith("[") else value[part[1:]]
        except (IndexError, KeyError, TypeError):
            raise PlanError(f"${step}{path}: the output has no {part}") from None
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
