"""Curvature questions: a quantity of a catalogue metric or of a line element written out, one
component of it, a yes/no property, a parameter set to a value, and follow-ups that change the
metric or the quantity of the previous turn.

A line element goes into the plan as the question writes it (the line-element parser reads
plain text and LaTeX alike), prefixed with ``ds^2 =`` when the question leaves that out.
"""

from __future__ import annotations

import random

from . import Draw, Intent, pick, plan, step

# catalogue name -> ways people name it
METRICS = {
    "schwarzschild": ("Schwarzschild", "the Schwarzschild metric", "Schwarzschild spacetime",
                      "a Schwarzschild black hole", "the Schwarzschild solution"),
    "schwarzschild_isotropic": ("Schwarzschild in isotropic coordinates",
                                "the isotropic Schwarzschild metric"),
    "eddington_finkelstein": ("ingoing Eddington-Finkelstein coordinates",
                              "Schwarzschild in Eddington–Finkelstein form",
                              "the Eddington-Finkelstein metric"),
    "painleve_gullstrand": ("the Painlevé–Gullstrand metric", "Gullstrand-Painleve coordinates",
                            "Schwarzschild in Painleve-Gullstrand coordinates"),
    "kruskal_szekeres": ("Kruskal–Szekeres coordinates", "the Kruskal extension of Schwarzschild"),
    "reissner_nordstrom": ("Reissner-Nordström", "the Reissner–Nordstrom black hole",
                           "the RN metric", "a charged (Reissner-Nordstrom) black hole"),
    "kerr": ("Kerr", "the Kerr metric", "a Kerr black hole", "Kerr in Boyer-Lindquist coordinates",
             "a rotating (Kerr) black hole"),
    "kerr_newman": ("Kerr-Newman", "the Kerr–Newman metric", "a charged rotating black hole"),
    "schwarzschild_de_sitter": ("Schwarzschild-de Sitter", "the Kottler metric",
                                "Schwarzschild–de Sitter with cosmological constant Λ"),
    "de_sitter": ("de Sitter space", "static de Sitter", "de Sitter spacetime of radius l"),
    "de_sitter_flat_slicing": ("de Sitter in flat slicing", "the flat (Poincaré) slicing of de Sitter"),
    "anti_de_sitter": ("anti-de Sitter space", "AdS4", "global AdS of radius l",
                       "anti–de Sitter spacetime"),
    "flrw": ("the FLRW metric with curvature k", "Friedmann–Robertson–Walker with spatial curvature k",
             "a Robertson-Walker universe"),
    "flrw_flat": ("flat FLRW", "the spatially flat FLRW universe", "k = 0 Friedmann cosmology"),
    "flrw_closed": ("closed FLRW (k = +1)", "the closed Friedmann universe"),
    "flrw_open": ("open FLRW (k = -1)", "the open Friedmann universe"),
    "einstein_static": ("the Einstein static universe", "Einstein's static universe of radius R0"),
    "milne": ("the Milne universe", "Milne's cosmology"),
    "minkowski": ("Minkowski space", "flat spacetime"),
    "minkowski_spherical": ("Minkowski space in spherical coordinates",
                            "flat spacetime in spherical polar coordinates"),
    "minkowski_cylindrical": ("flat space in cylindrical coordinates",
                              "Minkowski in cylindrical coordinates"),
    "rindler": ("Rindler spacetime", "the Rindler wedge", "a uniformly accelerated frame (Rindler)"),
    "goedel": ("the Gödel universe", "Gödel's rotating universe", "the Godel metric"),
    "taub_nut": ("Taub-NUT", "the Taub–NUT spacetime"),
    "bertotti_robinson": ("Bertotti–Robinson", "the Bertotti-Robinson universe (AdS2 x S2)"),
    "vaidya": ("the Vaidya metric", "ingoing Vaidya with mass function m(v)"),
    "morris_thorne": ("the Morris–Thorne wormhole", "a traversable wormhole (Morris-Thorne)"),
    "pp_wave": ("a pp-wave", "the pp-wave in Brinkmann coordinates", "a plane-fronted wave"),
    "alcubierre": ("the Alcubierre warp drive", "Alcubierre's warp-drive metric"),
    "sphere": ("the 2-sphere of radius a", "a round two-sphere"),
}
COORDS = {
    "eddington_finkelstein": "v r theta phi", "vaidya": "v r theta phi",
    "kruskal_szekeres": "T X theta phi", "milne": "t chi theta phi",
    "schwarzschild_isotropic": "t rho theta phi", "minkowski_cylindrical": "t rho phi z",
    "pp_wave": "u v x y", "sphere": "theta phi",
    **{n: "t x y z" for n in ("alcubierre", "de_sitter_flat_slicing", "goedel", "minkowski",
                              "rindler")},
}
PARAMETERS = {"kerr": ("a", "M"), "kerr_newman": ("a", "Q"), "reissner_nordstrom": ("Q",),
              "schwarzschild_de_sitter": ("Lambda",), "taub_nut": ("n",)}
