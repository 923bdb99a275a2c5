"""What a question writes out in formulas, and whether the plan uses it as written.

A small planner copies formulas from the question into its plan, and a slip in the copy (a
sign, a dropped term, ``Λ/r^2`` for ``Λ r^2``) gives a plan whose mathematics checks out
perfectly -- for another problem. This module reads the differential equations a question
states and the metric function it gives (``f(r) = ...``, ``Δ = ...``), with the safe parser
and the PDE module's derivative notation, and asks that the plan solve an equation
proportional to each stated one (and solve a differential equation at all when the question
asks to integrate or solve the one it writes), start from the initial data and hold the
boundary data it writes (``u(0,t) = 0``, ``u = 0 at x = 0, 1``, ``u_x(1,t) = 0``), and use
the stated function (as a whole subexpression, the question's given values put in), and
compute curvature with the line element it writes (component by component, at random points).
A formula it cannot read is passed over: it only speaks when it has read both sides.

>>> plan = {"steps": [{"id": "s1", "tool": "dsolve", "args": {"equation": "y'' + 4*y = sin(t)",
...          "function": "y", "variable": "t"}}], "final": "s1"}
>>> stated_problems("Solve y'' + 4y = sin t, y(0) = 0, y'(0) = 0.", plan)
[]
>>> stated_problems("Solve y'' - 4y = sin t with y(0) = 0.", plan)
["the question's equation y'' - 4y = sin t is not the plan's y'' + 4*y = sin(t)"]
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import math
import random
import re
from typing import Callable, NamedTuple

import sympy as sp

from tools.mathparse import ParseError, parse_expr

# a formula ends at punctuation that separates clauses, or where the prose starts again
_BREAK = re.compile(r"[,;]\s|\.\s|\?|:\s|\$|\s(?:on|for|with|where|when|and|if|from|in|over|"
                    r"inside|subject|given|starting|until|up|at|to|then|find|solve|give|"
                    r"what|integrate|using|use)\s", re.IGNORECASE)
_TRIALS = 3


def stated_problems(question: str, plan: dict) -> list[str]:
    """Why the plan does not use the formulas the question states (empty: it does, or
    nothing was read)."""
    problems = []
    for step in plan.get("steps", []):
        for context, written in [*_equations_of(step), *_library_equations(step)]:
            problems += _equation_problems(question, context, written)
    problems += _function_problems(question, plan)
    problems += unsolved_problems(question, plan)
    problems += _initial_data_problems(question, plan)
    problems += _boundary_data_problems(question, plan)
    problems += _line_element_problems(question, plan)
    return problems


# ---------------------------------------------------------------------- equations
def _spec_context(step: dict):
    """The parsing context of a ``solve_pde`` step's spec; None for another step or a spec
    without variables. A context the tools refuse raises, as they would."""
    from tools.pde.equations import Context
    spec = step.get("args", {}).get("spec") if step.get("tool") == "solve_pde" else None
    if not isinstance(spec, dict) or not isinstance(spec.get("variables"), dict):
        return None
    return Context(spec.get("unknowns") or ["u"], list(spec["variables"]),
                   spec.get("parameters") or {}, spec.get("time"))


def _spec_ids(plan: dict) -> dict[int, str]:
    """The step id of each ``solve_pde`` spec of ``plan``, keyed by the spec's ``id()`` (a
    step naming a library problem has no spec)."""
    return {id(s["args"]["spec"]): s.get("id") for s in plan.get("steps", [])
            if s.get("tool") == "solve_pde" and isinstance(s.get("args"), dict)
            and isinstance(s["args"].get("spec"), dict)}


def _pde_specs(plan: dict):
    """(spec, parsing context) of each solve_pde step whose spec the tools would read."""
    for step in plan.get("steps", []):
        try:
            context = _spec_context(step)
        except Exception:                        # noqa: BLE001 - a spec the tool refuses anyway
            continue
        if context is not None:
            yield step["args"]["spec"], context


def _equations_of(step: dict):
    """(parsing context, equation text) for each differential equation a step solves."""
    from tools.pde.equations import Context
    args = step.get("args", {})
    try:
        if step.get("tool") == "dsolve" and isinstance(args.get("equation"), str):
            yield Context([args.get("function") or "y"], [args.get("variable") or "x"], {}), \
                args["equation"]
        context = _spec_context(step)
        if context is not None:
            for text in args["spec"].get("equations") or []:
                if isinstance(text, str):
                    yield context, text
    except Exception:                        # noqa: BLE001 - a plan the tools refuse anyway
        return


def _library_equations(step: dict):
    """(parsing context, equation text) of the library problem a ``solve_pde`` step names
    (its parameters at their values): the one it solves, for the check, never amended."""
    from tools.pde import library
    from tools.pde.equations import Context
    name = step.get("args", {}).get("problem") if step.get("tool") == "solve_pde" else None
    if not isinstance(name, str):
        return
    try:
        spec = library.get(name)
        context = Context(spec.unknowns, list(spec.variables), spec.parameters, spec.time)
    except Exception:                        # noqa: BLE001 - a name the tool refuses anyway
        return
    for text in spec.equations:
        yield context, text


def _fragments(question: str) -> list[str]:
    """Pieces of the question between clause breaks that contain one '='."""
    text = question.replace("\\,", " ").replace("\\;", " ")
    return [p.strip() for p in _BREAK.split(text) if p and p.count("=") == 1]


def _residual(context, text: str) -> sp.Expr | None:
    try:
        return context.equation(text)
    except Exception:                        # noqa: BLE001 - not an equation of this problem
        return None


def _read_equation(context, fragment: str) -> tuple[str, sp.Expr | None]:
    """The widest run of words around the '=' of ``fragment`` that reads as an equation of
    the problem (``Solve y'' + y = 0 now`` is read as ``y'' + y = 0``)."""
    words = fragment.split()
    if len(words) > 30:
        return fragment, None
    eq = next(i for i, w in enumerate(words) if "=" in w)
    for width in range(len(words), 0, -1):
        for start in range(0, len(words) - width + 1):
            if not start <= eq < start + width:
                continue
            text = " ".join(words[start:start + width]).strip(".,;")
            residual = _residual(context, text)
            if residual is not None:
                return text, residual
    return fragment, None


def _equation_problems(question: str, context, written: str) -> list[str]:
    planned = _residual(context, written)
    if planned is None:
        return []
    problems = []
    for fragment in _fragments(question):
        fragment, stated = _read_equation(context, fragment)
        if stated is None or not stated.atoms(sp.Derivative):
            continue                          # a condition such as y(0) = 1, or unreadable
        if _derivatives(stated) != _derivatives(planned) or _order(stated) != _order(planned):
            continue                          # a condition (u_x = 0), another equation
        if not _proportional(stated, planned):
            problems.append(f"the question's equation {fragment} is not the plan's {written}")
    return problems


# an operator over every variable of the problem, whatever they are: the plan's may be wrong
_OVER_ALL_VARIABLES = re.compile(r"nabla|∇|Δ|\\Delta|\\triangle|laplac|\bdiv\b|\bgrad\b",
                                 re.IGNORECASE)


def amend_equation(question: str, plan: dict) -> tuple[dict, list[str]]:
    """``plan`` with the one differential equation a step solves replaced by the one the
    question writes, where the plan's does not read or differs from it (the same derivatives,
    not proportional: ``x^2 y'' - 2y = 0`` copied as ``x^2 y'' - 2x y' + 2y = 0``). Left
    alone: a system, a question that writes no equation or several, one that does not read
    in the step's unknowns and variables."""
    steps, notes = list(plan.get("steps", [])), []
    for i, step in enumerate(steps):
        found = list(_equations_of(step))
        if len(found) != 1:
            continue
        (context, written), = found
        planned = _residual(context, written)
        stated = []
        for fragment in _fragments(question):
            text, residual = _read_equation(context, fragment)
            if residual is not None and residual.atoms(sp.Derivative):
                stated.append((text, residual))
        if any(re.search(_OVER_ALL_VARIABLES, t) for t, _ in stated):
            continue                # ∇²u read over the plan's variables, which may be wrong
        if planned is not None:
            stated = [(t, r) for t, r in stated if _derivatives(r) == _derivatives(planned)
                      and _order(r) == _order(planned)]
        if len(stated) != 1 or (planned is not None and _proportional(stated[0][1], planned)):
            continue
        text = stated[0][0]
        args = dict(step["args"])
        if step.get("tool") == "dsolve":
            args["equation"] = text
        else:
            args["spec"] = {**args["spec"], "equations": [text]}
        steps[i] = {**step, "args": args}
        notes.append(f"{step.get('id')}: the equation {written} read as the question's "
                     f"{text}" + (" (it does not read)" if planned is None else ""))
    return ({**plan, "steps": steps}, notes) if notes else (plan, [])


