"""How well a planner plans, measured on examples with known plans (a held-out split):

* validity: the output parses as a plan and every step passes the registry's checks;
* tool selection: the sequence of tools is the expected one;
* exact match: the whole plan equals the expected one (key order aside);
* equivalent: the same plan up to notation (``agent.training.equivalence``: renamed step ids,
  ``pi`` written 3.14159..., the symmetric indices of a Ricci component swapped...);
* latency (p50, p95) and generated tokens per second.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from ..plan import PlanError, parse_plan
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

    def as_dict(self) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def _same(a: dict, b: dict) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def judge(planner, example: dict, count_tokens) -> Outcome:
    """Ask ``planner`` for ``example``'s question (after its earlier turn, if any)."""
    history = [example["previous"]] if example.get("previous") else []
    start = time.perf_counter()
    try:
        text = planner.propose(example["question"], history=history)
    except Exception as err:                         # noqa: BLE001 - a cut-off plan counts
        return Outcome(example["id"], False, False, False, time.perf_counter() - start, 0, "",
                       f"{type(err).__name__}: {err}")
    seconds = time.perf_counter() - start
    tokens = count_tokens(text)
    expected = example["plan"]
    try:
        plan = parse_plan(text)
    except (PlanError, ValueError) as err:
        return Outcome(example["id"], False, False, False, seconds, tokens, text, str(err))
    problems = planner.registry.check(plan)
    got = plan.model_dump(exclude_none=True)
    tools_ok = [s["tool"] for s in got["steps"]] == [s["tool"] for s in expected["steps"]]
    exact = _same(got, expected)
    return Outcome(example["id"], not problems, tools_ok, exact, seconds, tokens, text,
                   "; ".join(problems), equivalent=exact or equivalent(got, expected))


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
    return Summary(
        n=n, validity=sum(o.valid for o in outcomes) / n,
        tool_selection=sum(o.tools_ok for o in outcomes) / n,
        exact_match=sum(o.exact for o in outcomes) / n,
        equivalent_match=sum(o.equivalent for o in outcomes) / n,
        p50_seconds=_quantile(seconds, 0.5), p95_seconds=_quantile(seconds, 0.95),
        tokens_per_second=sum(o.tokens for o in outcomes) / max(sum(seconds), 1e-9),
        by_intent={k: round(sum(v) / len(v), 3) for k, v in sorted(by_intent.items())})


def measure(planner, examples: list[dict], count_tokens, progress: bool = True
            ) -> tuple[Summary, list[Outcome]]:
    from tqdm import tqdm
    outcomes = [judge(planner, e, count_tokens)
                for e in tqdm(examples, desc=f"planning ({planner.describe()})", unit="plan",
                              disable=not progress)]
    return summarise(examples, outcomes), outcomes
