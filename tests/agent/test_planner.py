"""The planner: its prompt, its schema, the worked examples it is shown, and the real base
model (Gemma 3 270M, in-process) under schema-constrained decoding.

The base model is not trained for this: it may pick the wrong quantity or metric. What is
tested of it is what the machinery guarantees: every output is a plan the registry accepts.
"""

import json

import jsonschema
import pytest

from agent import Agent
from agent.config import Settings
from agent.plan import Plan, PlanError, parse_plan
from agent.planner import DRAWS, Planner, make_planner, prompt
from agent.planner.schema import plan_schema
from agent.registry import default_registry

REGISTRY = default_registry()
EXAMPLES = prompt.examples()


def test_every_worked_example_is_a_valid_plan_of_the_schema():
    schema = plan_schema(REGISTRY)
    for example in EXAMPLES:
        for case in (example, example.get("previous")):
            if case:
                jsonschema.validate(case["plan"], schema)
                assert REGISTRY.check(Plan.model_validate(case["plan"])) == [], case["question"]


def test_the_schema_rejects_unknown_tools_and_fields():
    schema = plan_schema(REGISTRY)
    bad = [{"steps": [{"id": "s1", "tool": "magic", "args": {}}], "final": "s1"},
           {"steps": [{"id": "s1", "tool": "curvature",
                       "args": {"metric": "kerr", "quantity": "kretschmann", "x": 1}}],
            "final": "s1"},
           {"steps": [{"id": "s1", "tool": "curvature",
                       "args": {"metric": "kerr", "quantity": "curly"}}], "final": "s1"}]
    for plan in bad:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(plan, schema)


def test_examples_closest_to_the_question_come_last():
    chosen = prompt.closest_examples("Where is the photon sphere of Schwarzschild?", 3)
    assert chosen[-1]["question"].startswith("Radius of the photon sphere")
    assert len(chosen) == 3


def test_prompt_shows_tools_passages_history_and_problems():
    text = prompt.render(
        "now the same for Kerr", REGISTRY,
        passages=[{"title": "Kerr", "section": "Curvature", "text": "K = 48 M^2 ..."}],
        history=[{"question": "Ricci scalar of Schwarzschild",
                  "plan": {"steps": [{"id": "s1", "tool": "curvature", "args": {
                      "metric": "schwarzschild", "quantity": "ricci_scalar"}}],
                      "final": "s1"}}],
        problems=["s1: unknown tool 'curvatur'"], n_examples=2)
    assert "- curvature(metric: string, quantity:" in text
    assert "- Kerr (Curvature): K = 48 M^2" in text
    assert text.index("Ricci scalar of Schwarzschild") > text.index("Question: ")
    assert "unknown tool 'curvatur'" in text
    assert text.endswith("Question: now the same for Kerr\nPlan: \n")


def test_a_replan_sent_back_for_the_same_problems_is_a_new_draw():
    planner = _Draws([GOOD, GOOD, GOOD])
    for attempt in (0, 1, 2):
        planner.propose("d/dx x^2", problems=["the plan answers the question asked: no"],
                        attempt=attempt)
    seeds = [seed for _, seed in planner.drawn]
    assert len(set(seeds)) == 3                  # the same prompt, three samples
    assert all(t == planner.settings.replan_temperature for t, _ in planner.drawn)


@pytest.mark.slow
def test_worked_examples_run_and_verify():
    """The plans shown to the model are right: each runs through the graph and verifies
    (a literature search is quoted, not verified; PINN examples are left to the PDE tests)."""
    with Agent(retrieve_k=0) as agent:
        for example in EXAMPLES:
            if example["plan"]["steps"][0]["args"].get("method") == "pinn":
                continue
            ans = agent.run_plan(example["plan"], question=example["question"])
            if example["plan"]["steps"][0]["tool"] == "search_literature":
                assert ans.status == "unverified" and ans.final.kind == "text"
                assert ans.citations
            else:
                assert ans.verified, (example["question"], ans.text)


