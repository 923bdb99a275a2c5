"""The planner's training data and fine-tuning: splits by family, no eval question leaks in,
every target plan valid and writable under the constrained decoder, and the committed
adapter planning held-out phrasings."""

from __future__ import annotations

import json
import random

import pytest

from agent.model import project_adapter
from agent.plan import Plan
from agent.planner.prompt import plan_text, render_tuned
from agent.planner.schema import canonical, compile_plan_grammar, untyped_objects
from agent.registry import default_registry
from agent.training.data import (_normal, draw, eval_questions, family_splits, noisy)
from agent.training.intents import all_intents
from agent.training.train import rows


@pytest.fixture(scope="module")
def examples():
    return draw(all_intents(), seed=0, scale=0.3)


def test_every_intent_has_held_out_phrasings_and_the_split_is_stable():
    for intent in all_intents():
        splits = family_splits(intent)
        assert splits == family_splits(intent)
        assert set(splits) == set(intent.families())
        assert "train" in splits.values(), intent.name
        if len(intent.templates) >= 4:
            assert "test" in splits.values(), intent.name


def test_examples_keep_their_family_split_and_no_eval_question_leaks_in(examples):
    held_out = eval_questions()
    assert len(held_out) > 200
    by_family = {}
    for e in examples:
        by_family.setdefault(e.family, set()).add(e.split)
        assert _normal(e.question) not in held_out
    assert all(len(s) == 1 for s in by_family.values())
    assert {"train", "val", "test"} <= {e.split for e in examples}


def test_every_target_plan_is_valid(examples):
    registry = default_registry()
    for e in examples:
        plan = Plan.model_validate(e.plan)
        assert registry.check(plan) == [], (e.question, e.plan)
        assert "{question}" not in json.dumps(e.plan)


@pytest.fixture(scope="module")
def grammar():
    """The tokenizer and the compiled plan grammar, as the constrained decoder uses them."""
    xgr = pytest.importorskip("xgrammar")
    from transformers import AutoTokenizer
    from agent.model import base_checkpoint
    tokenizer = AutoTokenizer.from_pretrained(base_checkpoint())
    info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=262144)
    return tokenizer, compile_plan_grammar(xgr.GrammarCompiler(info), default_registry())


def _accepts(grammar, text: str) -> bool:
    import xgrammar as xgr
    tokenizer, compiled = grammar
    matcher = xgr.GrammarMatcher(compiled)
    ids = tokenizer(text, add_special_tokens=False).input_ids
    return all(matcher.accept_token(t) for t in ids) and \
        matcher.accept_token(tokenizer.eos_token_id) and matcher.is_terminated()


def test_target_plans_are_what_the_constrained_decoder_can_write(examples, grammar):
    """The completions (canonical key order, plain characters) must be accepted token by
    token by the xgrammar grammar of the plan schema, or constrained decoding would fight
    the fine-tuned model."""
    registry = default_registry()
    rng = random.Random(0)
    for e in rng.sample(examples, 60):
        text = plan_text(canonical(e.plan, registry))
        assert _accepts(grammar, text), text


def test_the_grammar_writes_latex_line_elements(grammar):
    """Backslashes and all: a pattern on the metric string (to rule out made-up catalogue
    names) would forbid them, as xgrammar's string patterns admit no backslash."""
    line = "ds^2 = -\\left(1-\\frac{k}{r^2}\\right)dt^2 + \\frac{dr^2}{1-\\frac{k}{r^2}}"
    plan = {"steps": [{"id": "s1", "tool": "curvature",
                       "args": {"metric": line, "quantity": "ricci_scalar"}}], "final": "s1"}
    assert _accepts(grammar, plan_text(plan))


@pytest.mark.parametrize("metric, known", [
    ("pp_wave", True), ("Schwarzschild", True), ("flat", True), ("ds^2 = -dt^2 + t^2 dx^2", True),
    ("-dt^2 + dx^2", True), ("wave", False), ("milne_cylindrical", False),
    ("schwarzschild_flat", False)])
