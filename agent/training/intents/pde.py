"""Differential-equation questions: PDEs and numeric ODEs for ``solve_pde`` (spec or library
problem, classical or PINN) and closed-form ODEs for ``dsolve``.

Every expression is drawn once in the plan's canonical text (explicit ``*``, ``pi``) and shown
in the question as plain text (:func:`_plain`, ``sin(pi x)``) or LaTeX (:func:`_tex`,
``\\sin(\\pi x)``, always with parentheses after a function).
"""

from __future__ import annotations

import random
import re

from . import Draw, Intent, pick, plan, step


# ------------------------------------------------------------------------------ rendering
def _plain(expr: str) -> str:
    """``2*x + 0.5*sin(pi*x)`` -> ``2x + 0.5 sin(pi x)``."""
    expr = re.sub(r"(?<=\d)\*(?=[a-z](?![a-z(]))", "", expr)
    return expr.replace("*", " ")


def _tex(expr: str) -> str:
    """``sin(pi*x/2) + u_xx`` -> ``\\sin(\\pi x/2) + u_{xx}``."""
    expr = re.sub(r"\b(sin|cos|exp|sinh|cosh|tanh)\(", r"\\\1(", expr)
    expr = re.sub(r"sqrt\((\w+)\)", r"\\sqrt{\1}", expr)
    expr = re.sub(r"\bpi\b", r"\\pi", expr)
    expr = re.sub(r"_(xx|tt|yy|xxx)\b", r"_{\1}", expr)
    expr = re.sub(r"(?<=\d)\*(?=[a-z\\(])", "", expr)
    return expr.replace("*", " ")


def _leibniz(expr: str, fn: str, var: str) -> tuple[str, str]:
    """An ODE's primes as Leibniz quotients, plain and LaTeX: ``y'' + 4*y' = 0`` ->
    ``d^2y/dt^2 + 4 dy/dt = 0`` and ``\\frac{d^2y}{dt^2} + 4\\frac{dy}{dt} = 0``."""
    plain = tex = expr
    for primes, order in (("''", "^2"), ("'", "")):
        plain = plain.replace(fn + primes, f"d{order}{fn}/d{var}{order}")
        tex = tex.replace(fn + primes, f"\\frac{{d{order}{fn}}}{{d{var}{order}}}")
    plain = re.sub(rf"(?<=[0-9A-Za-z])(?=d(?:\^2)?{fn}/)", " ", _plain(plain))
    return plain, _tex(tex)


def _ode_both(rng: random.Random, expr: str, fn: str, var: str) -> dict[str, str]:
    """The ``eq`` slots of an ODE: primes as drawn, or (one time in three) Leibniz quotients,
    as many textbooks write them."""
    if rng.random() < 1 / 3:
        plain, tex = _leibniz(expr, fn, var)
        return {"eq": plain, "eq_tex": tex}
    return _both("eq", expr)


def _num(v: float) -> str:
    return f"{v:g}"


def _coef(c: float, term: str) -> str:
    """``c*term`` in plan text, ``term`` alone for c = 1."""
    return term if c == 1 else f"{_num(c)}*{term}"


def _show(rng: random.Random, expr: str) -> str:
    """The question's rendering of a plan expression: plain or LaTeX in $...$."""
    return _plain(expr) if rng.random() < 0.6 else f"${_tex(expr)}$"


def _both(prefix: str, expr: str) -> dict[str, str]:
    return {prefix: _plain(expr), prefix + "_tex": _tex(expr)}


# Rod lengths: (the end in the plan, plain text, LaTeX, argument of the n-th sine mode)
LENGTHS = {
    "1": (1, "1", "1", lambda n: "pi*x" if n == 1 else f"{n}*pi*x"),
    "2": (2, "2", "2", lambda n: (f"{n // 2}*pi*x" if n > 2 else "pi*x") if n % 2 == 0
          else ("pi*x/2" if n == 1 else f"{n}*pi*x/2")),
    "pi": ("pi", "pi", "\\pi", lambda n: "x" if n == 1 else f"{n}*x"),   # "pi", as asked
}
DIFFUSIVITIES = (0.1, 0.2, 0.25, 0.5, 1, 2)
TIMES = (0.1, 0.2, 0.25, 0.3, 0.5, 1)


def _interval(rng, keys=("1", "2", "pi")):
    key = rng.choice(keys)
    return LENGTHS[key]


def _sine_profile(rng, arg) -> str:
    """A sum of one to three Dirichlet modes sin(n k x) with small coefficients."""
    modes = rng.sample([1, 2, 3, 4], rng.choice([1, 1, 2, 2, 3]))
    modes.sort()
    terms = []
    for i, n in enumerate(modes):
        c = 1 if i == 0 else rng.choice([0.5, 0.25, 2, -1, -0.5, 3])
        t = f"sin({arg(n)})"
        terms.append(t if c == 1 else (f"- {t}" if c == -1 else _coef(c, t)))
    out = terms[0]
    for t in terms[1:]:
        out += f" {t}" if t.startswith("- ") else f" + {t}"
    return out.replace("+ -", "- ")


def _poly_profile(length) -> str:
    num, txt = length[0], length[1]
    return f"x*({txt} - x)" if num != 1 else "x*(1 - x)"


# ------------------------------------------------------------------------------ heat equation
HEAT_BC = {
    "dirichlet": ("the ends held at zero", "u vanishing at both ends", "u(0,t) = u({L},t) = 0",
                  "homogeneous Dirichlet conditions", "both ends kept at temperature 0"),
    "neumann": ("insulated ends", "u_x = 0 at both ends", "no heat flux through either end",
                "homogeneous Neumann conditions", "u_x(0,t) = u_x({L},t) = 0"),
    "mixed_left": ("the end x=0 insulated and the end x={L} held at zero",
                   "u_x(0,t) = 0 and u({L},t) = 0", "an insulated left end and a cold right end"),
    "mixed_right": ("the end x=0 held at zero and the end x={L} insulated",
                    "u(0,t) = 0 and u_x({L},t) = 0", "a cold left end and an insulated right end"),
}


