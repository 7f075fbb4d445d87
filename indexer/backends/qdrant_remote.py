"""The ``qdrant`` backend on a remote Qdrant cluster (``TRAITE_QDRANT_URL``, optionally
``TRAITE_QDRANT_API_KEY``), through ``qdrant-client``.

Each build writes a new collection ``<alias>-<build>``; ``publish`` then points the alias
``TRAITE_QDRANT_COLLECTION`` (default ``traite``) at it in one atomic alias operation and
drops collections older than the previous one, so readers of the alias never see half an
index. A service queries the collection its loaded build names (the one that matches its
passages). Points, payloads and BM25 as in ``qdrant_points``.

``TRAITE_QDRANT_URL=local:<dir>`` (or ``:memory:``) uses qdrant-client's local mode, the
same API in-process: the tests use it, no Qdrant server being installable here.

Every engine call that fails (unreachable, timeout, 5xx) raises
``BackendUnavailableError``; the service answers 503 and retries on the next request.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from qdrant_client import QdrantClient, models

from indexer.backends.base import (
    Backend,
    BackendError,
    BackendUnavailableError,
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

PAGE = 256
KEEP = 2  # collections kept per alias: the published one and the one before


@cache
def client(url: str, api_key: str | None, timeout: float) -> QdrantClient:
    """One client per address (local mode allows one per directory and process)."""
    if url == ":memory:":
        return QdrantClient(location=":memory:")
    if url.startswith("local:"):
        return QdrantClient(path=url.removeprefix("local:"))
    return QdrantClient(
        url=url, api_key=api_key, timeout=max(1, round(timeout)), check_compatibility=False
    )


class RemoteBackend(Backend):
    kind = "qdrant"

    def __init__(self, directory: Path, channels: list[Channel], collection: str, settings) -> None:
        self.directory = directory
        self.channels = {c.name: c for c in channels}
        self.collection = collection
        self.alias = settings.qdrant_collection
        self.url = settings.qdrant_url
        self._client = client(
            settings.qdrant_url, settings.qdrant_api_key, settings.qdrant_timeout_s
        )
        self._stats: dict[str, TermStats] = load_stats(directory)
        self._ef = HNSW_EF_SEARCH

    @classmethod
    def create(
        cls, directory: Path, channels: list[Channel], settings, hnsw_m: int = HNSW_M
    ) -> RemoteBackend:
        """A new, empty collection for the build in ``directory``."""
        name = f"{settings.qdrant_collection}-{directory.name.removesuffix('.tmp')}"
        backend = cls(directory, channels, name, settings)
        vectors, sparse_vectors = _config(channels)
        hnsw = models.HnswConfigDiff(m=hnsw_m, ef_construct=HNSW_EF_CONSTRUCTION)
        backend._call(
            backend._client.create_collection,
            name,
            vectors_config=vectors,
            sparse_vectors_config=sparse_vectors,
            hnsw_config=hnsw,
        )
        in_process = settings.qdrant_url == ":memory:" or settings.qdrant_url.startswith("local:")
        for key in PAYLOAD_INDEXES if not in_process else ():  # local mode has no indexes
            backend._call(
                backend._client.create_payload_index, name, key, models.PayloadSchemaType.KEYWORD
            )
        return backend

    @classmethod
    def open(cls, directory: Path, channels: list[Channel], collection: str, settings):
        return cls(directory, channels, collection, settings)

    def _call(self, method, *args, **kwargs):
        """``method(*args, **kwargs)``; any failure of the engine -> BackendUnavailableError."""
        try:
            return method(*args, **kwargs)
        except (ValueError, KeyError) as exc:  # local mode: e.g. an unknown collection
            raise BackendError(f"Qdrant collection {self.collection!r}: {exc}") from exc
        except Exception as exc:  # httpx, grpc and qdrant-client errors share no base class
            raise BackendUnavailableError(
                f"the Qdrant engine at {self.url} did not answer ({type(exc).__name__}: "
                f"{str(exc)[:200]}); retry later"
            ) from exc

    # --- writing --------------------------------------------------------------------------

    def upsert(self, batch: Batch) -> None:
        if not len(batch):
            return
        forget(self._stats, self.channels, self._records(ids=[point_id(i) for i in batch.ids]))
        for start in range(0, len(batch), PAGE):
            part = batch.take(range(start, min(start + PAGE, len(batch))))
            made = [
                models.PointStruct(id=point_id(p.id), vector=_vectors(p.vectors), payload=p.payload)
                for p in points(part, self.channels, self._stats)
            ]
            self._call(self._client.upsert, self.collection, made, wait=True)

    def delete(self, doc_id: str) -> None:
        where = _filter(None, doc=doc_id)
        forget(self._stats, self.channels, self._records(where=where))
        selector = models.FilterSelector(filter=where)
        self._call(self._client.delete, self.collection, selector, wait=True)

    def flush(self) -> None:
        save_stats(self.directory, self._stats)

    def publish(self) -> None:
        """Point the alias at this build's collection, atomically; drop older collections."""
        ops = [
            models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=self.alias)),
            models.CreateAliasOperation(
                create_alias=models.CreateAlias(
                    collection_name=self.collection, alias_name=self.alias
                )
            ),
        ]
        if self.alias in self._aliases():
            self._call(self._client.update_collection_aliases, ops)
        else:
            self._call(self._client.update_collection_aliases, ops[1:])
        names = self._call(self._client.get_collections).collections
        ours = sorted(c.name for c in names if c.name.startswith(f"{self.alias}-"))
        for old in ours[: max(0, ours.index(self.collection) - KEEP + 1)]:
            self._call(self._client.delete_collection, old)

    def discard(self) -> None:
        """Drop this build's collection (a failed build)."""
        self._call(self._client.delete_collection, self.collection)

    def _aliases(self) -> dict[str, str]:
        found = self._call(self._client.get_aliases).aliases
        return {a.alias_name: a.collection_name for a in found}

    def _records(self, ids: list[str] | None = None, where=None, vectors=None) -> list[Any]:
        names = vectors or [
            vector_name(c) for c in self.channels.values() if c.kind == ChannelKind.BM25
        ]
        if ids is not None:
            return self._call(
                self._client.retrieve, self.collection, ids, with_payload=True, with_vectors=names
            )
        records, offset = [], None
        while True:
            page, offset = self._call(
                self._client.scroll,
                self.collection,
                scroll_filter=where,
                limit=PAGE * 4,
                offset=offset,
                with_payload=True,
                with_vectors=names,
            )
            records += page
            if offset is None:
                return records

    # --- reading --------------------------------------------------------------------------

    def search(self, channel: str, query: Any, k: int, filters: Filters | None = None) -> Ranking:
        spec = self.channels.get(channel)
        vector = _query_vector(spec, query) if spec is not None and k > 0 else None
        if vector is None:
            return empty_ranking()
        found = self._call(
            self._client.query_points,
            self.collection,
            query=vector,
            using=vector_name(spec),
            query_filter=_filter(filters),
            search_params=models.SearchParams(hnsw_ef=max(self._ef, k)),
            limit=k,
            with_payload=["id"],
        ).points
        return ranking(found, spec)

    def ping(self) -> None:
        """Raises BackendUnavailableError unless the engine answers for this collection."""
        self._call(self._client.count, self.collection, exact=False)

    def idf(self, channel: str, tokens: Iterable[str]) -> dict[str, float]:
        return self._stats.get(channel, TermStats()).idf(list(tokens))

    def ids(self) -> list[str]:
        return [r.payload["id"] for r in self._records(where=None, vectors=[])]

    def __len__(self) -> int:
        return self._call(self._client.count, self.collection, exact=True).count

    def export(self, channel: str) -> tuple[list[str], Any]:
        spec = self.channels[channel]
        if spec.kind == ChannelKind.BM25:
            raise BackendError("a qdrant backend keeps BM25 terms, not texts: export the texts")
        key = vector_name(spec)
        records = self._records(where=None, vectors=[key])
        ids = [r.payload["id"] for r in records]
        return ids, exported(spec, [r.vector[key] for r in records])

    def vectors_of(self, channel: str, passage_id: str) -> np.ndarray:
        key = vector_name(self.channels[channel])
        (record,) = self._call(
            self._client.retrieve, self.collection, [point_id(passage_id)], with_vectors=[key]
        )
        return np.asarray(record.vector[key], dtype=np.float32).reshape(
            -1, self.channels[channel].dim
        )

    def configure(self, ef_search: int | None = None) -> None:
        if ef_search is not None:
            self._ef = ef_search

    def memory_bytes(self, channel: str) -> int | None:
        return None

    def close(self) -> None:
        pass  # the client is shared per address (see ``client``)