def test_an_unknown_catalogue_name_fails_the_check_with_close_matches(metric, known):
    """Names a tuned planner made up on held-out questions (the catalogue has pp_wave and
    milne, no wave or milne_cylindrical) fail before anything runs, so the planner draws
    again; aliases and line elements pass."""
    plan = {"steps": [{"id": "s1", "tool": "curvature",
                       "args": {"metric": metric, "quantity": "ricci_scalar"}}], "final": "s1"}
    problems = default_registry().check(Plan.model_validate(plan))
    assert (problems == []) is known
    if not known:
        assert "unknown metric" in problems[0] and "close matches" in problems[0]


def test_every_argument_of_the_plan_schema_is_typed():
    """An object of any shape would be written by xgrammar's generic rule, whose separators
    change between its versions (the training targets are compact JSON throughout)."""
    assert untyped_objects(default_registry()) == []


def test_training_rows_are_chat_turns_with_the_plan_as_completion(examples):
    follow_up = next(e for e in examples if e.previous)
    row = rows([follow_up.record()])[0]
    assert row["prompt"].count("<start_of_turn>user\n") == 2
    assert row["prompt"].endswith(f"{follow_up.question}<end_of_turn>\n<start_of_turn>model\n")
    assert json.loads(row["completion"]) == follow_up.plan
    assert render_tuned("q") == "<start_of_turn>user\nq<end_of_turn>\n<start_of_turn>model\n"


def _textbook_shift(plan: dict) -> "sp.Expr":
    """dr_h/dp from the closed-form horizon r_h(p) of the spacetime the plan's f belongs to."""
    import sympy as sp
    from tools.mathparse import parse_expr
    f = parse_expr(plan["steps"][0]["args"]["expression"])
    p = sp.Symbol(plan["steps"][0]["args"]["variable"])
    p0 = parse_expr(plan["steps"][3]["args"]["point"])
    M, l = sp.symbols("M l")                               # as the parser reads them
    names = {s.name for s in f.free_symbols}
    value = lambda name: M if "M" in names else 1          # noqa: E731 - M = 1 substituted
    if p.name == "Lambda":          # r_h = 2M + (8M^3/3) Lambda + O(Lambda^2)
        r_h = 2 * value("M") + sp.Rational(8, 3) * value("M") ** 3 * p
    elif p.name == "Q":             # r_+ = M + sqrt(M^2 - Q^2)
        r_h = 1 + sp.sqrt(1 - p ** 2)
    elif p.name == "a":             # r_+ = M + sqrt(M^2 - a^2)
        r_h = 1 + sp.sqrt(1 - p ** 2)
    elif p.name == "mu":            # r_h = sqrt(mu)
        r_h = sp.sqrt(p)
    else:                           # BTZ: r_h = l sqrt(M)
        ell = 1 if "l" not in names else l
        r_h = ell * sp.sqrt(p)
    return sp.diff(r_h, p).subs(p, p0)


def test_new_derivations_give_the_textbook_values():
    """Omega^2 = M/r^3 from the Christoffel symbols of Schwarzschild (Kepler's law in
    coordinate time), and how a horizon moves with a parameter, against r_h(p) in closed
    form: 8M^3/3 for Schwarzschild-de Sitter in Lambda, -Q/sqrt(M^2 - Q^2) for
    Reissner-Nordstrom, 1/(2 sqrt(mu)) for Tangherlini, l/(2 sqrt(M)) for BTZ."""
    import sympy as sp
    from agent import Agent
    from agent.training.intents.derive import KEPLER, SHIFT
    from tools.mathparse import parse_expr
    rng, kepler, shifts = random.Random(3), None, {}
    while kepler is None or len(shifts) < 5:
        d = KEPLER.sample(rng)
        if d.plan["steps"][0]["args"]["metric"] == "schwarzschild":
            kepler = d.plan
        d = SHIFT.sample(rng)
        shifts.setdefault(d.plan["steps"][0]["args"]["variable"], d.plan)
    with Agent(retrieve_k=0, tool_timeout=120) as agent:
        ans = agent.run_plan(kepler)
        got = parse_expr(str(ans.final.exact or ans.final.value))
        assert ans.verified and sp.simplify(got - parse_expr("M/r^3")) == 0
        for p, plan in shifts.items():
            ans = agent.run_plan(plan)
            got = parse_expr(str(ans.final.exact or ans.final.value))
            want = parse_expr(str(_textbook_shift(plan)))         # the parser's symbols
            assert ans.verified and sp.simplify(got - want) == 0, (p, got, want)


