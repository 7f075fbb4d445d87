"""Relevance judgements derived from the evidence quotes, independent of any chunking.

A passage is relevant to a question when, for one of its evidence quotes,

* it comes from the quote's document,
* its source line span ``[line_start, line_end]`` contains the quote's line (the 1-based
  line of the raw corpus file where the quote occurs), and
* it holds most of the quote's words: at least :data:`MIN_RECALL` of the quote's tokens
  (``indexer.text.tokenize``: folded, stemmed, stop words removed) occur in the passage.

Any system whose passages carry line spans in the raw files can be judged this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

from eval.questions import Question
from indexer.text import tokenize

MIN_RECALL = 0.6
Qrels = dict[str, dict[str, int]]


class QrelsError(ValueError):
    """An evidence quote cannot be located in its document."""


class PassageLike(Protocol):
    id: str
    doc_id: str
    text: str
    line_start: int
    line_end: int


@dataclass(frozen=True)
class EvidenceSpan:
    """Where one evidence quote sits: its document, line(s) and token set."""

    doc_id: str
    lines: frozenset[int]  # every line where the quote occurs (usually one)
    tokens: frozenset[str]


def line_of(text: str, offset: int) -> int:
    """1-based line number of character ``offset`` in ``text`` (lines split on ``\\n``)."""
    return text.count("\n", 0, offset) + 1


def quote_lines(text: str, quote: str) -> list[int]:
    """The 1-based lines of every occurrence of ``quote`` in ``text`` (empty if absent)."""
    lines, start = [], text.find(quote)
    while start >= 0:
        lines.append(line_of(text, start))
        start = text.find(quote, start + 1)
    return lines


def evidence_spans(question: Question, texts: Mapping[str, str]) -> list[EvidenceSpan]:
    """The located evidence of ``question``; ``texts`` maps doc_id to the raw file text."""
    spans = []
    for ev in question.evidence:
        if ev.doc_id not in texts:
            raise QrelsError(f"{question.id}: unknown document {ev.doc_id!r}")
        lines = quote_lines(texts[ev.doc_id], ev.quote)
        if not lines:
            raise QrelsError(f"{question.id}: quote not found in {ev.doc_id}: {ev.quote!r}")
        spans.append(EvidenceSpan(ev.doc_id, frozenset(lines), frozenset(tokenize(ev.quote))))
    return spans


def token_recall(quote_tokens: frozenset[str], passage_tokens: Iterable[str]) -> float:
    """Share of ``quote_tokens`` found in ``passage_tokens`` (1.0 for a token-less quote)."""
    if not quote_tokens:
        return 1.0
    return len(quote_tokens & set(passage_tokens)) / len(quote_tokens)


def matches(span: EvidenceSpan, passage: PassageLike, passage_tokens: Iterable[str]) -> bool:
    """``passage`` holds the quote of ``span`` (same document, line in span, enough words)."""
    return (
        passage.doc_id == span.doc_id
        and any(passage.line_start <= line <= passage.line_end for line in span.lines)
        and token_recall(span.tokens, passage_tokens) >= MIN_RECALL
    )


def is_relevant(spans: list[EvidenceSpan], passage: PassageLike) -> bool:
    """True when ``passage`` matches one of the evidence ``spans``."""
    tokens = set(tokenize(passage.text))
    return any(matches(span, passage, tokens) for span in spans)


def derive_qrels(
    questions: Iterable[Question], passages: list[PassageLike], texts: Mapping[str, str]
) -> Qrels:
    """``{qid: {passage_id: 1}}`` for every answerable question (possibly ``{}``)."""
    tokens = [set(tokenize(p.text)) for p in passages]
    qrels: Qrels = {}
    for question in questions:
        if not question.answerable:
            continue
        spans = evidence_spans(question, texts)
        qrels[question.id] = {
            p.id: 1
            for p, toks in zip(passages, tokens, strict=True)
            if any(matches(span, p, toks) for span in spans)
        }
    return qrels


def empty(qrels: Qrels) -> list[str]:
    """Question ids with no relevant passage at all: the passages lost the quote."""
    return sorted(qid for qid, judged in qrels.items() if not judged)


def lost_evidence(
    questions: Iterable[Question], passages: list[PassageLike], texts: Mapping[str, str]
) -> dict[str, list[str]]:
    """``{qid: [reason, ...]}`` for every evidence quote that no passage holds.

    A question whose every quote is lost has empty qrels; a question with one quote lost
    out of several is still judged, but the passages dropped part of its evidence.
    """
    tokens = {p.id: set(tokenize(p.text)) for p in passages}
    lost: dict[str, list[str]] = {}
    for question in questions:
        for span in evidence_spans(question, texts) if question.answerable else []:
            if not any(matches(span, p, tokens[p.id]) for p in passages):
                lost.setdefault(question.id, []).append(explain(span, passages, tokens))
    return lost


def explain(span: EvidenceSpan, passages: list[PassageLike], tokens: Mapping[str, set[str]]) -> str:
    """Why no passage matches ``span``: its line is not covered, or too few quote words."""
    where = f"{span.doc_id} line {','.join(map(str, sorted(span.lines)))}"
    covering = [
        p
        for p in passages
        if p.doc_id == span.doc_id and any(p.line_start <= n <= p.line_end for n in span.lines)
    ]
    if not covering:
        return f"{where}: no passage spans this line"
    recall, best = max((token_recall(span.tokens, tokens[p.id]), p.id) for p in covering)
    return f"{where}: best token recall {recall:.2f} < {MIN_RECALL} ({best})"
