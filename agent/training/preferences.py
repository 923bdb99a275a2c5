"""Preference data from the feedback store: what the reward model and DPO/KTO train on.

**Pairs** -- a better and a worse plan for the same prompt:

* ``rating``: a plan rated +1 against one rated -1 for the same question in the same context
  (the latest rating of an answer is the one that counts: people change their minds);
* ``correction``: a plan rated -1 against the plan its rater wrote as the correction (a
  correction in words stays in the store for people to read; it cannot be trained on);
* ``verifier``: a plan whose answer was verified against one that failed for the same
  question -- refused, a step that failed or a check that failed -- including the plans an
  answer replanned away from (``Answer.tried``). A verified answer rated -1 is never the
  better one: the rating outranks the verifier.

**Unpaired** -- every rated plan with its rating (and every plan written as a correction,
rated good), for KTO when there are too few pairs.

Prompts are the fine-tuned planner's (``prompts/tuned.j2``): the question after the thread's
previous turn, as the store recorded them. Plans are written as the planner writes them
(canonical key order, compact JSON); an output that never parsed is kept as it was written.

    prefs = export(FeedbackStore("feedback.sqlite"))
    prefs.pairs[0].prompt, prefs.pairs[0].chosen, prefs.pairs[0].rejected, prefs.counts
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from ..plan import Plan, PlanError, parse_plan
from ..planner.prompt import plan_text, render_tuned
from ..planner.schema import canonical
from ..registry import default_registry

MAX_PAIRS = 6                       # pairs per prompt: one question must not dominate a round


@dataclass
class Pair:
    prompt: str
    chosen: str
    rejected: str
    question: str
    source: str                     # rating, correction or verifier


@dataclass
class Unpaired:
    prompt: str
    completion: str
    label: bool
    question: str
    source: str                     # rating or correction


@dataclass
class Preferences:
    pairs: list[Pair] = field(default_factory=list)
    unpaired: list[Unpaired] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Candidate:
    """One plan for a prompt and what is known of it."""
    text: str
    rating: int = 0                 # the latest rating, 0 when unrated
    outcome: str = ""               # verified, failed or "" (ran, nothing to say)


def export(store, registry=None, examples=None) -> Preferences:
    """Pairs and unpaired examples from every answer and rating in ``store``, their prompts
    as the planner being trained writes them: with the solved example of its ``examples``
    it shows for the question (``agent.planner.examples``) when it was trained with them."""
    registry = registry or default_registry()
    traces = store.traces()
    latest: dict[str, object] = {}
    for r in store.ratings():
        latest[r.trace_id] = r                        # ordered by id: the last one stays
    counts: Counter = Counter(answers=len(traces), ratings=len(latest))
    by_prompt: dict[str, dict[str, _Candidate]] = {}
    questions: dict[str, str] = {}
    corrections: list[tuple[str, str, str, str]] = []          # prompt, question, good, bad
    previous: dict[str, dict] = {}                             # thread -> its last turn
    for t in traces:
        answer = t.answer
        history = [previous[t.thread_id]] if t.thread_id in previous else []
        prompt = render_tuned(answer["question"], history=history,
                              examples=examples.shown(answer["question"]) if examples else ())
        questions[prompt] = answer["question"]
        if answer.get("plan"):
            previous[t.thread_id] = {"question": answer["question"],
                                     "plan": canonical(answer["plan"], registry)}
        plans = by_prompt.setdefault(prompt, {})
        rating = latest.get(t.trace_id)
        text = _written(answer.get("plan"), t.planner_output, registry)
        if text:
            c = plans.setdefault(text, _Candidate(text))
            c.outcome = _outcome(answer) or c.outcome
            if rating is not None:
                c.rating = rating.rating
        for tried in answer.get("tried", []):
            bad = _written(tried.get("plan"), tried.get("output", ""), registry)
            if bad and bad != text:
                plans.setdefault(bad, _Candidate(bad)).outcome = "failed"
        if rating is not None and rating.rating < 0 and rating.correction:
            good = _correction(rating.correction, registry)
            if good is None:
                counts["corrections in words"] += 1
            elif text and good != text:
                corrections.append((prompt, answer["question"], good, text))

    prefs = Preferences()
    seen: set[tuple[str, str, str]] = set()
    taken: Counter = Counter()

    def add(prompt: str, chosen: str, rejected: str, source: str) -> None:
        key = (prompt, chosen, rejected)
        if key in seen or taken[prompt] >= MAX_PAIRS:
            return
        seen.add(key)
        taken[prompt] += 1
        prefs.pairs.append(Pair(prompt, chosen, rejected, questions[prompt], source))

    for prompt, question, good, bad in corrections:           # the strongest signal first
        add(prompt, good, bad, "correction")
    for prompt, plans in by_prompt.items():
        up = [c for c in plans.values() if c.rating > 0]
        down = [c for c in plans.values() if c.rating < 0]
        for g in up:
            for b in down:
                add(prompt, g.text, b.text, "rating")
        good = [c for c in plans.values() if c.outcome == "verified" and c.rating >= 0]
        bad = [c for c in plans.values() if c.outcome == "failed" and c.rating <= 0]
        for g in good:
            for b in bad:
                add(prompt, g.text, b.text, "verifier")
        for c in up + down:
            prefs.unpaired.append(Unpaired(prompt, c.text, c.rating > 0, questions[prompt],
                                           "rating"))
    for prompt, question, good, _ in corrections:
        prefs.unpaired.append(Unpaired(prompt, good, True, question, "correction"))
    counts.update({f"pairs from {k}": v for k, v in Counter(p.source for p in prefs.pairs).items()})
    counts["unpaired"] = len(prefs.unpaired)
    prefs.counts = dict(counts)
    return prefs


def _written(plan: dict | None, output: str, registry) -> str:
    """The plan as the planner writes it; the raw output when it never became a plan."""
    if plan:
        try:
            return plan_text(canonical(Plan.model_validate(plan).model_dump(exclude_none=True),
                                       registry))
        except ValueError:
            pass
    return (output or "").strip()


def _outcome(answer: dict) -> str:
    """``verified``, ``failed`` (refused, a failed step or check) or '' (ran, unverified
    because nothing could check it)."""
    if answer.get("status") == "verified":
        return "verified"
    if answer.get("status") == "refused" or not all(s.get("ok") for s in answer.get("steps", [])) \
            or any(not c.get("passed") for c in answer.get("checks", [])):
        return "failed"
    return ""


def _correction(text: str, registry) -> str | None:
    """A correction that is a valid plan, written as the planner writes plans; else None."""
    try:
        plan = parse_plan(text)
    except (PlanError, ValueError, json.JSONDecodeError):
        return None
    if registry.check(plan):
        return None
    return plan_text(canonical(plan.model_dump(exclude_none=True), registry))
