"""RLHF rounds of the planner, gated by the evals: ``geodesic rlhf``.

One round (``geodesic rlhf run``):

1. export the feedback store into preference data (pairs from ratings, corrections and the
   verifier; unpaired thumbs up/down), from every rating so far, and add counterfactual
   pairs: slips of the plans rated good whose answers the tools show to differ
   (``evals.counterfactual``);
2. train a reward model on the pairs (a new version under ``GEODESIC_HOME/reward``) and report
   its held-out pair accuracy;
3. update the current planner adapter: DPO on the pairs (slips at most as many as the
   people's pairs), KTO on unpaired ratings when there are too few pairs, GRPO (reward
   model + verifier) when asked for, on a GPU;
4. the candidate goes into the model registry and through the **gate**: the current version
   and the candidate run the same held-out eval tasks; the candidate is promoted only if its
   accuracy is not lower and it gives no more verified-and-wrong answers than the current one
   (which, for any version that passed this gate from a clean start, is zero). Otherwise it is
   refused and the current planner keeps serving.

``geodesic rlhf schedule`` runs a round whenever at least ``--min-ratings`` new ratings have
arrived or ``--every-hours`` have passed since the last round. Rounds take the registry's lock,
read the store through SQLite's WAL (a running server keeps writing) and switch the served
planner by the registry's atomic pointer, which ``geodesic ui`` picks up between questions.

    geodesic rlhf run --gate-tasks gr --gate-sample 24
    geodesic rlhf schedule --min-ratings 50 --every-hours 24
    geodesic rlhf versions | promote v0003 | rollback
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from agent.config import Settings

from .runner import run_eval
from .tasks import Task, load_tasks


# ---------------------------------------------------------------------- the gate
@dataclass
class Decision:
    promote: bool
    reason: str
    current: dict
    candidate: dict


def eval_key(tasks: list[Task]) -> str:
    """A name for an eval set: the same tasks give the same key, so figures can be reused."""
    return "eval-" + hashlib.sha256(",".join(sorted(t.id for t in tasks)).encode()
                                    ).hexdigest()[:12]


def summary(report: dict) -> dict:
    """The gate's figures from an eval report."""
    return {"n_tasks": report["n_tasks"], "accuracy": report["accuracy"],
            "n_correct": report["n_correct"], "verified_wrong": report["verified_wrong"],
            "errors": report["n_errors"],
            "correct_ids": sorted(t["id"] for t in report.get("tasks", []) if t.get("correct")),
            "suites": {s: {"n": v["n"], "accuracy": v["accuracy"],
                           "verified_wrong": v["verified_wrong"]}
                       for s, v in report.get("suites", {}).items()}}


def evaluate(registry, version_id: str, tasks: list[Task], workers: int = 1,
             time_limit: float = 300.0, progress: bool = True,
             against: dict | None = None) -> dict:
    """The figures of a registered planner version on ``tasks`` (computed once per eval set
    and stored with the version). With ``against``, the current version's figures on the same
    tasks, the run stops as soon as the version cannot match them: more wrong answers, or more
    verified-and-wrong ones, than the current version gives in all. Its figures then say where
    it stopped (``stopped``, ``n_run``) and the best accuracy it could still have reached."""
    key = eval_key(tasks)
    version = registry.get(version_id)
    known = (version.metrics or {}).get(key)
    if known and not known.get("stopped"):
        return known
    adapter = "none" if version.path is None else str(version.path)
    out = Path(registry.root) / "evals" / f"{version_id}-{key}"
    report = run_eval(tasks, out, mode="planner", workers=workers, time_limit=time_limit,
                      settings={"planner": "transformers", "adapter": adapter},
                      label=f"planner {version_id}", progress=progress,
                      stop=None if against is None else cannot_match(against, len(tasks)))
    figures = summary(report)
    if report.get("stopped"):
        run, n = figures["n_tasks"], len(tasks)
        figures.update(n_tasks=n, n_run=run, stopped=report["stopped"],
                       accuracy=round((figures["n_correct"] + n - run) / n, 4),
                       run_ids=sorted(t["id"] for t in report["tasks"]))
    registry.set_metrics(version_id, key, figures)
    return figures


