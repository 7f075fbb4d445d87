"""Rendering of the scale bench (``bench/scale.py``) as Markdown tables and prose."""

from __future__ import annotations

import numpy as np

from indexer.backends import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M

from .scale import DEPTH, HNSW_THRESHOLD, ScaleReport, ScaleRow
from .stats import num, percentile_ms, table
from .synthetic import NOISE, PASSAGES_PER_TOPIC, SENTENCES_PER_PASSAGE, top1_similarities

QUANTILES = (5, 25, 50, 75, 95)


def is_default(row: ScaleRow) -> bool:
    """The flat store, the lexical store, or HNSW with the local backend's defaults."""
    return row.m in (None, HNSW_M) and row.ef_search in (None, HNSW_EF_SEARCH)


def top1_table(real: np.ndarray, collections: dict[int, np.ndarray]) -> str:
    """Percentiles of the nearest-neighbour cosine: the real passages vs the synthetic ones."""
    rows = [["real index", num(len(real)), *_quantiles(top1_similarities(real))]]
    for n, vectors in collections.items():
        rows.append(["synthetic", num(n), *_quantiles(top1_similarities(vectors))])
    return table(["vectors", "passages", *(f"p{q}" for q in QUANTILES)], rows)


def _quantiles(values: np.ndarray) -> list[str]:
    return [num(float(v), 3) for v in np.percentile(values, QUANTILES)]


def render(rows: list[ScaleRow]) -> str:
    """The stores as configured by default (HNSW: the local backend's M and efSearch)."""
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
            "index's `dense` channel (topics = mixtures of 3 real passages, about "
            f"{PASSAGES_PER_TOPIC} passages per topic, Gaussian noise of relative norm "
            f"{NOISE[0]}–{NOISE[1]}, see `bench/synthetic.py`); queries are noisy copies of real "
            "passages. "
        )
    else:
        vectors = (
            "Dense: **no index, so random 384-d unit vectors** "
            "(seed fixed; a worst case: no cluster structure). "
        )
    return vectors + (
        "The local backend's dense channel, flat vs HNSW "
        f"(M={HNSW_M}, efConstruction={HNSW_EF_CONSTRUCTION}, "
        f"efSearch={HNSW_EF_SEARCH} unless swept), one query at a time with depth {DEPTH}; "
        "recall@10 and recall@100 of HNSW against the exact flat top 10 and top 100. "
        f"Sentences: {SENTENCES_PER_PASSAGE} noisy copies of each passage vector in a "
        f"multi channel (HNSW above {num(HNSW_THRESHOLD)} sentences, as the indexer builds "
        "it); a search ranks 100 passages by their best sentence, and its recall is against "
        "the same ranking from a flat sentence store. Memory: vectors, HNSW links, posting "
        "lists, as held in RAM (not the process's RSS)."
        + (
            " Latent terms: a sparse channel of rows resampled from the index's `latent` "
            "channel, a query is a "
            "real passage's row (posting lists of its features + top 100); resampling uses few "
            "features, so the lists are long and the latency an upper bound."
            if any(r.store == "latent terms" for r in report.rows)
            else ""
        )
    )