def _heat_equation(k: float) -> str:
    return f"u_t = {_coef(k, 'u_xx')}"


def sample_heat(rng: random.Random) -> Draw:
    kind = pick(rng, ("dirichlet", "dirichlet", "neumann", "mixed_left", "mixed_right"))
    L = _interval(rng, ("1", "2", "pi") if kind in ("dirichlet", "neumann") else ("1", "2"))
    num, ltxt, ltex, arg = L
    k, T = rng.choice(DIFFUSIVITIES), rng.choice(TIMES)
    if kind == "dirichlet":
        u0 = _sine_profile(rng, arg) if rng.random() < 0.75 else _poly_profile(L)
        conds = [{"kind": "dirichlet", "on": "boundary", "value": "0"}]
    elif kind == "neumann":
        c0 = rng.choice([0, 1, 2, 0.5])
        n = rng.choice([1, 2, 3])
        cosine = f"cos({arg(n)})"
        amp = rng.choice([1, 1, 0.5, 3])
        u0 = (_coef(amp, cosine) if c0 == 0 else f"{_num(c0)} + {_coef(amp, cosine)}")
        conds = [{"kind": "neumann", "on": "boundary", "value": "0"}]
    else:
        # quarter-wave modes: cos((2n-1) pi x/(2L)) for u_x(0)=0, sin(...) for u(0)=0
        n = rng.choice([1, 1, 2])
        m = 2 * n - 1
        a = f"pi*x/{2 * num}" if m == 1 else f"{m}*pi*x/{2 * num}"
        u0 = f"cos({a})" if kind == "mixed_left" else f"sin({a})"
        left, right = ("neumann", "dirichlet") if kind == "mixed_left" else ("dirichlet", "neumann")
        conds = [{"kind": left, "on": "x=0", "value": "0"},
                 {"kind": right, "on": f"x={num}", "value": "0"}]
    eq = _heat_equation(k)
    bc = rng.choice(HEAT_BC[kind]).format(L=ltxt)
    spec = {"variables": {"x": [0, num], "t": [0, T]}, "equations": [eq],
            "conditions": conds + [{"kind": "initial", "value": u0}]}
    slots = {"L": ltxt, "L_tex": ltex, "T": _num(T), "k": _num(k), "bc": bc,
             **_both("eq", eq), **_both("u0", u0)}
    return Draw(slots, plan(step("solve_pde", spec=spec)))


HEAT_TEMPLATES = (
    "Solve {eq} on 0<x<{L} for 0<t<{T} with {bc}, starting from u(x,0) = {u0}.",
    "Heat equation ${eq_tex}$ on $0<x<{L_tex}$, $0<t<{T}$, {bc}, and $u(x,0) = {u0_tex}$. Find u(x,t).",
    "A rod of length {L} conducts heat by {eq} and has {bc}. Its initial temperature is {u0}. "
    "What is the temperature for 0 <= t <= {T}?",
    "diffusion {eq}, x in [0,{L}], t in [0,{T}], {bc}, u(x,0) = {u0}",
    "Temperature in a bar 0 <= x <= {L} with diffusivity {k} and {bc}; initially u = {u0}. "
    "Solve up to t = {T}.",
    "Find u(x,t) for $0 \\le t \\le {T}$: ${eq_tex}$ on $[0, {L_tex}]$ with {bc} and initial "
    "data ${u0_tex}$.",
    "Numerically solve the 1D heat problem {eq} (0<x<{L}, t<{T}), {bc}, initial profile {u0}.",
    "I have {eq} on the interval (0, {L}) with {bc}. Initial condition u(x,0)={u0}. "
    "Evolve it to t={T}.",
    "What does an initial temperature ${u0_tex}$ on a rod $0<x<{L_tex}$ with {bc} become under "
    "${eq_tex}$ over $0<t<{T}$?",
)


# ------------------------------------------------------- heat with ends, source or loss term
def sample_heat_extra(rng: random.Random) -> Draw:
    kind = pick(rng, ("ends", "source", "loss"))
    k, T = rng.choice((0.1, 0.2, 0.5, 1)), rng.choice((0.1, 0.2, 0.3, 0.5))
    mode = f"sin({rng.choice(['pi*x', '2*pi*x', '3*pi*x'])})"
    if kind == "ends":
        A, B = rng.sample([0, 1, 2, 3, -1, 4], 2)
        slope = {1: "x", -1: "-x"}.get(B - A, f"{B - A}*x")
        line = (str(A) if A == B else slope if A == 0
                else f"{A} {'-' if B < A else '+'} {slope.lstrip('-')}")
        line = "" if line == "0" else line
        u0 = f"{line} + {mode}" if line else mode
        eq = _heat_equation(k)
        conds = [{"kind": "dirichlet", "on": "x=0", "value": str(A)},
                 {"kind": "dirichlet", "on": "x=1", "value": str(B)}]
        extra = f"u(0,t) = {A} and u(1,t) = {B}"
        extra_tex = f"$u(0,t)={A}$, $u(1,t)={B}$"
    else:
        s = rng.choice((1, 2, 4, 0.5)) if kind == "source" else rng.choice((0.5, 1, 2, 0.1))
        eq = (f"u_t = {_coef(k, 'u_xx')} + {_num(s)}" if kind == "source"
              else f"u_t = {_coef(k, 'u_xx')} - {_coef(s, 'u')}")
        u0 = mode if rng.random() < 0.6 else f"x*(1 - x) + {mode}"
        conds = [{"kind": "dirichlet", "on": "boundary", "value": "0"}]
        extra = rng.choice(("u = 0 at both ends", "zero Dirichlet ends", "u(0,t)=u(1,t)=0"))
        extra_tex = "$u(0,t)=u(1,t)=0$"
    spec = {"variables": {"x": [0, 1], "t": [0, T]}, "equations": [eq],
            "conditions": conds + [{"kind": "initial", "value": u0}]}
    what = {"ends": "fixed end temperatures", "source": "a uniform heat source",
            "loss": "a linear loss term"}[kind]
    slots = {"T": _num(T), "bc": extra, "bc_tex": extra_tex, "what": what,
             **_both("eq", eq), **_both("u0", u0)}
    return Draw(slots, plan(step("solve_pde", spec=spec)))


