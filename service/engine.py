"""The loaded index with its searcher and answerer, swappable at run time (reload)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

from indexer.embed import Embedder, make_embedder
from indexer.index import Index, load_index
from service.answers import Answerer
from service.answers.scorer import Scorer
from service.search import Searcher
from service.settings import Settings


@dataclass
class Engine:
    index: Index
    searcher: Searcher
    answerer: Answerer

    @property
    def titles(self) -> dict[str, str]:
        return self.index.titles


def load_engine(
    settings: Settings, embedder: Embedder | None = None, scorer: Scorer | None = None
) -> Engine:
    """Load the published index; raises the indexer's IndexError_ subclasses on problems,
    ``ModelError`` on a bad answer model (``scorer`` replaces the shipped one)."""
    indexing = settings.indexing
    embedder = embedder or make_embedder(
        indexing.embedder, indexing.st_query_prefix, indexing.st_passage_prefix
    )
    index = load_index(indexing.index_dir, embedder.id, indexing)
    searcher = Searcher(index, embedder, settings.retrieval)
    scorer = scorer or Scorer.load()
    if settings.answers.min_answer_score is not None:
        scorer = replace(scorer, threshold=settings.answers.min_answer_score)
    return Engine(index, searcher, Answerer(searcher, scorer, settings.answers))


class EngineHolder:
    """Holds the current engine; ``reload`` loads the new build before swapping it in,
    so requests in flight finish on the old one and none ever sees a half-loaded index."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self._engine = engine
        self._lock = threading.Lock()

    @property
    def current(self) -> Engine:
        return self._engine

    def reload(self) -> Engine:
        with self._lock:
            fresh = load_engine(self.settings, self._engine.searcher.embedder)
            self._engine = fresh
            return fresh
