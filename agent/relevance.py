"""Does the plan answer the question that was asked?

The tools' checks verify a plan's mathematics; they cannot tell that the plan computes the
Ricci scalar when the question asks for the Kretschmann scalar, stops at the horizon radius
when it asks for the surface gravity, or names Schwarzschild when it asks about Kerr. This
module reads the few things a question states plainly -- the curvature quantity, a tensor
component written in index notation, a catalogue spacetime, a derived quantity (surface
gravity, photon sphere, ISCO...) -- and checks that the plan computes *that*. It is
deliberately conservative: it only speaks when the question is explicit, and what it asks of
a plan is the least any correct plan for it does (the reference plans of the eval suites and
every training plan pass). A plan it rejects is replanned, and is never shown as verified.

>>> plan = {"steps": [{"id": "s1", "tool": "curvature",
...          "args": {"metric": "kerr", "quantity": "ricci_scalar"}}], "final": "s1"}
>>> [c.passed for c in check_relevance("Kretschmann scalar of Kerr?", plan)]
[False]
>>> check_relevance("Kretschmann scalar of Kerr?", plan)[0].detail
'the question asks for the Kretschmann scalar; the plan computes ricci_scalar'
>>> check_relevance("Ricci scalar of the Kerr metric", plan)[0].passed
True
"""

from __future__ import annotations

import difflib
import functools
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable

import sympy as sp

from tools.mathparse import ParseError, parse_expr

from .plan import REFERENCE
from .stated import (amend_boundary_data, amend_equation, amend_function, amend_initial_data,
                     amend_line_element, amend_ode_in_closed_form, amend_parameters,
                     given_values, spec_bound, stated_problems, unsolved_problems,
                     wants_closed_form)
from .verify import Check

NAME = "the plan answers the question asked"

# ---------------------------------------------------------------------- reading a plan


@dataclass
class PlanView:
    steps: list[dict]
    final: dict

    @classmethod
    def of(cls, plan: dict) -> PlanView:
        steps = plan.get("steps", [])
        final = next((s for s in steps if s.get("id") == plan.get("final")),
                     steps[-1] if steps else {})
        return cls(steps, final)

    def tools(self) -> list[str]:
        return [s.get("tool") for s in self.steps]

    def curvature(self) -> list[dict]:
        return [s.get("args", {}) for s in self.steps if s.get("tool") == "curvature"]

    def quantities(self) -> set[str]:
        return {a.get("quantity") for a in self.curvature()}

    def variables(self) -> set[str]:
        """The names the plan's steps solve for, differentiate by, expand in or take limits
        of (the function of an ODE too)."""
        out = set()
        for s in self.steps:
            args = s.get("args", {})
            for key in ("variable", "function"):
                if isinstance(args.get(key), str):
                    out.add(args[key])
            out |= {v for v in args.get("variables") or [] if isinstance(v, str)}
        return out

    def text(self, step: dict | None = None) -> str:
        """The expressions and equations of a step (all steps by default), one string."""
        parts = []
        for s in [step] if step else self.steps:
            args = s.get("args", {})
            for key in ("expression", "equations", "equation", "point"):
                value = args.get(key)
                parts += value if isinstance(value, list) else [value] if value else []
        return " ; ".join(str(p) for p in parts)


# ---------------------------------------------------------------------- what a question asks
@dataclass(frozen=True)
class Ask:
    """``what`` the question asks for when ``pattern`` matches it, ``unless`` it also
    matches that; ``holds(plan)`` is whether a plan computes it; ``needs`` says how."""
    what: str
    pattern: str
    holds: Callable[[PlanView], bool]
    needs: str
    unless: str = ""
    any_plan: bool = False          # also asked of plans with a curvature step


def _quantity(*names: str) -> Callable[[PlanView], bool]:
    return lambda p: bool(p.quantities() & set(names))


def _ends(*tools: str) -> Callable[[PlanView], bool]:
    return lambda p: p.final.get("tool") in tools


def _all(*tests: Callable[[PlanView], bool]) -> Callable[[PlanView], bool]:
    return lambda p: all(t(p) for t in tests)


def _uses(tool: str) -> Callable[[PlanView], bool]:
    return lambda p: tool in p.tools()


def _final_has(pattern: str) -> Callable[[PlanView], bool]:
    return lambda p: re.search(pattern, p.text(p.final)) is not None


def _any_has(pattern: str) -> Callable[[PlanView], bool]:
    return lambda p: re.search(pattern, p.text()) is not None


def _curvature_free(p: PlanView) -> bool:
    return not p.curvature()


# f(r)/r^2, whose extremum is the photon sphere
_OVER_R2 = r"\)\s*/\s*\(?r\s*(\^|\*\*)\s*2"
_CLAIMS = (_quantity("conformally_flat"), _quantity("einstein_space"), _quantity("ricci_flat"))
# a yes/no question: its first word, also after a colon ("Painlevé–Gullstrand metric: does it
# satisfy the vacuum Einstein equations?"), or its words anywhere
_YES_NO = (r"(?:^|[:;]\s)\s*(is|are|does|do|can|could|would|will|has|check|verify|confirm|tell me"
           r" if|decide|determine whether)\b|\b(whether|is it|is this|is the|is there|does it"
           r"|satisf\w*|or not|\bif)\b")
QUANTITIES = (
    Ask("the Kretschmann scalar", r"kretschmann|riemann[- ]squared|r_\{?abcd\}? ?r\^\{?abcd"
        r"|r_\{\\mu\\nu\\rho\\sigma\} ?r\^", _quantity("kretschmann"), "kretschmann"),
    Ask("the Ricci-squared invariant", r"ricci[- ]squared|r_\{?ab\}? ?r\^\{?ab\b|square of the "
        r"ricci|r_\{\\mu\\nu\} ?r\^\{\\mu\\nu\}", _quantity("ricci_squared"), "ricci_squared"),
    Ask("the Weyl-squared invariant", r"weyl[- ]squared|c_\{?abcd\}? ?c\^|square of the weyl"
        r"|weyl invariant", _quantity("weyl_squared"), "weyl_squared"),
    Ask("the Ricci scalar", r"ricci scalar|scalar curvature|curvature scalar|(^|\b(compute|find|"
        r"is|what's|give|get))\s*r\s*(for|of)\b|\br\s*=\s*\?"
        r"|ds\^?2[^?]*\b(what is|what's|find|compute|give)\s+r\s*\?\s*$",   # ds^2 = ...: what is R?
        _quantity("ricci_scalar"), "ricci_scalar"),
    Ask("conformal flatness", r"conformally flat|weyl[- ]flat", _CLAIMS[0], "conformally_flat"),
    Ask("whether it is an Einstein space", r"einstein (space|manifold)|an einstein metric",
        _CLAIMS[1], "einstein_space"),
    Ask("whether it is a vacuum solution", r"ricci[- ]flat|vacuum (solution|einstein|field "
        r"equations|spacetime)|a vacuum\b|empty of matter|solution of r_\{?ab\}? ?= ?0",
        _CLAIMS[2], "ricci_flat", unless=r"dominated|cosmological constant"),
    Ask("the Christoffel symbols", r"christoffel|connection coefficients|levi-civita connection",
        _quantity("christoffel"), "christoffel"),
    Ask("the Einstein tensor", r"einstein tensor", _quantity("einstein", "stress_energy"),
        "einstein"),
    Ask("the Weyl tensor", r"weyl tensor", _quantity("weyl", "weyl_squared", "conformally_flat"),
        "weyl", unless=r"vanishing weyl|weyl tensor vanish"),
    Ask("the Riemann tensor", r"riemann (curvature )?tensor", _quantity("riemann"), "riemann"),
)

_ISCO = (r"(?:\b|_)isco\b|innermost stable|marginally stable|last stable|smallest stable"
         r"|inner edge")
# "find the ISCO, then evaluate the redshift of light sent from there"
_THEN_AT_ISCO = (r"(?:isco|innermost stable|last stable)[^?]*\bthen (?:evaluate|compute|find|give"
                 r"|get|work out)\b")


def _finds_isco(p: PlanView) -> bool:
    """V' = V'' = 0 (two derivatives, or one of order 2), or L^2(r) minimised (r - 3M)."""
    return _uses("solve")(p) and (p.tools().count("differentiate") >= 2
                                  or any(s.get("args", {}).get("order") == 2 for s in p.steps)
                                  or _any_has(r"r - 3\*")(p))


# a value at the photon sphere: "the time-dilation factor at the circular photon orbit"
_AT_PHOTON_SPHERE = (r"\b(?:at|on) the (?:(?:unstable|circular|innermost) )*"
                     r"(?:(?:photon|light|null) (?:sphere|orbit|ring|circle)|light ring)"
                     r"|\bat r_\{?ph\b")


def _evaluates_there(p: PlanView) -> bool:
    """The plan ends by evaluating an expression (a limit, or one simplified), not by picking
    a root out of a solution."""
    picked = r"\s*\(?\s*\$s\d+(?:\[\d+\])?(?:\.\w+)?\s*\)?\s*"            # $s2[1], $s3[0].r
    return p.final.get("tool") == "limit" or p.final.get("tool") == "simplify" and not \
        re.fullmatch(picked, str(p.final.get("args", {}).get("expression")))


# a parameter the question asks to be solved for: "which exponent p", "for what value of a"
_WHICH_PARAMETER = (r"\b(?:which|what) (?:exponent|power|value of)\b|\bfor (?:which|what) "
                    r"(?:exponent|power|values?)\b")


DERIVED = (
    Ask("the Hawking temperature", r"hawking temperature|temperature t_?h?\b|t = κ/\(?2π|"
        r"temperature of", _all(_uses("differentiate"), _final_has(r"pi")),
        "a plan for it differentiates f and divides f'(r_+) by 4 pi", unless=r"surface temp"),
    Ask("the surface gravity", r"surface gravity|\\kappa\b|κ",
        _all(_ends("limit", "simplify"),
             lambda p: "differentiate" in p.tools() or re.search(r"\$s\d+\[1\].*\$s\d+\[0\]"
                                                                 r"|r_\+ - r_-", p.text()))
        , "a plan for it differentiates f and evaluates f'/2 at the horizon (a limit)"),
    Ask("the horizon area", r"\barea\b",
        _all(_uses("solve"), lambda p: p.final.get("tool") == "integrate"
             or _final_has(r"4\s*\*\s*pi|pi\s*\*\s*4")(p)),
        "a plan for it finds r_+ and integrates (or multiplies out) 4 pi r_+^2",
        unless=r"entropy"),
    Ask("the horizon entropy", r"entropy", _all(_uses("solve"), _final_has(r"pi")),
        "a plan for it finds r_+ and gives A/4, pi r_+^2 for a round horizon"),
    Ask("the angular velocity of the horizon", r"angular velocity of the horizon|horizon "
        r"angular velocity|ω_h|omega_h|rotation rate", _all(_uses("solve"),
                                                             _ends("simplify", "limit")),
        "a plan for it finds r_+ and then a/(r_+^2 + a^2)"),
    Ask("the critical impact parameter",
        r"impact parameter|shadow|capture cross|\bb_\{?c(?:rit)?\b",
        _all(_ends("limit", "simplify"), _final_has(r"sqrt")),
        "a plan for it finds the photon sphere and evaluates r/sqrt(f) there",
        unless=r"defl|bend|bent|lens|leens|lesn|\bray\b|starlight"),
    Ask("the photon sphere", r"photon sphere|light ring|photon orbit|circular (null|light|photon)"
        r"|light (can |travel|orbit)[^.?]*circ|null circular|circular orbit of light"
        r"|null effective potential|extrem\w* of f\(r\)/r\^2|\br_\{?ph\b",
        lambda p: _uses("solve")(p) and (_any_has(_OVER_R2)(p)
                                          or bool(p.curvature())),
        "a plan for it finds the extremum of f/r^2",
        unless=r"impact parameter|shadow|\bb_\{?c(?:rit)?\b"),
    Ask("a value at the photon sphere", _AT_PHOTON_SPHERE, _evaluates_there,
        "a plan for it finds the photon sphere and evaluates the quantity there (a limit)",
        unless=r"impact parameter|shadow|\bb_\{?c(?:rit)?\b|\bwhere\b|\bradius|\bstab"),
    Ask("the marginally bound orbit", r"marginally bound|\be ?= ?1\b",
        _any_has(r"= ?1\b"), "a plan for it solves V' = 0 together with V = 1"),
    Ask("the innermost stable circular orbit", _ISCO, _finds_isco,
        "a plan for it asks for V' = 0 and V'' = 0 (or minimises L^2(r))",
        unless=r"marginally bound|redshift|energy|angular momentum|efficiency|expan|series|"
               r"taylor"),
    Ask("a quantity of the ISCO orbit", r"(angular momentum|energy|efficiency|-u_t)[^?.]*"
        r"(isco|innermost stable|last stable|inner edge)|(isco|innermost stable|last stable|"
        r"inner edge)[^?.]*(angular momentum|energy|efficiency)",
        _all(_ends("limit", "simplify"),
             lambda p: _uses("differentiate")(p) or _any_has(r"6\*M|r - 3\*|order")(p)),
        "a plan for it finds the ISCO (V' = V'' = 0) and then evaluates the quantity there",
        unless=r"redshift|marginally bound|expan|series|taylor|small|order|first terms"),
    Ask("a value at the ISCO", r"\b(?:at|of|on) the (?:isco|innermost stable|last stable|"
        r"marginally stable)|\bat (?:r_?)?isco\b",
        lambda p: _uses("differentiate")(p) or _any_has(r"6\*M|r - 3\*|order")(p),
        "a plan for it finds the ISCO (V' = V'' = 0, or r = 6M of Schwarzschild) and evaluates "
        "there", unless=r"expan|series|taylor|first terms"),
    Ask("a value at the ISCO, found first", _THEN_AT_ISCO,
        _all(_finds_isco, _evaluates_there),
        "a plan for it finds the ISCO (V' = V'' = 0) and evaluates the quantity there (a limit)"),
    Ask("the circular orbits at a given angular momentum", r"circular orbits?[^?.]*(angular "
        r"momentum l\b|given l\b|l = \d)|(angular momentum l\b|l = \d)[^?.]*circular orbit|"
        r"extrema of v_eff|extrema of the (schwarzschild )?(timelike )?effective potential",
        lambda p: not any("L" in (s.get("args", {}).get("variables") or []) for s in p.steps),
        "a plan for it solves V'(r) = 0 for r at the given L",
        unless=r"isco|innermost|last stable|marginally|null"),
    Ask("the horizon", r"horizons?\b(?! problem)",
        lambda p: _uses("solve")(p) or _uses("integrate")(p) or _uses("limit")(p)
        or _uses("search_literature")(p),
        "a plan for it solves f(r) = 0 (or Delta = 0) for r", any_plan=True,
        unless=r"surface gravity|temperature|angular velocity|\barea\b|entropy|κ|\\kappa|kappa"
               r"|inside|formation|isotropic|eddington|kruskal|painlev|\bcross|coordinates"),
    Ask("the gravitational redshift", r"red[- ]?shift|blue[- ]?shift",
        lambda p: _final_has(r"sqrt")(p) or _uses("series")(p),
        "a plan for it evaluates 1/sqrt(-g_tt) - 1 (or sqrt(-g_tt)) at the emitter",
        unless=r"redshift function|cosmolog|hubble|scale factor|expanding|\bflrw\b|friedmann"),
    Ask("the perihelion advance", r"perihelion|periapsis|precession", _uses("series"),
        "a plan for it expands the radial frequency of the orbit equation in M"),
    Ask("the deflection of light", r"deflect|bending|lensing|bent", _uses("integrate"),
        "a plan for it integrates the transverse gradient along the ray"),
    Ask("the parameter asked for", _WHICH_PARAMETER, _uses("solve"),
        "a plan for it solves for that parameter"),
    Ask("a series expansion", r"\bexpan(d|sion)\b|taylor|\bseries\b|to (first|second|third|"
        r"\w+th|\d+(st|nd|rd|th)?) order|leading (terms|order)|first terms", _uses("series"),
        "a plan for it expands with the series tool",
        unless=r"deflect|bending|lensing|expanding universe|expansion rate|hubble"
               r"|exponential expansion|power-law expansion|expansion exponent"),
)

