"""Scoring an answer against a task's ``expect``: pass/fail, with partial credit beside it.

* ``expr`` — equal when a bounded exact check shows the difference is zero, or, failing a
  proof, when both sides agree to 1e-10 (relative, 30-digit arithmetic) at random points that
  respect the assumptions, with each undefined function ``a(t)`` replaced by the same random
  smooth function on both sides. So ``M*(r-2*M)/r**3`` equals ``M/r**2 - 2*M**2/r**3``.
* ``bool``, ``number`` (``rel_tol``, ``abs_tol``), ``text`` (every phrase of
  ``must_include``, case and spacing ignored).
* ``field`` — the answer's callable solution against ``exact`` at random points of the
  domain: pass when the relative L2 error is at most ``max_l2re``.

Partial credit is the PHYBench expression edit distance score: with ``r`` the tree edit
distance between the answer and the expected expression over the size of the expected tree,
credit is 1 when correct, else ``max(0, 0.6 - r)``. For text it is the share of phrases found.

Nothing here runs task or answer text as code: expressions go through ``tools.mathparse``.

>>> score({"kind": "expr", "value": "M*(r - 2*M)/r**3"},
...       {"kind": "expr", "value": "M/r**2 - 2*M**2/r**3"}).correct
True
>>> s = score({"kind": "expr", "value": "48*M**2/r**6"}, {"kind": "expr", "value": "48*M**2/r**5"})
>>> s.correct, round(s.credit, 3)   # one node of 8 relabelled: 0.6 - 1/8
(False, 0.475)
"""

from __future__ import annotations

import math
import random
import re
import signal
import threading
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import sympy as sp
from pydantic import BaseModel
from sympy.core.function import AppliedUndef

from tools.mathparse import ParseError, parse_expr

EXACT_SECONDS = 5.0          # budget of the exact check of one difference
TREE_LIMIT = 250             # nodes beyond which no edit distance is computed


class Score(BaseModel):
    correct: bool
    credit: float             # 0..1; 1 exactly when correct
    detail: str = ""


def score(expect: Any, final: Any, text: str = "") -> Score:
    """Score ``final`` (an ``agent.answer.Final`` or its dict) against ``expect`` (a task's
    expect, model or dict). ``text`` is the answer's prose, searched by ``text`` tasks."""
    if isinstance(expect, dict):
        from .tasks import read_expect
        expect = read_expect(expect)
    if isinstance(final, BaseModel):
        final = final.model_dump() | {"_callable": final}
    if final is None:
        return Score(correct=False, credit=0.0, detail="no answer")
    kind = expect.kind
    try:
        return {"expr": _expr, "bool": _bool, "number": _number, "field": _field,
                "text": _text}[kind](expect, final, text)
    except (ParseError, ValueError, TypeError, ZeroDivisionError) as err:
        return Score(correct=False, credit=0.0, detail=f"the answer could not be read: {err}")


# ---------------------------------------------------------------------------------- expr
def symbol_table(expect) -> dict[str, sp.Basic]:
    """Symbols with the task's assumptions; ``E`` is Euler's number unless declared (SymPy
    prints exp(1) as ``E``)."""
    table: dict[str, sp.Basic] = {"E": sp.E}
    for name, which in expect.assumptions.items():
        which = [which] if isinstance(which, str) else which
        table[name] = sp.Symbol(name, **{w: True for w in which})
    return table


def split_list(text: str) -> list[str] | None:
    """The items of ``"[a, b(x, y)]"`` split at top-level commas, or None if not a list."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    items, depth, start = [], 0, 1
    for i, ch in enumerate(text[1:-1], 1):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:-1])
    return [s.strip() for s in items if s.strip()]


def read_values(text: str, expect) -> list[sp.Expr]:
    """The expressions of ``text`` (one, or the items of a list) under the task's table."""
    items = split_list(text)
    table = symbol_table(expect)
    return [parse_expr(item, symbols=table, functions=expect.functions)
            for item in (items if items is not None else [text])]


def expected_values(expect) -> list[sp.Expr]:
    try:
        return read_values(expect.value, expect)
    except ParseError as err:
        raise ValueError(f"expect.value is not a readable expression: {err}") from None


def _answer_text(final: dict) -> str | None:
    if final.get("kind") == "number":
        return final.get("exact") or repr(float(final["value"]))
    if final.get("kind") == "expr" and isinstance(final.get("value"), str):
        return final["value"]
    return None


