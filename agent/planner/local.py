"""The in-process planner: a transformers causal LM (by default Gemma 3 270M, converted once
by ``agent.model``), with the project's LoRA adapter merged in when one is installed, and
greedy decoding constrained to the plan's JSON schema by xgrammar (the grammar engine vLLM
uses too). The compiled grammar is cached on disk next to the model, keyed by the schema.
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

from ..model import base_checkpoint, model_cache, resolve_adapter
from . import Planner, cut_off
from .schema import SEPARATORS, compile_plan_grammar, plan_schema


class TransformersPlanner(Planner):
    name = "transformers"

    def __init__(self, settings, registry) -> None:
        super().__init__(settings, registry)
        self._lock = threading.Lock()
        self._loaded = None

    def describe(self) -> str:
        adapter = self._adapter()
        return f"transformers: {self._checkpoint().name}" + (f" + {adapter}" if adapter else "")

    def _checkpoint(self) -> Path:
        return Path(self.settings.model) if self.settings.model else base_checkpoint()

    def _adapter(self) -> Path | None:
        return resolve_adapter(self.settings.adapter)

    def _load(self):
        if self._loaded is None:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
            path = self._checkpoint()
            tokenizer = AutoTokenizer.from_pretrained(path)
            model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
            adapter = self._adapter()
            if adapter is not None:
                from peft import PeftModel
                model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
            model.eval()
            grammar = self._grammar(tokenizer, model.config) if self.settings.constrained else None
            self._loaded = (tokenizer, model, grammar)
        return self._loaded

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

    def complete(self, text: str) -> str:
        import torch
        with self._lock:
            tokenizer, model, grammar = self._load()
            inputs = tokenizer(text, return_tensors="pt")
            processors = []
            if grammar is not None:
                from xgrammar.contrib.hf import LogitsProcessor
                processors.append(LogitsProcessor(grammar))
            options = dict(max_new_tokens=self.settings.max_new_tokens,
                           logits_processor=processors, pad_token_id=tokenizer.pad_token_id)
            if self.settings.temperature > 0:
                options.update(do_sample=True, temperature=self.settings.temperature)
            else:
                options.update(do_sample=False, top_p=None, top_k=None)
            with torch.no_grad():
                out = model.generate(**inputs, **options)
        new = out[0, inputs["input_ids"].shape[1]:]
        if len(new) >= self.settings.max_new_tokens and int(new[-1]) != tokenizer.eos_token_id:
            raise cut_off(self.settings.max_new_tokens)
        return tokenizer.decode(new, skip_special_tokens=True)