# ---------------------------------------------------------------------- tensor components
_GREEK = {"θ": "theta", "φ": "phi", "ϕ": "phi", "ρ": "rho", "χ": "chi", "η": "eta", "τ": "tau",
          "ψ": "psi", "λ": "lambda", "ξ": "xi", "ζ": "zeta", "σ": "sigma", "ω": "omega"}
_ABSTRACT = {"a", "b", "c", "d", "e", "f", "i", "j", "k", "l", "m", "n", "mu", "nu", "alpha",
             "beta", "gamma", "sigma", "lambda", "kappa"}
_COORD_NAMES = sorted({*_ABSTRACT, "alpha", "beta", "gamma", "kappa", "mu", "nu",
                       *_GREEK.values(), "t", "r", "x", "y", "z", "u", "v", "T", "X", "w"},
                      key=len, reverse=True)
_SYMBOL = r"(?P<sym>Γ|\\Gamma|Gamma|R|G|T)"


def _index(n: str) -> str:
    """An index group: ``{...}`` or a run of letters (``\\theta`` included), named ``n``."""
    return rf"(?:\{{(?P<{n}b>[^{{}}]*)\}}|(?P<{n}p>(?:\\?[A-Za-zθφϕρχητψ])+))"


_COMPONENT = re.compile(_SYMBOL + r"(?:\^" + _index("up") + r")?_" + _index("lo"))
_KIND = {("Γ", 1, 2): "christoffel", ("R", 1, 3): "riemann", ("R", 0, 2): "ricci",
         ("G", 0, 2): "einstein", ("T", 0, 2): "stress_energy"}


def _abstract(indices: list[str]) -> bool:
    """``a, b`` or ``rho sigma mu nu``: the indices of the whole tensor, no component."""
    names = set(indices)
    return names <= _ABSTRACT or bool(names & {"mu", "nu", "sigma"}) and \
        names <= _ABSTRACT | {"rho", "lambda", "tau"}


def _indices(text: str) -> list[str] | None:
    """``\\theta\\phi`` or ``θφ`` or ``tr`` as coordinate names; None if unreadable."""
    text = text.replace("\\", "").replace(" ", "").replace(",", "")
    for g, name in _GREEK.items():
        text = text.replace(g, name)
    out = []
    while text:
        for name in _COORD_NAMES:
            if text.startswith(name):
                out.append(name)
                text = text[len(name):]
                break
        else:
            if not text[0].isalpha():
                return None
            out.append(text[0])
            text = text[1:]
    return out


def components(question: str) -> list[tuple[str, list[str]]]:
    """The tensor components a question writes in index notation, as (quantity, indices).

    >>> components("what's Γ^t_tr for Schwarzschild")
    [('christoffel', ['t', 't', 'r'])]
    >>> components(r"compute \\Gamma^r_{\\theta\\theta}, and R^t_{rtr}; also G_{tt}")
    [('christoffel', ['r', 'theta', 'theta']), ('riemann', ['t', 'r', 't', 'r']), ('einstein', ['t', 't'])]
    """
    found = []
    for m in _COMPONENT.finditer(question):
        sym = {"\\Gamma": "Γ", "Gamma": "Γ"}.get(m.group("sym"), m.group("sym"))
        up = m.group("upb") if m.group("upb") is not None else m.group("upp")
        lo = m.group("lob") if m.group("lob") is not None else m.group("lop")
        upper = _indices(up) if up else []
        lower = _indices(lo) if lo else None
        if upper is None or not lower or _abstract(upper + lower):
            continue                      # R_ab, G_{\mu\nu}: the tensor, not a component
        kind = _KIND.get((sym, len(upper), len(lower)))
        if kind is None:
            continue
        found.append((kind, upper + lower))
    return found


def _same_component(kind: str, asked: list[str], planned: list[str]) -> bool:
    if kind == "christoffel":             # symmetric in the lower pair
        return asked[0] == planned[0] and sorted(asked[1:]) == sorted(planned[1:])
    if kind == "riemann":                 # other orders differ in sign
        return asked == planned
    return sorted(asked) == sorted(planned)


# ---------------------------------------------------------------------- spacetimes named
# (pattern, catalogue names that answer it); a pattern earlier in the list takes its words
# away from the later ones ("Schwarzschild-de Sitter" is not also "Schwarzschild").
SPACETIMES = (
    (r"kerr[- ]?newman", {"kerr_newman"}),
    (r"schwarzschild[- ]+(?:anti[- ]+)?de[- ]?sitter|kottler|ads[- ]schwarzschild|\bsds\b",
     {"schwarzschild_de_sitter"}),
    (r"(?:schwarzschild[- ]+)?tangherlini|\bbtz\b|kasner|ellis|heisenberg|\bnil\b|torus"
     r"|half[- ]plane|hyperbolic plane|bianchi"
     r"|(?:\b[2-5]d\b|\b[2-5]-dimensional|five-dimensional)(?:[- ]+schwarzschild)?",
     set()),                              # not in the catalogue (a 5D Schwarzschild neither)
    (r"reissner|nordstr|\brn\b", {"reissner_nordstrom"}),
    (r"\bkerr\b", {"kerr"}),
    (r"anti[- ]?de[- ]?sitter|\bads\d?\b", {"anti_de_sitter"}),
    (r"de[- ]?sitter", {"de_sitter", "de_sitter_flat_slicing"}),
    (r"eddington|finkelstein", {"eddington_finkelstein"}),
    (r"painlev|gullstrand", {"painleve_gullstrand"}),
    (r"kruskal", {"kruskal_szekeres"}),
    (r"schwarzschild", {"schwarzschild", "schwarzschild_isotropic", "eddington_finkelstein",
                        "painleve_gullstrand", "kruskal_szekeres"}),
    (r"\bflrw\b|\bfrw\b|friedmann|robertson", {"flrw", "flrw_flat", "flrw_open", "flrw_closed"}),
    (r"milne", {"milne"}), (r"rindler", {"rindler"}), (r"g(?:ö|oe|o)del", {"goedel"}),
    (r"taub|\bnut\b", {"taub_nut"}), (r"bertotti|robinson", {"bertotti_robinson"}),
    (r"vaidya", {"vaidya"}), (r"morris|wormhole", {"morris_thorne"}),
    (r"pp[- ]wave|brinkmann|plane[- ]fronted", {"pp_wave"}),
    (r"alcubierre|warp", {"alcubierre"}), (r"einstein(?:'s)? static", {"einstein_static"}),
    (r"(?<!locally )minkowski(?! in disguise)", {"minkowski", "minkowski_spherical",
                                                 "minkowski_cylindrical"}),
    (r"sphere", {"sphere"}),
)


def spacetimes(question: str) -> list[set[str]]:
    """The catalogue spacetimes a question names, each as the set of catalogue names that
    answer it (an empty set: a spacetime the catalogue does not have)."""
    text = _plain(question)
    found = []
    for pattern, names in SPACETIMES:
        if re.search(pattern, text):
            found.append(names)
            text = re.sub(pattern, " ", text)
    return found


# the parameters each catalogue spacetime is written with (what a plan may bring in for it)
PARAMETERS = {
    "schwarzschild": {"M"}, "reissner_nordstrom": {"M", "Q"}, "kerr": {"M", "a"},
    "kerr_newman": {"M", "a", "Q"}, "schwarzschild_de_sitter": {"M", "Lambda", "l"},
    "de_sitter": {"l", "H", "Lambda"}, "de_sitter_flat_slicing": {"l", "H", "Lambda"},
    "anti_de_sitter": {"l"}, "flrw": {"a", "k"}, "flrw_flat": {"a"}, "flrw_open": {"a"},
    "flrw_closed": {"a"}, "einstein_static": {"R0"}, "taub_nut": {"M", "n"}, "goedel": {"a"},
    "bertotti_robinson": {"Q"}, "vaidya": {"m"}, "morris_thorne": {"b", "Phi"},
}
# what every plan may use: coordinates, recipe variables, constants and functions
_ALWAYS = {"r", "t", "theta", "phi", "x", "y", "z", "u", "v", "L", "E", "b", "pi", "oo", "I",
           "M",                                            # the mass, named or not
           "A", "m", "p", "w", "H",                        # recipes: orbits, FLRW
           "sqrt", "sin", "cos", "tan", "exp", "log", "ln", "sinh", "cosh", "tanh", "asin",
           "acos", "atan", "asinh", "acosh", "atanh", "abs", "Derivative", "diff", "LambertW",
           "ds", "dt", "dr", "dOmega", "Omega", "d", "oo"}
_WORDS = {"lambda": "Lambda", "Λ": "Lambda", "ℓ": "l", "μ": "mu", "ρ": "rho", "χ": "chi",
          "θ": "theta", "φ": "phi", "η": "eta", "τ": "tau", "Ω": "Omega", "Φ": "Phi",
          "α": "alpha", "β": "beta", "ω": "omega", "Δ": "Delta", "κ": "kappa", "ψ": "psi"}


_IMPLIED = ((r"black hole|\bhole\b|\bstar\b|\bmass\b|\bbh\b", {"M"}),
            (r"tangherlini|5d|five-dimensional|5-dimensional", {"mu", "chi", "psi"}),
            (r"\bbtz\b", {"l", "M"}))


_LATEX_NAMES = {"alpha", "beta", "gamma", "delta", "Delta", "epsilon", "zeta", "eta", "theta",
                "kappa", "lambda", "Lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau",
                "phi", "Phi", "chi", "psi", "omega", "Omega", "ell", "Gamma"}


def _spelled(text: str) -> str:
    """Greek letters (and the word lambda) written as the names plans use (``Λ`` is Lambda)."""
    for g, name in _WORDS.items():
        text = text.replace(g, f" {name} ")
    return text


def _latex_names(text: str) -> str:
    """Greek letters written in LaTeX as their names; other commands (\\frac) dropped."""
    return re.sub(r"\\([A-Za-z]+)",
                  lambda m: f" {m.group(1)} " if m.group(1) in _LATEX_NAMES else " ", text)


def _question_symbols(question: str) -> set[str]:
    """Every name a question writes: words, their letters when short (``2Mr`` has M and r),
    Greek letters by name; a cosmological constant brings Lambda, a charge Q, a spin a."""
    text = _spelled(question)
    text = _latex_names(text)
    names = set()
    for m in re.finditer(r"[A-Za-z][A-Za-z_0-9]*", text):
        word = m.group()
        names.add(word)
        if word.isalpha() and len(word) <= 3:
            names |= set(word)
    low = text.lower()
    for pattern, extra in _IMPLIED:
        if re.search(pattern, low):
            names |= extra
    if "cosmological constant" in low:
        names.add("Lambda")
    if "charge" in low:
        names.add("Q")
    if "spin" in low or "rotating" in low:
        names.add("a")
    return names


def _question_functions(question: str) -> set[str]:
    """The names a question writes as functions, ``a(t)``, ``\\Phi(r)``: a line element's free
    function must be one of them (the article in "a radiation-dominated universe" is no a(t))."""
    text = _latex_names(_spelled(question))
    return {m.group(1) for m in re.finditer(r"(?<![A-Za-z_0-9])([A-Za-z][A-Za-z_0-9]*)\s*\(",
                                            text)}


_COORDS = {"r", "t", "x", "y", "z", "u", "v", "theta", "phi", "rho", "chi", "tau", "eta"}


# parameters a question sets in words: zero spin is a = 0, an extremal hole a = M or Q = M
_SET_IN_WORDS = (
    (r"\b(?:zero|no|vanishing|without)\s+(?:angular momentum|spin|rotation)|non-?\s?rotating"
     r"|spinless|\bextremal|maximal(?:ly)?\s+(?:spin|rotating)", "a"),
    (r"\b(?:zero|no|vanishing|without)\s+(?:electric\s+)?charge|uncharged|\bneutral\b"
     r"|\bextremal", "Q"),
    (r"\b(?:zero|no|vanishing|without)\s+(?:a\s+)?(?:cosmological constant|lambda)", "Lambda"),
    (r"\b(?:zero|no|vanishing|without)\s+mass|massless", "M"),
)


def _assigned(question: str) -> set[str]:
    """The names a question gives a value (``M = 1``, ``Q = M``, ``a = 0``), coordinates aside
    (``r = 3M`` says where, not what)."""
    text = _spelled(question)
    found = {name for pattern, name in _SET_IN_WORDS if re.search(pattern, text.lower())}
    for m in re.finditer(r"(?<![\w^_{\\])([A-Za-z][A-Za-z0-9]*)\|?\s*=\s*(-?\d|[A-Z]\b|[a-z]\b)",
                         text):                                 # |Q| = M too
        name = m.group(1)
        if name not in _COORDS and name not in ("G", "c", "f", "ds", "E", "k_B", "hbar"):
            found.add(name)
    return found


