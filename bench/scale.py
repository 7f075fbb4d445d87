"""Section 4: the retrieval stores on synthetic collections of 10k and 100k passages.

Dense: 384-d unit vectors made from the real passage embeddings of the published index
(``index/vectors.faiss``), in flat and HNSW ``DenseStore`` instances; HNSW recall@10 and
recall@100 are measured against the exact flat results, for a sweep of efSearch and M.
Lexical: texts of words drawn from the real corpus (with their frequencies) in a
``LexicalStore``. Latent terms: rows of the real ``SparseStore`` (``index/sparse.npz``)
drawn with replacement. A query reads the posting lists of its features; resampled from 259
passages, the collection uses few features, so its lists are longer than a real collection's
of that size would be: the latency is an upper bound. Per-query latency is one query at a
time, as the service searches (depth 100, like ``Settings.candidates``).

How the dense vectors are made (``synthetic_vectors``). Uniform random unit vectors are a
worst case with no cluster structure (HNSW recall@10 0.27 at 100k); real e5 embeddings
crowd in a narrow cone (two random passages of the corpus: cosine 0.84–0.93, median 0.87)
where every passage has close neighbours. So:

* topics: ``n // PASSAGES_PER_TOPIC`` random mixtures (Dirichlet(1) weights) of
  ``TOPIC_PARENTS`` real passage vectors, re-normalised: they stay in the real cone but
  fill the space between the few hundred real passages instead of repeating them;
* passages: a random topic plus isotropic Gaussian noise whose norm ``s`` (relative to the
  unit vector) is log-uniform in ``NOISE``, re-normalised; two copies of one topic have
  cosine about ``1 / sqrt((1 + s1²)(1 + s2²))``, so a spread of ``s`` spreads the
  nearest-neighbour similarities as the real ones are spread;
* queries: noisy copies (same noise) of real passage vectors, not members of the collection.

``NOISE`` was chosen by measuring the top-1 cosine between distinct passages (5th, 25th,
50th, 75th and 95th percentiles): real 259 passages 0.91 / 0.93 / 0.95 / 0.97 / 0.99;
synthetic 100k with ``NOISE`` = (0.12, 0.55): 0.89 / 0.93 / 0.96 / 0.98 / 0.98, random
pairs median 0.86 (real 0.87). Of the ranges tried, 0.10–0.50 put the median at 0.97 and
0.15–0.60 the tails at 0.87 and 0.975; one fixed noise norm gives a single narrow peak
(0.25: all within 0.948–0.955). Every run prints the comparison (``top1_table``).
Without the index, the vectors fall back to uniform random ones and the report says so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from indexer.settings import Settings
from indexer.stores import (
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    DenseStore,
    LexicalStore,
    SentenceStore,
    SparseStore,
)
from indexer.text import tokenize

from .stats import num, percentile_ms, table

DIM = 384
DEPTH = 100
SEED = 20150101
FLAT = 10**12  # an hnsw_threshold no collection reaches
WORD = re.compile(r"[^\W\d_]+")
PASSAGES_PER_TOPIC = 10
TOPIC_PARENTS = 3
NOISE = (0.12, 0.55)  # range of the relative noise norm, log-uniform
HNSW_THRESHOLD = Settings.model_fields["hnsw_threshold"].default  # vectors, per store
SENTENCES_PER_PASSAGE = 4  # the real index: 1,018 sentences for 259 passages
EF_SEARCHES = (64, 128, 256, 512)
MS = (HNSW_M, 48)
QUANTILES = (5, 25, 50, 75, 95)
TOP1_SAMPLE = 1000


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
class DenseData:
    """``vectors`` (n, DIM) and ``queries`` (n_queries, DIM), float32 unit rows."""

    vectors: np.ndarray
    queries: np.ndarray


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def real_vectors(index_dir: Path) -> np.ndarray | None:
    """The passage vectors of a published index, (n_passages, DIM) float32; None if absent."""
    path = index_dir / DenseStore.FILE
    if not path.is_file():
        return None
    index = faiss.read_index(str(path))
    return index.reconstruct_n(0, index.ntotal)


def normalise(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def topics(rng: np.random.Generator, real: np.ndarray, n: int) -> np.ndarray:
    """``n`` unit vectors, each a random convex mixture of ``TOPIC_PARENTS`` rows of ``real``."""
    weights = rng.dirichlet(np.ones(TOPIC_PARENTS), size=n).astype(np.float32)
    parents = real[rng.integers(0, len(real), size=(n, TOPIC_PARENTS))]
    return normalise(np.einsum("np,npd->nd", weights, parents))


def noisy_copies(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    """``n`` unit vectors: random rows of ``centres`` plus noise of relative norm in NOISE."""
    picked = centres[rng.integers(0, len(centres), size=n)]
    scale = np.exp(rng.uniform(*np.log(NOISE), size=(n, 1))).astype(np.float32)
    noise = rng.standard_normal((n, DIM), dtype=np.float32) * (scale / np.sqrt(DIM))
    return normalise(picked + noise)


def synthetic_vectors(real: np.ndarray | None, n: int, n_queries: int) -> DenseData:
    rng = np.random.default_rng(SEED)
    if real is None:
        return DenseData(unit_vectors(rng, n), unit_vectors(rng, n_queries))
    centres = topics(rng, real, max(n // PASSAGES_PER_TOPIC, 1))
    return DenseData(noisy_copies(rng, centres, n), noisy_copies(rng, real, n_queries))


def top1_similarities(vectors: np.ndarray) -> np.ndarray:
    """Cosine of the first ``TOP1_SAMPLE`` rows to their nearest other row: (sample,)."""
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    scores, _ = index.search(vectors[:TOP1_SAMPLE], 2)
    return scores[:, 1]


def top1_table(real: np.ndarray, collections: dict[int, np.ndarray]) -> str:
    """Percentiles of the nearest-neighbour cosine: the real passages vs the synthetic ones."""
    rows = [["real index", num(len(real)), *_quantiles(top1_similarities(real))]]
    for n, vectors in collections.items():
        rows.append(["synthetic", num(n), *_quantiles(top1_similarities(vectors))])
    return table(["vectors", "passages", *(f"p{q}" for q in QUANTILES)], rows)


def _quantiles(values: np.ndarray) -> list[str]:
    return [num(float(v), 3) for v in np.percentile(values, QUANTILES)]


def _timed_searches(
    store: DenseStore, queries: np.ndarray, ef_search: int | None = None
) -> tuple[list[float], np.ndarray]:
    """Latency of each query (s) and the ids found, (n_queries, DEPTH)."""
    latencies, ids = [], []
    for query in queries:
        started = time.perf_counter()
        _, found = store.search(query[None, :], DEPTH, ef_search)
        latencies.append(time.perf_counter() - started)
        ids.append(found[0])
    return latencies, np.stack(ids)


def recall_at(k: int, exact: Sequence[np.ndarray], approximate: Sequence[np.ndarray]) -> float:
    """Mean share of each exact top ``k`` (ids, best first; a sentence search may return
    fewer than ``k`` passages) found in the approximate top ``k``."""
    hits = [
        len(set(e[:k]) & set(a[:k])) / len(e[:k]) for e, a in zip(exact, approximate, strict=True)
    ]
    return float(np.mean(hits))


def bench_dense(data: DenseData, ms: tuple[int, ...] = MS) -> list[ScaleRow]:
    """The flat store, then one HNSW build per M searched with each of ``EF_SEARCHES``."""
    n = len(data.vectors)
    started = time.perf_counter()
    flat = DenseStore.build(data.vectors, hnsw_threshold=FLAT)
    build_s = time.perf_counter() - started
    latencies, exact = _timed_searches(flat, data.queries)
    rows = [ScaleRow("dense flat", n, build_s, latencies, memory_mb=_mb(flat.nbytes))]
    for m in ms:
        started = time.perf_counter()
        store = DenseStore.build(data.vectors, hnsw_threshold=0, m=m)
        build_s = time.perf_counter() - started
        assert store.kind == "hnsw"
        for ef in EF_SEARCHES:
            latencies, ids = _timed_searches(store, data.queries, ef)
            recalls = recall_at(10, exact, ids), recall_at(DEPTH, exact, ids)
            memory = _mb(store.nbytes)
            rows.append(ScaleRow("dense hnsw", n, build_s, latencies, *recalls, m, ef, memory))
    return rows


def is_default(row: ScaleRow) -> bool:
    """The flat store, the lexical store, or HNSW with the defaults of ``DenseStore.build``."""
    return row.m in (None, HNSW_M) and row.ef_search in (None, HNSW_EF_SEARCH)


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


def bench_sparse(real: SparseStore, n: int, n_queries: int) -> ScaleRow:
    """Latent-term scoring of ``n`` rows resampled from ``real``, queries made of real rows."""
    rng = np.random.default_rng(SEED)
    started = time.perf_counter()
    store = real.take(rng.integers(0, len(real), n))
    build_s = time.perf_counter() - started
    latencies = []
    for row in rng.integers(0, len(real), n_queries):
        query = real.vector(int(row))
        started = time.perf_counter()
        top_ids(store.scores(query), DEPTH)
        latencies.append(time.perf_counter() - started)
    return ScaleRow("latent terms", n, build_s, latencies, memory_mb=_mb(store.nbytes))


def bench_sentences(data: DenseData, hnsw_threshold: int = HNSW_THRESHOLD) -> ScaleRow:
    """``SentenceStore`` of ``SENTENCES_PER_PASSAGE`` noisy copies of each passage vector,
    built as the indexer would (HNSW above ``hnsw_threshold`` sentences); recall of the
    passage rows it ranks against an exact (flat) sentence store."""
    n = len(data.vectors)
    rng = np.random.default_rng(SEED)
    owners = np.repeat(np.arange(n, dtype=np.int32), SENTENCES_PER_PASSAGE)
    sentences = _sentence_vectors(rng, data)
    started = time.perf_counter()
    store = SentenceStore.build(sentences, owners, hnsw_threshold, HNSW_EF_SEARCH)
    build_s = time.perf_counter() - started
    exact = SentenceStore.build(sentences, owners, FLAT, HNSW_EF_SEARCH)
    latencies, found, truth = [], [], []
    for query in data.queries:
        started = time.perf_counter()
        found.append(store.search(query, DEPTH, n))
        latencies.append(time.perf_counter() - started)
        truth.append(exact.search(query, DEPTH, n))
    recalls = recall_at(10, truth, found), recall_at(DEPTH, truth, found)
    name = f"sentences {store.kind}"
    return ScaleRow(name, n, build_s, latencies, *recalls, memory_mb=_mb(store.nbytes))


def _sentence_vectors(rng: np.random.Generator, data: DenseData) -> np.ndarray:
    """Row ``SENTENCES_PER_PASSAGE * i + j``: sentence j of passage i, near its vector."""
    vectors = np.repeat(data.vectors, SENTENCES_PER_PASSAGE, axis=0)
    scale = np.exp(rng.uniform(*np.log(NOISE), size=(len(vectors), 1))).astype(np.float32)
    noise = rng.standard_normal(vectors.shape, dtype=np.float32) * (scale / np.sqrt(DIM))
    return normalise(vectors + noise)


def _mb(nbytes: int) -> float:
    return nbytes / 2**20


@dataclass
class ScaleReport:
    source: str  # where the dense vectors come from: "real" or "random"
    rows: list[ScaleRow]
    top1: str | None  # top1_table, for vectors made from real ones


def bench_scale(
    sizes: list[int],
    n_queries: int,
    corpus_dir: Path,
    index_dir: Path,
    ms: tuple[int, ...] = MS,
) -> ScaleReport:
    """Dense and lexical stores at each size; dense vectors from ``index_dir`` if built."""
    real = real_vectors(index_dir)
    if real is None:
        print(f"  no {index_dir / DenseStore.FILE}: random unit vectors instead", flush=True)
    rows, collections = [], {}
    for n in sizes:
        data = synthetic_vectors(real, n, n_queries)
        collections[n] = data.vectors
        for row in [*bench_dense(data, ms), bench_sentences(data)]:
            rows.append(row)
            _print(row)
        rows.append(bench_lexical(n, n_queries, corpus_dir))
        _print(rows[-1])
        if (index_dir / SparseStore.FILE).is_file():
            rows.append(bench_sparse(SparseStore.load(index_dir), n, n_queries))
            _print(rows[-1])
    top1 = None if real is None else top1_table(real, collections)
    return ScaleReport("random" if real is None else "real", rows, top1)


def _print(row: ScaleRow) -> None:
    config = "" if row.m is None else f" M={row.m} efSearch={row.ef_search}"
    recall = "" if row.recall_100 is None else f", recall@100 {row.recall_100:.3f}"
    p50 = percentile_ms(row.latencies, 50)
    print(
        f"  {row.store}{config} n={row.passages:,}: build {row.build_s:.1f} s, "
        f"p50 {p50:.2f} ms{recall}",
        flush=True,
    )


def render(rows: list[ScaleRow]) -> str:
    """The stores as configured by default (HNSW: M and efSearch of ``DenseStore.build``)."""
    headers = ["store", "passages", "build (s)", "queries", "p50 (ms)", "p95 (ms)"]
    headers += ["recall@10 vs flat", "recall@100 vs flat", "memory (MB)"]
    body = [
        [
            r.store,
            num(r.passages),
            num(r.build_s, 2),
            len(r.latencies),
            num(percentile_ms(r.latencies, 50), 2),
            num(percentile_ms(r.latencies, 95), 2),
            num(r.recall_10, 3),
            num(r.recall_100, 3),
            num(r.memory_mb, 1),
        ]
        for r in rows
        if is_default(r)
    ]
    return table(headers, body)


def render_sweep(rows: list[ScaleRow]) -> str:
    """Every HNSW configuration measured; efSearch below the depth searches at the depth."""
    headers = ["passages", "M", "efSearch", "build (s)", "p50 (ms)", "p95 (ms)"]
    headers += ["recall@10", "recall@100"]
    body = [
        [
            num(r.passages),
            r.m,
            _ef_label(r.ef_search),
            num(r.build_s, 2),
            num(percentile_ms(r.latencies, 50), 2),
            num(percentile_ms(r.latencies, 95), 2),
            num(r.recall_10, 3),
            num(r.recall_100, 3),
        ]
        for r in rows
        if r.m is not None
    ]
    return table(headers, body)


def _ef_label(ef: int | None) -> str:
    if ef is None or ef >= DEPTH:
        return str(ef)
    return f"{ef} (searched at {DEPTH})"


def describe(report: ScaleReport) -> str:
    """The paragraph before the tables: what the dense vectors are, what HNSW is."""
    if report.source == "real":
        vectors = (
            "Dense: 384-d unit vectors made from the real passage embeddings of "
            "`index/vectors.faiss` (topics = mixtures of 3 real passages, about "
            f"{PASSAGES_PER_TOPIC} passages per topic, Gaussian noise of relative norm "
            f"{NOISE[0]}–{NOISE[1]}, see `bench/scale.py`); queries are noisy copies of real "
            "passages. "
        )
    else:
        vectors = (
            "Dense: **no index at `index/vectors.faiss`, so random 384-d unit vectors** "
            "(seed fixed; a worst case: no cluster structure). "
        )
    return vectors + (
        f"`DenseStore.build` flat vs HNSW (M={HNSW_M}, efConstruction={HNSW_EF_CONSTRUCTION}, "
        f"efSearch={HNSW_EF_SEARCH} unless swept), one query at a time with depth {DEPTH}; "
        "recall@10 and recall@100 of HNSW against the exact flat top 10 and top 100. "
        f"Sentences: {SENTENCES_PER_PASSAGE} noisy copies of each passage vector in a "
        f"`SentenceStore` (HNSW above {num(HNSW_THRESHOLD)} sentences, as the indexer builds "
        "it); a search ranks 100 passages by their best sentence, and its recall is against "
        "the same ranking from a flat sentence store. Memory: vectors, HNSW links, posting "
        "lists, as held in RAM (not the process's RSS)."
        + (
            " Latent terms: `SparseStore` rows resampled from `index/sparse.npz`, a query is a "
            "real passage's row (posting lists of its features + top 100); resampling uses few "
            "features, so the lists are long and the latency an upper bound."
            if any(r.store == "latent terms" for r in report.rows)
            else ""
        )
    )
