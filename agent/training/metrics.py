"""How well a planner plans, measured on examples with known plans (a held-out split):

* validity: the output parses as a plan and every step passes the registry's checks;
* tool selection: the sequence of tools is the expected one;
* exact match: the whole plan equals the expected one (key order aside);
* equivalent: the same plan up to notation (``agent.training.equivalence``: renamed step ids,
  ``pi`` written 3.14159..., the symmetric indices of a Ricci component swapped...);
* latency (p50, p95) and generated tokens per second.

Measured on the planner's first draw, and with a ``flow`` (``agent.graph.Flow``) also on the
plan the agent would run: the planning stage of the graph, which repairs and amends the draw,
checks it against the question (``agent.relevance``) and, if it does not fit, asks again with
the problems, up to ``max_replans`` times (``checked`` figures; latency over all the draws).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from ..plan import Plan, PlanError, parse_plan
from .equivalence import equivalent


@dataclass
class Outcome:
    id: str
    valid: bool
    tools_ok: bool
    exact: bool
    seconds: float
    tokens: int
    output: str
    error: str = ""
    equivalent: bool = False
    checked: dict | None = None         # the plan the agent would run: its verdicts, draws


@dataclass
class Summary:
    n: int
    validity: float
    tool_selection: float
    exact_match: float
    equivalent_match: float
    p50_seconds: float
    p95_seconds: float
    tokens_per_second: float
    by_intent: dict = field(default_factory=dict)
    checked: dict | None = None

    def as_dict(self) -> dict:
        def rounded(v):
            return round(v, 4) if isinstance(v, float) else v
        out = {k: rounded(v) for k, v in self.__dict__.items() if k != "checked"}
        if self.checked:
            out["checked"] = {k: rounded(v) for k, v in self.checked.items()}
        return out


def _same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def judge(planner, example: dict, count_tokens, flow=None) -> Outcome:
    """Ask ``planner`` for ``example``'s question (after its earlier turn, if any); with
    ``flow``, through the graph's planning stage, which also gives the ``checked`` verdicts."""
    history = [example["previous"]] if example.get("previous") else []
    if flow is not None:
        return _through(flow, planner, example, history, count_tokens)
    start = time.perf_counter()
    try:
        text = planner.propose(example["question"], history=history)
    except Exception as err:                         # noqa: BLE001 - a cut-off plan counts
        return Outcome(example["id"], False, False, False, time.perf_counter() - start, 0, "",
                       f"{type(err).__name__}: {err}")
    return _verdict(planner.registry, example, text, time.perf_counter() - start,
                    count_tokens(text))


def _verdict(registry, example: dict, text: str, seconds: float, tokens: int) -> Outcome:
    expected = example["plan"]
    try:
        plan = parse_plan(text)
    except (PlanError, ValueError) as err:
        return Outcome(example["id"], False, False, False, seconds, tokens, text, str(err))
    problems = registry.check(plan)
    got = plan.model_dump(exclude_none=True)
    tools_ok = [s["tool"] for s in got["steps"]] == [s["tool"] for s in expected["steps"]]
    exact = _same(got, expected)
    return Outcome(example["id"], not problems, tools_ok, exact, seconds, tokens, text,
                   "; ".join(problems), equivalent=exact or equivalent(got, expected))


def _through(flow, planner, example: dict, history: list, count_tokens) -> Outcome:
    """The first draw's outcome, with ``checked``: that of the plan the graph's planning
    stage settles on (the first draw repaired and amended, or a replan's)."""
    from ..graph import fresh_input
    state = {**fresh_input(example["question"], trace_id=example["id"]), "history": history}
    first, start = None, time.perf_counter()
    while True:
        began = time.perf_counter()
        state = {**state, **flow.plan(state)}
        if first is None:
            text = state["planner_output"]
            first = _verdict(planner.registry, example, text, time.perf_counter() - began,
                             count_tokens(text))
            if not text:
                first.error = "; ".join(state["problems"])
        if state["plan"] is not None or not flow._may_replan(state):
            break
    seconds = time.perf_counter() - start
    if state["plan"] is None:
        first.checked = {"valid": False, "tools_ok": False, "exact": False,
                         "equivalent": False, "seconds": seconds, "draws": state["attempts"]}
        return first
    final = _verdict(planner.registry, example,
                     json.dumps(Plan.model_validate(state["plan"]).model_dump(exclude_none=True)),
                     seconds, 0)
    first.checked = {"valid": final.valid, "tools_ok": final.tools_ok, "exact": final.exact,
                     "equivalent": final.equivalent, "seconds": seconds,
                     "draws": state["attempts"], "plan": final.output}
    return first


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def summarise(examples: list[dict], outcomes: list[Outcome]) -> Summary:
    n = len(outcomes)
    by_intent: dict[str, list[int]] = {}
    for e, o in zip(examples, outcomes):
        by_intent.setdefault(e["intent"], []).append(int(o.exact))
    seconds = [o.seconds for o in outcomes]
    checked = [o.checked for o in outcomes if o.checked is not None]
    if checked:
        checked = {"validity": sum(c["valid"] for c in checked) / n,
                   "tool_selection": sum(c["tools_ok"] for c in checked) / n,
                   "exact_match": sum(c["exact"] for c in checked) / n,
                   "equivalent_match": sum(c["equivalent"] for c in checked) / n,
                   "p50_seconds": _quantile([c["seconds"] for c in checked], 0.5),
                   "p95_seconds": _quantile([c["seconds"] for c in checked], 0.95),
                   "redrawn": sum(c["draws"] > 1 for c in checked) / n}
    return Summary(
        n=n, validity=sum(o.valid for o in outcomes) / n,
        tool_selection=sum(o.tools_ok for o in outcomes) / n,
        exact_match=sum(o.exact for o in outcomes) / n,
        equivalent_match=sum(o.equivalent for o in outcomes) / n,
        p50_seconds=_quantile(seconds, 0.5), p95_seconds=_quantile(seconds, 0.95),
        tokens_per_second=sum(o.tokens for o in outcomes) / max(sum(seconds), 1e-9),
        by_intent={k: round(sum(v) / len(v), 3) for k, v in sorted(by_intent.items())},
        checked=checked or None)


def measure(planner, examples: list[dict], count_tokens, progress: bool = True, flow=None
            ) -> tuple[Summary, list[Outcome]]:
    from tqdm import tqdm
    outcomes = [judge(planner, e, count_tokens, flow)
                for e in tqdm(examples, desc=f"planning ({planner.describe()})", unit="plan",
                              disable=not progress)]
    return summarise(examples, outcomes), outcomes