class _Draws(Planner):
    """A 'model' that writes the given outputs in turn, recording each draw's temperature
    and seed."""

    def __init__(self, outputs):
        super().__init__(Settings(adapter=""), REGISTRY)
        self.outputs, self.drawn = list(outputs), []

    def complete(self, text):
        self.drawn.append((self.temperature, self.seed(text)))
        return self.outputs.pop(0)


GOOD = json.dumps({"steps": [{"id": "s1", "tool": "differentiate",
                              "args": {"expression": "x^2", "variable": "x"}}], "final": "s1"})
DANGLING = GOOD.replace('"final": "s1"', '"final": "s3"')     # in the schema, yet no plan


def test_a_plan_that_does_not_hold_together_is_drawn_again_with_a_new_seed():
    planner = _Draws([DANGLING, GOOD])
    assert planner.propose("d/dx x^2") == GOOD
    (t0, seed0), (t1, seed1) = planner.drawn
    assert t0 == planner.settings.temperature and t1 == planner.settings.replan_temperature
    assert seed1 == seed0 + 1
    # after DRAWS outputs that are no plan, the last is returned for the graph to refuse
    planner = _Draws([DANGLING] * DRAWS)
    assert planner.propose("d/dx x^2") == DANGLING and len(planner.drawn) == DRAWS
    with pytest.raises(PlanError, match="final names 's3'"):
        parse_plan(planner.last_output)


def test_a_plan_naming_a_metric_the_catalogue_lacks_is_drawn_again():
    made_up = json.dumps({"steps": [{"id": "s1", "tool": "curvature", "args": {
        "metric": "wave", "quantity": "kretschmann"}}], "final": "s1"})
    planner = _Draws([made_up, made_up.replace('"wave"', '"pp_wave"')])
    assert json.loads(planner.propose("Kretschmann scalar of a pp-wave"))["steps"][0][
        "args"]["metric"] == "pp_wave"
    assert len(planner.drawn) == 2


@pytest.mark.slow
def test_base_model_constrained_output_is_always_an_acceptable_plan():
    # the base model may repeat a step up to the schema's MAX_STEPS: room for that
    planner = make_planner(Settings(adapter="none", max_new_tokens=800), REGISTRY)
    assert planner.describe().startswith("transformers: gemma-3-270m")
    for question in ["Kretschmann scalar of Reissner-Nordstrom",
                     "Solve u_t = 0.2 u_xx on 0 < x < 1 with u(x,0) = sin(pi x)",
                     "Is the Goedel universe conformally flat?"]:
        text = planner.propose(question)
        print(f"{question!r} -> {text}")
        # guaranteed by the grammar: JSON of the schema (known tools, typed arguments) ...
        jsonschema.validate(json.loads(text), plan_schema(REGISTRY))
        # ... what the schema cannot say (final names a step, references point back,
        # problem xor spec) is the graph's to check: a clean PlanError or problem list
        try:
            problems = REGISTRY.check(parse_plan(text))
        except PlanError as err:
            problems = [str(err)]
        assert all("unknown tool" not in p and "Field required" not in p for p in problems)


@pytest.mark.slow
def test_a_lora_adapter_is_loaded_and_merged(tmp_path):
    """A freshly initialised LoRA adapter (B = 0) is the identity: merged into the base
    model, the planner must write exactly what the base model writes for the same prompt."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from agent.model import base_checkpoint
    base = AutoModelForCausalLM.from_pretrained(base_checkpoint(), dtype=torch.float32)
    adapter = get_peft_model(base, LoraConfig(r=8, lora_alpha=16, task_type="CAUSAL_LM",
                                              target_modules=["q_proj", "v_proj"]))
    adapter.save_pretrained(tmp_path / "adapter")
    question = "Ricci scalar of the Kerr metric"
    room = 800                          # for a base model that repeats its step
    plain = make_planner(Settings(adapter="none", examples=2, max_new_tokens=room), REGISTRY)
    tuned = make_planner(Settings(adapter=str(tmp_path / "adapter"), examples=2,
                                  max_new_tokens=room), REGISTRY)
    assert tuned.describe().endswith(str(tmp_path / "adapter"))
    assert tuned.tuned and not plain.tuned
    text = prompt.render(question, REGISTRY, n_examples=2)
    assert tuned.complete(text) == plain.complete(text)
