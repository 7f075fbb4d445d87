"""The answer confidence before issue 16, kept as the baseline of the risk–coverage chart.

The answerer before issue 16 picked, among the sentences of the top 3 passages, the one
holding the largest IDF-weighted share of the question's words, and trusted it as much as
that share: an English question's untranslated words counted against it. Here that
confidence is recomputed over the same questions and the same hits as the current answerer
(``service.answers`` reads the sentences, ``Searcher.idf`` weighs the words), so the two
curves differ only by how the answer is chosen and trusted. A question the Annex A records
answer (a task id, a list of tasks) was answered from the records before issue 16 too: it
keeps the record answer, confidence 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eval.metrics import answer_correct
from eval.questions import Question
from indexer.text import tokenize
from service.answers.reading import read
from service.engine import Engine

TOP_PASSAGES = 3  # the passages whose sentences the old answerer read


def share(wanted: Mapping[str, float], tokens: Iterable[str]) -> float:
    """IDF-weighted share of the ``wanted`` tokens (token -> idf) found in ``tokens``: 0–1."""
    total = sum(wanted.values())
    found = set(tokens)
    return sum(w for t, w in wanted.items() if t in found) / total if total else 0.0


def best_sentence(
    wanted: Mapping[str, float], sentences: Sequence[Iterable[str]]
) -> tuple[int, float]:
    """The index of the sentence (its tokens) with the largest share of ``wanted`` (the first
    of equals) and that share; ``(-1, 0.0)`` without sentences."""
    best, top = -1, 0.0
    for i, tokens in enumerate(sentences):
        value = share(wanted, tokens)
        if best < 0 or value > top:
            best, top = i, value
    return best, top


def answers(engine: Engine, questions: list[Question], k: int) -> dict[str, dict[str, Any]]:
    """Per question: ``{"confidence": share or None (no sentence), "open_correct": bool}``:
    what the old answerer would trust and whether its sentence holds every answer term."""
    searcher, answerer = engine.searcher, engine.answerer
    results = searcher.batch_search([q.question for q in questions], max(k, 10))
    found: dict[str, dict[str, Any]] = {}
    for q, (query, hits) in zip(questions, results, strict=True):
        records = answerer._records(query, hits, k)
        if records is not None:
            right = q.answerable and answer_correct(True, records.text, q.answer_terms)
            found[q.id] = {"confidence": 1.0, "open_correct": right}
            continue
        wanted = searcher.idf(list(dict.fromkeys(tokenize(query.coverage_text))))
        sentences = [s for hit in hits[:TOP_PASSAGES] for s in read(hit.passage).sentences]
        i, confidence = best_sentence(wanted, [s.tokens for s in sentences])
        right = i >= 0 and q.answerable and answer_correct(True, sentences[i].text, q.answer_terms)
        found[q.id] = {"confidence": confidence if i >= 0 else None, "open_correct": right}
    return found
