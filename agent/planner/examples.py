"""Solved examples for the fine-tuned planner: the questions it was trained on, with their
verified plans, searched by meaning. The question nearest to the one asked goes into the
prompt with its plan, so the 270M planner edits a plan it has seen rather than recalling one
from its weights alone (on held-out phrasings the nearest training plan already has the right
tools nine times in ten). The example shown is the nearest one whose plan takes the steps the
question plainly asks for (``agent.relevance.shaped_for``: f(r) = 0 for a horizon, the ISCO
through V' = V'' = 0...), when one of that shape is among the ``REACH`` nearest: the question
nearest in wording alone is sometimes another intent's (a curvature question of the same
spacetime for its horizon), and the planner copies the shape it is shown. A replan is shown
the next example of that shape instead of the one its failed plan copied from.

An adapter trained this way carries its examples in ``examples.jsonl`` beside its weights
(one ``{"family", "question", "plan"}`` per line), so the prompt it was trained on travels
with it; an adapter without that file gets the plain prompt. Questions are embedded with
all-MiniLM-L6-v2 (``tools.retrieval.embedding``, offline); the vectors are cached next to the
converted models, keyed by the file's content.

>>> bank = SolvedExamples([
...     {"family": "a", "question": "Ricci scalar of Kerr", "plan": {"steps": [], "final": "s1"}},
...     {"family": "b", "question": "Is the Milne universe flat?", "plan": {"steps": [], "final": "s1"}}])
>>> [e["family"] for e in bank.nearest("Kerr: what is its scalar curvature R?")]
['a']
>>> [e["family"] for e in bank.nearest("Kerr: what is its scalar curvature R?", exclude="a")]
['b']
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

FILE = "examples.jsonl"
SHOWN = 1                              # solved examples in each prompt
REACH = 128                            # nearest examples searched for one of the right shape


class SolvedExamples:
    """Questions with their plans; :meth:`nearest` finds those closest in meaning."""

    def __init__(self, rows: list[dict], vectors: np.ndarray | None = None) -> None:
        from tools.retrieval.embedding import embed
        self.rows = list(rows)
        self.vectors = (vectors if vectors is not None
                        else embed([r["question"] for r in self.rows]))
        self.families = np.array([r.get("family", "") for r in self.rows])

    def __len__(self) -> int:
        return len(self.rows)

    def nearest(self, question: str, k: int = SHOWN, exclude: str = "",
                fits: Callable[[dict], bool] | None = None, skip: int = 0) -> list[dict]:
        """The ``k`` rows nearest to ``question``, nearest last (next to the question in the
        prompt); rows of the family ``exclude`` are passed over (in training, a question
        never sees its own phrasing family, as a held-out question never does)."""
        from tools.retrieval.embedding import embed
        return self.nearest_to(embed([question])[0], k, exclude, fits, skip)

    def nearest_to(self, vector: np.ndarray, k: int = SHOWN, exclude: str = "",
                   fits: Callable[[dict], bool] | None = None, skip: int = 0) -> list[dict]:
        """The ``k`` rows nearest to ``vector``, nearest last; with ``fits`` (a plan -> bool),
        those among the ``REACH`` nearest whose plans fit, the first ``skip`` of them passed
        over (the farthest shown when no more fit), last, after the nearest others when fewer
        fit."""
        scores = self.vectors @ vector
        if exclude:
            scores = np.where(self.families == exclude, -np.inf, scores)
        order = [i for i in np.argsort(-scores, kind="stable")[:max(k, REACH if fits else k)]
                 if np.isfinite(scores[i])]
        chosen = order[:k]
        if fits is not None:
            fitting = list(itertools.islice((i for i in order if fits(self.rows[i]["plan"])),
                                            skip + k))
            chosen = fitting[skip:] or fitting[-k:]
        others = [i for i in order if i not in chosen][:k - len(chosen)]
        return [self.rows[i] for i in others[::-1] + chosen[::-1]]

    def shown(self, question: str, k: int = SHOWN, replan: int = 0) -> list[dict]:
        """The solved examples the planner's prompt shows for ``question``: the nearest
        whose plans have the steps it asks for (:func:`agent.relevance.shaped_for`); for
        the ``replan``-th replan, the next ones with the same tools as those, their metrics
        written out where the question writes out its line element (a plan modelled on the
        first failed, and the small planner would copy its example's numbers, symbols or
        catalogue name again)."""
        from tools.retrieval.embedding import embed
        from ..relevance import keeps_line_element, shaped_for
        vector = embed([question])[0]                 # once, for the first and the replan's
        first = self.nearest_to(vector, k, fits=lambda plan: shaped_for(question, plan))
        if not replan:
            return first
        tools = {_tools(e["plan"]) for e in first}
        return self.nearest_to(vector, k, skip=replan * k,
                               fits=lambda plan: _tools(plan) in tools
                               and keeps_line_element(question, plan)
                               and shaped_for(question, plan))

    # ------------------------------------------------------------------ on disk
    def save(self, folder: Path) -> Path:
        """Write the rows into ``folder``/examples.jsonl (through a temporary file)."""
        return save_rows(self.rows, folder)

    @classmethod
    def load(cls, path: Path) -> SolvedExamples:
        """The examples of ``path``, their vectors from the cache when it has them."""
        from ..model import model_cache
        data = Path(path).read_bytes()
        rows = [json.loads(line) for line in data.decode().splitlines() if line.strip()]
        cache = model_cache() / "examples" / f"{hashlib.sha256(data).hexdigest()[:16]}.npy"
        if cache.exists():
            vectors = np.load(cache)
            if len(vectors) == len(rows):
                return cls(rows, vectors)
        bank = cls(rows)
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(cache.stem + ".tmp.npy")
        np.save(tmp, bank.vectors)
        tmp.replace(cache)
        return bank


def save_rows(rows: list[dict], folder: Path) -> Path:
    """Write solved examples into ``folder``/examples.jsonl (through a temporary file)."""
    path = Path(folder) / FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                           for r in rows))
    tmp.replace(path)
    return path


def _tools(plan: dict) -> tuple[str, ...]:
    """The tools of ``plan``'s steps, a library problem told from a written-out spec (a replan
    of a question that writes its equation out is not shown the library's)."""
    return tuple(s.get("tool", "") + (" (library)" if s.get("args", {}).get("problem") else "")
                 for s in plan.get("steps", []))


_lock = threading.Lock()


def of_adapter(adapter: Path | None) -> SolvedExamples | None:
    """The solved examples an adapter was trained with (None: it has none, or no adapter)."""
    if adapter is None or not (Path(adapter) / FILE).exists():
        return None
    path = Path(adapter) / FILE
    with _lock:
        return _load(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load(path: str, stamp: int) -> SolvedExamples:
    return SolvedExamples.load(Path(path))