_DIFF = re.compile(r"(?<![A-Za-z\\])d\s*(\\?(?:theta|phi|rho|chi|tau|eta|psi|sigma|ell|Omega|"
                   r"[θφϕρχτηψσΩℓ]|[A-Za-z])(?:_\d)?)(?=\s*(?:\^\s*\{?2|²|\s*d|\)|\]|\s*[+-]|$|\s*/))")


def _differentials(text: str) -> set[str]:
    """The coordinates whose differentials a line element has (dΩ stands for dθ, dφ)."""
    found = set()
    for m in _DIFF.finditer(text):
        name = _WORDS.get(m.group(1), m.group(1)).lstrip("\\")
        name = {"ell": "l", "ϕ": "phi"}.get(name, name)
        found |= {"theta", "phi"} if name == "Omega" else {name}
    return found - {"s"}                      # ds^2 = ... is the line element itself


def _plan_symbols(view: PlanView, metrics: bool = True) -> set[str]:
    """The names in the plan's expressions and (``metrics``) line elements (references to
    steps left out)."""
    parts = [view.text()] + ([a.get("metric", "") for a in view.curvature()] if metrics else [])
    text = re.sub(r"\$s\d+(?:\[\d+\]|\.\w+)*", " ", " ; ".join(parts))
    text = _spelled(_latex_names(text))
    return {m.group() for m in re.finditer(r"[A-Za-z_][A-Za-z_0-9]*", text)
            if not re.fullmatch(r"d[A-Za-z]+|e\d*", m.group())}


_NUMBER = re.compile(r"(?<![\w.$\[])(\d+(?:\.\d+)?(?:e[+-]?\d+)?)")
# numbers any plan may use: small recipe constants, and the unit factors the recipes bring
# (seconds of arc per radian, days per Julian century, GM/c^2 of the Sun, its radius)
_CONSTANTS = {0.0, 1.0, 2.0, 3.0, 4.0, 0.5, 206264.806, 36525.0, 1476.625, 1.476625, 6.957e8}


def _plan_numbers(view: PlanView) -> list[str]:
    """The numbers the plan writes (integration bounds included, step references left out)."""
    parts = [view.text()] + [str(s.get("args", {}).get(k, "")) for s in view.steps
                             for k in ("lower", "upper")]
    return _NUMBER.findall(re.sub(r"\$s\d+(?:\[\d+\])*", " ", " ; ".join(parts)))


def _unused_ends(question: str, view: PlanView) -> list[str]:
    """A value the question gives the variable the plan integrates or takes a limit in ("from
    r = 2 to r = 3") that the plan uses nowhere: its integral or limit is taken elsewhere (an
    integral from the horizon r = 2 to 2, which is 0). Values of a parameter's multiple
    (r = 3M) are left to the other checks."""
    used = {float(x) for x in _plan_numbers(view)}
    out = []
    for step in view.steps:
        args = step.get("args", {})
        variable = str(args.get("variable", ""))
        if step.get("tool") not in ("integrate", "limit") or not re.fullmatch(r"[a-z]\w*",
                                                                             variable):
            continue
        for m in re.finditer(rf"(?<![\w^]){re.escape(variable)}\s*=\s*(-?\d+(?:\.\d+)?)"
                             rf"(?![\d.]|\s*\*?\s*[A-Za-z](?![A-Za-z]))", question):
            problem = (f"the question gives {variable} = {m.group(1)}; the plan's "
                       f"{step['tool']} in {variable} uses it nowhere")
            if float(m.group(1)) not in used and problem not in out:
                out.append(problem)
    for m in _RANGE.finditer(question):
        variable, ends = m.group(1), (m.group(2), m.group(3))
        if any(s.get("tool") in ("integrate", "limit")
               and str(s.get("args", {}).get("variable")) == variable
               or s.get("tool") == "solve_pde" for s in view.steps):
            continue            # read above, end by end; a PDE's domain is the domain check's
        missing = [e for e in ends if float(e) not in used]
        if missing:
            out.append(f"the question asks from {variable} = {ends[0]} to {variable} = "
                       f"{ends[1]}; the plan uses {' and '.join(missing)} nowhere")
    return out


# "from r = 2 to r = 3", "between x = 0 and x = 1": a range of one variable, asked of an
# integral or a difference, whose ends a plan that answers it writes (a proper distance
# planned as the horizon alone has no 3)
_RANGE = re.compile(r"\b(?:from|between)\b[^.;:?]*?(?<![\w^])([a-z]\w*)\s*=\s*(-?\d+(?:\.\d+)?)"
                    r"(?![\d.]|\s*\*?\s*[A-Za-z](?![A-Za-z]))\s+(?:to|and)\s+(?:\1\s*=\s*)?"
                    r"(-?\d+(?:\.\d+)?)(?![\d.]|\s*\*?\s*[A-Za-z](?![A-Za-z]))")


def _foreign_coordinates(question: str, view: PlanView) -> list[str]:
    """A coordinate a plan solves for that the line element the question writes does not
    have: "at what rho is the horizon?" of a metric in isotropic rho, solved in r."""
    coordinates = _differentials(question) if _has_line_element(question) else set()
    if not coordinates:
        return []
    return [f"the question's line element is in {', '.join(sorted(coordinates))}; the plan "
            f"solves for {v}, which is none of them"
            for s in view.steps if s.get("tool") == "solve"
            for v in map(str, s.get("args", {}).get("variables") or [])
            if v in _COORDS and v not in coordinates]


def _stray_numbers(question: str, view: PlanView) -> list[str]:
    """The plan's numbers that the question neither gives nor makes by one product or
    quotient of two of its numbers (10 solar masses times 1.476625 km)."""
    given = [float(x) for x in _NUMBER.findall(question.replace(",", " "))] + [2.0, 3.0]
    known = set(given) | {a * b for a in given for b in given} | \
        {a / b for a in given for b in given if b}
    stray = []
    for text in _plan_numbers(view):
        x = float(text)
        if x in _CONSTANTS or any(abs(x - k) <= 1e-9 * max(1.0, abs(k)) for k in known):
            continue
        if text not in stray:
            stray.append(text)
    return stray


# a number with a unit or a count of solar masses is a measurement of the question's object:
# a plan that writes none of them answers for another object (a 10 solar-mass hole planned
# with GM_sun/c^2 alone is a one solar-mass hole)
_MEASURE = re.compile(r"(?<![\w.^_])(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*-?\s*(?:(?i:solar|suns?\b|"
                      r"m_sun|m_\{?\\?odot|m_?⊙|m☉|km\b|kilomet|met(?:er|re)s?\b|kg\b)|(?<=\s)m\b(?!\s*[\^=/*]))")


def _unused_measures(question: str, view: PlanView) -> list[str]:
    """The question's measurements (``10 solar-mass``, ``12 km``) that the plan neither
    writes nor folds into one of its numbers (10 x 1.476625 = 14.76625, times a small
    whole number or a unit factor: 6 x 14.76625)."""
    found = _MEASURE.findall(question.replace(",", ""))
    if not found:
        return []
    used = [float(x) for x in _plan_numbers(view)]
    given = [float(x) for x in _NUMBER.findall(question.replace(",", " "))]
    factors = {1.0, *range(2, 13), *_CONSTANTS, *given} - {0.0}
    factors |= {a * b for a in factors for b in factors}
    units = {1000.0, *_CONSTANTS} - {0.0, 1.0, 2.0, 3.0, 4.0, 0.5}   # 6.957e8 m in km
    unused = []
    for text in found:
        n = float(text)
        if n == 0 or any(abs(x / n - f) <= 1e-9 * f for x in used if x for f in factors) \
                or any(abs(n / x - f) <= 1e-9 * f for x in used if x for f in units):
            continue
        if text not in unused:
            unused.append(text)
    return unused


# catalogue variants a question must name by their qualifier (a plan may not pick "open
# FLRW" for "FLRW with spatial curvature k", nor the 2-sphere for a 3-sphere): the words
# (read through a typo) or the formulas that name each
QUALIFIED = {
    "flrw_open": (("open", "hyperbolic", "negatively"), r"k\s*=\s*-\s*1"),
    "flrw_closed": (("closed", "positively"), r"k\s*=\s*\+?\s*1\b"),
    "flrw_flat": (("flat", "euclidean"), r"k\s*=\s*0\b"),
    "de_sitter_flat_slicing": (("slicing", "poincare", "planar", "inflationary"),
                               r"e\^|exp\s*\("),
    "minkowski_spherical": (("spherical", "polar"), None),
    "minkowski_cylindrical": (("cylindrical",), None),
    "schwarzschild_isotropic": (("isotropic",), None),
    "kruskal_szekeres": (("kruskal", "szekeres"), None),       # Schwarzschild's other charts
    "eddington_finkelstein": (("eddington", "finkelstein"), None),
    "painleve_gullstrand": (("painleve", "gullstrand"), None),
    "sphere": (("2-sphere", "two-sphere", "sphere"), r"\b2d\b|two-dim|2-dim"),
}


def _unqualified(question: str, metric: str) -> bool:
    """Whether ``metric`` is a qualified variant that the question does not name as such (a
    3-sphere's line element is not the catalogue's 2-sphere)."""
    if metric not in QUALIFIED:
        return False
    words, formula = QUALIFIED[metric]
    text = _plain(question)
    if metric == "sphere" and re.search(r"3-sphere|three-sphere|\\?chi", text):
        return True
    if formula and re.search(formula, text):
        return False
    seen = re.findall(r"[a-z0-9-]+", text) + re.findall(r"[a-z0-9]+", text)  # and its parts
    return not any(w == k or len(k) >= 5 and difflib.SequenceMatcher(None, w, k).ratio() >= 0.8
                   for w in seen for k in words)


def _unstated_parameters(question: str, view: PlanView) -> list[str]:
    """``name = value`` settings of a curvature step's parameters that the question does not
    make (``Kretschmann of Kerr`` with a = 1 is the Kretschmann of another spacetime)."""
    assigned = _assigned(question)
    return [f"{name} = {value}" for a in view.curvature()
            for name, value in (a.get("parameters") or {}).items() if name not in assigned]


_CALCULUS_VARIABLE = {"limit": "variable", "differentiate": "variable", "integrate": "variable",
                      "series": "variable"}


def _repeated_steps(view: PlanView) -> list[str]:
    """A step that computes what an earlier one did (the same tool, the same arguments): a
    plan meant to combine two quantities (-Gamma^r_tt/Gamma^r_phiphi) that divides one by
    itself."""
    seen: dict[str, str] = {}
    out = []
    for s in view.steps:
        key = json.dumps([s.get("tool"), s.get("args", {})], sort_keys=True)
        if key in seen:
            out.append(f"{s.get('id')} repeats {seen[key]} (the same {s.get('tool')})")
        seen.setdefault(key, str(s.get("id")))
    return out


def _idle_steps(view: PlanView) -> list[str]:
    """Calculus steps in a variable their expression does not contain (a limit in r of
    1/sqrt(1 - r_s/R)): they change nothing, so the plan is not doing what it means to.
    Expressions made from earlier steps are not read."""
    idle = []
    for s in view.steps:
        args = s.get("args", {})
        expression, variable = args.get("expression"), args.get(
            _CALCULUS_VARIABLE.get(s.get("tool"), ""))
        if not isinstance(expression, str) or not isinstance(variable, str) or "$" in expression:
            continue
        names = {_WORDS.get(n, n) for n in re.findall(r"[A-Za-z_][A-Za-z_0-9]*|[^\x00-\x7f]",
                                                         _latex_names(expression))}
        if _WORDS.get(variable, variable) not in names:
            idle.append(f"{s.get('id')} takes a {s['tool']} in {variable} of an expression "
                        f"without {variable}")
    return idle


# words that ask for a value at a point, or where something happens
_AT_A_POINT = (r"\bat\b|\bon the\b|→|->|\\to\b|\blimit|\bas [a-z]\b|\bnear\b|\bfar\b|infinity|∞|"
               r"\\infty|\bwhere\b|\bevaluat|\bvalue|\bhorizon|\bsingular|\bsurface|\bcent(?:er|re)"
               r"|\bequator|\bplane\b|\bsubstitut|\bplug|\bput\b|\bset\b|\bwhen\b|\bif\b|"
               r"\bfor [a-z]\w* ?=")
_AT_REST = re.compile(r"\b(?:from|at) rest\b")


def _unasked_points(question: str, view: PlanView) -> list[str]:
    """A limit of a curvature result (the Kretschmann scalar at r = Q) for a question that
    names no point: the plan answers another question."""
    if re.search(_AT_A_POINT, _plain(question)):
        return []
    curvature = {s.get("id") for s in view.steps if s.get("tool") == "curvature"}
    return [f"{s.get('id')} takes the {s['tool']} {args.get('variable')} -> {args.get('point')} "
            f"of a curvature result; the question asks for no value at a point"
            for s in view.steps if s.get("tool") == "limit"
            for args in [s.get("args", {})]
            if {m.group(1) for m in REFERENCE.finditer(str(args.get("expression", "")))}
            & curvature]


def _unevaluated(question: str, view: PlanView) -> list[str]:
    """A curvature quantity asked for at a radius ("the Kretschmann scalar at r = 2M") that
    the plan computes and evaluates nowhere: its answer is the field, not the value asked."""
    text = _plain(question)
    if (not re.search(_AT_A_RADIUS, text) or "limit" in view.tools() or not view.curvature()
            or not (_asked_quantities(text) or components(question))):
        return []
    return ["the question asks for a value at a radius (at r = ...); the plan evaluates its "
            "curvature nowhere (no limit step)"]


# what a question says when a plan may look for the photon sphere, the extremum of f/r^2
# (words also when misspelt: liight, shhadow, imapct)
_NULL_ORBITS = (r"\bnull\b|\bray|potential|f\s*\(r\)\s*/\s*r|\beikonal|quasinormal|\bqnm|ring"
                r"|\br_\{?ph|\bb_\{?c\b")
_NULL_WORDS = ("photon", "light", "shadow", "impact", "capture", "lensing", "deflection",
               "bending", "bent", "starlight")


def _about_null_orbits(question: str) -> bool:
    text = _plain(question)
    return bool(re.search(_NULL_ORBITS, text)) or any(
        w.startswith(k) or difflib.SequenceMatcher(None, w, k).ratio() >= 0.8
        for w in re.findall(r"[a-z]{4,}", text) for k in _NULL_WORDS)


# a question about how a value moves with a parameter (d r_h/d Lambda, "how sensitive")
_RATE = re.compile(r"\bd ?r|\bd ?\w+ ?/ ?d|\bd\\?\w*/|sensitiv|\bmoves?\b|\bshifts?\b|chang|"
                   r"depend|\bderiv|with respect to|\bw\.?r\.?t\b|\brate\b|∂|\\partial|"
                   r"\bvar(?:y|ies)\b|\bslope\b|respon|\bgrows?\b|first order|"
                   r"linear(?:ly|ised|ized)?\b|\bsmall\b")