HEAT_EXTRA_TEMPLATES = (
    "Solve {eq} for 0<x<1, 0<t<{T}, with {bc} and u(x,0) = {u0}.",
    "Heat conduction with {what}: ${eq_tex}$ on $0<x<1$, {bc_tex}, $u(x,0)={u0_tex}$, up to $t={T}$.",
    "rod 0<=x<=1, {eq}, {bc}, initial temperature {u0}; find u for t in [0,{T}]",
    "Find the evolution of u(x,0) = {u0} under {eq} on the unit interval ({bc}) until t = {T}.",
    "A unit-length bar obeys {eq} ({what}). With {bc} and starting profile {u0}, compute u(x,t) "
    "for 0 <= t <= {T}.",
    "$${eq_tex}$$ with {bc_tex} and $u(x,0) = {u0_tex}$ on $x \\in [0,1]$, $t \\in [0,{T}]$. Solve it.",
    "Numerically integrate the reaction-diffusion type problem {eq} on [0,1] x [0,{T}], {bc}, u0 = {u0}.",
)


# ------------------------------------------------------------------------------ wave equation
def sample_wave(rng: random.Random) -> Draw:
    num, ltxt, ltex, arg = _interval(rng)
    c = rng.choice((1, 2, 0.5, 3))
    T = rng.choice((0.5, 1, 2))
    damping = rng.choice((0, 0, 0, 0.1, 0.2, 0.5))
    c2 = _num(c * c)
    eq = (f"u_tt = {_coef(c * c, 'u_xx')}" if not damping
          else f"u_tt + {_coef(damping, 'u_t')} = {_coef(c * c, 'u_xx')}")
    n = rng.choice((1, 2, 3))
    if rng.random() < 0.6:
        u0, v0 = rng.choice((f"sin({arg(n)})", _sine_profile(rng, arg))), "0"
    else:
        u0, v0 = "0", _coef(rng.choice((1, 2, 0.5)), f"sin({arg(n)})")
    spec = {"variables": {"x": [0, num], "t": [0, T]}, "equations": [eq],
            "conditions": [{"kind": "dirichlet", "on": "boundary", "value": "0"},
                           {"kind": "initial", "value": u0},
                           {"kind": "initial", "derivative": 1, "value": v0}]}
    start = ("starts at rest" if v0 == "0" else f"starts flat with velocity {_plain(v0)}")
    if v0 == "0" and u0 != "0":
        start = rng.choice((f"is released from rest in the shape {_plain(u0)}",
                            f"starts at rest with displacement {_plain(u0)}"))
    slots = {"L": ltxt, "L_tex": ltex, "T": _num(T), "c": _num(c), "c2": c2, "start": start,
             "damped": "damped " if damping else "", **_both("eq", eq), **_both("u0", u0),
             **_both("v0", v0)}
    return Draw(slots, plan(step("solve_pde", spec=spec)))


WAVE_TEMPLATES = (
    "A {damped}string fixed at x=0 and x={L} obeys {eq}. It {start}. Find u(x,t) for 0<=t<={T}.",
    "Solve ${eq_tex}$ on $0<x<{L_tex}$, $0<t<{T}$, $u(0,t)=u({L_tex},t)=0$, $u(x,0)={u0_tex}$, "
    "$u_t(x,0)={v0_tex}$.",
    "wave eq {eq}, x in [0,{L}], t in [0,{T}], fixed ends, u(x,0) = {u0}, u_t(x,0) = {v0}",
    "Vibrating {damped}string of length {L}: {eq} with both ends clamped, initial displacement "
    "{u0} and initial velocity {v0}. Compute the motion up to t = {T}.",
    "Find the displacement of a {damped}string (ends held at zero, 0<x<{L}) governed by {eq}, "
    "given u = {u0} and u_t = {v0} at t = 0, for t up to {T}.",
    "A guitar-like string on [0, {L}] satisfies ${eq_tex}$ and {start}; the ends do not move. "
    "What is u(x,t) on $0 \\le t \\le {T}$?",
    "Numerically solve the {damped}wave problem {eq} for 0<x<{L}, 0<t<{T} with Dirichlet zero "
    "ends, u(x,0)={u0}, u_t(x,0)={v0}.",
    "Clamped string, {eq}, length {L}, time {T}: initial shape {u0}, initial velocity {v0}. "
    "Give u.",
)


# ------------------------------------------------------------------------------ advection
def sample_advection(rng: random.Random) -> Draw:
    c = rng.choice((1, 0.5, 2, 0.25, -1))
    T = rng.choice((0.5, 1, 0.25))
    eq = (f"u_t + {_coef(c, 'u_x')} = 0" if c > 0 else f"u_t - {_coef(-c, 'u_x')} = 0")
    if c > 0 and rng.random() < 0.4:
        n = rng.choice((1, 2))
        w = f"{2 * n}*pi" if c == 1 else f"{_num(2 * n * c)}*pi"
        u0 = f"sin({2 * n}*pi*x)"
        inflow = f"-sin({w}*t)"
        spec = {"variables": {"x": [0, 1], "t": [0, T]}, "equations": [eq],
                "conditions": [{"kind": "dirichlet", "on": "x=0", "value": inflow},
                               {"kind": "initial", "value": u0}]}
        bc, L = f"inflow data u(0,t) = {_plain(inflow)}", "1"
        bc_tex = f"inflow boundary value $u(0,t) = {_tex(inflow)}$"
    else:
        L, num, u0 = pick(rng, (("1", 1, "sin(2*pi*x)"), ("1", 1, "cos(2*pi*x) + 1"),
                                 ("2", 2, "sin(pi*x)"), ("2", 2, "exp(sin(pi*x))"),
                                 ("1", 1, "exp(-cos(2*pi*x))"), ("2", 2, "cos(pi*x)^2")))
        spec = {"variables": {"x": [0, num], "t": [0, T]}, "equations": [eq],
                "conditions": [{"kind": "periodic", "on": "x"},
                               {"kind": "initial", "value": u0}]}
        bc = rng.choice(("periodicity in x", "periodic boundary conditions", "periodic ends (a ring)"))
        bc_tex = bc
    slots = {"L": L, "T": _num(T), "c": _num(c), "bc": bc, "bc_tex": bc_tex,
             **_both("eq", eq), **_both("u0", u0)}
    return Draw(slots, plan(step("solve_pde", spec=spec)))


