"""What the answer candidates need of one passage, read once per passage text: its
sentences (in the order of their stored vectors) with their tokens, and the words, numbers
and places of the passage and its headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.models import Passage
from indexer.sentences import split_sentences
from indexer.text import fold, tokenize
from service.answers.spans import places_named

NUMBER = re.compile(r"\d+(?:[ ,.]\d{3})*")
WORD = re.compile(r"[\w'’-]+")


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
