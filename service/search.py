"""Hybrid retrieval: per-channel rankings from the index's backend, fused by weighted
reciprocal rank (``service/fusion.py``).

Dense (the passage vectors), sentences (passages by their best sentence's vector), latent
(e5's latent terms, shared by French and English), lexical (BM25) and sentences2 (passages by
their best sentence for a second encoder, multilingual USE, asked the question's topic: the
question without its question words; it errs where e5 does not). An English question
adds two more rankings: "anchors", BM25 over its names, acronyms, numbers and the French
codes of its organisations, which read the same in the French reports; and "english", BM25
of its own words, with English stemming, over the English field of the passages (channel
"lexical_en", ``indexer.english``: the English of their organisations and domain terms),
and weighs sentences by ``sentence_weight_en``. A task id in the query
sends that task's overview, then its deliverables, to the top; an organisation named in
either language (RCMP -> GRC) in a "who is responsible" or "which tasks" question favours the
Annex A deliverables it is responsible for, and in any English question, the passages that
name it. Filters and top-k run inside the backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from indexer.backends import (
    DENSE,
    LATENT,
    LEXICAL,
    LEXICAL_EN,
    SENTENCES,
    SENTENCES2,
    Filters,
    Ranking,
)
from indexer.embed import Embedder, shared_embedder
from indexer.index import Index
from indexer.models import Passage
from indexer.text import topic
from service import fusion
from service.annex import Annex
from service.query import Query, analyse
from service.settings import RetrievalSettings

__all__ = ["ANCHORS", "ENGLISH", "Filters", "Hit", "Profile", "Searcher"]

ANCHORS = "anchors"  # a second ranking of the lexical channel: the query's anchors alone
ENGLISH = "english"  # an English question over the lexical_en channel (English field)
# Threads for the latent-term and second-encoder passes, beside the request's own dense pass:
# more passes at once than cores only queue inside the engines.
_ENCODERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="query-passes")


@dataclass(frozen=True)
class Profile:
    """What a Searcher fuses: the full system, or one of the eval baselines.

    ``rankings``: names among dense, sentences, latent, lexical, anchors, english, sentences2
    (None: all of them, each at its configured weight). ``analyse``: search the French
    expansions and apply the task/organisation boosts; False searches the raw text.
    """

    rankings: tuple[str, ...] | None = None
    analyse: bool = True


FULL = Profile()


@dataclass
class Hit:
    """One result and why it matched."""

    passage: Passage
    score: float  # fused score, higher is better
    ranks: dict[str, int] = field(default_factory=dict)  # ranking name -> 1-based rank
    scores: dict[str, float] = field(default_factory=dict)  # ranking name -> its score
    matched: list[str] = field(default_factory=list)  # "task 2.13", "organisation GRC"

    @property
    def dense_rank(self) -> int | None:
        return self.ranks.get(DENSE)

    @property
    def dense_score(self) -> float | None:  # cosine similarity
        return self.scores.get(DENSE)

    @property
    def sentence_rank(self) -> int | None:
        return self.ranks.get(SENTENCES)

    @property
    def sparse_rank(self) -> int | None:
        return self.ranks.get(LATENT)

    @property
    def lexical_rank(self) -> int | None:
        return self.ranks.get(LEXICAL)

    @property
    def lexical_score(self) -> float | None:
        return self.scores.get(LEXICAL)

    @property
    def anchor_rank(self) -> int | None:
        return self.ranks.get(ANCHORS)

    @property
    def english_rank(self) -> int | None:  # rank by BM25 over the passages' English field
        return self.ranks.get(ENGLISH)

    @property
    def second_rank(self) -> int | None:  # rank by best sentence for the second encoder
        return self.ranks.get(SENTENCES2)


class Searcher:
    """Library API of the engine: ``search(query, k, filters) -> list[Hit]``."""

    def __init__(
        self, index: Index, embedder: Embedder, settings: RetrievalSettings, profile: Profile = FULL
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.profile = profile
        self.known_tasks = {task.id for _, task in index.tasks}
        self._by_id = {p.id: p for p in index.passages}
        self.annex = Annex(index)

    @property
    def backend(self):
        return self.index.backend

    def analyse(self, text: str) -> Query:
        return analyse(text, self.index.glossary, self.index.terms, self.known_tasks)

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """``log(1 + N / df)`` of each BM25 token (``indexer.text.tokenize``) of the
        French lexical channel; an unknown token counts as df = 1."""
        return self.backend.idf(LEXICAL, tokens)

    def sentence_vectors(self, passage: Passage) -> np.ndarray:
        """The stored vectors of ``passage``'s sentences (``indexer.sentences.split_sentences``
        order): (n_sentences, dim) float32, unit rows."""
        return self.backend.vectors_of(SENTENCES, passage.id)

    def search(self, text: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        return self.batch_search([text], k, filters)[0][1]

    def batch_search(
        self, texts: list[str], k: int = 10, filters: Filters | None = None
    ) -> list[tuple[Query, list[Hit]]]:
        """Search several queries with one embedding call; the latent-term and second-encoder
        passes of the queries that use them run meanwhile in other threads (the encoders
        release the GIL)."""
        queries = [self.analyse(t) for t in texts]
        dense_texts = [self.encoded_text(q) for q in queries]
        pending = [
            (
                _ENCODERS.submit(self.embedder.sparse.encode_query, text)
                if (w := self.weights(q))[LATENT]
                else None,
                _ENCODERS.submit(self.second_vector, q) if w[SENTENCES2] else None,
            )
            for q, text in zip(queries, dense_texts, strict=True)
        ]
        vectors = self.embedder.embed_queries(dense_texts)
        for query, vector, (latent, second) in zip(queries, vectors, pending, strict=True):
            query.vector = vector
            query.latent = None if latent is None else latent.result()
            query.second = None if second is None else second.result()
        return [
            (q, self._search_one(q, v, k, filters)) for q, v in zip(queries, vectors, strict=True)
        ]

    def encoded_text(self, query: Query) -> str:
        """What the e5 passes (dense and latent terms) read: the question with its French
        expansions (``Query.dense_text``), or alone (raw profile, ``expand_dense`` off)."""
        expand = self.profile.analyse and self.settings.expand_dense
        return query.dense_text if expand else query.text

    def weights(self, query: Query) -> dict[str, float]:
        """The weight of each ranking for ``query`` (0: not searched)."""
        s, english = self.settings, query.language == "en"
        weights = {
            DENSE: s.dense_weight,
            SENTENCES: s.sentence_weight_en if english else s.sentence_weight,
            LATENT: s.sparse_weight_en if english else s.sparse_weight_fr,
            LEXICAL: s.lexical_weight_en if english else s.lexical_weight_fr,
            ANCHORS: s.anchor_weight if english and query.anchors else 0.0,
            ENGLISH: s.english_weight if english else 0.0,
            SENTENCES2: s.second_weight_en if english else s.second_weight_fr,
        }
        if self.embedder.sparse is None or LATENT not in self.backend.channels:
            weights[LATENT] = 0.0
        for name, channel in ((ENGLISH, LEXICAL_EN), (SENTENCES2, SENTENCES2)):
            if channel not in self.backend.channels:
                weights[name] = 0.0
        if self.profile.rankings is not None:
            weights = {n: (w if n in self.profile.rankings else 0.0) for n, w in weights.items()}
            weights.update({n: weights[n] or 1.0 for n in self.profile.rankings})
        return weights

    def rankings(
        self, query: Query, vector: np.ndarray, depth: int, filters: Filters | None
    ) -> dict[str, Ranking]:
        """Each ranking with a weight, in fusion order: (ids, scores) from the backend."""
        weights, raw = self.weights(query), not self.profile.analyse
        asks = {
            DENSE: (DENSE, lambda: vector),
            SENTENCES: (SENTENCES, lambda: vector),
            LATENT: (LATENT, lambda: self._latent(query)),
            LEXICAL: (LEXICAL, lambda: query.text if raw else query.lexical_text),
            ANCHORS: (LEXICAL, lambda: " ".join(query.anchors)),
            ENGLISH: (LEXICAL_EN, lambda: query.text),
            SENTENCES2: (SENTENCES2, lambda: self._second(query)),
        }
        return {
            name: self.backend.search(channel, make(), depth, filters)
            for name, (channel, make) in asks.items()
            if weights[name]
        }

    def _latent(self, query: Query) -> np.ndarray:
        """The (n_features,) latent-term vector of ``query``, encoded by batch_search."""
        if query.latent is None:
            query.latent = self.embedder.sparse.encode_query(self.encoded_text(query))
        return query.latent

    def _second(self, query: Query) -> np.ndarray:
        """The second encoder's vector of ``query``, encoded by batch_search."""
        if query.second is None:
            query.second = self.second_vector(query)
        return query.second

    def second_vector(self, query: Query) -> np.ndarray:
        """The second encoder's (dim,) unit vector of the question's topic."""
        encoder = shared_embedder(self.backend.channels[SENTENCES2].encoder)
        return encoder.embed_queries([topic(query.text)])[0]

    def _search_one(
        self, query: Query, vector: np.ndarray, k: int, filters: Filters | None
    ) -> list[Hit]:
        depth = min(self.settings.candidates, len(self.index.passages))
        hits: dict[str, Hit] = {}
        for name, (ids, scores) in self.rankings(query, vector, depth, filters).items():
            for rank, (pid, score) in enumerate(zip(ids, scores, strict=True), start=1):
                if pid in self._by_id:  # a remote engine may be ahead of this build
                    hit = hits.setdefault(pid, Hit(self._by_id[pid], 0.0))
                    hit.ranks[name], hit.scores[name] = rank, float(score)
        if self.profile.analyse:
            for passage in self._structured_matches(query, filters):
                hits.setdefault(passage.id, Hit(passage, 0.0))
        weights, rrf_k = self.weights(query), self.settings.rrf_k
        for hit in hits.values():
            hit.score = fusion.rrf(hit.ranks, weights, rrf_k)
            if self.profile.analyse:
                for boost in (fusion.task_boost, fusion.organisation_boost):
                    extra, why = boost(hit.passage, query, self.settings)
                    hit.score += extra
                    hit.matched += why
        return sorted(hits.values(), key=lambda h: -h.score)[:k]

    def _structured_matches(self, query: Query, filters: Filters | None) -> list[Passage]:
        """Passages of the tasks named in the query (that ``filters`` accepts)."""
        wanted = set(query.task_ids)
        if not wanted:
            return []
        matches = [p for p in self.index.passages if p.task_id in wanted]
        if filters:
            status = self.annex.status_of
            matches = [p for p in matches if filters.accepts(p, status.get(p.id))]
        return matches
