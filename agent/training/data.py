"""The planner's training data: questions drawn from the intents, each plan run with the real
tools and kept only if it runs and its checks pass, split by phrasing family.

    python -m agent.training.data --out data/planner          # draw, run, split, write
    python -m agent.training.data --check derive               # one question per template

Each example is ``{"id", "intent", "family", "split", "question", "plan", "previous"?}``.
The same plan drawn twice is run once. A plan whose answer is ``verified`` is kept; so is
one whose tool has no independent check for that kind of result (a literature search, a
flatness test) but ran without error: ``status`` says which. Anything refused is dropped and
counted in ``stats.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .intents import Intent, all_intents

SPLITS = ("train", "val", "test")
SCALE = 1.0                        # questions per template, relative to each intent's own


@dataclass
class Example:
    id: str
    intent: str
    family: str
    split: str
    question: str
    plan: dict
    previous: dict | None = None
    status: str = ""
    tags: list[str] = field(default_factory=list)

    def record(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, [], "")}


def _stable(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16)


def family_splits(intent: Intent) -> dict[str, str]:
    """Which split each of the intent's templates belongs to: about a fifth of the templates
    (at least one, when there are four or more) for test, one for validation when there are
    six or more, the rest for training; the choice is fixed by the intent's name."""
    families = intent.families()
    order = sorted(families, key=lambda f: _stable(f))
    n = len(order)
    n_test = max(1, round(n / 5)) if n >= 4 else 0
    n_val = 1 if n >= 6 else 0
    split = {f: "test" for f in order[:n_test]}
    split.update({f: "val" for f in order[n_test:n_test + n_val]})
    split.update({f: "train" for f in order[n_test + n_val:]})
    return split


# Generic sentence shapes for an intent's ``asks`` (``Intent.asks``): "what" frames take a noun
# phrase, "whether" frames a yes/no clause. Their questions are training data only; the
# held-out test families stay the intents' own templates.
FRAMES = {
    "what": ("{Ask}", "{Ask}?", "What is {ask}?", "what's {ask}", "Compute {ask}.",
             "Calculate {ask}, please.", "Find {ask}.", "Can you work out {ask}?",
             "Could you give me {ask}?", "I need {ask}.", "I'd like to know {ask}.",
             "Please determine {ask}.", "Derive {ask}.", "Help me find {ask}", "Tell me {ask}",
             "Give {ask}.", "Evaluate {ask}.", "We need {ask} for a paper.", "Quick one: {ask}?",
             "{Ask} -- show the steps.", "Get me {ask}", "Obtain {ask}.", "Work out {ask}.",
             "Do you know {ask}? Compute it.", "Determine {ask} in geometric units.",
             "My homework asks for {ask}.", "Show me how to get {ask}."),
    "whether": ("Check {ask}.", "Tell me {ask}.", "Can you determine {ask}?",
                "I want to know {ask}", "Decide {ask}.", "Find out {ask}.", "Verify {ask}.",
                "Please check {ask}", "Could you test {ask}?", "Work out {ask}.",
                "Determine {ask}, please", "Is there a way to tell {ask}? Check it.",
                "Let me know {ask}."),
}
FRAMES_PER_ASK = 8                 # frame families drawn for each ask (at scale 1)


_CHATTER_BEFORE = ["hey, ", "quick question: ", "Hi! ", "I'm stuck on this: ", "ok so ",
                   "Can you help? ", "For my GR course: ", "question - ", "hello. "]
_CHATTER_AFTER = [" thanks!", " Thanks in advance.", " (show the steps)", " pls", " cheers",
                  " -- I need it for a paper.", " Be careful with signs."]


def _typo(text: str, rng: random.Random) -> str:
    """One slip of the keyboard in a plain word (never inside formulas): a doubled, dropped
    or swapped letter."""
    words = [m for m in re.finditer(r"(?<!\\)\b[a-z]{5,}\b", text)]     # not \right
    if not words:
        return text
    m = rng.choice(words)
    w, i = m.group(), rng.randrange(1, len(m.group()) - 2)
    kind = rng.randrange(3)
    new = (w[:i] + w[i] + w[i:] if kind == 0 else w[:i] + w[i + 1:] if kind == 1
           else w[:i] + w[i + 1] + w[i] + w[i + 2:])
    return text[:m.start()] + new + text[m.end():]


# ``sin(pi x)`` -> ``sin pi x``: a function of a plain product, followed by nothing that would
# join the argument (a power, a factor); the parser reads both the same (``tools.mathparse``).
_CALL = re.compile(r"(\\?)\b(sin|cos|sinh|cosh|tanh)\(([^()+\-/,=^]+)\)(?=\s*(?:[+\-=,;.)$]|$))")
# ``cos(theta)^2`` -> ``cos^2 theta``: a power of a function of one name or Greek letter
_POWER = re.compile(r"(\\?)\b(sin|cos|sinh|cosh|tanh)\((\\?[A-Za-z]+|[α-ωΑ-Ω])\)"
                    r"\^(\d)(?![\d.])")


