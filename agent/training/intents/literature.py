"""Questions for the literature: concepts, history, who showed what, where to read about it.
The plan searches the knowledge base with the question itself (``{question}`` is filled in
with the question exactly as asked, chatter and typos included)."""

from __future__ import annotations

import random

from . import Draw, Intent, plan, step

TOPICS = (
    "the no-hair theorem", "Hawking radiation", "the Penrose process", "cosmic censorship",
    "the ergosphere of a Kerr black hole", "Birkhoff's theorem", "the Bekenstein bound",
    "the information paradox", "gravitational redshift", "the Unruh effect",
    "closed timelike curves in the Gödel universe", "the Einstein static universe's instability",
    "the Alcubierre warp drive's energy conditions", "traversable wormholes",
    "the photon sphere and black-hole shadows", "quasinormal modes", "the Regge-Wheeler equation",
    "the Tolman-Oppenheimer-Volkoff equation", "the Buchdahl limit", "the Friedmann equations",
    "the horizon problem in cosmology", "the weak energy condition", "the null energy condition",
    "Kruskal-Szekeres coordinates", "the Eddington-Finkelstein coordinates",
    "Painlevé-Gullstrand coordinates", "the Vaidya metric", "Taub-NUT space", "pp-waves",
    "the Bertotti-Robinson solution", "the Milne universe", "anti-de Sitter boundary conditions",
    "the de Sitter horizon temperature", "the Kerr-Newman solution", "extremal black holes",
    "inner horizons and mass inflation", "the ISCO of Kerr black holes", "frame dragging",
    "gravitational lensing", "perihelion precession", "Shapiro delay",
    "physics-informed neural networks", "residual-based adaptive refinement for PINNs",
    "the Cole-Hopf transformation", "well-posedness of boundary value problems",
    "the method of lines", "spectral methods for PDEs", "Neumann problem solvability",
    "the CFL condition", "Robin boundary conditions", "d'Alembert's formula",
    "curvature sign conventions", "the Weyl tensor", "the Raychaudhuri equation",
    "singularity theorems", "the Komar mass", "the ADM mass", "the Reissner-Nordström solution",
    "de Sitter space", "the Schwarzschild interior solution",
)
WHO = (
    "first derived the metric of a rotating black hole", "discovered the charged black hole solution",
    "showed that black holes radiate", "proved that spherically symmetric vacuum is static",
    "found the rotating dust universe with closed timelike curves",
    "introduced the warp drive metric", "found the maximal extension of Schwarzschild",
    "proposed physics-informed neural networks", "first solved Einstein's equations exactly",
    "derived the equations of hydrostatic equilibrium in GR",
)
WHY = (
    "nothing can escape from inside the event horizon", "the ISCO exists at all in GR",
    "the Einstein static universe is unstable", "Kerr has two horizons",
    "PINNs struggle with stiff or multi-scale problems", "the Neumann problem needs a "
    "compatibility condition", "light bends twice as much as Newton predicts",
    "a uniformly accelerated observer sees a horizon", "the Schwarzschild singularity at r = 2M "
    "is only a coordinate singularity", "de Sitter space has a temperature",
)


def _topic(rng: random.Random) -> Draw:
    return Draw({"topic": rng.choice(TOPICS)}, plan(step("search_literature", query="{question}")))


def _who(rng: random.Random) -> Draw:
    return Draw({"deed": rng.choice(WHO)}, plan(step("search_literature", query="{question}")))


def _why(rng: random.Random) -> Draw:
    return Draw({"claim": rng.choice(WHY)}, plan(step("search_literature", query="{question}")))


INTENTS = [
    Intent("literature.topic", (
        "What is {topic}?",
        "Explain {topic}.",
        "Where can I read about {topic}?",
        "Give me references on {topic}",
        "What does the literature say about {topic}?",
        "Can you summarise {topic} with citations?",
        "I'd like an overview of {topic}, with sources.",
        "Tell me about {topic}",
        "What's the key paper on {topic}?",
        "what's {topic}",
        "Define {topic} and cite a source.",
        "Describe {topic} briefly.",
        "What is meant by {topic}?",
        "Background reading on {topic}, please.",
        "Could you explain {topic} to me?",
        "Look up {topic} in the references.",
        "I keep hearing about {topic}. What is it?",
        "Summarize what is known about {topic}.",
    ), _topic, per_template=8),
    Intent("literature.who", (
        "Who {deed}?",
        "Which physicist {deed}, and when?",
        "who was it that {deed}",
        "Do you know who {deed}? Cite the paper.",
        "Name the person who {deed}.",
        "In which paper and by whom: someone {deed}",
        "Give me the reference: who {deed}?",
        "Which paper {deed}?",
        "Tell me who {deed}.",
    ), _who, per_template=5),
    Intent("literature.why", (
        "Why is it that {claim}?",
        "Explain why {claim}.",
        "Is it true that {claim}? Why?",
        "what's the reason {claim}",
        "Give the physical argument that {claim}, with a reference.",
        "Help me understand why {claim}",
        "How come {claim}?",
        "Why {claim}? Point me to a reference.",
        "What is the argument that {claim}?",
    ), _why, per_template=5),
]
