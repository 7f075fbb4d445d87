"""The compared retrieval systems, all behind ``retrieve(questions) -> {qid: [(passage, score)]}``.

``peer``   langchain RecursiveCharacterTextSplitter (1000/200) over the raw files, flat
           inner-product search with the project's embedder: a typical off-the-shelf RAG.
``bm25``   BM25 alone over the project's passages (French stemming): the searcher with the
           lexical ranking of the raw question only.
``dense``  dense retrieval alone over the project's passages: the searcher with the dense
           ranking of the raw question only.
``full``   the project's hybrid searcher, in process (``eval.remote`` does it over HTTP).

Each system also exposes ``passages``: every passage it can return, for the qrels.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from langchain_text_splitters import RecursiveCharacterTextSplitter

from eval.qrels import line_of
from eval.questions import Question
from eval.risk import confidence_of
from indexer.backends import DENSE, LEXICAL, Batch, Channel, ChannelKind, create_backend
from indexer.cache import EmbeddingCache
from indexer.embed import Embedder
from indexer.models import Document, Passage
from indexer.settings import IndexingSettings
from service.answers import Answerer
from service.engine import Engine
from service.search import Profile, Searcher

K = 10
PEER_CHUNK_SIZE = 1000
PEER_CHUNK_OVERLAP = 200
Ranking = list[tuple[Passage, float]]
Run = dict[str, Ranking]


class System(Protocol):
    name: str
    passages: list[Passage]

    def retrieve(self, questions: list[Question]) -> Run: ...


@dataclass
class AnswerRecord:
    """What ``/ask`` said about one question."""

    text: str
    answered: bool
    citations: list[Passage]
    confidence: float | None = None  # eval.risk.confidence_of the reply


def peer_chunks(documents: list[Document]) -> list[Passage]:
    """Raw files split by RecursiveCharacterTextSplitter, each chunk with its line span."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=PEER_CHUNK_SIZE, chunk_overlap=PEER_CHUNK_OVERLAP, add_start_index=True
    )
    passages = []
    for doc in documents:
        for n, chunk in enumerate(splitter.create_documents([doc.text]), start=1):
            start = chunk.metadata["start_index"]
            passages.append(_peer_passage(doc, n, chunk.page_content, start))
    return passages


def _peer_passage(doc: Document, n: int, text: str, start: int) -> Passage:
    """A chunk starting at character ``start`` of ``doc`` as a Passage with line numbers."""
    if start < 0 or doc.text[start : start + len(text)] != text:
        raise ValueError(f"peer chunk {doc.id}:{n} not found at its start index")
    end = start + max(len(text) - 1, 0)  # offset of the chunk's last character
    return Passage(
        id=f"peer:{doc.id}:{n}",
        doc_id=doc.id,
        section_key="",
        section_path=[],
        text=text,
        line_start=line_of(doc.text, start),
        line_end=line_of(doc.text, end),
        file=doc.file,
    )


class PeerSystem:
    name = "peer"

    def __init__(
        self, documents: list[Document], embedder: Embedder, cache_dir: Path, progress: bool
    ) -> None:
        self.passages = peer_chunks(documents)
        self.embedder = embedder
        cache = EmbeddingCache(cache_dir, embedder.id)
        texts = [p.text for p in self.passages]
        vectors, _ = cache.embed(texts, embedder.embed_passages, progress=progress)
        exact = IndexingSettings(hnsw_threshold=10**9)  # a flat (exact) index, as a peer would use
        channels = [Channel(DENSE, ChannelKind.DENSE, embedder.dim)]
        self.backend = create_backend("local", None, channels, exact)
        payloads = [{"doc": p.doc_id} for p in self.passages]
        self.backend.upsert(Batch([p.id for p in self.passages], payloads, {DENSE: vectors}))
        self._by_id = {p.id: p for p in self.passages}

    def retrieve(self, questions: list[Question]) -> Run:
        vectors = self.embedder.embed_queries([q.question for q in questions])
        run = {}
        for q, vector in zip(questions, vectors, strict=True):
            ids, scores = self.backend.search(DENSE, vector, K)
            run[q.id] = [(self._by_id[i], float(s)) for i, s in zip(ids, scores, strict=True)]
        return run


class BaselineSystem:
    """One ranking of the project's searcher over the raw question (no expansions, no
    task or organisation boosts)."""

    def __init__(self, engine: Engine, name: str, ranking: str) -> None:
        self.name = name
        self.passages = engine.index.passages
        s = engine.searcher
        self.searcher = Searcher(s.index, s.embedder, s.settings, Profile((ranking,), False))

    def retrieve(self, questions: list[Question]) -> Run:
        results = self.searcher.batch_search([q.question for q in questions], K)
        return {
            q.id: [(hit.passage, hit.scores[self.ranking]) for hit in hits]
            for q, (_, hits) in zip(questions, results, strict=True)
        }

    @property
    def ranking(self) -> str:
        (name,) = self.searcher.profile.rankings
        return name


BASELINES = {"bm25": LEXICAL, "dense": DENSE}  # system name -> its one ranking


class FullSystem:
    """The real searcher and answerer, in process."""

    name = "full"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.passages = engine.index.passages

    def retrieve(self, questions: list[Question]) -> Run:
        results = self.engine.searcher.batch_search([q.question for q in questions], K)
        return {
            q.id: [(hit.passage, hit.score) for hit in hits]
            for q, (_, hits) in zip(questions, results, strict=True)
        }

    def answer(self, questions: list[Question], k: int = 5) -> dict[str, AnswerRecord]:
        """``/ask`` semantics: ``answerer.ask(question, k)`` for every question."""
        return {q.id: _record(self.engine.answerer, q, k) for q in questions}

    def open_answers(
        self, questions: list[Question], shipped: dict[str, AnswerRecord], k: int = 5
    ) -> dict[str, AnswerRecord]:
        """What each question would get with no abstention threshold (for the risk–coverage
        curve): the shipped answer when it answered, else the answer of an engine whose
        threshold is 0."""
        answerer = self.engine.answerer
        opened = Answerer(
            answerer.searcher, replace(answerer.scorer, threshold=0.0), answerer.settings
        )
        return {
            q.id: shipped[q.id]
            if shipped[q.id].answered or not shipped[q.id].confidence
            else _record(opened, q, k)
            for q in questions
        }


def _record(answerer: Answerer, question: Question, k: int) -> AnswerRecord:
    _, answer = answerer.ask(question.question, k)
    citations = [hit.passage for hit in answer.citations]
    return AnswerRecord(answer.text, answer.answered, citations, confidence_of(answer))