def cannot_match(current: dict, n: int):
    """A stop rule for a candidate's eval run on ``n`` tasks: a reason once its results so far
    already give more wrong, or more verified-and-wrong, answers than ``current`` in all."""
    allowed = current["n_tasks"] - current["n_correct"]

    def stop(results: list[dict]) -> str | None:
        wrong = sum(not r.get("correct") for r in results)
        lies = sum(bool(r.get("verified")) and not r.get("correct") for r in results)
        if lies > current["verified_wrong"]:
            return (f"{lies} verified-and-wrong after {len(results)} of {n} tasks, where the "
                    f"current planner gives {current['verified_wrong']}")
        if wrong > allowed:
            return (f"{wrong} wrong after {len(results)} of {n} tasks, where the current "
                    f"planner gets {allowed} wrong in all")
        return None
    return stop


def decide(current: dict, candidate: dict) -> Decision:
    """Promote only when accuracy does not drop and verified-and-wrong does not rise. The
    reason names the tasks the candidate newly gets right and those it newly gets wrong (of
    those it ran, when its run stopped early)."""
    was, now = set(current.get("correct_ids", ())), set(candidate.get("correct_ids", ()))
    if "run_ids" in candidate:
        was &= set(candidate["run_ids"])
    changed = "".join(f"; {what}: {', '.join(sorted(ids))}" for what, ids in
                      (("gained", now - was), ("lost", was - now)) if ids)
    decision = _decide(current, candidate)
    decision.reason += changed
    return decision


def _decide(current: dict, candidate: dict) -> Decision:
    if candidate["verified_wrong"] > current["verified_wrong"]:
        return Decision(False, f"verified-and-wrong rose from {current['verified_wrong']} to "
                               f"{candidate['verified_wrong']}", current, candidate)
    if candidate["accuracy"] < current["accuracy"]:
        bound = "at most " if candidate.get("stopped") else ""
        return Decision(False, f"accuracy dropped from {current['accuracy']:.3f} to {bound}"
                               f"{candidate['accuracy']:.3f}", current, candidate)
    return Decision(True, f"accuracy {current['accuracy']:.3f} -> {candidate['accuracy']:.3f}, "
                          f"verified-and-wrong {current['verified_wrong']} -> "
                          f"{candidate['verified_wrong']}", current, candidate)


def gate(registry, candidate_id: str, tasks: list[Task], workers: int = 1,
         time_limit: float = 300.0, progress: bool = True) -> Decision:
    """Evaluate the current version and ``candidate_id`` on ``tasks``; promote or refuse. The
    candidate's run stops once it cannot match the current version: refused without the
    rest of the tasks (a broken planner is slow as well as wrong)."""
    current = registry.current()
    if current is None:
        raise RuntimeError("the registry has no current planner to compare with")
    before = evaluate(registry, current.id, tasks, workers, time_limit, progress)
    after = evaluate(registry, candidate_id, tasks, workers, time_limit, progress,
                     against=before)
    decision = decide(before, after)
    if after.get("stopped"):
        decision.reason += f" (stopped early: {after['stopped']})"
    reason = f"gate on {len(tasks)} tasks ({eval_key(tasks)}): {decision.reason}"
    if decision.promote:
        registry.promote(candidate_id, reason=reason)
    else:
        registry.refuse(candidate_id, reason=reason)
    decision.reason = reason
    return decision


