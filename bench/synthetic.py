"""Synthetic collections for the scale bench, made from the real index's data.

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
pairs median 0.87 (real 0.87). Every run prints the comparison (``scale_report.top1_table``).
Without an index, the vectors fall back to uniform random ones and the report says so.

The real data is read through the index's backend (``export``), whatever the backend.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from indexer.backends import DENSE, LATENT, open_backend
from indexer.settings import IndexingSettings

DIM = 384
SEED = 20150101
WORD = re.compile(r"[^\W\d_]+")
PASSAGES_PER_TOPIC = 10
TOPIC_PARENTS = 3
NOISE = (0.12, 0.55)  # range of the relative noise norm, log-uniform
SENTENCES_PER_PASSAGE = 4  # the real index: 1,018 sentences for 259 passages
TOP1_SAMPLE = 1000
CHUNK = 65_536  # rows of noisy vectors made at a time


@dataclass
class DenseData:
    """``vectors`` (n, DIM) and ``queries`` (n_queries, DIM), float32 unit rows."""

    vectors: np.ndarray
    queries: np.ndarray


def _real(index_dir: Path, channel: str):
    """``channel``'s data of the published index (see ``Backend.export``), or None."""
    manifest_path = index_dir / "manifest.json"
    if not manifest_path.is_file():
        return None
    entry = json.loads(manifest_path.read_text(encoding="utf-8")).get("backend")
    if entry is None or channel not in {c["name"] for c in entry["channels"]}:
        return None
    backend = open_backend(index_dir.resolve(), entry, IndexingSettings())
    try:
        return backend.export(channel)[1]
    finally:
        backend.close()


def real_vectors(index_dir: Path) -> np.ndarray | None:
    """The passage vectors of a published index, (n_passages, DIM) float32; None if absent."""
    return _real(index_dir, DENSE)


def real_latent_terms(index_dir: Path) -> sparse.csr_matrix | None:
    """The latent terms of a published index, (n_passages, n_features) CSR; None if absent."""
    return _real(index_dir, LATENT)


def unit_vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def normalise(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def topics(rng: np.random.Generator, real: np.ndarray, n: int) -> np.ndarray:
    """``n`` unit vectors, each a random convex mixture of ``TOPIC_PARENTS`` rows of ``real``."""
    weights = rng.dirichlet(np.ones(TOPIC_PARENTS), size=n).astype(np.float32)
    parents = real[rng.integers(0, len(real), size=(n, TOPIC_PARENTS))]
    return normalise(np.einsum("np,npd->nd", weights, parents))


def noisy_copies(rng: np.random.Generator, centres: np.ndarray, n: int) -> np.ndarray:
    """``n`` unit vectors: random rows of ``centres`` plus noise of relative norm in NOISE."""
    return _add_noise(rng, centres, rng.integers(0, len(centres), size=n))


def _add_noise(rng: np.random.Generator, source: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``source[rows]`` plus isotropic Gaussian noise of relative norm log-uniform in NOISE,
    re-normalised: (len(rows), dim) float32. Made ``CHUNK`` rows at a time so that millions of
    rows need no full-size temporaries; the generator's stream is consumed in row order, so
    the values do not depend on ``CHUNK``."""
    dim = source.shape[1]
    scale = np.exp(rng.uniform(*np.log(NOISE), size=(len(rows), 1))).astype(np.float32)
    scale /= np.float32(np.sqrt(dim))
    out = np.empty((len(rows), dim), dtype=np.float32)
    for start in range(0, len(rows), CHUNK):
        part = slice(start, start + CHUNK)
        noise = rng.standard_normal((len(rows[part]), dim), dtype=np.float32) * scale[part]
        out[part] = normalise(source[rows[part]] + noise)
    return out


def synthetic_vectors(real: np.ndarray | None, n: int, n_queries: int) -> DenseData:
    rng = np.random.default_rng(SEED)
    if real is None:
        return DenseData(unit_vectors(rng, n), unit_vectors(rng, n_queries))
    centres = topics(rng, real, max(n // PASSAGES_PER_TOPIC, 1))
    return DenseData(noisy_copies(rng, centres, n), noisy_copies(rng, real, n_queries))


def sentence_vectors(data: DenseData) -> tuple[np.ndarray, np.ndarray]:
    """``SENTENCES_PER_PASSAGE`` noisy copies of each passage vector: vectors (n * S, DIM)
    and their owners (n * S,) int32, row ``S * i + j`` = sentence j of passage i."""
    rng = np.random.default_rng(SEED)
    n = len(data.vectors)
    owners = np.repeat(np.arange(n, dtype=np.int32), SENTENCES_PER_PASSAGE)
    return _add_noise(rng, data.vectors, owners), owners


def top1_similarities(vectors: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """Cosine of the first ``TOP1_SAMPLE`` rows to their nearest other row: (sample,)."""
    sample = vectors[:TOP1_SAMPLE]
    best = np.full(len(sample), -np.inf, dtype=np.float32)
    for start in range(0, len(vectors), chunk):
        sims = sample @ vectors[start : start + chunk].T
        own = np.arange(len(sample)) - start
        inside = (own >= 0) & (own < sims.shape[1])
        sims[np.flatnonzero(inside), own[inside]] = -np.inf  # not itself
        best = np.maximum(best, sims.max(axis=1))
    return best


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