def _expr(expect, final: dict, text: str) -> Score:
    answer_text = _answer_text(final)
    if answer_text is None:
        return Score(correct=False, credit=0.0,
                     detail=f"expected an expression, the answer is a {final.get('kind')}")
    expected = expected_values(expect)
    answer = read_values(answer_text, expect)
    if len(expected) != len(answer):
        return Score(correct=False, credit=_credit(expected, answer),
                     detail=f"expected {len(expected)} value(s), the answer has {len(answer)}")
    unmatched, hows = list(answer), []
    for e in expected:                 # unordered: each expected value finds its own match
        for a in unmatched:
            same, how = equivalent(e, a, expect)
            if same:
                unmatched.remove(a)
                hows.append(how)
                break
        else:
            return Score(correct=False, credit=_credit(expected, answer),
                         detail=f"no answer value equals {sp.sstr(e)}")
    return Score(correct=True, credit=1.0, detail="equal (" + ", ".join(sorted(set(hows))) + ")")


def equivalent(a: sp.Expr, b: sp.Expr, expect=None, points: int = 6, seed: int = 0
               ) -> tuple[bool, str]:
    """Whether ``a`` and ``b`` are the same expression, and how that was decided."""
    difference = sp.expand(a - b) if _size(a) + _size(b) < 400 else a - b
    if difference == 0 or _exact_zero(difference):
        return True, "exact"
    return _numeric_judge(a, b, expect, points, seed)


def _size(expr) -> int:
    return sum(1 for _ in sp.preorder_traversal(expr))


def _exact_zero(difference: sp.Expr) -> bool:
    """A bounded attempt to prove ``difference == 0``: cancel, then trigsimp and simplify,
    stopped after EXACT_SECONDS (only in a main thread; elsewhere cancel alone)."""
    steps = [sp.cancel]
    if threading.current_thread() is threading.main_thread():
        steps += [sp.trigsimp, sp.simplify]
    try:
        with _deadline(EXACT_SECONDS):
            for step in steps:
                if step(difference) == 0:
                    return True
    except (_Expired, RecursionError, sp.PolynomialError, TypeError, ValueError):
        pass
    return False


def _numeric_judge(a, b, expect, points: int, seed: int) -> tuple[bool, str]:
    rng = random.Random(seed)
    assumptions = {} if expect is None else symbol_table(expect)
    functions = (a.atoms(AppliedUndef) | b.atoms(AppliedUndef))
    replace = {f.func: _smooth_function(rng, len(f.args)) for f in functions}
    if replace:
        a = _replace_functions(a, replace)
        b = _replace_functions(b, replace)
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    agreed = tries = 0
    while agreed < points and tries < 4 * points:
        tries += 1
        point = {s: _sample(s, rng) for s in symbols}
        try:
            va, vb = (complex(sp.N(x.subs(point), 30)) for x in (a, b))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue                                     # a pole or branch point: try another
        if not all(map(math.isfinite, (va.real, va.imag, vb.real, vb.imag))):
            continue
        if abs(va - vb) > 1e-10 * max(abs(va), abs(vb), 1e-30):
            shown = ", ".join(f"{k}={float(v):.3g}" for k, v in point.items())
            return False, f"differ at {shown or 'every point'}: {va:.6g} vs {vb:.6g}"
        agreed += 1
    if agreed == 0:
        return False, "could not be evaluated at any sample point"
    return True, f"numeric at {agreed} points"


def _sample(symbol: sp.Symbol, rng: random.Random) -> sp.Rational:
    if symbol.is_integer:
        value = rng.randint(1, 5) * (-1 if symbol.is_negative else 1)
        return sp.Integer(value)
    magnitude = sp.Rational(rng.randint(300, 2500), 1000)
    if symbol.is_positive or symbol.is_nonnegative:
        return magnitude
    if symbol.is_negative or symbol.is_nonpositive:
        return -magnitude
    return magnitude * rng.choice((-1, 1))


def _smooth_function(rng: random.Random, arity: int) -> sp.Lambda:
    """A random positive, non-polynomial function of ``arity`` arguments."""
    xs = sp.symbols(f"_x0:{arity}")
    c = [sp.Rational(rng.randint(100, 900), 1000) for _ in range(2 * arity + 1)]
    body = sp.Rational(13, 10) + c[0] * sp.sin(sum(c[i + 1] * x for i, x in enumerate(xs))) \
        + sum(c[arity + 1 + i] * x ** 2 / 10 for i, x in enumerate(xs))
    return sp.Lambda(xs, body)


