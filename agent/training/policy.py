"""Policy updates of the planner from feedback, with TRL, as LoRA on the current adapter.

* ``dpo`` -- ``DPOTrainer`` on preference pairs (a better and a worse plan for one prompt);
* ``kto`` -- ``KTOTrainer`` on unpaired thumbs up/down (a plan and whether it was good);
* ``grpo`` -- ``GRPOTrainer`` where a GPU is lent: plans sampled for the rated questions
  (through vLLM when it is installed), rewarded by the reward model plus the verifier's
  outcome of actually running the plan.

The current adapter is loaded trainable and TRL keeps a frozen copy of it as the reference
("ref" adapter), so the KL term holds the update near the planner being served, not near the
bare base model. The result is an adapter of the same shape as the SFT one (float16, with
``training.json``): the model registry stores it as a candidate and the eval gate decides.

    info = update_policy(current_adapter, pairs, out, PolicyConfig(method="dpo"))
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from ..model import base_checkpoint
from ..planner.examples import FILE as EXAMPLES
from .train import _to_half, cpu_bf16, hardware, publish

METHODS = ("dpo", "kto", "grpo")


class PolicyError(RuntimeError):
    """An update that cannot run: the method, the data or the hardware; the message says."""


@dataclass
class PolicyConfig:
    method: str = "dpo"
    epochs: float = 1.0
    learning_rate: float = 5e-5
    beta: float = 0.1
    sft_weight: float = 1.0         # dpo: weight of the chosen plan's NLL beside DPO's loss (RPO)
    batch_size: int = 4
    max_length: int = 768
    max_steps: int = -1
    rank: int = 16                  # for a planner without an adapter yet
    seed: int = 0
    generations: int = 4            # grpo: plans sampled per prompt


def _policy(adapter: Path | None, gpu: bool, rank: int):
    """The planner to train: the base model with ``adapter`` loaded trainable (or a fresh
    LoRA when there is none), and its tokenizer."""
    import torch
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer
    checkpoint = base_checkpoint()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModelForCausalLM.from_pretrained(
        checkpoint, dtype=torch.bfloat16 if gpu else torch.float32, attn_implementation="eager")
    if adapter is not None:
        return tokenizer, PeftModel.from_pretrained(model, adapter, is_trainable=True)
    lora = LoraConfig(r=rank, lora_alpha=2 * rank, lora_dropout=0.0,
                      target_modules="all-linear", task_type="CAUSAL_LM")
    return tokenizer, get_peft_model(model, lora)


def update_policy(adapter: Path | None, data: list[dict], out: Path,
                  config: PolicyConfig | None = None, progress: bool = True,
                  rewards: list[Callable] | None = None) -> dict:
    """Train the planner ``adapter`` (None: the base model alone) on ``data`` -- pairs for
    DPO, unpaired rows for KTO, prompts for GRPO -- and save the new adapter into ``out``.
    ``rewards`` are GRPO's reward functions (see :func:`grpo_rewards`)."""
    import torch
    from datasets import Dataset
    from transformers import set_seed

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = config or PolicyConfig()
    if config.method not in METHODS:
        raise PolicyError(f"the method is one of {', '.join(METHODS)}, not {config.method!r}")
    gpu = torch.cuda.is_available()
    if config.method == "grpo" and not gpu and config.max_steps < 0:
        raise PolicyError("GRPO samples several plans per question at every step: it runs "
                          "where a GPU is lent (or with --max-steps for a CPU smoke run)")
    needed = {"dpo": ("prompt", "chosen", "rejected"), "kto": ("prompt", "completion", "label"),
              "grpo": ("prompt",)}[config.method]
    rows = [{k: r[k] for k in needed} for r in data if all(k in r for k in needed)]
    if len(rows) < 2:
        raise PolicyError(f"{config.method} needs at least 2 rows with {', '.join(needed)}; "
                          f"got {len(rows)}")
    if config.method == "kto" and len({r["label"] for r in rows}) < 2:
        raise PolicyError("KTO needs both good and bad examples; the ratings are all one way")
    set_seed(config.seed)
    tokenizer, model = _policy(adapter, gpu, config.rank)
    work = Path(tempfile.mkdtemp(prefix=f"geodesic-{config.method}-"))
    common = dict(output_dir=str(work), num_train_epochs=config.epochs,
                  max_steps=config.max_steps, learning_rate=config.learning_rate,
                  lr_scheduler_type="cosine", warmup_steps=0.1,
                  per_device_train_batch_size=config.batch_size, seed=config.seed,
                  data_seed=config.seed, bf16=gpu or cpu_bf16(), use_cpu=not gpu,
                  gradient_checkpointing=False, logging_steps=5,
                  save_strategy="no", report_to=[], disable_tqdm=not progress,
                  dataloader_num_workers=0)
    dataset = Dataset.from_list(rows)
    if config.method == "dpo":
        from trl import DPOConfig, DPOTrainer
        # DPO alone can lower the chosen plan's likelihood as long as the rejected one falls
        # faster, and a planner drifts off plans it got right; an NLL term on the chosen plan
        # (RPO, Pang et al. 2024) holds them up
        losses = dict(loss_type=["sigmoid", "sft"], loss_weights=[1.0, config.sft_weight]) \
            if config.sft_weight else {}
        trainer = DPOTrainer(model=model, processing_class=tokenizer, train_dataset=dataset,
                             args=DPOConfig(beta=config.beta, max_length=config.max_length,
                                            **losses, **common))
    elif config.method == "kto":
        from trl import KTOConfig, KTOTrainer
        trainer = KTOTrainer(model=model, processing_class=tokenizer, train_dataset=dataset,
                             args=KTOConfig(beta=config.beta, max_length=config.max_length,
                                            **common))
    else:
        from trl import GRPOConfig, GRPOTrainer
        if not rewards:
            raise PolicyError("GRPO needs reward functions (see grpo_rewards)")
        use_vllm = gpu and _has_vllm()
        args = GRPOConfig(beta=config.beta, num_generations=config.generations,
                          max_completion_length=256, use_vllm=use_vllm,
                          vllm_mode="colocate", generation_batch_size=config.generations
                          * max(1, config.batch_size // config.generations),
                          **{**common, "per_device_train_batch_size": max(
                              config.generations, config.batch_size)})
        trainer = GRPOTrainer(model=model, processing_class=tokenizer, train_dataset=dataset,
                              reward_funcs=rewards, args=args)
    start = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - start

    staging = work / "adapter"
    trainer.model.save_pretrained(staging, selected_adapters=["default"])
    _to_half(staging / "adapter_model.safetensors")
    if adapter is not None and (Path(adapter) / EXAMPLES).exists():   # its prompts showed them
        shutil.copy(Path(adapter) / EXAMPLES, staging / EXAMPLES)
    info = {"method": config.method, "parent_adapter": str(adapter) if adapter else None,
            "config": asdict(config), "rows": len(rows), "steps": result.global_step,
            "train_loss": round(result.training_loss, 4), "seconds": round(seconds, 1),
            "hardware": hardware(), "torch": torch.__version__}
    (staging / "training.json").write_text(json.dumps(info, indent=1))
    publish(staging, out, work)
    return info


def _has_vllm() -> bool:
    import importlib.util
    return importlib.util.find_spec("vllm") is not None


def grpo_rewards(reward_model=None, agent=None) -> list[Callable]:
    """GRPO's rewards for sampled plans: the reward model's score, and the verifier's outcome
    of running the plan with the real tools (+1 verified, 0 ran unverified, -1 invalid or
    failed). ``agent`` is an ``Agent`` (its ``run_plan`` never loads a language model)."""
    from ..planner.prompt import question_of
    funcs: list[Callable] = []
    if reward_model is not None:
        def reward_model_score(prompts, completions, **_):
            return reward_model.score(list(prompts), list(completions))
        funcs.append(reward_model_score)
    if agent is not None:
        def verifier(prompts, completions, **_):
            out = []
            for prompt, text in zip(prompts, completions):
                try:
                    plan = json.loads(text)
                    answer = agent.run_plan(plan, question=question_of(prompt))
                except Exception:                       # noqa: BLE001 - a bad plan scores low
                    out.append(-1.0)
                    continue
                failed = answer.status == "refused" or not all(s.ok for s in answer.steps)
                out.append(-1.0 if failed else 1.0 if answer.verified else 0.0)
            return out
        funcs.append(verifier)
    return funcs