_PARAMETER_NAMES = frozenset().union(*PARAMETERS.values(), {"mu", "J", "q"}) - {"b"}


def _unasked_rate(question: str, view: PlanView) -> list[str]:
    """A plan that differentiates in a parameter of the spacetime (Lambda, M, Q) for a
    question that asks nothing about how anything changes with one: it answers how a
    horizon moves ("d r_h/d Lambda") when asked where two horizons merge."""
    if _RATE.search(_plain(question)):
        return []
    return [f"{s.get('id')} differentiates in {v}, and the question asks for no rate of "
            f"change in {v}"
            for s in view.steps if s.get("tool") == "differentiate"
            for v in [str(s.get("args", {}).get("variable", ""))]
            if v in _PARAMETER_NAMES and v not in _COORDS]


def _unasked_photon_sphere(question: str, view: PlanView) -> list[str]:
    """A plan that finds the photon sphere (it differentiates f/r^2) for a question about
    neither light nor null orbits: the horizons' merger of Schwarzschild-de Sitter computed
    as a capture radius, and verified, since every step of it was right."""
    if _about_null_orbits(question):
        return []
    return [f"{s.get('id')} finds the photon sphere (the extremum of f/r^2), which the "
            f"question does not ask about"
            for s in view.steps if s.get("tool") == "differentiate"
            and re.search(_OVER_R2 + r"\s*\)?\s*$", str(s.get("args", {}).get("expression", "")))]


# a question that asks where (the radius of the photon sphere, the ISCO, a horizon) and
# nothing to evaluate there: the answer is a radius, the solve's roots or one of them
_RADII = {"the photon sphere", "the marginally bound orbit", "the innermost stable circular "
          "orbit", "the horizon", "the circular orbits at a given angular momentum"}
_WHERE = (r"\bradi(?:us|i)\b|\bwhere(?:'s| is| are| do| does| can| would| will)\b|\bat what (?:r|ρ|rho|radius|radial|distance)\b|"
          r"\blocat|\bposition")
_THERE = (r"impact|surface gravity|temperature|red[- ]?shift|dilation|energy|angular "
          r"(?:momentum|velocity)|\bω|\bomega|\bperiod|proper|\barea\b|entropy|frequency|"
          r"d ?r_|\bshift|how much|by how|\bmove|\bmerge|lambda|λ|\bcharge|spin|circumference"
          r"|volume|\bfactor\b|\bspeed\b|\btime\b|force|accelerat|distance between")


def _radius_asked(question: str) -> bool:
    """Whether the question asks only where a horizon, photon sphere or orbit is."""
    text = _plain(question)
    others = {a.what for a in DERIVED if _asks(a, text)} - _RADII
    return (bool(_radii_named(text)) and not others and bool(re.search(_WHERE, text))
            and not re.search(_THERE, text))


def _radii_named(text: str) -> set[str]:
    """The horizons, photon spheres and orbits a (plain) question names, in any coordinates
    (the horizon of isotropic Schwarzschild is where f = 0 is not solved for r)."""
    return {a.what for a in DERIVED if a.what in _RADII and re.search(a.pattern, text)}


def _not_a_radius(question: str, view: PlanView) -> list[str]:
    """A question that asks where (:func:`_radius_asked`) answered by a step that evaluates
    something else at the radius (the impact parameter r/sqrt(f), the surface gravity
    f'/2): the answer must be the roots of the solve (times a unit factor)."""
    final = view.final
    if final.get("tool") in ("solve", None) or not _radius_asked(question):
        return []
    args = final.get("args", {})
    expression = re.sub(r"\$s\w+(?:\[\d+\])?(?:\.r)?", "r", str(args.get("expression", "")))
    if final.get("tool") in ("simplify", "limit") and re.fullmatch(
            r"\s*(?:[\d.e+-]+\s*\*\s*)?\(?\s*r\s*\)?(?:\s*[*/]\s*[\d.e+-]+)?\s*", expression):
        return []
    return [f"the question asks where (a radius); the plan's answer is the {final.get('tool')} "
            f"of {args.get('expression')}, not a root of its solve for r"]


_SERIES_IN = re.compile(r"(?i:\border|expan\w*|\bseries|taylor)[^.?;]*?\b(?:in|in powers of|for "
                        r"small)\s+\$?(\\?[A-Za-z]\w*|[α-ωΛ])\$?(?=\s*(?:$|[,.;:)?=$]|and\b|to\b|"
                        r"about\b|around\b|at\b|for\b|up\b))")


def _series_variable(question: str, view: PlanView) -> list[str]:
    """An expansion asked for in a named variable (``in u = 1/r``, ``to first order in
    M``) and a plan whose series steps expand in another one."""
    m = _SERIES_IN.search(question)
    variables = [str(s.get("args", {}).get("variable", "")) for s in view.steps
                 if s.get("tool") == "series"]
    if not m or not variables:
        return []
    asked = _spelled(_latex_names(m.group(1))).strip()
    if len(asked) > 3 and asked not in _LATEX_NAMES and not m.group(1).startswith("\\"):
        return []                                   # a word (thanks in advance), no symbol
    if any(_spelled(v).strip() == asked for v in variables):
        return []
    return [f"the question asks for an expansion in {asked}; the plan expands in "
            f"{', '.join(variables)}"]


def _rest_problems(question: str, view: PlanView) -> list[str]:
    """A motion that starts from rest ("released from rest", "starts at rest") has initial
    velocity zero in the plan's ODE or PDE; one that starts at the origin ("from rest at the
    origin") has initial position zero."""
    text = _plain(question)
    rest, origin = bool(_AT_REST.search(text)), bool(_AT_ORIGIN.search(text))
    if not rest and not origin:
        return []
    problems = []
    for s in view.steps:
        args = s.get("args", {})
        if s.get("tool") == "dsolve" and isinstance(args.get("conditions"), dict):
            data = [(bool(re.fullmatch(r"\s*\w+'\s*\(.*\)\s*", str(k))), v)
                    for k, v in args["conditions"].items()
                    if re.fullmatch(r"\s*\w+'?\s*\(.*\)\s*", str(k))]
        elif s.get("tool") == "solve_pde" and isinstance(args.get("spec"), dict):
            data = [(c.get("derivative") == 1, c.get("value", "0"))
                    for c in args["spec"].get("conditions") or []
                    if isinstance(c, dict) and c.get("kind") == "initial"
                    and c.get("derivative", 0) in (0, 1)]
        else:
            continue
        for velocity, v in data:
            if not (rest if velocity else origin and not _spread_out(s)):
                continue
            try:
                nonzero = parse_expr(str(v)) != 0
            except (ParseError, ValueError):
                continue
            if nonzero:
                problems.append(f"the question starts from rest; the plan's initial velocity "
                                f"is {v}" if velocity else f"the question starts at the "
                                f"origin; the plan's initial position is {v}")
    return problems


_BOUND = r"(-?\s*(?:\d+(?:\.\d+)?|\\?pi|π)(?:\s*/\s*\d+)?)"
_BETWEEN = re.compile(_BOUND + r"\s*(?:<=?|\\leq?|≤|\\le|\\lt)\s*([a-z])\s*(?:<=?|\\leq?|≤|\\le|\\lt)\s*"
                      + _BOUND + r"(?![\w.])")
_IN = re.compile(r"\b([a-z])\s*(?:in|∈|\\in)\s*\[\s*" + _BOUND + r"\s*,\s*" + _BOUND
                 + r"\s*\](?!\s*(?:\\times|×|x)\s*\[)")      # not [0,2] x [0,1] after a sum


def _bound_value(text: str) -> float:
    """An interval end as a question writes it (``-1``, ``pi/2``, ``\\pi``, ``π``)."""
    return float(parse_expr(text.replace("\\pi", "pi").replace("π", "pi")))


def stated_domain(question: str) -> dict[str, tuple[float, float]]:
    """The intervals a question gives its variables (``-1<x<1``, ``0 <= t <= pi``,
    ``x in [0, 2]``), as numbers.

    >>> stated_domain(r"on the square -1<x<1, -1<y<1 with $0 \\le t \\le \\pi$")
    {'x': (-1.0, 1.0), 'y': (-1.0, 1.0), 't': (0.0, 3.141592653589793)}
    """
    text = question.replace("−", "-").replace("$", " ")
    found: dict[str, tuple[float, float]] = {}
    for m in list(_BETWEEN.finditer(text)) + list(_IN.finditer(text)):
        lo, name, hi = (m.group(1), m.group(2), m.group(3)) if m.re is _BETWEEN else \
            (m.group(2), m.group(1), m.group(3))
        try:
            bounds = (_bound_value(lo), _bound_value(hi))
        except (ParseError, ValueError, TypeError):
            continue
        if bounds[0] < bounds[1]:
            found.setdefault(name, bounds)
    return found


# an interval no variable is named for: "a string on [0, pi]", "on the interval [1, 2]", "a
# rod of length 2" (from 0); it is the one of the problem's only space variable
_UNNAMED = re.compile(r"(?:\b(?:on|over|along)\s+(?:the\s+(?:interval|segment|domain|line)\s+)?"
                      r"\[\s*" + _BOUND + r"\s*,\s*" + _BOUND + r"\s*\](?!\s*(?:\\times|×|x)\s*\[))"
                      r"|(?:\bof length\s+" + _BOUND + r"(?![\w.]))")


def unnamed_interval(question: str) -> tuple[float, float] | None:
    """The first interval a question states without naming its variable.

    >>> unnamed_interval("A string on [0, pi] is released from rest")
    (0.0, 3.141592653589793)
    >>> unnamed_interval("a damped string of length 2 with clamped ends")
    (0.0, 2.0)
    >>> unnamed_interval("x in [0, 1]") is None and unnamed_interval("on [0,1] x [0,2]") is None
    True
    """
    text = question.replace("−", "-").replace("$", " ")
    for m in _UNNAMED.finditer(text):
        ends = ("0", m.group(3)) if m.group(3) is not None else (m.group(1), m.group(2))
        try:
            lo, hi = map(_bound_value, ends)
        except (ParseError, ValueError, TypeError):
            continue
        if lo < hi:
            return lo, hi
    return None


def _only_space_variable(spec: dict) -> str | None:
    """The spec's one space variable (time is ``time``, or ``t`` beside another variable; the
    variable of an ODE), None when it has several."""
    names = list(spec.get("variables") or {})
    time = spec.get("time") or ("t" if "t" in names and len(names) > 1 else None)
    space = [n for n in names if n != time]
    return space[0] if len(space) == 1 else None


def _domain_problems(question: str, view: PlanView) -> list[str]:
    """The interval a solve_pde spec gives a variable must be the one the question states."""
    return [f"the question has {lo:g} < {name} < {hi:g}; the plan's {name} runs over "
            f"[{a:g}, {b:g}]" for _, name, (lo, hi), (a, b) in _other_domains(question, view)]


def _other_domains(question: str, view: PlanView):
    """(step index, variable, the question's interval, the plan's) where they differ."""
    named, unnamed = stated_domain(question), unnamed_interval(question)
    for i, s in enumerate(view.steps):
        spec = s.get("args", {}).get("spec") if s.get("tool") == "solve_pde" else None
        variables = spec.get("variables") if isinstance(spec, dict) else None
        if not isinstance(variables, dict):
            continue
        stated = dict(named)
        if unnamed and (one := _only_space_variable(spec)) and one not in stated:
            stated[one] = unnamed
        for name, interval in variables.items():
            if name not in stated or not isinstance(interval, (list, tuple)) or len(interval) != 2:
                continue
            try:
                planned = tuple(float(parse_expr(str(b))) for b in interval)
            except (ParseError, ValueError, TypeError):
                continue
            if any(abs(a - b) > 1e-9 * max(1.0, abs(b)) for a, b in zip(planned, stated[name])):
                yield i, name, stated[name], planned


def _use_the_stated_domain(question: str, plan: dict) -> tuple[dict, list[str]]:
    """Each interval of a solve_pde spec that is not the one the question states for that
    variable is the question's (``-1<y<1`` planned as y in [0, 1])."""
    try:
        view = PlanView.of(plan)
    except (TypeError, ValueError, AttributeError):
        return plan, []
    changes = list(_other_domains(question, view))
    if not changes:
        return plan, []
    plan = json.loads(json.dumps(plan))
    notes = []
    for i, name, (lo, hi), (a, b) in changes:
        plan["steps"][i]["args"]["spec"]["variables"][name] = [spec_bound(lo), spec_bound(hi)]
        notes.append(f"{plan['steps'][i].get('id')}: {name} in [{a:g}, {b:g}] read as the "
                     f"question's {lo:g} < {name} < {hi:g}")
    return plan, notes


def _library_problems(question: str, view: PlanView) -> list[str]:
    """A library problem the question names (``the harmonic oscillator from the library``)
    must be the one a ``solve_pde`` step solves (its family: ``wave`` covers ``wave_slow``)."""
    from tools.pde.library import names
    text = _plain(question)
    named = [n for n in names()
             if re.search(r"\b" + r"[\s_-]+".join(map(re.escape, n.split("_"))) + r"\b", text)]
    problems = []
    for s in view.steps:
        solved = s.get("args", {}).get("problem") if s.get("tool") == "solve_pde" else None
        if not named or not isinstance(solved, str) or any(
                solved == n or solved.startswith(n + "_") or n.startswith(solved + "_")
                for n in named):
            continue
        problems.append(f"the question names the library problem {' or '.join(named)}; the "
                        f"plan solves {solved}")
    return problems


_AT_ORIGIN = re.compile(r"\b(?:at|from) the origin\b")


# "the 1D Poisson problem", "a two-dimensional Laplace problem": how many space variables
_DIMENSIONS = re.compile(r"\b([123])[- ]?d\b|\b(one|two|three)[- ]dimensional\b")


def _dimension_problems(question: str, view: PlanView) -> list[str]:
    """A PDE whose space the question counts (``1D``, ``two-dimensional``) solved over
    another number of space variables (time ``t`` is not one): a 1D Poisson problem planned
    on a square is another problem."""
    m = _DIMENSIONS.search(_plain(question))
    if not m:
        return []
    asked = int(m.group(1)) if m.group(1) else ("one", "two", "three").index(m.group(2)) + 1
    problems = []
    for s in view.steps:
        spec = s.get("args", {}).get("spec") if s.get("tool") == "solve_pde" else None
        variables = spec.get("variables") if isinstance(spec, dict) else None
        if isinstance(variables, dict):
            space = sorted(v for v in variables if v != "t")
            if space and len(space) != asked:
                problems.append(f"the question's problem is {asked}D; {s.get('id')} solves "
                                f"over {', '.join(space)}")
    return problems