# slow to check or not defined for every quantity: kept to the cheap quantities
HEAVY = {"kerr_newman", "alcubierre", "kerr", "goedel", "taub_nut", "morris_thorne", "vaidya"}

SCALARS = {
    "ricci_scalar": ("Ricci scalar", "scalar curvature", "Ricci scalar R", "curvature scalar",
                     "R"),
    "kretschmann": ("Kretschmann scalar", "Kretschmann invariant", "R_abcd R^abcd",
                    "R_{abcd}R^{abcd}", r"R_{\mu\nu\rho\sigma}R^{\mu\nu\rho\sigma}",
                    "Riemann-squared invariant", "K = R_abcd R^abcd"),
    "ricci_squared": ("Ricci-squared invariant", "R_ab R^ab", "R_{ab}R^{ab}",
                      r"R_{\mu\nu}R^{\mu\nu}", "square of the Ricci tensor"),
    "weyl_squared": ("Weyl-squared invariant", "C_abcd C^abcd", "C_{abcd}C^{abcd}",
                     "square of the Weyl tensor", "Weyl invariant C^2"),
}
TENSORS = {
    "christoffel": ("Christoffel symbols", "connection coefficients", "Levi-Civita connection",
                    r"\Gamma^\lambda_{\mu\nu}"),
    "riemann": ("Riemann tensor", "Riemann curvature tensor", r"R^\rho_{\sigma\mu\nu}"),
    "ricci": ("Ricci tensor", "R_ab", r"R_{\mu\nu}"),
    "einstein": ("Einstein tensor", "G_ab", r"G_{\mu\nu}"),
    "weyl": ("Weyl tensor", "conformal curvature (Weyl) tensor"),
    "stress_energy": ("stress-energy tensor", "energy-momentum tensor",
                      "matter content T_ab = G_ab/8π"),
    "inverse": ("inverse metric", "g^ab", r"g^{\mu\nu}"),
}
CLAIMS = {
    "ricci_flat": ("Ricci-flat", "a vacuum solution", "a solution of the vacuum Einstein equations",
                   "a solution of R_ab = 0", "empty of matter (vacuum)"),
    "flat": ("flat", "flat spacetime in disguise", "locally Minkowski",
             "free of curvature (Riemann = 0)"),
    "conformally_flat": ("conformally flat", "Weyl-flat (C_abcd = 0)",
                         "conformally flat, i.e. with vanishing Weyl tensor"),
    "einstein_space": ("an Einstein space", "an Einstein manifold (R_ab proportional to g_ab)",
                       "an Einstein metric"),
}
GREEK = {"theta": ("θ", r"\theta"), "phi": ("φ", r"\phi"), "rho": ("ρ", r"\rho"),
         "chi": ("χ", r"\chi"), "eta": ("η", r"\eta"), "tau": ("τ", r"\tau")}
SYMBOL = {"christoffel": ("Γ", r"\Gamma", "Gamma"), "riemann": ("R",), "ricci": ("R",),
          "einstein": ("G",), "stress_energy": ("T",)}
COMPONENT_NAME = {"christoffel": "Christoffel symbol", "riemann": "Riemann component",
                  "ricci": "Ricci component", "einstein": "Einstein tensor component",
                  "stress_energy": "stress-energy component"}


def coords(name: str) -> list[str]:
    return COORDS.get(name, "t r theta phi").split()


def _index(c: str, style: int) -> str:
    """Coordinate ``c`` as an index: plain, Greek letter, or LaTeX."""
    if c not in GREEK or style == 0:
        return c
    return GREEK[c][style - 1]


