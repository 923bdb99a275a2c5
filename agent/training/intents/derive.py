"""Derivations with the calculus tools: horizons, photon spheres, orbits, surface gravity,
redshift, proper distances and times, weak-field tests, series, invariants at a point, FLRW.

Static spacetimes are written through their metric function f(r) (ds^2 = -f dt^2 + dr^2/f
+ r^2 dOmega^2); a draw either keeps the parameters symbolic (positive assumptions) or
substitutes numbers into the expressions, which the question then states.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from . import Draw, Intent, pick, plan, step

POS = "positive"
KM_SUN = 1.476625                      # GM_sun/c^2 in km
M_SUN = 1476.625                       # ... in m
ARCSEC = 206264.806


def num(x: float) -> str:
    return f"{x:.10g}"


def times(n: float, unit: float) -> str:
    """``n`` solar masses in the unit the question gives (``unit`` per solar mass), written as
    the product for the tools to work out: a 270M planner copies numbers, it does not multiply.

    >>> times(8, KM_SUN), times(1, M_SUN)
    ('8*1.476625', '1476.625')
    """
    return num(unit) if n == 1 else f"{num(n)}*{num(unit)}"


class ST(NamedTuple):
    """A spacetime given by f(r) (or Delta(r) for Kerr-like ones)."""
    names: tuple[str, ...]
    f: str                             # sympy syntax in its parameters and r
    txt: str                           # plain text
    tex: str                           # LaTeX
    values: tuple[dict, ...]           # numeric parameter choices
    outer: int                         # index of the outer (black-hole) horizon among roots
    roots: int                         # how many positive roots f has
    symbolic: bool = True              # may the parameters stay symbols?
    photon: int | None = None          # index of the photon sphere root of (f/r^2)'
    cosmological: bool = False         # the horizon is a cosmological one (kappa = -f'/2)


SCHW = ST(("a Schwarzschild black hole", "the Schwarzschild metric", "a Schwarzschild hole"),
          "1 - 2*M/r", "1 - 2M/r", r"1 - \frac{2M}{r}",
          ({"M": 1}, {"M": 2}, {"M": 3}, {"M": 5}, {"M": 10}), 0, 1, photon=0)
RN = ST(("a Reissner–Nordström black hole", "a charged (Reissner-Nordstrom) black hole",
         "the RN black hole"),
        "1 - 2*M/r + Q^2/r^2", "1 - 2M/r + Q^2/r^2", r"1 - \frac{2M}{r} + \frac{Q^2}{r^2}",
        ({"M": 1, "Q": 0.6}, {"M": 1, "Q": 0.8}, {"M": 2, "Q": 1}, {"M": 1, "Q": 0.5},
         {"M": 5, "Q": 3}), 1, 2, photon=1)
XRN = ST(("an extremal Reissner–Nordström black hole (Q = M)",
          "the extremal RN solution with |Q| = M"),
         "1 - 2*M/r + M^2/r^2", "1 - 2M/r + M^2/r^2", r"\left(1 - \frac{M}{r}\right)^2",
         ({"M": 1}, {"M": 2}, {"M": 4}), 0, 1)
TANG = ST(("a five-dimensional Schwarzschild–Tangherlini black hole",
           "the 5D Tangherlini black hole"),
          "1 - mu/r^2", "1 - mu/r^2", r"1 - \frac{\mu}{r^2}",
          ({"mu": 1}, {"mu": 4}, {"mu": 9}, {"mu": 2}), 0, 1, photon=0)
BTZ = ST(("a static BTZ black hole", "the non-rotating BTZ black hole in 2+1 dimensions"),
         "r^2/l^2 - M", "r^2/l^2 - M", r"\frac{r^2}{\ell^2} - M",
         ({"l": 1, "M": 4}, {"l": 2, "M": 1}, {"l": 3, "M": 4}, {"l": 1, "M": 2}), 0, 1)
DS = ST(("static de Sitter space", "the static patch of de Sitter"),
        "1 - r^2/l^2", "1 - r^2/l^2", r"1 - \frac{r^2}{\ell^2}",
        ({"l": 1}, {"l": 2}, {"l": 5}, {"l": 10}), 0, 1, cosmological=True)
SDS = ST(("a Schwarzschild–de Sitter black hole", "the Kottler (Schwarzschild-de Sitter) metric"),
         "1 - 2*M/r - Lambda*r^2/3", "1 - 2M/r - Lambda r^2/3",
         r"1 - \frac{2M}{r} - \frac{\Lambda r^2}{3}",
         ({"M": 1, "Lambda": 0.01}, {"M": 1, "Lambda": 0.03}, {"M": 1, "Lambda": 0.05},
          {"M": 2, "Lambda": 0.01}), 0, 2, symbolic=False, photon=0)
SADS = ST(("a Schwarzschild–anti-de Sitter black hole", "an AdS-Schwarzschild black hole"),
          "1 - 2*M/r + r^2/l^2", "1 - 2M/r + r^2/l^2", r"1 - \frac{2M}{r} + \frac{r^2}{\ell^2}",
          ({"M": 1, "l": 1}, {"M": 1, "l": 2}, {"M": 1, "l": 10}, {"M": 2, "l": 5}), 0, 1,
          symbolic=False, photon=0)
KERR = ST(("a Kerr black hole", "a rotating (Kerr) black hole", "the Kerr metric"),
          "r^2 - 2*M*r + a^2", "r^2 - 2Mr + a^2", r"r^2 - 2Mr + a^2",
          ({"M": 1, "a": 0.6}, {"M": 1, "a": 0.8}, {"M": 1, "a": 0.5}, {"M": 2, "a": 1.2},
           {"M": 1, "a": 0.9}), 1, 2)
KN = ST(("a Kerr–Newman black hole", "a charged rotating (Kerr-Newman) black hole"),
        "r^2 - 2*M*r + a^2 + Q^2", "r^2 - 2Mr + a^2 + Q^2", r"r^2 - 2Mr + a^2 + Q^2",
        ({"M": 1, "a": 0.6, "Q": 0.3}, {"M": 1, "a": 0.5, "Q": 0.5}, {"M": 2, "a": 1, "Q": 1}),
        1, 2)

_SYM = re.compile(r"\b(M|Q|a|mu|l|Lambda)\b")


class Case(NamedTuple):
    """One spacetime drawn: its expression, how the question shows it, and assumptions."""
    st: ST
    name: str
    f: str                             # the expression for the plan (numbers substituted)
    vals: dict                         # {} when symbolic
    given: str                         # ", with M = 1 and Q = 0.6" or ""

    def sub(self, expr: str) -> str:
        return _SYM.sub(lambda m: num(self.vals[m.group()]) if m.group() in self.vals
                        else m.group(), expr)

    def assume(self, *extra: str) -> dict:
        syms = [] if self.vals else sorted(set(_SYM.findall(self.st.f)))
        return {s: POS for s in (*syms, *extra)}

    def slots(self, **more) -> dict:
        return {"name": self.name, "f": self.st.txt, "ftex": self.st.tex, "given": self.given,
                **more}


def draw_case(rng, spacetimes, numeric: float = 0.4) -> Case:
    st = pick(rng, spacetimes)
    vals = {}
    if not st.symbolic or rng.random() < numeric:
        vals = pick(rng, st.values)
    given = ""
    if vals:
        parts = [f"{'ℓ' if k == 'l' and rng.random() < 0.3 else k} = {num(v)}"
                 for k, v in vals.items()]
        given = pick(rng, (", with ", " for ", " (take ", ", where ")) + " and ".join(parts)
        given += ")" if given.startswith(" (") else ""
    return Case(st, pick(rng, st.names), _SYM.sub(lambda m: num(vals[m.group()])
                                                if m.group() in vals else m.group(), st.f),
                vals, given)


def _root(rng, case: Case, s: str, idx: int) -> str:
    return f"${s}[{idx}]"


# ------------------------------------------------------------------ horizon radius
def _horizon(rng):
    c = draw_case(rng, (SCHW, RN, XRN, TANG, BTZ, DS))
    steps = [step("solve", assumptions=c.assume("r"), equations=[f"{c.f} = 0"],
                  variables=["r"])]
    if c.st.roots > 1:
        steps.append(step("simplify", assumptions=c.assume() or None,
                          expression=f"$s1[{c.st.outer}]"))
    return Draw(c.slots(), plan(*steps))


HORIZON = Intent("derive.horizon", (
    "Where is the horizon of {name}? Here f(r) = {f}{given}.",
    "Find the horizon radius r_h for the metric function $f(r) = {ftex}${given}.",
    "For {name} the lapse is f = {f}. Solve for the radius of the (outer) horizon{given}.",
    "At what r does f(r) = {f} vanish? I want the outermost (black-hole or cosmological) root{given}.",
    "horizon radius of {name}{given}",
    "Compute r_+ for {name}, whose metric function is $f(r) = {ftex}${given}.",
    "In geometric units (G = c = 1), where is the outer horizon of {name}{given}?",
    "Given ds^2 = -f dt^2 + dr^2/f + r^2 dΩ^2 with f = {f}{given}, what is the horizon radius?",
    "What radius marks the horizon for {name} (f = {f}){given}?",
    "Locate the horizon: largest relevant zero of $f = {ftex}${given}.",
), _horizon, tags=("gr",), asks=(
    "the horizon radius of {name}{given}, f(r) = {f}",
    "the radius where $f(r) = {ftex}$ vanishes (the outer horizon){given}",
    "r_+ for {name}{given}",
    "the event horizon of {name} with metric function {f}{given}",
))


# ------------------------------------------------------------------ all horizons (two roots)
def _horizons(rng):
    c = draw_case(rng, (RN, KERR, KN))
    fn = "Δ" if c.st in (KERR, KN) else "f"
    return Draw(c.slots(fn=fn), plan(step("solve", assumptions=c.assume("r"),
                                          equations=[f"{c.f} = 0"], variables=["r"])))


HORIZONS = Intent("derive.horizons", (
    "Find all horizons of {name}: {fn}(r) = {f}{given}.",
    "Inner and outer horizon radii of {name}{given}?",
    "Where does {fn} = {f} vanish? List every positive root{given}.",
    "For {name}, solve ${fn}(r) = {ftex} = 0$ for r{given}.",
    "Give r_- and r_+ for {name} with {fn}(r) = {f}{given}.",
    "How many horizons does {name} have, and where are they{given}?",
    "horizons of {name}{given} ({fn} = {f})",
    "Solve {f} = 0 for the horizon radii{given}.",
), _horizons, tags=("gr",), asks=(
    "the inner and outer horizons of {name}{given}",
    "every positive root of {fn}(r) = {f}{given}",
    "r_- and r_+ of {name} ({fn} = {f}){given}",
))


# ------------------------------------------------------------------ extremality
_EXTREMAL = (("charge Q", RN, "Q"), ("spin parameter a", KERR, "a"))


def _extremal(rng):
    what, st, var = pick(rng, _EXTREMAL)
    c = draw_case(rng, (st,), numeric=0.0)
    return Draw(c.slots(what=what, var=var, fn="Δ" if st is KERR else "f"), plan(
        step("differentiate", expression=c.f, variable="r"),
        step("solve", assumptions={"M": POS, "r": POS, var: POS},
             equations=[f"{c.f} = 0", "$s1 = 0"], variables=["r", var]),
        step("simplify", assumptions={"M": POS}, expression=f"$s2[0].{var}")))


EXTREMAL = Intent("derive.extremal", (
    "For {name} with {fn} = {f}, at what {what} do the two horizons merge (extremal limit)?",
    "Extremality condition for {name}: find the {what} where {fn} and its r-derivative vanish together.",
    "What value of {var} makes {name} extremal? Use ${fn} = {ftex}$.",
    "Critical {what} beyond which {name} has no horizon (naked singularity)?",
    "Solve {fn} = 0 and {fn}'(r) = 0 simultaneously for r and {var}, {fn} = {f}.",
    "When is {name} extremal - give {var} in terms of M.",
    "degenerate horizon of {name}: what {what}?",
), _extremal, tags=("gr",), asks=(
    "the {what} at which {name} becomes extremal ({fn} = {f})",
    "the value of {var} where {fn} = {f} and its r-derivative vanish together",
    "the extremal limit of {name} in terms of M ({fn} = {f})",
))


# ------------------------------------------------------------------ photon sphere
def _photon_steps(c: Case):
    steps = [step("differentiate", expression=f"({c.f})/r^2", variable="r"),
             step("solve", assumptions=c.assume("r"), equations=["$s1 = 0"], variables=["r"])]
    return steps


def _photon(rng):
    c = draw_case(rng, (SCHW, RN, TANG, SDS, SADS))
    steps = _photon_steps(c)
    if c.st.roots > 1 and c.st in (RN,):
        steps.append(step("simplify", assumptions=c.assume() or None,
                          expression=f"$s2[{c.st.photon}]"))
    return Draw(c.slots(), plan(*steps))


PHOTON = Intent("derive.photon_sphere", (
    "Where is the photon sphere of {name}, f(r) = {f}{given}?",
    "At what radius can light orbit in a circle around {name}{given}?",
    "Find the circular null orbit: extremize f/r^2 with $f = {ftex}${given}.",
    "photon sphere radius for {name}{given}",
    "Radius of the unstable circular photon orbit (light ring) of {name}, f = {f}{given}.",
    "Where does the null effective potential V = f(r) L^2/r^2 peak for f = {f}{given}?",
    "Compute r_ph for $f(r) = {ftex}${given} (geometric units).",
    "Light ring of {name}{given} - at what r?",
    "For ds^2 = -f dt^2 + dr^2/f + r^2 dΩ^2, f = {f}, locate the photon sphere{given}.",
), _photon, tags=("gr",), asks=(
    "the photon sphere radius of {name}{given}, f(r) = {f}",
    "the radius of the circular light orbit around {name}{given}",
    "the light ring of $f(r) = {ftex}${given}",
    "the unstable circular photon orbit of {name}{given}",
))


def _impact(rng):
    c = draw_case(rng, (SCHW, RN, TANG, SDS))
    steps = _photon_steps(c)
    steps.append(step("limit", assumptions=c.assume() or None,
                      expression=f"r/sqrt({c.f})", variable="r",
                      point=f"$s2[{c.st.photon}]"))
    return Draw(c.slots(), plan(*steps))


IMPACT = Intent("derive.critical_impact", (
    "Critical impact parameter b_c for photon capture by {name}{given}?",
    "Below which impact parameter is light swallowed by {name} with f = {f}{given}?",
    "Shadow radius (critical b = r/sqrt(f) at the photon sphere) of {name}{given}.",
    "Derive b_c from the photon sphere of $f = {ftex}${given}.",
    "What impact parameter separates captured from scattered photons for {name}{given}?",
    "capture cross-section radius for light, {name}, f(r) = {f}{given}",
    "Using b = r/sqrt(f(r)) on the circular null orbit, find the critical impact parameter{given}; f = {f}.",
    "How big does the black hole shadow look, in terms of b_c, for {name}{given}?",
), _impact, tags=("gr",), asks=(
    "the critical impact parameter of {name}{given}",
    "the shadow radius b_c of {name}, f = {f}{given}",
    "the impact parameter below which {name} captures light{given}",
))


# ------------------------------------------------------------------ ISCO radius
def _mass(rng):
    """Schwarzschild mass: symbolic M, a number, or N solar masses in km."""
    kind = rng.random()
    if kind < 0.45:
        return "M", "", {"M": POS}
    if kind < 0.7:
        m = pick(rng, (1, 2, 3, 5, 10))
        return num(m), pick(rng, (f" with M = {m}", f" (M = {m}, G = c = 1)",
                                  f" (mass M = {m} in geometric units)")), {}
    n = pick(rng, (1.4, 3, 5, 8, 10, 20, 30, 62))
    return times(n, KM_SUN), pick(rng, (
        f" (M = {num(n)} solar masses; answer in km, GM_sun/c^2 = 1.476625 km)",
        f" with M = {num(n)} M_sun; give km, using GM_sun/c^2 = 1.476625 km")), {}


def _isco(rng):
    m, given, asm = _mass(rng)
    V = f"(1 - 2*{m}/r)*(1 + L^2/r^2)"
    return Draw({"given": given}, plan(
        step("differentiate", expression=V, variable="r"),
        step("solve", assumptions={**asm, "r": POS, "L": POS}, equations=["$s1 = 0"],
             variables=["L"]),
        step("differentiate", expression="($s2[0])^2", variable="r"),
        step("solve", assumptions={**asm, "r": POS}, equations=["$s3 = 0"], variables=["r"])))


ISCO = Intent("derive.isco", (
    "Where is the innermost stable circular orbit of a Schwarzschild black hole{given}?",
    "ISCO radius for Schwarzschild{given}",
    "Derive r_ISCO from the effective potential (1 - 2M/r)(1 + L^2/r^2){given}.",
    "Find the last stable circular orbit around a non-rotating black hole{given}.",
    "Inner edge of a thin accretion disk around a Schwarzschild hole{given}: what radius?",
    "Using V_eff = (1 - 2M/r)(1 + L^2/r^2), where do stable circular orbits stop existing{given}?",
    "Compute the marginally stable orbit radius of a non-spinning black hole{given}.",
    "For massive particles around Schwarzschild{given}, minimize L^2(r) of circular orbits to get the ISCO.",
    "smallest stable circular orbit, Schwarzschild{given}",
), _isco, tags=("gr",), asks=(
    "the ISCO radius of a Schwarzschild black hole{given}",
    "the innermost stable circular orbit of Schwarzschild{given}",
    "the last stable circular orbit around a non-spinning black hole{given}",
    "the inner edge of a thin disk around a Schwarzschild hole{given}",
))


# ------------------------------------------------------------------ ISCO L, E, efficiency; marginally bound
_ORBIT_Q = {
    "L": ("specific angular momentum L", "angular momentum per unit mass"),
    "E": ("specific energy E = -u_t", "energy per unit rest mass"),
    "eff": ("radiative efficiency 1 - E", "binding energy per unit mass (1 - E)"),
}


def _isco_steps(m: str, asm: dict) -> list:
    """s1, s2: V' and V'' of the timelike potential; s3 solves both for r and L (``$s3[0].r``
    is the ISCO)."""
    V = f"(1 - 2*{m}/r)*(1 + L^2/r^2)"
    return [step("differentiate", expression=V, variable="r"),
            step("differentiate", expression=V, variable="r", order=2),
            step("solve", assumptions={**asm, "r": POS, "L": POS},
                 equations=["$s1 = 0", "$s2 = 0"], variables=["r", "L"])]


def _orbit_q(rng):
    key, phrases = pick(rng, _ORBIT_Q)
    numeric = rng.random() < 0.4
    m = pick(rng, ("1", "2", "5")) if numeric else "M"
    asm = {} if numeric else {"M": POS}
    given = pick(rng, (f" with M = {m}", f" (M = {m})")) if numeric else ""
    steps = _isco_steps(m, asm)
    if key == "L":
        steps.append(step("simplify", assumptions=asm or None, expression="$s3[0].L"))
    else:
        e = f"(1 - 2*{m}/r)/sqrt(1 - 3*{m}/r)"
        steps.append(step("limit", assumptions=asm or None,
                          expression=e if key == "E" else f"1 - {e}", variable="r",
                          point="$s3[0].r"))
    return Draw({"q": pick(rng, phrases), "given": given}, plan(*steps))


ORBIT_Q = Intent("derive.orbit_quantity", (
    "What is the {q} of a particle on the Schwarzschild ISCO{given}?",
    "Schwarzschild black hole{given}: find the {q} at the innermost stable circular orbit.",
    "{q} for the last stable circular orbit around a non-rotating hole{given}",
    "From V = (1 - 2M/r)(1 + L^2/r^2), compute the {q} at the ISCO{given}.",
    "Thin-disk question: {q} at the inner edge (ISCO) of Schwarzschild{given}?",
    "Using circular-orbit conditions V' = 0 and V'' = 0 in Schwarzschild{given}, get the {q}.",
    "Geodesic circular orbits around Schwarzschild{given}: {q} at r_ISCO?",
), _orbit_q, tags=("gr",), asks=(
    "the {q} at the Schwarzschild ISCO{given}",
    "the {q} of a particle on the innermost stable circular orbit of Schwarzschild{given}",
    "the {q} at the inner edge (ISCO) of a disk around Schwarzschild{given}",
))


# ------------------------------------------------------------------ a quantity at a named radius
# The radius is found by the plan's own steps (ISCO: V' = V'' = 0; photon sphere: (f/r^2)' = 0),
# then the quantity is evaluated there: a planner never writes 6M or 3M from memory.
_RADII = {
    "isco": ("ISCO radius", "innermost stable circular orbit", "last stable circular orbit",
             "ISCO"),
    "photon": ("photon sphere", "circular photon orbit", "light ring", "photon-sphere radius"),
}
_AT_R = (
    ("redshift factor sqrt(-g_tt) of a static clock", "sqrt(1 - 2*{m}/r)"),
    ("gravitational time-dilation factor sqrt(1 - 2M/r) of a hovering observer",
     "sqrt(1 - 2*{m}/r)"),
    ("redshift z of light sent out by a static emitter", "1/sqrt(1 - 2*{m}/r) - 1"),
    ("angular velocity Ω = dφ/dt of the circular orbit", "sqrt({m}/r^3)"),
    ("Ω^2 = (dφ/dt)^2 of the circular orbit", "{m}/r^3"),
)


def _at_radius(rng):
    which = pick(rng, sorted(_RADII))
    numeric = rng.random() < 0.35
    m = pick(rng, ("1", "2", "5")) if numeric else "M"
    asm = {} if numeric else {"M": POS}
    given = pick(rng, (f" with M = {m}", f" (M = {m})")) if numeric else ""
    if which == "isco":
        steps, point = _isco_steps(m, asm), "$s3[0].r"
    else:
        steps = [step("differentiate", expression=f"(1 - 2*{m}/r)/r^2", variable="r"),
                 step("solve", assumptions={**asm, "r": POS}, equations=["$s1 = 0"],
                      variables=["r"])]
        point = "$s2[0]"
    q, e = pick(rng, _AT_R)
    steps.append(step("limit", assumptions=asm or None, expression=e.format(m=m), variable="r",
                      point=point))
    return Draw({"q": q, "radius": pick(rng, _RADII[which]), "given": given}, plan(*steps))


AT_RADIUS = Intent("derive.at_radius", (
    "A static observer hovers at the {radius} of a Schwarzschild black hole{given}. What is the {q} there?",
    "{q} at the {radius} of Schwarzschild{given}?",
    "Find the {radius} of a Schwarzschild hole{given}, then evaluate the {q} at that radius.",
    "How large is the {q} at the {radius} of a Schwarzschild black hole{given}?",
    "Schwarzschild{given}: locate the {radius} and give the {q} there.",
    "What {q} does one get at the {radius} around a non-rotating black hole{given}?",
    "Evaluate the {q} at the {radius} (Schwarzschild{given}).",
), _at_radius, tags=("gr",), asks=(
    "the {q} at the {radius} of a Schwarzschild black hole{given}",
    "the {q} at the Schwarzschild {radius}{given}",
    "how large the {q} is at the {radius} of Schwarzschild{given}",
))


# ------------------------------------------------------------------ marginally bound orbit
def _bound(rng):
    m, given, asm = _mass(rng)
    V = f"(1 - 2*{m}/r)*(1 + L^2/r^2)"
    return Draw({"given": given}, plan(
        step("differentiate", expression=V, variable="r"),
        step("solve", assumptions={**asm, "r": POS, "L": POS},
             equations=["$s1 = 0", f"{V} = 1"], variables=["r", "L"]),
        step("simplify", assumptions=asm or None, expression="$s2[0].r")))


BOUND = Intent("derive.marginally_bound", (
    "Radius of the marginally bound circular orbit (E = 1) around a Schwarzschild black hole{given}?",
    "Where is the circular orbit with exactly the energy of a particle at rest at infinity, Schwarzschild{given}?",
    "marginally bound orbit, Schwarzschild{given}",
    "Find r_mb: circular geodesic with E = 1 in Schwarzschild{given}, from V = (1 - 2M/r)(1 + L^2/r^2).",
    "A particle dropped from infinity with zero velocity can just barely stay on a circular orbit at what radius{given}? (Schwarzschild)",
    "Solve V'(r) = 0 together with V = 1 for the Schwarzschild effective potential{given}.",
    "Innermost bound circular orbit of a non-rotating hole{given}?",
), _bound, tags=("gr",), asks=(
    "the marginally bound circular orbit of Schwarzschild{given}",
    "the radius of the E = 1 circular orbit around a Schwarzschild black hole{given}",
    "r_mb for a Schwarzschild hole{given}",
))


# ------------------------------------------------------------------ circular orbits at fixed L
def _circular(rng):
    if rng.random() < 0.5:
        m, Ls, asm, given = "M", "L", {"M": POS, "L": POS}, ""
    else:
        m, Ls = "1", pick(rng, ("4", "5", "6", "4.5", "2*sqrt(3)"))
        asm, given = {}, f" with M = 1 and L = {Ls.replace('*', ' ')}"
    V = f"(1 - 2*{m}/r)*(1 + ({Ls})^2/r^2)/2" if Ls != "L" else "(1 - 2*M/r)*(1 + L^2/r^2)/2"
    return Draw({"given": given}, plan(
        step("differentiate", expression=V, variable="r"),
        step("solve", assumptions={**asm, "r": POS}, equations=["$s1 = 0"], variables=["r"])))


CIRCULAR = Intent("derive.circular_orbits", (
    "At which radii are there circular timelike orbits in Schwarzschild for angular momentum L{given}?",
    "Extrema of V_eff = (1 - 2M/r)(1 + L^2/r^2)/2{given}: where are they?",
    "Find the stable and unstable circular orbit radii of a massive particle around Schwarzschild{given}.",
    "circular orbit radii for a test mass, Schwarzschild{given}",
    "Where does dV_eff/dr vanish for a massive particle orbiting a Schwarzschild hole{given}?",
    "Massive geodesics in Schwarzschild{given}: at what r can the particle stay on a circle?",
    "Locate the minimum and maximum of the timelike effective potential of Schwarzschild{given}.",
), _circular, tags=("gr",), asks=(
    "the circular orbit radii of a massive particle with angular momentum L in Schwarzschild{given}",
    "the extrema of the Schwarzschild effective potential V = (1 - 2M/r)(1 + L^2/r^2)/2{given}",
    "where timelike circular orbits sit around Schwarzschild{given}",
))


# ------------------------------------------------------------------ surface gravity / temperature
def _kappa(rng):
    c = draw_case(rng, (SCHW, RN, XRN, TANG, BTZ, DS))
    temp = rng.random() < 0.45
    den = "4*pi" if temp else "2"
    sign = "-" if c.st.cosmological else ""
    q = pick(rng, ("Hawking temperature", "Hawking temperature T_H", "temperature T = κ/(2π)")
               ) if temp else pick(rng, ("surface gravity", "surface gravity κ",
                                         "surface gravity kappa = f'(r_h)/2"))
    where = "cosmological horizon" if c.st.cosmological else pick(
        rng, ("horizon", "outer horizon", "event horizon"))
    return Draw(c.slots(q=q, where=where), plan(
        step("solve", assumptions=c.assume("r"), equations=[f"{c.f} = 0"], variables=["r"]),
        step("differentiate", expression=c.f, variable="r"),
        step("limit", assumptions=c.assume() or None, expression=f"{sign}$s2/({den})",
             variable="r", point=f"$s1[{c.st.outer}]")))


KAPPA = Intent("derive.surface_gravity", (
    "What is the {q} of the {where} of {name}{given}?",
    "Compute the {q} at the {where}, with f(r) = {f}{given}.",
    "{q} of {name}{given}",
    "For $f(r) = {ftex}${given}, find the {q} of the {where}.",
    "Evaluate the {q} of {name} (metric function f = {f}){given}.",
    "In units G = c = ħ = k_B = 1, what is the {q} associated with the {where} of {name}{given}?",
    "Take ds^2 = -f dt^2 + dr^2/f + r^2 dΩ^2 with f = {f}{given}. Give the {q} at its {where}.",
    "Derive the {q} for {name}{given} from f'(r) at the {where}.",
), _kappa, tags=("gr",), asks=(
    "the {q} of the {where} of {name}{given}",
    "the {q} at the {where} for f(r) = {f}{given}",
    "the {q} of {name} ($f = {ftex}$){given}",
))


# ------------------------------------------------------------------ horizon area / entropy
def _area(rng):
    c = draw_case(rng, (SCHW, RN, KERR, KN))
    entropy = rng.random() < 0.35
    k = c.st.outer
    rr = f"(($s1[{k}])^2 + {c.sub('a')}^2)" if c.st in (KERR, KN) else f"($s1[{k}])^2"
    if not entropy and rng.random() < 0.5:
        last = step("integrate", assumptions=c.assume() or None,
                    expression=f"2*pi*{rr}*sin(theta)", variable="theta", lower="0", upper="pi")
    else:
        last = step("simplify", assumptions=c.assume() or None,
                    expression=f"pi*{rr}" if entropy else f"4*pi*{rr}")
    fn = "Δ" if c.st in (KERR, KN) else "f"
    q = pick(rng, ("Bekenstein–Hawking entropy S = A/4", "entropy S = A/4")) if entropy else \
        pick(rng, ("area", "horizon area", "area of the event horizon"))
    return Draw(c.slots(q=q, fn=fn), plan(
        step("solve", assumptions=c.assume("r"), equations=[f"{c.f} = 0"], variables=["r"]),
        last))


AREA = Intent("derive.horizon_area", (
    "What is the {q} of {name}{given}?",
    "Compute the {q} for {name}, {fn}(r) = {f}{given}.",
    "{q} of {name}{given}",
    "Find r_+ from {fn} = {f} and then the {q}{given}.",
    "In geometric units, the {q} of {name}{given}?",
    "How large is the {q} for {name}{given}? Use ${fn} = {ftex}$.",
    "Give the {q} of {name}{given}, using the outer root r_+.",
), _area, tags=("gr",), asks=(
    "the {q} of {name}{given}",
    "the {q} of {name} with {fn}(r) = {f}{given}",
    "the {q} at r_+ for {name}{given}",
))


# ------------------------------------------------------------------ Kerr extras
def _kerr(rng):
    c = draw_case(rng, (KERR, KN), numeric=0.45)
    key = pick(rng, ("omega", "omega", "kappa", "ergo", "ergo_eq") if c.st is KERR
               else ("omega", "kappa"))
    a2 = f"{c.sub('a')}^2"
    solve = step("solve", assumptions=c.assume("r"), equations=[f"{c.f} = 0"], variables=["r"])
    if key == "omega":
        q = pick(rng, ("angular velocity of the horizon Ω_H", "horizon angular velocity",
                       "rotation rate Omega_H = a/(r_+^2 + a^2) of the horizon"))
        p = plan(solve, step("simplify", assumptions=c.assume() or None,
                             expression=f"{c.sub('a')}/(($s1[1])^2 + {a2})"))
    elif key == "kappa":
        q = pick(rng, ("surface gravity κ", "surface gravity of the outer horizon"))
        p = plan(solve, step("differentiate", expression=c.f, variable="r"),
                 step("limit", assumptions=c.assume() or None,
                      expression=f"$s2/(2*(r^2 + {a2}))", variable="r", point="$s1[1]"))
    else:
        eq = ("2*{M}*r/(r^2 + {a}^2*cos(theta)^2) - 1 = 0" if key == "ergo"
              else "2*{M}*r/r^2 - 1 = 0").format(M=c.sub("M"), a=c.sub("a"))
        q = ("ergosurface r(θ) (the surface g_tt = 0)" if key == "ergo"
             else pick(rng, ("ergosphere radius in the equatorial plane",
                             "equatorial radius of the static limit")))
        asm = c.assume("r")
        p = plan(step("solve", assumptions=asm, equations=[eq], variables=["r"]))
    return Draw(c.slots(q=q), p)


KERR_X = Intent("derive.kerr", (
    "What is the {q} for {name}{given}?",
    "Compute the {q} of {name}{given} in Boyer–Lindquist coordinates.",
    "{q}, {name}{given}",
    "For {name} with Δ = {f}{given}, find the {q}.",
    "Boyer-Lindquist, Δ = ${ftex}${given}: give the {q}.",
    "Find the {q} of a spinning black hole - {name}{given}.",
    "I need the {q} for {name}{given} (geometric units).",
    "Rotating black holes: {q} of {name}{given}?",
), _kerr, tags=("gr",), asks=(
    "the {q} of {name}{given}",
    "the {q} for {name} (Δ = {f}){given}",
    "the {q} of a spinning hole, {name}{given}",
))


# ------------------------------------------------------------------ gravitational redshift
_STARS = (("a 1.4 solar-mass neutron star of radius 12 km", 1.4, 12),
          ("a 2 M_sun neutron star with R = 11 km", 2.0, 11),
          ("a neutron star of 1.8 solar masses and 13 km radius", 1.8, 13),
          ("a white dwarf of 1 solar mass and radius 6000 km", 1.0, 6000),
          ("the Sun (R = 696000 km)", 1.0, 696000))


def _redshift(rng):
    factor = rng.random() < 0.35
    q = pick(rng, ("redshift factor sqrt(-g_tt)", "clock rate sqrt(f) relative to infinity",
                   "time-dilation factor")) if factor else pick(
        rng, ("gravitational redshift z", "redshift z seen at infinity", "redshift z = 1/sqrt(f) - 1"))
    if rng.random() < 0.4:
        src, m, R = pick(rng, _STARS)
        f, point, asm = f"1 - 2*{times(m, KM_SUN)}/r", num(R), None
        src = f"at the surface of {src} (GM_sun/c^2 = 1.476625 km)"
        name = "this star"
    else:
        c = draw_case(rng, (SCHW, RN), numeric=0.3)
        k = pick(rng, (3, 4, 6, 10, 2.5))
        f, asm, name = c.f, c.assume("r") or None, c.name
        point = num(k * c.vals["M"]) if c.vals else f"{num(k)}*M"
        src = f"at r = {num(k)}M" + c.given
        if c.st is RN:
            src += f", f = {c.st.txt}"
    expr = f"sqrt({f})" if factor else f"1/sqrt({f}) - 1"
    return Draw({"q": q, "src": src, "name": name}, plan(
        step("limit", assumptions=asm, expression=expr, variable="r", point=point)))


REDSHIFT = Intent("derive.redshift", (
    "A static source emits light {src}. What is the {q}?",
    "Compute the {q} for light leaving {src} ({name}).",
    "{q} {src}, {name}?",
    "Static observer {src}: find the {q}.",
    "How strongly is light redshifted {src}? Give the {q}.",
    "Photons emitted {src} climb out to infinity - {q}?",
    "What {q} does a distant observer measure for emission {src}?",
    "Clocks {src} ({name}): {q}?",
), _redshift, tags=("gr",), asks=(
    "the {q} for light emitted {src} ({name})",
    "the {q} of a static source {src}",
    "the {q} {src}",
))


# ------------------------------------------------------------------ proper radial distance
def _distance(rng):
    c = draw_case(rng, (SCHW, RN), numeric=1.0)
    M = c.vals["M"]
    r1, r2 = pick(rng, ((None, 3), (None, 4), (None, 6), (3, 6), (4, 10), (None, 10)))
    if r1 is None:
        lower = None                   # from the horizon
    else:
        lower = num(r1 * M)
    rh = M + (M * M - c.vals.get("Q", 0) ** 2) ** 0.5      # outer horizon
    if lower is None and abs(rh - round(rh, 6)) > 1e-9:     # irrational: no closed form
        lower = num(3 * M)
        r2 = max(r2, 4)
    integral = dict(expression=f"1/sqrt({c.f})", variable="r", upper=num(r2 * M))
    if lower is not None:
        return Draw(c.slots(frm=f"r = {lower}", to=num(r2 * M)), plan(
            step("integrate", lower=lower, **integral)))
    return Draw(c.slots(frm="the horizon", to=num(r2 * M)), plan(   # the horizon by the tools
        step("solve", assumptions={"r": POS}, equations=[f"{c.f} = 0"], variables=["r"]),
        step("integrate", lower=f"$s1[{c.st.outer}]", **integral)))


DISTANCE = Intent("derive.proper_distance", (
    "Proper radial distance from {frm} to r = {to} for {name}{given}?",
    "How far apart, in proper length, are {frm} and r = {to} outside {name}{given}?",
    "Integrate dr/sqrt(f) with f = {f} from {frm} to r = {to}{given}.",
    "Measured with a ruler at fixed t, what is the distance between {frm} and r = {to}{given}? (f = {f})",
    "proper distance {frm} -> r = {to}, {name}{given}",
    "Compute $\\int dr/\\sqrt{{f}}$ for $f = {ftex}$ between {frm} and r = {to}{given}.",
    "Spatial proper distance along a radial line from {frm} out to r = {to}, {name}{given}.",
), _distance, tags=("gr",), asks=(
    "the proper radial distance from {frm} to r = {to} for {name}{given}",
    "the ruler distance between {frm} and r = {to} outside {name}{given} (f = {f})",
    "the proper length of the radial segment from {frm} to r = {to}, {name}{given}",
))


# ------------------------------------------------------------------ infall proper time
def _infall(rng):
    kind = pick(rng, ("horizon", "rest", "infinity"))
    numeric = rng.random() < 0.35
    m = pick(rng, (1, 2, 5)) if numeric else None
    M = num(m) if numeric else "M"
    given = f" (M = {M})" if numeric else ""
    asm = {"r": POS} if numeric else {"M": POS, "r": POS}
    if kind == "horizon":
        trip = pick(rng, ("from the horizon to the singularity",
                          f"between crossing r = 2M and hitting r = 0"))
        s = step("integrate", assumptions=asm, expression=f"1/sqrt(2*{M}/r - 1)",
                 variable="r", lower="0", upper=f"2*{M}" if not numeric else num(2 * m))
    else:
        R = pick(rng, (6, 10, 20)) * m if numeric else None
        Rs = num(R) if numeric else "R"
        if not numeric:
            asm = {**asm, "R": POS}
        if kind == "rest":
            trip = f"falling from rest at r = {Rs} to r = 0"
            expr = f"1/sqrt(2*{M}/r - 2*{M}/{Rs})"
        else:
            trip = f"falling from rest at infinity, from r = {Rs} to r = 0"
            expr = f"sqrt(r/(2*{M}))"
        s = step("integrate", assumptions=asm, expression=expr, variable="r", lower="0",
                 upper=Rs)
    return Draw({"trip": trip, "given": given}, plan(s))


INFALL = Intent("derive.infall_time", (
    "Proper time for a radially infalling observer {trip} in Schwarzschild{given}?",
    "How long, by their own clock, does a particle take {trip}? Schwarzschild black hole{given}.",
    "Schwarzschild{given}: compute the proper time elapsed {trip}.",
    "Radial plunge {trip} around a Schwarzschild hole{given} - proper time?",
    "Integrate dτ along a radial timelike geodesic {trip}, Schwarzschild{given}.",
    "What is the wristwatch time {trip} for a Schwarzschild black hole{given}?",
    "proper time {trip}, Schwarzschild{given}",
), _infall, tags=("gr",), asks=(
    "the proper time {trip} in Schwarzschild{given}",
    "the wristwatch time of a radial plunge {trip}, Schwarzschild{given}",
    "how much proper time passes {trip} (Schwarzschild{given})",
))


# ------------------------------------------------------------------ light bending
_LENSES = (("the Sun", 1.0, 6.957e8), ("a 2 solar-mass star of radius 1.2e9 m", 2.0, 1.2e9),
           ("Sirius B (1.02 M_sun, R = 5.8e6 m)", 1.02, 5.8e6),
           ("a 0.5 M_sun red dwarf with R = 3.5e8 m", 0.5, 3.5e8))


def _bending(rng):
    if rng.random() < 0.5:
        return Draw({"body": "a mass M at impact parameter b", "unit": ""}, plan(
            step("differentiate", expression="-M/sqrt(b^2 + z^2)", variable="b"),
            step("integrate", assumptions={"M": POS, "b": POS}, expression="2*$s1",
                 variable="z", lower="-oo", upper="oo")))
    name, m, R = pick(rng, _LENSES)
    return Draw({"body": f"{name}, grazing its limb", "unit": pick(rng, (
        " in arcseconds (GM_sun/c^2 = 1476.625 m)", ", in arcsec; GM_sun/c^2 = 1476.625 m"))},
        plan(step("differentiate", expression=f"-{times(m, M_SUN)}/sqrt(b^2 + z^2)", variable="b"),
             step("integrate", assumptions={"b": POS}, expression="2*$s1", variable="z",
                  lower="-oo", upper="oo"),
             step("limit", expression=f"$s2*{ARCSEC}", variable="b", point=num(R))))


BENDING = Intent("derive.light_bending", (
    "Deflection angle of light passing {body}{unit}?",
    "Weak-field light bending by {body}{unit}: integrate the transverse gradient of the potential twice along the unperturbed ray.",
    "How much is a light ray bent by {body}{unit}?",
    "light deflection, {body}{unit}",
    "Leading-order GR bending angle for a photon passing {body}{unit}.",
    "Compute the total deflection of starlight by {body}{unit}, using alpha = 2 ∫ ∂_b Φ dz.",
    "What angle does gravitational lensing by {body} deflect light through{unit}?",
), _bending, tags=("gr",), asks=(
    "the deflection of light by {body}{unit}",
    "the bending angle of a light ray passing {body}{unit}",
    "the gravitational lensing angle of {body}{unit}",
))


# ------------------------------------------------------------------ perihelion advance
_PLANETS = (("Mercury", 5.7909e10, 0.2056, 87.969), ("Venus", 1.0821e11, 0.0068, 224.701),
            ("Earth", 1.496e11, 0.0167, 365.256), ("the asteroid Icarus", 1.6127e11, 0.827, 408.8))


def _perihelion(rng):
    d1 = step("differentiate", expression="u - m/L^2 - 3*m*u^2", variable="u")
    s2 = step("series", expression="2*pi*(1/sqrt($s1) - 1)", variable="m", order=2)
    if rng.random() < 0.4:
        return Draw({"body": "a nearly circular orbit at u = 1/r", "unit": " (per orbit, to first order in M)"},
                    plan(step("differentiate", expression="u - M/L^2 - 3*M*u^2", variable="u"),
                         step("series", expression="2*pi*(1/sqrt($s1) - 1)", variable="M",
                              order=2)))
    name, A, e, P = pick(rng, _PLANETS)
    return Draw({"body": f"{name} (a = {num(A)} m, e = {e}, period {P} days)",
                 "unit": " in arcsec per century, GM_sun/c^2 = 1476.625 m"},
                plan(d1, s2,
                     step("limit", expression=f"$s2*(36525/{P})*{ARCSEC}", variable="u",
                          point=f"1/(A*(1 - {e}^2))"),
                     step("limit", expression="$s3", variable="m", point=num(M_SUN)),
                     step("limit", expression="$s4", variable="A", point=num(A))))


PERIHELION = Intent("derive.perihelion", (
    "Relativistic perihelion advance of {body}{unit}? Start from u'' + u = M/L^2 + 3Mu^2.",
    "Using the orbit equation u'' + u = M/L^2 + 3 M u^2, find the precession of {body}{unit}.",
    "GR periapsis shift for {body}{unit}.",
    "perihelion precession, {body}{unit}",
    "How fast does the perihelion of {body} advance due to general relativity{unit}?",
    "From the frequency of radial oscillations about the circular orbit, compute the perihelion shift of {body}{unit}.",
    "Anomalous perihelion advance for {body}{unit} - derive it from the 3Mu^2 term.",
), _perihelion, tags=("gr",), asks=(
    "the perihelion advance of {body}{unit}",
    "the GR precession of the perihelion of {body}{unit}",
    "the relativistic periapsis shift of {body}{unit}",
))


# ------------------------------------------------------------------ series expansions
_SERIES = (("the redshift factor 1/sqrt(1 - 2Mu)", "1/sqrt(1 - 2*M*u)", "u", 3),
           ("the lapse sqrt(1 - 2Mu)", "sqrt(1 - 2*M*u)", "u", 3),
           ("g_rr = 1/(1 - 2Mu)", "1/(1 - 2*M*u)", "u", 3),
           ("1/sqrt(1 - 2Mu + Q^2 u^2)", "1/sqrt(1 - 2*M*u + Q^2*u^2)", "u", 3),
           ("the Lorentz factor 1/sqrt(1 - v^2)", "1/sqrt(1 - v^2)", "v", 5),
           ("the photon-orbit radius (3M + sqrt(9M^2 - 8Q^2))/2", "(3*M + sqrt(9*M^2 - 8*Q^2))/2",
            "Q", 3),
           ("the ISCO energy (1 - 2x)/sqrt(1 - 3x)", "(1 - 2*x)/sqrt(1 - 3*x)", "x", 3))


def _series(rng):
    what, expr, var, order = pick(rng, _SERIES)
    asm = {s: POS for s in ("M", "Q", "a") if re.search(rf"\b{s}\b", expr)} or None
    return Draw({"what": what, "var": var, "n": str(order - 1)},
                plan(step("series", assumptions=asm, expression=expr, variable=var, point="0",
                          order=order)))


SERIES = Intent("derive.series", (
    "Expand {what} in {var} to order {n}.",
    "Taylor series of {what} about {var} = 0, up to {var}^{n}.",
    "small-{var} expansion of {what} (through order {n})",
    "Give the first terms of {what} for small {var}, keeping terms up to {var}^{n}.",
    "Weak-field / small-parameter limit: series of {what} in {var}, order {n}.",
    "Series-expand {what} around {var} = 0 to O({var}^{n}).",
    "What does {what} look like to order {var}^{n}?",
), _series, tags=("gr",), asks=(
    "the expansion of {what} in {var} up to order {n}",
    "the Taylor series of {what} around {var} = 0 to O({var}^{n})",
    "the small-{var} series of {what}, through {var}^{n}",
))


# ------------------------------------------------------------------ invariant at a point
_INVARIANTS = {"kretschmann": ("Kretschmann scalar", "R_{abcd}R^{abcd}", "Kretschmann invariant"),
               "weyl_squared": ("Weyl invariant C_{abcd}C^{abcd}", "Weyl-squared scalar"),
               "ricci_squared": ("Ricci invariant R_{ab}R^{ab}", "Ricci-squared scalar")}
_AT = {"schwarzschild": (("the Schwarzschild metric", "Schwarzschild"),
                         ("2*M", "the horizon r = 2M"), ("3*M", "the photon sphere r = 3M"),
                         ("6*M", "r = 6M"), ("M", "r = M")),
       "reissner_nordstrom": (("Reissner–Nordström", "the RN metric"),
                              ("M", "r = M"), ("2*M", "r = 2M"), ("Q", "r = Q"))}


def _invariant(rng):
    metric, (names, *points) = pick(rng, _AT)
    point, where = pick(rng, points)
    # R_ab R^ab vanishes identically in vacuum: asked only where there is charge
    quantity = pick(rng, [q for q in _INVARIANTS if metric != "schwarzschild"
                          or q != "ricci_squared"])
    qname = pick(rng, _INVARIANTS[quantity])
    asm = {"M": POS, "Q": POS} if "Q" in point or metric != "schwarzschild" else {"M": POS}
    return Draw({"name": pick(rng, names), "where": where, "inv": qname}, plan(
        step("curvature", metric=metric, quantity=quantity),
        step("limit", assumptions=asm, expression="$s1", variable="r", point=point)))


# few per template: each draw is also a plain "invariant of this metric" question with a
# point added, and many of them teach the planner to add a limit where none was asked for
INVARIANT = Intent("derive.invariant_at", (
    "Evaluate the {inv} of {name} at {where}.",
    "What is {inv} for {name} at {where}?",
    "{inv} of {name}, evaluated at {where}",
    "How large is the {inv} at {where} in {name}?",
    "Compute {inv} for {name} and then plug in {where}.",
    "Tidal curvature check: {inv} at {where}, {name}.",
    "At {where}, what value does the {inv} of {name} take?",
), _invariant, per_template=3, tags=("gr",), asks=(
    "the {inv} of {name} at {where}",
    "the value of the {inv} of {name} at {where}",
    "{inv} at {where} for {name}",
))


# ------------------------------------------------------------------ FLRW power law
_FLUIDS = (("dust (w = 0)", "0"), ("radiation (w = 1/3)", "1/3"), ("a stiff fluid, p = ρ", "1"),
           ("a fluid with w = -1/3", "-1/3"), ("a fluid with w = -1/2", "-1/2"),
           ("matter with p = ρ/2", "1/2"))


# A fluid named by how its density falls with the scale factor, ρ ∝ a^-n: the plan uses n as
# the question gives it (3(1 + w) = n, which the planner is not to work out).
_DILUTING = (("radiation, ρ ∝ a^-4", "4"), ("dust, ρ ∝ a^(-3)", "3"),
             ("a fluid whose density falls as a^-6", "6"), ("a fluid with ρ ~ a^-2", "2"),
             ("radiation (ρ ~ a^-4)", "4"))


def _flrw(rng):
    if rng.random() < 0.35:
        fluid, n = pick(rng, _DILUTING)
        power = f"{n}*p"
    else:
        fluid, w = pick(rng, _FLUIDS)
        power = f"3*p*(1 + ({w}))"
    return Draw({"fluid": fluid}, plan(
        step("curvature", metric="ds^2 = -dt^2 + t^(2*p)*(dx^2 + dy^2 + dz^2)",
             quantity="einstein", component="t,t"),
        step("differentiate", expression=f"log($s1*t^({power}))", variable="t"),
        step("solve", assumptions={"p": POS, "t": POS}, equations=["$s2 = 0"], variables=["p"])))


FLRW = Intent("derive.flrw_power_law", (
    "Flat FLRW with a(t) = t^p filled with {fluid}: find p from G_tt = 8πρ and ρ ∝ a^(-3(1+w)).",
    "For ds^2 = -dt^2 + t^(2p)(dx^2 + dy^2 + dz^2) and {fluid}, which exponent p solves Einstein's equations?",
    "Power-law expansion a ∝ t^p for a universe dominated by {fluid}: p = ?",
    "Compute G_tt of the power-law FLRW metric and match its time dependence to ρ ∝ a^(-3(1+w)) for {fluid}.",
    "scale factor exponent, flat universe, {fluid}",
    "How does a(t) grow for {fluid} in a spatially flat FRW model? Give the power p.",
    "Use the Einstein tensor of $ds^2 = -dt^2 + t^{{2p}}\\,d\\vec x^2$ to find p for {fluid}.",
), _flrw, tags=("gr",), asks=(
    "the power p of a(t) = t^p for a flat universe of {fluid}",
    "the expansion exponent of a flat FLRW universe dominated by {fluid}",
    "how fast a(t) grows for {fluid} in flat FRW",
))


# ------------------------------------------------------------------ de Sitter H from Lambda
def _desitter(rng):
    if rng.random() < 0.5:
        lam, given, asm = "Lambda", "", {"Lambda": POS, "H": POS}
    else:
        v = pick(rng, ("1.1e-52", "3", "0.03", "1.2"))
        lam, given, asm = v, f" with Lambda = {v}", {"H": POS}
    return Draw({"given": given}, plan(
        step("curvature", metric="ds^2 = -dt^2 + exp(2*H*t)*(dx^2 + dy^2 + dz^2)",
             quantity="einstein", component="t,t"),
        step("solve", assumptions=asm, equations=[f"$s1 = {lam}"], variables=["H"])))


DESITTER = Intent("derive.desitter_hubble", (
    "For the de Sitter metric in flat slicing, a = e^(Ht), find H in terms of the cosmological constant{given}.",
    "Vacuum with cosmological constant{given}: what Hubble rate does G_tt = Λ give for ds^2 = -dt^2 + e^(2Ht) dx^2?",
    "Hubble parameter of de Sitter space{given}",
    "Exponential expansion a(t) = exp(H t): relate H to Λ through the Einstein equations{given}.",
    "What is the expansion rate H of an empty universe driven only by Λ{given}?",
    "Compute G_tt for $ds^2 = -dt^2 + e^{{2Ht}}(dx^2+dy^2+dz^2)$ and solve G_tt = Λ for H{given}.",
    "de Sitter: H as a function of Lambda{given}?",
), _desitter, tags=("gr",), asks=(
    "the Hubble rate H of de Sitter space in terms of Λ{given}",
    "H for a(t) = e^(Ht) from the Einstein equation G_tt = Λ{given}",
    "the expansion rate of a Λ-dominated empty universe{given}",
))


# ------------------------------------------------------------------ circular orbits from Γ
# On a circular geodesic r'' = 0, so the radial geodesic equation reads
# Γ^r_tt t'^2 + Γ^r_φφ φ'^2 = 0: Ω^2 = (dφ/dt)^2 = -Γ^r_tt/Γ^r_φφ on the equator, f'(r)/(2r)
# for ds^2 = -f dt^2 + dr^2/f + r^2 dΩ^2 (Kepler's law M/r^3 for Schwarzschild).
_CATALOGUED = {SCHW.f: "schwarzschild", RN.f: "reissner_nordstrom"}
_OMEGAS = ("dOmega^2", "dΩ^2", "(dtheta^2 + sin^2 theta dphi^2)")


def _kepler(rng):
    c = draw_case(rng, (SCHW, RN, SDS, SADS, DS), numeric=0.3)
    if c.st.f in _CATALOGUED and not c.vals and rng.random() < 0.6:
        metric, where = _CATALOGUED[c.st.f], c.name
    else:
        f = c.sub(c.st.txt) if c.vals else c.st.txt
        body = f"-({f}) dt^2 + dr^2/({f}) + r^2 {pick(rng, _OMEGAS)}"
        metric = f"ds^2 = {body}"
        where = pick(rng, (f"the metric {metric}", f"ds^2 = {body}",
                           f"the static spacetime {metric}"))
    return Draw({"where": where}, plan(
        step("curvature", metric=metric, quantity="christoffel", component="r,t,t"),
        step("curvature", metric=metric, quantity="christoffel", component="r,phi,phi"),
        step("limit", expression="-($s1)/($s2)", variable="theta", point="pi/2")))


KEPLER = Intent("derive.circular_geodesic", (
    "Circular orbits in the equatorial plane of {where}: derive (dφ/dt)^2 from the "
    "Christoffel symbols Γ^r_tt and Γ^r_φφ.",
    "From the radial geodesic equation with r'' = 0, get Ω^2 = (dφ/dt)^2 for circular "
    "equatorial orbits of {where}. Use the connection coefficients.",
    "Kepler's third law for {where}: compute Ω^2 = (dφ/dt)^2 of a circular geodesic at "
    "θ = π/2 via the Christoffel symbols.",
    "What is the orbital angular velocity squared (dφ/dt)^2 of circular equatorial geodesics "
    "in {where}? Work it out with $\\Gamma^r_{{tt}}$ and $\\Gamma^r_{{\\phi\\phi}}$.",
    "With the Christoffel symbols of {where}, find the coordinate angular frequency "
    "Ω² = (dφ/dt)² of a circular orbit in the plane θ = π/2.",
    "Take {where}. The geodesic equation for a circular equatorial orbit gives "
    "Ω^2 = -Γ^r_tt/Γ^r_φφ; evaluate it.",
    "Christoffel symbols of {where} -> angular velocity of circular equatorial geodesics, "
    "Ω^2 = (dφ/dt)^2?",
    "I need (dφ/dt)^2 for circular geodesics of {where} in the equatorial plane, computed "
    "from the connection.",
), _kepler, per_template=5, tags=("gr",), asks=(
    "Ω^2 = (dφ/dt)^2 of circular equatorial geodesics of {where}, from the Christoffel symbols",
    "the angular velocity of a circular equatorial orbit in {where} from Γ^r_tt and Γ^r_φφ",
))


# ------------------------------------------------------------------ how a horizon moves
# f(r_h, p) = 0 defines r_h(p): dr_h/dp = -(∂f/∂p)/(∂f/∂r) at the horizon (implicit
# differentiation), e.g. 8M^3/3 for Schwarzschild-de Sitter in Λ at Λ = 0, -Q/sqrt(M^2 - Q^2)
# for Reissner-Nordström's r_+ in Q.
_SHIFTS = ((SDS, "Lambda", (0,), ("Λ", "the cosmological constant Λ", "Lambda")),
           (RN, "Q", (0.6, 0.8, 0.5), ("the charge Q", "Q")),
           (KERR, "a", (0.6, 0.8, 0.5), ("the spin a", "the rotation parameter a", "a")),
           (TANG, "mu", (1, 4, 9), ("μ", "the mass parameter mu")),
           (BTZ, "M", (1, 4), ("the mass M", "M")))


def _shift(rng):
    st, p, values, spoken = pick(rng, _SHIFTS)
    p0 = pick(rng, values)
    others = {}
    if st in (RN, KERR):
        others = {"M": 1}
    elif st is SDS and rng.random() < 0.4:
        others = {"M": pick(rng, (1, 2))}
    elif st is BTZ and rng.random() < 0.5:
        others = {"l": pick(rng, (1, 2))}

    def sub(expr: str, values: dict) -> str:
        return _SYM.sub(lambda m: num(values[m.group()]) if m.group() in values
                        else m.group(), expr)

    f = sub(st.f, others)
    given = "".join(f", {k} = {num(v)}" for k, v in others.items())
    symbols = sorted(set(_SYM.findall(f)) - {p})
    asm = {s: POS for s in symbols} or None
    outer = st.outer if st.roots > 1 and not (st is SDS and p0 == 0) else 0
    return Draw({"name": pick(rng, st.names), "f": sub(st.txt, others), "p": pick(rng, spoken),
                 "sym": {"Lambda": "Λ", "mu": "μ"}.get(p, p), "p0": num(p0), "given": given},
                plan(step("differentiate", expression=f, variable=p),
                     step("differentiate", expression=f, variable="r"),
                     step("solve", assumptions={**(asm or {}), "r": POS},
                          equations=[f"{sub(f, {p: p0})} = 0"], variables=["r"]),
                     step("limit", expression="-($s1)/($s2)", variable=p, point=num(p0)),
                     step("limit", assumptions=asm, expression="$s4", variable="r",
                          point=f"$s3[{outer}]")))


SHIFT = Intent("derive.horizon_shift", (
    "How fast does the horizon of {name} (f = {f}{given}) move as {p} changes? "
    "Give dr_h/d{sym} at {sym} = {p0}.",
    "Implicit differentiation of f(r_h) = 0 for {name}, f(r) = {f}{given}: what is "
    "d r_h/d {sym} at {sym} = {p0}?",
    "Sensitivity of the outer horizon radius to {p} in {name} (f = {f}{given}): "
    "dr_+/d{sym} evaluated at {sym} = {p0}.",
    "For f(r) = {f}{given}, the horizon r_h depends on {p}. Find dr_h/d{sym} at {sym} = {p0}.",
    "{name}, f = {f}{given}: at what rate does the horizon radius change with {p} at "
    "{sym} = {p0}?",
    "Compute the derivative of the horizon radius with respect to {p} for {name} "
    "(metric function {f}{given}) at {sym} = {p0}.",
    "Perturb {p} about {sym} = {p0} in {name} with f(r) = {f}{given}: what is the slope "
    "d r_h / d {sym} of the horizon?",
), _shift, per_template=5, tags=("gr",), asks=(
    "dr_h/d{sym} at {sym} = {p0} for {name}, f = {f}{given}",
    "the rate at which the horizon of {name} (f = {f}{given}) moves with {p} at {sym} = {p0}",
))


INTENTS: list[Intent] = [HORIZON, HORIZONS, EXTREMAL, PHOTON, IMPACT, ISCO, ORBIT_Q, AT_RADIUS,
                         BOUND, CIRCULAR, KAPPA, AREA, KERR_X, REDSHIFT, DISTANCE, INFALL,
                         BENDING, PERIHELION, SERIES, INVARIANT, FLRW, DESITTER, KEPLER,
                         SHIFT]
