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
from service.answers.reading import NUMBER, Sentence, read
from service.answers.records import Candidate, Question
from service.answers.spans import Span, find_spans
from service.search import Hit, Searcher

LETTERS = re.compile(r"[^\W\d_]+")
REQUIRED = ("number", "date", "person")  # no such span, no answer from the sentence
BULLETS = ("-", "•", "–", "—")
MAX_ITEMS = 8  # items of an enumeration joined to its intro ("… les résultats suivants :")


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
        last = i + 1
        if reading.sentences[i].text.rstrip().endswith(":"):  # an enumeration: all its items
            while (
                last + 1 < len(reading.sentences)
                and last - i < MAX_ITEMS
                and _item(reading.sentences[last + 1].text)
            ):
                last += 1
        result.append(_joined(rank, hit, reading.sentences, vectors, spans, i, last, vector))
        if last > i + 1:  # and the intro with its first item alone
            result.append(_joined(rank, hit, reading.sentences, vectors, spans, i, i + 1, vector))
    return result


def _item(text: str) -> bool:
    return text.lstrip()[:1] in BULLETS


def _joined(
    rank: int,
    hit: Hit,
    sentences: tuple[Sentence, ...],
    vectors: np.ndarray,
    spans: list[list[Span]],
    first: int,
    last: int,
    vector: np.ndarray,
) -> Candidate:
    """Sentences ``first..last`` (consecutive, ``last > first``) as one candidate; vectors:
    (n_sentences, dim), their sum normalised stands for the joined text."""
    passage = hit.passage
    chosen = sentences[first : last + 1]
    joined = vectors[first : last + 1].sum(axis=0)
    sim = float(joined @ vector / (np.linalg.norm(joined) or 1.0))
    a, z = chosen[0], chosen[-1]
    located = all(x.start >= 0 for x in chosen)
    text = (
        passage.text[a.start : z.start + len(z.text)]
        if located
        else " ".join(x.text for x in chosen)
    )
    found: list[Span] = []
    words: list[tuple[int, str]] = []
    shift = 0
    for n, x in enumerate(chosen):
        if n:
            shift = (x.start - a.start) if located else shift + len(chosen[n - 1].text) + 1
        found += [replace(s, start=s.start + shift, end=s.end + shift) for s in spans[first + n]]
        words += [(at + shift, w) for at, w in x.words]
    start, end = (a.start, a.start + len(text)) if located else (-1, -1)
    return Candidate(
        rank, hit, text, start, end, sim, True, found,
        tokens=frozenset().union(*(x.tokens for x in chosen)),
        folded=" ".join(x.folded for x in chosen), words=tuple(words),
    )  # fmt: skip


def _new(span: Span, question: Question) -> bool:
    """A span the question does not already give (its own year, its organisation), in
    dollars when an amount of money is asked and not in dollars when people or things are
    counted ("how many teachers" is not answered by "8 millions $"), and a percentage when
    one is asked ("what percentage of victims" is not answered by "24 permis")."""
    if question.money != ("$" in span.unit) and (question.money or question.counted):
        return False
    if question.percent and "%" not in span.unit:
        return False
    text = fold(span.text)
    asked = fold(question.query.text)
    if span.kind == "organisation":
        return span.value not in question.query.organisations and text not in asked
    return text not in asked and not (set(NUMBER.findall(span.text)) & question.numbers)
