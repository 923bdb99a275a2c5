"""Teaching the planner: verified (question -> plan) examples, LoRA fine-tuning, evaluation.

* ``intents``: what physicists ask, each intent with a plan builder and many phrasings;
* ``data``: draws questions, runs every plan with the real tools, keeps the verified ones
  and splits train / validation / test by phrasing template (family);
* ``train``: TRL supervised fine-tuning of Gemma 3 270M with a PEFT LoRA adapter;
* ``metrics``: plan validity, tool selection and exact match of a planner on a split.
"""
