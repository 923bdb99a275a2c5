r"""A recursive-descent parser from tokens straight to SymPy objects, one method per level.

Precedence, loosest first: ``+ -`` < ``* /`` and juxtaposition < unary sign < ``^`` (right
associative). So ``a/2b`` is ``(a/2)*b`` as in SymPy, ``-x^2`` is ``-(x^2)`` and ``2^3x`` is
``8x``. A function name without parentheses takes the juxtaposed numbers and names that
follow, as physicists write it: ``sin 2x`` is ``sin(2*x)``, ``\sin\pi x`` is ``sin(pi*x)``,
``sin kx cos ly`` is ``sin(k*x)*cos(l*y)``; the argument ends at an operator, a bracket, a
differential or another function (``sin x (1 + y)``, ``sin^2 theta dphi^2``). A root sign
covers the next power only: ``√2 x`` is ``sqrt(2)*x``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import sympy as sp

from .errors import ParseError
from .lexer import FRAC_ARGUMENTS, Token, tokenize
from .limits import Limits, check_text
from .vocabulary import CONSTANTS, DERIVATIVES, FUNCTIONS

_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_OMEGA = frozenset({"Omega", "Omega_2", "Omega2"})
NOT_ARGUMENTS = FUNCTIONS.keys() | CONSTANTS.keys() | DERIVATIVES
SymbolTable = Mapping[str, "sp.Expr | sp.FunctionClass"]


def parse_expr(text: str, symbols: SymbolTable | None = None, functions: Iterable[str] = (),
               **limits: int) -> sp.Expr:
    """Parse untrusted maths text into a SymPy expression, never running it as code.

    >>> parse_expr("-(1-2M/r)")
    2*M/r - 1
    >>> parse_expr("a(t)^2 sin^2 theta + 0.1")
    a(t)**2*sin(theta)**2 + 1/10
    """
    return parse_span(text, 0, None, symbols, functions, Limits(**limits))


def parse_span(text: str, start: int, end: int | None, symbols: SymbolTable | None,
               functions: Iterable[str], limits: Limits) -> sp.Expr:
    """Parse ``text[start:end]``; error positions refer to the whole ``text``."""
    check_text(text, limits)
    parser = Parser(text, symbols, functions, limits)
    return parser.parse(tokenize(text, start=start, end=end, known=parser.known, limits=limits))


class Parser:
    """One parse: the symbol table, the token cursor and the differentials met so far."""

    def __init__(self, text: str, symbols: SymbolTable | None, functions: Iterable[str],
                 limits: Limits) -> None:
        self.text, self.limits = text, limits
        self.names: dict[str, sp.Basic] = {}            # the caller's symbols and functions
        self.auto: dict[str, sp.Symbol] = {}             # real symbols made for other names
        for name, value in (symbols or {}).items():
            if not isinstance(value, (sp.Expr, sp.FunctionClass)):
                raise TypeError(f"symbols[{name!r}] must be a SymPy symbol or function class")
            self.names[name] = value
        self.declared = {f for f in functions} | {
            n for n, v in self.names.items() if isinstance(v, sp.FunctionClass)}
        self.known = frozenset(self.names) | frozenset(self.declared)
        self.differentials: dict[str, sp.Dummy] = {}    # coordinate name -> placeholder
        self.first_seen: dict[str, int] = {}             # coordinate name -> position
        self.tokens: list[Token] = []
        self.i = self.depth = 0
        self.digits = 0.0                                # see spend()

    # ------------------------------------------------------------------ cursor
    def peek(self, k: int = 0) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.peek()
        self.i += 1
        return tok

    def at(self, value: str, k: int = 0) -> bool:
        tok = self.peek(k)
        return tok.kind == "op" and tok.value == value

    def error(self, message: str, tok: Token) -> ParseError:
        return ParseError(message, self.text, tok.start)

    def expect(self, value: str, opener: Token) -> None:
        tok = self.advance()
        if tok.kind != "op" or tok.value != value:
            found = "the end of the input" if tok.kind == "end" else repr(tok.value)
            raise self.error(f"expected {value!r} to close {opener.value!r} at position "
                             f"{opener.start}, found {found}", tok)

    # ------------------------------------------------------------------ grammar
    def parse(self, tokens: list[Token]) -> sp.Expr:
        self.tokens, self.i = tokens, 0
        if self.peek().kind == "end":
            raise self.error("empty input", self.peek())
        try:
            expr = self.expression()
        except RecursionError:                # a backstop; max_depth normally stops first
            raise ParseError("the input is nested too deeply", self.text) from None
        tok = self.peek()
        if tok.kind != "end":
            why = " (no matching opening bracket)" if tok.value in ")]}" else ""
            raise self.error(f"unexpected {tok.value!r}{why}", tok)
        return expr

    def expression(self) -> sp.Expr:
        """A sum: ``term (+|- term)*``, built with one ``Add`` so long sums stay linear."""
        terms = [self.product()]
        while self.at("+") or self.at("-"):
            negate = self.advance().value == "-"
            term = self.product()
            terms.append(-term if negate else term)
        return sp.Add(*terms)

    def product(self) -> sp.Expr:
        """``factor ((*|/)? factor)*``: juxtaposition multiplies, as in ``2M`` or ``r^2 dt^2``."""
        factors = [self.unary()]
        while True:
            tok = self.peek()
            if self.at("*") or self.at("/"):
                self.advance()
                factor = self.unary()
                factors.append(self.reciprocal(factor, tok) if tok.value == "/" else factor)
            elif self.starts_operand(tok):
                factors.append(self.unary())
            else:
                return sp.Mul(*factors)

    def reciprocal(self, value: sp.Expr, tok: Token) -> sp.Expr:
        if value.is_zero:
            raise self.error("division by zero", tok)
        return sp.Pow(value, -1)

    @staticmethod
    def starts_operand(tok: Token) -> bool:
        return tok.kind in ("num", "name", "diff") or (
            tok.kind == "op" and tok.value in ("(", "[", "{", "frac"))

    def unary(self) -> sp.Expr:
        """Signs and powers: ``-x^2`` is ``-(x^2)``; ``^`` is right associative."""
        self.depth += 1
        try:
            if self.depth > self.limits.max_depth:
                raise self.error(f"nesting deeper than max_depth={self.limits.max_depth}",
                                 self.peek())
            if self.at("+") or self.at("-"):
                negate = self.advance().value == "-"
                operand = self.unary()
                return -operand if negate else operand
            base = self.atom()
            if not self.at("^"):
                return base
            tok = self.advance()
            return self.power(base, self.unary(), tok)
        finally:
            self.depth -= 1

    def atom(self) -> sp.Expr:
        tok = self.advance()
        if tok.kind == "num":
            self.spend(len(tok.value), tok)
            return tok.number
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "diff":
            return self.differential(tok)
        if tok.value in _CLOSERS:
            return self.group(tok)
        if tok.value == "frac":
            numerator = self.braced()
            return numerator * self.reciprocal(self.braced(), tok)
        if tok.kind == "end":
            after = self.tokens[self.i - 2].value if self.i >= 2 else ""
            raise self.error(f"the input ends too early, after {after!r}", tok)
        hint = "; a prime must follow a function name, as in f'(r)" if tok.value == "'" else ""
        raise self.error(f"unexpected {tok.value!r}{hint}", tok)

    def group(self, opener: Token) -> sp.Expr:
        if self.at(_CLOSERS[opener.value]):
            raise self.error(f"empty brackets {opener.value}{_CLOSERS[opener.value]}", opener)
        inner = self.expression()
        self.expect(_CLOSERS[opener.value], opener)
        return inner

    def braced(self) -> sp.Expr:
        """A ``\\frac`` argument: ``{...}``, or after a braced one, one digit, letter or
        command (``\\frac{\\pi}2``; the lexer brackets the short forms that come first)."""
        tok = self.peek()
        if self.at("{"):
            return self.group(self.advance())
        single = (tok.kind == "num" and len(tok.value) == 1) or (
            tok.kind == "name" and (len(tok.value) == 1 or self.text[tok.start] == "\\"))
        if not single:
            raise self.error(FRAC_ARGUMENTS, tok)
        return self.atom()

    # ------------------------------------------------------------------ number growth
    def spend(self, digits: float, tok: Token) -> None:
        """Count digits of literals and numeric powers; their total bounds every number."""
        self.digits += digits
        if self.digits > self.limits.max_number_digits:
            raise self.error(f"the numbers in the input would exceed max_number_digits="
                             f"{self.limits.max_number_digits} digits", tok)

    def power(self, base: sp.Expr, exponent: sp.Expr, tok: Token) -> sp.Expr:
        """``base^exponent``, refusing exact powers of numbers that would be huge or slow."""
        if base.is_number and exponent.is_Rational:
            lim = self.limits
            if abs(exponent.p) > lim.max_exponent or exponent.q > lim.max_exponent:
                raise self.error(f"the exponent {exponent} of a number exceeds "
                                 f"max_exponent={lim.max_exponent}", tok)
            if base.is_zero and exponent.is_negative:
                raise self.error("division by zero", tok)
            size = sum(math.log10(max(abs(a.p), a.q)) for a in base.atoms(sp.Rational) if a.p)
            if exponent.q > 1 and size > lim.max_root_digits:
                raise self.error(f"a root of a number with more than max_root_digits="
                                 f"{lim.max_root_digits} digits", tok)
            self.spend(size * abs(float(exponent)), tok)
        return sp.Pow(base, exponent)

    # ------------------------------------------------------------------ names
    def symbol(self, name: str) -> sp.Expr:
        if name in self.names:
            return self.names[name]
        if name not in self.auto:
            self.auto[name] = sp.Symbol(name, real=True)
        return self.auto[name]

    def function(self, name: str) -> sp.FunctionClass:
        value = self.names.get(name)
        if isinstance(value, sp.FunctionClass):
            return value
        return sp.Function(name, real=True)

    def name(self, tok: Token) -> sp.Expr:
        name = tok.value
        if self.at("'") and (name in FUNCTIONS or name in CONSTANTS or name in DERIVATIVES
                             or isinstance(self.names.get(name), sp.Expr)):
            raise self.error(f"a prime is only allowed on a function name, as in f'(r); "
                             f"{name!r} is not one", self.peek())
        if name in self.declared or self.at("'"):
            return self.apply(tok, self.function(name))
        if name in self.names:
            return self.names[name]
        if name == "e" and self.at("^"):
            self.advance()
            return sp.exp(self.unary())
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in DERIVATIVES:
            return self.derivative(tok)
        if name in FUNCTIONS:
            return self.builtin(tok)
        if self.at("(") and not self.peek().space_before and self.symbol_arguments_follow():
            return self.function(name)(*self.arguments(tok))
        return self.symbol(name)

    def is_plain(self, tok: Token) -> bool:
        """A name that may be the argument of an undeclared function: ``t`` in ``a(t)``."""
        value = self.names.get(tok.value)
        return (tok.kind == "name" and tok.value not in NOT_ARGUMENTS
                and tok.value not in self.declared and (value is None or value.is_Symbol))

    def symbol_arguments_follow(self) -> bool:
        """Is the ``(`` ahead the start of ``(name, name, ...)``?"""
        k = 1
        while self.is_plain(self.peek(k)):
            if self.at(")", k + 1):
                return True
            if not self.at(",", k + 1):
                return False
            k += 2
        return False

    def arguments(self, tok: Token, pairs: bool = False) -> list:
        """``(a, b, ...)`` after a function name; with ``pairs``, an argument may also be a
        ``(variable, order)`` pair, as SymPy prints ``Derivative(a(t), (t, 2))``."""
        if not self.at("("):
            raise self.error(f"{tok.value!r} must be followed by its arguments in parentheses",
                             self.peek())
        opener = self.advance()
        if self.at(")"):
            raise self.error(f"the function {tok.value!r} needs an argument", opener)
        args = [self.expression()]
        while self.at(","):
            self.advance()
            if pairs and self.at("("):
                inner = self.advance()
                pair = [self.expression()]
                if self.at(","):
                    self.advance()
                    pair.append(self.expression())
                self.expect(")", inner)
                args += pair if len(pair) == 2 else [pair[0]]
            else:
                args.append(self.expression())
        self.expect(")", opener)
        return args

    def apply(self, tok: Token, func: sp.FunctionClass) -> sp.Expr:
        """A declared or primed function: ``f(r^2)``, ``f^2(r)``, ``f'(r)``, ``a''(t)``."""
        primes = 0
        while self.at("'"):
            prime = self.advance()
            primes += 1
        if primes and not self.at("("):
            raise self.error("a prime must be followed by an argument in parentheses, as in "
                             "f'(r)", prime)
        exponent = self.function_power(tok) if not primes else None
        args = self.arguments(tok)
        if not primes:
            value = func(*args)
            return value if exponent is None else self.power(value, exponent, tok)
        if len(args) != 1 or not isinstance(args[0], sp.Symbol):
            raise self.error(f"a primed function such as {tok.value}'(r) takes one variable",
                             tok)
        return sp.Derivative(func(args[0]), (args[0], primes))

    def function_power(self, tok: Token) -> sp.Expr | None:
        """The ``^2`` of ``sin^2 theta``; ``sin^-1`` is refused as ambiguous."""
        if not self.at("^"):
            return None
        self.advance()
        exponent = self.unary()
        if exponent.is_number and exponent.is_negative:
            raise self.error(f"{tok.value}^{exponent} is ambiguous: write a{tok.value}(x) for "
                             f"the inverse or 1/{tok.value}(x) for the reciprocal", tok)
        return exponent

    def builtin(self, tok: Token) -> sp.Expr:
        """``sin(x)``, ``sin x``, ``sin^2 theta``, ``sqrt[3]{x}``, ``log(x, 2)``."""
        func, fewest, most = FUNCTIONS[tok.value]
        if tok.value == "sqrt" and self.at("["):
            return self.root(tok)
        exponent = self.function_power(tok)
        if self.at("("):
            args = self.arguments(tok)
        elif self.starts_operand(self.peek()):      # a root sign covers the next power only
            args = [self.unary() if func is sp.sqrt else self.implicit_argument()]
        else:
            raise self.error(f"the function {tok.value!r} needs an argument", self.peek())
        if not fewest <= len(args) <= most:
            allowed = {(1, 1): "one argument", (1, 2): "one or two arguments",
                       (2, 2): "two arguments"}.get((fewest, most), f"{fewest} to {most} arguments")
            raise self.error(f"{tok.value} takes {allowed}, not {len(args)}", tok)
        value = self.power(args[0], sp.Rational(1, 2), tok) if func is sp.sqrt else func(*args)
        return value if exponent is None else self.power(value, exponent, tok)

    def implicit_argument(self) -> sp.Expr:
        """The argument of a function written without parentheses: the next power, times the
        numbers and plain names juxtaposed after it (``2x`` in ``sin 2x``)."""
        factors = [self.unary()]
        while self.continues_argument():
            factors.append(self.unary())
        return sp.Mul(*factors)

    def continues_argument(self) -> bool:
        """Is the token ahead a number or plain name that still belongs to a parenthesis-free
        function argument? Not a bracket, a differential, an operator, a function (declared,
        built in, or called as ``a(t)``), a derivative operator or ``e^``."""
        tok = self.peek()
        if tok.kind == "num":
            return True
        if tok.kind != "name" or tok.value in FUNCTIONS or tok.value in DERIVATIVES \
                or tok.value in self.declared or (tok.value == "e" and self.at("^", 1)):
            return False
        if not isinstance(self.names.get(tok.value, sp.Symbol("x")), sp.Expr):
            return False                                   # a function in the symbol table
        return not (self.at("(", 1) and not self.peek(1).space_before)

    def root(self, tok: Token) -> sp.Expr:
        """``sqrt[3]{x}`` is x^(1/3); ``sqrt[x]`` without a following group is sqrt(x)."""
        opener = self.advance()
        inner = self.group(opener)
        if not (self.at("{") or self.at("(")) or self.peek().space_before:
            return self.power(inner, sp.Rational(1, 2), tok)
        if not (inner.is_Integer and inner > 0):
            raise self.error("the index of a root must be a positive whole number", opener)
        radicand = self.group(self.advance())
        return self.power(radicand, sp.Rational(1, inner), tok)

    def derivative(self, tok: Token) -> sp.Expr:
        """``Derivative(f(r), r)``, ``diff(u, x, 2, y)``: unevaluated derivatives."""
        expr, *rest = self.arguments(tok, pairs=True)
        pairs: list[list] = []
        for item in rest:
            if isinstance(item, sp.Symbol):
                pairs.append([item, 1])
            elif item.is_Integer and pairs and pairs[-1][1] == 1 and \
                    0 < item <= self.limits.max_derivative_order:
                pairs[-1][1] = int(item)
            else:
                raise self.error(f"{tok.value} expects variables, each optionally followed by "
                                 f"an order up to {self.limits.max_derivative_order}; "
                                 f"got {item}", tok)
        if not pairs:
            raise self.error(f"{tok.value} needs a variable, as in {tok.value}(f(r), r)", tok)
        return sp.Derivative(expr, *(tuple(p) for p in pairs))

    # ------------------------------------------------------------------ line elements
    def differential(self, tok: Token) -> sp.Expr:
        """A placeholder for ``d<name>``; ``dOmega^2`` is the round 2-sphere."""
        if tok.value not in _OMEGA:
            return self.placeholder(tok.value, tok)
        if not self.at("^"):
            raise self.error(f"d{tok.value} must appear squared, as d{tok.value}^2", tok)
        self.advance()
        if self.unary() != 2:
            raise self.error(f"d{tok.value} must appear squared, as d{tok.value}^2", tok)
        theta = self.symbol("theta")
        return (self.placeholder("theta", tok)**2
                + sp.sin(theta)**2 * self.placeholder("phi", tok)**2)

    def placeholder(self, name: str, tok: Token) -> sp.Dummy:
        if name not in self.differentials:
            self.differentials[name] = sp.Dummy("d" + name)
            self.first_seen[name] = tok.start
        return self.differentials[name]
