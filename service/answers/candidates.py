"""Answer candidates: every sentence, and every pair of consecutive sentences, of the top
passages, with the features the scorer weighs.

The question is embedded once (by the search); each sentence's vector is the one the index
stored for the sentence channel, so a candidate costs no encoder pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from indexer.lexicon import Glossary
from indexer.models import Passage
from indexer.sentences import split_sentences
from indexer.text import fold, tokenize
from service.answers.spans import Span, find_spans, places_named
from service.query import Query
from service.search import Hit, Searcher

NUMBER = re.compile(r"\d+(?:[ ,.]\d{3})*")
LETTERS = re.compile(r"[^\W\d_]+")
WORD = re.compile(r"[\w'’-]+")
MONEY = re.compile(
    r"\b(?:montant|somme|cout\w*|finance\w*|verse\w*|dollars?|budget|how much|amount|cost\w*|"
    r"fund\w*|spen[dt]|paid|pay|give|gave|money)\b"
)
REQUIRED = ("number", "date", "person")  # no such span, no answer from the sentence
TYPED = ("number", "date", "person", "organisation", "place")
FEATURES = (
    "sim",  # e5 cosine question <-> sentence (stored sentence vector)
    "inv_rank",  # 1 / passage rank
    "fused_rel",  # passage fused score / the first passage's
    "coverage",  # IDF share of the question's French words in the sentence
    "heading_cov",  # ... in its section heading
    "passage_cov",  # ... in its whole passage
    "span",  # holds a span of the expected type that the question does not give
    "typed_span",  # span, for a question expecting a typed answer
    "typed_missing",  # a typed question, and no such span
    "qnum_missing",  # a number of the question (a year, an amount) missing from the sentence
    "qnum_missing_passage",  # ... and from its whole passage
    "anchors_passage",  # share of the question's names/acronyms found in the passage
    "anchors_sentence",  # ... in the sentence
    "place_missing",  # the question names a place (Quebec, Manitoba) its passage does not
    "novel",  # words of the sentence the question does not have (new information), / 10
    "counted",  # "how many X": X is in the sentence
    "counted_span",  # ... right after one of its numbers ("34 permis")
    "unit_match",  # an amount of money is asked and a span is in dollars (1 otherwise)
    "pair",  # two sentences
    "sim_rank",  # 1 / rank of sim among the question's candidates
    "span_near",  # its best span is next to the question's words (1 / (1 + words between))
    "length",  # characters / 400, at most 1.5
    "english",
    "keyword",
)


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
    )


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
    _featurise(question, hits, found)
    # a passage that does not name the question's place or number does not answer it: "in
    # Quebec" is not answered by the national figure, "in 2019" not by the 2014 one
    vetoes = [FEATURES.index("place_missing"), FEATURES.index("qnum_missing_passage")]
    return [c for c in found if not c.features[vetoes].any()]


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the passage text, -1 when not found there (Annex index text)
    tokens: frozenset[str]
    folded: str
    words: tuple[tuple[int, str], ...]  # (offset in the sentence, token) of its words


@dataclass(frozen=True)
class Reading:
    """What the candidates need of one passage, computed once per passage (cached)."""

    sentences: tuple[Sentence, ...]
    heading_tokens: frozenset[str]
    tokens: frozenset[str]  # of the passage and its breadcrumb
    folded: str
    numbers: frozenset[str]
    places: frozenset[str]


_READINGS: dict[tuple[str, str], Reading] = {}
MAX_READINGS = 8192
WARM_LIMIT = 5000  # an index of at most this many passages is read at start-up


def warm(passages: list[Passage]) -> None:
    """Read every passage ahead of the first question when the index is small."""
    if len(passages) <= WARM_LIMIT:
        for passage in passages:
            read(passage)


def read(passage: Passage) -> Reading:
    """The sentences of ``passage`` (``split_sentences``: the order of its stored vectors),
    read once per passage text."""
    key = (passage.id, passage.indexed_text)
    reading = _READINGS.get(key)
    if reading is None:
        if len(_READINGS) >= MAX_READINGS:
            _READINGS.clear()
        reading = _READINGS[key] = _read(passage)
    return reading


def _read(passage: Passage) -> Reading:
    title = passage.section_path[-1] if passage.section_path else ""
    sentences, cursor = [], 0
    for unit in split_sentences(passage):
        text = unit[len(title) + 2 :] if title and unit.startswith(f"{title}: ") else unit
        start = passage.text.find(text, cursor)
        cursor = start + len(text) if start >= 0 else cursor
        words = tuple(
            (m.start(), token) for m in WORD.finditer(text) for token in tokenize(m.group())[:1]
        )
        sentences.append(Sentence(text, start, frozenset(t for _, t in words), fold(text), words))
    context = passage.text + " " + " ".join(passage.section_path)
    return Reading(
        tuple(sentences),
        frozenset(tokenize(title)),
        frozenset(tokenize(context)),
        fold(context),
        frozenset(NUMBER.findall(context)),
        places_named(context),
    )


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
    """A span the question does not already give (its own year, its organisation), and in
    dollars when an amount of money is asked."""
    if question.money and "$" not in span.unit:
        return False
    text = fold(span.text)
    asked = fold(question.query.text)
    if span.kind == "organisation":
        return span.value not in question.query.organisations and text not in asked
    return text not in asked and not (set(NUMBER.findall(span.text)) & question.numbers)


def _share(wanted: dict[str, float], tokens: set[str]) -> float:
    total = sum(wanted.values())
    return sum(w for t, w in wanted.items() if t in tokens) / total if total else 0.0


def _featurise(question: Question, hits: list[Hit], found: list[Candidate]) -> None:
    top_score = hits[0].score or 1.0
    typed = question.kind in TYPED
    anchors = question.anchors
    question_tokens = set(question.wanted) | set(tokenize(question.query.text))
    for c in found:
        reading = read(c.hit.passage)
        numbers = set(NUMBER.findall(c.text))
        values = {
            "sim": c.sim,
            "inv_rank": 1.0 / (c.rank + 1),
            "fused_rel": c.hit.score / top_score,
            "coverage": _share(question.wanted, c.tokens),
            "heading_cov": _share(question.wanted, reading.heading_tokens),
            "passage_cov": _share(question.wanted, reading.tokens),
            "span": float(bool(c.spans)),
            "typed_span": float(typed and bool(c.spans)),
            "typed_missing": float(typed and not c.spans),
            "qnum_missing": float(bool(question.numbers - numbers)),
            "qnum_missing_passage": float(bool(question.numbers - reading.numbers)),
            "anchors_passage": (
                sum(a in reading.folded for a in anchors) / len(anchors) if anchors else 1.0
            ),
            "anchors_sentence": (
                sum(a in c.folded for a in anchors) / len(anchors) if anchors else 1.0
            ),
            "place_missing": float(bool(question.places - reading.places)),
            "novel": min(len(c.tokens - question_tokens) / 10, 1.5),
            "counted": float(not question.counted or bool(question.counted & c.tokens)),
            "counted_span": float(
                not question.counted
                or any(
                    question.counted & set(tokenize(c.text[s.end : s.end + 40])) for s in c.spans
                )
            ),
            "unit_match": float(not question.money or any("$" in s.unit for s in c.spans)),
            "pair": float(c.pair),
            "length": min(len(c.text) / 400, 1.5),
            "english": float(question.query.language == "en"),
            "keyword": float(question.keyword),
        }
        values["span_near"] = _nearness(c, question)
        c.features = np.asarray([values.get(f, 0.0) for f in FEATURES], dtype=np.float32)
    _rank_feature(found, "sim", "sim_rank")


def _rank_feature(found: list[Candidate], source: str, target: str) -> None:
    """Set feature ``target`` to 1 / rank of feature ``source`` (ties share the best rank)."""
    if not found:
        return
    column = np.asarray([c.features[FEATURES.index(source)] for c in found])
    ranks = (column[None, :] > column[:, None]).sum(axis=1) + 1  # (n,): better values + 1
    for c, r in zip(found, ranks, strict=True):
        c.features[FEATURES.index(target)] = 1.0 / r


def _nearness(c: Candidate, question: Question) -> float:
    span = best_span(c, question)
    if span is None:
        return 0.0
    wanted = set(question.wanted) | question.counted
    positions = [at for at, token in c.words if token in wanted]
    if not positions:
        return 0.0
    gap = min(abs(span.start - p) for p in positions)
    return 1.0 / (1.0 + gap / 8)


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
