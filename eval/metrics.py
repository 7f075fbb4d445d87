"""Metrics: retrieval with ranx on answerable questions, answers and abstention for ``/ask``.

Everything here is plain data in, numbers out: per-question values first, then means over
any subset of questions (a split, a language, a category).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ranx import Qrels, Run, evaluate

from eval.questions import Question
from indexer.text import fold

RETRIEVAL_METRICS = {
    "hit@1": "hit_rate@1",
    "hit@5": "hit_rate@5",
    "hit@10": "hit_rate@10",
    "MRR@10": "mrr@10",
    "nDCG@10": "ndcg@10",
}
NO_RELEVANT = "__no_relevant_passage__"  # stands in for an empty qrels entry: a sure miss
NO_RESULT = "__no_result__"  # stands in for an empty ranking
PerQuery = dict[str, dict[str, float]]


def retrieval_per_query(
    qrels: Mapping[str, Mapping[str, int]], ranked: Mapping[str, list[str]]
) -> PerQuery:
    """``{qid: {"hit@1": .., "MRR@10": .., ...}}`` for every question of ``qrels``.

    ``ranked`` gives each question's passage ids, best first. ranx sees rank-derived scores,
    so ties in the systems' own scores cannot reorder a ranking.
    """
    if not qrels:
        return {}
    judged = {qid: dict(rel) or {NO_RELEVANT: 1} for qid, rel in qrels.items()}
    run = {qid: _rank_scores(ranked.get(qid, [])) for qid in judged}
    ranx_run = Run(run)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numba type-safety chatter
        evaluate(Qrels(judged), ranx_run, list(RETRIEVAL_METRICS.values()))
    scores = ranx_run.scores
    return {
        qid: {label: float(scores[name][qid]) for label, name in RETRIEVAL_METRICS.items()}
        for qid in judged
    }


def _rank_scores(ids: list[str]) -> dict[str, float]:
    """First id gets the highest score; duplicates keep their best rank."""
    scores: dict[str, float] = {}
    for rank, pid in enumerate(ids):
        scores.setdefault(pid, float(len(ids) - rank))
    return scores or {NO_RESULT: 0.0}


def mean_of(
    per_query: Mapping[str, Mapping[str, float | None]], qids: Iterable[str]
) -> dict[str, float | None]:
    """Mean of each metric over ``qids`` (questions without a value are skipped);
    ``n`` is the number of questions with values."""
    rows = [per_query[q] for q in qids if q in per_query]
    names = {name for row in rows for name in row}
    means: dict[str, float | None] = {}
    for name in sorted(names):
        values = [row[name] for row in rows if row.get(name) is not None]
        means[name] = sum(values) / len(values) if values else None
    means["n"] = len(rows)
    return means


def groups(questions: Iterable[Question], field: str) -> dict[str, list[str]]:
    """Question ids by the value of ``field`` ("language", "category", "split")."""
    grouped: dict[str, list[str]] = {}
    for q in questions:
        grouped.setdefault(getattr(q, field), []).append(q.id)
    return dict(sorted(grouped.items()))


# --- answers ---------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(fold(text).split())


def term_found(term: str, text: str) -> bool:
    """``term`` (alternatives split by ``|``) occurs in ``text``, ignoring case and accents.

    A number must not be glued to other digits: ``34`` is not found in ``2034``.
    """
    haystack = _normal(text)
    for alternative in term.split("|"):
        needle = _normal(alternative)
        left = r"(?<!\d)" if needle[:1].isdigit() else ""
        right = r"(?!\d)" if needle[-1:].isdigit() else ""
        if needle and re.search(left + re.escape(needle) + right, haystack):
            return True
    return False


def answer_correct(answered: bool, text: str, terms: Iterable[str]) -> bool:
    """An answer counts when it was given and holds every answer term."""
    return answered and all(term_found(t, text) for t in terms)


@dataclass(frozen=True)
class AnswerJudgement:
    answerable: bool
    answered: bool
    correct: bool  # answerable, answered and every term present
    citation_ok: bool | None  # a cited passage is relevant (answered answerable only)


def judge_answer(
    question: Question, answered: bool, text: str, cited: list[str], relevant: Mapping[str, int]
) -> AnswerJudgement:
    """Judge one ``/ask`` reply; ``cited`` are passage ids, ``relevant`` the question's qrels."""
    correct = question.answerable and answer_correct(answered, text, question.answer_terms)
    citation_ok = any(p in relevant for p in cited) if question.answerable and answered else None
    return AnswerJudgement(question.answerable, answered, correct, citation_ok)


def answer_summary(judgements: Iterable[AnswerJudgement]) -> dict[str, float | int | None]:
    """Answer accuracy, citation correctness and abstention precision/recall.

    Abstaining (``answered`` false) is the positive class: precision = abstained and
    unanswerable / abstained, recall = abstained and unanswerable / unanswerable.
    """
    items = list(judgements)
    answerable = [j for j in items if j.answerable]
    cited = [j.citation_ok for j in answerable if j.citation_ok is not None]
    abstained = [j for j in items if not j.answered]
    unanswerable = [j for j in items if not j.answerable]
    true_abstentions = sum(not j.answerable for j in abstained)
    return {
        "answer_accuracy": _ratio(sum(j.correct for j in answerable), len(answerable)),
        "citation_correctness": _ratio(sum(cited), len(cited)),
        "abstention_precision": _ratio(true_abstentions, len(abstained)),
        "abstention_recall": _ratio(true_abstentions, len(unanswerable)),
        "answered_unanswerable": sum(j.answered for j in unanswerable),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "abstained": len(abstained),
    }


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