def _config(channels: list[Channel]) -> tuple[dict, dict]:
    dense, sparse_vectors = {}, {}
    for c in channels:
        if c.kind == ChannelKind.DENSE:
            dense[vector_name(c)] = models.VectorParams(size=c.dim, distance=models.Distance.COSINE)
        elif c.kind == ChannelKind.MULTI:
            dense[vector_name(c)] = models.VectorParams(
                size=c.dim,
                distance=models.Distance.COSINE,
                multivector_config=models.MultiVectorConfig(
                    comparator=models.MultiVectorComparator.MAX_SIM
                ),
            )
        elif c.kind == ChannelKind.SPARSE:
            sparse_vectors[vector_name(c)] = models.SparseVectorParams()
        else:
            sparse_vectors[vector_name(c)] = models.SparseVectorParams(modifier=models.Modifier.IDF)
    return dense, sparse_vectors


def _vectors(vectors: dict[str, Any]) -> dict[str, Any]:
    return {
        k: models.SparseVector(indices=v[0], values=v[1]) if isinstance(v, tuple) else v
        for k, v in vectors.items()
    }


def _query_vector(channel: Channel, query: Any):
    """The engine's query for ``channel``; None when it cannot match anything."""
    vector = query_vector(channel, query)
    if isinstance(vector, tuple):
        return models.SparseVector(indices=vector[0], values=vector[1])
    return vector


def _filter(filters: Filters | None, **extra: str) -> models.Filter | None:
    pairs = filter_conditions(filters) + list(extra.items())
    if not pairs:
        return None
    return models.Filter(
        must=[models.FieldCondition(key=k, match=models.MatchValue(value=v)) for k, v in pairs]
    )