def render_component(quantity: str, idx: list[str], rng: random.Random) -> str:
    """``Γ^t_tr``, ``\\Gamma^r_{\\theta\\theta}``, ``R_{tt}``, ``G_tt``, ``R^t_{rtr}``..."""
    style = rng.randrange(3)
    ix = [_index(c, style) for c in idx]
    sym = rng.choice([s for s in SYMBOL[quantity] if (s.startswith("\\") == (style == 2))
                      or len(SYMBOL[quantity]) == 1])
    spaced = style == 2 or any(len(c) > 1 for c in ix) and rng.random() < 0.5
    join = (" " if spaced and style != 2 else "").join
    lower = ix[1:] if quantity in ("christoffel", "riemann") else ix
    low = join(lower)
    low = f"{{{low}}}" if style == 2 or rng.random() < 0.5 or len(low) > 1 and spaced else low
    if quantity in ("christoffel", "riemann"):
        return f"{sym}^{ix[0]}_{low}"
    return f"{sym}_{low}"


def _metric(rng, heavy_ok=True) -> tuple[str, str]:
    names = [n for n in METRICS if heavy_ok or n not in HEAVY]
    name = rng.choice(names)
    return name, rng.choice(METRICS[name])


def _scalar(rng: random.Random) -> Draw:
    name, phrase = _metric(rng, heavy_ok=rng.random() < 0.5)
    q, qphrases = pick(rng, SCALARS)
    if name == "sphere" or (name in HEAVY and q != "ricci_scalar" and rng.random() < 0.7):
        q, qphrases = "ricci_scalar", SCALARS["ricci_scalar"]
    return Draw({"metric": phrase, "quantity": rng.choice(qphrases)},
                plan(step("curvature", metric=name, quantity=q)))


def _tensor(rng: random.Random) -> Draw:
    name, phrase = _metric(rng, heavy_ok=False)
    q, qphrases = pick(rng, TENSORS)
    return Draw({"metric": phrase, "quantity": rng.choice(qphrases)},
                plan(step("curvature", metric=name, quantity=q)))


def _claim(rng: random.Random) -> Draw:
    name, phrase = _metric(rng, heavy_ok=rng.random() < 0.6)
    q, claims = pick(rng, CLAIMS)
    return Draw({"metric": phrase, "claim": rng.choice(claims)},
                plan(step("curvature", metric=name, quantity=q)))


def _component(rng: random.Random) -> Draw:
    name, phrase = _metric(rng, heavy_ok=rng.random() < 0.3)
    q = rng.choice(list(SYMBOL))
    xs = coords(name)
    n = 3 if q == "christoffel" else 4 if q == "riemann" else 2
    idx = [rng.choice(xs) for _ in range(n)]
    if rng.random() < 0.6:                          # diagonal components are the common ones
        a, b = idx[0], idx[1]
        idx = {2: [a, a], 3: [a, b, b], 4: [a, b, a, b]}[n]
    return Draw({"metric": phrase, "component": render_component(q, idx, rng),
                 "what": COMPONENT_NAME[q]},
                plan(step("curvature", metric=name, quantity=q, component=",".join(idx))))


def _parameter(rng: random.Random) -> Draw:
    name = rng.choice(list(PARAMETERS))
    symbol = rng.choice(PARAMETERS[name])
    value = rng.choice(("0", "0", "1", "M", "1/2"))
    spoken = {"a": "spin a", "Q": "charge Q", "Lambda": "Λ", "n": "NUT parameter n",
              "M": "mass M"}[symbol]
    q, qphrases = pick(rng, {k: SCALARS[k] for k in ("ricci_scalar", "kretschmann")})
    if rng.random() < 0.3:
        q, qphrases = "ricci_flat", ("Ricci-flat", "a vacuum solution")
    return Draw({"metric": rng.choice(METRICS[name]), "quantity": rng.choice(qphrases),
                 "setting": f"{symbol} = {value}", "spoken": f"{spoken} = {value}"},
                plan(step("curvature", metric=name, quantity=q,
                          parameters={symbol: value})))


# --- line elements written out: (plain, LaTeX) pairs of the same geometry -------------------

def _static(f: str, f_tex: str, omega: str) -> tuple[str, str]:
    return (f"-({f}) dt^2 + dr^2/({f}) + r^2 {omega}",
            rf"-\left({f_tex}\right)dt^2 + \frac{{dr^2}}{{{f_tex}}} + r^2 d\Omega^2")


