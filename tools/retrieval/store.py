"""The knowledge base: chunks of the reference corpus and the user's documents in Qdrant.

Each chunk is stored once with two vectors, a dense sentence embedding (``dense``) and a
BM25-style lexical vector (``lexical``, IDF applied by Qdrant); a hybrid query fuses the two
rankings in Qdrant by reciprocal-rank fusion. By default Qdrant runs embedded, in a folder
on disk; give ``url`` (and ``api_key``) to use a Qdrant server or cluster by the same code.

Ingestion is idempotent by content hash: a file already stored is skipped without being
embedded again, a changed file's new chunks are written before its old ones are removed (an
interruption loses nothing), and :meth:`KnowledgeBase.delete` removes a source.

The embedded store allows one process at a time. Inside a process every KnowledgeBase on
the same folder shares one client, readers in parallel and writers alone; a second process
(``geodesic search`` while the chat UI runs) gets a read-only snapshot of the folder as it
was when it opened.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..base import geodesic_home
from . import documents, lexical
from .errors import IngestError, RetrievalError, StoreBusy

REFERENCE_CORPUS = Path(__file__).parent / "corpus"
COLLECTION = "geodesic"
MAX_QUERY_CHARS = 2000
_NAMESPACE = uuid.UUID("5b0f3a52-8d0e-4b8e-9c1e-6f1f0e9a7c11")


@dataclass
class Hit:
    source: str
    title: str
    section: str
    text: str
    score: float
    page: int | None = None
    corpus: str = "user"
    references: list[str] = field(default_factory=list)   # the document's own citations

    def to_dict(self) -> dict:
        return asdict(self)

    def citation(self) -> str:
        """``Title, section (source)``: how an answer cites it."""
        where = f", {self.section}" if self.section and self.section != self.title else ""
        page = f", p. {self.page}" if self.page else ""
        return f"{self.title}{where}{page} ({self.source})"


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)       # sources new to the store
    replaced: list[str] = field(default_factory=list)    # sources whose content changed
    unchanged: list[str] = field(default_factory=list)   # same content hash: nothing done
    errors: dict[str, str] = field(default_factory=dict)  # files in folders that failed
    chunks: int = 0                                      # chunks written

    def summary(self) -> str:
        text = (f"{len(self.added)} added, {len(self.replaced)} replaced, "
                f"{len(self.unchanged)} unchanged, {self.chunks} chunks written")
        return text + (f", {len(self.errors)} skipped" if self.errors else "")


def default_path() -> Path:
    """``$GEODESIC_HOME/qdrant``; ``GEODESIC_HOME`` defaults to ``~/.geodesic``."""
    return geodesic_home() / "qdrant"


def default_roots() -> list[Path]:
    """Where user files may be read from: ``$GEODESIC_ALLOWED_ROOTS`` (os.pathsep-separated),
    else the working directory and the home directory."""
    configured = os.environ.get("GEODESIC_ALLOWED_ROOTS")
    roots = configured.split(os.pathsep) if configured else [os.getcwd(), str(Path.home())]
    return [Path(r).expanduser().resolve() for r in roots if r]


class KnowledgeBase:
    """Ingest documents and search them; see the module docstring.

    ``path``: the embedded store's folder (default :func:`default_path`); ``url`` and
    ``api_key``: a Qdrant server instead (default ``$GEODESIC_QDRANT_URL`` and
    ``$GEODESIC_QDRANT_API_KEY``). ``reference``: ingest the shipped reference corpus on
    first use. ``allowed_roots``: folders user files may come from.
    """

    def __init__(self, path: str | Path | None = None, *, url: str | None = None,
                 api_key: str | None = None, collection: str = COLLECTION,
                 reference: bool = True, allowed_roots: Iterable[str | Path] | None = None,
                 max_bytes: int = documents.MAX_BYTES) -> None:
        url = url or (None if path else os.environ.get("GEODESIC_QDRANT_URL"))
        api_key = api_key or os.environ.get("GEODESIC_QDRANT_API_KEY")
        self.collection, self.max_bytes = collection, max_bytes
        self.allowed_roots = ([Path(r).expanduser().resolve() for r in allowed_roots]
                              if allowed_roots is not None else default_roots())
        self.location = url or str(Path(path or default_path()).expanduser().resolve())
        self._shared = _Shared.open(self.location, url, api_key)
        self.client = self._shared.client
        self._closed = False
        self._ensure_collection()
        if reference and not self.read_only:
            self.ensure_reference()

    # ------------------------------------------------------------------ lifecycle
    @property
    def read_only(self) -> bool:
        return self._shared.snapshot is not None

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._shared.release()

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _ensure_collection(self) -> None:
        from qdrant_client import models
        with self._shared.lock.write():
            if self.client.collection_exists(self.collection):
                return
            if self.read_only:
                return
            self.client.create_collection(
                self.collection,
                vectors_config={"dense": models.VectorParams(
                    size=_dimension(), distance=models.Distance.COSINE)},
                sparse_vectors_config={"lexical": models.SparseVectorParams(
                    modifier=models.Modifier.IDF)})
            if self._shared.url:          # indexes matter on a server; local mode has none
                for key in ("source", "corpus", "title", "section"):
                    self.client.create_payload_index(self.collection, key,
                                                     models.PayloadSchemaType.KEYWORD)

    # ------------------------------------------------------------------ writing
    def ingest(self, paths: Iterable[str | Path] | str | Path, *, corpus: str = "user",
               progress: bool = True) -> IngestReport:
        """Ingest files and folders (recursively: .md, .txt, .tex, .pdf).

        A named path that is missing, outside the allowed roots, of an unsupported type,
        over the size cap or unreadable raises :class:`IngestError` before anything is
        written; a bad file found inside a folder is skipped and listed in ``errors``.
        """
        if isinstance(paths, (str, Path)):
            paths = [paths]
        files = list(self._files(paths))
        return self._ingest_files(files, corpus, progress)

    def ensure_reference(self) -> IngestReport:
        """Ingest the shipped reference corpus (a no-op when it is already current)."""
        files = [(p, p.relative_to(REFERENCE_CORPUS).as_posix(), True)
                 for p in sorted(REFERENCE_CORPUS.rglob("*.md"))]
        return self._ingest_files(files, "reference", progress=False)

    def delete(self, source: str | Path) -> int:
        """Remove every chunk of ``source`` (a stored source name or a file path)."""
        self._writable()
        name = self._source_name(source)
        condition = _match("source", name)
        with self._shared.lock.write():
            count = self.client.count(self.collection, count_filter=condition, exact=True).count
            if count:
                self.client.delete(self.collection, points_selector=condition, wait=True)
        return count

    def _files(self, paths: Iterable[str | Path]) -> Iterator[tuple[Path, str, bool]]:
        """(path, source, named) for every file to ingest; named paths checked strictly."""
        checked: list[tuple[Path, bool]] = []
        for raw in paths:
            path = self._inside_roots(Path(raw))
            if path.is_dir():
                checked.append((path, False))
            elif path.is_file():          # type and size: checked by documents.read
                checked.append((path, True))
            else:
                raise IngestError(f"{raw}: no such file or folder")
        for path, named in checked:
            if named:
                yield path, str(path), True
                continue
            for found in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden \
                        and found.suffix.lower() in documents.SUFFIXES:
                    yield found, str(found.resolve()), False

    def _inside_roots(self, path: Path) -> Path:
        resolved = path.expanduser().resolve()      # symbolic links followed, then checked
        if not any(resolved.is_relative_to(root) for root in self.allowed_roots):
            roots = ", ".join(str(r) for r in self.allowed_roots)
            raise IngestError(f"{path}: outside the allowed folders ({roots}); "
                              f"set GEODESIC_ALLOWED_ROOTS to read elsewhere")
        return resolved

    def _ingest_files(self, files: list[tuple[Path, str, bool]], corpus: str,
                      progress: bool) -> IngestReport:
        self._writable()
        report = IngestReport()
        docs: list[documents.Document] = []
        for path, source, named in files:          # read and check everything first
            if not named and not any(path.resolve().is_relative_to(r)
                                     for r in self.allowed_roots):
                report.errors[str(path)] = "a link to a place outside the allowed folders"
                continue
            try:
                docs.append(documents.read(path, source, self.max_bytes))
            except IngestError as err:
                if named:
                    raise
                report.errors[str(path)] = str(err)
        from tqdm.auto import tqdm
        for doc in tqdm(docs, desc="ingesting", unit="file", disable=not progress or not docs):
            stored = self._stored_hash(doc.source)
            if stored == doc.sha256:
                report.unchanged.append(doc.source)
                continue
            report.chunks += self._write(doc, corpus)
            (report.replaced if stored else report.added).append(doc.source)
        return report

    def _stored_hash(self, source: str) -> str | None:
        with self._shared.lock.read():
            points, _ = self.client.scroll(self.collection, scroll_filter=_match("source", source),
                                           limit=1, with_payload=["sha256"])
        return points[0].payload.get("sha256") if points else None

    def _write(self, doc: documents.Document, corpus: str) -> int:
        from qdrant_client import models

        from .embedding import embed
        chunks = documents.chunk(doc)
        references = doc.references
        texts = [c.embedding_text() for c in chunks]
        dense = embed(texts)
        points = []
        for c, text, vector in zip(chunks, texts, dense):
            indices, values = lexical.document_vector(text)
            points.append(models.PointStruct(
                id=str(uuid.uuid5(_NAMESPACE, f"{doc.source}\n{doc.sha256}\n{c.index}")),
                vector={"dense": vector.tolist(),
                        "lexical": models.SparseVector(indices=indices, values=values)},
                payload={"source": doc.source, "title": c.title, "section": c.section,
                         "page": c.page, "text": c.text, "chunk": c.index, "corpus": corpus,
                         "kind": doc.kind, "sha256": doc.sha256, "references": references,
                         "ingested": time.time()}))
        stale = models.Filter(must=[_condition("source", doc.source)],
                              must_not=[_condition("sha256", doc.sha256)])
        with self._shared.lock.write():
            for start in range(0, len(points), 256):
                self.client.upsert(self.collection, points[start:start + 256], wait=True)
            self.client.delete(self.collection, points_selector=stale, wait=True)
        return len(points)

    def _writable(self) -> None:
        if self._closed:
            raise RetrievalError("the knowledge base is closed")
        if self.read_only:
            raise StoreBusy(f"{self.location} is open in another process; this one reads a "
                            f"snapshot and cannot write (close the other, or use a Qdrant "
                            f"server through GEODESIC_QDRANT_URL)")

    def _source_name(self, source: str | Path) -> str:
        text = str(source)
        if self._stored_hash(text) is None and Path(text).expanduser().exists():
            return str(Path(text).expanduser().resolve())
        return text

    # ------------------------------------------------------------------ reading
    def search(self, query: str, k: int = 5, *, mode: str = "hybrid",
               source: str | list[str] | None = None, corpus: str | None = None,
               section: str | None = None, title: str | None = None) -> list[Hit]:
        """The ``k`` best chunks for ``query``, best first.

        ``mode``: ``"hybrid"`` (dense and lexical fused by reciprocal rank), ``"dense"`` or
        ``"sparse"``. ``source``, ``corpus``, ``section`` and ``title`` filter on payload.
        """
        from qdrant_client import models
        if self._closed:
            raise RetrievalError("the knowledge base is closed")
        if not isinstance(query, str) or not query.strip():
            raise RetrievalError("the query is empty")
        if len(query) > MAX_QUERY_CHARS:
            raise RetrievalError(f"the query has {len(query):,} characters; the limit is "
                                 f"{MAX_QUERY_CHARS:,}")
        if not 1 <= k <= 100:
            raise RetrievalError(f"k must be between 1 and 100, not {k}")
        if mode not in ("hybrid", "dense", "sparse"):
            raise RetrievalError(f"unknown search mode {mode!r}: hybrid, dense or sparse")
        conditions = [_condition(key, value) for key, value in
                      (("source", source), ("corpus", corpus), ("section", section),
                       ("title", title)) if value is not None]
        where = models.Filter(must=conditions) if conditions else None
        dense = sparse = None
        if mode in ("hybrid", "dense"):
            from .embedding import embed
            dense = embed([query])[0].tolist()
        if mode in ("hybrid", "sparse"):
            indices, values = lexical.query_vector(query)
            if not indices and mode == "sparse":
                return []
            sparse = models.SparseVector(indices=indices, values=values) if indices else None
        with self._shared.lock.read():
            if mode == "hybrid" and sparse is not None:
                depth = max(4 * k, 20)
                response = self.client.query_points(
                    self.collection,
                    prefetch=[models.Prefetch(query=dense, using="dense", limit=depth,
                                              filter=where),
                              models.Prefetch(query=sparse, using="lexical", limit=depth,
                                              filter=where)],
                    query=models.FusionQuery(fusion=models.Fusion.RRF), limit=k,
                    with_payload=True)
            else:
                vector, using = (sparse, "lexical") if mode == "sparse" else (dense, "dense")
                response = self.client.query_points(self.collection, query=vector, using=using,
                                                    query_filter=where, limit=k,
                                                    with_payload=True)
        return [_hit(p) for p in response.points]

    def sources(self) -> list[dict]:
        """Every stored source with its corpus, title and number of chunks."""
        found: dict[str, dict] = {}
        offset = None
        with self._shared.lock.read():
            while True:
                points, offset = self.client.scroll(
                    self.collection, limit=1024, offset=offset,
                    with_payload=["source", "corpus", "title"])
                for p in points:
                    entry = found.setdefault(p.payload["source"], {
                        "source": p.payload["source"], "corpus": p.payload.get("corpus"),
                        "title": p.payload.get("title"), "chunks": 0})
                    entry["chunks"] += 1
                if offset is None:
                    break
        return sorted(found.values(), key=lambda e: (e["corpus"] != "user", e["source"]))

    def count(self) -> int:
        with self._shared.lock.read():
            return self.client.count(self.collection, exact=True).count


# ---------------------------------------------------------------------- helpers
def _dimension() -> int:
    from .embedding import DIMENSION
    return DIMENSION


def _condition(key: str, value):
    from qdrant_client import models
    if isinstance(value, (list, tuple)):
        return models.FieldCondition(key=key, match=models.MatchAny(any=list(value)))
    return models.FieldCondition(key=key, match=models.MatchValue(value=value))


def _match(key: str, value):
    from qdrant_client import models
    return models.Filter(must=[_condition(key, value)])


def _hit(point) -> Hit:
    p = point.payload or {}
    return Hit(source=p.get("source", ""), title=p.get("title", ""),
               section=p.get("section", ""), text=p.get("text", ""),
               score=float(point.score), page=p.get("page"), corpus=p.get("corpus", "user"),
               references=list(p.get("references") or []))


class _ReadWriteLock:
    """Many readers at once, or one writer (the embedded engine's writes are not
    thread-safe, and a read during a write could see half-updated arrays)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextlib.contextmanager
    def read(self):
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.contextmanager
    def write(self):
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class _Shared:
    """One client per location in a process, counted; a snapshot when another process
    holds the embedded store."""

    _open: dict[str, _Shared] = {}
    _guard = threading.Lock()

    def __init__(self, location: str, client, url: str | None,
                 snapshot: str | None) -> None:
        self.location, self.client, self.url, self.snapshot = location, client, url, snapshot
        self.lock = _ReadWriteLock()
        self.users = 0

    @classmethod
    def open(cls, location: str, url: str | None, api_key: str | None) -> _Shared:
        from qdrant_client import QdrantClient
        with cls._guard:
            shared = cls._open.get(location)
            if shared is None:
                snapshot = None
                if url:
                    client = QdrantClient(url=url, api_key=api_key)
                else:
                    try:
                        client = QdrantClient(path=location)
                    except RuntimeError as err:
                        if "already accessed" not in str(err):
                            raise
                        snapshot = _snapshot(location)
                        client = QdrantClient(path=snapshot)
                shared = cls._open[location] = cls(location, client, url, snapshot)
            shared.users += 1
            return shared

    def release(self) -> None:
        with self._guard:
            self.users -= 1
            if self.users == 0:
                self._open.pop(self.location, None)
                self.client.close()
                if self.snapshot:
                    shutil.rmtree(self.snapshot, ignore_errors=True)

    @classmethod
    def close_all(cls) -> None:
        for shared in list(cls._open.values()):
            shared.users = 1
            shared.release()


def _snapshot(location: str) -> str:
    """A consistent copy of an embedded store held by another process (SQLite's online
    backup, so a write in progress there is either wholly in the copy or not at all)."""
    target = tempfile.mkdtemp(prefix="geodesic-qdrant-snapshot-")
    source = Path(location)
    for item in source.rglob("*"):
        if item.name == ".lock" or item.is_dir():
            continue
        destination = Path(target) / item.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        if item.suffix == ".sqlite":
            with contextlib.closing(sqlite3.connect(f"file:{item}?mode=ro", uri=True)) as src, \
                    contextlib.closing(sqlite3.connect(destination)) as dst:
                src.backup(dst)
        else:
            shutil.copy2(item, destination)
    return target


atexit.register(_Shared.close_all)