ADVECTION_TEMPLATES = (
    "Transport equation {eq} on 0<x<{L}, {bc}, t from 0 to {T}, starting from u = {u0}.",
    "Solve the linear advection problem ${eq_tex}$, $0<x<{L}$, $0<t<{T}$, {bc_tex}, "
    "$u(x,0)={u0_tex}$.",
    "advect u(x,0) = {u0} with speed {c} (equation {eq}) on [0,{L}], {bc}, until t={T}",
    "A profile {u0} is carried by {eq} on the interval 0 <= x <= {L} ({bc}). Find u(x,t) "
    "for t <= {T}.",
    "Compute the solution of the one-way wave equation {eq} for x in [0,{L}] and t in [0,{T}] "
    "with {bc} and initial data {u0}.",
    "Pure advection at speed {c}: ${eq_tex}$ with {bc_tex}; $u(x,0) = {u0_tex}$ on $[0,{L}]$, "
    "$t \\le {T}$.",
    "What is u(x,t) if {eq}, u(x,0)={u0}, {bc}, 0<x<{L}, 0<t<{T}?",
)


# ------------------------------------------------------------ nonlinear: Burgers and fronts
def sample_nonlinear(rng: random.Random) -> Draw:
    kind = pick(rng, ("burgers_ramp", "burgers_shock", "fisher", "nagumo"))
    if kind == "burgers_ramp":
        nu, a, T = rng.choice((0.01, 0.02, 0.05, 0.1)), rng.choice((1, 2, 0.5)), rng.choice((0.5, 1))
        eq = f"u_t + u*u_x = {_num(nu)}*u_xx"
        u0 = _coef(a, "x")
        ends = [{"kind": "dirichlet", "on": "x=0", "value": "0"},
                {"kind": "dirichlet", "on": "x=1", "value": f"{_num(a)}/(1 + {_coef(a, 't')})"}]
        variables, name = {"x": [0, 1], "t": [0, T]}, "Burgers equation"
        bc = f"u(0,t) = 0 and u(1,t) = {_plain(ends[1]['value'])}"
    elif kind == "burgers_shock":
        nu, T = rng.choice((0.025, 0.075, 0.1, 0.125)), rng.choice((0.5, 1))
        w = _num(4 * nu)
        eq = f"u_t + u*u_x = {_num(nu)}*u_xx"
        u0, front = f"(1 - tanh(x/{w}))/2", f"(1 - tanh((x - t/2)/{w}))/2"
        ends = [{"kind": "dirichlet", "on": "boundary", "value": front}]
        variables, name = {"x": [-2, 2], "t": [0, T]}, "viscous Burgers equation"
        bc = f"both ends following the travelling shock {_plain(front)}"
    elif kind == "fisher":
        D, r, s, v = pick(rng, ((1, 1, "x/sqrt(6)", "5*t/6"), (0.5, 3, "x", "5*t/2"),
                                (1, 1.5, "x/2", "5*t/4"), (0.25, 1.5, "x", "5*t/4")))
        T = rng.choice((1, 2))
        eq = f"u_t = {_coef(D, 'u_xx')} + {_coef(r, 'u*(1 - u)')}"
        u0, front = f"1/(1 + exp({s}))^2", f"1/(1 + exp({s} - {v}))^2"
        ends = [{"kind": "dirichlet", "on": "boundary", "value": front}]
        variables, name = {"x": [-10, 10], "t": [0, T]}, "Fisher-KPP equation"
        bc = f"the ends following the exact travelling wave {_plain(front)}"
    else:
        a, T = rng.choice((0.1, 0.2, 0.3, 0.4)), rng.choice((2, 3))
        speed = _num(round(0.5 - a, 10))
        eq = f"u_t = u_xx + u*(1 - u)*(u - {_num(a)})"
        u0, front = "1/(1 + exp(x/sqrt(2)))", f"1/(1 + exp((x - sqrt(2)*{speed}*t)/sqrt(2)))"
        ends = [{"kind": "dirichlet", "on": "boundary", "value": front}]
        variables, name = {"x": [-10, 10], "t": [0, T]}, "Nagumo (bistable) equation"
        bc = f"Dirichlet ends taken from the front {_plain(front)}"
    lo, hi = (f"{_num(v)}" for v in variables["x"])
    spec = {"variables": variables, "equations": [eq],
            "conditions": ends + [{"kind": "initial", "value": u0}]}
    slots = {"name": name, "a": lo, "b": hi, "T": _num(variables["t"][1]), "bc": bc,
             **_both("eq", eq), **_both("u0", u0)}
    return Draw(slots, plan(step("solve_pde", spec=spec)))


NONLINEAR_TEMPLATES = (
    "Solve the {name} {eq} on {a}<x<{b}, 0<t<{T}, with u(x,0) = {u0} and {bc}.",
    "{name}: ${eq_tex}$ for $x \\in [{a},{b}]$, $t \\in [0,{T}]$, initial data $u(x,0)={u0_tex}$, "
    "{bc}.",
    "nonlinear PDE {eq}, domain [{a},{b}] x [0,{T}], u0 = {u0}, {bc}. solve numerically",
    "Integrate {eq} from the initial profile {u0} up to t = {T} on the interval ({a}, {b}), "
    "with {bc}.",
    "Starting from u = {u0}, how does the {name} {eq} evolve on {a} <= x <= {b} until t = {T} "
    "({bc})?",
    "Compute u(x,t) for the {name} with {bc}: {eq}, x between {a} and {b}, t up to {T}, "
    "u(x,0) = {u0}.",
    "I need a numerical solution of ${eq_tex}$ on $[{a}, {b}]$ for $0 \\le t \\le {T}$; "
    "$u(x,0) = {u0_tex}$ and {bc}.",
)


