"""The points of a build: every passage with its vectors, latent terms, text and payload
(``make_batch``), written into the build's backend (``fill_backend``) — all of them, or, when
the previous build can be changed by document, only the points of the changed documents.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from indexer.backends import (
    DENSE,
    LATENT,
    LEXICAL,
    LEXICAL_EN,
    SENTENCES,
    SENTENCES2,
    Backend,
    Batch,
    Channel,
    create_backend,
    default_channels,
    fork_backend,
    passage_payload,
)
from indexer.cache import EmbeddingCache
from indexer.chunk import deliverable_statuses
from indexer.embed import Embedder, SparseEncoder, shared_embedder
from indexer.english import EnglishField
from indexer.ingest import Collection
from indexer.models import Passage
from indexer.sentences import sentence_units
from indexer.settings import IndexingSettings


def search_text(passage: Passage) -> str:
    """What is embedded and BM25-indexed: the breadcrumb, then the passage."""
    return " > ".join(passage.section_path) + "\n" + passage.indexed_text


def english_texts(collection: Collection) -> list[str]:
    """The English field of every passage (``indexer.english``), from its search text."""
    field = EnglishField(collection.glossary, collection.terms)
    return [field.text(search_text(p), p.organisations) for p in collection.passages]


def make_batch(
    collection: Collection, embedder: Embedder, settings: IndexingSettings, progress: bool
) -> tuple[Batch, int, int]:
    """Every passage with its vectors and payload, the number of passages embedded anew, the
    sentence count."""
    texts = [search_text(p) for p in collection.passages]
    cache = EmbeddingCache(settings.embedding_cache, embedder.id)
    vectors, embedded = cache.embed(texts, embedder.embed_passages, progress=progress)
    units, owners = sentence_units(collection.passages)
    unit_vectors, _ = cache.embed(units, embedder.embed_passages, progress, unit="sentence")
    status = deliverable_statuses(
        (doc_id, task) for doc_id, tasks in collection.tasks.items() for task in tasks
    )
    batch = Batch(
        [p.id for p in collection.passages],
        [passage_payload(p, status.get(p.id)) for p in collection.passages],
        dense={DENSE: vectors},
        multi={SENTENCES: (unit_vectors, owners.astype(np.int32))},
        texts={LEXICAL: texts, LEXICAL_EN: english_texts(collection)},
    )
    if embedder.sparse is not None:
        batch.sparse[LATENT] = _latent_terms(embedder.sparse, settings, texts, progress)
    if settings.second_encoder:
        second = shared_embedder(settings.second_encoder)
        cache = EmbeddingCache(settings.embedding_cache, second.id)
        vectors2, _ = cache.embed(units, second.embed_passages, progress, unit="sentence (2)")
        batch.multi[SENTENCES2] = (vectors2, owners.astype(np.int32))
    return batch, len(embedded), len(units)


def build_channels(embedder: Embedder, settings: IndexingSettings) -> list[Channel]:
    """The channels of a build with ``embedder`` and the settings' second encoder."""
    second = None
    if settings.second_encoder:
        encoder = shared_embedder(settings.second_encoder)
        second = (encoder.id, encoder.dim)
    return default_channels(
        embedder.dim, embedder.sparse is not None, settings.bm25_k1, settings.bm25_b, second
    )


def _fresh_backend(
    settings: IndexingSettings, directory: Path, embedder: Embedder, batch: Batch
) -> Backend:
    channels = build_channels(embedder, settings)
    backend = create_backend(settings.backend, directory, channels, settings)
    try:
        backend.upsert(batch)
        backend.flush()
        backend.optimize()  # an embedded Qdrant shard is otherwise searched by full scan
    except BaseException:
        backend.discard()
        raise
    finally:
        backend.close()
    return backend


def _latent_terms(
    encoder: SparseEncoder, settings: IndexingSettings, texts: list[str], progress: bool
) -> sparse.csr_matrix:
    """Latent terms of ``texts`` as (n, encoder.dim) float32 rows, cached like the vectors: a
    cached row is the feature ids (exact as float32, being below 2**24) then their weights."""

    def encode(batch: list[str]) -> np.ndarray:
        indices, values = encoder.encode_passages(batch)
        return np.hstack([indices.astype(np.float32), values])

    cache = EmbeddingCache(settings.embedding_cache, encoder.id)
    rows, _ = cache.embed(texts, encode, progress, unit="latent terms")
    indices = rows[:, : encoder.top_k].astype(np.int32)
    values = rows[:, encoder.top_k :].astype(np.float32)
    n, k = indices.shape
    matrix = sparse.csr_matrix(
        (values.ravel(), (np.repeat(np.arange(n), k), indices.ravel())), shape=(n, encoder.dim)
    )
    matrix.eliminate_zeros()
    return matrix


def fill_backend(
    settings: IndexingSettings,
    directory: Path,
    embedder: Embedder,
    batch: Batch,
    previous: tuple[Path, dict[str, Any]] | None,
    documents: dict[str, str],
) -> tuple[Backend, dict[str, Any]]:
    """The build's backend holding ``batch``, and what changed: ``upserted`` points and
    ``deleted_documents``. With ``previous`` (the published build's directory and manifest,
    when compatible), only the documents whose file changed (``documents``: id -> sha256 of
    the corpus now) are deleted and upserted."""
    channels = build_channels(embedder, settings)
    if previous is None or _channels(previous[1]) != channels:
        backend = _fresh_backend(settings, directory, embedder, batch)
        return backend, {"upserted": len(batch), "deleted_documents": []}
    before, manifest = previous
    old = {doc: entry["sha256"] for doc, entry in manifest["documents"].items()}
    changed = [d for d in documents if old.get(d) != documents[d]]
    removed = [d for d in old if d not in documents]
    backend = fork_backend(before, directory, manifest["backend"], settings)
    try:
        backend.ping()  # an unreachable engine fails the build before anything changes
        for doc in changed + removed:
            backend.delete(doc)
        rows = [i for i, p in enumerate(batch.payloads) if p["doc"] in set(changed)]
        backend.upsert(batch.take(rows))
        backend.flush()
        backend.optimize()
    finally:
        backend.close()
    return backend, {"upserted": len(rows), "deleted_documents": sorted(changed + removed)}


def _channels(manifest: dict[str, Any]) -> list[Channel]:
    return [Channel.from_dict(c) for c in manifest.get("backend", {}).get("channels", [])]