def test_noise_leaves_formulas_alone():
    rng = random.Random(3)
    question = "Ricci scalar of ds^2 = -dt^2 + a(t)^2 (dx^2 + dy^2 + dz^2) please"
    for _ in range(200):
        assert "ds^2 = -dt^2 + a(t)^2 (dx^2 + dy^2 + dz^2)" in noisy(question, rng)


def test_literature_plans_search_with_the_question_as_asked(examples):
    searches = [e for e in examples if e.intent.startswith("literature")]
    assert searches
    for e in searches:
        assert e.plan["steps"][0]["args"]["query"] == e.question


def test_geodesic_train_is_a_command():
    from agent.cli import build_parser
    args = build_parser().parse_args(["train", "planner", "--max-steps", "1"])
    assert args.max_steps == 1 and args.what == "planner"


@pytest.mark.slow
def test_the_committed_adapter_plans_unseen_phrasings():
    """The fine-tuned planner with its short prompt, on questions written for this test
    (not drawn from the generator), must produce exactly the plan a physicist expects."""
    if project_adapter() is None:
        pytest.fail("agent/adapters/planner is missing: run `geodesic train planner`")
    from agent.config import Settings
    from agent.planner import make_planner
    from agent.plan import parse_plan
    planner = make_planner(Settings(), default_registry())
    assert planner.tuned
    cases = {
        "Could you work out the Kretschmann scalar for the Reissner–Nordström geometry?":
            {"metric": "reissner_nordstrom", "quantity": "kretschmann"},
        "is the Schwarzschild solution conformally flat?":
            {"metric": "schwarzschild", "quantity": "conformally_flat"},
    }
    for question, args in cases.items():
        plan = parse_plan(planner.propose(question))
        assert [s.tool for s in plan.steps] == ["curvature"], question
        assert plan.steps[0].args == args, (question, plan)


def test_the_loss_is_the_cross_entropy_the_constrained_decoder_sees():
    """At every plan position the trained distribution is the model's softmax restricted to
    the tokens the grammar allows there (computed here the slow way: the full LM head, masked
    by xgrammar's bitmask), so the cheap index built by ``encode``/``collate`` must give the
    same loss; and positions with a single allowed token contribute nothing."""
    torch = pytest.importorskip("torch")
    xgr = pytest.importorskip("xgrammar")
    import numpy as np
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from agent.model import base_checkpoint
    from agent.training.train import collate, constrained_loss, encode, plan_grammar
    tokenizer = AutoTokenizer.from_pretrained(base_checkpoint())
    model = AutoModelForCausalLM.from_pretrained(base_checkpoint(), dtype=torch.float32).eval()
    grammar = plan_grammar(tokenizer, model.config.vocab_size)
    examples = draw(all_intents(), seed=1, scale=0.1)
    chosen = [e.record() for e in random.Random(2).sample(examples, 3)]
    encoded = [encode(r, tokenizer, grammar) for r in rows(chosen)]
    for e in encoded:
        plan = [t for t in e["labels"] if t != -100]
        assert len(e["allowed"]) == len(plan)
        assert all(not a or t in a for a, t in zip(e["allowed"], plan))
    with torch.no_grad():
        fast = constrained_loss(model, collate(tokenizer.pad_token_id)(encoded))
        slow = 0.0
        vocab = model.config.vocab_size
        for e in encoded:
            ids = torch.tensor([e["input_ids"]])
            logits = model(input_ids=ids).logits[0, :-1]
            matcher = xgr.GrammarMatcher(grammar)
            mask = xgr.allocate_token_bitmask(1, vocab)
            for pos, target in enumerate(e["labels"][1:]):
                if target == -100:
                    continue
                matcher.fill_next_token_bitmask(mask)
                bits = np.unpackbits(mask.numpy().view(np.uint8), bitorder="little")[:vocab]
                row = logits[pos].clone()
                if bits.sum() <= 256:
                    row[torch.from_numpy(bits == 0)] = float("-inf")
                slow += float(torch.logsumexp(row, 0) - row[target])
                assert matcher.accept_token(target)
    assert float(fast) == pytest.approx(slow, rel=1e-4)