# ---------------------------------------------------------------------- one round
@dataclass
class RoundConfig:
    method: str = "auto"             # auto: dpo with pairs, else kto; or dpo, kto, grpo
    min_pairs: int = 8
    gate_tasks: str = "gr,hybrid,pde"
    gate_sample: int = 24
    gate_ids: list[str] = field(default_factory=list)
    workers: int = 1
    time_limit: float = 300.0
    reward: bool = True
    epochs: float = 1.0
    learning_rate: float = 5e-5
    max_steps: int = -1
    sft_weight: float = 1.0          # dpo: the chosen plan's NLL beside DPO's loss (RPO)
    reward_layers: int = 6
    reward_epochs: float = 3.0
    counterfactual: int = 3          # slips tried per plan rated good (0: none)
    slip_share: float = 1.0          # dpo: slip pairs at most this many times the rated pairs


def gate_tasks(config: RoundConfig) -> list[Task]:
    tasks = load_tasks(config.gate_tasks)
    if config.gate_ids:
        wanted = set(config.gate_ids)
        tasks = [t for t in tasks if t.id in wanted]
        missing = wanted - {t.id for t in tasks}
        if missing:
            raise ValueError(f"no such gate task(s): {', '.join(sorted(missing))}")
    elif config.gate_sample:
        from .cli import sample
        tasks = sample(tasks, config.gate_sample)
    return tasks


def last_round(registry) -> dict | None:
    path = Path(registry.root) / "rounds.jsonl"
    if not path.exists():
        return None
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def run_round(settings: Settings | None = None, config: RoundConfig | None = None,
              progress: bool = True) -> dict:
    """One round: export, reward model, policy update, gate. Returns the round's record
    (also appended to ``rounds.jsonl`` in the registry)."""
    from agent.feedback import FeedbackStore
    from agent.planner.examples import of_adapter
    from agent.training.policy import PolicyConfig, update_policy
    from agent.training.preferences import export
    from agent.training.reward import RewardConfig, RewardError, train_reward
    from agent.training.versions import PlannerRegistry

    settings = settings or Settings()
    config = config or RoundConfig()
    registry = PlannerRegistry(settings.planner_registry or None)
    record: dict[str, Any] = {"started": _now(), "config": asdict(config)}
    with registry.lock():
        current = registry.current() or registry.bootstrap()
        previous = last_round(registry)
        store = FeedbackStore(settings.feedback_path())
        examples = of_adapter(current.path)        # the prompt form the planner knows
        try:                    # every rating so far: the data only grows, rounds refine
            prefs = export(store, examples=examples)
            record["last_rating"] = store.last_rating_id()
            record["new_ratings"] = store.count_ratings(
                after_id=previous["last_rating"] if previous else 0)
        finally:
            store.close()
        rated = [asdict(p) for p in prefs.pairs]
        unpaired = [asdict(u) for u in prefs.unpaired]
        slips = [asdict(p) for p in _counterfactual(settings, config, progress, examples)
                 ] if config.counterfactual and rated else []
        pairs = rated + slips                       # the reward model learns from all
        policy_pairs = rated + _at_most(slips, int(config.slip_share * len(rated)))
        record.update(current=current.id, pairs=len(pairs), policy_pairs=len(policy_pairs),
                      unpaired=len(unpaired),
                      sources={**prefs.counts, "pairs from counterfactual slips": len(slips)})
        if config.reward and len(pairs) >= config.min_pairs:
            try:
                info = train_reward(pairs, config=RewardConfig(layers=config.reward_layers,
                                                               epochs=config.reward_epochs),
                                    progress=progress, planner=current.path)
                record["reward"] = {k: info[k] for k in (
                    "path", "held_out_accuracy", "prior_held_out_accuracy",
                    "held_out_rated_accuracy", "train_accuracy", "held_out_pairs",
                    "held_out_rated_pairs", "train_pairs")}
            except RewardError as err:
                record["reward"] = {"skipped": str(err)}
        method = config.method
        if method == "auto":
            method = "dpo" if len(pairs) >= config.min_pairs else "kto"
        data = {"dpo": policy_pairs, "kto": unpaired,
                "grpo": [{"prompt": p} for p in dict.fromkeys(r["prompt"] for r in pairs)]
                }[method]
        if len(data) < config.min_pairs:
            record.update(outcome="skipped", reason=f"{len(data)} rows for {method}; a round "
                          f"needs at least {config.min_pairs}")
            _append(registry, record)
            return record
        rewards = None
        if method == "grpo":
            rewards = _grpo_rewards(settings, record)
        staging = Path(registry.root) / "staging" / f"{method}-{int(time.time())}"
        info = update_policy(current.path, data, staging,
                             PolicyConfig(method=method, epochs=config.epochs,
                                          learning_rate=config.learning_rate,
                                          max_steps=config.max_steps,
                                          sft_weight=config.sft_weight),
                             progress=progress, rewards=rewards)
        candidate = registry.add(staging, kind=method, parent=current.id,
                                 info={**info, "pairs": len(pairs),
                                       "policy_pairs": len(policy_pairs),
                                       "unpaired": len(unpaired), "sources": prefs.counts})
        _remove(staging)
        decision = gate(registry, candidate.id, gate_tasks(config), config.workers,
                        config.time_limit, progress)
        record.update(candidate=candidate.id, method=method,
                      outcome="promoted" if decision.promote else "refused",
                      reason=decision.reason, before=decision.current,
                      after=decision.candidate, finished=_now())
        _append(registry, record)
        return record


