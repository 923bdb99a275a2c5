"""``geodesic train planner``: build the verified data (unless it is there), fine-tune the
LoRA adapter, and write its model card. ``geodesic train reward``: a new version of the reward
model from the feedback store's preference pairs (``agent.training.reward``). ``geodesic
train examples --intents ...``: add those intents' training questions to an adapter's solved
examples, without training (``agent.training.train.add_examples``).

    geodesic train planner                        # data/planner, then agent/adapters/planner
    geodesic train planner --epochs 2 --out /tmp/adapter --data /tmp/planner-data
    geodesic train planner --max-steps 4 --out /tmp/smoke      # a smoke run
    geodesic train reward                         # GEODESIC_HOME/reward/vNNNN
    geodesic train examples --intents derive.horizon_shift
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..model import ADAPTER


def register(sub) -> None:
    """Add ``train`` to the ``geodesic`` command line (entry point ``geodesic.commands``)."""
    p = sub.add_parser("train", help="fine-tune the planner (LoRA on Gemma 3 270M)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("what", choices=["planner", "reward", "examples"])
    add_arguments(p)
    p.set_defaults(func=run)


def add_arguments(p: argparse.ArgumentParser) -> None:
    from .reward import RewardConfig
    from .train import TrainConfig
    d = TrainConfig()
    p.add_argument("--data", type=Path, default=Path("data/planner"),
                   help="folder of train/val/test.jsonl (built first when missing)")
    p.add_argument("--rebuild", action="store_true", help="draw and run the examples again")
    from .data import SCALE
    p.add_argument("--scale", type=float, default=SCALE, help="questions per template, relative")
    p.add_argument("--out", type=Path, default=ADAPTER, help="where the adapter goes")
    p.add_argument("--epochs", type=float, help=f"default: {d.epochs} (planner), "
                   f"{RewardConfig.epochs} (reward)")
    p.add_argument("--lr", type=float, help=f"default: {d.learning_rate} (planner), "
                   f"{RewardConfig.learning_rate} (reward)")
    p.add_argument("--rank", type=int, default=d.rank)
    p.add_argument("--batch-size", type=int, default=d.batch_size)
    p.add_argument("--seed", type=int, default=d.seed)
    p.add_argument("--max-steps", type=int, default=d.max_steps)
    p.add_argument("--resume", type=Path, metavar="WORK", help="go on from the last "
                   "checkpoint of an interrupted run in its work folder")
    p.add_argument("--init", type=Path, metavar="ADAPTER", help="go on training this "
                   "adapter (its rank) instead of a fresh LoRA: new data for a trained planner")
    p.add_argument("--plain-prompt", action="store_true", help="train without the nearest "
                   "solved example in the prompt (and ship no examples.jsonl)")
    p.add_argument("--nearest-example", action="store_true", help="show the nearest solved "
                   "example even when its plan is the answer (not one of the question's shape "
                   "with another plan)")
    p.add_argument("--intents", default="", help="examples: the intents whose training "
                   "questions join the adapter's solved examples (comma-separated)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def run(args) -> int:
    if args.what == "reward":
        return run_reward(args)
    if args.what == "examples":
        return run_examples(args)
    from .card import write_card
    from .data import build
    from .train import TrainConfig, train
    if args.rebuild or not (args.data / "train.jsonl").exists():
        stats = build(args.data, seed=args.seed, scale=args.scale, progress=not args.quiet)
        print(f"data: {stats['kept']} of {stats['drawn']} examples kept "
              f"({stats['splits']})", file=sys.stderr)
    d = TrainConfig()
    config = TrainConfig(epochs=args.epochs or d.epochs, learning_rate=args.lr or d.learning_rate,
                         rank=args.rank,
                         alpha=2 * args.rank, batch_size=args.batch_size, seed=args.seed,
                         max_steps=args.max_steps, solved_examples=not args.plain_prompt,
                         edit_examples=not args.nearest_example,
                         init=str(args.init or ""))
    info = train(args.data, args.out, config, progress=not args.quiet,
                 resume=args.resume)
    write_card(args.out)
    print(json.dumps({k: v for k, v in info.items() if k != "data"}))
    return 0


def run_examples(args) -> int:
    from .card import write_card
    from .train import add_examples
    intents = [i.strip() for i in args.intents.split(",") if i.strip()]
    if not intents:
        print("geodesic train examples: name the intents (--intents a,b)", file=sys.stderr)
        return 2
    try:
        record = add_examples(args.out, args.data, intents)
    except (ValueError, FileNotFoundError) as err:
        print(f"geodesic train examples: {err}", file=sys.stderr)
        return 2
    write_card(args.out)
    print(json.dumps(record))
    return 0


def run_reward(args) -> int:
    from dataclasses import asdict
    from ..config import Settings
    from ..feedback import FeedbackStore
    from .preferences import export
    from .reward import RewardConfig, RewardError, train_reward
    from ..model import resolve_planner
    settings = Settings()
    with FeedbackStore(settings.feedback_path()) as store:
        prefs = export(store)
    _, planner = resolve_planner(settings.adapter, settings.planner_registry)  # the served one
    d = RewardConfig()
    config = RewardConfig(epochs=args.epochs or d.epochs, learning_rate=args.lr or d.learning_rate,
                          seed=args.seed, max_steps=args.max_steps)
    try:
        info = train_reward([asdict(p) for p in prefs.pairs], config=config,
                            progress=not args.quiet, planner=planner)
    except RewardError as err:
        print(f"geodesic train reward: {err}", file=sys.stderr)
        return 2
    print(json.dumps({k: v for k, v in info.items() if k != "config"}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="geodesic train")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["train", *(argv or [])])
    return args.func(args)