def _spread_out(step: dict) -> bool:
    """Whether a solve_pde step's unknown is a field over space (a string's shape is no
    position of a particle at the origin)."""
    spec = step.get("args", {}).get("spec")
    variables = spec.get("variables") if isinstance(spec, dict) else None
    return isinstance(variables, dict) and len(variables) > 1


# boundary conditions a PDE question states in words: (kind, cue); a spec must hold that kind.
# ``u_x = 0 on`` counts only as a clause of its own, not the end of ``u_t + u_x = 0``
_CLAUSE = r"(?:^|[,;(:]|\band|\bwith|\bwhere|\bif)\s*"
_BOUNDARY_CUES = (
    ("neumann", r"insulated|no (heat )?flux|zero flux|neumann|u_x\s*\(\s*[\w.]+\s*,\s*t\s*\)"
                r"\s*=|" + _CLAUSE + r"(u_x|du/dx)\s*=\s*0\s*(at|on)\b"),
    ("dirichlet", r"held at|kept at|fixed (ends?|at)|ends? (are |is )?fixed|clamped|dirichlet"
                  r"|(ends?|edges?) do not move|vanishing at|u\s*\(\s*-?[\w.]+\s*,\s*t\s*\)\s*="
                  r"|" + _CLAUSE + r"u\s*=\s*0\s*(at|on)\b"),
    ("periodic", r"periodic|on a ring|around (a|the) circle"),
)


def _missing_conditions(question: str, view: PlanView) -> list[str]:
    text = _plain(question)
    missing = []
    for s in view.steps:
        spec = s.get("args", {}).get("spec") if s.get("tool") == "solve_pde" else None
        if not isinstance(spec, dict):
            continue
        kinds = {c.get("kind") for c in spec.get("conditions") or [] if isinstance(c, dict)}
        for kind, cue in _BOUNDARY_CUES:
            m = re.search(cue, text)
            if m and kind not in kinds and not (kind == "neumann" and "robin" in kinds):
                missing.append(f"the question states a {kind} condition ({m.group(0)!r}); the "
                               f"plan's spec has none")
    return missing


def _dropped_parameters(question: str, view: PlanView, named: list[set[str]]) -> list[str]:
    """The parameters of the spacetime a question names (M of Schwarzschild) when the
    question gives them no value and a plan without a catalogue metric writes none of them:
    it answers for a mass (charge, spin) nobody asked about."""
    if view.curvature() or not named or not all(named) or not view.text().strip() or re.search(r"\bsun\b|solar|m_sun|m_⊙|\bkm\b|\bkg\b",
                                                   _plain(question)):
        return []
    params = set().union(*(PARAMETERS.get(n, set()) for names in named for n in names))
    params -= {"l", "a"} if "M" in params else set()     # the mass at least must stay
    if not params or params & _assigned(question):
        return []
    return [] if params & _plan_symbols(view) else sorted(params)


_ONE = (r"\b(?:outer|inner|outermost|innermost|event|black[- ]hole|cosmological) horizon\b(?!s)"
        r"|\br_[+-](?![\w-])|\br_\{[+-]\}")
_ALL = (r"horizons|radii|roots|\bboth\b|\ball\b|every|orbits\b|extrema|inner and outer|"
        r"r_- and r_\+|r_\+ and r_-|where are they")


def _orbit_constants_left(question: str, view: PlanView, outputs: dict) -> list[str]:
    """A radius asked for (the photon sphere, the ISCO) that the answer gives in terms of an
    orbit's angular momentum L the question never gives: the plan's potential is not the one
    whose extremum the radius is (light's f/r^2 with an L^2/r^2 added)."""
    final = outputs.get(view.final.get("id"))
    if (final is None or "L" in _question_symbols(question) or not _radius_asked(question)
            or re.search(r"angular momentum", _plain(question))
            or not re.search(r"(?<![\w.])L(?!\w)",                # not a solve's key
                             re.sub(r"['\"]?\b\w+['\"]?\s*:", " ", str(final)))):
        return []
    return ["the radius asked for is given in terms of an angular momentum L, which the "
            "question does not give"]


def _count_problems(question: str, view: PlanView, outputs: dict) -> list[str]:
    """One value asked for (the outer horizon) and a list given, or all of them asked for
    (the horizons, the photon orbits) and one picked out of several."""
    final = outputs.get(view.final.get("id"))
    if final is None:
        return []
    text = _plain(question)
    wrong_root = [f"the question asks for the {'outer' if largest else 'inner'} horizon; "
                  f"{sid} takes {source}[{i}], not the {'largest' if largest else 'smallest'} "
                  f"root {source}[{k}]" for sid, source, i, k, largest
                  in _other_roots(question, view, outputs)]
    if wrong_root:
        return wrong_root
    one, every = re.search(_ONE, text), re.search(_ALL, text)
    if one and not every and isinstance(final, list) and len(final) > 1:
        return [f"the question asks for one value ({one.group(0)}); the answer lists "
                f"{len(final)}"]
    if every and not isinstance(final, list):
        picked = re.fullmatch(r"\s*\$(s\w+)\[\d+\]\s*",
                              str(view.final.get("args", {}).get("expression", "")))
        source = outputs.get(picked.group(1)) if picked else None
        if isinstance(source, list) and len(source) > 1:
            return [f"the question asks for all of them ({every.group(0)}); the plan keeps one "
                    f"of {len(source)}"]
    return []


_OUTER = r"\b(?:outer|outermost) horizon\b(?!s)|\br_\+(?![\w-])|\br_\{\+\}"
_INNER = r"\b(?:inner|innermost) horizon\b(?!s)|\br_-(?![\w-])|\br_\{-\}"


def _other_roots(question: str, view: PlanView, outputs: dict):
    """(step id, solve step id, index taken, index asked for, outer?) for each ``$sK[i]`` a
    step takes from a solve for r with several roots, when the question asks for the outer
    (inner) horizon and root i is not the largest (smallest): the surface gravity of the outer
    horizon of Reissner-Nordström evaluated at r_-."""
    text = _plain(question)
    outer, inner = re.search(_OUTER, text), re.search(_INNER, text)
    if bool(outer) == bool(inner):
        if not _of_the_event_horizon(question):
            return
        outer, inner = True, False
    solves = {st.get("id") for st in view.steps if st.get("tool") == "solve"
              and list(st.get("args", {}).get("variables") or []) == ["r"]}
    for st in view.steps:
        for m in re.finditer(r"\$(s\w+)\[(\d+)\](?![\w.\[])", json.dumps(st.get("args"))):
            roots = outputs.get(m.group(1))
            if m.group(1) not in solves or not isinstance(roots, list) or len(roots) < 2:
                continue
            k = _extreme(roots, largest=bool(outer))
            if k is not None and k != int(m.group(2)):
                yield st.get("id"), m.group(1), int(m.group(2)), k, bool(outer)


_HORIZON_QUANTITY = (r"surface gravity|\\kappa\b|κ|hawking|temperature|\barea\b|entropy|"
                     r"angular velocity of the horizon|horizon angular velocity")


def _of_the_event_horizon(question: str) -> bool:
    """Whether the question asks for a quantity of a two-horizon hole's horizon (surface
    gravity, temperature, area, angular velocity) and names neither horizon in words, or both
    only in a formula (kappa = (r_+ - r_-)/...): the black hole's is the event horizon's, the
    outer one (Schwarzschild-de Sitter, whose largest root is the cosmological horizon, aside)."""
    text = _plain(question)
    if re.search(r"\b(?:outer|outermost|inner|innermost|cauchy|cosmological|event) horizon", text):
        return False
    named = spacetimes(question)
    return (bool(re.search(_HORIZON_QUANTITY, text)) and len(named) == 1
            and bool(named[0]) and named[0] <= {"reissner_nordstrom", "kerr", "kerr_newman"})


def settle_count(question: str, plan: dict, outputs: dict) -> tuple[dict, list[str]]:
    """``plan``, once run, with the count of its answer settled by the question, and what was
    changed (nothing: the count is right, or the question cannot settle it):

    * all of them asked for (the radii of the photon orbits) and one picked out of a solve's
      several: the answer is the solve's list;
    * the outer (inner) horizon asked for and a list of roots given: the answer is the root
      that is largest (smallest) at every sampled value of the parameters (M in [1, 2], the
      others in [0.1, 0.5], where a Kerr or Reissner-Nordström hole has two horizons).
    """
    view = PlanView.of(plan)
    final_id = view.final.get("id")
    final, text = outputs.get(final_id), _plain(question)
    if final is None or not _count_problems(question, view, outputs):
        return plan, []
    steps = plan.get("steps", [])
    if others := list(_other_roots(question, view, outputs)):   # the other horizon taken
        swaps = {f"${source}[{i}]": f"${source}[{k}]" for _, source, i, k, _ in others}
        pattern = re.compile("|".join(re.escape(w) + r"(?![\w.\[])" for w in swaps))

        def swap(value):
            if isinstance(value, dict):
                return {key: swap(v) for key, v in value.items()}
            if isinstance(value, list):
                return [swap(v) for v in value]
            return pattern.sub(lambda m: swaps[m.group(0)], value) \
                if isinstance(value, str) else value
        return ({**plan, "steps": [{**st, "args": swap(st.get("args", {}))} for st in steps]},
                [f"{sid}: the {'outer' if largest else 'inner'} horizon is {source}[{k}], the "
                 f"{'largest' if largest else 'smallest'} root (not {source}[{i}])"
                 for sid, source, i, k, largest in others])
    if isinstance(final, list):                  # one asked for, several given
        outer, inner = re.search(_OUTER, text), re.search(_INNER, text)
        if bool(outer) == bool(inner):
            return plan, []
        k = _extreme(final, largest=bool(outer))
        if k is None:
            return plan, []
        new = f"s{len(steps) + 1}"
        while any(st.get("id") == new for st in steps):
            new += "b"
        step = {"id": new, "tool": "simplify", "args": {"expression": f"${final_id}[{k}]"}}
        return ({**plan, "steps": [*steps, step], "final": new},
                [f"{new}: the {'outer' if outer else 'inner'} horizon picked out of "
                 f"{final_id}'s {len(final)} roots ({'largest' if outer else 'smallest'})"])
    picked = re.fullmatch(r"\s*\$(s\w+)\[\d+\]\s*",
                          str(view.final.get("args", {}).get("expression", "")))
    used = " ".join(json.dumps(st.get("args")) for st in steps if st.get("id") != final_id)
    if not picked or re.search(rf"\${re.escape(str(final_id))}\b", used):
        return plan, []
    return ({**plan, "steps": [st for st in steps if st.get("id") != final_id],
             "final": picked.group(1)},
            [f"{final_id} (one of {picked.group(1)}'s values) left out: the question asks "
             f"for all of them"])


def _extreme(values: list, largest: bool) -> int | None:
    """The index of the largest (smallest) of ``values`` at every sample of its symbols,
    None when they are not all real there or the order changes."""
    try:
        exprs = [parse_expr(str(v)) for v in values]
    except (ParseError, ValueError):
        return None
    names = sorted({str(x) for e in exprs for x in e.free_symbols})
    rng, found = random.Random(3), set()
    for _ in range(3):
        sample = {n: rng.uniform(1.0, 2.0) if n == "M" else rng.uniform(0.1, 0.5)
                  for n in names}
        try:
            numbers = [complex(e.xreplace({x: sample[str(x)] for x in e.free_symbols}).evalf())
                       for e in exprs]
        except (TypeError, ValueError):
            return None
        if any(abs(z.imag) > 1e-9 * max(1.0, abs(z)) for z in numbers):
            return None
        reals = [z.real for z in numbers]
        found.add((max if largest else min)(range(len(reals)), key=reals.__getitem__))
    return found.pop() if len(found) == 1 else None


