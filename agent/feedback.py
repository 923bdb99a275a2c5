"""The feedback store: every answer as it was given, and the ratings users give them.

The reward model and DPO/GRPO train on these rows, so each rating keeps what they need: the
question, the thread, +1 or -1, an optional correction in the user's words, and the answer's
whole trace (the plan, the planner's raw output, the steps, the final value, whether it was
verified and the checks), with the planner that made it and the time.

    store = FeedbackStore("feedback.sqlite")
    store.record(answer, planner="transformers: gemma-3-270m + planner")
    row = store.rate(answer.trace_id, -1, correction="the horizon is at r = 2M")
    store.ratings()                     # every rating, oldest first

One SQLite file in WAL mode (readers never block the writer, a crash loses no committed row);
one connection behind a lock, so threads of a server share a store safely, and a busy timeout,
so processes do too. Unknown trace ids and ratings other than +1 and -1 are errors that say so.

>>> import tempfile, pathlib
>>> store = FeedbackStore(pathlib.Path(tempfile.mkdtemp()) / "f.sqlite")
>>> try:
...     store.rate("0" * 32, +1)
... except UnknownTrace as err:
...     print(str(err)[:40])
no answer with trace id 0000000000000000
>>> store.close()
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from .answer import Answer

MAX_CORRECTION = 10_000            # characters of a correction

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    trace_id       TEXT PRIMARY KEY,
    thread_id      TEXT NOT NULL,
    question       TEXT NOT NULL,
    status         TEXT NOT NULL,
    verified       INTEGER NOT NULL,
    planner        TEXT NOT NULL,     -- the planner that made the plan; '' for a given plan
    planner_output TEXT NOT NULL,     -- its raw text for the plan that ran
    answer         TEXT NOT NULL,     -- the Answer as JSON
    created        TEXT NOT NULL      -- ISO 8601, UTC
);
CREATE INDEX IF NOT EXISTS answers_by_thread ON answers (thread_id);
CREATE TABLE IF NOT EXISTS ratings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_id   TEXT NOT NULL REFERENCES answers (trace_id),
    thread_id  TEXT NOT NULL,
    question   TEXT NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    correction TEXT NOT NULL DEFAULT '',
    trace      TEXT NOT NULL,         -- JSON: plan, planner_output, steps, final, checks, ...
    planner    TEXT NOT NULL,
    created    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ratings_by_trace ON ratings (trace_id);
"""


class FeedbackError(ValueError):
    """A rating that cannot be stored: unknown trace id, a rating not +1/-1, a bad correction."""


class UnknownTrace(FeedbackError, LookupError):
    """No recorded answer (or rating) has this id."""


class Rating(BaseModel):
    """One rating as stored."""
    id: int
    trace_id: str
    thread_id: str
    question: str
    rating: Literal[-1, 1]
    correction: str
    trace: dict[str, Any]
    planner: str
    created: str


class Trace(BaseModel):
    """A recorded answer as the store keeps it: the Answer as JSON and its planner's text."""
    trace_id: str
    thread_id: str
    planner: str
    planner_output: str
    answer: dict[str, Any]
    created: str


class Conversation(BaseModel):
    """A thread as the store knows it: its first question, size and last activity."""
    thread_id: str
    title: str
    answers: int
    updated: str


class FeedbackStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        with self._lock, self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)

    # ------------------------------------------------------------------ answers
    def record(self, answer: Answer, planner: str = "", planner_output: str = "") -> None:
        """Keep ``answer`` (with the planner's description and raw output) so that it can
        be rated later by its trace id, and its thread shown again after a restart."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (answer.trace_id, answer.thread_id, answer.question, answer.status,
                 int(answer.verified), planner, planner_output,
                 answer.model_dump_json(), _now()))

    def answer(self, trace_id: str) -> Answer:
        """The recorded answer with this trace id."""
        row = self._one("SELECT answer FROM answers WHERE trace_id = ?", trace_id)
        return Answer.model_validate_json(row[0])

    def answers(self, thread_id: str) -> list[Answer]:
        """The recorded answers of a thread, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT answer FROM answers WHERE thread_id = ? "
                                    "ORDER BY rowid", (thread_id,)).fetchall()
        return [Answer.model_validate_json(r[0]) for r in rows]

    def conversations(self, limit: int = 50) -> list[Conversation]:
        """The threads with recorded answers, most recently active first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT thread_id, (SELECT question FROM answers AS first WHERE "
                "first.thread_id = a.thread_id ORDER BY rowid LIMIT 1), COUNT(*), "
                "MAX(created), MAX(rowid) AS last FROM answers AS a GROUP BY thread_id "
                "ORDER BY last DESC LIMIT ?", (limit,)).fetchall()
        return [Conversation(thread_id=t, title=q, answers=n, updated=u)
                for t, q, n, u, _ in rows]

    # ------------------------------------------------------------------ ratings
    def rate(self, trace_id: str, rating: int, correction: str = "") -> Rating:
        """Store a rating (+1 or -1) of the recorded answer ``trace_id``, with an optional
        correction; each call adds a row (a user who changes their mind adds a second)."""
        if isinstance(rating, bool) or rating not in (1, -1):
            raise FeedbackError(f"a rating is +1 (good) or -1 (bad), not {rating!r}")
        correction = _correction(correction)
        with self._lock, self._db:
            row = self._db.execute(
                "SELECT thread_id, question, planner, planner_output, answer FROM answers "
                "WHERE trace_id = ?", (str(trace_id),)).fetchone()
            if row is None:
                raise _unknown(trace_id)
            thread_id, question, planner, planner_output, answer = row
            trace = {**json.loads(answer), "planner_output": planner_output}
            cursor = self._db.execute(
                "INSERT INTO ratings (trace_id, thread_id, question, rating, correction, "
                "trace, planner, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (trace_id, thread_id, question, rating, correction, json.dumps(trace),
                 planner, _now()))
            rating_id = cursor.lastrowid
        return self.rating(rating_id)

    def correct(self, rating_id: int, correction: str) -> Rating:
        """Attach (or replace) the correction of a stored rating."""
        correction = _correction(correction)
        with self._lock, self._db:
            changed = self._db.execute("UPDATE ratings SET correction = ? WHERE id = ?",
                                       (correction, rating_id)).rowcount
        if not changed:
            raise UnknownTrace(f"no rating with id {rating_id!r} is stored")
        return self.rating(rating_id)

    def rating(self, rating_id: int) -> Rating:
        return self._ratings("WHERE id = ?", (rating_id,))[0]

    def ratings(self, trace_id: str | None = None) -> list[Rating]:
        """Every rating (of one answer, when ``trace_id`` is given), oldest first."""
        if trace_id is None:
            return self._ratings("", ())
        return self._ratings("WHERE trace_id = ?", (trace_id,))

    def _ratings(self, where: str, params: tuple) -> list[Rating]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, trace_id, thread_id, question, rating, correction, trace, planner, "
                f"created FROM ratings {where} ORDER BY id", params).fetchall()
        return [Rating(id=r[0], trace_id=r[1], thread_id=r[2], question=r[3], rating=r[4],
                       correction=r[5], trace=json.loads(r[6]), planner=r[7], created=r[8])
                for r in rows]

    def last_rating_id(self) -> int:
        """The id of the newest rating (0 when there is none): a mark to count new ones from."""
        with self._lock:
            return self._db.execute("SELECT COALESCE(MAX(id), 0) FROM ratings").fetchone()[0]

    def count_ratings(self, after_id: int = 0) -> int:
        """How many ratings are newer than the rating ``after_id``."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM ratings WHERE id > ?",
                                    (after_id,)).fetchone()[0]

    def traces(self) -> list[Trace]:
        """Every recorded answer with its planner's raw output, oldest first (threads in the
        order their turns were asked): what preference data is exported from."""
        with self._lock:
            rows = self._db.execute(
                "SELECT trace_id, thread_id, planner, planner_output, answer, created "
                "FROM answers ORDER BY rowid").fetchall()
        return [Trace(trace_id=t, thread_id=th, planner=p, planner_output=o,
                      answer=json.loads(a), created=c) for t, th, p, o, a, c in rows]

    # ------------------------------------------------------------------ lifecycle
    def _one(self, sql: str, trace_id: str) -> tuple:
        with self._lock:
            row = self._db.execute(sql, (str(trace_id),)).fetchone()
        if row is None:
            raise _unknown(trace_id)
        return row

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _unknown(trace_id: str) -> UnknownTrace:
    shown = str(trace_id)[:80]
    return UnknownTrace(f"no answer with trace id {shown} is stored; rate an answer this "
                         f"store recorded")


def _correction(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_CORRECTION:
        raise FeedbackError(f"the correction is too long ({len(text)} characters; at most "
                            f"{MAX_CORRECTION})")
    return text


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