def test_training_goes_on_from_an_adapter_and_the_card_says_so(tmp_path):
    """``--init``: two steps of the SFT run (the first is warm-up, at rate 0) from a committed adapter keeps its rank and layers,
    moves its weights, and the card names where it started and how to reproduce it."""
    torch = pytest.importorskip("torch")
    from pathlib import Path
    from safetensors.torch import load_file
    from agent.training.cli import main
    start = Path(__file__).resolve().parents[1] / "fixtures" / "planner-start"
    data = tmp_path / "data"
    data.mkdir()
    chosen = random.Random(3).sample(draw(all_intents(), seed=0, scale=0.1), 8)
    (data / "train.jsonl").write_text("".join(json.dumps(e.record()) + "\n" for e in chosen))
    out = tmp_path / "adapter"
    assert main(["planner", "--data", str(data), "--out", str(out), "--init", str(start), "--max-steps", "2",
                 "--lr", "0.01", "--quiet"]) == 0
    before = load_file(start / "adapter_model.safetensors")
    after = load_file(out / "adapter_model.safetensors")
    assert sorted(before) == sorted(after)
    assert all(before[k].shape == after[k].shape for k in before)
    moved = [k for k in before if not torch.equal(before[k].float(), after[k].float())]
    assert moved and all("lora_" in k for k in moved)
    info = json.loads((out / "training.json").read_text())
    assert info["init"].startswith(str(start)) and info["steps"] == 2
    card = (out / "README.md").read_text()
    assert "| started from | " + str(start) in card
    assert f"--init {start}" in card
    # and how the starting adapter was trained itself (its own training.json)
    assert info["init_training"].startswith("1.379 epochs; 200 steps at lr 0.001; 1156 ")
    assert "| which was trained | 1.379 epochs" in card


def test_an_intent_added_after_training_joins_the_solved_examples_without_training(tmp_path):
    """``geodesic train examples``: an intent's training questions join the adapter's solved
    examples (once each), the weights and the other examples untouched, and the card says so."""
    from agent.training.card import write_card
    from agent.training.train import add_examples
    plan = {"steps": [{"id": "s1", "tool": "curvature",
                       "args": {"metric": "schwarzschild", "quantity": "kretschmann"}}],
            "final": "s1"}
    adapter, data = tmp_path / "adapter", tmp_path / "data"
    adapter.mkdir()
    data.mkdir()
    old = {"family": "old#0", "question": "Kretschmann of Schwarzschild?", "plan": plan}
    (adapter / "examples.jsonl").write_text(json.dumps(old) + "\n")
    (adapter / "training.json").write_text(json.dumps({
        "config": {"epochs": 2.0, "learning_rate": 1e-3, "rank": 16, "alpha": 32,
                   "batch_size": 8, "seed": 0, "max_steps": -1, "solved_examples": True},
        "train_examples": 1, "steps": 1, "train_loss": 0.1, "seconds": 60.0,
        "train_tokens_per_second": 1.0, "hardware": "CPU", "torch": "2"}))
    train = [{"id": f"{i}/0", "intent": intent, "family": f"{intent}#0", "split": "train",
              "question": f"question {i}", "plan": plan}
             for i, intent in enumerate(["new.intent", "other.intent", "new.intent"])]
    (data / "train.jsonl").write_text("".join(json.dumps(e) + "\n" for e in train))
    record = add_examples(adapter, data, ["new.intent"])
    rows = [json.loads(line) for line in (adapter / "examples.jsonl").read_text().splitlines()]
    assert rows[0] == old
    assert [r["question"] for r in rows[1:]] == ["question 0", "question 2"]
    assert record["questions"] == 2 and record["intents"] == ["new.intent"]
    assert add_examples(adapter, data, ["new.intent"])["questions"] == 2      # once each
    with pytest.raises(ValueError, match="no.such"):
        add_examples(adapter, data, ["no.such"])
    assert "`new.intent`" in write_card(adapter).read_text()
