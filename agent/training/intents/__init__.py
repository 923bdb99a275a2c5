"""Intents: one kind of question with a plan builder and its phrasing templates.

An intent's ``sample(rng)`` draws the slots of one question (metric, quantity, numbers,
expressions, each already written the way the question will show them) and the plan that
answers it. Each template is a *family*: the data split keeps whole families out of training,
so the test measures how the planner copes with phrasings it has never seen.

Templates are ``str.format`` strings over the slots; a template may use any subset of them.
``asks`` are what the question asks for as a phrase over the same slots ("the surface
gravity of {name}{given}"; for yes/no intents a clause, "whether {metric} is {quantity}"):
the data generator puts them into generic frames ("Could you work out {ask}?"), so training
sees many more sentence shapes than the templates alone give (see ``data.FRAMES``).
Plans are written with ``plan(step(...), ...)``: steps are numbered s1, s2, ... and the last
one is the answer unless ``final`` says otherwise.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Draw:
    slots: dict[str, str]
    plan: dict
    previous: tuple[str, dict] | None = None      # an earlier turn (question, plan) it refers to


@dataclass(frozen=True)
class Intent:
    name: str                                      # "gr.horizon", "pde.heat", ...
    templates: tuple[str, ...]
    sample: Callable[[random.Random], Draw]
    per_template: int = 6                          # questions drawn per template
    tags: tuple[str, ...] = field(default=())
    asks: tuple[str, ...] = field(default=())       # phrases for the generic frames
    ask_kind: str = "what"                         # "what" (a noun phrase) or "whether"

    def families(self) -> list[str]:
        return [f"{self.name}#{i}" for i in range(len(self.templates))]


def step(tool: str, **args) -> tuple[str, dict]:
    return tool, {k: v for k, v in args.items() if v is not None}


def plan(*steps: tuple[str, dict], final: int | None = None) -> dict:
    """A plan of ``steps`` (from :func:`step`), ids s1, s2, ...; the answer is the last step
    or the ``final``-th (1-based)."""
    out = [{"id": f"s{i}", "tool": tool, "args": args} for i, (tool, args) in enumerate(steps, 1)]
    return {"steps": out, "final": f"s{final or len(out)}"}


def pick(rng: random.Random, options):
    """One of ``options`` (a sequence, or a dict: one of its items)."""
    if isinstance(options, dict):
        key = rng.choice(sorted(options))
        return key, options[key]
    return rng.choice(list(options))


def all_intents() -> list[Intent]:
    from . import curvature, derive, pde, literature
    return [*curvature.INTENTS, *derive.INTENTS, *pde.INTENTS, *literature.INTENTS]