# ------------------------------------------------------------------- Laplace / Poisson in 2D
def sample_laplace(rng: random.Random) -> Draw:
    kind = pick(rng, ("side", "side", "poisson_mode", "harmonic", "poisson_poly"))
    a, atxt = pick(rng, ((1, "1"), (2, "2"), (1, "1")))
    b = rng.choice((1, 1, 2)) if kind != "side" else 1
    sides = {"x=0": "0", f"x={a}": "0", "y=0": "0", f"y={b}": "0"}
    if kind == "side":
        n = rng.choice((1, 2))
        arg = LENGTHS[atxt][3](n)
        side, name = pick(rng, ((f"y={b}", "top"), ("y=0", "bottom")))
        sides[side] = f"sin({arg})"
        eq = "u_xx + u_yy = 0"
        conds = [{"kind": "dirichlet", "on": s, "value": v} for s, v in sides.items()]
        bc = f"u = {_plain(sides[side])} on the {name} side ({side}) and u = 0 on the other three"
    elif kind == "poisson_mode":
        m, n = rng.choice((1, 2)), rng.choice((1, 2))
        ax, ay = LENGTHS[atxt][3](m), LENGTHS[str(b)][3](n).replace("x", "y")
        lam = (m / a) ** 2 + (n / b) ** 2
        lam_txt = _num(lam) if lam != int(lam) else str(int(lam))
        eq = f"u_xx + u_yy = -{'' if lam == 1 else lam_txt + '*'}pi^2*sin({ax})*sin({ay})"
        conds = [{"kind": "dirichlet", "on": "boundary", "value": "0"}]
        bc = rng.choice(("u = 0 on the whole boundary", "zero Dirichlet data on all sides"))
    elif kind == "harmonic":
        g = rng.choice(("x^2 - y^2", "2*x*y", "exp(x)*sin(y)", "x^2 - y^2 + x", "x*y + y",
                        "exp(y)*cos(x)", "3*x^2*y - y^3"))
        eq = "u_xx + u_yy = 0"
        conds = [{"kind": "dirichlet", "on": "boundary", "value": g}]
        bc = f"u = {_plain(g)} on the boundary"
    else:
        g, f = rng.choice((("x^2 + y^2", "4"), ("x^2", "2"), ("x^2*y", "2*y"),
                           ("x^2 + x*y", "2"), ("y^2 - x", "2")))
        eq = f"u_xx + u_yy = {f}"
        conds = [{"kind": "dirichlet", "on": "boundary", "value": g}]
        bc = f"boundary values u = {_plain(g)}"
    spec = {"variables": {"x": [0, a], "y": [0, b]}, "equations": [eq], "conditions": conds}
    what = "Laplace" if eq.endswith("= 0") else "Poisson"
    slots = {"a": atxt, "b": str(b), "bc": bc, "what": what, **_both("eq", eq)}
    if rng.random() < 1 / 3:                    # the Laplacian as physicists write it
        slots["eq"] = slots["eq"].replace("u_xx + u_yy", rng.choice(("∇²u", "∇^2 u")))
        slots["eq_tex"] = slots["eq_tex"].replace("u_{xx} + u_{yy}", "\\nabla^2 u")
    return Draw(slots, plan(step("solve_pde", spec=spec)))


LAPLACE_TEMPLATES = (
    "Solve {eq} on the rectangle 0<x<{a}, 0<y<{b} with {bc}.",
    "{what} problem: ${eq_tex}$ in $[0,{a}] \\times [0,{b}]$, {bc}.",
    "Steady-state temperature in a plate 0<=x<={a}, 0<=y<={b}: {eq}, {bc}. Find u(x,y).",
    "2D {what} equation {eq}, x in [0,{a}], y in [0,{b}], {bc}",
    "Find u(x,y) satisfying {eq} inside the box [0,{a}]x[0,{b}] with {bc}.",
    "Electrostatic potential in a rectangular region 0 < x < {a}, 0 < y < {b} obeying ${eq_tex}$ "
    "with {bc}. Compute it.",
    "What is the solution of the {what} equation {eq} on (0,{a}) x (0,{b}) given {bc}?",
    "Numerically solve ${eq_tex}$ for $0\\le x\\le {a}$, $0 \\le y \\le {b}$; {bc}.",
)


# --------------------------------------------------------------- 1D two-point BVPs (numeric)
def sample_bvp(rng: random.Random) -> Draw:
    fn = rng.choice(("u", "u", "y", "phi"))
    lo, hi = pick(rng, ((0, 1), (0, 2), (-1, 1), (1, 2)))
    f = rng.choice(("-1", "-2", "6*x", "x", "exp(x)", "-pi^2*sin(pi*x)", "2", "cos(x)",
                    "-4*sin(2*x)", "12*x^2"))
    A, B = rng.choice((0, 0, 1, -1, 2)), rng.choice((0, 0, 1, 3, -2))
    eq = f"{fn}'' = {f}"
    conds = ([{"kind": "dirichlet", "on": "boundary", "value": "0"}] if A == B == 0 else
             [{"kind": "dirichlet", "on": f"x={lo}", "value": str(A)},
              {"kind": "dirichlet", "on": f"x={hi}", "value": str(B)}])
    spec = {"variables": {"x": [lo, hi]}, "equations": [eq], "conditions": conds}
    if fn != "u":
        spec = {"unknowns": [fn], **spec}
    slots = {"fn": fn, "lo": str(lo), "hi": str(hi), "A": str(A), "B": str(B),
             **_both("eq", eq)}
    return Draw(slots, plan(step("solve_pde", spec=spec)))


