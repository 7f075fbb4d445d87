"""The ``qdrant`` backend, embedded: a Qdrant Edge shard (``qdrant-edge-py``, the Qdrant
engine in-process) inside the build directory, ``<build>/qdrant/``.

One point per passage (``qdrant_points``): named vectors ``dense`` (cosine, HNSW),
``sentences`` (multivector, max-sim: a passage scores as its best sentence), ``latent``
(sparse, dot product) and ``bm25`` (sparse, IDF modifier); keyword payload indexes on every
filtered field. Filters and top-k run inside the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_edge import (
    CountRequest,
    Distance,
    EdgeConfig,
    EdgeShard,
    EdgeSparseVectorParams,
    EdgeVectorParams,
    FieldCondition,
    Filter,
    HnswIndexConfig,
    MatchValue,
    Modifier,
    MultiVectorComparator,
    MultiVectorConfig,
    PayloadSchemaType,
    Point,
    Query,
    QueryRequest,
    ScrollRequest,
    SearchParams,
    SparseVector,
    UpdateOperation,
)

from indexer.backends.base import (
    Backend,
    BackendError,
    Channel,
    ChannelKind,
    Filters,
    Ranking,
    empty_ranking,
)
from indexer.backends.batch import Batch
from indexer.backends.qdrant_points import (
    PAYLOAD_INDEXES,
    TermStats,
    exported,
    filter_conditions,
    forget,
    load_stats,
    point_id,
    points,
    query_vector,
    ranking,
    save_stats,
    vector_name,
)
from indexer.backends.stores import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M

SHARD = "qdrant"
PAGE = 1024


class EdgeBackend(Backend):
    kind = "qdrant-edge"

    def __init__(self, shard: EdgeShard, directory: Path, channels: list[Channel]) -> None:
        self._shard = shard
        self.directory = directory
        self.channels = {c.name: c for c in channels}
        self._stats: dict[str, TermStats] = load_stats(directory)
        self._ef = HNSW_EF_SEARCH

    @classmethod
    def create(cls, directory: Path, channels: list[Channel], hnsw_m: int = HNSW_M) -> EdgeBackend:
        directory.mkdir(parents=True, exist_ok=True)
        shard = EdgeShard.create(str(directory / SHARD), _config(channels, hnsw_m))
        for key in PAYLOAD_INDEXES:
            shard.update(UpdateOperation.create_field_index(key, PayloadSchemaType.Keyword))
        return cls(shard, directory, channels)

    @classmethod
    def load(cls, directory: Path, channels: list[Channel]) -> EdgeBackend:
        path = directory / SHARD
        if not path.is_dir():
            raise BackendError(f"{path} is missing: run `python -m indexer build`")
        try:
            return cls(EdgeShard.load(str(path)), directory, channels)
        except Exception as exc:  # the engine raises plain exceptions with its message
            message = f"{path} cannot be opened ({exc}): run `python -m indexer build`"
            raise BackendError(message) from exc

    # --- writing --------------------------------------------------------------------------

    def upsert(self, batch: Batch) -> None:
        if not len(batch):
            return
        forget(self._stats, self.channels, self._retrieve([point_id(i) for i in batch.ids]))
        for start in range(0, len(batch), PAGE):
            part = batch.take(range(start, min(start + PAGE, len(batch))))
            made = points(part, self.channels, self._stats)
            self._shard.update(UpdateOperation.upsert_points([_point(p) for p in made]))

    def delete(self, doc_id: str) -> None:
        where = Filter(must=[FieldCondition("doc", match=MatchValue(doc_id))])
        forget(self._stats, self.channels, self._scroll(where, with_bm25=True))
        self._shard.update(UpdateOperation.delete_points_by_filter(where))

    def flush(self) -> None:
        self._shard.flush()
        save_stats(self.directory, self._stats)

    def optimize(self) -> None:
        self._shard.optimize()

    def _retrieve(self, ids: list[str]) -> list[Any]:
        names = [vector_name(c) for c in self.channels.values() if c.kind == ChannelKind.BM25]
        found = []
        for start in range(0, len(ids), PAGE):
            found += self._shard.retrieve(ids[start : start + PAGE], True, names or False)
        return found

    # --- reading --------------------------------------------------------------------------

    def search(self, channel: str, query: Any, k: int, filters: Filters | None = None) -> Ranking:
        spec = self.channels.get(channel)
        if spec is None or k <= 0:
            return empty_ranking()
        vector = _query_vector(spec, query)
        if vector is None:
            return empty_ranking()
        request = QueryRequest(
            limit=k,
            query=Query.Nearest(vector, using=vector_name(spec)),
            filter=_filter(filters),
            with_payload=["id"],
            params=SearchParams(hnsw_ef=max(self._ef, k)),
        )
        return ranking(self._shard.query(request), spec)

    def idf(self, channel: str, tokens: Iterable[str]) -> dict[str, float]:
        return self._stats.get(channel, TermStats()).idf(list(tokens))

    def ids(self) -> list[str]:
        return [r.payload["id"] for r in self._scroll(None)]

    def __len__(self) -> int:
        return self._shard.count(CountRequest(exact=True))

    def export(self, channel: str) -> tuple[list[str], Any]:
        spec = self.channels[channel]
        if spec.kind == ChannelKind.BM25:
            raise BackendError("a qdrant backend keeps BM25 terms, not texts: export the texts")
        records = self._scroll(None, vectors=[vector_name(spec)])
        ids = [r.payload["id"] for r in records]
        return ids, exported(spec, [r.vector[vector_name(spec)] for r in records])

    def _scroll(
        self, where: Filter | None, with_bm25: bool = False, vectors: list[str] | None = None
    ) -> list[Any]:
        names = vectors or []
        if with_bm25:
            names += [vector_name(c) for c in self.channels.values() if c.kind == "bm25"]
        records, offset = [], None
        while True:
            page, offset = self._shard.scroll(
                ScrollRequest(
                    offset=offset,
                    limit=PAGE,
                    filter=where,
                    with_payload=True,
                    with_vector=names or False,
                )
            )
            records += page
            if offset is None:
                return records

    def vectors_of(self, channel: str, passage_id: str) -> np.ndarray:
        key = vector_name(self.channels[channel])
        (record,) = self._shard.retrieve([point_id(passage_id)], False, [key])
        return np.asarray(record.vector[key], dtype=np.float32).reshape(
            -1, self.channels[channel].dim
        )

    def configure(self, ef_search: int | None = None) -> None:
        if ef_search is not None:
            self._ef = ef_search

    def memory_bytes(self, channel: str) -> int | None:
        return None

    def close(self) -> None:
        if self._shard is not None:
            self._shard.close()
            self._shard = None


def _config(channels: list[Channel], m: int) -> EdgeConfig:
    hnsw = HnswIndexConfig(m=m, ef_construct=HNSW_EF_CONSTRUCTION, full_scan_threshold=10_000)
    dense, sparse_vectors = {}, {}
    for c in channels:
        if c.kind == ChannelKind.DENSE:
            dense[vector_name(c)] = EdgeVectorParams(c.dim, Distance.Cosine, hnsw_config=hnsw)
        elif c.kind == ChannelKind.MULTI:
            multi = MultiVectorConfig(MultiVectorComparator.MaxSim)
            dense[vector_name(c)] = EdgeVectorParams(
                c.dim, Distance.Cosine, multivector_config=multi, hnsw_config=hnsw
            )
        elif c.kind == ChannelKind.SPARSE:
            sparse_vectors[vector_name(c)] = EdgeSparseVectorParams()
        else:
            sparse_vectors[vector_name(c)] = EdgeSparseVectorParams(modifier=Modifier.Idf)
    return EdgeConfig(vectors=dense, sparse_vectors=sparse_vectors, hnsw_config=hnsw)


def _point(p) -> Point:
    vectors = {k: SparseVector(*v) if isinstance(v, tuple) else v for k, v in p.vectors.items()}
    return Point(point_id(p.id), vectors, p.payload)


def _query_vector(channel: Channel, query: Any):
    """The engine's query for ``channel``; None when it cannot match anything."""
    vector = query_vector(channel, query)
    return SparseVector(*vector) if isinstance(vector, tuple) else vector


def _filter(filters: Filters | None) -> Filter | None:
    pairs = filter_conditions(filters)
    if not pairs:
        return None
    return Filter(must=[FieldCondition(key, match=MatchValue(value)) for key, value in pairs])
