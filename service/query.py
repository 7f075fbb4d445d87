"""Query understanding: language, task ids, organisations, intents and French expansions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from indexer.clean import fold
from indexer.glossary import Glossary, TermTranslator

DATA = Path(__file__).parent / "data"
STOPWORDS = Path(__file__).resolve().parents[1] / "indexer" / "data" / "stopwords.json"
TASK_ID = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2})(?![\d.])")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
FRENCH_MARKS = re.compile(r"[àâçéèêëîïôùûüœ]", re.IGNORECASE)


@dataclass
class Query:
    """What the searcher and the answerer know about one question."""

    text: str
    language: str  # "fr" | "en"
    task_ids: list[str] = field(default_factory=list)  # ids of known tasks mentioned
    organisations: list[str] = field(default_factory=list)  # glossary codes mentioned
    intents: set[str] = field(default_factory=set)  # keys of service/data/intents.json
    expansions: list[str] = field(default_factory=list)  # French terms for the lexical query

    @property
    def lexical_text(self) -> str:
        return " ".join([self.text, *self.expansions])


@cache
def _language_words() -> tuple[frozenset[str], frozenset[str]]:
    data = json.loads(STOPWORDS.read_text(encoding="utf-8"))
    fr, en = {fold(w) for w in data["fr"]}, {fold(w) for w in data["en"]}
    return frozenset(fr - en), frozenset(en - fr)


@cache
def _intents() -> dict[str, list[str]]:
    data = json.loads((DATA / "intents.json").read_text(encoding="utf-8"))
    return {k: [fold(w) for w in v] for k, v in data.items() if k != "comment"}


def detect_language(text: str) -> str:
    """ "en" when English function words outnumber French ones, else "fr"."""
    words = [fold(w) for w in WORD.findall(text)]
    fr_words, en_words = _language_words()
    fr = sum(w in fr_words for w in words) + 2 * len(FRENCH_MARKS.findall(text))
    en = sum(w in en_words for w in words)
    return "en" if en > fr else "fr"


def detect_intents(text: str) -> set[str]:
    folded = f" {' '.join(re.findall(r'[a-z0-9]+', fold(text)))} "
    return {name for name, words in _intents().items() if any(f" {w} " in folded for w in words)}


def analyse(text: str, glossary: Glossary, terms: TermTranslator, known_tasks: set[str]) -> Query:
    """Parse ``text`` into a Query. ``known_tasks`` are the task ids of the index."""
    language = detect_language(text)
    task_ids = [t for t in dict.fromkeys(TASK_ID.findall(text)) if t in known_tasks]
    organisations = glossary.find(text)
    expansions = [glossary.display(code, "fr") for code in organisations]
    if language == "en":
        expansions += terms.translate(text)
    return Query(text, language, task_ids, organisations, detect_intents(text), expansions)
