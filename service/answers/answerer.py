"""Grounded answers: Annex A records when the question names a task (or lists tasks), else
the best sentence candidate of the retrieved passages, led by its short answer; "not found"
only when the scorer's confidence is under the threshold tuned on the dev split.

Every answer quotes corpus text or record fields and points at its citations with [n].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.answers.candidates import candidates
from service.answers.reading import warm
from service.answers.records import Candidate, Question, best_span, question_of
from service.answers.render import answer_text, quote, short_answer
from service.answers.scorer import Scorer
from service.answers.tasks import TASK_INTENTS, AnnexA, TaskAnswer
from service.answers.types import expected_type, is_keyword_query
from service.i18n import t
from service.query import Query
from service.search import Hit, Searcher
from service.settings import AnswerSettings


@dataclass(frozen=True)
class AnswerSpan:
    """Where the answer sits in ``citations[citation - 1].text`` (character offsets)."""

    citation: int  # 1-based
    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass
class Answer:
    text: str
    answered: bool
    citations: list[Hit]
    short_answer: str | None = None
    confidence: float = 0.0
    span: AnswerSpan | None = None


@dataclass
class Rendered:
    text: str
    short: str | None
    span: AnswerSpan | None


class Answerer:
    def __init__(
        self,
        searcher: Searcher,
        scorer: Scorer | None = None,
        settings: AnswerSettings | None = None,
    ) -> None:
        self.searcher = searcher
        self.scorer = scorer or Scorer.load()
        self.settings = settings or AnswerSettings()
        index = searcher.index
        self.annex = AnnexA([task for _, task in index.tasks], index.passages, index.glossary)
        warm(index.passages)

    def ask(self, question: str, k: int = 5) -> tuple[Query, Answer]:
        query, hits = self.searcher.batch_search([question], max(k, 10))[0]
        records = self._records(query, hits, k)
        if records is not None:
            return query, records
        return query, self._extractive(query, hits, k)

    def _records(self, query: Query, hits: list[Hit], k: int) -> Answer | None:
        found: TaskAnswer | None = None
        asked = query.intents & TASK_INTENTS
        if (
            query.task_ids
            and query.intents & {"deliverable", "new"}
            and not asked - {"responsible"}
        ):
            found = self.annex.deliverable_list(query, hits, k)
        elif query.task_ids and (asked or is_keyword_query(query.text)):
            found = self.annex.task_answer(query, hits, k)
        elif query.organisations and "task_list" in query.intents:
            found = self.annex.organisation_tasks(query, k)
        elif "on_hold" in query.intents or (
            "new" in query.intents and query.intents & {"task_list", "deliverable"}
        ):
            found = self.annex.flagged(query, k)
        if found is None:
            return None
        return Answer(found.text, True, found.citations, found.short_answer, 1.0)

    # --- sentences ---------------------------------------------------------------------------

    def scored(self, query: Query, hits: list[Hit]) -> tuple[Question, list[Candidate], np.ndarray]:
        """The question, its candidates and their confidences (n_candidates,)."""
        question = question_of(
            query, expected_type(query.text), is_keyword_query(query.text), self.searcher
        )
        found = candidates(question, hits, self.searcher, self.settings.answer_passages)
        if not found:
            return question, [], np.zeros(0)
        features = np.stack([c.features for c in found])
        return question, found, self.scorer.confidence(features)

    def _extractive(self, query: Query, hits: list[Hit], k: int) -> Answer:
        question, found, confidence = self.scored(query, hits)
        if not found:
            return self._abstain(question, hits[:k], 0.0)
        best = int(np.argmax(confidence))
        chosen, score = found[best], float(confidence[best])
        citations = cite(hits, k, chosen.rank)
        if score < self.scorer.threshold:
            return self._abstain(question, citations, score)
        n = citations.index(chosen.hit) + 1
        rendered = self.render(chosen, question, n)
        return Answer(rendered.text, True, citations, rendered.short, score, rendered.span)

    def _abstain(self, question: Question, citations: list[Hit], score: float) -> Answer:
        key = "results_only" if question.keyword else "not_found"
        return Answer(t("answers", key, question.query.language), False, citations, None, score)

    def render(self, c: Candidate, question: Question, n: int) -> Rendered:
        """The answer text of candidate ``c`` cited as ``[n]``."""
        query = question.query
        record = self.annex.deliverable_of(c.hit.passage, c.text)
        if record is not None and (
            query.intents & {"status", "calendar"}
            or question.kind in ("organisation", "date", "status")
        ):
            task, d = record
            text, short = self.annex.deliverable_answer(query, question.kind, task, d, n)
            start = c.hit.passage.text.find(d.text)
            span = (
                AnswerSpan(n, d.text, start, start + len(d.text), start, start + len(d.text))
                if start >= 0
                else None
            )
            return Rendered(text, short, span)
        span = best_span(c, question)
        short = short_answer(span, query.language, self.searcher.index.glossary) if span else None
        quoted = quote(c.text, span)
        text = answer_text(query.language, quoted, n, short, question.keyword)
        located = None
        if c.start >= 0:
            a, b = (c.start + span.start, c.start + span.end) if span else (c.start, c.end)
            located = AnswerSpan(n, c.hit.passage.text[a:b], a, b, c.start, c.end)
        return Rendered(text, short, located)


def cite(hits: list[Hit], k: int, rank: int) -> list[Hit]:
    """The first ``k`` hits, with the hit at ``rank`` in the last place if it is deeper."""
    if rank < k:
        return hits[:k]
    return [*hits[: k - 1], hits[rank]]