F = (("1 - 2M/r", r"1-\frac{2M}{r}"), ("1 - 2m/r + q^2/r^2", r"1 - \frac{2m}{r} + \frac{q^2}{r^2}"),
     ("1 + r^2/l^2", r"1+\frac{r^2}{l^2}"), ("1 - r^2/L^2", r"1-\frac{r^2}{L^2}"),
     ("1 - 2M/r - Lambda r^2/3", r"1 - \frac{2M}{r} - \frac{\Lambda r^2}{3}"),
     ("1 - k/r^2", r"1-\frac{k}{r^2}"), ("1 - 2M/r + r^2/l^2", r"1-\frac{2M}{r}+\frac{r^2}{l^2}"),
     ("1 - b/r", r"1-\frac{b}{r}"))
OMEGA = ("dOmega^2", "dΩ^2", "(dtheta^2 + sin^2 theta dphi^2)", "(dθ^2 + sin^2θ dφ^2)")
SCALE = (("a(t)", "a(t)"), ("t^p", "t^{p}"), ("exp(2 H t)", "e^{2Ht}"), ("t", "t"),
         ("cosh(t)", r"\cosh t"), ("b(t)", "b(t)"), ("t^2", "t^2"), ("e^{t}", "e^{t}"))
OTHER = (
    ("dr^2 + r^2 dphi^2", r"dr^2 + r^2 d\phi^2"),
    ("a^2 (dtheta^2 + sin^2 theta dphi^2)", r"a^2(d\theta^2 + \sin^2\theta\, d\phi^2)"),
    ("(dx^2 + dy^2)/y^2", r"\frac{dx^2 + dy^2}{y^2}"),
    ("-x^2 dt^2 + dx^2", "-x^2 dt^2 + dx^2"),
    ("-dt^2 + cosh(t)^2 dx^2", r"-dt^2 + \cosh^2 t\, dx^2"),
    ("exp(2 s(x,y)) (dx^2 + dy^2)", r"e^{2 s(x,y)}(dx^2 + dy^2)"),
    ("H(u,x,y) du^2 + 2 du dv + dx^2 + dy^2", "H(u,x,y) du^2 + 2 du dv + dx^2 + dy^2"),
    ("(x^2 + y^2) du^2 + 2 du dv + dx^2 + dy^2", "(x^2 + y^2) du^2 + 2 du dv + dx^2 + dy^2"),
    ("-dt^2 + t^(2 p1) dx^2 + t^(2 p2) dy^2 + t^(2 p3) dz^2",
     "-dt^2 + t^{2p_1}dx^2 + t^{2p_2}dy^2 + t^{2p_3}dz^2"),
    ("-exp(2 A(r)) dt^2 + exp(2 B(r)) dr^2 + r^2 dOmega^2",
     r"-e^{2A(r)}dt^2 + e^{2B(r)}dr^2 + r^2 d\Omega^2"),
    ("-dt^2 + dl^2 + (l^2 + b^2) dOmega^2", r"-dt^2 + d\ell^2 + (\ell^2 + b^2)\,d\Omega^2"),
    ("w(x)^2 (-dt^2 + dx^2 + dy^2 + dz^2)", "w(x)^2(-dt^2 + dx^2 + dy^2 + dz^2)"),
    ("(l^2/z^2) (-dt^2 + dx^2 + dy^2 + dz^2)", r"\frac{l^2}{z^2}(-dt^2 + dx^2 + dy^2 + dz^2)"),
    ("-dt^2 + dx^2 + dy^2 + dz^2", "-dt^2 + dx^2 + dy^2 + dz^2"),
    ("-(1 + g x)^2 dt^2 + dx^2", "-(1 + g x)^2 dt^2 + dx^2"),
)


