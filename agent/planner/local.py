"""The in-process planner: a transformers causal LM (by default Gemma 3 270M, converted once
by ``agent.model``), with a LoRA adapter merged in, and greedy decoding constrained to the
plan's JSON schema by xgrammar (the grammar engine vLLM uses too). The compiled grammar is
cached on disk next to the model, keyed by the schema.

With ``adapter = "auto"`` (the default) the adapter is the current version of the planner
registry (``agent.training.versions``), and the planner follows it while it runs: before each
plan it looks at the registry's pointer (one ``stat``), and when another version has been
promoted it loads that one (base model + adapter, merged) beside the one serving, without
holding up the plans being made, then swaps it in as one object. A running ``geodesic ui``
thus changes planners between two questions, with no restart and never a half-loaded model;
a version that fails to load is logged and the old one keeps serving.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import base_checkpoint, model_cache, resolve_planner
from ..training.versions import POINTER, PlannerRegistry
from . import Planner, cut_off, examples
from .schema import SEPARATORS, compile_plan_grammar, plan_schema

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Serving:
    """Which planner: a registry version (``version`` '' outside the registry) and its
    adapter folder (None: the base model alone)."""

    version: str
    adapter: Path | None


@dataclass(frozen=True)
class _Loaded:
    serving: Serving
    tokenizer: Any
    model: Any
    grammar: Any


class TransformersPlanner(Planner):
    name = "transformers"

    def __init__(self, settings, registry) -> None:
        super().__init__(settings, registry)
        self.versions = PlannerRegistry(settings.planner_registry or None)
        self._lock = threading.Lock()           # one generation at a time
        self._loading = threading.Lock()        # one load at a time, beside the generation
        self._loaded: _Loaded | None = None
        self._seen: tuple | None = None         # the pointer's stat when last looked at
        self._last: Serving | None = None       # the planner of the last completion
        self._local = threading.local()         # the planner pinned for one ``propose``

    # ------------------------------------------------------------------ which planner
    @property
    def version(self) -> str:
        """The registry version of the last plan (before any, of the next); '' outside it."""
        return self._named().version

    @property
    def tuned(self) -> bool:
        pinned = getattr(self._local, "pinned", None)
        serving = pinned.serving if pinned is not None else self._next()
        return serving.adapter is not None

    def describe(self) -> str:
        """The planner that made the last plan (before any: the one that will make the
        next), e.g. ``transformers: gemma-3-270m + planner v0003``."""
        serving = self._named()
        base = f"transformers: {self._checkpoint().name}"
        if serving.version:
            return base + (f" + planner {serving.version}" if serving.adapter is not None
                           else f", planner {serving.version} (no adapter)")
        return base + (f" + {serving.adapter}" if serving.adapter is not None else "")

    def _named(self) -> Serving:
        return self._last if self._last is not None else self._next()

    def _next(self) -> Serving:
        """The planner the next plan will come from (reading the pointer, loading nothing)."""
        loaded = self._loaded
        if loaded is not None and not self._moved():
            return loaded.serving
        return self._wanted()

    def _wanted(self) -> Serving:
        return Serving(*resolve_planner(self.settings.adapter, self.settings.planner_registry))

    def _stamp(self) -> tuple | None:
        """The pointer file's identity: ``os.replace`` gives every new pointer a new inode."""
        try:
            st = os.stat(self.versions.root / POINTER)
        except FileNotFoundError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _moved(self) -> bool:
        return self.settings.adapter == "auto" and self._stamp() != self._seen

    # ------------------------------------------------------------------ loading
    def _checkpoint(self) -> Path:
        return Path(self.settings.model) if self.settings.model else base_checkpoint()

    def _serving(self) -> _Loaded:
        """The loaded planner, after a switch if another version has been promoted. While
        one thread loads the new version, the others go on with the old one."""
        loaded = self._loaded
        if loaded is not None and not self._moved():
            return loaded
        if loaded is None:
            with self._loading:
                if self._loaded is None:
                    self._refresh()
            return self._loaded
        if not self._loading.acquire(blocking=False):
            return loaded
        try:
            self._refresh()
        finally:
            self._loading.release()
        return self._loaded

    def _refresh(self) -> None:
        stamp = self._stamp()            # taken first: a promotion during the load is seen next
        old = self._loaded
        try:
            wanted = self._wanted()
            if old is None or old.serving != wanted:
                self._loaded = self._load(wanted, old)
        except Exception as err:         # noqa: BLE001 - keep serving the planner we have
            if old is None:
                raise
            log.warning("could not switch the planner to %s (%s: %s); still serving %s",
                        self.versions.root / POINTER, type(err).__name__, err,
                        old.serving.version or old.serving.adapter or "the base model")
        self._seen = stamp

    def _load(self, serving: Serving, old: _Loaded | None) -> _Loaded:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
        path = self._checkpoint()
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
        if serving.adapter is not None:
            from peft import PeftModel
            model = PeftModel.from_pretrained(model, serving.adapter).merge_and_unload()
        model.eval()
        if old is not None:              # same checkpoint: same tokenizer and grammar
            return _Loaded(serving, old.tokenizer, model, old.grammar)
        tokenizer = AutoTokenizer.from_pretrained(path)
        grammar = self._grammar(tokenizer, model.config) if self.settings.constrained else None
        return _Loaded(serving, tokenizer, model, grammar)

    def _grammar(self, tokenizer, config):
        import xgrammar as xgr
        info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=config.vocab_size)
        schema = json.dumps(plan_schema(self.registry))       # key order is the output's
        key = hashlib.sha256((schema + str(SEPARATORS) + str(config.vocab_size)
                              + str(self._checkpoint()))
                             .encode()).hexdigest()[:16]
        cached = model_cache() / "grammars" / f"plan-{key}.json"
        if cached.exists():
            try:
                return xgr.CompiledGrammar.deserialize_json(cached.read_text(), info)
            except Exception:                      # noqa: BLE001 - another version: recompile
                pass
        compiled = compile_plan_grammar(xgr.GrammarCompiler(info), self.registry)
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(".tmp")
        tmp.write_text(compiled.serialize_json())
        tmp.replace(cached)
        return compiled

    def solved_examples(self):
        pinned = getattr(self._local, "pinned", None)
        serving = pinned.serving if pinned is not None else self._next()
        return examples.of_adapter(serving.adapter)

    # ------------------------------------------------------------------ planning
    def propose(self, question: str, **context) -> str:
        # the prompt's form (tuned or not) and the completion come from the same planner
        self._local.pinned = self._serving()
        try:
            return super().propose(question, **context)
        finally:
            self._local.pinned = None

    def complete(self, text: str) -> str:
        import torch
        loaded = getattr(self._local, "pinned", None) or self._serving()
        tokenizer, model, grammar = loaded.tokenizer, loaded.model, loaded.grammar
        with self._lock:
            inputs = tokenizer(text, return_tensors="pt")
            processors = []
            if grammar is not None:
                from xgrammar.contrib.hf import LogitsProcessor
                processors.append(LogitsProcessor(grammar))
            options = dict(max_new_tokens=self.settings.max_new_tokens,
                           logits_processor=processors, pad_token_id=tokenizer.pad_token_id)
            if self.temperature > 0:            # seeded by the prompt: a run replays as it ran
                torch.manual_seed(self.seed(text))
                options.update(do_sample=True, temperature=self.temperature, top_k=None,
                               top_p=None)
            else:
                options.update(do_sample=False, top_p=None, top_k=None)
            with torch.no_grad():
                out = model.generate(**inputs, **options)
            new = out[0, inputs["input_ids"].shape[1]:]
            self._last = loaded.serving
            if (len(new) >= self.settings.max_new_tokens
                    and int(new[-1]) != tokenizer.eos_token_id):
                raise cut_off(self.settings.max_new_tokens)
            return tokenizer.decode(new, skip_special_tokens=True)
