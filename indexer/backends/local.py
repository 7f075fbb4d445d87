"""The ``local`` backend: FAISS, posting lists and bm25s files inside the build directory.

Points live in rows: row i of every store is ``ids[i]``. ``upsert`` and ``delete`` change the
rows of the points they name and mark the stores stale; the next search or ``flush``
rebuilds them from the rows (cheap at one machine's scale: 0.2 s for the real corpus).

Files (the default channels keep the names of index format 4)::

    local_points.jsonl   one line per row: id, payload, the texts of the bm25 channels
    vectors.faiss        dense channel "dense" (other dense channels: <name>.faiss)
    sentences.faiss, sentence_owners.npy   multi channel "sentences"
    sparse.npz           sparse channel "latent" (others: <name>.npz)
    bm25/                bm25 channel "lexical" (others: bm25-<name>/)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

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
from indexer.backends.stores import (
    HNSW_EF_SEARCH,
    HNSW_M,
    DenseStore,
    LexicalStore,
    SentenceStore,
    SparseStore,
)
from indexer.text.tokens import TOKENIZERS

POINTS = "local_points.jsonl"
REBUILD = "run `python -m indexer build`"


@dataclass
class HnswOptions:
    """FAISS HNSW above ``threshold`` vectors per store: ``m`` links, ``ef_search`` candidates."""

    threshold: int = 20_000
    ef_search: int = HNSW_EF_SEARCH
    m: int = HNSW_M


def _files(channel: Channel) -> list[str]:
    """The files (or directory) of ``channel`` in a build directory."""
    legacy = {
        ("dense", ChannelKind.DENSE): ["vectors.faiss"],
        ("sentences", ChannelKind.MULTI): ["sentences.faiss", "sentence_owners.npy"],
        ("latent", ChannelKind.SPARSE): ["sparse.npz"],
        ("lexical", ChannelKind.BM25): ["bm25"],
    }.get((channel.name, channel.kind))
    if legacy:
        return legacy
    return {
        ChannelKind.DENSE: [f"{channel.name}.faiss"],
        ChannelKind.MULTI: [f"{channel.name}.faiss", f"{channel.name}_owners.npy"],
        ChannelKind.SPARSE: [f"{channel.name}.npz"],
        ChannelKind.BM25: [f"bm25-{channel.name}"],
    }[channel.kind]


class LocalBackend(Backend):
    kind = "local"

    def __init__(
        self,
        channels: list[Channel],
        hnsw: HnswOptions | None = None,
        directory: Path | None = None,
    ) -> None:
        self.channels = {c.name: c for c in channels}
        self.hnsw = hnsw or HnswOptions()
        self.directory = directory  # where ``flush`` writes; None: in memory only
        self._ids: list[str] = []
        self._payloads: list[dict[str, Any]] = []
        self._texts: dict[str, list[str]] = {c.name: [] for c in channels if c.kind == "bm25"}
        self._stores: dict[str, Any] = {}
        # the data of every row; None when loaded (read back from the stores to change it)
        self._rows: Batch | None = Batch([], [])
        self._masks: dict[Filters, np.ndarray] = {}
        self._ef_search: int | None = None  # set by ``configure``; None: the index file's

    # --- writing --------------------------------------------------------------------------

    def upsert(self, batch: Batch) -> None:
        if not len(batch):
            return
        rows = self._all_rows()
        replaced = set(batch.ids)
        kept = [i for i, pid in enumerate(rows.ids) if pid not in replaced]
        self._set_rows(rows.take(kept).concat(batch, self.channels.values()))

    def delete(self, doc_id: str) -> None:
        rows = self._all_rows()
        kept = [i for i, p in enumerate(rows.payloads) if p["doc"] != doc_id]
        if len(kept) < len(rows):
            self._set_rows(rows.take(kept))

    def flush(self) -> None:
        """Build stale stores and, with a directory, write every file."""
        self._build_stores()
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        with (self.directory / POINTS).open("w", encoding="utf-8") as out:
            for row, (pid, payload) in enumerate(zip(self._ids, self._payloads, strict=True)):
                texts = {name: texts[row] for name, texts in self._texts.items()}
                out.write(json.dumps({"id": pid, "payload": payload, "texts": texts}) + "\n")
        for name, store in self._stores.items():
            store.save(self.directory, *_files(self.channels[name]))

    def _set_rows(self, rows: Batch) -> None:
        self._rows = rows
        self._ids, self._payloads = list(rows.ids), list(rows.payloads)
        self._texts = {name: list(rows.texts[name]) for name in self._texts}
        self._stores, self._masks = {}, {}

    def _all_rows(self) -> Batch:
        """Every row's data, read back from the stores when the backend was loaded."""
        if self._rows is None:
            rows = Batch(list(self._ids), list(self._payloads), texts=dict(self._texts))
            for name in self.channels:
                self._read_back(rows, name)
            self._rows = rows
        return self._rows

    def _read_back(self, rows: Batch, name: str) -> None:
        kind, store = self.channels[name].kind, self._stores.get(name)
        if kind == ChannelKind.DENSE:
            rows.dense[name] = store.all_vectors()
        elif kind == ChannelKind.MULTI:
            rows.multi[name] = (store.all_vectors(), store.owners)
        elif kind == ChannelKind.SPARSE:
            rows.sparse[name] = store.rows()

    def _build_stores(self) -> None:
        rows, h = self._rows, self.hnsw
        if rows is None or self._stores:
            return
        for name, channel in self.channels.items():
            if channel.kind == ChannelKind.DENSE:
                store = DenseStore.build(rows.dense[name], h.threshold, h.ef_search, h.m)
            elif channel.kind == ChannelKind.MULTI:
                vectors, owners = rows.multi[name]
                dense = DenseStore.build(vectors, h.threshold, h.ef_search, h.m)
                store = SentenceStore(dense, owners)
            elif channel.kind == ChannelKind.SPARSE:
                store = SparseStore.from_rows(rows.sparse[name])
            else:
                store = LexicalStore.build(
                    rows.texts[name], channel.tokenizer, channel.k1, channel.b
                )
            self._stores[name] = store

    # --- reading --------------------------------------------------------------------------

    @classmethod
    def load(cls, directory: Path, channels: list[Channel]) -> LocalBackend:
        """Raises ``BackendError`` (with what to run) when a file is unreadable or the stores
        do not hold one row per point."""
        backend = cls(channels, directory=directory)
        try:
            lines = (directory / POINTS).read_text(encoding="utf-8").splitlines()
            points = [json.loads(line) for line in lines]
            backend._ids = [p["id"] for p in points]
            backend._payloads = [p["payload"] for p in points]
            backend._texts = {n: [p["texts"][n] for p in points] for n in backend._texts}
            for name, channel in backend.channels.items():
                backend._stores[name] = _load_store(directory, channel)
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            raise BackendError(f"{directory} cannot be read ({exc}): {REBUILD}") from exc
        backend._rows = None  # read back from the stores if a point changes
        backend._check()
        return backend

    def _check(self) -> None:
        n, problems = len(self._ids), []
        for name, store in self._stores.items():
            if self.channels[name].kind == ChannelKind.MULTI:
                owners = store.owners
                if len(owners) != len(store) or (
                    len(owners) and not 0 <= owners.min() <= owners.max() < n
                ):
                    problems.append("sentences of unknown passages")
            elif len(store) != n:
                label = "vectors" if self.channels[name].kind == ChannelKind.DENSE else "rows"
                problems.append(f"{len(store)} {label} of channel {name}")
        if problems:
            raise BackendError(f"{', '.join(problems)} for {n} points: {REBUILD}")

    def __len__(self) -> int:
        return len(self._ids)

    def ids(self) -> list[str]:
        return list(self._ids)

    def vectors_of(self, channel: str, passage_id: str) -> np.ndarray:
        self._build_stores()
        row, store = self._ids.index(passage_id), self._stores[channel]
        if self.channels[channel].kind == ChannelKind.MULTI:
            return store.of_passage(row)
        return store.vectors(np.array([row]))

    def export(self, channel: str) -> tuple[list[str], Any]:
        rows = self._all_rows()
        kind = self.channels[channel].kind
        data = {
            ChannelKind.DENSE: rows.dense,
            ChannelKind.MULTI: rows.multi,
            ChannelKind.SPARSE: rows.sparse,
            ChannelKind.BM25: rows.texts,
        }[kind][channel]
        return list(rows.ids), data

    def search(self, channel: str, query: Any, k: int, filters: Filters | None = None) -> Ranking:
        self._build_stores()
        store, kind = self._stores.get(channel), self.channels[channel].kind
        n = len(self._ids)
        if store is None or n == 0 or k <= 0:
            return empty_ranking()
        mask = self._mask(filters) if filters else None
        if kind == ChannelKind.DENSE:
            depth = n if filters else k
            scores, rows = store.search(np.asarray(query)[None, :], depth, self._ef_search)
            rows, scores = rows[0], scores[0]
            keep = rows >= 0 if mask is None else (rows >= 0) & mask[np.maximum(rows, 0)]
            rows, scores = rows[keep][:k], scores[keep][:k]
        elif kind == ChannelKind.MULTI:
            rows, scores = store.search(np.asarray(query), n if filters else k, n)
            if mask is not None:
                keep = mask[rows]
                rows, scores = rows[keep][:k], scores[keep][:k]
        else:
            if kind == ChannelKind.SPARSE:
                full = store.scores(np.asarray(query, dtype=np.float32))
            else:
                full = store.scores(TOKENIZERS[self.channels[channel].tokenizer](query))
            if mask is not None:
                full = np.where(mask, full, 0.0)
            rows = _top(full, k)
            scores = full[rows]
        ids = np.array([self._ids[r] for r in rows], dtype=object)
        return ids, np.asarray(scores, dtype=np.float32)

    def _mask(self, filters: Filters) -> np.ndarray:
        """Which rows ``filters`` accepts: (n,) bool, cached per filter."""
        if filters not in self._masks:
            self._masks[filters] = np.array([filters.accepts(p) for p in self._payloads], bool)
        return self._masks[filters]

    def idf(self, channel: str, tokens: Iterable[str]) -> dict[str, float]:
        self._build_stores()
        return self._stores[channel].idf(list(tokens))

    def memory_bytes(self, channel: str) -> int | None:
        """Memory of ``channel``'s vectors, graph links and posting lists; None for bm25s."""
        self._build_stores()
        return getattr(self._stores[channel], "nbytes", None)

    def configure(self, ef_search: int | None = None) -> None:
        """HNSW candidates per search from now on (never fewer than the depth asked)."""
        if ef_search is not None:
            self.hnsw.ef_search = self._ef_search = ef_search

    def close(self) -> None:
        self._stores = {}


def _load_store(directory: Path, channel: Channel) -> Any:
    files = _files(channel)
    if channel.kind == ChannelKind.DENSE:
        return DenseStore.load(directory, *files)
    if channel.kind == ChannelKind.MULTI:
        return SentenceStore.load(directory, *files)
    if channel.kind == ChannelKind.SPARSE:
        return SparseStore.load(directory, *files)
    return LexicalStore.load(directory, *files)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest positive entries of ``scores`` (n,), best first."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
    return positive[np.argsort(-scores[positive], kind="stable")]