@functools.lru_cache(maxsize=4096)
def _plain(text: str) -> str:
    """``text`` lower-case, without accents or long dashes, its misspelt keywords mended
    (:func:`mend_typos`)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))      # Gödel: godel
    return mend_typos(text.replace("–", "-").replace("—", "-").lower())


def mend_typos(text: str) -> str:
    """``text`` (lower-case) with each word of five letters or more that is one slip of the
    keyboard away from exactly one word this module reads -- a letter doubled, dropped or
    swapped with the next, never the first or the last letter -- written as that word:
    "horrizon", "srface gravity", "Schwarzchild" are read as what they mean. LaTeX commands
    and words read already are left alone, and so are endings ("horizons", "photo").

    >>> mend_typos("what is the horrizon radius of schwarzchild? its srface gravity?")
    'what is the horizon radius of schwarzschild? its surface gravity?'
    >>> print(mend_typos(r"a table of stable orbits; horizons; \\lamda"))
    a table of stable orbits; horizons; \\lamda
    """
    return _WORD.sub(lambda m: _mended(m.group()), text)


_WORD = re.compile(r"(?<![\\a-z])[a-z]{5,}(?![a-z])")


@functools.lru_cache(maxsize=None)
def _mended(word: str) -> str:
    words = _keywords()
    if word in words:
        return word
    found = {word[:i] + word[i + 1:] for i in range(1, len(word) - 1)          # doubled
             if word[i] in (word[i - 1], word[i + 1])}
    found |= {word[:i] + c + word[i:] for i in range(1, len(word))            # dropped
              for c in "abcdefghijklmnopqrstuvwxyz"}
    found |= {word[:i] + word[i + 1] + word[i] + word[i + 2:]                 # swapped
              for i in range(1, len(word) - 2)}
    found &= words
    return found.pop() if len(found) == 1 else word


@functools.lru_cache(maxsize=1)
def _keywords() -> frozenset[str]:
    """The words of five letters or more in the patterns this module reads questions with."""
    patterns = ([a.pattern for a in QUANTITIES + DERIVED] + [p for p, _ in SPACETIMES]
                + [_ABOUT_THE_LITERATURE, _AT_A_POINT, _NULL_ORBITS, _YES_NO, _LITERATURE_ONLY,
                   *_NULL_WORDS])
    return frozenset(w for p in patterns
                     for w in re.findall(r"[a-z]{5,}", re.sub(r"\\[a-zA-Z]", " ", p)))


_CATALOGUE_NAME = re.compile(r"[A-Za-z][\w -]*")     # kerr, Reissner-Nordstrom: no line element


@functools.lru_cache(maxsize=None)
def _free_functions(metric: str) -> frozenset[str]:
    """The undefined functions a catalogue spacetime is written with (Phi(r) and b(r) of
    Morris-Thorne, a(t) of FLRW): it is a family, not the one metric a line element states.
    Empty for a line element or an unknown name."""
    if not _CATALOGUE_NAME.fullmatch(metric):
        return frozenset()
    from sympy.core.function import AppliedUndef
    from tools.gr import catalog
    try:
        components = catalog.get(metric).components
    except ValueError:                      # not a catalogue name: nothing to say
        return frozenset()
    return frozenset(f.func.__name__ for f in components.atoms(AppliedUndef))


def _has_line_element(question: str) -> bool:
    return bool(re.search(r"ds\s*(\^\s*2|²)|d[a-zθφρχητ]\^?2.*d[a-zθφρχητ]\^?2", question,
                          re.IGNORECASE))


# ---------------------------------------------------------------------- the check
# words of a question that asks for more than the component it writes (match G_tt to rho and
# find the exponent): its plan may go on to solve for a symbol it does not name
_BEYOND_A_COMPONENT = (r"\b(?:match|exponent|power|find|get|determin|solv|obtain|which|what "
                       r"value|rate|grow|fix|relat)")


def _asked_quantities(text: str) -> list[Ask]:
    """The curvature quantities ``text`` (plain) asks for; a yes/no property (Ricci-flat,
    conformally flat) only when the question is a yes/no one about properties alone."""
    asked = [a for a in QUANTITIES if _asks(a, text)]
    if any(a.holds not in _CLAIMS for a in asked) or not re.search(_YES_NO, text):
        asked = [a for a in asked if a.holds not in _CLAIMS]
    return asked


# a question about papers, books, people, conventions or meaning, which the literature
# answers even when it names a quantity (who first computed the Kretschmann scalar of Kerr?
# what does it tell us about the singularity?)
_ABOUT_THE_LITERATURE = (r"\bwho\b|\bwhen\b|\bwhich (?:paper|article|book|author)|\bcit(?:e|ation)"
                         r"|\breference|\bpaper|\bhistor|\bfirst\b|\bdiscover|\bpublish"
                         r"|\bliterature|\breview|\bbook|\bconvention|\b(?:his|her|their)\b"
                         r"|\bwhy\b|\bhow (?:does|do|is|can|should)|\bexplain|\bmean|\binterpret"
                         r"|\bwhat does|\btell (?:us|me) about|\bintuition|\bphysical")


def _quoted_instead(question: str, text: str) -> list[Check]:
    """A plan that only quotes the literature for a question the tools answer: a curvature
    quantity or component of a catalogue spacetime the question names, or of the line
    element it writes (``Is Reissner-Nordström a vacuum solution?`` is computed, not
    quoted). Nothing to say otherwise (who found it, what it is)."""
    if re.search(_ABOUT_THE_LITERATURE, text):
        return []
    named = spacetimes(question)
    asked = [a.what for a in _asked_quantities(text)] + [
        f"{kind} {','.join(idx)}" for kind, idx in components(question)]
    if not asked or not ((named and all(named)) or _has_line_element(question)):
        return []
    return _verdict(asked, [f"the question asks for {', '.join(asked)}, which the curvature "
                            f"tool computes; the plan only quotes the literature"])


# the words before "x = a" that make a the point to expand about, not what x stands for
_ABOUT_A_POINT = r"(?:about|around|at|near|point|from|to|of|with respect to)\s*$"


def _points_that_define(question: str, view: PlanView) -> list[tuple[str, str]]:
    """(variable, point) of each series step that expands about what the question defines
    its variable to be: "in u = 1/r" expanded about u = 1/r, not about u = 0 (small u)."""
    text = question.replace("**", "^")
    found = []
    for step in view.steps:
        args = step.get("args", {}) if step.get("tool") == "series" else {}
        variable = str(args.get("variable") or "")
        point = re.sub(r"\s+", "", str(args.get("point") or "")).replace("**", "^")
        if not variable or not re.search(r"[A-Za-z]", point.replace("pi", "")):
            continue                    # a number is a point to expand about, not a meaning
        written = r"\s*".join(re.escape(ch) for ch in point)
        for m in re.finditer(rf"(?<![\w^_]){re.escape(variable)}\s*:?=\s*{written}(?![\w(])",
                             text):
            if not re.search(_ABOUT_A_POINT, text[:m.start()].lower()):
                found.append((variable, str(args.get("point"))))
                break
    return found


def check_relevance(question: str, plan: dict, outputs: dict | None = None) -> list[Check]:
    """One check that ``plan`` computes what ``question`` plainly asks for (none when the
    question states nothing this module reads); ``outputs`` (step id -> value), once the
    plan has run, let it also count the values the answer gives."""
    view, text = PlanView.of(plan), _plain(question)
    if set(view.tools()) <= {"search_literature"}:
        return _quoted_instead(question, text)
    problems: list[str] = []
    read: list[str] = []
    asked_components = components(question)
    for kind, idx in asked_components:
        read.append(f"{kind} {','.join(idx)}")
        ok = any(a.get("quantity") == kind and a.get("component")
                 and _same_component(kind, idx, [c.strip() for c in
                                                 str(a["component"]).split(",")])
                 for a in view.curvature())
        if not ok:                          # a component comes only from the curvature tool
            problems.append(f"the question asks for the component {kind} {','.join(idx)}; "
                            f"the plan computes " + ("; ".join(
                                f"{a.get('quantity')} {a.get('component') or '(all)'}"
                                for a in view.curvature()) or "no curvature"))
    final = view.final.get("args", {}) if view.final.get("tool") == "solve" else {}
    unknowns = [str(v) for v in final.get("variables") or []]
    if (asked_components and unknowns and not re.search(_BEYOND_A_COMPONENT, text)
            and not set(unknowns) & (_question_symbols(question) | _COORDS)):
        problems.append(f"the question asks for the component {asked_components[0][0]} "
                        f"{','.join(asked_components[0][1])}; the plan's answer solves for "
                        f"{', '.join(unknowns)}, which the question does not mention")
    more_read, more = _quantity_problems(question, text, view)
    read, problems = read + more_read, problems + more
    named = spacetimes(question)
    allowed = _ALWAYS | _question_symbols(question) | set().union(
        *(PARAMETERS.get(n, set()) for names in named for n in names))
    catalogue_names = {a.get("metric") for a in view.curvature()}
    allowed |= set().union(*(PARAMETERS.get(n, set()) for n in catalogue_names))
    leaked = sorted(_plan_symbols(view) - allowed - catalogue_names)
    if leaked:
        read.append("its symbols")
        problems.append(f"the plan uses {', '.join(leaked)}, which the question does not "
                        f"mention")
    for variable, point in _points_that_define(question, view):
        read.append("the expansion point")
        problems.append(f"the question defines {variable} = {point}; the plan expands about "
                        f"{variable} = {point} instead of about {variable} = 0")
    assigned = _assigned(question) - view.variables()     # a limit M -> 1 sets it too
    expressions = _plan_symbols(view, metrics=False)
    kept = sorted(assigned & expressions)
    if kept:
        read.append("its given values")
        problems.append(f"the question gives {', '.join(kept)} a value; the plan keeps "
                        f"{'it' if len(kept) == 1 else 'them'} as a symbol")
    for a in view.curvature():
        unset = sorted(assigned & PARAMETERS.get(a.get("metric"), set())
                       - set(a.get("parameters") or {}))
        if unset:
            read.append("its given values")
            problems.append(f"the question sets {', '.join(unset)}; the plan's {a['metric']} "
                            f"does not (parameters)")
    asked_d = _differentials(question) if _has_line_element(question) else set()
    for a in view.curvature():
        planned_d = _differentials(a.get("metric", ""))
        if asked_d and planned_d and asked_d - planned_d:
            read.append("the line element")
            problems.append(f"the question's line element has d{', d'.join(sorted(asked_d))}; "
                            f"the plan's has d{', d'.join(sorted(planned_d))}")
    if _has_line_element(question):
        for a in view.curvature():
            free = sorted(_free_functions(str(a.get("metric", "")))
                          - _question_functions(question))
            if free:
                read.append("the line element")
                problems.append(f"the question writes its line element; the plan's "
                                f"{a['metric']} leaves {', '.join(free)} free, which the "
                                f"question does not have")
    dropped = _dropped_parameters(question, view, named)
    if dropped:
        read.append("its symbols")
        problems.append(f"the question gives {', '.join(dropped)} no value; the plan has none "
                        f"of {', '.join(dropped)}")
    for setting in _unstated_parameters(question, view):
        read.append("its given values")
        problems.append(f"the plan sets {setting}, which the question does not give")
    for idle in _idle_steps(view) + _repeated_steps(view):
        read.append("its steps")
        problems.append(idle)
    for problem in (_unasked_points(question, view) + _unevaluated(question, view)
                    + _unused_ends(question, view) + _foreign_coordinates(question, view)
                    + _unasked_photon_sphere(question, view) + _unasked_rate(question, view)
                    + _rest_problems(question, view)
                    + _library_problems(question, view) + _domain_problems(question, view)
                    + _dimension_problems(question, view)):
        read.append("its steps")
        problems.append(problem)
    for missing in _missing_conditions(question, view):
        read.append("its conditions")
        problems.append(missing)
    for problem in _not_a_radius(question, view) + _series_variable(question, view):
        read.append("what it answers")
        problems.append(problem)
    for problem in _count_problems(question, view, outputs or {}):
        read.append("how many values it asks for")
        problems.append(problem)
    for problem in _orbit_constants_left(question, view, outputs or {}):
        read.append("what it answers")
        problems.append(problem)
    for problem in _horizon_problems(question, view, named):
        read.append("the horizon equation")
        problems.append(problem)
    for problem in stated_problems(question, plan):
        read.append("its formulas")
        problems.append(problem)
    for problem in _fluid_problems(question, view):
        read.append("its fluid")
        problems.append(problem)
    stray = _stray_numbers(question, view)
    if stray:
        read.append("its numbers")
        problems.append(f"the plan uses {', '.join(stray)}, which the question does not give "
                        f"(nor any product of its numbers)")
    unused = _unused_measures(question, view)
    if unused:
        read.append("its numbers")
        problems.append(f"the question gives {', '.join(unused)} (with units); the plan uses "
                        f"{'it' if len(unused) == 1 else 'them'} nowhere")
    metrics = [str(a.get("metric", "")) for a in view.curvature()]
    catalogue = [_catalogue_name(m) for m in metrics if not _written_out(m)]
    if named and catalogue:
        # "Schwarzschild in Kruskal coordinates" names one chart of the spacetime it names
        allowed = set().union(*(n for n in named if not any(o < n for o in named if o)))
        read.append("the spacetime")
        wrong = [m for m in catalogue if m not in allowed or _unqualified(question, m)]
        if wrong:
            problems.append(f"the question is about {_named(question)}; the plan computes "
                            f"with {', '.join(wrong)}")
    return _verdict(read, problems)


def _planned(view: PlanView) -> str:
    return ", ".join(sorted(q for q in view.quantities() if q)) or "no curvature"


def _quantity_problems(question: str, text: str, view: PlanView, example: bool = False
                       ) -> tuple[list[str], list[str]]:
    """(what was read, problems) of the curvature and derived quantities ``text`` (the
    question, plain) asks for, or works through: each has the steps it needs. Of an
    ``example`` plan (:func:`shaped_for`) the steps of every derived quantity are asked, with
    curvature steps or without unless the question asks for a curvature quantity too, and
    those of the curvature quantities asked for not at all."""
    read, problems = [], []
    asked, written = _asked_quantities(text), components(question)
    computed = bool(asked or written)              # curvature steps are the plan's own
    if written:
        asked = [a for a in asked if a.what not in ("the Christoffel symbols",
                                                    "the Einstein tensor", "the Riemann tensor")]
    for ask in _means(text, asked):
        asked.remove(ask)
        read.append(f"{ask.what} (as a means)")
        final = view.final.get("args", {}) if view.final.get("tool") == "curvature" else {}
        if final.get("quantity") == ask.needs:           # the whole of it or a component
            problems.append(f"the question uses {ask.what} only on the way to its answer; "
                            f"the plan's answer is {ask.what}")
        elif not ask.holds(view):
            problems.append(f"the question works through {ask.what}; the plan computes "
                            f"{_planned(view)}")
    for ask in asked if not example else ():
        read.append(ask.what)
        if not ask.holds(view):
            problems.append(f"the question asks for {ask.what}; the plan computes "
                            f"{_planned(view)}")
    for ask in DERIVED:
        if _asks(ask, text):
            read.append(ask.what)
            if ((ask.any_plan or _curvature_free(view) or example and not computed)
                    and not ask.holds(view)):
                problems.append(f"the question asks for {ask.what}: {ask.needs}")
    return read, problems


def shaped_for(question: str, plan: dict) -> bool:
    """Whether ``plan`` takes the steps by which ``question`` plainly asks its answer to be
    found -- a derived quantity (the extremum of f/r^2 for a photon sphere, V' = V'' = 0 for
    the ISCO, f(r) = 0 for a horizon...), evaluated where one is found when it asks for a
    value there and not when it asks only where, a curvature step for a curvature quantity
    (in a follow-up too) and a limit for one at r = ..., a curvature quantity it works through
    (the Christoffel symbols for Omega^2), a search of the literature for a question about
    it (who, when, why...) and nothing else for one that asks only why or for an explanation
    or references, no photon sphere for a question about no light, a solve for the parameter
    it asks for ("which exponent p"), and a differential equation solved (``dsolve`` or
    ``solve_pde``) where the question writes one out and asks to solve it, in closed form
    where it gives initial data and no interval -- whatever the plan's numbers and symbols,
    the question's misspelt keywords read as meant (:func:`mend_typos`). The planner shows a solved
    example of that shape (another question's plan) in its prompt rather than the nearest
    one in wording alone, which is sometimes another intent's (the same spacetime's
    curvature for its horizon; a de Sitter solve for "integrate a'' = ..."). Which
    curvature quantity, component or spacetime is left to the nearest example: the planner
    changes a quantity it is shown far more reliably than the spacetime it copies (measured
    on held-out questions).

    >>> horizon = {"steps": [{"id": "s1", "tool": "solve", "args": {
    ...     "equations": ["1 - 2*M/r = 0"], "variables": ["r"]}}], "final": "s1"}
    >>> kretschmann = {"steps": [{"id": "s1", "tool": "curvature", "args": {
    ...     "metric": "kerr", "quantity": "kretschmann"}}], "final": "s1"}
    >>> q = "Where is the horizon of Reissner-Nordstrom, f = 1 - 2M/r + Q^2/r^2?"
    >>> shaped_for(q, horizon), shaped_for(q, kretschmann)
    (True, False)
    >>> quoted = {"steps": [{"id": "s1", "tool": "search_literature", "args": {
    ...     "query": "horizon"}}], "final": "s1"}
    >>> shaped_for(q, quoted), shaped_for("Why does Kerr have two horizons?", quoted)
    (False, True)
    """
    view, text = PlanView.of(plan), _plain(question)
    about_literature = re.search(_ABOUT_THE_LITERATURE, text)
    curvature = _asked_quantities(text) or components(question)
    if set(view.tools()) <= {"search_literature"}:
        computable = re.search(r"[=\d]", question) and any(_asks(a, text) for a in DERIVED)
        return not (_quoted_instead(question, text) or (computable or curvature)
                    and not about_literature)
    if _literature_only(question, text):
        return False
    if (any(s.get("tool") == "solve_pde" and "spec" in s.get("args", {}) for s in view.steps)
            and wants_closed_form(question)):
        return False
    if (re.search(_ISCO_RADIUS, text) and view.final.get("tool") not in ("solve", "simplify")
            and [a.pattern for a in DERIVED if _asks(a, text)] == [_ISCO]):
        return False                      # the radius alone, not a value there
    return not (curvature and not about_literature and not view.curvature()
                or curvature and re.search(_AT_A_RADIUS, text) and "limit" not in view.tools()
                or _quantity_problems(question, text, view, example=True)[1]
                or _unasked_photon_sphere(question, view) or _unasked_rate(question, view)
                or unsolved_problems(question, plan))


# "... at r = 2M": a curvature quantity evaluated at a radius
_AT_A_RADIUS = r"\b(?:at|on) r ?= ?[^\s,?.;]"
# where the ISCO is, and nothing more ("Derive r_ISCO from V", "Work out the ISCO radius")
_ISCO_RADIUS = r"^(?!.*\b(?:and|then|at the)\b).*(?:\br_\{?isco|\bradius|\bwhere\b)"
# a question for the literature, not the tools: why, explain, an overview, references...
_LITERATURE_ONLY = (r"\bwhy\b|\bhow come\b|\bexplain|\boverview\b|\breferences?\b|\bsources\b"
                    r"|\bcite\b|\bwho\b|\bhistory\b|^\W*(?:\w+\W+){0,3}?what (?:is|are) "
                    r"(?:the |an? )?[\w' -]+?(?:solution|problem|paradox|conjecture|theorem"
                    r"|principle)s?\W*$")
_TO_COMPUTE = (r"\b(?:compute|calculate|derive|find|evaluate|work out|solve|integrate|determine|"
               r"show that|verify|check|value|expand|plot)\b")


def _literature_only(question: str, text: str) -> bool:
    """Whether ``question`` asks the literature only -- why something is so, an explanation,
    an overview, references -- with no number, equation, formula or computation in it."""
    return bool(re.search(_LITERATURE_ONLY, text) and not re.search(r"[=\d^]", question)
                and not re.search(_TO_COMPUTE, text) and not components(question)
                and not _has_line_element(question))


def keeps_line_element(question: str, plan: dict) -> bool:
    """Whether ``plan``'s curvature steps take their metric written out, as ``question`` does
    when it writes out a line element (a catalogue name there is often another spacetime: the
    catalogue's sphere is the 2-sphere of a question about the round 3-sphere).

    >>> q = "Ricci scalar of ds^2 = a^2[dchi^2 + sin^2 chi (dtheta^2 + sin^2 theta dphi^2)]"
    >>> sphere = {"steps": [{"id": "s1", "tool": "curvature", "args": {
    ...     "metric": "sphere", "quantity": "ricci_scalar"}}], "final": "s1"}
    >>> keeps_line_element(q, sphere), keeps_line_element("Ricci scalar of the 2-sphere", sphere)
    (False, True)
    """
    return not _has_line_element(question) or all(
        _written_out(str(a.get("metric", ""))) for a in PlanView.of(plan).curvature())


def _written_out(metric: str) -> bool:
    """Whether a plan's metric is a line element, not a catalogue name (schwarzschild_de_sitter
    is a name, though it has d_d in it)."""
    return not re.fullmatch(r"\s*[A-Za-z][\w-]*\s*", metric)


# a flat FLRW power law a = t^p filled with a fluid of rho ∝ a^-n, n = 3(1 + w); a plan that
# matches G_tt ∝ t^-2 to rho writes the density's time dependence as t^(-n p) (or t^(n p))
_RHO = r"(?:ρ|\\rho|rho)"
_DENSITY_LAW = re.compile(_RHO + r"\s*(?:∝|\\propto|~|\\sim|propto|goes as|scales as)\s*a\s*"
                          r"(?:\^\s*\(?\s*-\s*(\d+(?:\.\d+)?)(?=\s*(?:\)|$|[\s.,;:]))|"
                          r"⁻\s*([³⁴⁶²]))")
_W = re.compile(r"(?<![\w\\])w\s*=\s*(-?\s*\d+(?:\.\d+)?(?:\s*/\s*\d+)?)")
_PRESSURE = re.compile(r"(?<![\w\\])p\s*=\s*(?:(\d+(?:\.\d+)?)\s*\*?\s*)?" + _RHO
                       + r"(?:\s*/\s*(\d+))?")
_FLUIDS = ((r"\bradiation\b|\bphoton gas\b|ultra-?relativistic", 4),
           (r"\bdust\b|pressureless|matter[- ]dominated|\bmatter era\b", 3), (r"\bstiff\b", 6))
_SUPERSCRIPT = {"²": 2, "³": 3, "⁴": 4, "⁶": 6}


def _stated_density_power(question: str) -> sp.Rational | None:
    """n of the question's rho ∝ a^-n: said outright, through w or p = w rho, or by the
    fluid's name (radiation 4, dust 3, stiff 6)."""
    text = question.replace("{", "").replace("}", "")
    if m := _DENSITY_LAW.search(text):
        return sp.Rational(m.group(1)) if m.group(1) else sp.Integer(_SUPERSCRIPT[m.group(2)])
    if m := _W.search(text):
        return 3 * (1 + sp.Rational(m.group(1).replace(" ", "")))
    if m := _PRESSURE.search(text):
        w = sp.Rational(m.group(1) or 1) / sp.Rational(m.group(2) or 1)
        return 3 * (1 + w)
    found = {n for pattern, n in _FLUIDS if re.search(pattern, _plain(question))}
    return sp.Integer(found.pop()) if len(found) == 1 else None