def _at_most(slips: list[dict], n: int, seed: int = 0) -> list[dict]:
    """``slips``, or a seeded sample of ``n`` of them. The people's pairs stay at least half
    of what the policy update learns from: with slips outnumbering them (220 to 126 in the
    round test) 20 DPO steps traded two plans the planner had right for the two it mended."""
    return slips if len(slips) <= n else random.Random(seed).sample(slips, n)


def _counterfactual(settings: Settings, config: RoundConfig, progress: bool,
                    examples=None) -> list:
    """Slips of the plans people rated good, run in an agent with a scratch store."""
    import tempfile
    from agent.api import Agent
    from agent.feedback import FeedbackStore
    from .counterfactual import counterfactual_pairs
    with tempfile.TemporaryDirectory(prefix="geodesic-slips-") as scratch:
        local = settings.model_copy(update={"feedback": f"{scratch}/f.sqlite",
                                            "checkpoints": f"{scratch}/c.sqlite",
                                            "retrieve_k": 0})
        with Agent(local) as agent, FeedbackStore(settings.feedback_path()) as store:
            return counterfactual_pairs(store, agent, per_plan=config.counterfactual,
                                        progress=progress, examples=examples)


def _grpo_rewards(settings: Settings, record: dict):
    from agent.api import Agent
    from agent.training.policy import grpo_rewards
    from agent.training.reward import RewardModel
    model = RewardModel.load(Path(record["reward"]["path"])) if "path" in record.get(
        "reward", {}) else None
    return grpo_rewards(model, Agent(settings))


def _append(registry, record: dict) -> None:
    path = Path(registry.root) / "rounds.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as f:
        f.write(json.dumps(record) + "\n")


def _remove(path: Path) -> None:
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def due(registry, store, min_ratings: int, every_hours: float) -> str | None:
    """Why a round is due now (enough new ratings, or time), else None."""
    previous = last_round(registry)
    after = previous["last_rating"] if previous else 0
    new = store.count_ratings(after_id=after)
    if new >= min_ratings:
        return f"{new} new ratings (at least {min_ratings})"
    if previous and new and every_hours > 0:
        started = datetime.fromisoformat(previous["started"])
        hours = (datetime.now(timezone.utc) - started).total_seconds() / 3600
        if hours >= every_hours:
            return f"{hours:.1f} h since the last round, {new} new ratings"
    return None


