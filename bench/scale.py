"""Section 4: the two retrieval stores on synthetic collections of 10k and 100k passages.

Dense: random unit vectors (384-d float32, fixed seed) in a flat and an HNSW ``DenseStore``;
HNSW recall@10 is measured against the exact flat results. Lexical: texts of words drawn
from the real corpus (with their frequencies) in a ``LexicalStore``. Per-query latency is
one query at a time, as the service searches (depth 100, like ``Settings.candidates``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.lexical import tokenize
from indexer.stores import DenseStore, LexicalStore

from .stats import num, percentile_ms, table

DIM = 384
DEPTH = 100
SEED = 20150101
FLAT = 10**12  # an hnsw_threshold no collection reaches
WORD = re.compile(r"[^\W\d_]+")


@dataclass
class ScaleRow:
    store: str
    passages: int
    build_s: float
    latencies: list[float]
    recall: float | None = None


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def _timed_searches(store: DenseStore, queries: np.ndarray) -> tuple[list[float], np.ndarray]:
    latencies, ids = [], []
    for query in queries:
        started = time.perf_counter()
        _, found = store.search(query[None, :], DEPTH)
        latencies.append(time.perf_counter() - started)
        ids.append(found[0, :10])
    return latencies, np.stack(ids)


def recall_at_10(exact: np.ndarray, approximate: np.ndarray) -> float:
    hits = [len(set(e) & set(a)) / 10 for e, a in zip(exact, approximate, strict=True)]
    return float(np.mean(hits))


def bench_dense(n: int, n_queries: int) -> list[ScaleRow]:
    rng = np.random.default_rng(SEED)
    vectors, queries = unit_vectors(rng, n), unit_vectors(rng, n_queries)
    rows, exact = [], None
    for kind, threshold in (("flat", FLAT), ("hnsw", 0)):
        started = time.perf_counter()
        store = DenseStore.build(vectors, hnsw_threshold=threshold)
        build_s = time.perf_counter() - started
        assert store.kind == kind
        latencies, ids = _timed_searches(store, queries)
        recall = None if exact is None else recall_at_10(exact, ids)
        exact = ids if exact is None else exact
        rows.append(ScaleRow(f"dense {kind}", n, build_s, latencies, recall))
    return rows


def corpus_words(corpus_dir: Path) -> np.ndarray:
    """Every word occurrence of the corpus documents (so sampling keeps their frequencies)."""
    words: list[str] = []
    for path in sorted(corpus_dir.iterdir()):
        if path.suffix in {".md", ".txt"}:
            words += WORD.findall(path.read_text(encoding="utf-8"))
    return np.array(words, dtype=object)


def synthetic_texts(rng: np.random.Generator, words: np.ndarray, n: int) -> list[str]:
    """``n`` passages of 60 to 160 words (about the 900-character chunks of the index)."""
    lengths = rng.integers(60, 160, size=n)
    drawn = rng.choice(words, size=int(lengths.sum()))
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    return [" ".join(drawn[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def synthetic_queries(rng: np.random.Generator, words: np.ndarray, n: int) -> list[str]:
    """``n`` queries of 3 to 6 distinct content words (4 letters or more)."""
    vocabulary = np.array(sorted({w for w in words if len(w) >= 4}), dtype=object)
    return [" ".join(rng.choice(vocabulary, size=rng.integers(3, 7))) for _ in range(n)]


def top_ids(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` best scores, best first (what the searcher does with BM25)."""
    top = np.argpartition(-scores, k)[:k]
    return top[np.argsort(-scores[top], kind="stable")]


def bench_lexical(n: int, n_queries: int, corpus_dir: Path) -> ScaleRow:
    rng = np.random.default_rng(SEED)
    words = corpus_words(corpus_dir)
    texts, queries = synthetic_texts(rng, words, n), synthetic_queries(rng, words, n_queries)
    started = time.perf_counter()
    store = LexicalStore.build(texts)
    build_s = time.perf_counter() - started
    latencies = []
    for query in queries:
        started = time.perf_counter()
        top_ids(store.scores(tokenize(query)), DEPTH)
        latencies.append(time.perf_counter() - started)
    return ScaleRow("lexical bm25", n, build_s, latencies)


def bench_scale(sizes: list[int], n_queries: int, corpus_dir: Path) -> list[ScaleRow]:
    rows = []
    for n in sizes:
        for row in [*bench_dense(n, n_queries), bench_lexical(n, n_queries, corpus_dir)]:
            rows.append(row)
            print(f"  {row.store} n={n:,}: build {row.build_s:.1f} s", flush=True)
    return rows


def render(rows: list[ScaleRow]) -> str:
    headers = ["store", "passages", "build (s)", "queries", "p50 (ms)", "p95 (ms)"]
    headers.append("recall@10 vs flat")
    body = [
        [
            r.store,
            num(r.passages),
            num(r.build_s, 2),
            len(r.latencies),
            num(percentile_ms(r.latencies, 50), 2),
            num(percentile_ms(r.latencies, 95), 2),
            num(r.recall, 3),
        ]
        for r in rows
    ]
    return table(headers, body)
