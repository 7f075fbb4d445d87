"""What the Qdrant backends (embedded edge shard and remote cluster) share: point ids,
payloads, named vectors, and BM25 as a sparse vector with Qdrant's IDF modifier.

BM25 (Lucene variant, as bm25s computes it): a passage stores, for each token ``t`` of the
channel's tokeniser (``indexer.text.tokens``), ``tf / (tf + k1 (1 - b + b dl / avgdl))`` at
index ``hash(t)``; a query stores the count of each of its tokens; Qdrant multiplies by
``ln(1 + (N - df + 0.5) / (df + 0.5))`` (the IDF modifier, computed over the collection).
So scores equal bm25s's, and one document changes only its own points. ``TermStats`` keeps
N, the token total and df per hashed token beside the index, for ``avgdl`` and ``idf``.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from indexer.backends.base import Channel, ChannelKind, Filters, Ranking
from indexer.backends.batch import Batch
from indexer.text.tokens import TOKENIZERS

NAMESPACE = uuid.UUID("5f1e0c2a-9a57-4d4e-9d57-2b1a3c7e0f15")
PAYLOAD_INDEXES = ("id", "doc", "sections", "task", "organisations", "kind", "status")
STATS = "qdrant_bm25_stats.json"


def point_id(passage_id: str) -> str:
    """A stable UUID per passage id (Qdrant ids are integers or UUIDs)."""
    return str(uuid.uuid5(NAMESPACE, passage_id))


def vector_name(channel: Channel) -> str:
    """The named vector of ``channel``: the French BM25 channel "lexical" is "bm25"."""
    return "bm25" if channel.name == "lexical" else channel.name


def payload(pid: str, base: dict[str, Any], lengths: dict[str, int]) -> dict[str, Any]:
    """Payload of a point: the passage id, the filter fields (``section`` also as every
    prefix in ``sections``, for the prefix filter) and each bm25 channel's token count."""
    section = base.get("section") or ""
    out = {"id": pid, **base, "sections": [section[:i] for i in range(1, len(section) + 1)]}
    out["bm25_len"] = lengths
    return out


def filter_conditions(filters: Filters | None) -> list[tuple[str, str]]:
    """(payload key, value) pairs that must all match."""
    if not filters:
        return []
    pairs = [
        ("doc", filters.doc),
        ("sections", filters.section),
        ("task", filters.task),
        ("organisations", filters.org),
        ("kind", filters.kind),
        ("status", filters.status),
    ]
    return [(key, value) for key, value in pairs if value is not None]


def token_index(token: str) -> int:
    """The sparse index of a token: 32 bits of its BLAKE2b hash."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=4).digest(), "big")


def query_terms(channel: Channel, text: str) -> tuple[list[int], list[float]]:
    """Sparse query of ``text``: (indices, counts) of its tokens."""
    counts = Counter(token_index(t) for t in TOKENIZERS[channel.tokenizer](text))
    return list(counts), [float(c) for c in counts.values()]


def query_vector(channel: Channel, query: Any) -> Any:
    """The engine's query for ``channel`` in plain lists: dense, a (dim,) vector -> list;
    multi -> [list]; sparse, a (vocabulary,) vector, and bm25, a text -> (indices, values)
    for the caller's SparseVector type; None when it cannot match anything."""
    if channel.kind == ChannelKind.DENSE:
        return np.asarray(query, dtype=np.float32).tolist()
    if channel.kind == ChannelKind.MULTI:
        return [np.asarray(query, dtype=np.float32).tolist()]
    if channel.kind == ChannelKind.SPARSE:
        query = np.asarray(query, dtype=np.float32)
        indices = np.flatnonzero(query)
        return (indices.tolist(), query[indices].tolist()) if len(indices) else None
    indices, counts = query_terms(channel, query)
    return (indices, counts) if indices else None


@dataclass
class TermStats:
    """One bm25 channel's statistics: points, total tokens, df per hashed token."""

    n: int = 0
    total: int = 0
    df: Counter = field(default_factory=Counter)

    @property
    def avgdl(self) -> float:
        return self.total / self.n if self.n else 1.0

    def add(self, indices: Iterable[int], length: int, sign: int = 1) -> None:
        self.n += sign
        self.total += sign * length
        for i in indices:
            self.df[i] += sign
            if self.df[i] <= 0:
                del self.df[i]

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        return {t: float(np.log1p(self.n / max(self.df.get(token_index(t), 0), 1))) for t in tokens}


def forget(stats: dict[str, TermStats], channels: dict[str, Channel], records: list[Any]) -> None:
    """Take the bm25 terms of points about to be replaced or deleted out of ``stats``."""
    for record in records:
        for name, channel in channels.items():
            if channel.kind == ChannelKind.BM25:
                terms = (record.vector or {}).get(vector_name(channel))
                indices = terms.indices if terms is not None else []
                stats[name].add(indices, record.payload["bm25_len"][name], sign=-1)


