"""The features the answer scorer weighs (``FEATURES``, the columns of the answer model), set
on each candidate of a question."""

from __future__ import annotations

import numpy as np

from indexer.text import tokenize
from service.answers.reading import NUMBER, read
from service.answers.records import Candidate, Question, best_span
from service.search import Hit

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
    "tail_novel",  # novel, of its last sentence alone: what a pair's second sentence adds
    "fragment_desc",  # a description/list question, and a fragment (< 80 characters)
    "intro_desc",  # a description/list question, and it ends on ":" (the items missing)
)
EXPLAINED = ("description", "list")  # answered by a sentence that explains, not a span
FRAGMENT = 80  # characters: shorter is a heading or a name, not an explanation


def _share(wanted: dict[str, float], tokens: set[str]) -> float:
    total = sum(wanted.values())
    return sum(w for t, w in wanted.items() if t in tokens) / total if total else 0.0


def featurise(question: Question, hits: list[Hit], found: list[Candidate]) -> None:
    top_score = hits[0].score or 1.0
    typed = question.kind in TYPED
    explained = question.kind in EXPLAINED
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
            "tail_novel": min(len(c.last_tokens - question_tokens) / 10, 1.5),
            "fragment_desc": float(explained and len(c.text) < FRAGMENT),
            "intro_desc": float(explained and c.text.rstrip().endswith(":")),
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
