"""``python -m eval.parity [--split dev] [--backends local,qdrant] [--out FILE]``: the full
system's retrieval on each backend in the same run, side by side.

Each backend gets a fresh index build from the corpus (embeddings from the cache) in a
temporary directory, then the questions are searched and judged exactly as ``python -m
eval`` does (same qrels, same metrics). ``qdrant`` is the embedded Qdrant Edge shard, or the
cluster of ``TRAITE_QDRANT_URL`` when it is set. Also reported: the build's wall time and the
in-process ``Searcher.search`` latency of the bench questions. Exit 1 when hit@1 or hit@5
differ by more than ``--tolerance`` from the first backend's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.latency import QUESTIONS as BENCH_QUESTIONS
from bench.stats import percentile_ms
from eval import qrels as qrels_mod
from eval.metrics import mean_of, retrieval_per_query
from eval.questions import load_questions, select
from eval.systems import FullSystem
from indexer.embed import make_embedder
from indexer.errors import SETUP_ERRORS
from indexer.load import load_collection
from indexer.store import build_index
from service.engine import load_engine
from service.settings import Settings

METRICS = ("hit@1", "hit@5", "hit@10", "MRR@10")


def run(split: str, backends: list[str], workdir: Path) -> list[dict[str, Any]]:
    """One row per backend: its metrics, build seconds and search latency."""
    questions = select(load_questions(), split)
    settings = Settings()
    indexing = settings.indexing
    prefixes = indexing.st_query_prefix, indexing.st_passage_prefix
    embedder = make_embedder(indexing.embedder, *prefixes)
    texts = {d.id: d.text for d in load_collection(indexing.corpus_dir)}
    rows = []
    for kind in backends:
        chosen = settings.updated(backend=kind, index_dir=workdir / kind)
        started = time.perf_counter()
        build_index(chosen.indexing, embedder, progress=False)
        build_s = time.perf_counter() - started
        engine = load_engine(chosen, embedder)
        system = FullSystem(engine)
        ranked = {q: [p.id for p, _ in hits] for q, hits in system.retrieve(questions).items()}
        judged = qrels_mod.derive_qrels(questions, system.passages, texts)
        means = mean_of(retrieval_per_query(judged, ranked), [q.id for q in questions])
        seconds = []
        for text in BENCH_QUESTIONS * 3:
            began = time.perf_counter()
            engine.searcher.search(text, 10)
            seconds.append(time.perf_counter() - began)
        rows.append(
            {
                "backend": engine.index.backend.kind,
                **{m: means[m] for m in METRICS},
                "n": means["n"],
                "build_s": build_s,
                "search_p50_ms": percentile_ms(seconds, 50),
                "search_p95_ms": percentile_ms(seconds, 95),
            }
        )
        engine.index.backend.close()
    return rows


def render(rows: list[dict[str, Any]], split: str) -> str:
    head = ["backend", *METRICS, "n", "build (s)", "search p50 (ms)", "search p95 (ms)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["backend"], *(f"{r[m]:.3f}" for m in METRICS), str(r["n"])]
        cells += [f"{r['build_s']:.1f}", f"{r['search_p50_ms']:.1f}", f"{r['search_p95_ms']:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    intro = f"Retrieval of the full system, {split} split, each backend built fresh:"
    return intro + "\n\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.parity", description=__doc__)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--backends", default="local,qdrant")
    parser.add_argument("--tolerance", type=float, default=0.02)
    parser.add_argument("--out", type=Path, help="also write the table (Markdown) here")
    args = parser.parse_args(argv)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not backends or any(b not in ("local", "qdrant") for b in backends):
        parser.error("--backends: a comma-separated list of local, qdrant")
    try:
        with tempfile.TemporaryDirectory(prefix="traite-parity-") as workdir:
            rows = run(args.split, backends, Path(workdir))
    except SETUP_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    text = render(rows, args.split)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    first = rows[0]
    apart = [
        f"{r['backend']} {m} {r[m]:.3f} vs {first[m]:.3f}"
        for r in rows[1:]
        for m in ("hit@1", "hit@5")
        if abs(r[m] - first[m]) > args.tolerance
    ]
    for line in apart:
        print(f"parity: {line} (tolerance {args.tolerance})", file=sys.stderr)
    return 1 if apart else 0


if __name__ == "__main__":
    sys.exit(main())