def line_element(rng: random.Random) -> tuple[str, list[str]]:
    """A line element as a question writes it, and its coordinates."""
    kind = rng.randrange(4)
    latex = rng.random() < 0.35
    if kind == 0:
        f, f_tex = rng.choice(F)
        plain, tex = _static(f, f_tex, rng.choice(OMEGA))
        return (tex if latex else plain), ["t", "r", "theta", "phi"]
    if kind == 1:
        a, a_tex = rng.choice(SCALE)
        plain = f"-dt^2 + {a}^2 (dx^2 + dy^2 + dz^2)"
        tex = f"-dt^2 + {a_tex}^2(dx^2 + dy^2 + dz^2)" if "^" not in a_tex else \
            f"-dt^2 + ({a_tex})^2(dx^2 + dy^2 + dz^2)"
        return (tex if latex else plain), ["t", "x", "y", "z"]
    plain, tex = rng.choice(OTHER)
    names = sorted({c for c in ("t", "r", "x", "y", "z", "u", "v", "theta", "phi", "l")
                    if f"d{c}" in plain})
    return (tex if latex else plain), names


def _element(rng: random.Random, quantities: dict) -> Draw:
    body, _ = line_element(rng)
    written = rng.choice(("ds^2 = ", "ds^2 = ", "ds² = ", "")) + body
    metric = written if written.startswith("ds^2") else "ds^2 = " + body
    q, phrases = pick(rng, quantities)
    return Draw({"element": written, "quantity": rng.choice(phrases)},
                plan(step("curvature", metric=metric, quantity=q)))


def _element_component(rng: random.Random) -> Draw:
    body, xs = line_element(rng)
    while len(xs) < 2:
        body, xs = line_element(rng)
    q = rng.choice(("ricci", "einstein", "christoffel"))
    n = 3 if q == "christoffel" else 2
    c = rng.choice(xs)
    idx = [c] * n if rng.random() < 0.6 else [rng.choice(xs) for _ in range(n)]
    written = rng.choice(("ds^2 = ", "ds^2 = ", "")) + body
    return Draw({"element": written, "component": render_component(q, idx, rng),
                 "what": COMPONENT_NAME[q]},
                plan(step("curvature", metric="ds^2 = " + body, quantity=q,
                          component=",".join(idx))))


# --- follow-ups -------------------------------------------------------------------------------

def _other_metric(rng: random.Random) -> Draw:
    first = _scalar(rng)
    args = first.plan["steps"][0]["args"]
    name, phrase = _metric(rng, heavy_ok=False)
    while name == args["metric"]:
        name, phrase = _metric(rng, heavy_ok=False)
    question = f"{first.slots['quantity']} of {first.slots['metric']}"
    return Draw({"metric": phrase}, plan(step("curvature", metric=name, quantity=args["quantity"])),
                previous=(question, first.plan))


def _other_quantity(rng: random.Random) -> Draw:
    first = _scalar(rng)
    args = first.plan["steps"][0]["args"]
    q, qp = pick(rng, {**SCALARS, **{k: TENSORS[k] for k in ("ricci", "einstein", "christoffel")}})
    while q == args["quantity"]:
        q, qp = pick(rng, SCALARS)
    question = f"What is the {first.slots['quantity']} of {first.slots['metric']}?"
    return Draw({"quantity": rng.choice(qp)},
                plan(step("curvature", metric=args["metric"], quantity=q)),
                previous=(question, first.plan))


