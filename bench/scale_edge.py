"""``python -m bench.scale_edge N [QUERIES] [--channels dense,sentences,lexical]``: the embedded
Qdrant Edge backend on the synthetic collections of section 4 (``bench/scale.py``), for
comparison with its local rows.

Per channel: the points are upserted in batches of 5,000 and flushed ("build"), as the indexer
writes them; the shard then holds one appendable segment that Qdrant searches by a full scan
(exact). ``Backend.optimize`` then builds its HNSW / sparse indexes ("optimize"), as a Qdrant
server's optimizer would in the background. Queries are timed after each step. Recall@10 and
recall@100 are against the local backend's exact results: the flat ``dense`` channel, the
flat ``sentences`` channel (best sentence per passage), bm25s for ``lexical``. Memory: the
process's RSS growth while the shard is open, and the shard's size on disk. Printed, one line
per channel and step.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

from indexer.backends import Batch, Channel, ChannelKind, create_backend
from indexer.settings import IndexingSettings

from . import scale
from .stats import percentile_ms
from .synthetic import (
    SEED,
    corpus_words,
    real_vectors,
    sentence_vectors,
    synthetic_queries,
    synthetic_texts,
    synthetic_vectors,
)

ROOT = Path(__file__).resolve().parents[1]
STEP = 5_000
PAYLOAD = {"doc": "d", "section": "s", "task": None, "organisations": [], "kind": "text"}
CHANNELS = ("dense", "sentences", "lexical")


def _exact(channel: Channel, batch: Batch, queries) -> list[np.ndarray]:
    """The local backend's exact top ``DEPTH`` of each query (flat vectors, bm25s)."""
    store, _ = scale.one_channel(channel, batch)
    _, found = scale.timed(store, channel.name, queries)
    store.close()
    return found


def _disk_mb(directory: Path) -> float:
    return sum(p.stat().st_blocks * 512 for p in directory.rglob("*") if p.is_file()) / 2**20


def edge_rows(channel: Channel, batch: Batch, queries, exact: list[np.ndarray]) -> list[str]:
    """One line after the build (full scan) and one after ``optimize`` (indexed)."""
    process = psutil.Process()
    lines = []
    with tempfile.TemporaryDirectory(prefix="traite-edge-") as workdir:
        rss = process.memory_info().rss
        started = time.perf_counter()
        settings = IndexingSettings(hnsw_threshold=1)
        backend = create_backend("qdrant", Path(workdir) / "build", [channel], settings)
        for start in range(0, len(batch), STEP):
            backend.upsert(batch.take(range(start, min(start + STEP, len(batch)))))
        backend.flush()
        build_s = time.perf_counter() - started
        lines.append(_line(backend, channel, queries, exact, f"build {build_s:.1f} s"))
        started = time.perf_counter()
        backend.optimize()
        optimize_s = time.perf_counter() - started
        memory = (process.memory_info().rss - rss) / 2**20
        step = f"+ optimize {optimize_s:.1f} s"
        lines.append(_line(backend, channel, queries, exact, step))
        lines[-1] += f", RSS +{memory:.0f} MB, on disk {_disk_mb(Path(workdir)):.0f} MB"
        backend.close()
    for line in lines:
        print(line, flush=True)
    return lines


def _line(backend, channel: Channel, queries, exact: list[np.ndarray], step: str) -> str:
    latencies, found = scale.timed(backend, channel.name, queries)
    r10, r100 = scale.recall_at(10, exact, found), scale.recall_at(scale.DEPTH, exact, found)
    line = (
        f"qdrant-edge {channel.name}, {len(backend):,} passages, {step}: "
        f"p50 {percentile_ms(latencies, 50):.2f} ms, p95 {percentile_ms(latencies, 95):.2f} ms, "
        f"recall@10 {r10:.3f}, recall@100 {r100:.3f}"
    )
    return line


def main(argv: list[str] | None = None) -> int:
    args, chosen = scale.size_and_channels("python -m bench.scale_edge", __doc__, CHANNELS, argv)
    n, ids, payloads = args.passages, scale.ids_of(args.passages), [PAYLOAD] * args.passages
    data = synthetic_vectors(real_vectors(ROOT / "index"), n, args.queries)
    dim = data.vectors.shape[1]
    if "dense" in chosen:
        dense = Channel("dense", ChannelKind.DENSE, dim)
        batch = Batch(ids, payloads, dense={"dense": data.vectors})
        edge_rows(dense, batch, data.queries, _exact(dense, batch, data.queries))
    if "sentences" in chosen:
        multi = Channel("sentences", ChannelKind.MULTI, dim)
        batch = Batch(ids, payloads, multi={"sentences": sentence_vectors(data)})
        edge_rows(multi, batch, data.queries, _exact(multi, batch, data.queries))
    if "lexical" in chosen:
        rng = np.random.default_rng(SEED)
        words = corpus_words(ROOT / "corpus")
        texts, queries = synthetic_texts(rng, words, n), synthetic_queries(rng, words, args.queries)
        lexical = Channel("lexical", ChannelKind.BM25, tokenizer="fr")
        batch = Batch(ids, payloads, texts={"lexical": texts})
        edge_rows(lexical, batch, queries, _exact(lexical, batch, queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