BVP_TEMPLATES = (
    "Two-point boundary value problem: {eq} on {lo}<x<{hi}, {fn}({lo}) = {A}, {fn}({hi}) = {B}.",
    "Solve ${eq_tex}$ for ${lo} < x < {hi}$ with ${fn}({lo})={A}$ and ${fn}({hi})={B}$.",
    "bvp {eq}, x in [{lo},{hi}], {fn}({lo})={A}, {fn}({hi})={B}. solve numerically",
    "Find {fn}(x) on the interval [{lo}, {hi}] such that {eq}, with end values {A} at x={lo} "
    "and {B} at x={hi}.",
    "A loaded beam-like problem {eq} between x = {lo} and x = {hi}; the ends are fixed at "
    "{fn} = {A} and {fn} = {B}. Compute {fn}.",
    "Numerically solve the boundary value problem {eq} subject to {fn}({lo}) = {A} and "
    "{fn}({hi}) = {B}.",
    "Steady 1D problem on $[{lo},{hi}]$: ${eq_tex}$ with Dirichlet data ${fn}({lo})={A}$, "
    "${fn}({hi})={B}$. Find {fn}(x).",
)


# ----------------------------------------------------------- ODE IVPs integrated numerically
def sample_ode_numeric(rng: random.Random) -> Draw:
    fn = rng.choice(("y", "y", "x", "q", "theta"))
    T = rng.choice((5, 10, 4, 6, 8))
    if rng.random() < 0.6:
        b, k = rng.choice((0.2, 0.5, 1, 2, 0.4)), rng.choice((1, 4, 5, 9, 2))
        eq = f"{fn}'' + {_coef(b, fn + chr(39))} + {_coef(k, fn)} = 0"
        y0, v0 = rng.choice((1, 0, 2, 0.5)), rng.choice((0, 1, -1, 0.5))
        if y0 == v0 == 0:
            y0 = 1
        conds = [{"kind": "initial", "value": _num(y0)},
                 {"kind": "initial", "derivative": 1, "value": _num(v0)}]
        ics = f"{fn}(0) = {_num(y0)}, {fn}'(0) = {_num(v0)}"
    else:
        rhs = rng.choice((f"-{fn} + sin(t)", f"-2*{fn} + cos(t)", f"-0.5*{fn} + 1",
                          f"-{fn}^3 + 1", f"t - {fn}", f"-{fn} + exp(-t)"))
        eq = f"{fn}' = {rhs}"
        y0 = rng.choice((0, 1, 2, 0.5))
        conds = [{"kind": "initial", "value": _num(y0)}]
        ics = f"{fn}(0) = {_num(y0)}"
    spec = {"unknowns": [fn], "variables": {"t": [0, T]}, "equations": [eq],
            "conditions": conds}
    slots = {"fn": fn, "T": str(T), "ics": ics, "ics_tex": ics.replace("'", "'"),
             **_ode_both(rng, eq, fn, "t")}
    return Draw(slots, plan(step("solve_pde", spec=spec)))


ODE_NUMERIC_TEMPLATES = (
    "Integrate {eq} for 0<t<{T} with {ics}.",
    "Numerically solve ${eq_tex}$ on $0 \\le t \\le {T}$, ${ics_tex}$.",
    "ode {eq}, {ics}, t in [0,{T}] -- numerical solution please",
    "Compute {fn}(t) up to t = {T} for the initial value problem {eq}, {ics}, with a "
    "numerical solver.",
    "Use the PDE/ODE solver to integrate {eq} from t = 0 to t = {T} starting from {ics}.",
    "Give me a numerical solution of the IVP {eq}; {ics}; time interval [0, {T}].",
    "Time-step {eq} over 0 <= t <= {T} ({ics}) and report the solution.",
)


# ---------------------------------------------------------------------- PINN with a budget
def sample_pinn(rng: random.Random) -> Draw:
    N = rng.choice((500, 800, 1000, 1200, 1500))
    if rng.random() < 0.6:
        lo, hi, f = pick(rng, ((0, 1, "-pi^2*sin(pi*x)"), (0, 1, "-2"), (-1, 1, "-1"),
                               (0, 1, "6*x"), (-1, 1, "-(pi^2/4)*sin(pi*(x + 1)/2)"),
                               (0, 2, "-1")))
        eq = f"u'' = {f}"
        spec = {"variables": {"x": [lo, hi]}, "equations": [eq],
                "conditions": [{"kind": "dirichlet", "on": "boundary", "value": "0"}]}
        prob = f"{_plain(eq)} on {lo}<x<{hi} with u({lo}) = u({hi}) = 0"
        prob_tex = f"${_tex(eq)}$ on ${lo}<x<{hi}$, $u({lo})=u({hi})=0$"
    else:
        fn = rng.choice(("y", "u"))
        T, rhs, y0 = pick(rng, ((2, f"-{fn}", "1"), (2, f"-2*{fn} + 1", "0"),
                                (3, f"-{fn} + cos(t)", "1"), (1, f"{fn}*(1 - {fn})", "0.5"),
                                (2, f"-0.5*{fn}", "2")))
        eq = f"{fn}' = {rhs}"
        spec = {"variables": {"t": [0, T]}, "equations": [eq],
                "conditions": [{"kind": "initial", "value": y0}]}
        if fn != "u":
            spec = {"unknowns": [fn], **spec}
        prob = f"{_plain(eq)} on 0<t<{T} with {fn}(0) = {y0}"
        prob_tex = f"${_tex(eq)}$, $0<t<{T}$, ${fn}(0)={y0}$"
    spec["budget"] = {"iterations": N}
    slots = {"N": str(N), "prob": prob, "prob_tex": prob_tex}
    return Draw(slots, plan(step("solve_pde", spec=spec, method="pinn")))


