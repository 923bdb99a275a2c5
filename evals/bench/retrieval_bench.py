"""Retrieval benchmark: recall@5 and MRR of dense, sparse and hybrid search, and latency.

Every labelled query in ``evals/retrieval/queries.jsonl`` names the reference note and the
section that answers it; a hit counts when both match. The store is built from the shipped
reference corpus in a fresh embedded Qdrant. Peers in the same process: plain dense vector
search (what most retrieval stacks do), and ``rank_bm25``'s BM25Okapi over the same chunks
with whitespace tokens (the textbook lexical baseline). The last line printed is a JSON
object with every figure.

    python evals/bench/retrieval_bench.py
    python evals/bench/retrieval_bench.py --queries my_queries.jsonl -k 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.retrieval import REFERENCE_CORPUS, KnowledgeBase  # noqa: E402
from tools.retrieval import documents  # noqa: E402

QUERIES = Path(__file__).resolve().parents[1] / "retrieval" / "queries.jsonl"
MODES = ("dense", "sparse", "hybrid")


def load_queries(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for row in rows:
        missing = {"id", "query", "source", "section"} - set(row)
        if missing:
            raise ValueError(f"{path}: query {row.get('id', '?')} lacks {sorted(missing)}")
    return rows


def rank_of(hits: list[tuple[str, str]], row: dict) -> int | None:
    """1-based rank of the expected (source, section) among the hits, or None."""
    for rank, (source, section) in enumerate(hits, start=1):
        if source == row["source"] and section == row["section"]:
            return rank
    return None


def score(ranks: list[int | None], k: int) -> dict:
    return {"recall_at_k": sum(r is not None and r <= k for r in ranks) / len(ranks),
            "mrr": sum(1 / r for r in ranks if r) / len(ranks)}


def bm25_peer(queries: list[dict], k: int) -> tuple[list[int | None], list[float]]:
    """rank_bm25's BM25Okapi over the same chunks, lower-cased whitespace tokens."""
    from rank_bm25 import BM25Okapi
    chunks = []
    for path in sorted(REFERENCE_CORPUS.rglob("*.md")):
        source = path.relative_to(REFERENCE_CORPUS).as_posix()
        chunks += documents.chunk(documents.read(path, source))
    index = BM25Okapi([c.embedding_text().lower().split() for c in chunks])
    ranks, seconds = [], []
    for row in queries:
        start = time.perf_counter()
        scores = index.get_scores(row["query"].lower().split())
        top = sorted(range(len(chunks)), key=lambda i: -scores[i])[:k]
        seconds.append(time.perf_counter() - start)
        ranks.append(rank_of([(chunks[i].source, chunks[i].section) for i in top], row))
    return ranks, seconds


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("-k", type=int, default=5)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)

    results: dict = {"queries": len(queries), "k": args.k, "modes": {}}
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        kb = KnowledgeBase(Path(folder) / "store")              # ingests the corpus
        results["ingest_seconds"] = time.perf_counter() - start
        results["chunks"] = kb.count()
        kb.search("warm up the embedding model", k=1)
        for mode in MODES:
            ranks, seconds = [], []
            for row in queries:
                t = time.perf_counter()
                hits = kb.search(row["query"], k=args.k, mode=mode)
                seconds.append(time.perf_counter() - t)
                ranks.append(rank_of([(h.source, h.section) for h in hits], row))
                if args.show_misses and mode == "hybrid" and ranks[-1] is None:
                    print(f"miss {row['id']}: {row['query']!r} -> "
                          f"{[(h.source, h.section) for h in hits[:3]]}")
            results["modes"][mode] = {**score(ranks, args.k),
                                      "p50_ms": 1000 * statistics.median(seconds)}
        kb.close()
    ranks, seconds = bm25_peer(queries, args.k)
    results["modes"]["bm25_peer"] = {**score(ranks, args.k),
                                     "p50_ms": 1000 * statistics.median(seconds)}
    hybrid, dense = results["modes"]["hybrid"], results["modes"]["dense"]
    results["recall_ratio_hybrid_vs_dense"] = hybrid["recall_at_k"] / max(dense["recall_at_k"],
                                                                        1e-9)
    results["recall_ratio_hybrid_vs_bm25"] = hybrid["recall_at_k"] / max(
        results["modes"]["bm25_peer"]["recall_at_k"], 1e-9)

    print(f"{len(queries)} queries, {results['chunks']} chunks "
          f"(ingested in {results['ingest_seconds']:.1f} s)")
    print(f"{'mode':10} {'recall@' + str(args.k):>9} {'MRR':>6} {'p50 ms':>7}")
    for mode, row in results["modes"].items():
        print(f"{mode:10} {row['recall_at_k']:9.3f} {row['mrr']:6.3f} {row['p50_ms']:7.1f}")
    print(f"hybrid recall / dense recall = {results['recall_ratio_hybrid_vs_dense']:.2f}; "
          f"hybrid / rank_bm25 = {results['recall_ratio_hybrid_vs_bm25']:.2f}")
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
