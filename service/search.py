"""Hybrid retrieval: rankings fused by weighted reciprocal rank.

Dense (the passage vectors), sentence (passages by their best sentence's vector), sparse
(e5's latent terms, shared by French and English) and lexical (BM25). An English question
adds two more rankings: BM25 over its anchors (names, acronyms, numbers and
the French codes of its organisations), which read the same in the French reports, and BM25
of its own words, with English stemming, over the English field of the passages
(``indexer.english``: the English of their organisations and domain terms). A task id
in the query sends that task's overview, then its deliverables, to the top; an organisation
named in either language (RCMP -> GRC) in a "who is responsible" or "which tasks" question
favours the Annex A deliverables it is responsible for, and in any English question, the
passages that name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from indexer.embed import Embedder
from indexer.index import Index
from indexer.models import Passage
from indexer.settings import Settings
from indexer.text import tokenize, tokenize_english
from service.annex import Annex
from service.query import Query, analyse

TASK_BOOST = 1.0  # above any fused score: a named task comes first
OVERVIEW_BOOST = 0.5  # and its overview (the task card) before its deliverables
ORG_BOOST = 0.004  # about half a rank step near the top (rrf_k 10)


@dataclass(frozen=True)
class Filters:
    """Restrict results; ``None`` fields do not filter."""

    doc: str | None = None
    section: str | None = None  # section key prefix, e.g. "3-1" or "partie-ii"
    task: str | None = None
    org: str | None = None  # glossary code or any name that resolves to one
    status: str | None = None  # deliverable status key: "En suspens", "Terminé", ...
    kind: str | None = None  # passage kind: "text", "footnote", "task", "task-overview"

    def accepts(self, passage: Passage, status: str | None = None) -> bool:
        """Whether ``passage`` (whose deliverable has the status key ``status``) passes."""
        return (
            (self.doc is None or passage.doc_id == self.doc)
            and (self.section is None or passage.section_key.startswith(self.section))
            and (self.task is None or passage.task_id == self.task)
            and (self.org is None or self.org in passage.organisations)
            and (self.status is None or status == self.status)
            and (self.kind is None or passage.kind == self.kind)
        )


@dataclass
class Hit:
    """One result and why it matched."""

    passage: Passage
    score: float  # fused score, higher is better
    dense_rank: int | None = None  # 1-based rank among dense candidates
    dense_score: float | None = None  # cosine similarity
    sentence_rank: int | None = None  # rank by the passage's best sentence
    sparse_rank: int | None = None  # rank by latent terms
    lexical_rank: int | None = None
    lexical_score: float | None = None
    anchor_rank: int | None = None  # rank by BM25 over the query's names, acronyms, numbers
    english_rank: int | None = None  # rank by BM25 over the passages' English field
    matched: list[str] = field(default_factory=list)  # "task 2.13", "organisation GRC"


class Searcher:
    """Library API of the engine: ``search(query, k, filters) -> list[Hit]``."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings
        self.known_tasks = {task.id for _, task in index.tasks}
        self._rows = {p.id: i for i, p in enumerate(index.passages)}
        self.annex = Annex(index)

    def analyse(self, text: str) -> Query:
        return analyse(text, self.index.glossary, self.index.terms, self.known_tasks)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """Inverse document frequency of each token in the passages (BM25's)."""
        return self.index.lexical.idf(tokens)

    def sentence_vectors(self, passage: Passage) -> np.ndarray:
        """The stored vectors of ``passage``'s sentences (``indexer.sentences.split_sentences``
        order): (n_sentences, dim) float32, unit rows."""
        return self.index.sentences.of_passage(self._rows[passage.id])

    def search(self, text: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
        return self.batch_search([text], k, filters)[0][1]

    def batch_search(
        self, texts: list[str], k: int = 10, filters: Filters | None = None
    ) -> list[tuple[Query, list[Hit]]]:
        """Search several queries with one embedding call."""
        queries = [self.analyse(t) for t in texts]
        vectors = self.embedder.embed_queries([q.dense_text for q in queries])
        for query, vector in zip(queries, vectors, strict=True):
            query.vector = vector
        return [
            (q, self._search_one(q, v, k, filters)) for q, v in zip(queries, vectors, strict=True)
        ]

    def _search_one(
        self, query: Query, vector: np.ndarray, k: int, filters: Filters | None
    ) -> list[Hit]:
        passages = self.index.passages
        depth = len(passages) if filters else min(self.settings.candidates, len(passages))
        hits: dict[int, Hit] = {}
        dense_scores, dense_ids = self.index.dense.search(vector[None, :], depth)
        for rank, (i, s) in enumerate(zip(dense_ids[0], dense_scores[0], strict=True), start=1):
            if i >= 0:
                hits[int(i)] = Hit(passages[i], 0.0, dense_rank=rank, dense_score=float(s))
        for rank, i in enumerate(self._sentence_ranking(query, vector, depth), start=1):
            hits.setdefault(int(i), Hit(passages[i], 0.0)).sentence_rank = rank
        for rank, i in enumerate(self._sparse_ranking(query, depth), start=1):
            hits.setdefault(int(i), Hit(passages[i], 0.0)).sparse_rank = rank
        lexical = self.index.lexical.scores(tokenize(query.lexical_text))
        for rank, i in enumerate(_top(lexical, depth), start=1):
            hit = hits.setdefault(int(i), Hit(passages[i], 0.0))
            hit.lexical_rank, hit.lexical_score = rank, float(lexical[i])
        if query.language == "en" and query.anchors:
            anchored = self.index.lexical.scores(tokenize(" ".join(query.anchors)))
            for rank, i in enumerate(_top(anchored, depth), start=1):
                hits.setdefault(int(i), Hit(passages[i], 0.0)).anchor_rank = rank
        for rank, i in enumerate(self._english_ranking(query, depth), start=1):
            hits.setdefault(int(i), Hit(passages[i], 0.0)).english_rank = rank
        for i in self._structured_matches(query):
            hits.setdefault(i, Hit(passages[i], 0.0))
        for hit in hits.values():
            hit.score = self._fuse(hit, query)
        ranked = sorted(
            (h for h in hits.values() if filters is None or self._accepts(filters, h.passage)),
            key=lambda h: -h.score,
        )
        return ranked[:k]

    def _accepts(self, filters: Filters, passage: Passage) -> bool:
        return filters.accepts(passage, self.annex.status_of.get(passage.id))

    def _sentence_ranking(self, query: Query, vector: np.ndarray, depth: int) -> np.ndarray:
        """Passage rows by their best sentence, best first; none at weight 0."""
        if not self._sentence_weight(query):
            return np.zeros(0, dtype=np.int64)
        return self.index.sentences.search(vector, depth, len(self.index.passages))

    def _sparse_ranking(self, query: Query, depth: int) -> np.ndarray:
        """Passage rows by latent terms, best first; none without a sparse head or weight."""
        encoder, store = self.embedder.sparse, self.index.sparse
        if encoder is None or store is None or not self._sparse_weight(query):
            return np.zeros(0, dtype=np.int64)
        return _top(store.scores(encoder.encode_query(query.dense_text)), depth)

    def _english_ranking(self, query: Query, depth: int) -> np.ndarray:
        """Passage rows by BM25 of an English question over their English field."""
        if query.language != "en" or not self.settings.english_weight:
            return np.zeros(0, dtype=np.int64)
        return _top(self.index.english.scores(tokenize_english(query.text)), depth)

    def _sentence_weight(self, query: Query) -> float:
        s = self.settings
        return s.sentence_weight_en if query.language == "en" else s.sentence_weight

    def _sparse_weight(self, query: Query) -> float:
        s = self.settings
        return s.sparse_weight_en if query.language == "en" else s.sparse_weight_fr

    def _structured_matches(self, query: Query) -> list[int]:
        """Passages of the tasks named in the query."""
        wanted = set(query.task_ids)
        return (
            [i for i, p in enumerate(self.index.passages) if p.task_id in wanted] if wanted else []
        )

    def _fuse(self, hit: Hit, query: Query) -> float:
        s, rrf = self.settings, self.settings.rrf_k
        lexical_weight = s.lexical_weight_en if query.language == "en" else s.lexical_weight_fr
        score = 0.0
        if hit.dense_rank:
            score += s.dense_weight / (rrf + hit.dense_rank)
        if hit.sentence_rank:
            score += self._sentence_weight(query) / (rrf + hit.sentence_rank)
        if hit.sparse_rank:
            score += self._sparse_weight(query) / (rrf + hit.sparse_rank)
        if hit.lexical_rank and hit.lexical_score and hit.lexical_score > 0:
            score += lexical_weight / (rrf + hit.lexical_rank)
        if hit.anchor_rank:
            score += s.anchor_weight / (rrf + hit.anchor_rank)
        if hit.english_rank:
            score += s.english_weight / (rrf + hit.english_rank)
        passage = hit.passage
        if passage.task_id and passage.task_id in query.task_ids:
            score += TASK_BOOST + (OVERVIEW_BOOST if passage.kind == "task-overview" else 0.0)
            hit.matched.append(f"task {passage.task_id}")
        favoured = _favoured_organisations(passage, query)
        if favoured:
            score += ORG_BOOST
            hit.matched += [f"organisation {o}" for o in favoured]
        return score


def _favoured_organisations(passage: Passage, query: Query) -> list[str]:
    """The organisations of the question that favour ``passage``: the ones responsible for it
    in a "who is responsible"/"which tasks" question; in English, whose BM25 weighs little,
    any the passage names."""
    named = [o for o in query.organisations if _names(passage, o)]
    if query.intents & {"responsible", "task_list"}:
        responsible = [o for o in named if o in passage.organisations]
        if responsible:
            return responsible
    return named if query.language == "en" else []


def _names(passage: Passage, code: str) -> bool:
    """Whether ``passage`` is about the organisation ``code``: responsible for it, or names
    it in its text ("EDSC (PTET) poursuivra…")."""
    return (
        code in passage.organisations
        or re.search(rf"(?<!\w){re.escape(code)}(?!\w)", passage.indexed_text) is not None
    )


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest positive entries of ``scores`` (n,), best first."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        positive = positive[np.argpartition(-scores[positive], k - 1)[:k]]
    return positive[np.argsort(-scores[positive], kind="stable")]