PINN_TEMPLATES = (
    "Train a physics-informed neural network ({N} iterations) for {prob}.",
    "Use a PINN, at most {N} training iterations, to solve {prob_tex}.",
    "pinn solve: {prob}, budget {N} iterations",
    "Solve {prob} with a neural-network (PINN) solver capped at {N} optimiser steps.",
    "Can you fit a PINN to {prob}? Limit training to {N} iterations.",
    "With method=pinn and an iteration budget of {N}, solve {prob_tex}.",
    "I'd like a physics-informed network solution of {prob}; {N} iterations is enough.",
)


# ------------------------------------------------------------------ closed-form ODEs (dsolve)
def _second_order(rng):
    fn, var = pick(rng, (("y", "t"), ("x", "t"), ("q", "t"), ("theta", "t"), ("y", "t")))
    p = fn + "'"
    kind = pick(rng, ("free", "damped", "driven", "resonant", "bvp", "euler"))
    if kind == "euler":
        fn, var = "y", "x"
        eq, conds = rng.choice((("x^2*y'' - 6*y = 0", {"y(1)": "1", "y'(1)": "1"}),
                                ("x^2*y'' + x*y' - 4*y = 0", {"y(1)": "2", "y'(1)": "0"}),
                                ("x^2*y'' - x*y' + y = 0", {"y(1)": "1", "y'(1)": "2"}),
                                ("x^2*y'' + 3*x*y' + y = 0", {"y(1)": "0", "y'(1)": "1"}),
                                ("x^2*y'' - 2*x*y' + 2*y = 0", {"y(1)": "1", "y'(1)": "3"})))
        what = "Euler (Cauchy-Euler) equation"
    elif kind == "bvp":
        w = rng.choice((1, 2, 3))
        end = {1: "pi/2", 2: "pi/4", 3: "pi/6"}[w]
        eq = f"{fn}'' + {_coef(w * w, fn)} = 0"
        conds = {f"{fn}(0)": str(rng.choice((0, 1))), f"{fn}({end})": str(rng.choice((1, 3, -1, 2)))}
        what = "boundary value problem"
    else:
        w2 = rng.choice((1, 4, 9, 16, 25))
        if kind == "free":
            eq, what = f"{fn}'' + {_coef(w2, fn)} = 0", "harmonic oscillator"
        elif kind == "damped":
            b, k = rng.choice(((2, 2), (2, 10), (4, 13), (6, 9), (2, 1), (3, 2), (1, 4),
                               (4, 5), (6, 25)))
            eq, what = f"{fn}'' + {b}*{p} + {_coef(k, fn)} = 0", "damped oscillator"
        elif kind == "driven":
            wd, w = rng.sample((1, 2, 3, 5), 2)
            drive = f"{rng.choice(('sin', 'cos'))}({var if wd == 1 else f'{wd}*{var}'})"
            w2 = w * w
            eq, what = f"{fn}'' + {_coef(w2, fn)} = {drive}", "driven oscillator"
        else:
            w = rng.choice((1, 2, 3))
            arg = var if w == 1 else f"{w}*{var}"
            eq = f"{fn}'' + {_coef(w * w, fn)} = {rng.choice(('cos', 'sin'))}({arg})"
            what = "oscillator driven at resonance"
        conds = {f"{fn}(0)": str(rng.choice((0, 1, 2))), f"{fn}'(0)": str(rng.choice((0, 1, -1, 3)))}
    return fn, var, eq, conds, what


def _first_order(rng):
    fn, var = pick(rng, (("y", "t"), ("y", "x"), ("N", "t"), ("v", "t"), ("y", "t")))
    v = var
    eq, y0, what = rng.choice((
        (f"{fn}' + 3*{fn} = exp(-{v})", "0", "first-order linear ODE"),
        (f"{fn}' + {fn} = {v}", "1", "first-order linear ODE"),
        (f"{fn}' = 2*{fn} + 1", "0", "first-order linear ODE"),
        (f"{fn}' + 2*{fn} = sin({v})", "0", "first-order linear ODE"),
        (f"{fn}' = -{v}*{fn}", "2", "separable ODE"),
        (f"{fn}' = {v}^2*{fn}", "1", "separable ODE"),
        (f"{fn}' = {fn}^2", "1/2", "separable ODE"),
        (f"{fn}' = 2*{fn}*(1 - {fn})", "1/4", "logistic equation"),
        (f"{fn}' = {fn}*(1 - {fn}/10)", "1", "logistic equation"),
        (f"{fn}' = 3*{fn}*(1 - {fn})", "1/2", "logistic equation"),
        (f"{fn}' = -0.5*{fn}", "4", "exponential decay law"),
    ))
    return fn, var, eq, {f"{fn}(0)": y0}, what


def sample_dsolve(rng: random.Random) -> Draw:
    fn, var, eq, conds, what = (_second_order if rng.random() < 0.6 else _first_order)(rng)
    show = ", ".join(f"{k} = {_plain(v)}" for k, v in conds.items())
    show_tex = ", ".join(f"${_tex(k)} = {_tex(v)}$" for k, v in conds.items())
    slots = {"fn": fn, "var": var, "ics": show, "ics_tex": show_tex, "what": what,
             **_ode_both(rng, eq, fn, var)}
    return Draw(slots, plan(step("dsolve", equation=eq, function=fn, variable=var,
                                 conditions=conds)))


DSOLVE_TEMPLATES = (
    "Solve {eq} with {ics}.",
    "{what}: ${eq_tex}$, {ics_tex}. What is ${fn}({var})$?",
    "find {fn}({var}) in closed form: {eq}, {ics}",
    "Give the exact solution of the {what} {eq} subject to {ics}.",
    "Solve the initial/boundary value problem {eq}; {ics}. I want a formula for {fn}({var}).",
    "What function {fn}({var}) satisfies {eq} and {ics}?",
    "Analytically solve ${eq_tex}$ given {ics_tex}.",
    "{eq}, {ics} -- solve symbolically",
    "Determine {fn} as a function of {var} for the {what} {eq} with {ics}.",
)


