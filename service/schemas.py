"""HTTP contract: request and response models (the names are the public API)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from indexer.models import Passage as PassageRecord
from service.search import Hit

Language = Literal["fr", "en"]


class Source(BaseModel):
    file: str
    line_start: int
    line_end: int


class Passage(BaseModel):
    id: str
    doc_id: str
    doc_title: str
    section: str = Field(description="breadcrumb, outermost section first")
    text: str
    score: float
    source: Source
    url: str = Field(description="opens the passage in its document on the web page")
    kind: str = "text"
    task_id: str | None = None
    matched: list[str] = []


class SearchResponse(BaseModel):
    query: str
    language: Language
    results: list[Passage]


class AskRequest(BaseModel):
    question: str = Field(description="1 to 1,000 characters, not only white space")
    k: int = Field(5, description="number of citations, 1 to 50")


class AnswerSpan(BaseModel):
    citation: int = Field(description="1-based index into citations")
    text: str = Field(description="the answer span, verbatim from that citation's text")
    start: int = Field(description="offset of the span in the citation's text")
    end: int
    sentence_start: int = Field(description="offsets of the quoted sentence(s) in that text")
    sentence_end: int


class AskResponse(BaseModel):
    question: str
    language: Language
    answer: str
    answered: bool
    citations: list[Passage]
    short_answer: str | None = Field(
        None, description="the answer in a few words, in the question's language"
    )
    confidence: float = Field(0.0, description="0-1; under the tuned threshold, no answer")
    answer_span: AnswerSpan | None = Field(
        None, description="where the answer sits in the cited passage, to highlight it"
    )


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    passages: int
    embedder: str
    index_built_at: str
    backend: Literal["local", "qdrant-edge", "qdrant"]


class PassageWithContext(BaseModel):
    passage: Passage
    previous: Passage | None
    next: Passage | None


class Error(BaseModel):
    detail: str


def passage_url(record: PassageRecord, language: str | None = None) -> str:
    """The passage inside its document view, whose interface is in ``language`` if given."""
    query = f"?lang={language}" if language else ""
    return f"/documents/{record.doc_id}/view{query}#{record.id}"


def to_passage(
    record: PassageRecord,
    doc_title: str,
    score: float = 0.0,
    matched=(),
    language: str | None = None,
) -> Passage:
    return Passage(
        id=record.id,
        doc_id=record.doc_id,
        doc_title=doc_title,
        section=" > ".join(record.section_path),
        text=record.text,
        score=round(score, 6),
        source=Source(file=record.file, line_start=record.line_start, line_end=record.line_end),
        url=passage_url(record, language),
        kind=record.kind,
        task_id=record.task_id,
        matched=list(matched),
    )


def hit_to_passage(hit: Hit, titles: dict[str, str], language: str | None = None) -> Passage:
    """A search hit for the HTTP API; its ``url`` opens in ``language`` (the question's)."""
    return to_passage(hit.passage, titles[hit.passage.doc_id], hit.score, hit.matched, language)
