"""Answer candidates: every sentence, and every pair of consecutive sentences, of the top
passages, with the features the scorer weighs (``service.answers.features``).

The question is embedded once (by the search); each sentence's vector is the one the index
stored for the sentence channel, so a candidate costs no encoder pass.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import numpy as np

from indexer.lexicon import Glossary
from indexer.text import fold
from service.answers.features import FEATURES, featurise
from service.answers.reading import NUMBER, read
from service.answers.records import Candidate, Question
from service.answers.spans import Span, find_spans
from service.search import Hit, Searcher

LETTERS = re.compile(r"[^\W\d_]+")
REQUIRED = ("number", "date", "person")  # no such span, no answer from the sentence


def candidates(
    question: Question, hits: list[Hit], searcher: Searcher, depth: int
) -> list[Candidate]:
    """Candidates of the first ``depth`` hits (the setting ``answer_passages``) with their
    features; empty without a vector."""
    vector = question.query.vector
    if vector is None or not hits:
        return []
    found: list[Candidate] = []
    for rank, hit in enumerate(hits[:depth]):
        found += _passage_candidates(rank, hit, vector, question, searcher)
    if question.kind in REQUIRED:
        found = [c for c in found if c.spans]
    featurise(question, hits, found)
    # a passage that does not name the question's place or number does not answer it: "in
    # Quebec" is not answered by the national figure, "in 2019" not by the 2014 one
    vetoes = [FEATURES.index("place_missing"), FEATURES.index("qnum_missing_passage")]
    return [c for c in found if not c.features[vetoes].any()]


@lru_cache(maxsize=16384)
def _spans(text: str, kind: str, glossary: Glossary, common: frozenset[str]) -> tuple[Span, ...]:
    return tuple(find_spans(text, kind, glossary, common))


_COMMON: dict[int, frozenset[str]] = {}


def common_words(searcher: Searcher) -> frozenset[str]:
    """Words the passages write in lower case, and the words of the English domain terms
    (once per index)."""
    index = searcher.index
    key = id(index)
    if key not in _COMMON:
        _COMMON.clear()
        lower = {w for p in index.passages for w in LETTERS.findall(p.text) if w.islower()}
        english = {w.lower() for term in index.terms.terms for w in LETTERS.findall(term.en)}
        _COMMON[key] = frozenset(lower | english)
    return _COMMON[key]


def _passage_candidates(
    rank: int, hit: Hit, vector: np.ndarray, question: Question, searcher: Searcher
) -> list[Candidate]:
    passage = hit.passage
    reading = read(passage)
    vectors = searcher.sentence_vectors(passage)
    if len(vectors) != len(reading.sentences):
        return []
    glossary = searcher.index.glossary
    spans = [
        [
            s
            for s in _spans(x.text, question.kind, glossary, common_words(searcher))
            if _new(s, question)
        ]
        for x in reading.sentences
    ]
    sims = vectors @ vector
    result = [
        Candidate(rank, hit, x.text, x.start, x.start + len(x.text) if x.start >= 0 else -1,
                  float(sim), False, spans[i], tokens=x.tokens, folded=x.folded, words=x.words)
        for i, (x, sim) in enumerate(zip(reading.sentences, sims, strict=True))
    ]  # fmt: skip
    for i in range(len(reading.sentences) - 1):
        a, b = reading.sentences[i], reading.sentences[i + 1]
        pair = vectors[i] + vectors[i + 1]
        sim = float(pair @ vector / (np.linalg.norm(pair) or 1.0))
        located = a.start >= 0 and b.start >= 0
        text = passage.text[a.start : b.start + len(b.text)] if located else f"{a.text} {b.text}"
        shift = (b.start - a.start) if located else len(a.text) + 1
        moved = [replace(s, start=s.start + shift, end=s.end + shift) for s in spans[i + 1]]
        start, end = (a.start, a.start + len(text)) if located else (-1, -1)
        result.append(
            Candidate(rank, hit, text, start, end, sim, True, spans[i] + moved,
                      tokens=a.tokens | b.tokens, folded=f"{a.folded} {b.folded}",
                      words=a.words + tuple((at + shift, w) for at, w in b.words))
        )  # fmt: skip
    return result


def _new(span: Span, question: Question) -> bool:
    """A span the question does not already give (its own year, its organisation), in
    dollars when an amount of money is asked and not in dollars when people or things are
    counted ("how many teachers" is not answered by "8 millions $")."""
    if question.money != ("$" in span.unit) and (question.money or question.counted):
        return False
    text = fold(span.text)
    asked = fold(question.query.text)
    if span.kind == "organisation":
        return span.value not in question.query.organisations and text not in asked
    return text not in asked and not (set(NUMBER.findall(span.text)) & question.numbers)
