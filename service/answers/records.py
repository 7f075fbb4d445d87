"""The records answer candidates are made of: the question as the candidates see it, and a
candidate sentence (or pair of sentences) with its spans and features."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from indexer.text import fold, tokenize
from service.answers.reading import NUMBER
from service.answers.spans import Span, places_named
from service.query import Query
from service.search import Hit, Searcher

MONEY = re.compile(
    r"\b(?:montant|somme|cout\w*|finance\w*|verse\w*|dollars?|budget|how much|amount|cost\w*|"
    r"fund\w*|spen[dt]|paid|pay|give|gave|money)\b"
)

PERCENT = re.compile(r"\b(?:pourcentage|percentage|percent|pour cent)\b|%")


@dataclass
class Question:
    """What the candidates are compared with: the analysed query and its derived parts."""

    query: Query
    kind: str  # expected answer type
    keyword: bool
    wanted: dict[str, float]  # French tokens -> idf (English: French of terms + anchors)
    numbers: set[str]
    anchors: list[str]  # folded
    counted: set[str]
    money: bool  # an amount of money is asked
    places: frozenset[str]  # places the question names, by their French name
    percent: bool = False  # a percentage is asked


@dataclass
class Candidate:
    rank: int  # 0-based position of its passage in the hits
    hit: Hit
    text: str  # the sentence(s) as in the passage text
    start: int  # offsets in hit.passage.text; -1 when the text differs (Annex index text)
    end: int
    sim: float
    pair: bool = False
    spans: list[Span] = field(default_factory=list)  # of the expected type, not in the question
    features: np.ndarray | None = None  # (len(FEATURES),) float32
    tokens: frozenset[str] = frozenset()
    folded: str = ""  # accent-folded text
    words: tuple[tuple[int, str], ...] = ()  # (offset in text, token)


def question_of(query: Query, kind: str, keyword: bool, searcher: Searcher) -> Question:
    """The question's French words (an English one: the French of its terms, its anchors and
    its organisations, never its untranslated words) with their idf."""
    words = (
        " ".join([*query.anchors, *query.expansions])
        if query.language == "en"
        else " ".join([query.text, *query.expansions])
    )
    tokens = list(dict.fromkeys(tokenize(words)))
    return Question(
        query,
        kind,
        keyword,
        searcher.idf(tokens),
        set(NUMBER.findall(query.text)),
        [fold(a) for a in query.anchors if not a[0].isdigit()],
        set(tokenize(query.counted)),
        kind == "number" and MONEY.search(fold(query.text)) is not None,
        places_named(query.text) - {"Canada"},
        kind == "number" and PERCENT.search(fold(query.text)) is not None,
    )


def best_span(candidate: Candidate, question: Question) -> Span | None:
    """The span of ``candidate`` nearest the question's words in the sentence (the number
    beside "permis" rather than another one)."""
    if not candidate.spans:
        return None
    wanted = set(question.wanted) | question.counted
    positions = [at for at, token in candidate.words if token in wanted]
    if not positions:
        return candidate.spans[0]
    return min(candidate.spans, key=lambda s: min(abs(s.start - p) for p in positions))