def _replace_functions(expr: sp.Expr, replace: dict) -> sp.Expr:
    for func, body in replace.items():
        expr = expr.replace(func, body)
    return expr.doit()


# ---------------------------------------------------------------------------------- others
def _bool(expect, final: dict, text: str) -> Score:
    if final.get("kind") != "bool":
        return Score(correct=False, credit=0.0,
                     detail=f"expected yes/no, the answer is a {final.get('kind')}")
    right = bool(final["value"]) == expect.value
    return Score(correct=right, credit=float(right), detail=f"answered {final['value']}")


def _number(expect, final: dict, text: str) -> Score:
    if final.get("kind") == "number":
        value = float(final["value"])
    elif final.get("kind") == "expr" and isinstance(final.get("value"), str):
        expr = parse_expr(final["value"], symbols={"E": sp.E})
        if expr.free_symbols:
            return Score(correct=False, credit=0.0,
                         detail=f"expected a number, the answer has symbols: {final['value']}")
        value = float(sp.N(expr, 30))
    else:
        return Score(correct=False, credit=0.0,
                     detail=f"expected a number, the answer is a {final.get('kind')}")
    error = abs(value - expect.value)
    right = error <= max(expect.rel_tol * abs(expect.value), expect.abs_tol)
    relative = error / abs(expect.value) if expect.value else error
    return Score(correct=right, credit=float(right),
                 detail=f"{value:.10g} vs {expect.value:.10g} (relative error {relative:.1e})")


def _text(expect, final: dict, text: str) -> Score:
    value = final.get("value")
    haystack = _normal((value if isinstance(value, str) else str(value)) + "\n" + text)
    found = [p for p in expect.must_include if _normal(p) in haystack]
    missing = [p for p in expect.must_include if p not in found]
    share = len(found) / len(expect.must_include)
    return Score(correct=not missing, credit=share,
                 detail="every phrase found" if not missing else
                 "missing: " + "; ".join(repr(m) for m in missing))


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text)


def exact_field(expect):
    """``expect.exact`` as a vectorised numeric function of ``expect.variables``."""
    names = {v: sp.Symbol(v, real=True) for v in expect.variables}
    try:
        expr = parse_expr(expect.exact, symbols=names | {"E": sp.E})
    except ParseError as err:
        raise ValueError(f"expect.exact is not a readable expression: {err}") from None
    extra = sorted(str(s) for s in expr.free_symbols - set(names.values()))
    if extra:
        raise ValueError(f"expect.exact uses {', '.join(extra)}, which are not among the "
                         f"variables {expect.variables}: give their values")
    if expr.atoms(AppliedUndef):
        raise ValueError("expect.exact has undefined functions; a field needs a closed form")
    # code generated from the parsed tree, never from the task's text
    return sp.lambdify([names[v] for v in expect.variables], expr, modules="numpy")


def _field(expect, final: dict, text: str) -> Score:
    solution = final.get("_callable")
    if final.get("kind") != "field" or solution is None:
        return Score(correct=False, credit=0.0,
                     detail=f"expected a numeric solution, the answer is a {final.get('kind')}")
    variables = list(final.get("variables") or [])
    if sorted(variables) != sorted(expect.variables):
        return Score(correct=False, credit=0.0,
                     detail=f"the solution is over {variables}, the task over "
                            f"{expect.variables}")
    rng = np.random.default_rng(0)
    columns = {}
    for v in expect.variables:
        lo, hi = expect.domain[v]
        have = final.get("domain", {}).get(v)
        if have is not None and (lo < have[0] - 1e-9 or hi > have[1] + 1e-9):
            return Score(correct=False, credit=0.0,
                         detail=f"the solution covers {v} in {list(have)}, the task asks "
                                f"[{lo}, {hi}]")
        columns[v] = rng.uniform(lo, hi, expect.points)
    values = np.asarray(solution(np.column_stack([columns[v] for v in variables])), float)
    if values.ndim == 2:
        unknowns = list(final.get("unknowns") or [])
        which = unknowns.index(expect.unknown) if expect.unknown in unknowns else 0
        values = values[:, which]
    exact = np.broadcast_to(np.asarray(exact_field(expect)(
        *[columns[v] for v in expect.variables]), float), values.shape)
    norm = float(np.linalg.norm(exact))
    l2re = float(np.linalg.norm(values - exact)) / (norm if norm > 0 else 1.0)
    right = bool(np.isfinite(l2re) and l2re <= expect.max_l2re)
    return Score(correct=right, credit=float(right),
                 detail=f"relative L2 error {l2re:.2e} (limit {expect.max_l2re:.0e})")