def load_stats(directory: Path) -> dict[str, TermStats]:
    path = directory / STATS
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        name: TermStats(s["n"], s["total"], Counter({int(k): v for k, v in s["df"].items()}))
        for name, s in data.items()
    }


def save_stats(directory: Path, stats: dict[str, TermStats]) -> None:
    data = {name: {"n": s.n, "total": s.total, "df": dict(s.df)} for name, s in stats.items()}
    directory.mkdir(parents=True, exist_ok=True)
    (directory / STATS).write_text(json.dumps(data), encoding="utf-8")


@dataclass
class PointData:
    """One point, engine-neutral: vectors as lists, sparse vectors as (indices, values)."""

    id: str
    vectors: dict[str, Any]
    payload: dict[str, Any]


def points(
    batch: Batch, channels: dict[str, Channel], stats: dict[str, TermStats]
) -> list[PointData]:
    """The points of ``batch``; adds their bm25 terms to ``stats`` first (for avgdl)."""
    bm25 = {n: c for n, c in channels.items() if c.kind == ChannelKind.BM25}
    tokens = {n: [TOKENIZERS[c.tokenizer](t) for t in batch.texts[n]] for n, c in bm25.items()}
    for name, rows in tokens.items():
        for row in rows:
            stats.setdefault(name, TermStats()).add({token_index(t) for t in row}, len(row))
    owners = {n: _split(v, o, len(batch)) for n, (v, o) in batch.multi.items()}
    out = []
    for row, pid in enumerate(batch.ids):
        vectors: dict[str, Any] = {}
        for name, channel in channels.items():
            key = vector_name(channel)
            if channel.kind == ChannelKind.DENSE:
                vectors[key] = batch.dense[name][row].tolist()
            elif channel.kind == ChannelKind.MULTI:
                vectors[key] = owners[name][row].tolist()
            elif channel.kind == ChannelKind.SPARSE:
                m = batch.sparse[name][row]
                vectors[key] = (m.indices.tolist(), m.data.astype(float).tolist())
            else:
                vectors[key] = _bm25_terms(tokens[name][row], stats[name].avgdl, channel)
        lengths = {n: len(tokens[n][row]) for n in bm25}
        out.append(PointData(pid, vectors, payload(pid, batch.payloads[row], lengths)))
    return out


def _split(vectors: np.ndarray, owners: np.ndarray, n: int) -> list[np.ndarray]:
    """The vectors of each of ``n`` rows, in order: a list of (m_i, dim) arrays."""
    order = np.argsort(owners, kind="stable")
    bounds = np.searchsorted(owners[order], np.arange(n + 1))
    return [vectors[order[a:b]] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _bm25_terms(tokens: list[str], avgdl: float, channel: Channel) -> tuple[list[int], list[float]]:
    counts = Counter(token_index(t) for t in tokens)
    norm = channel.k1 * (1 - channel.b + channel.b * len(tokens) / avgdl)
    return list(counts), [tf / (tf + norm) for tf in counts.values()]


def ranking(found: list[Any], channel: Channel) -> Ranking:
    """An engine's scored points (``payload["id"]``, ``score``) as a Ranking; a sparse or
    bm25 channel keeps the positive scores only (the backends' contract)."""
    if channel.kind in (ChannelKind.SPARSE, ChannelKind.BM25):
        found = [p for p in found if p.score > 0]
    ids = np.array([p.payload["id"] for p in found], dtype=object)
    return ids, np.array([p.score for p in found], dtype=np.float32)


def exported(channel: Channel, data: list[Any]) -> Any:
    """Stored vectors of ``channel``, one per point, shaped as in ``Batch``: dense (n, dim)
    float32; multi (vectors (m, dim) float32, owners (m,) int32); sparse an (n, width) CSR
    matrix (``data``: the engine's sparse vectors, with ``indices`` and ``values``)."""
    if channel.kind == ChannelKind.DENSE:
        return np.asarray(data, dtype=np.float32).reshape(len(data), channel.dim)
    if channel.kind == ChannelKind.MULTI:
        owners = np.repeat(np.arange(len(data)), [len(d) for d in data]).astype(np.int32)
        return np.asarray(np.vstack(data), dtype=np.float32), owners
    indptr = np.concatenate([[0], np.cumsum([len(v.indices) for v in data])])
    indices = np.concatenate([np.asarray(v.indices, np.int64) for v in data] or [[]])
    values = np.concatenate([np.asarray(v.values, np.float32) for v in data] or [[]])
    width = int(indices.max()) + 1 if len(indices) else 0
    return sparse.csr_matrix((values, indices, indptr), shape=(len(data), width))
