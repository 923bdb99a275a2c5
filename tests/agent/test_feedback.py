"""The feedback store: every answer recorded, ratings kept with the answer's whole trace,
clear errors, WAL, many threads at once; and the agent's side (``Agent.rate``)."""

import json
import sqlite3
import threading

import pytest

from agent import Agent
from agent.answer import Answer, Final
from agent.config import Settings
from agent.feedback import FeedbackError, FeedbackStore, UnknownTrace

from .test_agent import plan, scripted


def answer(trace: str, thread: str = "t1", question: str = "Kretschmann scalar of Kerr",
           verified: bool = True) -> Answer:
    return Answer(question=question, final=Final(kind="expr", value="48*M**2/r**6"),
                  verified=verified, status="verified" if verified else "unverified",
                  plan=plan(("curvature", {"metric": "schwarzschild",
                                           "quantity": "kretschmann"})),
                  trace_id=trace, thread_id=thread)


@pytest.fixture
def store(tmp_path):
    with FeedbackStore(tmp_path / "feedback.sqlite") as store:
        yield store


def test_a_rating_keeps_what_training_needs(store):
    store.record(answer("a" * 32), planner="transformers: gemma-3-270m + planner",
                 planner_output='{"steps":[...]}')
    row = store.rate("a" * 32, -1, correction="  the Schwarzschild value, not Kerr  ")
    assert (row.trace_id, row.thread_id, row.rating) == ("a" * 32, "t1", -1)
    assert row.question == "Kretschmann scalar of Kerr"
    assert row.correction == "the Schwarzschild value, not Kerr"
    assert row.planner == "transformers: gemma-3-270m + planner"
    assert row.trace["plan"]["steps"][0]["tool"] == "curvature"
    assert row.trace["final"]["value"] == "48*M**2/r**6" and row.trace["verified"] is True
    assert row.trace["planner_output"] == '{"steps":[...]}' and "checks" in row.trace
    assert row.created.endswith("+00:00")
    again = store.rate("a" * 32, +1)                    # a change of mind is a second row
    assert [r.rating for r in store.ratings("a" * 32)] == [-1, 1] and again.id > row.id
    assert store.correct(again.id, "fine after all").correction == "fine after all"


def test_unknown_traces_and_bad_ratings_are_refused_by_name(store):
    with pytest.raises(UnknownTrace, match="no answer with trace id b+ is stored"):
        store.rate("b" * 32, 1)
    store.record(answer("c" * 32))
    for bad in (0, 2, -2, True, "1", None, 0.5):
        with pytest.raises(FeedbackError, match="a rating is \\+1 \\(good\\) or -1 \\(bad\\)"):
            store.rate("c" * 32, bad)
    with pytest.raises(FeedbackError, match="too long"):
        store.rate("c" * 32, 1, correction="x" * 10_001)
    with pytest.raises(UnknownTrace, match="no rating with id 99"):
        store.correct(99, "text")
    assert store.ratings() == []


def test_conversations_come_back_after_reopening(tmp_path):
    path = tmp_path / "f.sqlite"
    with FeedbackStore(path) as store:
        store.record(answer("1" * 32, thread="old", question="first"))
        store.record(answer("2" * 32, thread="new", question="other"))
        store.record(answer("3" * 32, thread="old", question="second"))
        store.rate("3" * 32, 1)
    with FeedbackStore(path) as store:                  # a restart
        assert [c.thread_id for c in store.conversations()] == ["old", "new"]
        old = store.conversations()[0]
        assert (old.title, old.answers) == ("first", 2)
        assert [a.question for a in store.answers("old")] == ["first", "second"]
        assert store.answer("2" * 32).final.value == "48*M**2/r**6"
        assert len(store.ratings()) == 1
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_threads_rating_at_once_lose_nothing(store):
    traces = [f"{i:032x}" for i in range(8)]
    for t in traces:
        store.record(answer(t, thread=f"thread-{t[-1]}"))
    errors = []

    def rate_many(t):
        try:
            for i in range(25):
                store.rate(t, 1 if i % 2 else -1, correction=f"note {i}")
        except Exception as err:             # noqa: BLE001 - collected for the assertion
            errors.append(err)
    threads = [threading.Thread(target=rate_many, args=(t,)) for t in traces]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rows = store.ratings()
    assert len(rows) == 200 and len({r.id for r in rows}) == 200
    assert all(len(store.ratings(t)) == 25 for t in traces)


def test_the_agent_records_every_answer_and_rates_by_trace(tmp_path):
    settings = Settings(checkpoints=str(tmp_path / "c.sqlite"), retrieve_k=0,
                        feedback=str(tmp_path / "feedback.sqlite"))
    with Agent(settings) as agent:
        given = agent.run_plan(plan(("differentiate", {"expression": "r^3", "variable": "r"})),
                               thread_id="t1")
        scripted(agent, plan(("differentiate", {"expression": "sin(x)", "variable": "x"})))
        asked = agent.ask("d/dx sin x", thread_id="t1")
        row = agent.rate(asked.trace_id, 1, "good")
        assert row.trace["planner_output"] == json.dumps(
            plan(("differentiate", {"expression": "sin(x)", "variable": "x"})))
        assert row.planner == "planner"                 # the scripted backend's description
        assert [a.trace_id for a in agent.feedback.answers("t1")] == [given.trace_id,
                                                                        asked.trace_id]
        assert agent.rate(given.trace_id, -1).planner == ""        # a given plan: no planner
    with sqlite3.connect(tmp_path / "feedback.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM ratings").fetchone() == (2,)
