"""The retrieval boundary: what every backend (local files, Qdrant) offers the searcher.

A backend holds one point per passage, keyed by the passage id, with a payload to filter on
and one entry per *channel*. A channel is a named way to rank passages; its kind says what
it stores and how it scores:

``dense``   one unit vector per passage, cosine (inner product)            query (dim,)
``multi``   several unit vectors per passage, scored by the best one       query (dim,)
``sparse``  a sparse vector per passage, dot product                       query (n_features,)
``bm25``    a text per passage, BM25 over the channel's tokeniser          query: text

``search(channel, query, k, filters)`` returns the ``k`` best passages of that channel among
those the filters accept, best first, with positive scores only for ``sparse`` and ``bm25``:
top-k and filtering happen inside the backend. Fusion lives above (``service/fusion.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from indexer.backends.batch import Batch
from indexer.backends.channel import Channel, ChannelKind

# The channels of an index built with the default embedder (names are stable: fusion
# weights, the manifest and Qdrant's named vectors use them).
DENSE, SENTENCES, LATENT, LEXICAL = "dense", "sentences", "latent", "lexical"
LEXICAL_EN = "lexical_en"  # BM25 over the passages' English field (indexer.english)
SENTENCES2 = "sentences2"  # best sentence per passage, by the index's second encoder


def default_channels(
    dim: int,
    has_sparse: bool,
    k1: float = Channel.k1,
    b: float = Channel.b,
    second: tuple[str, int] | None = None,
) -> list[Channel]:
    """The channels of a build: ``dim`` of the embedder's vectors, its sparse head, the BM25
    parameters, and ``second``: (embedder id, dim) of a second encoder's sentence vectors."""
    channels = [
        Channel(DENSE, ChannelKind.DENSE, dim),
        Channel(SENTENCES, ChannelKind.MULTI, dim),
        Channel(LEXICAL, ChannelKind.BM25, tokenizer="fr", k1=k1, b=b),
        Channel(LEXICAL_EN, ChannelKind.BM25, tokenizer="en", k1=k1, b=b),
    ]
    if has_sparse:
        channels.append(Channel(LATENT, ChannelKind.SPARSE))
    if second is not None:
        channels.append(Channel(SENTENCES2, ChannelKind.MULTI, second[1], encoder=second[0]))
    return channels


FROM_PAYLOAD = object()  # Filters.accepts: the status is the payload's


@dataclass(frozen=True)
class Filters:
    """Restrict results; ``None`` fields do not filter. Every field is in the payload of the
    points (``passage_payload``), so the backends apply them all."""

    doc: str | None = None
    section: str | None = None  # section key prefix, e.g. "3-1" or "partie-ii"
    task: str | None = None
    org: str | None = None  # glossary code
    kind: str | None = None  # passage kind: "text", "footnote", "task", "task-overview"
    status: str | None = None  # a deliverable's status key ("En suspens", ...)

    def accepts(self, item: Any, status: Any = FROM_PAYLOAD) -> bool:
        """Whether ``item`` passes: a point's payload (see ``passage_payload``) or a
        ``Passage`` (which has no status of its own: pass ``status``, the status key of its
        deliverable, or None)."""
        payload = item if isinstance(item, dict) else passage_payload(item)
        if status is FROM_PAYLOAD:
            status = payload.get("status")
        return (
            (self.doc is None or payload["doc"] == self.doc)
            and (self.section is None or payload["section"].startswith(self.section))
            and (self.task is None or payload["task"] == self.task)
            and (self.org is None or self.org in payload["organisations"])
            and (self.kind is None or payload["kind"] == self.kind)
            and (self.status is None or status == self.status)
        )

    def __bool__(self) -> bool:
        fields = (self.doc, self.section, self.task, self.org, self.kind, self.status)
        return any(v is not None for v in fields)


def passage_payload(passage: Any, status: str | None = None) -> dict[str, Any]:
    """What a backend stores beside a passage's vectors to filter on (``passage``: an
    ``indexer.models.Passage``; ``status``: its deliverable's status key, see
    ``indexer.chunk.deliverable_statuses``)."""
    return {
        "doc": passage.doc_id,
        "section": passage.section_key,
        "task": passage.task_id,
        "organisations": list(passage.organisations),
        "kind": passage.kind,
        "status": status,
    }


class BackendError(RuntimeError):
    """A backend cannot serve or store: the message says what is wrong and what to run."""


class BackendUnavailableError(BackendError):
    """The engine behind the backend cannot be reached (or timed out): retry later."""


Ranking = tuple[np.ndarray, np.ndarray]  # ids (k,) object (passage ids), scores (k,) float32


class Backend(Protocol):
    """One index's points. ``kind`` is what ``/health`` reports: "local", "qdrant-edge" or
    "qdrant"."""

    kind: str
    channels: dict[str, Channel]

    def upsert(self, batch: Batch) -> None:
        """Insert or replace the points ``batch.ids``."""
        ...

    def delete(self, doc_id: str) -> None:
        """Remove every point of document ``doc_id``."""
        ...

    def search(self, channel: str, query: Any, k: int, filters: Filters | None = None) -> Ranking:
        """The ``k`` best passages of ``channel`` for ``query`` among those ``filters``
        accepts: ids (<= k,) and scores (<= k,), best first."""
        ...

    def idf(self, channel: str, tokens: Iterable[str]) -> dict[str, float]:
        """``log(1 + N / df)`` of each (already tokenised) token of a bm25 channel; an
        unknown token counts as df = 1."""
        ...

    def export(self, channel: str) -> tuple[list[str], Any]:
        """Every point's id and its data for ``channel`` as in ``Batch`` (dense: (n, dim),
        multi: (vectors, owners), sparse: CSR (n, n_features), bm25: texts)."""
        ...

    def ids(self) -> list[str]:
        """Every point id, in the backend's order."""
        ...

    def vectors_of(self, channel: str, passage_id: str) -> np.ndarray:
        """The stored vectors of one point for a dense or multi channel: (m, dim) float32."""
        ...

    def flush(self) -> None:
        """Make every upsert and delete durable (and visible to searches)."""
        ...

    def configure(self, ef_search: int | None = None) -> None:
        """Search-time knobs: HNSW candidates per search (never fewer than the depth)."""
        ...

    def memory_bytes(self, channel: str) -> int | None:
        """Memory ``channel`` holds (vectors, graph links, posting lists), if known."""
        ...

    def optimize(self) -> None:
        """Build the engine's search indexes of what was flushed (Qdrant: HNSW and sparse
        indexes of the appendable segment, otherwise searched by a full scan)."""
        return None

    def publish(self) -> None:
        """Make this build the one readers of the engine see (a remote alias); after the
        build directory is published."""
        return None

    def discard(self) -> None:
        """Drop what a failed build wrote outside its directory (a remote collection)."""
        return None

    def ping(self) -> None:
        """Raise ``BackendUnavailableError`` unless the engine answers."""
        return None

    def close(self) -> None: ...


def empty_ranking() -> Ranking:
    return np.zeros(0, dtype=object), np.zeros(0, dtype=np.float32)
