"""The names the parser knows: Greek letters, whitelisted functions, constants, LaTeX commands.

Nothing outside these tables is ever looked up: an unknown name is a new symbol, an unknown
LaTeX command is an error.
"""

from __future__ import annotations

from typing import Callable

import sympy as sp

GREEK = ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi "
         "rho sigma tau upsilon phi chi psi omega "
         "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega").split()

UNICODE_NAMES: dict[str, str] = dict(zip("αβγδεζηθικλμνξοπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ", GREEK)) | {
    "ς": "sigma", "ϑ": "theta", "ϕ": "phi", "ϵ": "epsilon", "ϱ": "rho", "µ": "mu",
    "ℓ": "ell", "∞": "oo", "√": "sqrt"}

# name -> (SymPy callable, fewest arguments, most arguments)
FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int, int]] = {
    "sin": (sp.sin, 1, 1), "cos": (sp.cos, 1, 1), "tan": (sp.tan, 1, 1),
    "cot": (sp.cot, 1, 1), "sec": (sp.sec, 1, 1), "csc": (sp.csc, 1, 1),
    "sinh": (sp.sinh, 1, 1), "cosh": (sp.cosh, 1, 1), "tanh": (sp.tanh, 1, 1),
    "coth": (sp.coth, 1, 1), "sech": (sp.sech, 1, 1), "csch": (sp.csch, 1, 1),
    "asin": (sp.asin, 1, 1), "acos": (sp.acos, 1, 1), "atan": (sp.atan, 1, 1),
    "acot": (sp.acot, 1, 1), "arcsin": (sp.asin, 1, 1), "arccos": (sp.acos, 1, 1),
    "arctan": (sp.atan, 1, 1), "arccot": (sp.acot, 1, 1),
    "asinh": (sp.asinh, 1, 1), "acosh": (sp.acosh, 1, 1), "atanh": (sp.atanh, 1, 1),
    "arcsinh": (sp.asinh, 1, 1), "arccosh": (sp.acosh, 1, 1), "arctanh": (sp.atanh, 1, 1),
    "exp": (sp.exp, 1, 1), "log": (sp.log, 1, 2), "ln": (sp.log, 1, 1),
    "sqrt": (sp.sqrt, 1, 1), "Abs": (sp.Abs, 1, 1), "abs": (sp.Abs, 1, 1),
    "sign": (sp.sign, 1, 1), "LambertW": (sp.LambertW, 1, 2),
    "Heaviside": (sp.Heaviside, 1, 1), "erf": (sp.erf, 1, 1),
    # as SymPy prints them in results (an integral's conditions, a two-argument arctangent)
    "Min": (sp.Min, 2, 8), "Max": (sp.Max, 2, 8), "atan2": (sp.atan2, 2, 2),
}

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "I": sp.I, "oo": sp.oo, "infinity": sp.oo}

DERIVATIVES = frozenset({"Derivative", "diff"})

# Names that are never split into a differential "d" + name in a line element.
RESERVED = frozenset(GREEK) | FUNCTIONS.keys() | CONSTANTS.keys() | DERIVATIVES

# LaTeX commands that are names: \theta, \varphi, \sin, \sqrt, \pi, \infty ...
LATEX_NAMES: dict[str, str] = {g: g for g in GREEK} | {f: f for f in FUNCTIONS} | {
    "varphi": "phi", "vartheta": "theta", "varepsilon": "epsilon", "varrho": "rho",
    "varsigma": "sigma", "ell": "ell", "infty": "oo"}

LATEX_OPERATORS = {"cdot": "*", "times": "*", "frac": "frac", "dfrac": "frac", "tfrac": "frac"}

# \mathrm{...} and friends: their braces must hold a single name.
LATEX_WRAPPERS = frozenset({"mathrm", "text", "textrm", "mathit", "operatorname"})

# Commands without meaning here: sizing and spacing.
LATEX_IGNORED = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr",
                           "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr", "quad", "qquad",
                           "displaystyle"})

# Single characters with an ASCII meaning.
UNICODE_OPERATORS = {"−": "-", "–": "-", "·": "*", "⋅": "*", "×": "*", "÷": "/", "′": "'"}
SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