def _fluid_problems(question: str, view: PlanView) -> list[str]:
    """For a flat power-law FLRW universe of a stated fluid, the powers t^(k p) that the plan
    writes for the density must have |k| = n of the question's rho ∝ a^-n."""
    metrics = " ".join(str(a.get("metric", "")) for a in view.curvature())
    if not re.search(r"t\s*\^\s*\(?\s*2\s*\*?\s*p\b", metrics):
        return []
    stated = _stated_density_power(question)
    if stated is None:
        return []
    t, p = sp.Symbol("t", real=True), sp.Symbol("p", real=True)
    planned = set()
    for step in view.steps:
        for text in re.split(r" ; |=", view.text(step)):
            try:
                expr = parse_expr(REFERENCE.sub("S", text))
            except (ParseError, ValueError):
                continue
            for power in expr.atoms(sp.Pow):
                k = sp.simplify(power.exp / p) if power.base == t else None
                if k is not None and k.is_number and k != 0:
                    planned.add(abs(k))
    if planned and stated not in planned:
        return [f"the question's fluid has rho ∝ a^-{stated}; the plan's density goes as "
                f"t^(-{', '.join(map(str, sorted(planned)))} p)"]
    return []


# the function whose zeros are the horizons, of the holes whose plans solve for them in r
HORIZONS = {"schwarzschild": "r - 2*M", "reissner_nordstrom": "r^2 - 2*M*r + Q^2",
            "kerr": "r^2 - 2*M*r + a^2", "kerr_newman": "r^2 - 2*M*r + a^2 + Q^2"}
_ABOUT_HORIZONS = (r"horizon|surface gravity|hawking|temperature|\bkappa\b|κ|\\kappa|entropy|"
                   r"\barea\b")


def _horizon_problems(question: str, view: PlanView, named: list[set[str]]) -> list[str]:
    """A question about the horizons of a Schwarzschild, Reissner-Nordström, Kerr or
    Kerr-Newman hole: an equation of degree one or two in r that the plan solves for r, or
    such a function it differentiates in r, must be that hole's (``r^2 - 2Mr + a^2`` for
    Kerr, the question's values put in)."""
    return [f"the horizons of {hole} are the zeros of {sp.sstr(expected)}; the plan "
            f"{'solves' if view.steps[i]['tool'] == 'solve' else 'differentiates'} {written}"
            for i, written, hole, expected, _ in _horizon_mismatches(question, view, named)]


def _horizon_mismatches(question: str, view: PlanView, named: list[set[str]]):
    """(step index, equation or expression as written, hole, the hole's horizon function, the
    question's values put into it) for each one in r whose zeros are not the hole's (see
    :func:`_horizon_problems`)."""
    holes = [n & HORIZONS.keys() for n in named]
    if (len(holes) != 1 or len(holes[0]) != 1 or not re.search(_ABOUT_HORIZONS, _plain(question))
            or re.search(r"ergo|static limit|g_\{?tt", _plain(question))):
        return
    (hole,) = holes[0]
    given, known = given_values(question), parse_expr(HORIZONS[hole])
    for i, step in enumerate(view.steps):
        args = step.get("args", {})
        if step.get("tool") == "solve" and list(args.get("variables") or []) == ["r"]:
            equations = args.get("equations") or []
        elif step.get("tool") == "differentiate" and args.get("variable") == "r":
            equations = [args.get("expression")]           # Delta'(r_+) of a surface gravity
        else:
            continue
        for equation in equations:
            residual = _residual(equation)
            if residual is None:
                continue
            kept = {str(s) for s in residual.free_symbols}     # a value may be put in later
            values = {str(s): given[str(s)] for s in known.free_symbols
                      if str(s) in given and str(s) not in kept}
            expected = known.xreplace({s: values[str(s)] for s in known.free_symbols
                                       if str(s) in values})
            missing = {str(s) for s in expected.free_symbols} - kept
            if missing and (missing <= _assigned(question)      # set in words (Q = M)
                            or len(kept) >= len(expected.free_symbols)):   # renamed (m, e)
                continue                        # cannot tell
            if not _same_zeros(residual, expected):
                yield i, equation, hole, expected, values


def _compute_instead_of_quoting(question: str, plan: dict) -> tuple[dict, list[str]]:
    """A plan that only quotes the literature for one curvature quantity (or component) of
    the one catalogue spacetime the question names computes it instead (see
    :func:`_quoted_instead`)."""
    steps = plan.get("steps", [])
    text = _plain(question)
    if (not steps or {s.get("tool") for s in steps} != {"search_literature"}
            or _has_line_element(question) or not _quoted_instead(question, text)):
        return plan, []
    named = spacetimes(question)
    fits = sorted(m for m in named[0] if not _unqualified(question, m)) if len(named) == 1 else []
    asked = [{"quantity": a.needs} for a in _asked_quantities(text)]
    asked += [{"quantity": kind, "component": ",".join(idx)}
              for kind, idx in components(question)]
    if len(fits) != 1 or len(asked) != 1:
        return plan, []
    step = {"id": "s1", "tool": "curvature", "args": {"metric": fits[0], **asked[0]}}
    what = " ".join(asked[0].values())
    return ({"steps": [step], "final": "s1"},
            [f"the literature search replaced by the curvature tool: {what} of {fits[0]}, "
             f"which the question names"])


def _use_the_written_line_element(question: str, plan: dict) -> tuple[dict, list[str]]:
    return amend_line_element(question, plan, lambda metric: set(
        _free_functions(metric) - _question_symbols(question)))


def _use_the_named_hole(question: str, plan: dict) -> tuple[dict, list[str]]:
    """Each horizon function in r the plan writes (Delta = 0 solved, Delta differentiated)
    that is a polynomial whose zeros are not those of the hole the question names is that
    hole's, the question's values put in; where the plan writes the same function again it
    is replaced too. A rational function (f = Delta/r^2) is left to the planner."""
    try:
        view = PlanView.of(plan)
    except (TypeError, ValueError, AttributeError):
        return plan, []
    notes, swaps = [], {}
    for _, written, hole, _, values in _horizon_mismatches(question, view, spacetimes(question)):
        sides = [side.strip() for side in str(written).split("=")]
        if len(sides) == 2 and sides[1] != "0":
            continue                            # r^2 + a^2 = 2 M r: the planner's to mend
        try:
            over = sp.denom(sp.together(parse_expr(sides[0])))
        except (ParseError, ValueError):
            continue
        if any(str(x) == "r" for x in over.free_symbols):
            continue
        if sides[0] not in swaps:
            swaps[sides[0]] = _put_in(HORIZONS[hole], values)
            notes.append(f"the horizon function {sides[0]} read as {swaps[sides[0]]}, "
                         f"{hole.replace('_', '-')}'s")
    if not swaps:
        return plan, []
    return _replaced(plan, swaps), notes


def _put_in(function: str, values: dict[str, sp.Expr]) -> str:
    """``function`` with the question's values written in for its names, a decimal as a
    decimal: ``r^2 - 2*M*r + a^2`` with M = 1, a = 0.6 is ``r^2 - 2*1*r + 0.6^2``."""
    def written(value: sp.Expr) -> str:
        text = str(value) if value.is_Integer else format(float(value), "g")
        return text if not text.startswith("-") else f"({text})"
    return re.sub(r"\b[A-Za-z]\w*\b",
                  lambda m: written(values[m.group()]) if m.group() in values else m.group(),
                  function)


def _replaced(value, swaps: dict[str, str]):
    """``value`` (a plan, or any part of it) with each string equal to a key of ``swaps``,
    or an equation ``key = 0``, replaced by its value."""
    if isinstance(value, dict):
        return {k: _replaced(v, swaps) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, swaps) for v in value]
    if isinstance(value, str):
        sides = [side.strip() for side in value.split("=")]
        if sides[0] in swaps and (len(sides) == 1 or sides[1:] == ["0"]):
            return swaps[sides[0]] + (" = 0" if len(sides) == 2 else "")
    return value