def _derivatives(expr: sp.Expr) -> set:
    """The unknowns an equation differentiates (which equation of a system it is)."""
    return {d.expr for d in expr.atoms(sp.Derivative)}


def _order(expr: sp.Expr) -> int:
    """The highest derivative order in ``expr`` (u_xx and u_xt are both 2)."""
    return max((d.derivative_count for d in expr.atoms(sp.Derivative)), default=0)


def _proportional(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether a = c*b for a nonzero constant c, at random values of every symbol, function
    and derivative (treated as independent numbers)."""
    atoms = sorted(a.atoms(sp.Derivative) | b.atoms(sp.Derivative), key=str)
    atoms += sorted((a.atoms(sp.core.function.AppliedUndef)
                     | b.atoms(sp.core.function.AppliedUndef)), key=str)
    rng = random.Random(0)
    ratios = []
    for _ in range(_TRIALS):
        values = {x: sp.Float(rng.uniform(0.3, 1.7)) for x in atoms}
        av, bv = (e.xreplace(values) for e in (a, b))
        symbols = {s: sp.Float(rng.uniform(0.3, 1.7)) for s in av.free_symbols | bv.free_symbols}
        try:
            x, y = complex(av.xreplace(symbols).evalf()), complex(bv.xreplace(symbols).evalf())
        except (TypeError, ValueError):
            return True                       # cannot tell: say nothing
        if abs(y) < 1e-12:
            if abs(x) > 1e-9:
                return False
            continue
        ratios.append(x / y)
    return all(abs(r - ratios[0]) <= 1e-6 * max(1.0, abs(ratios[0])) and abs(r) > 1e-12
               for r in ratios) if ratios else True


_SOLVE = re.compile(r"\b(integrate|solve|evolve|time-step)\b", re.IGNORECASE)
_PRIMED = re.compile(r"(?<![\w\\])([A-Za-z]\w*)'+")
_LEIBNIZ = re.compile(r"(?<![\w\\])d(?:\^\d)?\s*([A-Za-z]\w*)\s*/\s*d\s*([A-Za-z]\w*)")
_VARIABLES = ("t", "x", "r", "tau", "s", "z")


@functools.lru_cache(maxsize=256)
def _stated_ode(question: str) -> str | None:
    """The ordinary differential equation the question writes out (``a'' = -1/(2 a^2)``,
    ``dy/dt = -2 t y``), read with each usual variable in turn; None when there is none."""
    from tools.pde.equations import Context
    leibniz = _LEIBNIZ.findall(question)
    unknowns = {*_PRIMED.findall(question), *(u for u, _ in leibniz)}
    variables = [*(v for _, v in leibniz), *_VARIABLES]
    for fragment in _fragments(question):
        for unknown in sorted(unknowns):
            for variable in dict.fromkeys(variables):
                if variable == unknown:
                    continue
                try:
                    context = Context([unknown], [variable], {})
                except Exception:                # noqa: BLE001 - not a name the tools take
                    continue
                text, residual = _read_equation(context, fragment)
                derivatives = residual.atoms(sp.Derivative) if residual is not None else ()
                if derivatives and residual.subs({d: 0 for d in derivatives}) != 0:
                    return text                  # not a bare condition such as f'(r) = 0
    return None


def unsolved_problems(question: str, plan: dict) -> list[str]:
    """A question that asks to integrate or solve a differential equation it writes out is
    answered by a plan that solves one (``dsolve`` or ``solve_pde``)."""
    if not _SOLVE.search(question) or any(s.get("tool") in ("dsolve", "solve_pde",
                                                            "search_literature")
                                          for s in plan.get("steps", [])):
        return []
    ode = _stated_ode(question)
    return [f"the question asks to solve {ode}; the plan solves no differential equation "
            f"(dsolve or solve_pde)"] if ode else []


# the initial data of a time-dependent PDE: u(x,0) = ..., u_t(x,0) = ...
_INITIAL = re.compile(r"(?<![\w\\])([A-Za-z]\w*?)(_t|_\{t\})?"
                      r"\s*\(\s*([a-z]\w*)\s*,\s*0\s*\)\s*=\s*")


def _initial_data_problems(question: str, plan: dict) -> list[str]:
    """Initial data the question writes out (``u(x,0) = sin x + 0.5 sin 3x``) must be the
    value of one of the plan's initial conditions of that order, at random points."""
    problems = []
    for spec, context in _pde_specs(plan):
        planned: dict[int, list[sp.Expr]] = {}
        for c in spec.get("conditions") or []:
            if isinstance(c, dict) and c.get("kind") == "initial":
                value = _value(context, str(c.get("value", "0")))
                if value is not None:
                    planned.setdefault(int(c.get("derivative") or 0), []).append(value)
        for m in _INITIAL.finditer(question):
            name, order = m.group(1), 1 if m.group(2) else 0
            if name not in context.unknown_names or order not in planned:
                continue
            piece = _BREAK.split(question[m.end():], maxsplit=1)[0]
            text, stated = _read_value(context, piece)
            if stated is not None and not any(_equal(stated, v) for v in planned[order]):
                problems.append(f"the question's initial data {m.group(0).strip()} {text} is "
                                f"not any initial value of the plan")
    return problems


# boundary data: u(0,t) = 0, u(0,t) = u(1,t) = 0, u(x,1) = sin(pi x); u = 0 at x = 0, 1 / at x = 0
# and x = 1; u = 0 on the (whole) boundary
_AT_SIDE = re.compile(r"(?<![\w\\])([A-Za-z]\w*)\s*\(([^()=]+)\)\s*=\s*")
_AT_ENDS = re.compile(r"(?<![\w\\])([A-Za-z]\w*)\s*=\s*([^=,;]+?)\s+(?:at|on)\s+(?:both\s+)?"
                      r"([a-z])\s*=\s*([^\s,;()]+)(?:\s*(?:,|and|&)\s*(?:\3\s*=\s*)?"
                      r"([^\s,;()]+?))?(?=[\s,;.$)]|$)")
# the sides of a rectangle in x (across) and y (up) named in words: u = 0 on the bottom and
# both sides; which end of which variable each word names (0 low, 1 high)
_ON_SIDES = re.compile(r"(?<![\w\\])([A-Za-z]\w*)\s*=\s*([^=,;]+?)\s+(?:on|at|along)\s+(?:the\s+)?"
                       r"((?:(?:both|the|its|two|vertical|horizontal)\s+)*(?:bottom|top|left|right|"
                       r"lower|upper|sides)\b(?:[\s,]+(?:and\s+)?(?:the\s+|both\s+|its\s+)*(?:bottom|"
                       r"top|left|right|lower|upper|sides?|edges?|boundary)\b)*)", re.IGNORECASE)
_SIDE_WORDS = {"bottom": [("y", 0)], "lower": [("y", 0)], "top": [("y", 1)],
               "upper": [("y", 1)], "left": [("x", 0)], "right": [("x", 1)],
               "sides": [("x", 0), ("x", 1)]}
_ON_BOUNDARY = re.compile(r"(?<![\w\\])([A-Za-z]\w*)\s*=\s*([^=,;]+?)\s+on\s+(?:the\s+)?"
                          r"(?:whole\s+|entire\s+|all\s+of\s+the\s+)?boundary\b")


# zero boundary data said in words: "with zero ends", "held at zero at both ends", "zero
# boundary values", "homogeneous Dirichlet conditions"; and one end "held at zero"
_ZERO_EVERYWHERE = re.compile(
    r"\b(?:zero|vanishing)\s+(?:ends|boundary\s+(?:values|data))\b"
    r"|\bhomogeneous\s+dirichlet\b"
    r"|\b(?:(?:held|kept|fixed|clamped)\s+at\s+zero|zero|vanish(?:es|ing)?)\s+(?:at|on)\s+"
    r"(?:both\s+ends|the\s+ends|all\s+(?:four\s+)?(?:sides|edges))\b"
    r"|\bboth\s+ends\s+(?:are\s+)?(?:held|kept|fixed|clamped)\s+at\s+(?:zero|0)\b",
    re.IGNORECASE)
_SAVE = re.compile(r"\b(?:except|but|save|rest of|remaining|other (?:sides|edges|ends))\b",
                   re.IGNORECASE)             # zero on the boundary but for one side
_ONE_END_AT_ZERO = re.compile(
    r"\b(?:end|side|edge)\s+(?:at\s+)?([a-z])\s*=\s*([^\s,;()]+?)\s+(?:is\s+)?"
    r"(?:held|kept|fixed|clamped|maintained)\s+at\s+(?:zero|0)\b", re.IGNORECASE)


def _stated_boundary_data(question: str, context, space: list[str], spec: dict | None = None):
    """(``u`` or ``u_x`` as written, space variable or None for the whole boundary, where,
    value text) for the boundary data the question writes out; the sides of the rectangle
    of ``spec`` named in words (``u = 0 on the bottom and both sides``) among them."""
    names = [str(v) for v in context.variables]

    def side(m: re.Match) -> tuple[str, str] | None:       # u(0,t): ("x", "0")
        slots = [a.strip() for a in m.group(2).split(",")]
        ends = [a for a in slots if a not in names]
        missing = set(names) - set(slots)
        if len(slots) != len(names) or len(ends) != 1 or len(missing) != 1:
            return None
        return missing.pop(), ends[0]

    for m in _AT_SIDE.finditer(question):
        sides, rest = [side(m)], question[m.end():]
        while chained := _AT_SIDE.match(rest):       # u(0,t) = u(1,t) = 0: one value for both
            sides.append(side(chained))
            rest = rest[chained.end():]
        piece = _BREAK.split(rest, maxsplit=1)[0]
        for found in sides:
            if found and found[0] in space:
                yield m.group(1), found[0], found[1], piece
    prose = question.replace("$", " ")
    for m in _AT_ENDS.finditer(prose):
        if m.group(3) in space:
            for end in filter(None, (m.group(4), m.group(5))):
                yield m.group(1), m.group(3), end.rstrip(".$"), m.group(2)
    for m in _ON_BOUNDARY.finditer(prose):
        yield m.group(1), None, None, m.group(2)
    intervals = spec.get("variables") if isinstance(spec, dict) else None
    if sorted(space) == ["x", "y"] and isinstance(intervals, dict):
        for m in _ON_SIDES.finditer(prose):
            words = re.sub(r"\b(bottom|top|left|right|lower|upper)\s+(?:side|edge)s?\b", r"\1",
                           m.group(3).lower())
            for word in re.findall(r"bottom|top|left|right|lower|upper|sides", words):
                for variable, end in _SIDE_WORDS[word]:
                    yield m.group(1), variable, str(intervals[variable][end]), m.group(2)
    if len(context.unknown_names) == 1:            # said in words: the one unknown is zero
        (unknown,) = context.unknown_names
        if _ZERO_EVERYWHERE.search(prose) and not _SAVE.search(prose):
            yield unknown, None, None, "0"
        for m in _ONE_END_AT_ZERO.finditer(prose):
            if m.group(1) in space:
                yield unknown, m.group(1), m.group(2), "0"


class _Datum(NamedTuple):
    spec: dict                  # the plan's solve_pde spec it is compared with
    context: object             # the spec's parsing context
    unknown: str
    kind: str                   # dirichlet or neumann
    variable: str | None        # None: the whole boundary
    end: str | None             # as the question writes it
    at: sp.Expr | None          # its value
    written: str                # u = 0, as the question writes it
    value: sp.Expr              # as the spec writes it (a neumann value along the normal)
    agrees: bool                # the plan's condition there is this datum
    outside: bool = False       # the side is no end of the plan's interval


def _boundary_data(question: str, plan: dict):
    """A :class:`_Datum` for each side datum the question writes out (``u(0,t) = 0``,
    ``y(pi/2) = 2``, ``u = 0 at x = 0, 1``, ``u = 0 on the boundary``; ``u_x = 0 at x = 0``
    for Neumann data) and each ``solve_pde`` spec of the plan, compared at random points of
    the side."""
    for spec, context in _pde_specs(plan):
        space = [str(v) for v in context.variables if str(v) != context.time]
        conditions = [c for c in spec.get("conditions") or []
                      if isinstance(c, dict) and c.get("kind") != "initial"]
        for name, variable, end, text in dict.fromkeys(
                _stated_boundary_data(question, context, space, spec)):
            unknown, kind = _boundary_kind(name, context.unknown_names, variable)
            if unknown is None:
                continue
            at = None if end is None else _value(context, end)
            stated = _read_value(context, text)[1]
            if stated is None or (end is not None and (at is None or not at.is_number)):
                continue
            sign = 1                    # a neumann value is along the outward normal: -u_x at
            if kind == "neumann":       # the low end
                low = _value(context, str(spec["variables"][variable][0]))
                sign = -1 if low is not None and abs(complex(at - low)) < 1e-9 else 1
            if variable is not None:
                ends = [_value(context, str(e)) for e in spec["variables"][variable]]
                if all(e is not None and e.is_number for e in ends) and all(
                        abs(complex(at - e)) > 1e-9 for e in ends):
                    yield _Datum(spec, context, unknown, kind, variable, end, at,
                                 f"{name} = {text.strip()}", stated, False, outside=True)
                    continue
            mine = [c for c in conditions if _unknown_of(c, context) == unknown
                    and c.get("kind") != "periodic"]
            specific = [c for c in mine if variable is None
                        or _on_side(context, _side_of(c), variable, at)]
            covering = specific or [c for c in mine if _side_of(c).strip()
                                    == "boundary"]        # as the solvers read the sides
            if not covering:
                continue                           # a side the plan leaves out: the tool says so
            here = {} if variable is None else {sp.Symbol(variable, real=True): at}

            def agrees(c: dict) -> bool:
                value = _value(context, str(c.get("value", "0")))
                return c.get("kind") == kind and (
                    value is None or _equal(sign * stated.subs(here), value.subs(here)))

            yield _Datum(spec, context, unknown, kind, variable, end, at,
                         f"{name} = {text.strip()}", sign * stated,
                         all(agrees(c) for c in covering))


def _boundary_data_problems(question: str, plan: dict) -> list[str]:
    """Boundary data the question writes out must be the plan's condition of that kind on
    that side (see :func:`_boundary_data`)."""
    problems = []
    for d in _boundary_data(question, plan):
        side = "the boundary" if d.variable is None else f"{d.variable} = {d.end}"
        if d.outside:
            problems.append(f"the question's boundary data {d.written} on {side} is at no end "
                            f"of the plan's interval of {d.variable}")
        elif not d.agrees:
            problems.append(f"the question's boundary data {d.written} on {side} is not the "
                            f"plan's {d.kind} condition there")
    return problems


def amend_boundary_data(question: str, plan: dict) -> tuple[dict, list[str]]:
    """``plan`` with each side condition of a ``solve_pde`` spec that is not the boundary
    datum the question writes for that side (Dirichlet for Neumann, the two ends swapped, a
    wrong value) replaced by that datum, and what was changed; one datum on the whole
    boundary (``with zero ends``) replaces every side condition of its unknown. A plan whose
    conditions the question does not all settle the same way is left for the relevance check
    to send back.

    >>> plan = {"steps": [{"id": "s1", "tool": "solve_pde", "args": {"spec": {
    ...     "variables": {"x": [0, 1], "t": [0, 1]}, "equations": ["u_t = u_xx"],
    ...     "conditions": [{"kind": "dirichlet", "on": "boundary", "value": "0"},
    ...                    {"kind": "initial", "value": "cos(pi*x)"}]}}}], "final": "s1"}
    >>> fixed, notes = amend_boundary_data(
    ...     "Solve u_t = u_xx with u_x = 0 at x = 0 and x = 1, u(x,0) = cos(pi x).", plan)
    >>> fixed["steps"][0]["args"]["spec"]["conditions"]
    [{'kind': 'initial', 'value': 'cos(pi*x)'}, {'kind': 'neumann', 'on': 'x=0', 'value': '0'}, {'kind': 'neumann', 'on': 'x=1', 'value': '0'}]
    >>> notes[0]
    's1: the condition on x = 0 is the neumann datum u_x = 0 the question writes'
    """
    plan = copy.deepcopy(plan)
    data = list(_boundary_data(question, plan))
    sides = [(id(d.spec), d.unknown, d.variable, d.end) for d in data]
    if (all(d.agrees for d in data) or any(d.outside for d in data)
            or len(set(sides)) != len(sides)):
        return plan, []
    ids = _spec_ids(plan)
    if any(d.variable is None for d in data):
        return _amend_whole_boundary(plan, data, ids)
    notes = []
    for d in data:
        if d.agrees:
            continue
        spec, context = d.spec, d.context
        spec["conditions"] = [
            c for c in spec["conditions"]
            if not (isinstance(c, dict) and c.get("kind") != "initial"
                    and _unknown_of(c, context) == d.unknown
                    and _on_side(context, _side_of(c), d.variable, d.at))]
        condition = {"kind": d.kind, "on": f"{d.variable}={sp.sstr(d.at)}",
                     "value": sp.sstr(d.value)}
        if len(context.unknown_names) > 1:
            condition["unknown"] = d.unknown
        spec["conditions"].append(condition)
        notes.append(f"{ids.get(id(spec), 'a step')}: the condition on {d.variable} = {d.end} "
                     f"is the {d.kind} datum {d.written} the question writes")
        _drop_covered(spec, context, d.unknown)
    return plan, notes


def _amend_whole_boundary(plan: dict, data: list[_Datum], ids: dict) -> tuple[dict, list[str]]:
    """``plan`` with the side conditions of an unknown for which the question writes one
    datum on the whole boundary (``u = 0 on the boundary``, ``with zero ends``), and nothing
    side by side, replaced by that datum, where they are not all it already."""
    by_unknown: dict[tuple[int, str], list[_Datum]] = {}
    for d in data:
        by_unknown.setdefault((id(d.spec), d.unknown), []).append(d)
    if any(len(group) != 1 or group[0].variable is not None
           for group in by_unknown.values() if any(d.variable is None for d in group)):
        return plan, []                  # side data beside it, or two of them: the planner's
    if any(d.variable is not None and not d.agrees for d in data):
        return plan, []
    notes = []
    for d in data:
        if d.agrees:
            continue
        spec, context = d.spec, d.context
        kept = [c for c in spec["conditions"]
                if not (isinstance(c, dict) and c.get("kind") not in ("initial", "periodic")
                        and _unknown_of(c, context) == d.unknown)]
        condition = {"kind": d.kind, "on": "boundary", "value": sp.sstr(d.value)}
        if len(context.unknown_names) > 1:
            condition["unknown"] = d.unknown
        spec["conditions"] = kept + [condition]
        notes.append(f"{ids.get(id(spec), 'a step')}: the conditions on the boundary are the "
                     f"datum {d.written} the question writes there")
    return plan, notes


def _drop_covered(spec: dict, context, unknown: str) -> None:
    """Take out of ``spec`` the ``on: boundary`` conditions of ``unknown`` that no longer
    hold anywhere: every side of the domain has a condition of its own."""
    conditions = [c for c in spec["conditions"] if isinstance(c, dict)
                  and c.get("kind") not in ("initial", "periodic")
                  and _unknown_of(c, context) == unknown]
    for variable, (low, high) in spec["variables"].items():
        if variable == context.time:
            continue
        for end in (low, high):
            at = _value(context, str(end))
            if at is None or not any(_on_side(context, _side_of(c), variable, at)
                                     for c in conditions):
                return
    spec["conditions"] = [c for c in spec["conditions"] if c not in conditions
                          or _side_of(c).strip() != "boundary"]


def _unknown_of(condition: dict, context) -> str:
    """The unknown a condition holds for (the first, when it names none)."""
    return condition.get("unknown") or context.unknown_names[0]


def _side_of(condition: dict) -> str:
    """Where a condition holds (``x=0``; the whole boundary when it says nowhere)."""
    return str(condition.get("on") or "boundary")


def _boundary_kind(name: str, unknowns: list[str], variable: str | None):
    """(unknown, "dirichlet") for ``u``; (unknown, "neumann") for ``u_x`` on a side x = const;
    (None, "") for anything else (a tangential derivative, a name that is no unknown)."""
    if name in unknowns:
        return name, "dirichlet"
    m = re.fullmatch(r"(\w+?)_\{?([A-Za-z])\}?", name)
    if m and m.group(1) in unknowns and variable is not None and m.group(2) == variable:
        return m.group(1), "neumann"
    return None, ""


def _on_side(context, on: str, variable: str, at: sp.Expr) -> bool:
    """Is ``on`` (``x=0``) the side ``variable = at``?"""
    name, _, where = on.partition("=")
    value = _value(context, where) if where.strip() else None
    return (name.strip() == variable and value is not None and value.is_number
            and abs(complex(value - at)) < 1e-9)


def _value(context, text: str) -> sp.Expr | None:
    try:
        return context.parse(text, what="value", unknowns_allowed=False)
    except Exception:                            # noqa: BLE001 - unreadable: say nothing
        return None


def _read_value(context, piece: str) -> tuple[str, sp.Expr | None]:
    """``piece`` read whole as a value of the problem (a prefix could be a part of a sum)."""
    text = piece.strip().rstrip(".,;").strip()
    return text, _value(context, text) if text else None


def _equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether ``a`` and ``b`` agree at random values of the variables (and any other
    symbol); a comparison that cannot be made counts as equal."""
    rng = random.Random(3)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(_TRIALS):
        values = {s: sp.Float(rng.uniform(0.1, 0.9)) for s in symbols}
        try:
            x, y = complex(a.xreplace(values).evalf()), complex(b.xreplace(values).evalf())
        except (TypeError, ValueError):
            return True
        if abs(x - y) > 1e-9 * max(1.0, abs(y)):
            return False
    return True


# ---------------------------------------------------------------------- ODEs in closed form
# the point data of an ODE as the question writes them: y(0) = 1, y'(0) = 0, y(\pi/2) = 2
_POINT_DATUM = re.compile(r"(?<![\w\\'])([A-Za-z]\w*)('*)\s*\(\s*([^(),=]+?)\s*\)\s*=\s*")
# where the solution is wanted, or that numbers are: an interval, a bound, a plot
_DOMAIN = re.compile(r"[\[<>≤≥∈]|\\(?:le|ge|leq|geq|in)\b|\b(?:for|on|in|over)\s+(?:\(|-?\d)"
                     r"|\bfrom\s+[a-z]?\s*=?\s*-?\d|\b(?:until|up\s+to|interval|domain|numeric\w*"
                     r"|plot\w*|grid|field)\b", re.IGNORECASE)


def _point_data(question: str, context) -> dict[str, str] | None:
    """The point data the question writes for the one unknown of ``context`` (``y(0) = 1``,
    ``y'(0) = 0``) as dsolve's conditions; None when one of them does not read."""
    (unknown,) = context.unknown_names
    text, data = question.replace("$", " "), {}
    for m in _POINT_DATUM.finditer(text):
        if m.group(1) != unknown:
            continue
        at = _value(context, m.group(3).replace("\\", "").replace("{", "(").replace("}", ")")
                    if m.group(3).startswith("\\") else m.group(3))
        piece, value = _read_value(context, _BREAK.split(text[m.end():], maxsplit=1)[0])
        if at is None or not at.is_number or value is None:
            return None
        data[f"{unknown}{m.group(2)}({sp.sstr(at)})"] = piece
    return data


def wants_closed_form(question: str) -> bool:
    """Whether ``question`` writes out an initial value problem of an ordinary differential
    equation and asks for no interval, bound or numbers: its answer is the closed form
    (``dsolve``), not a solve on a grid, which needs an interval the question does not give
    (data at two points bound one: ``solve_pde`` takes that too).

    >>> wants_closed_form("What function y(t) satisfies y'' + 4y = 0, y(0) = 1, y'(0) = 3?")
    True
    >>> wants_closed_form("y(t) up to t = 4 for y'' + 4y = 0, y(0) = 1, y'(0) = 3")
    False
    """
    points = {m.group(3).strip() for m in _POINT_DATUM.finditer(question.replace("$", " "))}
    return (len(points) <= 1 and not _DOMAIN.search(question)
            and _stated_ode(question) is not None)


def amend_ode_in_closed_form(question: str, plan: dict) -> tuple[dict, list[str]]:
    """``plan`` solving an initial value problem of an ordinary differential equation
    (``y'' + 4y' + 4y = 0, y(0) = 1, y'(0) = 0``) as ``dsolve`` with the data the question
    writes, where it had the one step ``solve_pde`` for it and the question asks for no
    interval, bound or numbers: the closed form is the answer such a question wants.

    >>> plan = {"steps": [{"id": "s1", "tool": "solve_pde", "args": {"spec": {
    ...     "unknowns": ["y"], "variables": {"t": [0, 5]}, "equations": ["y'' + 4*y' + 4*y = 0"],
    ...     "conditions": [{"kind": "initial", "value": "1"}]}}}], "final": "s1"}
    >>> fixed, notes = amend_ode_in_closed_form(
    ...     "critically damped: y'' + 4y' + 4y = 0, y(0)=1, y'(0)=0", plan)
    >>> fixed["steps"][0]["tool"], fixed["steps"][0]["args"]["conditions"]
    ('dsolve', {'y(0)': '1', "y'(0)": '0'})
    """
    steps = plan.get("steps", [])
    if len(steps) != 1 or steps[0].get("tool") != "solve_pde" or _DOMAIN.search(question):
        return plan, []
    specs = list(_pde_specs(plan))
    if len(specs) != 1:
        return plan, []
    spec, context = specs[0]
    equations = spec.get("equations")
    equations = [equations] if isinstance(equations, str) else equations
    if (len(context.unknown_names) != 1 or len(context.variables) != 1
            or not isinstance(equations, list) or len(equations) != 1
            or _residual(context, str(equations[0])) is None or not _stated_ode(question)):
        return plan, []
    data = _point_data(question, context)
    if not data or len({k.partition("(")[2] for k in data}) != 1:
        return plan, []          # data at two points bound an interval: solve_pde's problem
    step = {"id": steps[0].get("id", "s1"), "tool": "dsolve", "args": {
        "equation": str(equations[0]), "function": context.unknown_names[0],
        "variable": str(context.variables[0]), "conditions": data}}
    return ({**plan, "steps": [step]},
            [f"{step['id']}: the ODE solved in closed form (dsolve) with the data "
             f"{', '.join(f'{k} = {v}' for k, v in data.items())} the question writes"])


def amend_initial_data(question: str, plan: dict) -> tuple[dict, list[str]]:
    """``plan`` with the initial data of an ordinary differential equation a ``solve_pde``
    step integrates set to those the question writes -- as many values at one point
    (``a(0.2) = 0.3^(2/3), a'(0.2) = ...``) as the equation's order -- and its interval
    starting at that point, where the plan's are other (a datum dropped, two run together,
    the interval from 0), and what was changed.

    >>> plan = {"steps": [{"id": "s1", "tool": "solve_pde", "args": {"spec": {
    ...     "unknowns": ["y"], "variables": {"t": [0, 3]}, "equations": ["y'' = -y"],
    ...     "conditions": [{"kind": "initial", "derivative": 1, "value": "2 3"}]}}}],
    ...     "final": "s1"}
    >>> fixed, notes = amend_initial_data("integrate y'' = -y from t = 1 to 3, y(1) = 2, "
    ...                                   "y'(1) = 3", plan)
    >>> spec = fixed["steps"][0]["args"]["spec"]
    >>> spec["variables"], spec["conditions"]
    ({'t': [1, 3]}, [{'kind': 'initial', 'value': '2'}, {'kind': 'initial', 'derivative': 1, 'value': '3'}])
    >>> notes[0]
    "s1: the initial data y(1) = 2, y'(1) = 3 the question writes, from t = 1"
    """
    plan = copy.deepcopy(plan)
    ids, notes = _spec_ids(plan), []
    for spec, context in _pde_specs(plan):
        equations = spec.get("equations")
        equations = [equations] if isinstance(equations, str) else equations or []
        if (len(context.unknown_names) != 1 or len(context.variables) != 1
                or not isinstance(equations, list) or len(equations) != 1):
            continue
        residual = _residual(context, str(equations[0]))
        data = _stated_initial_data(question, context)
        if residual is None or data is None or sorted(data[1]) != list(range(_order(residual))):
            continue
        (variable,), (at, values) = list(spec["variables"]), data
        interval = spec["variables"][variable]
        try:
            low, high = (float(context.parse(str(x), what="value", unknowns_allowed=False))
                         for x in interval)
        except Exception:                    # noqa: BLE001 - an interval the tool refuses
            continue
        start = float(at)
        planned = {int(c.get("derivative") or 0): _value(context, str(c.get("value")))
                   for c in spec.get("conditions") or [] if isinstance(c, dict)
                   and c.get("kind") == "initial"}
        if (abs(low - start) < 1e-12 and len(spec.get("conditions") or []) == len(values)
                and all(k in planned and planned[k] is not None and _equal(planned[k], v)
                        for k, (_, v) in values.items())):
            continue                         # the question's data already
        if not start < high:
            continue
        spec["variables"][variable] = [spec_bound(start), interval[1]]
        spec["conditions"] = [{"kind": "initial", **({"derivative": k} if k else {}),
                               "value": w} for k, (w, _) in sorted(values.items())]
        unknown = context.unknown_names[0]
        written = ", ".join(f"{unknown}{chr(39) * k}({spec_bound(start)}) = {w}"
                            for k, (w, _) in sorted(values.items()))
        notes.append(f"{ids.get(id(spec), 'a step')}: the initial data {written} the question "
                     f"writes, from {variable} = {spec_bound(start)}")
    return plan, notes


def _stated_initial_data(question: str, context
                         ) -> tuple[sp.Expr, dict[int, tuple[str, sp.Expr]]] | None:
    """(the point, {order: (value as written, value)}) of the point data the question writes
    for the one unknown of ``context``, all at one point; None when there are none, they are
    at several points, or one does not read."""
    (unknown,) = context.unknown_names
    text, points, values = question.replace("$", " "), set(), {}
    for m in _POINT_DATUM.finditer(text):
        if m.group(1) != unknown:
            continue
        at = _value(context, m.group(3))
        written, value = _read_value(context, _BREAK.split(text[m.end():], maxsplit=1)[0])
        if at is None or not at.is_number or value is None or len(m.group(2)) in values:
            return None
        points.add(sp.nsimplify(at))
        values[len(m.group(2))] = (written, value)
    return (points.pop(), values) if len(points) == 1 else None


def spec_bound(x: float) -> int | float | str:
    """An end of an interval as a spec writes it: 1, 0.5, "pi/2"."""
    if x == int(x):
        return int(x)
    over_pi = sp.nsimplify(x / math.pi, tolerance=1e-12, rational=True)
    if abs(float(over_pi) * math.pi - x) < 1e-12 and sp.denom(over_pi) <= 12:
        return sp.sstr(over_pi * sp.pi)
    return x


# ---------------------------------------------------------------------- PDE values
# a name the question sets to a number: "with c = sqrt(2)(1/2 - 0.25)", "k = 0.5"
_DEFINITION = re.compile(r"(?<![\w\\^_{'(,])([A-Za-z]\w*)\s*=\s*(?!=)")


def defined_constants(question: str) -> dict[str, sp.Expr]:
    """The names the question sets to a number (``c = sqrt(2)(1/2 - 0.25)``): the longest run
    of words after the ``=``, up to a clause break, that reads as a number. A name set twice
    to different numbers is left out.

    >>> defined_constants("u_t = u_xx on 0<x<1, with c = sqrt(2)(1/2 - 0.25). Find u.")
    {'c': sqrt(2)/4}
    """
    text = question.replace("$", " ")
    found: dict[str, set] = {}
    for m in _DEFINITION.finditer(text):
        words = _BREAK.split(text[m.end():], maxsplit=1)[0].split()
        for n in range(len(words), 0, -1):
            piece = " ".join(words[:n]).rstrip(".,;").strip()
            try:
                value = parse_expr(piece) if piece.count("(") == piece.count(")") else None
            except (ParseError, ValueError):
                continue
            if value is not None and not value.free_symbols and value.is_number:
                found.setdefault(m.group(1), set()).add(value)
                break
    return {k: v.pop() for k, v in found.items() if len(v) == 1}


def _word(name: str) -> re.Pattern:
    return re.compile(rf"(?<![\w\\]){re.escape(name)}(?!\w)")


def _spec_parts(spec: dict) -> tuple[list[str], list[str]]:
    """The equations of ``spec`` and the values of its conditions, as text."""
    return ([t for t in spec.get("equations") or [] if isinstance(t, str)],
            [str(c.get("value", "0")) for c in spec.get("conditions") or []
             if isinstance(c, dict)])


def _reads(context, spec: dict) -> bool:
    """Whether every equation and condition value of ``spec`` reads in ``context``."""
    equations, values = _spec_parts(spec)
    return (all(_residual(context, t) is not None for t in equations)
            and all(_value(context, v) is not None for v in values))


def amend_parameters(question: str, plan: dict) -> tuple[dict, list[str]]:
    """``plan`` with each name a ``solve_pde`` spec writes but does not define, which the
    question sets to a number (:func:`defined_constants`), made a parameter of the spec with
    that value, where the spec then reads; and what was changed.

    >>> plan = {"steps": [{"id": "s1", "tool": "solve_pde", "args": {"spec": {
    ...     "variables": {"x": [0, 1], "t": [0, 1]}, "equations": ["u_t = u_xx - c*u_x"],
    ...     "conditions": [{"kind": "initial", "value": "sin(pi*x)"}]}}}], "final": "s1"}
    >>> amend_parameters("u_t = u_xx - c u_x with c = 1/2, u(x,0) = sin(pi x)", plan)[1]
    ['s1: c = 1/2, as the question sets it']
    """
    defined = defined_constants(question)
    if not defined:
        return plan, []
    from tools.pde.equations import Context
    plan, notes = copy.deepcopy(plan), []
    ids = _spec_ids(plan)
    for spec, context in _pde_specs(plan):
        known = set(context.symbols) | set(context.parameters) | set(context.parameter_functions)
        texts = [t for part in _spec_parts(spec) for t in part]
        used = [n for n in defined if n not in known
                and any(_word(n).search(t) for t in texts)]
        if not used or _reads(context, spec):
            continue
        parameters = {**(spec.get("parameters") or {}),
                      **{n: sp.sstr(defined[n]) for n in used}}
        try:
            amended = Context(context.unknown_names, [str(v) for v in context.variables],
                              parameters, spec.get("time"))
        except Exception:                        # noqa: BLE001 - a name the tool refuses
            continue
        if _reads(amended, spec):
            spec["parameters"] = parameters
            notes += [f"{ids.get(id(spec))}: {n} = {parameters[n]}, as the question sets it"
                      for n in used]
    return plan, notes


# ---------------------------------------------------------------------- metric functions
_FUNCTION = re.compile(r"(?<![\w\\])(?:f\s*\(\s*r\s*\)|f|Δ\s*(?:\(\s*r\s*\))?|\\Delta"
                       r"(?:\s*\(\s*r\s*\))?)\s*=\s*")
_VALUE = re.compile(r"(?<![\w^_{\\])([A-Za-zΛμℓ][A-Za-z0-9]*)\s*=\s*(-?\d+(?:\.\d+)?)\b")
_GREEK = {"Λ": "Lambda", "μ": "mu", "ℓ": "l", "\\Lambda": "Lambda", "\\mu": "mu", "\\ell": "l"}



def given_values(question: str) -> dict[str, sp.Expr]:
    text = question
    for g, name in _GREEK.items():
        text = text.replace(g, f" {name} ")
    return {m.group(1): sp.nsimplify(m.group(2)) for m in _VALUE.finditer(text)
            if m.group(1) not in ("r", "t", "x", "y", "z", "f", "E")}


_LETTERS = {"r", "M", "Q", "a", "l", "mu", "Lambda", "b", "k", "n", "q", "m"}


def _read_function(piece: str) -> sp.Expr | None:
    """The longest start of ``piece`` (by words) that reads as a function of r in the usual
    parameters (``1 - 2M/r vanish`` is read as ``1 - 2M/r``); ``2Mr`` is 2*M*r, ``ℓ`` is l."""
    words = piece.split()
    for n in range(len(words), 0, -1):
        text = " ".join(words[:n]).rstrip(".,;)(").strip()
        if not text or text.count("(") != text.count(")"):
            continue
        try:
            f = parse_expr(text)
        except (ParseError, ValueError):
            continue
        f = f.xreplace({s: sp.Symbol("l", real=True) for s in f.free_symbols if str(s) == "ell"})
        f = f.xreplace({s: sp.Mul(*(sp.Symbol(c, real=True) for c in str(s)))
                        for s in f.free_symbols
                        if len(str(s)) > 1 and str(s) not in _LETTERS
                        and set(str(s)) <= _LETTERS})
        names = {str(s) for s in f.free_symbols}
        if "r" in names and names <= _LETTERS:
            return f
    return None


def _stated_function(question: str) -> sp.Expr | None:
    """The metric function f(r) (or Δ) the question gives, with its given values put in."""
    m = _FUNCTION.search(question)
    if m is None:
        return None
    piece = _BREAK.split(question[m.end():], maxsplit=1)[0].strip()
    f = _read_function(piece)
    if f is None:
        return None
    given = given_values(question)
    values = {s: given[str(s)] for s in f.free_symbols if str(s) in given}
    return f.xreplace(values) if values else f


def _plan_expressions(plan: dict) -> list[sp.Expr]:
    out = []
    for step in plan.get("steps", []):
        args = step.get("args", {})
        texts = [args.get("expression")] + list(args.get("equations") or [])
        for text in texts:
            if not isinstance(text, str) or "$" in text:
                continue
            for side in text.split("="):
                try:
                    out.append(parse_expr(side))
                except (ParseError, ValueError):
                    pass
    return out


def _function_problems(question: str, plan: dict) -> list[str]:
    if any(s.get("tool") in ("curvature", "solve_pde", "dsolve", "search_literature")
           for s in plan.get("steps", [])) or re.search(r"ergo|g_\{?tt|static limit", question):
        return []                          # f is given, but something else is asked about
    f = _stated_function(question)
    expressions = _plan_expressions(plan)
    if f is None or not expressions:
        return []
    for expr in expressions:
        for sub in sp.preorder_traversal(expr):
            if isinstance(sub, sp.Expr) and _same_function(sub, f):
                return []
    return [f"the question gives the function {sp.sstr(f)}; no expression of the plan "
            f"contains it"]


def amend_function(question: str, plan: dict) -> tuple[dict, list[str]]:
    """``plan`` with its copy of the function the question gives (f(r), Δ) replaced by that
    function, where no expression of the plan contains it (see :func:`_function_problems`)
    and exactly one bracketed expression, or whole one, reads as a slipped copy: a function
    of r in the same names with as many terms, but other values (``Λ/r^2/3`` for
    ``Λ r^2/3``). Every place the plan writes that copy is replaced."""
    if not _function_problems(question, plan):
        return plan, []
    f = _stated_function(question)
    names, terms = {str(x) for x in f.free_symbols}, len(sp.Add.make_args(sp.expand(f)))
    copies = set()
    for step in plan.get("steps", []):
        args = step.get("args", {})
        for text in [args.get("expression"), *(args.get("equations") or [])]:
            for piece in _bracketed(text) if isinstance(text, str) and "$" not in text else ():
                try:
                    g = parse_expr(piece)
                except (ParseError, ValueError):
                    continue
                if ({str(x) for x in g.free_symbols} == names
                        and len(sp.Add.make_args(sp.expand(g))) == terms):
                    copies.add(piece.strip())
    copies = {c for c in copies if not any(o != c and o in c for o in copies)}  # innermost
    if len(copies) != 1:
        return plan, []
    (copy_,) = copies
    written = sp.sstr(f).replace("**", "^")
    amended = json.loads(json.dumps(plan).replace(json.dumps(copy_)[1:-1], written))
    return amended, [f"the function {copy_} read as the question's {written}"]


def _bracketed(text: str) -> list[str]:
    """``text`` and each of its balanced bracketed parts, the sides of an equation apart."""
    pieces = []
    for side in text.split("="):
        pieces.append(side)
        opened = []
        for i, ch in enumerate(side):
            if ch == "(":
                opened.append(i)
            elif ch == ")" and opened:
                pieces.append(side[opened.pop() + 1:i])
    return pieces


def _same_function(a: sp.Expr, b: sp.Expr) -> bool:
    names = {str(s) for s in a.free_symbols} | {str(s) for s in b.free_symbols}
    if "r" not in {str(s) for s in a.free_symbols}:
        return False
    rng = random.Random(1)
    for _ in range(_TRIALS):
        values = {n: sp.Float(rng.uniform(0.2, 0.9)) for n in names}
        try:
            x = complex(a.xreplace({s: values[str(s)] for s in a.free_symbols}).evalf())
            y = complex(b.xreplace({s: values[str(s)] for s in b.free_symbols}).evalf())
        except (TypeError, ValueError):
            return False
        if abs(x - y) > 1e-9 * max(1.0, abs(y)):
            return False
    return True


# ---------------------------------------------------------------------- line elements
LINE_ELEMENT = re.compile(r"(?<![\w\\])ds\s*(?:\^\s*\{?\s*2\s*\}?|²)\s*=")
# a line element can end after a run of text that ends like mathematics: a bracket, a digit,
# a square, a differential (dv, d\phi, dφ) or a letter after an operator (2M/r), not after a
# word of prose or an article (``dy^2 a solution``)
_MATH_END = re.compile(r"\S*?(?:[)\]}0-9²]|(?<![\w\\])d(?:\\?[A-Za-z]+|[α-ωΑ-Ω])"
                       r"|(?<=[^\s\w\\])[A-Za-z])(?=[.,;:?!$]*(?:\s|$))")
_ENDS_TRIED = 40
# a word that is not mathematics: the line element has ended before it
PROSE_WORD = re.compile(r"(?<![\\A-Za-z])(?!(?:d?(?:" + "|".join(
    ("sinh?", "cosh?", "tanh?", "cot", "sec", "csc", "exp", "log", "ln", "sqrt", "alpha",
     "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda",
     "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
     "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
     "ell")) + r"))(?![A-Za-z]))(?:[A-Za-z]{3,}|(?:of|is|in|at|to|on|as|an|be|by|if|or|so|it)"
    r"(?![A-Za-z]))")


def line_element_start(text: str):
    """The longest start of ``text`` (which begins ``ds^2 =``) that ends like mathematics,
    holds no word of prose and parses, with its metric: ``(start, metric)``; None when no
    start reads."""
    from tools.gr.errors import MetricError
    from tools.gr.metric import Metric
    m = LINE_ELEMENT.match(text)
    if m is None:
        return None
    ends = sorted({e.end() for e in _MATH_END.finditer(text, m.end())}, reverse=True)
    for end in ends[:_ENDS_TRIED]:
        if PROSE_WORD.search(text, m.end(), end):
            continue
        try:
            metric = Metric.from_line_element(text[:end])
        except (ParseError, MetricError, ValueError, TypeError):
            continue
        return (text[:end], metric) if metric.dim >= 2 else None
    return None


def _written_line_element(question: str):
    """The line element ``ds^2 = ...`` the question writes (the prose after it left out) and
    its metric: ``(text, metric)``; None when there is none or it does not read."""
    m = LINE_ELEMENT.search(question)
    return line_element_start(question[m.start():]) if m else None


def _planned_metric(args: dict):
    """The metric a curvature step computes with, as the tool resolves it; None when the
    tool would refuse it (its own error says why)."""
    from tools.gr.tool import Curvature
    try:
        return Curvature.Args.model_validate(args).resolve()
    except Exception:                               # noqa: BLE001 - the tool reports it
        return None


def _by_name(expr: sp.Expr) -> sp.Expr:
    """``expr`` with each symbol replaced by a plain one of its name (assumptions differ
    between the catalogue and the parser) and each undefined function f(x, ...) by a fixed
    function of its arguments, so that two metrics can be compared at random points."""
    from sympy.core.function import AppliedUndef
    functions = {f: sp.exp(sp.Add(*f.args) * (1 + sum(map(ord, f.func.__name__)) % 7) / 10)
                 for f in expr.atoms(AppliedUndef)}
    expr = expr.xreplace(functions)
    return expr.xreplace({s: sp.Symbol(str(s)) for s in expr.free_symbols})


def _metric_difference(stated, planned) -> str | None:
    """The first component where ``planned`` differs from ``stated`` (``g_tt``), None when
    they agree or cannot be compared (other coordinates, or symbols the question does not
    use, as a catalogue metric may name its parameters otherwise)."""
    names = [str(c) for c in stated.coords]
    planned_names = [str(c) for c in planned.coords]
    if sorted(names) != sorted(planned_names):
        return None
    a, b = stated.components.applyfunc(_by_name), planned.components.applyfunc(_by_name)
    ours, theirs = {str(s) for s in a.free_symbols}, {str(s) for s in b.free_symbols}
    if not theirs <= ours | set(names):
        return None
    # a name misspelt in the question (thheta) and written right in the plan is the same
    typos = {n: close[0] for n in ours - theirs
             if (close := difflib.get_close_matches(n, theirs, n=1, cutoff=0.8))}
    a = a.xreplace({sp.Symbol(n): sp.Symbol(m) for n, m in typos.items()})
    for i, x in enumerate(names):
        for j, y in enumerate(names[i:], i):
            p, q = planned_names.index(x), planned_names.index(y)
            if not _equal(a[i, j], b[p, q]):
                return f"g_{x}{y}" if len(x) == len(y) == 1 else f"g_({x},{y})"
    return None


def amend_line_element(question: str, plan: dict, free: Callable[[str], set[str]]
                       ) -> tuple[dict, list[str]]:
    """``plan`` with its one curvature step computing with the line element the question
    writes, where it computes with another: a copy with a slip (a power or a sign), or a
    catalogue family whose free functions (``free(metric)``) the question's metric does not
    have. A step with parameters of its own is left alone; so is a question whose line
    element does not read."""
    curvature = [i for i, s in enumerate(plan.get("steps", [])) if s.get("tool") == "curvature"]
    found = _written_line_element(question) if len(curvature) == 1 else None
    step = plan["steps"][curvature[0]] if found else {}
    args = step.get("args")
    if (not isinstance(args, dict) or set(args) - {"metric", "quantity", "component"}
            or not isinstance(args.get("metric"), str)):
        return plan, []
    (written, stated), metric = found, args["metric"]
    planned = _planned_metric(args)
    where = _metric_difference(stated, planned) if planned is not None else None
    unwritten = sorted(free(metric))
    if not where and not unwritten:
        return plan, []
    steps = list(plan["steps"])
    steps[curvature[0]] = {**step, "args": {**args, "metric": written}}
    why = f"{where} differs" if where else f"it leaves {', '.join(unwritten)} free"
    return {**plan, "steps": steps}, [f"{step.get('id')}: the metric {metric} read as the "
                                      f"question's line element ({why})"]


def _line_element_problems(question: str, plan: dict) -> list[str]:
    """A curvature step must compute with the line element the question writes (a copy
    that drops a power or a sign computes, and verifies, for another spacetime)."""
    steps = [s.get("args", {}) for s in plan.get("steps", []) if s.get("tool") == "curvature"]
    found = _written_line_element(question) if steps else None
    if found is None:
        return []
    stated = found[1]
    problems = []
    for args in steps:
        planned = _planned_metric(args)
        where = _metric_difference(stated, planned) if planned is not None else None
        if where:
            problems.append(f"the question's line element is not the plan's "
                            f"{args.get('metric')} ({where} differs)")
    return problems
