"""The knowledge base on a real embedded Qdrant with the real embedding model."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from tools.retrieval import IngestError, KnowledgeBase, RetrievalError, StoreBusy
from tools.retrieval import documents, lexical
from tools.retrieval.tool import SearchLiterature

ROOT = Path(__file__).resolve().parents[2]

SCHWARZSCHILD = r"""# Schwarzschild notes

The static vacuum outside a spherical star.

## Line element

$$
ds^2 = -\left(1-\frac{2M}{r}\right)dt^2 + \frac{dr^2}{1-2M/r} + r^2 d\Omega^2
$$

## Curvature

The Kretschmann scalar is

$$
R_{abcd}R^{abcd} = \frac{48 M^2}{r^6}
$$

and the Christoffel symbol $\Gamma^r_{tt} = M(r-2M)/r^3$.

## Orbits

The innermost stable circular orbit of a massive particle is at r = 6M.

## References

- Carroll, *Spacetime and Geometry* (2004), ch. 5.
"""

HEAT = """# Heat equation

## Fundamental solution

The heat kernel is a Gaussian whose width grows like the square root of time.
"""

LATEX = r"""\documentclass{article}
\title{Tolman--Oppenheimer--Volkoff}
\begin{document}
\maketitle
\section{Hydrostatic equilibrium}
% a comment that must not be stored: SECRETWORD
Pressure balances gravity:
\begin{equation}
\frac{dP}{dr} = -\frac{(\rho + P)(m + 4\pi r^3 P)}{r(r - 2m)}
\end{equation}
\section{Polytropes}
A polytrope has $P = K \rho^\Gamma$.
\end{document}
"""


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                       f"<< /Font << /F1 3 0 R >> >> /Contents {len(objects)} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            f"%%EOF\n").encode()
    return bytes(out)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "schwarzschild.md").write_text(SCHWARZSCHILD)
    (folder / "heat.txt").write_text("Heat kernel notes\n\nThe heat kernel is a Gaussian.\n")
    (folder / "sub" / "tov.tex").write_text(LATEX)
    (folder / "sub" / "stars.pdf").write_bytes(
        make_pdf(["Neutron star masses", "Buchdahl bound 2M/R less than 8/9"]))
    (folder / "sub" / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n")   # not a document type
    (folder / ".hidden.md").write_text("# hidden\n\nnever ingested\n")
    return folder


@pytest.fixture
def kb(tmp_path: Path):
    with KnowledgeBase(tmp_path / "store", reference=False,
                       allowed_roots=[tmp_path]) as base:
        yield base


def sections(hits) -> list[tuple[str, str]]:
    return [(Path(h.source).name, h.section) for h in hits]


# ---------------------------------------------------------------------- documents
def test_markdown_chunks_follow_sections_and_keep_equations_whole(docs):
    doc = documents.read(docs / "schwarzschild.md")
    chunks = documents.chunk(doc)
    assert doc.title == "Schwarzschild notes"
    assert [c.section for c in chunks] == ["Schwarzschild notes", "Line element", "Curvature",
                                           "Orbits"]          # references cited, not chunked
    assert doc.references == ["Carroll, *Spacetime and Geometry* (2004), ch. 5."]
    curvature = chunks[2].text
    assert "$$\nR_{abcd}R^{abcd} = \\frac{48 M^2}{r^6}\n$$" in curvature
    # a small chunk size splits paragraphs but never an equation
    long = "# T\n\n## S\n\n" + "Words go here. " * 40 + "\n\n$$\n" + "a + " * 100 + "b\n$$\n"
    small = documents.chunk(documents.parse_text(long, "x.md", "markdown"), size=200)
    equations = [c.text for c in small if "$$" in c.text]
    assert len(equations) == 1 and equations[0].count("$$") == 2
    assert all(len(c.text) <= 200 for c in small if "$$" not in c.text)


def test_latex_sections_equation_environments_and_comments(docs):
    doc = documents.read(docs / "sub" / "tov.tex")
    chunks = documents.chunk(doc)
    assert doc.title == "Tolman--Oppenheimer--Volkoff"
    assert [c.section for c in chunks] == ["Hydrostatic equilibrium", "Polytropes"]
    assert "\\begin{equation}" in chunks[0].text and "\\end{equation}" in chunks[0].text
    assert "SECRETWORD" not in chunks[0].text


def test_pdf_pages_become_sections_with_page_numbers(docs):
    doc = documents.read(docs / "sub" / "stars.pdf")
    assert [(s.page, s.text.strip()) for s in doc.sections] == [
        (1, "Neutron star masses"), (2, "Buchdahl bound 2M/R less than 8/9")]


def test_lexical_tokens_meet_across_latex_and_plain_spellings():
    assert lexical.query_vector(r"\Gamma^{r}_{tt}") == lexical.query_vector("Gamma^r_tt")
    assert "kretschmann" in lexical.tokens("Kretschmann scalars")
    indices, values = lexical.document_vector("r r r theta")
    assert len(indices) == 2 and max(values) > min(values) > 0     # saturating in tf


# ---------------------------------------------------------------------- the store
def test_ingest_search_reingest_update_delete(kb, docs):
    report = kb.ingest(docs, progress=False)
    assert sorted(Path(s).name for s in report.added) == [
        "heat.txt", "schwarzschild.md", "stars.pdf", "tov.tex"]
    assert report.errors == {} and report.chunks == kb.count()
    total = kb.count()

    hits = kb.search("Kretschmann scalar 48 M^2/r^6", k=3)
    assert sections(hits)[0] == ("schwarzschild.md", "Curvature")
    assert "48 M^2" in hits[0].text and hits[0].title == "Schwarzschild notes"
    assert hits[0].references == ["Carroll, *Spacetime and Geometry* (2004), ch. 5."]
    assert kb.search("Buchdahl bound", k=1)[0].page == 2
    assert sections(kb.search("hydrostatic equilibrium pressure", k=1)) == [
        ("tov.tex", "Hydrostatic equilibrium")]

    again = kb.ingest(docs, progress=False)                      # idempotent
    assert again.added == again.replaced == [] and len(again.unchanged) == 4
    assert again.chunks == 0 and kb.count() == total

    path = docs / "schwarzschild.md"                             # a changed file
    path.write_text(SCHWARZSCHILD.replace("r = 6M", "six gravitational radii")
                    .replace("## Orbits", "## Circular orbits"))
    changed = kb.ingest(path, progress=False)
    assert changed.replaced == [str(path)] and changed.chunks == 4
    assert kb.count() == total
    orbit = kb.search("innermost stable circular orbit", k=1, source=str(path))[0]
    assert orbit.section == "Circular orbits" and "six gravitational radii" in orbit.text
    assert not [h for h in kb.search("6M", k=10, mode="sparse") if "r = 6M" in h.text]

    assert kb.delete(path) == 4                                  # by path
    assert kb.count() == total - 4
    assert all(h.source != str(path) for h in kb.search("Kretschmann", k=10))
    assert kb.delete(path) == 0


def test_filters_on_source_corpus_and_section(kb, docs):
    kb.ingest(docs / "schwarzschild.md", progress=False)
    kb.ingest(docs / "heat.txt", corpus="lecture", progress=False)
    heat = str((docs / "heat.txt").resolve())
    assert {h.source for h in kb.search("curvature", k=10, source=heat)} == {heat}
    assert {h.corpus for h in kb.search("curvature", k=10, corpus="lecture")} == {"lecture"}
    assert sections(kb.search("anything", k=10, section="Orbits")) == [
        ("schwarzschild.md", "Orbits")]
    assert kb.search("anything", k=5, source="no/such/source") == []


def test_dense_sparse_and_hybrid_modes(kb, docs):
    kb.ingest(docs, progress=False)
    formula = "Gamma^r_tt = M(r-2M)/r^3"
    for mode in ("dense", "sparse", "hybrid"):
        assert sections(kb.search(formula, k=1, mode=mode)) == [("schwarzschild.md",
                                                                 "Curvature")], mode
    assert kb.search("zzzz qqqq", mode="sparse") == []


def test_bad_queries_are_refused(kb):
    for query, k, mode, words in [("", 5, "hybrid", "empty"), ("x" * 3000, 5, "hybrid", "limit"),
                                  ("ok", 0, "hybrid", "between"), ("ok", 5, "fuzzy", "mode")]:
        with pytest.raises(RetrievalError, match=words):
            kb.search(query, k=k, mode=mode)


def test_hostile_inputs_are_refused_and_nothing_is_written(kb, docs, tmp_path):
    (docs / "blob.txt").write_bytes(b"\x00\x01binary\xff" * 100)
    with pytest.raises(IngestError, match="binary"):
        kb.ingest(docs / "blob.txt", progress=False)
    (docs / "fake.pdf").write_bytes(b"MZ\x90\x00 not a pdf")
    with pytest.raises(IngestError, match="not a PDF"):
        kb.ingest(docs / "fake.pdf", progress=False)
    (docs / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(IngestError, match="UTF-8"):
        kb.ingest(docs / "latin1.md", progress=False)
    with pytest.raises(IngestError, match="outside the allowed folders"):
        kb.ingest("/etc/hostname", progress=False)
    (docs / "escape.md").symlink_to("/etc/hostname")
    with pytest.raises(IngestError, match="outside the allowed folders"):
        kb.ingest(docs / "escape.md", progress=False)
    with pytest.raises(IngestError, match="unsupported file type"):
        kb.ingest(docs / "sub" / "image.png", progress=False)
    with pytest.raises(IngestError, match="no such file"):
        kb.ingest(docs / "missing.md", progress=False)
    # a good file named beside a bad one: the whole request is refused before any write
    with pytest.raises(IngestError, match="binary"):
        kb.ingest([docs / "heat.txt", docs / "blob.txt"], progress=False)
    assert kb.count() == 0

    capped = KnowledgeBase(tmp_path / "store", reference=False, allowed_roots=[tmp_path],
                           max_bytes=100)
    with pytest.raises(IngestError, match="over the 100-byte cap"):
        capped.ingest(docs / "schwarzschild.md", progress=False)
    capped.close()

    # inside a folder, bad files are skipped and reported; the good ones go in
    report = kb.ingest(docs, progress=False)
    assert sorted(Path(p).name for p in report.errors) == [
        "blob.txt", "escape.md", "fake.pdf", "latin1.md"]
    assert "outside the allowed folders" in report.errors[str(docs / "escape.md")]
    assert len(report.added) == 4


def test_persistence_across_processes(tmp_path, docs):
    with KnowledgeBase(tmp_path / "store", reference=False, allowed_roots=[tmp_path]) as kb:
        kb.ingest(docs / "schwarzschild.md", progress=False)
    hits = json.loads(_run_python(f"""
        import json
        from tools.retrieval import KnowledgeBase
        with KnowledgeBase({str(tmp_path / 'store')!r}, reference=False) as kb:
            hits = kb.search("innermost stable circular orbit", k=1)
            print(json.dumps([h.to_dict() for h in hits] + [kb.read_only]))
        """))
    assert hits[0]["section"] == "Orbits" and hits[1] is False


def test_concurrent_readers_threads_and_a_second_process(kb, docs, tmp_path):
    kb.ingest(docs, progress=False)
    queries = ["Kretschmann", "heat kernel", "Buchdahl bound", "polytrope", "line element",
               "circular orbit", "Gamma^r_tt", "pressure balances gravity"]
    expected = {q: sections(kb.search(q, k=3)) for q in queries}
    results: dict[str, list] = {}
    errors: list[BaseException] = []

    def reader(q: str) -> None:
        try:
            for _ in range(3):
                results[q] = sections(kb.search(q, k=3))
        except BaseException as err:   # noqa: BLE001 - reported below
            errors.append(err)

    writer = threading.Thread(target=kb.ingest, args=(docs,), kwargs={"progress": False})
    threads = [threading.Thread(target=reader, args=(q,)) for q in queries] + [writer]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and results == expected

    # another process, while this one holds the store: it reads a snapshot, cannot write
    out = json.loads(_run_python(f"""
        import json
        from tools.retrieval import KnowledgeBase, StoreBusy
        kb = KnowledgeBase({str(tmp_path / 'store')!r}, reference=False,
                           allowed_roots=[{str(tmp_path)!r}])
        hit = kb.search("Kretschmann", k=1)[0]
        try:
            kb.ingest({str(docs / 'heat.txt')!r}, progress=False)
            refused = ""
        except StoreBusy as err:
            refused = str(err)
        print(json.dumps([kb.read_only, hit.section, refused]))
        """))
    assert out[0] is True and out[1] == "Curvature"
    assert "open in another process" in out[2]
    assert kb.count() > 0                              # this process still writes
    assert isinstance(StoreBusy("x"), RetrievalError)


def test_search_literature_tool(kb, docs):
    kb.ingest(docs / "schwarzschild.md", progress=False)
    tool = SearchLiterature(kb)
    result = tool({"query": "Kretschmann scalar", "k": 2})
    assert result.ok and result.value[0]["section"] == "Curvature"
    assert result.data["citations"][0].startswith("Schwarzschild notes, Curvature (")
    assert result.data["references"] == ["Carroll, *Spacetime and Geometry* (2004), ch. 5."]
    bad = tool({"query": "", "k": 2, "surprise": 1})
    assert not bad.ok and "query" in bad.error and "surprise" in bad.error


def test_cli_ingest_search_json_and_errors(tmp_path, docs):
    env = {"GEODESIC_ALLOWED_ROOTS": str(tmp_path), "GEODESIC_HOME": str(tmp_path / "home")}
    store = ["--store", str(tmp_path / "cli-store")]
    ingest = _geodesic(["ingest", str(docs), "--quiet", *store], env)
    assert ingest.returncode == 0 and "4 added" in ingest.stdout
    search = _geodesic(["search", "Kretschmann 48 M^2/r^6", "--json", "-k", "3", *store], env)
    hits = json.loads(search.stdout)
    assert set(hits[0]) >= {"source", "title", "section", "text", "score"}
    assert hits[0]["section"] == "Curvature"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    refused = _geodesic(["ingest", "/etc/hostname", *store], env)
    assert refused.returncode == 2 and "outside the allowed folders" in refused.stderr
    assert "Traceback" not in refused.stderr


def _run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _geodesic(args: list[str], env: dict) -> subprocess.CompletedProcess:
    import os
    return subprocess.run([sys.executable, "-m", "agent.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})
