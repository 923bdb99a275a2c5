"""Metric matrices given as nested lists or as the text ``[[-1, 0], [0, r^2]]``."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import sympy as sp

from .errors import ParseError
from .limits import Limits, check_text
from .parser import SymbolTable, parse_span

_PAIRS = {"(": ")", "[": "]", "{": "}"}
Span = tuple[int, int]


def parse_matrix(rows: str | Sequence[Sequence[object]], symbols: SymbolTable | None = None,
                 functions: Iterable[str] = (), **limits: int) -> sp.Matrix:
    """A square symmetric matrix from nested lists of strings/numbers or from one string.

    >>> parse_matrix([["-1", "0"], ["0", "r^2"]])
    Matrix([
    [-1,    0],
    [ 0, r**2]])
    """
    lim = Limits(**limits)
    if isinstance(rows, str):
        entries = [[parse_span(rows, s, e, symbols, functions, lim) for s, e in row]
                   for row in _split_matrix(check_text(rows, lim))]
    elif isinstance(rows, sp.MatrixBase):
        entries = rows.tolist()
    else:
        entries = [[_entry(x, symbols, functions, lim) for x in row] for row in rows]
    n = len(entries)
    if n == 0 or any(len(row) != n for row in entries):
        raise ParseError(f"the matrix must be square; its rows have lengths "
                         f"{[len(row) for row in entries]}")
    asymmetric = [f"({i}, {j}): {entries[i][j]} vs ({j}, {i}): {entries[j][i]}"
                  for i in range(n) for j in range(i + 1, n) if entries[i][j] != entries[j][i]]
    if asymmetric:
        raise ParseError("the matrix must be symmetric; these entries differ: "
                         + "; ".join(asymmetric))
    return sp.Matrix(entries)


def _entry(x: object, symbols: SymbolTable | None, functions: Iterable[str],
           limits: Limits) -> sp.Expr:
    """One entry: a string is parsed, an int or finite float becomes an exact number."""
    if isinstance(x, sp.Expr):
        return x
    if isinstance(x, bool) or not isinstance(x, (str, int, float)):
        raise ParseError(f"a matrix entry must be text or a number, not {type(x).__name__}")
    if isinstance(x, float) and not math.isfinite(x):
        raise ParseError(f"a matrix entry must be finite, not {x}")
    return parse_span(x if isinstance(x, str) else repr(x), 0, None, symbols, functions, limits)


def _split_matrix(text: str) -> list[list[Span]]:
    """``[[a, b], [c, d]]`` -> spans of a, b, c, d; commas inside brackets stay in entries."""
    return [[_strip(text, a, b) for a, b in _split(text, *_bracketed(text, s, e))]
            for s, e in _split(text, *_bracketed(text, 0, len(text)))]


def _bracketed(text: str, s: int, e: int) -> Span:
    """The inside of ``[ ... ]`` in ``text[s:e]`` (surrounding spaces allowed)."""
    s, e = _strip(text, s, e)
    if text[s] != "[" or text[e - 1] != "]":
        raise ParseError("a matrix is written [[a, b], [c, d]]", text, s)
    return s + 1, e - 1


def _strip(text: str, s: int, e: int) -> Span:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if s == e:
        raise ParseError("an empty matrix entry or row", text, s)
    return s, e


def _split(text: str, s: int, e: int) -> list[Span]:
    """Split ``text[s:e]`` at commas outside brackets; refuse unbalanced brackets."""
    parts: list[Span] = []
    stack: list[str] = []
    begin = s
    for i in range(s, e):
        c = text[i]
        if c in _PAIRS:
            stack.append(c)
        elif c in _PAIRS.values():
            if not stack or _PAIRS[stack.pop()] != c:
                raise ParseError(f"unbalanced {c!r}", text, i)
        elif c == "," and not stack:
            parts.append((begin, i))
            begin = i + 1
    if stack:
        raise ParseError(f"{stack[-1]!r} is never closed", text, e)
    parts.append((begin, e))
    return parts
