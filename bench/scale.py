"""Section 4: the retrieval backends on synthetic collections (``bench/synthetic.py``), one
bench per channel, each store built and searched through the ``local`` backend.

Dense: flat and HNSW ``dense`` channels; HNSW recall@10 and recall@100 are measured against
the exact flat results, for a sweep of efSearch and M. Sentences: a ``multi`` channel of
``SENTENCES_PER_PASSAGE`` vectors per passage. Lexical: a ``bm25`` channel over texts of
words drawn from the real corpus (with their frequencies). Latent terms: a ``sparse``
channel of rows of the real index drawn with replacement. A query reads the posting lists of
its features; resampled from 259 passages, the collection uses few features, so its lists
are longer than a real collection's of that size would be: the latency is an upper bound.
Per-query latency is one query at a time, as the service searches (depth 100, like
``RetrievalSettings.candidates``). Rendering: ``bench/scale_report.py``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from indexer.backends import (
    HNSW_M,
    Backend,
    Batch,
    Channel,
    ChannelKind,
    create_backend,
)
from indexer.settings import IndexingSettings

from .stats import percentile_ms
from .synthetic import (
    SEED,
    DenseData,
    corpus_words,
    real_latent_terms,
    real_vectors,
    sentence_vectors,
    synthetic_queries,
    synthetic_texts,
    synthetic_vectors,
)

DEPTH = 100
FLAT = 10**12  # an hnsw_threshold no collection reaches
HNSW_THRESHOLD = IndexingSettings.model_fields["hnsw_threshold"].default  # vectors, per store
EF_SEARCHES = (64, 128, 256, 512)
MS = (HNSW_M, 48)
CLI_CHANNELS = ("dense", "sentences", "lexical")


@dataclass
class ScaleRow:
    store: str
    passages: int
    build_s: float
    latencies: list[float]
    recall_10: float | None = None
    recall_100: float | None = None
    m: int | None = None
    ef_search: int | None = None
    memory_mb: float | None = None


@dataclass
class ScaleReport:
    source: str  # where the dense vectors come from: "real" or "random"
    rows: list[ScaleRow]
    top1: str | None  # scale_report.top1_table, for vectors made from real ones


def one_channel(
    channel: Channel, batch: Batch, threshold: int = FLAT, m: int = HNSW_M
) -> tuple[Backend, float]:
    """A local backend holding ``batch`` in ``channel`` alone, and its build time (s)."""
    settings = IndexingSettings(hnsw_threshold=min(threshold, FLAT))
    started = time.perf_counter()
    backend = create_backend("local", None, [channel], settings, hnsw_m=m)
    backend.upsert(batch)
    backend.flush()
    return backend, time.perf_counter() - started


def ids_of(n: int) -> list[str]:
    return [str(i) for i in range(n)]


def timed(
    backend: Backend, channel: str, queries: Sequence[Any]
) -> tuple[list[float], list[np.ndarray]]:
    """Latency of each query (s) and the ids found, ``DEPTH`` each at most."""
    latencies, found = [], []
    for query in queries:
        started = time.perf_counter()
        ids, _ = backend.search(channel, query, DEPTH)
        latencies.append(time.perf_counter() - started)
        found.append(ids)
    return latencies, found


def recall_at(k: int, exact: Sequence[np.ndarray], approximate: Sequence[np.ndarray]) -> float:
    """Mean share of each exact top ``k`` (ids, best first; a sentence search may return
    fewer than ``k`` passages) found in the approximate top ``k``."""
    hits = [
        len(set(e[:k]) & set(a[:k])) / len(e[:k]) for e, a in zip(exact, approximate, strict=True)
    ]
    return float(np.mean(hits))


def bench_dense(data: DenseData, ms: tuple[int, ...] = MS) -> list[ScaleRow]:
    """The flat channel, then one HNSW build per M searched with each of ``EF_SEARCHES``."""
    n = len(data.vectors)
    channel = Channel("dense", ChannelKind.DENSE, data.vectors.shape[1])
    batch = Batch(ids_of(n), [{}] * n, dense={"dense": data.vectors})
    flat, build_s = one_channel(channel, batch)
    latencies, exact = timed(flat, "dense", data.queries)
    rows = [ScaleRow("dense flat", n, build_s, latencies, memory_mb=_mb(flat, "dense"))]
    flat.close()
    for m in ms:
        hnsw, build_s = one_channel(channel, batch, threshold=1, m=m)
        for ef in EF_SEARCHES:
            hnsw.configure(ef_search=ef)
            latencies, found = timed(hnsw, "dense", data.queries)
            recalls = recall_at(10, exact, found), recall_at(DEPTH, exact, found)
            memory = _mb(hnsw, "dense")
            rows.append(ScaleRow("dense hnsw", n, build_s, latencies, *recalls, m, ef, memory))
        hnsw.close()
    return rows


def bench_sentences(data: DenseData, hnsw_threshold: int = HNSW_THRESHOLD) -> ScaleRow:
    """A multi channel of noisy copies of each passage vector, built as the indexer would
    (HNSW above ``hnsw_threshold`` sentences); recall of the passages it ranks against the
    same channel searched exactly (flat)."""
    n = len(data.vectors)
    vectors, owners = sentence_vectors(data)
    channel = Channel("sentences", ChannelKind.MULTI, vectors.shape[1])
    batch = Batch(ids_of(n), [{}] * n, multi={"sentences": (vectors, owners)})
    store, build_s = one_channel(channel, batch, threshold=hnsw_threshold)
    latencies, found = timed(store, "sentences", data.queries)
    memory = _mb(store, "sentences")
    store.close()
    exact, _ = one_channel(channel, batch)
    _, truth = timed(exact, "sentences", data.queries)
    exact.close()
    recalls = recall_at(10, truth, found), recall_at(DEPTH, truth, found)
    kind = "hnsw" if len(vectors) > hnsw_threshold else "flat"
    return ScaleRow(f"sentences {kind}", n, build_s, latencies, *recalls, memory_mb=memory)


def bench_lexical(n: int, n_queries: int, corpus_dir: Path) -> ScaleRow:
    """A bm25 channel; the build includes tokenisation, a query tokenisation + top 100."""
    rng = np.random.default_rng(SEED)
    words = corpus_words(corpus_dir)
    texts, queries = synthetic_texts(rng, words, n), synthetic_queries(rng, words, n_queries)
    channel = Channel("lexical", ChannelKind.BM25, tokenizer="fr")
    store, build_s = one_channel(channel, Batch(ids_of(n), [{}] * n, texts={"lexical": texts}))
    latencies, _ = timed(store, "lexical", queries)
    store.close()
    return ScaleRow("lexical bm25", n, build_s, latencies)


def bench_sparse(real, n: int, n_queries: int) -> ScaleRow:
    """A sparse channel of ``n`` rows resampled from ``real`` (CSR (n_real, n_features)),
    queries made of real rows."""
    rng = np.random.default_rng(SEED)
    rows = real[rng.integers(0, real.shape[0], n)].tocsr()
    channel = Channel("latent", ChannelKind.SPARSE)
    store, build_s = one_channel(channel, Batch(ids_of(n), [{}] * n, sparse={"latent": rows}))
    queries = [real[int(r)].toarray().ravel() for r in rng.integers(0, real.shape[0], n_queries)]
    latencies, _ = timed(store, "latent", queries)
    memory = _mb(store, "latent")
    store.close()
    return ScaleRow("latent terms", n, build_s, latencies, memory_mb=memory)


def _mb(backend: Backend, channel: str) -> float | None:
    size = backend.memory_bytes(channel)
    return None if size is None else size / 2**20


def bench_scale(
    sizes: list[int],
    n_queries: int,
    corpus_dir: Path,
    index_dir: Path,
    ms: tuple[int, ...] = MS,
    top1: Callable[[np.ndarray, dict[int, np.ndarray]], str] | None = None,
) -> ScaleReport:
    """Every channel at each size; dense vectors made from ``index_dir``'s if built."""
    real = real_vectors(index_dir)
    latent = real_latent_terms(index_dir)
    if real is None:
        print(f"  no index at {index_dir}: random unit vectors instead", flush=True)
    rows, collections = [], {}
    for n in sizes:
        data = synthetic_vectors(real, n, n_queries)
        collections[n] = data.vectors
        for row in [*bench_dense(data, ms), bench_sentences(data)]:
            rows.append(row)
            _print(row)
        rows.append(bench_lexical(n, n_queries, corpus_dir))
        _print(rows[-1])
        if latent is not None:
            rows.append(bench_sparse(latent, n, n_queries))
            _print(rows[-1])
    table = None if real is None or top1 is None else top1(real, collections)
    return ScaleReport("random" if real is None else "real", rows, table)