# ----------------------------------------------------------------------- partial credit
def _credit(expected: list[sp.Expr], answer: list[sp.Expr]) -> float:
    """PHYBench's expression edit distance score, as a share of 1 (0.6 at most when wrong)."""
    a = _tree(expected[0]) if len(expected) == 1 else ("list", [_tree(e) for e in expected])
    b = _tree(answer[0]) if len(answer) == 1 else ("list", [_tree(e) for e in answer])
    size = _count(a)
    if size > TREE_LIMIT or _count(b) > TREE_LIMIT:
        return 0.0
    return max(0.0, 0.6 - tree_distance(a, b) / size)


def _tree(expr: sp.Basic) -> tuple:
    if isinstance(expr, sp.Float):
        return (f"{float(expr):.6g}", [])
    if isinstance(expr, (sp.Symbol, sp.Number, sp.NumberSymbol)) or not expr.args:
        return (sp.sstr(expr), [])
    label = expr.func.__name__ if not isinstance(expr, AppliedUndef) else str(expr.func)
    children = [_tree(a) for a in expr.args]
    if isinstance(expr, (sp.Add, sp.Mul)):
        children.sort(key=repr)
    return (label, children)


def _count(tree: tuple) -> int:
    return 1 + sum(_count(c) for c in tree[1])


def tree_distance(a: tuple, b: tuple) -> int:
    """Zhang-Shasha tree edit distance, unit costs (insert, delete, relabel).

    >>> tree_distance(("Add", [("x", []), ("1", [])]), ("Add", [("x", []), ("2", [])]))
    1
    """
    la, ka, na = _postorder(a)
    lb, kb, nb = _postorder(b)
    dist = [[0] * len(nb) for _ in na]
    for i in ka:
        for j in kb:
            _forest(i, j, la, lb, na, nb, dist)
    return dist[-1][-1]


def _postorder(tree: tuple):
    """Labels in postorder, leftmost-leaf index of each node, and the keyroots."""
    labels, leftmost = [], []

    def walk(node) -> int:
        first = None
        for child in node[1]:
            leaf = walk(child)
            first = leaf if first is None else first
        labels.append(node[0])
        leftmost.append(len(labels) - 1 if first is None else first)
        return leftmost[-1]

    walk(tree)
    keyroots = sorted({max(i for i, l in enumerate(leftmost) if l == leaf)
                       for leaf in set(leftmost)})
    return leftmost, keyroots, labels


def _forest(i, j, la, lb, na, nb, dist) -> None:
    ai, bj = la[i], lb[j]
    m, n = i - ai + 2, j - bj + 2
    fd = [[0] * n for _ in range(m)]
    for x in range(1, m):
        fd[x][0] = fd[x - 1][0] + 1
    for y in range(1, n):
        fd[0][y] = fd[0][y - 1] + 1
    for x in range(1, m):
        for y in range(1, n):
            p, q = ai + x - 1, bj + y - 1
            if la[p] == ai and lb[q] == bj:
                fd[x][y] = min(fd[x - 1][y] + 1, fd[x][y - 1] + 1,
                               fd[x - 1][y - 1] + (na[p] != nb[q]))
                dist[p][q] = fd[x][y]
            else:
                fd[x][y] = min(fd[x - 1][y] + 1, fd[x][y - 1] + 1,
                               fd[la[p] - ai][lb[q] - bj] + dist[p][q])


# ----------------------------------------------------------------------- time bound
class _Expired(BaseException):
    """Raised inside SymPy when the exact check's budget is spent (not an Exception, so no
    ``except Exception`` in SymPy swallows it)."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise _Expired()

    # an outer timer (pytest-timeout's, a caller's) is put back afterwards with what was left
    # of it, and fires at the latest when it would have
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    start = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer) if outer else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL,
                             max(outer - (time.monotonic() - start), 1e-3))