# ------------------------------------------------------------------------- library problems
LIBRARY = {
    "heat": ("heat", "heat equation on a rod with cold ends and a single decaying sine mode"),
    "wave": ("wave", "fast two-mode standing wave (speed 10) on a string"),
    "wave_slow": ("slow wave", "two-mode standing wave on a string at unit speed"),
    "advection": ("advection", "periodic transport of a smooth bump once around a circle"),
    "burgers": ("Burgers", "viscous Burgers equation that steepens into a shock at x = 0"),
    "poisson_1d": ("1D Poisson", "one-dimensional Poisson problem with a sine source and zero ends"),
    "poisson_2d": ("2D Poisson", "Poisson equation on the unit square with zero boundary"),
    "laplace": ("Laplace", "Laplace equation on the unit square with data on all four sides"),
    "helmholtz": ("Helmholtz", "2D Helmholtz equation with zero boundary values"),
    "reaction_diffusion": ("diffusion-reaction", "diffusion with a decaying multi-frequency source"),
    "klein_gordon": ("Klein-Gordon", "nonlinear Klein-Gordon equation with exact solution x cos t"),
    "harmonic_oscillator": ("harmonic oscillator", "harmonic oscillator y'' + omega^2 y = 0 "
                                                   "over one period"),
    "flrw_matter_lambda": ("FLRW", "scale factor of a flat universe with matter and a "
                                   "cosmological constant"),
    "schwarzschild_orbit": ("Schwarzschild orbit", "precessing relativistic orbit around a "
                                                   "Schwarzschild mass"),
    "tov_uniform": ("uniform-density TOV", "TOV structure of a uniform-density star"),
}


def sample_library(rng: random.Random) -> Draw:
    name, (short, desc) = pick(rng, LIBRARY)
    return Draw({"name": name, "short": short, "desc": desc},
                plan(step("solve_pde", problem=name)))


LIBRARY_TEMPLATES = (
    "Run the library's {short} benchmark.",
    "Solve the {name} problem from the PDE library.",
    "Solve the library problem for the {desc}.",
    "Run the standard {short} benchmark from the library ({desc}).",
    "Can you run the built-in benchmark '{name}'?",
    "Use the stored {short} test problem from the library and report the error.",
    "There's a library problem describing the {desc}; solve it.",
    "library benchmark {name} -- solve it with the default method",
)


INTENTS: list[Intent] = [
    Intent("pde.heat", HEAT_TEMPLATES, sample_heat, asks=(
        'the solution u(x,t) of {eq} on 0<x<{L}, 0<t<{T} with {bc} and u(x,0) = {u0}',
        'the temperature in a rod of length {L} obeying {eq}, {bc}, initial profile {u0}, up to t = {T}',
        'u(x,t) for {eq} (x in [0,{L}], t in [0,{T}]), {bc}, u(x,0) = {u0}',
    )),
    Intent("pde.heat_extra", HEAT_EXTRA_TEMPLATES, sample_heat_extra, asks=(
        'the solution of {eq} on 0<x<1, 0<t<{T} with {bc} and u(x,0) = {u0}',
        'u(x,t) for {eq} ({what}) on the unit interval, {bc}, u(x,0) = {u0}, until t = {T}',
    )),
    Intent("pde.wave", WAVE_TEMPLATES, sample_wave, asks=(
        'the motion of a {damped}string on [0,{L}] with fixed ends under {eq}, u(x,0) = {u0}, u_t(x,0) = {v0}, for t up to {T}',
        'u(x,t) for {eq}, 0<x<{L}, 0<t<{T}, u = 0 at both ends, u(x,0) = {u0}, u_t(x,0) = {v0}',
    )),
    Intent("pde.advection", ADVECTION_TEMPLATES, sample_advection, asks=(
        'the solution of {eq} on 0<x<{L}, 0<t<{T}, {bc}, u(x,0) = {u0}',
        'u(x,t) when {u0} is advected by {eq} on [0,{L}] ({bc}) until t = {T}',
    )),
    Intent("pde.nonlinear", NONLINEAR_TEMPLATES, sample_nonlinear, asks=(
        'the solution of the {name} {eq} on {a}<x<{b}, 0<t<{T}, u(x,0) = {u0}, {bc}',
        'u(x,t) for {eq} on [{a},{b}] up to t = {T}, starting from u = {u0}, {bc}',
    )),
    Intent("pde.laplace", LAPLACE_TEMPLATES, sample_laplace, asks=(
        'u(x,y) solving {eq} on the box [0,{a}]x[0,{b}] with {bc}',
        'the solution of the {what} equation {eq} on 0<x<{a}, 0<y<{b}, {bc}',
    )),
    Intent("pde.bvp", BVP_TEMPLATES, sample_bvp, asks=(
        '{fn}(x) solving {eq} on [{lo},{hi}] with {fn}({lo}) = {A} and {fn}({hi}) = {B}',
        'the solution of the boundary value problem {eq}, {fn}({lo}) = {A}, {fn}({hi}) = {B}',
    )),
    Intent("pde.ode_numeric", ODE_NUMERIC_TEMPLATES, sample_ode_numeric, asks=(
        'a numerical solution of {eq} for 0<t<{T} with {ics}',
        '{fn}(t) up to t = {T} for {eq}, {ics}',
    )),
    Intent("pde.pinn", PINN_TEMPLATES, sample_pinn, asks=(
        'a PINN solution ({N} iterations) of {prob}',
        'a physics-informed network fit to {prob} within {N} iterations',
    )),
    Intent("pde.dsolve", DSOLVE_TEMPLATES, sample_dsolve, asks=(
        'the closed-form solution of {eq} with {ics}',
        '{fn}({var}) solving {eq}, {ics}',
        'the exact solution of the {what} {eq}, {ics}',
    )),
    Intent("pde.library", LIBRARY_TEMPLATES, sample_library, asks=(
        "the library's {short} benchmark",
        'the {name} problem from the PDE library',
        'the library problem for the {desc}',
    )),
]