INTENTS = [
    Intent("gr.curvature.scalar", (
        "{quantity} of {metric}",
        "What is the {quantity} of {metric}?",
        "Compute the {quantity} for {metric}.",
        "{metric}: {quantity}?",
        "I need the {quantity} of {metric}",
        "give me {quantity} for {metric}",
        "Calculate {quantity} in {metric}",
        "For {metric}, what does the {quantity} come out to?",
        "Work out the {quantity} of {metric}, please.",
        "what's {quantity} for {metric}",
    ), _scalar, per_template=14, asks=(
        "the {quantity} of {metric}", "the {quantity} for {metric}",
        "{metric}'s {quantity}", "the {quantity} in {metric}")),
    Intent("gr.curvature.tensor", (
        "{quantity} of {metric}",
        "Compute the {quantity} of {metric}.",
        "What are the components of the {quantity} for {metric}?",
        "Give all nonzero components of the {quantity} of {metric}",
        "{metric}: find the {quantity}",
        "list the {quantity} for {metric}",
        "Derive the {quantity} of {metric}.",
    ), _tensor, per_template=10, asks=(
        "the {quantity} of {metric}", "all nonzero components of the {quantity} for {metric}",
        "the {quantity} in {metric}")),
    Intent("gr.curvature.claim", (
        "Is {metric} {quantity}?",
        "{metric}: is it {quantity}?",
        "Check whether {metric} is {quantity}.",
        "Verify that {metric} is {quantity}",
        "is {metric} {quantity} or not",
        "Tell me if {metric} is {quantity}.",
        "Can you confirm that {metric} is {quantity}?",
        "Would you say {metric} is {quantity}?",
    ), lambda rng: _rename(_claim(rng), "claim", "quantity"), per_template=12, asks=(
        "whether {metric} is {quantity}", "if {metric} is {quantity}",
        "whether or not {metric} is {quantity}"), ask_kind="whether"),
    Intent("gr.curvature.component", (
        "{component} for {metric}",
        "what's {component} in {metric}",
        "Compute the {what} {component} of {metric}.",
        "{metric}: {component} = ?",
        "Find {component} for {metric}",
        "In {metric}, what is {component}?",
        "Give me the {what} {component} of {metric}",
        "{component} of {metric}?",
        "Evaluate {component} in {metric}.",
    ), _component, per_template=14, asks=(
        "{component} of {metric}", "the {what} {component} for {metric}",
        "{component} in {metric}")),
    Intent("gr.curvature.parameter", (
        "{quantity} of {metric} with {setting}",
        "Set {setting} in {metric} and give the {quantity}",
        "What is the {quantity} of {metric} when {spoken}?",
        "{metric} at {setting}: {quantity}?",
        "Take {metric} with {spoken}. Compute the {quantity}.",
        "Is the {quantity} of {metric} simpler for {setting}? Compute it.",
    ), _parameter, per_template=8, asks=(
        "the {quantity} of {metric} with {setting}", "the {quantity} of {metric} when {spoken}",
        "the {quantity} of {metric} for {setting}")),
    Intent("gr.curvature.element", (
        "{quantity} of {element}",
        "What is the {quantity} for {element}?",
        "Compute the {quantity} of the metric {element}",
        "For the line element {element}, find the {quantity}.",
        "{element}. {quantity}?",
        "Given {element}, compute {quantity}",
        "Consider the spacetime {element}. What is its {quantity}?",
        "metric: {element} -- {quantity} please",
        "Take {element} and work out the {quantity}.",
    ), lambda rng: _element(rng, {k: SCALARS[k] for k in ("ricci_scalar", "kretschmann",
                                                          "ricci_squared")}), per_template=14,
        asks=("the {quantity} of {element}", "the {quantity} of the metric {element}",
              "the {quantity} for the line element {element}")),
    Intent("gr.curvature.element_claim", (
        "Is {element} {quantity}?",
        "Is the metric {element} {quantity}?",
        "Check whether {element} is {quantity}.",
        "{element}: is this spacetime {quantity}?",
        "Show whether the line element {element} is {quantity}",
        "Consider {element}. Is it {quantity}?",
        "tell me if {element} is {quantity}",
    ), lambda rng: _element(rng, CLAIMS), per_template=12, asks=(
        "whether {element} is {quantity}", "if the metric {element} is {quantity}",
        "whether the line element {element} is {quantity}"), ask_kind="whether"),
    Intent("gr.curvature.element_component", (
        "{component} for {element}",
        "Compute {component} of the metric {element}",
        "For {element}, what is {component}?",
        "Given the line element {element}, find the {what} {component}.",
        "{element}: {component} = ?",
        "What's the {what} {component} of {element}",
        "Evaluate {component} in the geometry {element}.",
    ), _element_component, per_template=10, asks=(
        "{component} for {element}", "the {what} {component} of the metric {element}",
        "{component} of the line element {element}")),
    Intent("gr.curvature.followup_metric", (
        "now the same for {metric}",
        "And for {metric}?",
        "what about {metric}?",
        "Same question for {metric}.",
        "do that again for {metric}",
        "Repeat it for {metric}, please.",
        "How about {metric}?",
    ), _other_metric, per_template=8),
    Intent("gr.curvature.followup_quantity", (
        "and its {quantity}?",
        "Now the {quantity}.",
        "what about the {quantity}?",
        "Same metric: {quantity}?",
        "Also compute the {quantity}",
        "Next, the {quantity} of that metric.",
        "ok, and the {quantity} of the same spacetime?",
    ), _other_quantity, per_template=8),
]


def _rename(draw: Draw, old: str, new: str) -> Draw:
    draw.slots[new] = draw.slots.pop(old)
    return draw
