"""The one parser for untrusted maths text: user input and LLM output.

It never hands text to Python (no eval, exec, compile, sympify or SymPy's parse_expr): a
tokenizer and a Pratt parser build SymPy objects directly from a whitelist of names.

>>> from tools.mathparse import parse_expr, parse_line_element, parse_matrix
>>> parse_expr("2M/r + sin^2 theta + 0.5")
2*M/r + sin(theta)**2 + 1/2
>>> parse_expr(r"\\frac{1}{1-\\frac{2M}{r}}")
1/(-2*M/r + 1)
>>> parse_line_element("ds² = -dt² + a(t)² (dx² + dy² + dz²)").matrix.diagonal()
Matrix([[-1, a(t)**2, a(t)**2, a(t)**2]])
>>> parse_matrix("[[-1, 0], [0, r^2]]")
Matrix([
[-1,    0],
[ 0, r**2]])

Reading rules worth knowing:

* juxtaposition is multiplication at the precedence of ``*``: ``2M``, ``r^2 sin^2 theta``,
  ``(1-2M/r)(1+x)``; so ``a/2b`` is ``(a/2)*b``, as in SymPy;
* a multi-letter name is one symbol: ``Mr`` is the symbol ``Mr``; write ``M r`` or ``M*r``;
* ``name(x, y)`` with no space before ``(`` and plain names inside is an undefined function
  ``a(t)``; otherwise it is a product: ``M(r-2M)`` is ``M*(r-2M)``, ``a (t)`` is ``a*t``;
* a function name without parentheses takes the juxtaposed factors after it, as physicists
  write it: ``sin x^2`` is ``sin(x^2)``, ``sin 2x`` is ``sin(2*x)``, ``\\sin\\pi x`` is
  ``sin(pi*x)``, ``sin x cos y`` is ``sin(x)*cos(y)``; ``sin^2 theta`` is ``sin(theta)^2``;
  ``sin^-1`` is refused;
* ``e^x`` is ``exp(x)``, ``e`` alone is a symbol; ``pi``, ``I``, ``oo`` are constants;
* names are real SymPy symbols unless ``symbols`` maps them to the caller's own objects;
* in a line element ``d<name>`` is a differential unless the whole word is a known name
  (``delta``), so a parameter may not be called ``dm``; ``dOmega^2`` is the round 2-sphere.

Limits on size, depth and number growth are keyword arguments; see :class:`Limits`.
"""

from .errors import ParseError
from .limits import Limits
from .line_element import LineElement, parse_line_element
from .matrix import parse_matrix
from .parser import parse_expr

__all__ = ["parse_expr", "parse_line_element", "parse_matrix", "ParseError", "LineElement",
           "Limits"]
