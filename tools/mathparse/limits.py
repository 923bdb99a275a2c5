"""Size limits that keep hostile input from costing time or memory.

Every public parser takes these as keyword arguments, e.g. ``parse_expr(text, max_depth=50)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ParseError


@dataclass(frozen=True)
class Limits:
    """The limits; each violation is a :class:`ParseError` naming the limit."""

    max_length: int = 20_000        # characters of input, checked before anything else
    max_tokens: int = 5_000         # tokens produced by the lexer
    max_depth: int = 100            # nesting of brackets, signs and exponents
    max_digits: int = 100           # digits of one numeric literal (and of a decimal exponent)
    max_exponent: int = 10_000      # |p| and q of a rational exponent of a number
    max_number_digits: int = 4_000  # total digits of literals and numeric powers (Python cannot
    #                                 print an int of over 4300 digits, so SymPy could not either)
    max_root_digits: int = 300      # a root of a bigger number sends SymPy into slow factoring
    max_derivative_order: int = 20  # order in Derivative(f, x, n)


def check_text(text: object, limits: Limits) -> str:
    """Refuse non-strings and over-long strings before any tokenising."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    if len(text) > limits.max_length:
        raise ParseError(f"the input has {len(text):,} characters; the limit is "
                         f"max_length={limits.max_length:,}")
    return text
