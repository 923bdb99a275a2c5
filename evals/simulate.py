"""A simulated physicist, to seed the feedback store with realistic ratings.

The feedback loop learns from people rating answers; before there are people, and in the tests
of the loop, this stands in for them. It asks questions drawn from the planner's intents (the
same generators as the training data, other seeds), and for each question gets answers through
the real agent for two kinds of plan:

* the right plan (the intent's own), and
* plausible wrong plans: the mistakes a small planner makes (the planner bench's misses) --
  a neighbouring quantity (``weyl`` for ``weyl_squared``), a sibling metric (``minkowski`` for
  ``minkowski_cylindrical``), the whole tensor where one component was asked for, a changed
  number, a swapped variable, an answer one step short.

Each answer is then rated the way a physicist would: +1 when its value is right, -1 when not,
judged by :func:`evals.score.score` against the right plan's value (so a "mistake" that happens
to give the right value is rated +1, as it would be). A share of the -1 ratings carries the
right plan as a correction, as a user who knows the tool would write it.

    agent = Agent(...)
    stats = seed_feedback(agent, questions=40, seed=1)

``python -m evals.simulate --questions 40`` seeds the configured store.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
import sys
from collections import Counter
from typing import Any

from agent.training.data import draw
from agent.training.intents import all_intents
from agent.training.intents.curvature import HEAVY

from .score import score

# intents whose plans run in seconds: curvature of light catalogue metrics and calculus
INTENTS = ("gr.curvature.scalar", "gr.curvature.claim", "gr.curvature.tensor",
           "gr.curvature.component", "gr.curvature.element", "derive.horizon",
           "derive.photon_sphere", "derive.surface_gravity", "derive.series",
           "derive.redshift", "derive.proper_distance", "derive.horizons")

QUANTITY_SLIPS = {
    "ricci_scalar": ("kretschmann", "ricci_squared"),
    "kretschmann": ("ricci_scalar", "weyl_squared"),
    "ricci_squared": ("ricci", "ricci_scalar"), "weyl_squared": ("weyl", "kretschmann"),
    "weyl": ("weyl_squared", "riemann"), "ricci": ("ricci_squared", "einstein"),
    "einstein": ("ricci", "stress_energy"), "riemann": ("christoffel", "ricci"),
    "christoffel": ("riemann",), "ricci_flat": ("flat", "conformally_flat"),
    "flat": ("ricci_flat",), "conformally_flat": ("flat",), "einstein_space": ("ricci_flat",),
}
METRIC_FAMILIES = (
    ("schwarzschild", "reissner_nordstrom", "schwarzschild_de_sitter", "schwarzschild_isotropic"),
    ("minkowski", "minkowski_spherical", "minkowski_cylindrical", "rindler"),
    ("flrw", "flrw_flat", "flrw_closed", "flrw_open", "milne"),
    ("de_sitter", "anti_de_sitter", "de_sitter_flat_slicing", "einstein_static"),
)
NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])")


def mistakes(plan: dict, rng: random.Random) -> list[dict]:
    """Plausible wrong versions of ``plan`` (each differs from it), in random order."""
    out = []
    steps = plan["steps"]
    for i, s in enumerate(steps):
        args = s["args"]
        if s["tool"] == "curvature":
            for q in QUANTITY_SLIPS.get(args.get("quantity"), ()):
                if "component" not in args or q in ("ricci", "einstein", "riemann", "christoffel"):
                    out.append(_with(plan, i, quantity=q))
            family = next((f for f in METRIC_FAMILIES if args.get("metric") in f), ())
            out += [_with(plan, i, metric=m) for m in family if m != args.get("metric")]
            if "component" in args:                 # the tensor, not the component asked for
                out.append(_without(plan, i, "component"))
        for key in ("expression", "point", "upper", "lower"):
            text = args.get(key)
            if isinstance(text, str) and NUMBER.search(text) and "$" not in text:
                out.append(_with(plan, i, **{key: _renumber(text, rng)}))
        if isinstance(args.get("equations"), list) and args["equations"] \
                and NUMBER.search(args["equations"][0]) and "$" not in args["equations"][0]:
            out.append(_with(plan, i, equations=[_renumber(args["equations"][0], rng),
                                                 *args["equations"][1:]]))
        if s["tool"] in ("differentiate", "series") and isinstance(args.get("expression"), str):
            others = sorted(set(re.findall(r"\b[A-Za-z]\b", args["expression"]))
                            - {args.get("variable"), "e", "I"})
            out += [_with(plan, i, variable=v) for v in others[:2]]
    if len(steps) > 1:
        out.append({"steps": steps[:-1], "final": steps[-2]["id"]})
    seen, unique = {json.dumps(plan, sort_keys=True)}, []
    for p in out:
        key = json.dumps(p, sort_keys=True)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    rng.shuffle(unique)
    return unique


def _with(plan: dict, index: int, **changes: Any) -> dict:
    new = copy.deepcopy(plan)
    new["steps"][index]["args"].update(changes)
    return new


def _without(plan: dict, index: int, key: str) -> dict:
    new = copy.deepcopy(plan)
    del new["steps"][index]["args"][key]
    return new


def _renumber(text: str, rng: random.Random) -> str:
    """``text`` with one of its numbers changed the way a slip changes it."""
    numbers = list(NUMBER.finditer(text))
    m = rng.choice(numbers)
    value = float(m.group(1))
    new = rng.choice([value * 2, value + 1, value / 2 if value else 3])
    shown = str(int(new)) if float(new).is_integer() else f"{new:g}"
    return text[:m.start()] + shown + text[m.end():]


def judge(reference, answer) -> bool:
    """Whether ``answer``'s value is right, taking the right plan's ``reference`` answer as
    the truth (the physicist knows the result)."""
    if answer.status == "refused" or not all(s.ok for s in answer.steps):
        return False
    ref = reference.final
    if ref.kind in ("expr", "number"):
        expect = {"kind": "expr", "value": str(ref.exact or ref.value)}
    elif ref.kind == "bool":
        expect = {"kind": "bool", "value": ref.value}
    else:
        return answer.final.value == ref.value
    try:
        return score(expect, answer.final.model_dump(mode="json"), answer.text).correct
    except Exception:                           # noqa: BLE001 - an unreadable value is wrong
        return False


def questions(n: int, seed: int = 0, intents: tuple[str, ...] = INTENTS) -> list:
    """``n`` questions with their right plans, spread over ``intents`` and light metrics."""
    chosen = [i for i in all_intents() if i.name in intents]
    drawn = [e for e in draw(chosen, seed=1000 + seed, scale=2.0) if not e.previous
             and not any(s["args"].get("metric") in HEAVY for s in e.plan["steps"])]
    random.Random(seed).shuffle(drawn)
    by_intent: dict[str, list] = {}
    for e in drawn:
        by_intent.setdefault(e.intent, []).append(e)
    picked = []
    while len(picked) < n and any(by_intent.values()):
        for name in sorted(by_intent):
            if by_intent[name] and len(picked) < n:
                picked.append(by_intent[name].pop())
    return picked


def seed_feedback(agent, questions_: int = 40, seed: int = 0, wrong: int = 2,
                  correction_rate: float = 0.3, progress: bool = True) -> dict:
    """Ask ``questions_`` questions, answer each with its right plan and up to ``wrong``
    mistaken ones, and rate every answer; returns counts."""
    from tqdm import tqdm
    rng = random.Random(seed)
    counts: Counter = Counter()
    for example in tqdm(questions(questions_, seed), desc="simulated ratings", unit="question",
                        disable=not progress):
        thread = f"sim-{seed}-{counts['questions']}"
        reference = agent.run_plan(example.plan, question=example.question, thread_id=thread)
        counts["questions"] += 1
        if reference.status == "refused" or not all(s.ok for s in reference.steps):
            counts["reference_failed"] += 1
            continue
        agent.rate(reference.trace_id, +1)
        counts["up"] += 1
        for plan in mistakes(example.plan, rng)[:wrong]:
            answer = agent.run_plan(plan, question=example.question,
                                    thread_id=f"{thread}-{counts['answers']}")
            counts["answers"] += 1
            if judge(reference, answer):
                agent.rate(answer.trace_id, +1)
                counts["up"] += 1
                continue
            correction = ""
            if rng.random() < correction_rate:
                correction = json.dumps(example.plan)
                counts["corrections"] += 1
            agent.rate(answer.trace_id, -1, correction=correction)
            counts["down"] += 1
    return dict(counts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m evals.simulate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--questions", type=int, default=40)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--wrong", type=int, default=2, help="mistaken plans per question")
    p.add_argument("--correction-rate", type=float, default=0.3)
    args = p.parse_args(argv)
    from agent import Agent
    with Agent() as agent:
        stats = seed_feedback(agent, args.questions, args.seed, args.wrong,
                              args.correction_rate)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
