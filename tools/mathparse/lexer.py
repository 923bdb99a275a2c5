"""The tokenizer: plain text, unicode and LaTeX become one stream of tokens.

Token kinds: ``num`` (an exact SymPy number), ``name`` (an ASCII name such as ``theta`` or
``r_s``, whatever spelling it had), ``diff`` (a differential ``d<name>``, only when asked for),
``op`` (``+ - * / ^ ( ) [ ] { } , '`` and ``frac``) and ``end``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from .errors import ParseError
from .limits import Limits
from .vocabulary import (CONSTANTS, DERIVATIVES, FUNCTIONS, LATEX_IGNORED, LATEX_NAMES,
                         LATEX_OPERATORS, LATEX_WRAPPERS, RESERVED, SUPERSCRIPTS, UNICODE_NAMES,
                         UNICODE_OPERATORS)

_NUMBER = re.compile(r"([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?")
_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_WRAPPED_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*")   # \mathrm{r_s}
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_SUBSCRIPT_WORD = re.compile(r"[A-Za-z0-9]+")
_OPERATORS = frozenset("+-*/^()[]{},'")
NOT_COORDINATES = FUNCTIONS.keys() | CONSTANTS.keys() | DERIVATIVES  # "d sin" is no differential
FRAC_ARGUMENTS = ("\\frac takes two arguments, each in braces or one digit, letter or command: "
                  "\\frac{a}{b}, \\frac12, \\frac\\pi2")
_HINTS = {"=": "an expression cannot contain '='",
          ".": "'.' may only appear inside a number such as 0.5",
          "'": "a prime must follow a function name, as in f'(r)",
          '"': "string quotes are not allowed", "|": "write Abs(x) for an absolute value",
          "_": "names may not start with '_'"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str                      # "num", "name", "diff", "op" or "end"
    value: str                     # the name, operator or digits
    start: int                     # offset of the first character in the whole text
    space_before: bool = False     # whitespace (or LaTeX spacing) separates it from the last
    number: sp.Expr | None = None  # the value of a "num" token


def tokenize(text: str, *, start: int = 0, end: int | None = None, differentials: bool = False,
             known: frozenset[str] = frozenset(), limits: Limits = Limits()) -> list[Token]:
    """Tokens of ``text[start:end]`` (positions refer to the whole text), ending in ``end``.

    With ``differentials=True``, ``dt``, ``d\\theta``, ``dθ`` and ``\\mathrm{d}t`` become ``diff``
    tokens, except names in ``known`` and the vocabulary (``delta`` stays a name).

    >>> [t.value for t in tokenize("2M/r^2 sin²θ")]
    ['2', 'M', '/', 'r', '^', '2', 'sin', '^', '2', 'theta', '']
    """
    return _Lexer(text, start, len(text) if end is None else end, differentials,
                  known | RESERVED, limits).run()


class _Lexer:
    def __init__(self, text: str, start: int, end: int, differentials: bool,
                 known: frozenset[str], limits: Limits) -> None:
        self.text, self.pos, self.end = text, start, end
        self.differentials, self.known, self.limits = differentials, known, limits
        self.tokens: list[Token] = []
        self.space = False

    def error(self, message: str, position: int) -> ParseError:
        return ParseError(message, self.text, position)

    def emit(self, kind: str, value: str, start: int, number: sp.Expr | None = None) -> None:
        if len(self.tokens) >= self.limits.max_tokens:
            raise self.error(f"more than max_tokens={self.limits.max_tokens} tokens", start)
        self.tokens.append(Token(kind, value, start, self.space, number))
        self.space = False

    def char(self, i: int) -> str:
        return self.text[i] if i < self.end else ""

    def run(self) -> list[Token]:
        while self.pos < self.end:
            c = self.text[self.pos]
            if c.isspace() or c == "$":            # $...$ math delimiters are ignored
                self.pos += 1
                self.space = True
            elif "0" <= c <= "9":
                self.number()
            elif c in SUPERSCRIPTS:
                self.superscript()
            elif (found := self.name_at(self.pos)) is not None:
                self.name(*found)
            elif c == "\\":
                self.command()
            elif c == "*" and self.char(self.pos + 1) == "*":
                self.emit("op", "^", self.pos)
                self.pos += 2
            elif c in _OPERATORS or c in UNICODE_OPERATORS:
                self.emit("op", UNICODE_OPERATORS.get(c, c), self.pos)
                self.pos += 1
            else:
                hint = f"; {_HINTS[c]}" if c in _HINTS else ""
                raise self.error(f"unexpected character {c!r}{hint}", self.pos)
        self.space = True
        self.tokens.append(Token("end", "", self.end, True))
        return self.tokens

    # ------------------------------------------------------------------ numbers
    def number(self) -> None:
        m = _NUMBER.match(self.text, self.pos, self.end)
        whole, fraction, exponent = m.group(1), m.group(2) or "", m.group(3)
        if len(whole) + len(fraction) > self.limits.max_digits:
            raise self.error(f"a number with more than max_digits={self.limits.max_digits} "
                             "digits", self.pos)
        scale = -len(fraction)
        if exponent is not None:
            if len(exponent.lstrip("+-")) > 6 or abs(int(exponent)) > self.limits.max_digits:
                raise self.error(f"the exponent of {m.group(0)} exceeds "
                                 f"max_digits={self.limits.max_digits}", self.pos)
            scale += int(exponent)
        mantissa = int(whole + fraction)
        value = (sp.Integer(mantissa * 10**scale) if scale >= 0
                 else sp.Rational(mantissa, 10**-scale))
        self.emit("num", m.group(0), self.pos, value)
        self.pos = m.end()

    def superscript(self) -> None:
        """``r²`` is ``r^2`` and ``x⁻¹`` is ``x^-1``."""
        start = self.pos
        while self.char(self.pos) in SUPERSCRIPTS:
            self.pos += 1
        digits = "".join(SUPERSCRIPTS[c] for c in self.text[start:self.pos])
        sign, digits = ("-", digits[1:]) if digits.startswith("-") else ("", digits)
        if not digits.isdigit() or len(digits) > self.limits.max_digits:
            raise self.error("a superscript must be a short whole number such as ² or ⁻¹", start)
        self.emit("op", "^", start)
        if sign:
            self.emit("op", "-", start)
        self.emit("num", digits, start, sp.Integer(int(digits)))

    # ------------------------------------------------------------------ names
    def name(self, name: str, end: int, ascii_word: bool) -> None:
        start, self.pos = self.pos, end
        if self.differentials and self.differential(name, ascii_word, start):
            return
        self.emit("name", name, start)

    def differential(self, name: str, ascii_word: bool, start: int) -> bool:
        """Emit ``diff`` for ``dt``, ``d t``, ``d\\theta``, ``dθ``; False when ``name`` is not one."""
        if name == "d":
            j = self.pos
            while self.char(j).isspace():
                j += 1
            following = self.name_at(j)
            if following is None or following[0] in NOT_COORDINATES:
                return False
            self.emit("diff", following[0], start)
            self.pos = following[1]
            return True
        if ascii_word and name.startswith("d") and name[1:2].isalpha() and name not in self.known:
            self.emit("diff", name[1:], start)
            return True
        return False

    def name_at(self, i: int) -> tuple[str, int, bool] | None:
        """The name starting at ``i``: (ASCII name, end, spelled as one ASCII word?) or None."""
        c = self.char(i)
        if m := _ASCII_NAME.match(self.text, i, self.end):
            return (*self.subscripts(m.group(0), m.end()), True)
        if c in UNICODE_NAMES:
            j = i + 1
            while c not in "√∞" and "0" <= self.char(j) <= "9":    # Ω0 is one name, √2 is not
                j += 1
            return (*self.subscripts(UNICODE_NAMES[c] + self.text[i + 1:j], j), False)
        m = _COMMAND.match(self.text, i, self.end)
        if m and m.group(1) in LATEX_NAMES:
            return (*self.subscripts(LATEX_NAMES[m.group(1)], m.end()), False)
        if m and m.group(1) in LATEX_WRAPPERS:
            inner, j = self.braced(m.end(), m.group(0))
            if not _WRAPPED_NAME.fullmatch(inner):
                raise self.error(f"{m.group(0)}{{...}} must contain a single name", i)
            return (*self.subscripts(inner, j), True)
        return None

    def braced(self, i: int, what: str) -> tuple[str, int]:
        """The text inside ``{...}`` at ``i`` (no nesting) and the offset after ``}``."""
        close = self.text.find("}", i, self.end)
        if self.char(i) != "{" or close < 0:
            raise self.error(f"{what} must be followed by {{...}}", i)
        return self.text[i + 1:close].strip(), close + 1

    def subscripts(self, name: str, i: int) -> tuple[str, int]:
        """Append ``_x``, ``_0``, ``_{s}``, ``_\\Lambda`` subscripts to ``name``."""
        while self.char(i) == "_":
            if self.char(i + 1) == "_":
                raise self.error("names may not contain a double underscore '__'", i)
            if self.char(i + 1) == "{":
                inner, j = self.braced(i + 1, "'_'")
                sub = self.subscript_text(inner, i)
            elif m := _SUBSCRIPT_WORD.match(self.text, i + 1, self.end):
                sub, j = m.group(0), m.end()
            elif (found := self.name_at(i + 1)) is not None:
                sub, j = found[0], found[1]
            else:
                raise self.error("'_' must be followed by a subscript such as _0 or _{s}", i)
            name, i = f"{name}_{sub}", j
        return name, i

    def subscript_text(self, inner: str, position: int) -> str:
        """``s`` -> ``s``, ``\\mu\\nu`` -> ``munu``, ``θ`` -> ``theta``."""
        words = re.findall(r"\\[A-Za-z]+|[A-Za-z0-9]+|\S", inner)
        names = [LATEX_NAMES.get(w[1:], "") if w.startswith("\\") else UNICODE_NAMES.get(w, w)
                 for w in words]
        if not names or not all(n and _SUBSCRIPT_WORD.fullmatch(n) for n in names):
            raise self.error(f"the subscript {{{inner}}} must be letters and digits", position)
        return "".join(names)

    # ------------------------------------------------------------------ LaTeX commands
    def unbraced_fraction(self) -> None:
        """TeX's short forms ``\\frac12``, ``\\tfrac\\pi2``, ``\\frac1{2a}``: an argument
        without braces is one digit, one letter or one command such as ``\\pi``, as TeX reads
        it (``\\frac123`` is ``3/2``). The braces are emitted around it for the parser."""
        for _ in range(2):
            i = self.pos
            while self.char(i).isspace():
                i += 1
            c = self.char(i)
            if c in ("{", ""):                     # braced, or missing: the parser says so
                return
            self.pos = i
            self.emit("op", "{", i)
            if "0" <= c <= "9":
                self.emit("num", c, i, sp.Integer(int(c)))
                self.pos = i + 1
            elif c.isascii() and c.isalpha():
                self.name(c, i + 1, True)
            elif c == "\\" and (found := self.name_at(i)) is not None and not found[2]:
                self.name(*found)
            else:
                raise self.error(FRAC_ARGUMENTS, i)
            self.emit("op", "}", self.pos)

    def command(self) -> None:
        start, nxt = self.pos, self.char(self.pos + 1)
        if nxt in (",", ";", "!", ":", " "):
            self.pos += 2
            self.space = True
            return
        if nxt in ("{", "}"):
            self.emit("op", nxt, start)
            self.pos += 2
            return
        m = _COMMAND.match(self.text, start, self.end)
        if m is None:
            shown = repr(nxt) if nxt else "the end"
            raise self.error(f"unexpected {shown} after a backslash", start)
        word, self.pos = m.group(1), m.end()
        if word in LATEX_OPERATORS:
            self.emit("op", LATEX_OPERATORS[word], start)
            if LATEX_OPERATORS[word] == "frac":
                self.unbraced_fraction()
        elif word in LATEX_IGNORED:
            self.space = self.space or word in ("quad", "qquad")
            if word in ("left", "right") and self.char(self.pos) == ".":
                self.pos += 1                       # \left. and \right. are invisible
        else:
            raise self.error(f"unknown LaTeX command \\{word}", start)
