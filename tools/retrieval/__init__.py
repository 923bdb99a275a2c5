"""Retrieval: a Qdrant knowledge base of GR/PDE references and the user's own documents.

>>> from tools.retrieval import KnowledgeBase
>>> kb = KnowledgeBase()      # embedded Qdrant in $GEODESIC_HOME/qdrant (~/.geodesic/qdrant)
>>> hit = kb.search("Buchdahl bound", k=3)[0]
>>> hit.source, hit.section
('topics/tov.md', 'Constant density and the Buchdahl bound')
>>> kb.close()

Markdown, plain text, LaTeX and PDF are ingested with ``kb.ingest(paths)``; hits carry
``source``, ``title``, ``section``, ``page``, ``text`` and ``score``.
"""

from .errors import IngestError, RetrievalError, StoreBusy
from .store import REFERENCE_CORPUS, Hit, IngestReport, KnowledgeBase, default_path

__all__ = ["KnowledgeBase", "Hit", "IngestReport", "IngestError", "RetrievalError",
           "StoreBusy", "REFERENCE_CORPUS", "default_path"]
