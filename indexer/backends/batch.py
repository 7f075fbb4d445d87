"""A batch of passages to upsert into a backend, columnar, one column per channel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

from indexer.backends.channel import Channel, ChannelKind


@dataclass
class Batch:
    """Passages to upsert, columnar: row i of every field is passage ``ids[i]``.

    ``dense``: channel -> (n, dim) float32 unit rows. ``multi``: channel -> (vectors (m, dim)
    float32, owners (m,) int32 rows of this batch; every row owns at least one).
    ``sparse``: channel -> (n, n_features) float32 CSR matrix. ``texts``: channel -> n texts.
    """

    ids: list[str]
    payloads: list[dict[str, Any]]
    dense: dict[str, np.ndarray] = field(default_factory=dict)
    multi: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    sparse: dict[str, sparse.csr_matrix] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def put(self, channel: Channel, data: Any) -> None:
        """Set ``channel``'s column to ``data`` (shaped as ``Backend.export`` returns it)."""
        field_of = {
            ChannelKind.DENSE: self.dense,
            ChannelKind.MULTI: self.multi,
            ChannelKind.SPARSE: self.sparse,
            ChannelKind.BM25: self.texts,
        }
        field_of[channel.kind][channel.name] = data

    def take(self, rows: Sequence[int] | np.ndarray) -> Batch:
        """The passages ``rows`` (m,) of this batch, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        position = np.full(len(self), -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        multi = {}
        for name, (vectors, owners) in self.multi.items():
            keep = np.flatnonzero(position[owners] >= 0)
            order = keep[np.argsort(position[owners[keep]], kind="stable")]
            multi[name] = (vectors[order], position[owners[order]].astype(np.int32))
        return Batch(
            [self.ids[r] for r in rows],
            [self.payloads[r] for r in rows],
            {k: v[rows] for k, v in self.dense.items()},
            multi,
            {k: v[rows] for k, v in self.sparse.items()},
            {k: [v[r] for r in rows] for k, v in self.texts.items()},
        )

    def concat(self, other: Batch, channels: Iterable[Channel]) -> Batch:
        """The rows of this batch, then those of ``other``, for ``channels``."""
        out = Batch(self.ids + other.ids, self.payloads + other.payloads)
        for c in channels:
            if c.kind == ChannelKind.DENSE:
                mine = self.dense.get(c.name, other.dense[c.name][:0])
                out.dense[c.name] = np.vstack([mine, other.dense[c.name]])
            elif c.kind == ChannelKind.MULTI:
                vb, ob = other.multi[c.name]
                va, oa = self.multi.get(c.name, (vb[:0], ob[:0]))
                owners = np.concatenate([oa, ob + len(self)]).astype(np.int32)
                out.multi[c.name] = (np.vstack([va, vb]), owners)
            elif c.kind == ChannelKind.SPARSE:
                b = other.sparse[c.name]
                a = self.sparse.get(c.name, sparse.csr_matrix((0, b.shape[1]), dtype=np.float32))
                width = max(a.shape[1], b.shape[1])
                a, b = (sparse.csr_matrix(m, dtype=np.float32) for m in (a, b))
                a.resize((a.shape[0], width))
                b.resize((b.shape[0], width))
                out.sparse[c.name] = sparse.vstack([a, b], format="csr", dtype=np.float32)
            else:
                out.texts[c.name] = self.texts.get(c.name, []) + other.texts[c.name]
        return out