def _residual(equation: str) -> sp.Expr | None:
    """``lhs - rhs`` of an equation in r of degree one or two (over a power of r), else None."""
    if "$" in str(equation) or str(equation).count("=") > 1:
        return None
    try:
        sides = [parse_expr(side) for side in str(equation).split("=")]
    except (ParseError, ValueError):
        return None
    residual = sides[0] - (sides[1] if len(sides) == 2 else 0)
    r = next((s for s in residual.free_symbols if str(s) == "r"), None)
    if r is None:
        return None
    numerator = sp.numer(sp.together(residual))
    try:
        degree = sp.Poly(numerator, r).degree()
    except sp.PolynomialError:
        return None
    return numerator.xreplace({r: _R}) if 1 <= degree <= 2 else None


_R = sp.Symbol("r", real=True)


def _same_zeros(a: sp.Expr, b: sp.Expr) -> bool:
    """Whether polynomials ``a`` and ``b`` in r are proportional (the same zeros), at random
    values of the other symbols."""
    names = sorted({str(s) for s in a.free_symbols | b.free_symbols} - {"r"})
    rng = random.Random(2)
    for _ in range(3):
        values = {n: sp.Float(rng.uniform(0.2, 0.9)) for n in names}
        pa, pb = (sp.Poly(e.xreplace({s: values[str(s)] for s in e.free_symbols
                                      if str(s) != "r"}).xreplace(
            {s: _R for s in e.free_symbols if str(s) == "r"}), _R) for e in (a, b))
        if pa.degree() != pb.degree():
            return False
        ca, cb = pa.all_coeffs(), pb.all_coeffs()
        ratio = ca[0] / cb[0]
        if any(abs(complex(x - ratio * y)) > 1e-9 * max(1.0, abs(complex(x)))
               for x, y in zip(ca, cb)):
            return False
    return True


_MEANS = re.compile(r"\b(?:use|using|via|from)\s+(?P<means>[^.?;:$]{1,80}?)\s*,?\s+"
                    r"(?:to\s+|and\s+)?(?:get|find|derive|compute|obtain|determine|work out"
                    r"|read off)\b")


def _means(text: str, asked: list[Ask]) -> list[Ask]:
    """The curvature quantities the question names only as the way to its answer ("use the
    Christoffel symbols to get Omega^2"): asked for as a step, not as the answer."""
    spans = [m.group("means") for m in _MEANS.finditer(text)]
    if not spans:
        return []
    rest = _MEANS.sub(" ", text)
    return [a for a in asked if any(re.search(a.pattern, s) for s in spans)
            and not re.search(a.pattern, rest)]


def _catalogue_name(metric: str) -> str:
    """The catalogue's own name for ``metric`` (``kottler`` is schwarzschild_de_sitter), or
    ``metric`` itself when the catalogue does not know it."""
    from tools.gr.catalog import MetricError, canonical_name
    try:
        return canonical_name(metric)
    except MetricError:
        return metric


def _asks(ask: Ask, text: str) -> bool:
    return bool(re.search(ask.pattern, text)) and not (ask.unless and re.search(ask.unless, text))


def _verdict(read: list[str], problems: list[str]) -> list[Check]:
    if not read:
        return []
    if problems:
        return [Check(name=NAME, passed=False, detail="; ".join(problems))]
    return [Check(name=NAME, passed=True, detail="it asks for " + ", ".join(read))]


def _named(question: str) -> str:
    text = _plain(question)
    for pattern, _ in SPACETIMES:
        m = re.search(pattern, text)
        if m:
            return m.group(0)
    return "another spacetime"


# ---------------------------------------------------------------------- amending a plan
# a question that may set a parameter without writing "name = value" (the Schwarzschild case
# of Kerr, the a -> 0 limit, for a small charge): no parameter of its plan is left out
_MAY_SET = re.compile(r"\d|=|→|->|\\to\b|\blimit|\bcase\b|\bspecial|\bset\b|\bput\b|\bwhen\b|"
                      r"\bif\b|\bsmall\b|\blarge\b|\bslow|\bfast|\bweak|\bstrong|\bequal|\bnear",
                      re.IGNORECASE)


def amend(question: str, plan: dict) -> tuple[dict, list[str]]:
    """``plan`` with the slips the question itself settles put right, and what was changed:

    * a catalogue parameter set to a value the question does not give is left out, when the
      question names that one spacetime and nothing in it can set a value (no number, no
      ``=``, no limit or special case): ``Kretschmann scalar of Kerr?`` asks about every a;
    * a plan that only quotes the literature for one curvature quantity of the one catalogue
      spacetime the question names computes it (``Is Reissner-Nordström a vacuum solution?``);
    * a final curvature step that computes the whole tensor whose one component the question
      asks for (``give G_tt``) computes that component;
    * a final limit that only evaluates a curvature result at a point the question does not
      name (the Weyl invariant at r = 2M) is left out;
    * the catalogue metric of a plan's one curvature step is the one spacetime the question
      names, when the question names exactly one (FLRW with curvature k is ``flrw``, not
      ``flrw_open``);
    * the one curvature step computes with the line element the question writes, where it
      computes with a slipped copy or a catalogue family (:func:`agent.stated.amend_line_element`);
    * a horizon polynomial in r (Delta of Kerr) whose zeros are not those of the one hole the
      question names is that hole's (``r^2 - 2Mr + a^2 + r^2`` is ``r^2 - 2Mr + a^2``);
    * a slipped copy of the function f(r) the question gives is that function
      (:func:`agent.stated.amend_function`);
    * the one differential equation a step solves is the one the question writes, where the
      plan's does not read or differs (:func:`agent.stated.amend_equation`);
    * an ODE with point data and no interval, bound or numbers asked for, planned as the one
      step solve_pde, is solved in closed form (:func:`agent.stated.amend_ode_in_closed_form`);
    * the initial data of an ODE a solve_pde step integrates are those the question writes
      at one point, from that point (:func:`agent.stated.amend_initial_data`);
    * a name a PDE spec writes but does not define, which the question sets to a number
      (``with c = sqrt(2)/4``), is a parameter of the spec (:func:`agent.stated.amend_parameters`);
    * a side condition of a PDE that is not the boundary datum the question writes for that
      side is that datum, and one datum on the whole boundary (``with zero ends``) is every
      side condition (:func:`agent.stated.amend_boundary_data`).

    The amended plan is checked and verified like any other; what cannot be settled this way
    is left for :func:`check_relevance` to send back to the planner.

    >>> plan = {"steps": [{"id": "s1", "tool": "curvature", "args": {"metric": "kerr",
    ...          "quantity": "kretschmann", "parameters": {"a": "1"}}}], "final": "s1"}
    >>> amend("Kretschmann scalar of Kerr?", plan)[1]
    ['s1: a = 1 left out (the question gives a no value)']
    >>> amend("Kretschmann scalar of Kerr with a = 1", plan)[1]
    []
    """
    notes: list[str] = []
    for settle in (_compute_instead_of_quoting, _leave_out_unstated_parameters,
                   _compute_the_asked_component,
                   _use_the_named_spacetime, _use_the_written_line_element, _use_the_named_hole,
                   _leave_out_an_unasked_point, amend_function, amend_equation,
                   amend_ode_in_closed_form, amend_initial_data, amend_parameters,
                   amend_boundary_data,
                   _radii_are_positive, _use_the_stated_fluid, _use_the_stated_domain):
        plan, settled = settle(question, plan)
        notes += settled
    return plan, notes


def _radii_are_positive(question: str, plan: dict) -> tuple[dict, list[str]]:
    """A final solve for r in a plan for a horizon, photon sphere or orbit assumes r
    positive, when it assumes nothing of r: r = 0 is no radius (V'(r) = 0 of the ISCO
    solved for r keeps r = 0 as well as 6M otherwise)."""
    if not _radii_named(_plain(question)):
        return plan, []
    steps = plan.get("steps") if isinstance(plan.get("steps"), list) else []
    final = [i for i, st in enumerate(steps) if isinstance(st, dict)
             and st.get("id") == plan.get("final") and st.get("tool") == "solve"
             and isinstance(st.get("args"), dict)]
    if not final:
        return plan, []
    i = final[0]
    args = steps[i]["args"]
    assumed = args.get("assumptions") or {}
    if "r" not in (args.get("variables") or []) or not isinstance(assumed, dict) \
            or "r" in assumed:
        return plan, []
    args = {**args, "assumptions": {**assumed, "r": "positive"}}
    return _with_args(plan, i, args), [f"{steps[i]['id']}: r assumed positive (a radius)"]


def _curvature_args(plan: dict):
    """(index, args) of each curvature step whose arguments are an object."""
    return [(i, s["args"]) for i, s in enumerate(plan.get("steps", []))
            if s.get("tool") == "curvature" and isinstance(s.get("args"), dict)]


def _with_args(plan: dict, i: int, args: dict) -> dict:
    steps = list(plan["steps"])
    steps[i] = {**steps[i], "args": args}
    return {**plan, "steps": steps}


def _leave_out_unstated_parameters(question: str, plan: dict) -> tuple[dict, list[str]]:
    named, assigned = spacetimes(question), _assigned(question)
    if len(named) != 1 or _MAY_SET.search(question):
        return plan, []
    notes = []
    for i, args in _curvature_args(plan):
        parameters = args.get("parameters")
        if not isinstance(parameters, dict) or args.get("metric") not in named[0]:
            continue
        unstated = [k for k in parameters if k not in assigned]
        if unstated:
            step = plan["steps"][i].get("id")
            notes += [f"{step}: {k} = {parameters[k]} left out (the question gives {k} no "
                      f"value)" for k in unstated]
            kept = {k: v for k, v in parameters.items() if k not in unstated}
            plan = _with_args(plan, i, {k: v for k, v in args.items() if k != "parameters"}
                              | ({"parameters": kept} if kept else {}))
    return plan, notes


def _compute_the_asked_component(question: str, plan: dict) -> tuple[dict, list[str]]:
    asked = components(question)
    if len(asked) != 1:
        return plan, []
    referenced = {m.group(1) for s in plan.get("steps", [])
                  for m in REFERENCE.finditer(str(s.get("args", {})))}
    kind, indices = asked[0]
    component = ",".join(indices)
    for i, args in _curvature_args(plan):
        step = plan["steps"][i].get("id")
        if step != plan.get("final") or step in referenced:
            continue
        if kind == args.get("quantity") and not args.get("component"):
            return (_with_args(plan, i, {**args, "component": component}),
                    [f"{step}: the component {component} the question asks for is computed"])
        if kind != args.get("quantity") and args.get("quantity") in _TENSORS:
            # the index notation names the tensor: R^t_{rtr} is Riemann's, R_tt Ricci's
            return (_with_args(plan, i, {**args, "quantity": kind, "component": component}),
                    [f"{step}: {args.get('quantity')} read as {kind} {component}, the "
                     f"component the question writes"])
    return plan, []


_TENSORS = {"christoffel", "riemann", "ricci", "einstein", "weyl", "stress_energy"}


def _use_the_named_spacetime(question: str, plan: dict) -> tuple[dict, list[str]]:
    named, curvature = spacetimes(question), _curvature_args(plan)
    if len(named) != 1 or len(curvature) != 1 or _has_line_element(question):
        return plan, []
    fits = sorted(m for m in named[0] if not _unqualified(question, m))
    (i, args), metric = curvature[0], curvature[0][1].get("metric")
    if (len(fits) != 1 or not isinstance(metric, str) or args.get("parameters")
            or not _CATALOGUE_NAME.fullmatch(metric)):
        return plan, []                          # a line element, or parameters of its own
    name = _catalogue_name(metric)
    if name in named[0] and not _unqualified(question, name):
        return plan, []
    return (_with_args(plan, i, {**args, "metric": fits[0]}),
            [f"{plan['steps'][i].get('id')}: the metric {metric} read as {fits[0]}, the "
             f"spacetime the question names"])


def _use_the_stated_fluid(question: str, plan: dict) -> tuple[dict, list[str]]:
    """A power t^(k p) of a flat power-law FLRW plan (a = t^p) whose density exponent k is
    not that of the question's fluid (rho ∝ a^-n, so rho ∝ t^(-n p)) is t^(±n p), the sign
    kept: ``t^(3*p*(1 + (1/2)))`` for radiation (n = 4) is ``t^(4*p)``. Only where the
    plan writes one wrong |k| (see :func:`_fluid_problems`)."""
    try:
        view = PlanView.of(plan)
    except (TypeError, ValueError, AttributeError):
        return plan, []
    stated = _stated_density_power(question)
    if stated is None or not _fluid_problems(question, view):
        return plan, []
    p = sp.Symbol("p", real=True)
    found: dict[str, str] = {}
    wrong: set = set()                    # the |k| of the powers rewritten

    def rewrite(text: str) -> str:
        out, i = [], 0
        for m in re.finditer(r"\bt\s*(?:\^|\*\*)\s*\(", text):
            depth, j = 1, m.end()
            while j < len(text) and depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            try:
                k = sp.nsimplify(parse_expr(text[m.end():j - 1]) / p)
            except (ParseError, ValueError, TypeError):
                continue
            if not k.is_number or k == 0 or abs(k) == stated:
                continue
            power = f"t^({'-' if k < 0 else ''}{stated}*p)"
            found[text[m.start():j]] = power
            wrong.add(abs(k))
            out.append(text[i:m.start()] + power)
            i = j
        return "".join(out) + text[i:]

    steps = []
    for step in plan.get("steps", []):
        if step.get("tool") == "curvature" or not isinstance(step.get("args"), dict):
            steps.append(step)
            continue
        args = {k: rewrite(v) if isinstance(v, str) else
                [rewrite(x) if isinstance(x, str) else x for x in v] if isinstance(v, list)
                else v for k, v in step["args"].items()}
        steps.append({**step, "args": args})
    if len(wrong) != 1:
        return plan, []
    return ({**plan, "steps": steps},
            [f"{old} read as {new} (the question's rho ∝ a^-{stated})"
             for old, new in found.items()])


def _leave_out_an_unasked_point(question: str, plan: dict) -> tuple[dict, list[str]]:
    steps = plan.get("steps", [])
    last = steps[-1] if steps else {}
    args = last.get("args") if isinstance(last.get("args"), dict) else {}
    of = str(args.get("expression", "")).strip()
    curvature = {s.get("id") for s in steps if s.get("tool") == "curvature"}
    if (last.get("tool") != "limit" or last.get("id") != plan.get("final")
            or not (of.startswith("$") and of[1:] in curvature)
            or re.search(_AT_A_POINT, _plain(question))):
        return plan, []
    return ({**plan, "steps": steps[:-1], "final": of[1:]},
            [f"{last['id']} (the limit {args.get('variable')} -> {args.get('point')}) left "
             f"out: the question asks for no value at a point"])