def _print(row: ScaleRow) -> None:
    config = "" if row.m is None else f" M={row.m} efSearch={row.ef_search}"
    recall = "" if row.recall_100 is None else f", recall@100 {row.recall_100:.3f}"
    if row.recall_10 is not None:
        recall = f", recall@10 {row.recall_10:.3f}" + recall
    memory = "" if row.memory_mb is None else f", {row.memory_mb:,.0f} MB"
    p50, p95 = percentile_ms(row.latencies, 50), percentile_ms(row.latencies, 95)
    print(
        f"  {row.store}{config} n={row.passages:,}: build {row.build_s:.1f} s, "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms{recall}{memory}",
        flush=True,
    )


def size_and_channels(
    prog: str, description: str | None, channels: Sequence[str], argv: list[str] | None
) -> tuple[argparse.Namespace, list[str]]:
    """The command line ``N [QUERIES] [--channels a,b]`` of a scale bench: the parsed
    arguments and the chosen channels (among ``channels``; exits with usage otherwise)."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("passages", type=int)
    parser.add_argument("queries", type=int, nargs="?", default=100)
    parser.add_argument("--channels", default=",".join(channels))
    args = parser.parse_args(argv)
    chosen = [c.strip() for c in args.channels.split(",") if c.strip()]
    if not chosen or any(c not in channels for c in chosen):
        parser.error(f"--channels: a comma-separated list of {', '.join(channels)}")
    return args, chosen


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.scale N [QUERIES] [--channels dense,sentences,lexical]``: section 4's
    benches of the chosen channels at one size (dense: the default M only), printed."""
    args, chosen = size_and_channels("python -m bench.scale", main.__doc__, CLI_CHANNELS, argv)
    root = Path(__file__).resolve().parents[1]
    n = args.passages
    if "lexical" in chosen:
        _print(bench_lexical(n, args.queries, root / "corpus"))
    if "dense" in chosen or "sentences" in chosen:
        data = synthetic_vectors(real_vectors(root / "index"), n, args.queries)
        for row in bench_dense(data, MS[:1]) if "dense" in chosen else []:
            _print(row)
        if "sentences" in chosen:
            _print(bench_sentences(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
