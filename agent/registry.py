"""The tool registry: every tool of ``tools/`` with its argument schema, for the planner's
prompt and for checking a plan before it runs.

>>> registry = default_registry()
>>> "curvature" in registry.names() and "solve" in registry.names()
True
>>> registry.check(Plan.model_validate({"steps": [{"id": "s1", "tool": "curvatur",
...     "args": {"metric": "kerr", "quantity": "kretschmann"}}], "final": "s1"}))
["s1: unknown tool 'curvatur' (did you mean 'curvature'?)"]
>>> registry.repair(Plan.model_validate({"steps": [{"id": "s1", "tool": "curvatur",
...     "args": {"metric": "kerr", "quantiy": "kretschmann"}}], "final": "s1"}))[1]
["s1: tool 'curvatur' read as 'curvature'", "s1: argument 'quantiy' read as 'quantity'"]
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import ValidationError

from tools.base import Tool
from tools.mathparse.vocabulary import FUNCTIONS

from .plan import Plan, Step, _strings  # noqa: F401 (Plan: doctest)


class Registry:
    def __init__(self, tools: Iterable[Tool]) -> None:
        self._tools = {t.name: t for t in tools}

    def names(self) -> list[str]:
        return list(self._tools)

    def get(self, name: str) -> Tool:
        try:
            return self._tools[name]
        except KeyError:
            raise KeyError(self._unknown(name)) from None

    def _unknown(self, name: str) -> str:
        close = difflib.get_close_matches(name, self._tools, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown tool {name!r}{hint}"

    def schemas(self) -> list[dict]:
        """Name, summary and JSON schema of the arguments of every tool."""
        return [{"name": t.name, "summary": t.summary, "args": t.Args.model_json_schema()}
                for t in self._tools.values()]

    def render(self) -> str:
        """The tool list as the planner's prompt shows it: one line of summary, then the
        arguments with their types and defaults."""
        lines = []
        for t in self._tools.values():
            schema = t.Args.model_json_schema()
            required = set(schema.get("required", []))
            args = []
            for field, spec in schema.get("properties", {}).items():
                kind = spec.get("type") or "/".join(
                    s.get("type", "?") for s in spec.get("anyOf", [])) or "value"
                if "enum" in spec:
                    kind = "|".join(map(str, spec["enum"]))
                fallback = {"object": {}, "array": []}.get(spec.get("type"))
                default = "" if field in required else \
                    f" = {json.dumps(spec.get('default', fallback))}"
                args.append(f"{field}: {kind}{default}")
            lines.append(f"- {t.name}({', '.join(args)}): {t.summary}")
        return "\n".join(lines)

    def check(self, plan: Plan) -> list[str]:
        """Problems that stop ``plan`` before it runs: unknown tools, and arguments that are
        wrong whatever the earlier steps return (missing, unknown or ill-typed fields)."""
        problems = []
        for step in plan.steps:
            if step.tool not in self._tools:
                problems.append(f"{step.id}: {self._unknown(step.tool)}")
                continue
            problems += [f"{step.id}: {p}" for p in self._argument_problems(step)]
        return problems

    def repair(self, plan: Plan) -> tuple[Plan, list[str]]:
        """``plan`` with the slips that have one plausible fix fixed: a misspelt tool name
        with a single close match, a misspelt argument name close to exactly one field, a
        misspelt choice (``kretschman``) close to exactly one allowed value, a function
        written as a factor (``sin*pi*x`` for ``sin pi x``), a remark copied after a line
        element (``... dφ^2 (tube radius b, c > b)``).
        Returns the plan and what was changed; anything else is left for ``check``."""
        notes, steps = [], []
        for step in plan.steps:
            tool = step.tool
            if tool not in self._tools:
                close = difflib.get_close_matches(tool, self._tools, n=2, cutoff=0.75)
                if len(close) == 1:
                    notes.append(f"{step.id}: tool {tool!r} read as {close[0]!r}")
                    tool = close[0]
            args = dict(step.args)
            if tool in self._tools:
                fields = self._tools[tool].Args.model_fields
                for name in [a for a in args if a not in fields]:
                    free = [f for f in fields if f not in args]
                    close = difflib.get_close_matches(name, free, n=2, cutoff=0.75)
                    if len(close) == 1:
                        notes.append(f"{step.id}: argument {name!r} read as {close[0]!r}")
                        args[close[0]] = args.pop(name)
                choices = self._tools[tool].Args.model_json_schema().get("properties", {})
                for name, value in args.items():
                    allowed = [str(c) for c in choices.get(name, {}).get("enum", [])]
                    if isinstance(value, str) and allowed and value not in allowed:
                        close = difflib.get_close_matches(value, allowed, n=2, cutoff=0.75)
                        if len(close) == 1:
                            notes.append(f"{step.id}: {name} {value!r} read as {close[0]!r}")
                            args[name] = close[0]
            args = _map_strings(args, lambda text: _apply_functions(text, step.id, notes))
            args = _map_strings(args, lambda text: _drop_remark(text, step.id, notes))
            steps.append(step.model_copy(update={"tool": tool, "args": args}))
        return plan.model_copy(update={"steps": steps}), notes

    def _argument_problems(self, step: Step) -> list[str]:
        Args = self._tools[step.tool].Args
        try:
            Args.model_validate(step.args)
        except ValidationError as err:
            out = []
            for e in err.errors():
                field = e["loc"][0] if e["loc"] else None
                value = step.args.get(field) if isinstance(field, str) else None
                if value is not None and any("$" in s for s in _strings(value)):
                    continue              # depends on an earlier step: checked when it runs
                where = ".".join(map(str, e["loc"])) or "args"
                given = e.get("input")
                shown = "" if isinstance(given, dict) or given is None else \
                    f" (got {json.dumps(given, default=str)[:80]})"
                out.append(f"{step.tool}.{where}: {e['msg']}{shown}")
            return out
        return []


# ``sin*x``: a function name times something has no meaning; it is the planner's spelling of
# ``sin x`` (it learnt to write every juxtaposition with ``*``). The '*'-joined numbers, plain
# names and brackets after it are the argument, as the parser reads ``sin pi x``.
_FUNCTION_TIMES = re.compile(
    rf"(?<![A-Za-z0-9_])(\\?(?:{'|'.join(sorted(FUNCTIONS, key=len, reverse=True))}))"
    r"(\d*)\*")
_FACTOR = re.compile(r"\d+(?:\.\d+)?|\\?[A-Za-z]\w*|\([^()]*\)")


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` with ``change`` applied to every string in it (dict keys aside)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, change) for v in value]
    return value


def _drop_remark(text: str, step: str, notes: list[str]) -> str:
    """A line element that does not parse as written, cut to its longest start that does
    when what follows holds words (a remark); each cut is noted. Anything else is left.

    >>> _drop_remark("ds^2 = b^2 dθ^2 + (c + b cos θ)^2 dφ^2 (tube radius b, c > b)", "s1",
    ...              notes := [])
    'ds^2 = b^2 dθ^2 + (c + b cos θ)^2 dφ^2'
    >>> notes
    ["s1: the remark '(tube radius b, c > b)' after the line element left out"]
    """
    from tools.gr.metric import Metric
    from .stated import LINE_ELEMENT, PROSE_WORD, line_element_start
    if not LINE_ELEMENT.match(text):
        return text
    try:
        Metric.from_line_element(text)
        return text
    except Exception:                                # noqa: BLE001 - then try a start of it
        pass
    found = line_element_start(text)
    if found is None or not PROSE_WORD.search(text, len(found[0])):
        return text                                  # not a remark: the tool says what fails
    notes.append(f"{step}: the remark {text[len(found[0]):].strip()!r} after the line "
                 f"element left out")
    return found[0]


def _factor(text: str, at: int) -> re.Match | None:
    """The number, plain name or bracket at ``at``; not a function, which ends an argument."""
    m = _FACTOR.match(text, at)
    return None if m is None or m.group(0).lstrip("\\").split("^")[0] in FUNCTIONS else m


def _apply_functions(text: str, step: str, notes: list[str]) -> str:
    """``sin*pi*x`` -> ``sin pi x``, ``sin3*x`` -> ``sin 3 x``; each rewrite is noted. A power
    after the argument (``sin*theta^2``) leaves the text as it is: sin(theta)^2 or sin(theta^2)?

    >>> _apply_functions("u_t = u_xx - u*(1 + sin*pi*x*cos*t)", "s1", notes := [])
    'u_t = u_xx - u*(1 + sin pi x*cos t)'
    >>> notes
    ["s1: 'sin*pi*x' read as 'sin pi x'", "s1: 'cos*t' read as 'cos t'"]
    """
    out, i = [], 0
    while m := _FUNCTION_TIMES.search(text, i):
        factors, j = [m.group(2)] if m.group(2) else [], m.end()
        while f := _factor(text, j):
            factors.append(f.group(0))
            j = f.end()
            if not (text.startswith("*", j) and _factor(text, j + 1)):
                break
            j += 1
        if j == m.end() or text.startswith("^", j):  # sin*cos(x); sin*x^2 (whose square?)
            out.append(text[i:j])
        else:
            written = f"{m.group(1)} {' '.join(factors)}"
            notes.append(f"{step}: {text[m.start():j]!r} read as {written!r}")
            out.append(text[i:m.start()] + written)
        i = j
    return "".join(out) + text[i:]


def default_registry(knowledge_base=None) -> Registry:
    """Every tool: GR curvature, PDE solving, literature search and the calculus tools."""
    from tools.calculus import CALCULUS_TOOLS
    from tools.gr.tool import Curvature
    from tools.pde.tool import SolvePDE
    from tools.retrieval.tool import SearchLiterature
    return Registry([Curvature(), SolvePDE(), SearchLiterature(knowledge_base),
                     *(cls() for cls in CALCULUS_TOOLS)])
