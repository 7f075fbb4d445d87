"""The backend contract: every backend, given the same points, answers the same queries
with the same filters with the same top results, and changes by document: ``local``, the
embedded Qdrant Edge shard, and the remote adapter against qdrant-client's local mode (no
Qdrant server can be installed here).

The points are the real corpus's (exported from the session index); the queries are real
questions embedded by the real model. Each backend kind is built from them in a tmp dir.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from indexer.backends import (
    DENSE,
    LATENT,
    LEXICAL,
    SENTENCES,
    Backend,
    Batch,
    Filters,
    create_backend,
    passage_payload,
)
from indexer.chunk import deliverable_statuses
from indexer.settings import IndexingSettings
from indexer.text import tokenize
from service.engine import Engine

QUESTIONS = [
    "Qui est responsable de la tâche 2.13 ?",
    "How many temporary resident permits were issued to victims in 2014?",
    "formation des agents de la GRC sur la traite",
    "atelier 2015 recommandations des participants",
]
FILTERS = [
    None,
    Filters(doc="atelier-2015"),
    Filters(org="GRC"),
    Filters(section="3"),
    Filters(task="2.13"),
    Filters(doc="plan-action-2014-2015", org="GRC"),
    Filters(status="Continu"),
    Filters(status="En cours", org="GRC"),
    Filters(status="En suspens"),
]
# backend as /health names it -> the settings that select it
KINDS = {
    "local": {"backend": "local"},
    "qdrant-edge": {"backend": "qdrant"},
    "qdrant": {"backend": "qdrant", "qdrant_url": "local:{tmp}/engine"},  # qdrant-client local
}


def full_batch(engine: Engine) -> Batch:
    """Every point of the session index, with every channel, read through ``export``."""
    backend = engine.index.backend
    ids = backend.ids()
    by_id, status = {p.id: p for p in engine.index.passages}, statuses(engine)
    batch = Batch(ids, [passage_payload(by_id[i], status.get(i)) for i in ids])
    for name, channel in backend.channels.items():
        batch.put(channel, backend.export(name)[1])
    return batch


def assert_same_ranking(ids, scores, want_ids, want_scores, rtol: float = 1e-3) -> None:
    """Same ids in the same order, except that passages of equal score (identical texts)
    may come in either order, also across the k-th place. Scores within ``rtol``
    (qdrant-client's local mode computes BM25's IDF 0.03 % apart)."""
    np.testing.assert_allclose(scores, want_scores, rtol=rtol, atol=1e-5)

    def equal(a: float, b: float) -> bool:
        return abs(a - b) <= rtol * abs(b) + 1e-5

    for i, (got, want) in enumerate(zip(ids, want_ids, strict=True)):
        if got != want:
            tied = {w for w, s in zip(want_ids, want_scores, strict=True) if equal(scores[i], s)}
            assert got in tied or equal(scores[i], want_scores[-1]), (i, got, want)


@pytest.fixture(scope="module")
def batch(engine: Engine) -> Batch:
    return full_batch(engine)


@pytest.fixture(params=list(KINDS))
def backend(request, engine: Engine, batch: Batch, tmp_path: Path) -> Iterator[Backend]:
    selected = {k: v.format(tmp=tmp_path) for k, v in KINDS[request.param].items()}
    settings = IndexingSettings(index_dir=tmp_path / "index", **selected)
    channels = list(engine.index.backend.channels.values())
    made = create_backend(settings.backend, tmp_path / "build", channels, settings)
    assert made.kind == request.param
    made.upsert(batch)
    made.flush()
    yield made
    made.close()


def queries(engine: Engine) -> list[dict[str, object]]:
    """Per question, the query of each channel."""
    embedder = engine.searcher.embedder
    vectors = embedder.embed_queries(QUESTIONS)
    return [
        {
            DENSE: vector,
            SENTENCES: vector,
            LATENT: embedder.sparse.encode_query(text),
            LEXICAL: text,
        }
        for text, vector in zip(QUESTIONS, vectors, strict=True)
    ]


@pytest.fixture(scope="module")
def channel_queries(engine: Engine) -> list[dict[str, object]]:
    return queries(engine)


@pytest.mark.parametrize("channel", [DENSE, SENTENCES, LATENT, LEXICAL])
def test_same_top_results_as_the_served_index(
    backend: Backend, engine: Engine, channel_queries, channel: str
) -> None:
    reference = engine.index.backend
    passages, status = {p.id: p for p in engine.index.passages}, statuses(engine)
    for query in channel_queries:
        for filters in FILTERS:
            ids, scores = backend.search(channel, query[channel], 10, filters)
            want_ids, want_scores = reference.search(channel, query[channel], 10, filters)
            assert_same_ranking(ids, scores, want_ids, want_scores)
            assert np.all(np.diff(scores) <= 1e-6), "best first"
            if filters:
                assert all(filters.accepts(passages[i], status.get(i)) for i in ids)


def test_optimize_keeps_the_results(backend: Backend, engine: Engine, channel_queries) -> None:
    """Building the engine's search indexes (Qdrant's HNSW and sparse indexes, which the
    scale bench asks for) changes no result, filtered or not."""
    backend.optimize()
    for channel in (DENSE, SENTENCES, LATENT, LEXICAL):
        for query in channel_queries:
            for filters in (None, Filters(org="GRC"), Filters(status="En cours")):
                ids, scores = backend.search(channel, query[channel], 10, filters)
                want = engine.index.backend.search(channel, query[channel], 10, filters)
                assert_same_ranking(ids, scores, *want)


def test_filters_are_applied_before_top_k(backend: Backend, channel_queries, engine) -> None:
    """A filtered search fills its k results from the accepted passages alone."""
    ids, _ = backend.search(DENSE, channel_queries[0][DENSE], 10, Filters(doc="atelier-2015"))
    assert len(ids) == 10 and all(i.startswith("atelier-2015:") for i in ids)
    continuing = {i for i, s in statuses(engine).items() if s == "Continu"}
    for channel in (DENSE, SENTENCES, LATENT, LEXICAL):
        ids, _ = backend.search(channel, channel_queries[0][channel], 10, Filters(status="Continu"))
        assert len(ids) == 10 and set(ids) <= continuing, channel


def statuses(engine: Engine) -> dict[str, str]:
    """Passage id -> its deliverable's status key, from the Annex A records."""
    return deliverable_statuses(engine.index.tasks)


