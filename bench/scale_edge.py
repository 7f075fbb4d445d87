"""``python -m bench.scale_edge N [QUERIES]``: the embedded Qdrant Edge backend on the synthetic
collections of section 4 (``bench/scale.py``), for comparison with its local rows.

Dense: one ``dense`` channel (HNSW requested with ``hnsw_threshold`` 1), recall@10 and
recall@100 against the exact flat top of the local backend. Lexical: one ``bm25`` channel
over the same synthetic texts. Build = upserts in batches of 5,000 + flush; memory = the
process's RSS growth while the shard is open. Printed, one line per channel.
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
    synthetic_queries,
    synthetic_texts,
    synthetic_vectors,
)

ROOT = Path(__file__).resolve().parents[1]
STEP = 5_000
PAYLOAD = {"doc": "d", "section": "s", "task": None, "organisations": [], "kind": "text"}


def edge_row(channel: Channel, batch: Batch, queries, exact=None) -> str:
    process = psutil.Process()
    with tempfile.TemporaryDirectory(prefix="traite-edge-") as workdir:
        rss = process.memory_info().rss
        started = time.perf_counter()
        settings = IndexingSettings(hnsw_threshold=1)
        backend = create_backend("qdrant", Path(workdir) / "build", [channel], settings)
        for start in range(0, len(batch), STEP):
            backend.upsert(batch.take(range(start, min(start + STEP, len(batch)))))
        backend.flush()
        build_s = time.perf_counter() - started
        latencies, found = scale.timed(backend, channel.name, queries)
        memory = (process.memory_info().rss - rss) / 2**20
        backend.close()
    recall = ""
    if exact is not None:
        r10, r100 = scale.recall_at(10, exact, found), scale.recall_at(scale.DEPTH, exact, found)
        recall = f", recall@10 {r10:.3f}, recall@100 {r100:.3f}"
    return (
        f"qdrant-edge {channel.name}, {len(batch):,} passages: build {build_s:.1f} s, "
        f"p50 {percentile_ms(latencies, 50):.2f} ms, p95 {percentile_ms(latencies, 95):.2f} ms"
        f"{recall}, RSS +{memory:.0f} MB"
    )


def main(argv: list[str]) -> int:
    n = int(argv[0])
    n_queries = int(argv[1]) if len(argv) > 1 else 100
    data = synthetic_vectors(real_vectors(ROOT / "index"), n, n_queries)
    dense = Channel("dense", ChannelKind.DENSE, data.vectors.shape[1])
    payloads = [PAYLOAD] * n
    batch = Batch(scale.ids_of(n), payloads, dense={"dense": data.vectors})
    flat, _ = scale.one_channel(dense, batch)
    _, exact = scale.timed(flat, "dense", data.queries)
    flat.close()
    print(edge_row(dense, batch, data.queries, exact), flush=True)
    rng = np.random.default_rng(SEED)
    words = corpus_words(ROOT / "corpus")
    texts, queries = synthetic_texts(rng, words, n), synthetic_queries(rng, words, n_queries)
    lexical = Channel("lexical", ChannelKind.BM25, tokenizer="fr")
    print(edge_row(lexical, Batch(scale.ids_of(n), payloads, texts={"lexical": texts}), queries))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
