"""``search_literature``: the agent's tool over the knowledge base.

>>> from tools.retrieval.tool import SearchLiterature
>>> SearchLiterature.name, SearchLiterature.Args.model_json_schema()["required"]
('search_literature', ['query'])
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..base import StrictArgs, Tool, ToolResult
from .store import KnowledgeBase


class SearchLiterature(Tool):
    name = "search_literature"
    in_process = True        # it holds the knowledge base open; no worker needed
    summary = ("Search the reference notes (GR metrics, curvature conventions, standard "
               "results, PDE classes, PINN practice) and the user's documents; returns "
               "passages with citations.")

    class Args(StrictArgs):
        query: str = Field(min_length=1, max_length=2000)
        k: int = Field(default=5, ge=1, le=20)
        source: str | None = None
        corpus: Literal["reference", "user"] | None = None

    def __init__(self, knowledge_base: KnowledgeBase | None = None) -> None:
        self._kb = knowledge_base

    @property
    def knowledge_base(self) -> KnowledgeBase:
        if self._kb is None:
            self._kb = KnowledgeBase()
        return self._kb

    def run(self, args: Args) -> ToolResult:
        hits = self.knowledge_base.search(args.query, k=args.k, source=args.source,
                                          corpus=args.corpus)
        references = list(dict.fromkeys(r for h in hits for r in h.references))
        return ToolResult(ok=True, value=[h.to_dict() for h in hits],
                          data={"citations": [h.citation() for h in hits],
                                "references": references})