def bare_functions(text: str) -> str:
    """Functions of a simple product written without brackets, as in textbooks: ``sin(pi x)``
    becomes ``sin pi x``, ``\\sin(\\pi x)`` becomes ``\\sin \\pi x``; anything else is left alone.

    >>> bare_functions("u(x,0) = sin(pi x) + 0.5 sin(3 pi x)")
    'u(x,0) = sin pi x + 0.5 sin 3 pi x'
    >>> bare_functions("a^2 cos(theta)^2 and sin(x) y and sin(2 x)^2 and exp(-t)")
    'a^2 cos^2 theta and sin(x) y and sin(2 x)^2 and exp(-t)'
    """
    text = _POWER.sub(lambda m: f"{m.group(1)}{m.group(2)}^{m.group(4)} {m.group(3)}", text)
    return _CALL.sub(lambda m: f"{m.group(1)}{m.group(2)} {m.group(3).replace('*', ' ').strip()}",
                     text)


def noisy(question: str, rng: random.Random) -> str:
    """The question as people type it: sometimes with bare function arguments (``sin pi x``),
    lower-case, without its question mark, with a typo, or wrapped in chatter."""
    q = question
    if rng.random() < 0.35:
        q = bare_functions(q)
    if rng.random() < 0.15:
        q = _typo(q, rng)
    if rng.random() < 0.15 and q[:1].isupper() and not q[1:2].isupper():
        q = q[0].lower() + q[1:]
    if rng.random() < 0.15:
        q = q.rstrip("?.").rstrip()
    if rng.random() < 0.12:
        q = rng.choice(_CHATTER_BEFORE) + q
    if rng.random() < 0.08:
        q = q + rng.choice(_CHATTER_AFTER)
    return q


def draw(intents: list[Intent], seed: int = 0, scale: float = SCALE) -> list[Example]:
    """Questions from every template of every intent: ``per_template * scale`` each (at least
    one), deduplicated by question text."""
    examples, seen = [], set()
    held_out = eval_questions()
    for intent in intents:
        splits = family_splits(intent)
        for family, template in zip(intent.families(), intent.templates):
            rng = random.Random(_stable(f"{seed}:{family}"))
            wanted, got = max(1, round(intent.per_template * scale)), 0
            for attempt in range(wanted * 3):
                if got >= wanted:
                    break
                d = intent.sample(rng)
                question = noisy(template.format(**d.slots), rng).strip()
                if question in seen:
                    continue
                seen.add(question)
                if _normal(question) in held_out:
                    continue
                previous = ({"question": d.previous[0], "plan": d.previous[1]}
                            if d.previous else None)
                examples.append(Example(
                    id=f"{family}/{attempt}", intent=intent.name, family=family,
                    split=splits[family], question=question, plan=_fill(d.plan, question),
                    previous=previous, tags=list(intent.tags)))
                got += 1
        for family, template in framed(intent, seed, scale):
            rng = random.Random(_stable(f"{seed}:{family}"))
            for attempt in range(3):
                d = intent.sample(rng)
                question = noisy(template.format(**d.slots), rng).strip()
                if question not in seen and _normal(question) not in held_out:
                    break
            else:
                continue
            seen.add(question)
            examples.append(Example(
                id=f"{family}/{attempt}", intent=intent.name, family=family, split="train",
                question=question, plan=_fill(d.plan, question), tags=list(intent.tags)))
    return examples


def framed(intent: Intent, seed: int = 0, scale: float = SCALE) -> list[tuple[str, str]]:
    """(family, template) pairs of the intent's asks put into frames: ``FRAMES_PER_ASK *
    scale`` frames per ask, chosen at random (seeded), each its own training family."""
    frames = FRAMES[intent.ask_kind]
    out = []
    for i, ask in enumerate(intent.asks):
        rng = random.Random(_stable(f"{seed}:{intent.name}:ask{i}"))
        n = min(len(frames), max(1, round(FRAMES_PER_ASK * scale)))
        for j in sorted(rng.sample(range(len(frames)), n)):
            text = frames[j].replace("{Ask}", ask[:1].upper() + ask[1:]).replace("{ask}", ask)
            out.append((f"{intent.name}#a{i}f{j}", text))
    return out


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def eval_questions() -> set[str]:
    """The eval suites' questions (normalised): never drawn as training examples."""
    from evals.tasks import load_tasks
    return {_normal(t.question) for t in load_tasks("all")}