def test_idf_of_tokens(backend: Backend, engine: Engine) -> None:
    tokens = tokenize("traite des personnes victimes GRC zzzunknownzzz")
    idf = backend.idf(LEXICAL, tokens)
    assert set(idf) == set(tokens)
    want = engine.index.backend.idf(LEXICAL, tokens)
    for token in tokens:
        assert idf[token] == pytest.approx(want[token], rel=1e-6)
    n = len(engine.index.passages)
    assert idf["zzzunknownzzz"] == pytest.approx(np.log1p(n))


def test_delete_and_upsert_change_one_document(
    backend: Backend, batch: Batch, channel_queries
) -> None:
    rows = [i for i, p in enumerate(batch.payloads) if p["doc"] == "atelier-2015"]
    before = backend.ids()
    backend.delete("atelier-2015")
    backend.flush()
    assert sorted(backend.ids()) == sorted(i for i in before if not i.startswith("atelier-2015:"))
    for channel in (DENSE, SENTENCES, LATENT, LEXICAL):
        ids, _ = backend.search(channel, channel_queries[3][channel], 20)
        assert not any(i.startswith("atelier-2015:") for i in ids), channel
    backend.upsert(batch.take(rows))
    backend.flush()
    assert sorted(backend.ids()) == sorted(before)
    ids, _ = backend.search(LEXICAL, channel_queries[3][LEXICAL], 5, Filters(doc="atelier-2015"))
    assert len(ids) == 5
