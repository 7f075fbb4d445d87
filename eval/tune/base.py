"""The plug-in interface of ``python -m eval.tune``: a tuner is a module of this package
with ``ORDER`` (run order, int) and ``run(ctx: Context) -> Result``.

A tuner reads the dev questions only (``ctx.questions``), searches with ``ctx.engine()``
(built for ``ctx.settings``: the shipped values with the choices of the tuners run before it)
and returns the settings it chose (written to ``indexer/data/tuned.json``, which
``service.settings.RetrievalSettings`` reads as its defaults), any other committed file it produces
(e.g. the answer model) and a report (grid, objective, dev metrics) stamped into tuned.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eval.questions import Question
from indexer.embed import Embedder
from service.engine import Engine, load_engine
from service.settings import Settings


@dataclass
class Result:
    settings: dict[str, Any] = field(default_factory=dict)  # Settings field -> chosen value
    files: dict[str, Any] = field(default_factory=dict)  # repo path -> JSON content
    report: dict[str, Any] = field(default_factory=dict)  # grid, objective, dev metrics


class CachingEmbedder:
    """An embedder that encodes each query text once (dense and latent terms): every tuner
    and every grid point searches the same dev questions."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._queries: dict[str, np.ndarray] = {}
        self.sparse = _CachingSparse(embedder.sparse) if embedder.sparse is not None else None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._embedder, name)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """(n, dim) float32, like the wrapped embedder's."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._queries))
        if missing:
            vectors = self._embedder.embed_queries(missing)
            self._queries.update(zip(missing, vectors, strict=True))
        return np.stack([self._queries[t] for t in texts])


class _CachingSparse:
    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self._queries: dict[str, np.ndarray] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._encoder, name)

    def encode_query(self, text: str) -> np.ndarray:
        if text not in self._queries:
            self._queries[text] = self._encoder.encode_query(text)
        return self._queries[text]


@dataclass
class Context:
    settings: Settings  # shipped values + the choices of the tuners run before
    questions: list[Question]  # the dev split only
    texts: dict[str, str]  # doc_id -> raw corpus text (for the qrels)
    shipped: dict[str, Any]  # the values tuned.json holds now: ties keep them
    embedder: CachingEmbedder

    def engine(self, **overrides: Any) -> Engine:
        """The engine for ``ctx.settings`` (with ``overrides``), on the caching embedder."""
        return load_engine(self.settings.updated(**overrides), self.embedder)
