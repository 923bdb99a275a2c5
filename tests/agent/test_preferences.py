"""Preference data from the feedback store: pairs from ratings, from corrections written as
plans and from the verifier (replans included), unpaired ratings for KTO, prompts in the
fine-tuned planner's form with the thread's previous turn. Answers come from the real graph
and tools; the plans are a physicist's (right: the Schwarzschild Kretschmann scalar is
48 M^2/r^6, its Ricci scalar 0)."""

import json

import pytest

from agent import Agent
from agent.planner.prompt import plan_text, render_tuned
from agent.training.preferences import MAX_PAIRS, export

from .test_agent import plan, scripted

KRETSCHMANN = plan(("curvature", {"metric": "schwarzschild", "quantity": "kretschmann"}))
RICCI = plan(("curvature", {"metric": "schwarzschild", "quantity": "ricci_scalar"}))
Q = "Kretschmann scalar of the Schwarzschild metric?"


@pytest.fixture
def agent(tmp_path):
    with Agent(checkpoints=str(tmp_path / "c.sqlite"), feedback=str(tmp_path / "f.sqlite"),
               retrieve_k=0, tool_timeout=120) as agent:
        yield agent


def test_ratings_and_corrections_become_pairs_for_the_same_prompt(agent):
    good = agent.run_plan(KRETSCHMANN, question=Q, thread_id="a")
    bad = agent.run_plan(RICCI, question=Q, thread_id="b")
    assert good.final.value == "48*M**2/r**6" and bad.final.value == 0
    assert good.verified and not bad.verified      # the slip is seen not to answer it
    assert "asks for the Kretschmann scalar" in bad.reason
    agent.rate(good.trace_id, +1)
    agent.rate(bad.trace_id, -1, correction=json.dumps(KRETSCHMANN))
    prefs = export(agent.feedback)
    # the rating pair is the correction's pair again: kept once, under the stronger source
    assert [(p.source, p.prompt, p.chosen, p.rejected) for p in prefs.pairs] == [
        ("correction", render_tuned(Q), plan_text(KRETSCHMANN), plan_text(RICCI))]
    assert sorted((u.label, u.source) for u in prefs.unpaired) == [
        (False, "rating"), (True, "correction"), (True, "rating")]
    assert prefs.counts["pairs from correction"] == 1 and prefs.counts["ratings"] == 2


def test_the_latest_rating_counts_and_words_are_not_plans(agent):
    first = agent.run_plan(KRETSCHMANN, question=Q)
    second = agent.run_plan(RICCI, question=Q)
    agent.rate(first.trace_id, -1)
    agent.rate(first.trace_id, +1)                   # changed their mind
    agent.rate(second.trace_id, -1, correction="it is 48 M^2/r^6, not the Ricci scalar")
    prefs = export(agent.feedback)
    assert [(p.source, p.chosen) for p in prefs.pairs] == [("rating", plan_text(KRETSCHMANN))]
    assert prefs.counts["corrections in words"] == 1


def test_a_replan_after_a_failure_is_a_verifier_pair(agent):
    failing = plan(("curvature", {"metric": "schwarzschild", "quantity": "kretschmann",
                                  "component": "x,y"}))
    scripted(agent, failing, KRETSCHMANN)
    answer = agent.ask(Q)
    assert answer.verified and answer.final.value == "48*M**2/r**6"
    assert len(answer.tried) == 1 and answer.tried[0]["problems"]
    prefs = export(agent.feedback)
    assert [(p.source, p.chosen, p.rejected) for p in prefs.pairs] == [
        ("verifier", plan_text(KRETSCHMANN), plan_text(failing))]
    assert prefs.unpaired == []                      # nobody rated it


def test_a_verified_answer_rated_down_is_never_the_better_plan(agent):
    vague = "Which curvature invariant of Schwarzschild should I look at?"   # names none
    wrong = agent.run_plan(RICCI, question=vague)
    broken = agent.run_plan(plan(("curvature", {"metric": "schwarzschild",
                                                "quantity": "kretschmann", "component": "x"})),
                            question=vague)
    assert wrong.verified and broken.status != "verified"
    assert len(export(agent.feedback).pairs) == 1    # verified beats failed, unrated
    agent.rate(wrong.trace_id, -1)
    assert export(agent.feedback).pairs == []


def test_a_follow_up_prompt_carries_the_previous_turn(agent):
    agent.run_plan(KRETSCHMANN, question=Q, thread_id="t")
    rn = plan(("curvature", {"metric": "reissner_nordstrom", "quantity": "kretschmann"}))
    follow = agent.run_plan(rn, question="now the same for Reissner-Nordstrom", thread_id="t")
    agent.rate(follow.trace_id, +1)
    prefs = export(agent.feedback)
    (row,) = prefs.unpaired
    assert row.prompt == render_tuned("now the same for Reissner-Nordstrom",
                                      history=[{"question": Q, "plan": KRETSCHMANN}])
    assert row.prompt.count("<start_of_turn>user") == 2 and row.completion == plan_text(rn)


def test_one_question_gives_at_most_a_few_pairs(agent):
    good = agent.run_plan(KRETSCHMANN, question=Q)
    agent.rate(good.trace_id, +1)
    for quantity in ("ricci_scalar", "ricci_squared", "weyl_squared", "ricci_flat", "flat",
                     "conformally_flat", "einstein_space", "ricci"):
        slip = agent.run_plan(plan(("curvature", {"metric": "schwarzschild",
                                                  "quantity": quantity})), question=Q)
        agent.rate(slip.trace_id, -1)
    assert len(export(agent.feedback).pairs) == MAX_PAIRS