def _fill(plan: dict, question: str) -> dict:
    """``plan`` with ``{question}`` in its text replaced by the question as asked."""
    return json.loads(json.dumps(plan).replace("{question}", json.dumps(question)[1:-1]))


def plan_key(plan: dict) -> str:
    return json.dumps(plan, sort_keys=True)


_AGENT = None


def _run_one(item: tuple[str, str]) -> tuple[str, str, str]:
    """(plan key, question) -> (plan key, status, detail), in a worker with its own Agent."""
    global _AGENT
    key, question = item
    if _AGENT is None:
        from ..api import Agent
        _AGENT = Agent(tool_timeout=120.0)
    try:
        answer = _AGENT.run_plan(json.loads(key), question=question)
    except Exception as err:                         # noqa: BLE001 - counted, not fatal
        return key, "error", f"{type(err).__name__}: {err}"
    failed = [s for s in answer.steps if not s.ok]
    if answer.status == "refused" or failed or not answer.steps:
        return key, "refused", answer.reason or (failed[-1].error if failed else "")
    value = str(answer.final.exact or answer.final.value)[:200]
    return key, answer.status, value


def execute(examples: list[Example], workers: int = 2, progress: bool = True
            ) -> dict[str, tuple[str, str]]:
    """Run every distinct plan once; sets each example's ``status``."""
    first: dict[str, str] = {}
    for e in examples:
        first.setdefault(plan_key(e.plan), e.question)
    results: dict[str, tuple[str, str]] = {}
    from tqdm import tqdm
    with ProcessPoolExecutor(max_workers=workers) as pool:
        bar = tqdm(total=len(first), desc="running plans", unit="plan", disable=not progress)
        for key, status, detail in pool.map(_run_one, first.items()):
            results[key] = (status, detail)
            bar.update(1)
        bar.close()
    for e in examples:
        e.status = results[plan_key(e.plan)][0]
    return results


def build(out: Path, seed: int = 0, scale: float = SCALE, workers: int = 2,
          progress: bool = True) -> dict:
    """Draw, run, keep what verifies, and write ``{train,val,test}.jsonl`` and ``stats.json``."""
    examples = draw(all_intents(), seed=seed, scale=scale)
    results = execute(examples, workers=workers, progress=progress)
    kept = [e for e in examples if e.status in ("verified", "unverified")]
    out.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        lines = [json.dumps(e.record(), ensure_ascii=False) for e in kept if e.split == split]
        (out / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    dropped = [{"family": e.family, "question": e.question, "why": results[plan_key(e.plan)][1]}
               for e in examples if e.status not in ("verified", "unverified")]
    stats = {"seed": seed, "scale": scale, "drawn": len(examples), "kept": len(kept),
             "distinct_plans": len(results),
             "status": dict(Counter(e.status for e in examples)),
             "splits": {s: sum(e.split == s for e in kept) for s in SPLITS},
             "families": {s: len({e.family for e in kept if e.split == s}) for s in SPLITS},
             "intents": dict(Counter(e.intent for e in kept)),
             "dropped": dropped}
    (out / "stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False))
    return stats


def load(folder: Path, split: str) -> list[dict]:
    path = Path(folder) / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def check(module: str, per_template: int = 1, seed: int = 0) -> int:
    """Draw ``per_template`` question(s) per template of one intents module and run each plan
    in this process, printing the outcome (for writing intents)."""
    import importlib
    from ..api import Agent
    intents = importlib.import_module(f"{__package__}.intents.{module}").INTENTS
    agent, bad = Agent(tool_timeout=120.0), 0
    for intent in intents:
        for family, template in zip(intent.families(), intent.templates):
            rng = random.Random(_stable(f"{seed}:{family}"))
            for _ in range(per_template):
                d = intent.sample(rng)
                q = template.format(**d.slots)
                answer = agent.run_plan(d.plan, question=q)
                ok = answer.status != "refused" and all(s.ok for s in answer.steps)
                bad += not ok
                print(f"[{answer.status:10}] {family}: {q}\n    -> "
                      f"{str(answer.final.exact or answer.final.value)[:150]}"
                      + ("" if ok else f"\n    !! {answer.reason}"))
    print(f"{bad} failed")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m agent.training.data", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("data/planner"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--scale", type=float, default=SCALE, help="questions per template, relative")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    p.add_argument("--check", metavar="MODULE", help="run one question per template of "
                   "agent/training/intents/MODULE.py and print the outcomes")
    p.add_argument("--per-template", type=int, default=1)
    args = p.parse_args(argv)
    if args.check:
        return check(args.check, args.per_template, args.seed)
    stats = build(args.out, args.seed, args.scale, args.workers)
    print(json.dumps({k: v for k, v in stats.items() if k != "dropped"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