# ---------------------------------------------------------------------- the command line
def register(sub) -> None:
    """Add ``rlhf`` to the ``geodesic`` command line (entry point ``geodesic.commands``)."""
    p = sub.add_parser("rlhf", help="learn from ratings: reward model, DPO/KTO/GRPO, eval gate",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="action", required=True)
    for name in ("run", "schedule"):
        a = actions.add_parser(name)
        d = RoundConfig()
        a.add_argument("--method", choices=["auto", "dpo", "kto", "grpo"], default=d.method)
        a.add_argument("--min-pairs", type=int, default=d.min_pairs)
        a.add_argument("--gate-tasks", default=d.gate_tasks)
        a.add_argument("--gate-sample", type=int, default=d.gate_sample)
        a.add_argument("--gate-ids", default="", help="comma-separated task ids")
        a.add_argument("--workers", type=int, default=d.workers)
        a.add_argument("--epochs", type=float, default=d.epochs)
        a.add_argument("--lr", type=float, default=d.learning_rate)
        a.add_argument("--max-steps", type=int, default=d.max_steps)
        a.add_argument("--sft-weight", type=float, default=d.sft_weight,
                       help="DPO: weight of the chosen plan's NLL (0: plain DPO)")
        a.add_argument("--no-reward", action="store_true", help="skip the reward model")
        a.add_argument("--counterfactual", type=int, default=d.counterfactual,
                       help="slips tried per plan rated good (0: none)")
        a.add_argument("--slip-share", type=float, default=d.slip_share,
                       help="DPO: slip pairs at most this many times the people's pairs")
        a.add_argument("--quiet", action="store_true")
        if name == "schedule":
            a.add_argument("--min-ratings", type=int, default=50)
            a.add_argument("--every-hours", type=float, default=24.0)
            a.add_argument("--poll", type=float, default=300.0, help="seconds between looks")
            a.add_argument("--once", action="store_true", help="look once, then exit")
    actions.add_parser("versions")
    a = actions.add_parser("promote")
    a.add_argument("version")
    actions.add_parser("rollback")
    actions.add_parser("rounds")
    p.set_defaults(func=main)


def _config(args) -> RoundConfig:
    return RoundConfig(method=args.method, min_pairs=args.min_pairs, gate_tasks=args.gate_tasks,
                       gate_sample=args.gate_sample,
                       gate_ids=[i for i in args.gate_ids.split(",") if i],
                       workers=args.workers, epochs=args.epochs, learning_rate=args.lr,
                       max_steps=args.max_steps, sft_weight=args.sft_weight,
                       reward=not args.no_reward,
                       counterfactual=args.counterfactual, slip_share=args.slip_share)


def main(args) -> int:
    from agent.training.versions import PlannerRegistry
    settings = Settings()
    registry = PlannerRegistry(settings.planner_registry or None)
    try:
        if args.action == "run":
            print(json.dumps(run_round(settings, _config(args), progress=not args.quiet)))
        elif args.action == "schedule":
            return _schedule(settings, registry, args)
        elif args.action == "versions":
            current = registry.current()
            for v in registry.versions():
                mark = "*" if current and v.id == current.id else " "
                figures = "; ".join(f"{k}: acc {m['accuracy']:.3f}, vw {m['verified_wrong']}"
                                    for k, m in (v.metrics or {}).items())
                print(f"{mark} {v.id} {v.kind:6s} {v.status:9s} parent={v.parent or '-':6s} "
                      f"{v.created} {figures}")
        elif args.action == "promote":
            print(registry.promote(args.version, reason="by hand").id)
        elif args.action == "rollback":
            print(registry.rollback(reason="by hand").id)
        elif args.action == "rounds":
            path = Path(registry.root) / "rounds.jsonl"
            print(path.read_text() if path.exists() else "", end="")
    except (ValueError, KeyError, LookupError, RuntimeError, TimeoutError) as err:
        print(f"geodesic rlhf: {err}", file=sys.stderr)
        return 2
    return 0


def _schedule(settings: Settings, registry, args) -> int:
    from agent.feedback import FeedbackStore
    while True:
        store = FeedbackStore(settings.feedback_path())
        try:
            why = due(registry, store, args.min_ratings, args.every_hours)
        finally:
            store.close()
        if why:
            print(f"round due: {why}", file=sys.stderr)
            print(json.dumps(run_round(settings, _config(args), progress=not args.quiet)),
                  flush=True)
        if args.once:
            return 0
        time.sleep(args.poll)
