"""Counterfactual preference pairs: more of what the ratings teach, settled by the tools.

A physicist who rates an answer good has said its value is right for that question. The slips
a small planner makes of that plan (:func:`evals.simulate.mistakes`: a neighbouring quantity,
a sibling spacetime, a changed number, a swapped variable, a step short) are run through the
agent as written, and a slip whose answer differs from the rated one
(:func:`evals.simulate.judge`, the eval scorer underneath) is a worse plan for that question:
a pair no one had to rate. A slip that gives the same value is not worse and is dropped. The
slip runs without the question, so the agent's amendments (another spacetime than the one
named read as that one) do not put it right: the pair teaches the planner to write the right
plan itself.

The slips run in an agent of their own with a scratch feedback store, so the user's store
only ever holds answers that were asked for.

    pairs = counterfactual_pairs(store, agent, per_plan=3)
"""

from __future__ import annotations

import random

from agent.answer import Answer
from agent.planner.prompt import plan_text, render_tuned
from agent.planner.schema import canonical
from agent.registry import default_registry
from agent.training.preferences import Pair

from .simulate import judge, mistakes


def counterfactual_pairs(store, agent, per_plan: int = 3, seed: int = 0,
                         progress: bool = True, examples=None) -> list[Pair]:
    """Pairs (the rated plan, a slip of it) for every answer in ``store`` whose latest
    rating is +1 and that is not a follow-up (its prompt is the question alone, after the
    solved example the planner shows for it, when it has ``examples``)."""
    from tqdm import tqdm
    registry = default_registry()
    latest = {}
    for r in store.ratings():
        latest[r.trace_id] = r.rating
    seen_threads: set[str] = set()
    good: list[Answer] = []
    for t in store.traces():
        first = t.thread_id not in seen_threads
        seen_threads.add(t.thread_id)
        answer = Answer.model_validate(t.answer)
        if first and latest.get(t.trace_id) == 1 and answer.plan and answer.status != "refused":
            good.append(answer)
    rng = random.Random(seed)
    pairs, done = [], set()
    for answer in tqdm(good, desc="counterfactual slips", unit="plan", disable=not progress):
        chosen = plan_text(canonical(answer.plan, registry))
        if (answer.question, chosen) in done:
            continue
        done.add((answer.question, chosen))
        for slip in mistakes(answer.plan, rng)[:per_plan]:
            result = agent.run_plan(slip)              # as written, not amended
            if not judge(answer, result):
                shown = examples.shown(answer.question) if examples else ()
                pairs.append(Pair(render_tuned(answer.question, examples=shown), chosen,
                                  plan_text(canonical(slip, registry)), answer.question,
                                  "counterfactual"))
    return pairs
