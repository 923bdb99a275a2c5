"""The shipped reference corpus and its labelled query set are complete and consistent."""

import json
import re
from pathlib import Path

import pytest

from tools.gr import catalog
from tools.retrieval import REFERENCE_CORPUS, documents

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "evals" / "retrieval" / "queries.jsonl"
NOTES = sorted(REFERENCE_CORPUS.rglob("*.md"))
TOPICS = ["curvature_conventions", "horizons", "isco", "photon_sphere", "surface_gravity",
          "friedmann", "tov", "birkhoff", "energy_conditions", "geodesic_equation",
          "pde_classes", "boundary_conditions", "pinn_practice", "classical_pde_solvers",
          "regge_wheeler", "burgers_heat_wave"]


def test_every_catalogue_metric_and_topic_has_a_note():
    names = {p.relative_to(REFERENCE_CORPUS).as_posix() for p in NOTES}
    assert {f"metrics/{m}.md" for m in catalog.names()} <= names
    assert {f"topics/{t}.md" for t in TOPICS} <= names


@pytest.mark.parametrize("path", NOTES, ids=[p.stem for p in NOTES])
def test_each_note_has_a_title_equations_and_a_citation(path):
    text = path.read_text()
    assert text.startswith("# ")
    references = text.split("\n## References\n")
    assert len(references) == 2, "a '## References' section"
    assert re.search(r"^- .*\(\d{4}", references[1], re.M), "a cited work with its year"
    assert "$" in text                                     # LaTeX mathematics
    assert text.count("$$") % 2 == 0
    doc = documents.read(path)
    assert doc.references and all(len(c.text) <= 2 * documents.CHUNK_CHARS
                                  for c in documents.chunk(doc))


def test_labelled_queries_name_real_sections():
    rows = [json.loads(line) for line in QUERIES.read_text().splitlines() if line.strip()]
    assert len(rows) >= 40
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        path = REFERENCE_CORPUS / row["source"]
        assert path.is_file(), row
        sections = {c.section for c in documents.chunk(documents.read(path))}
        assert row["section"] in sections, (row, sorted(sections))
