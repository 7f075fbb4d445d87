"""Query understanding: language, task ids, organisations, intents, French expansions, and
the anchors (names, acronyms, numbers), untranslated words and counted thing of a question."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from indexer.lexicon import Glossary, TermTranslator
from indexer.resources import package_json
from indexer.text import detect_language, find_anchors, fold

TASK_ID = re.compile(r"(?<![\d.])(\d{1,2}\.\d{1,2})(?![\d.])")
# "how many victims were…", "combien de permis…": the words naming what is counted
COUNTED = re.compile(r"\b(?:how many|combien (?:de |d'))\s*((?:[^\W\d_][\w'-]*\s*){1,4})", re.I)


@dataclass
class Query:
    """What the searcher and the answerer know about one question."""

    text: str
    language: str  # "fr" | "en"
    task_ids: list[str] = field(default_factory=list)  # ids of known tasks mentioned
    organisations: list[str] = field(default_factory=list)  # glossary codes mentioned
    intents: set[str] = field(default_factory=set)  # keys of service/data/intents.json
    expansions: list[str] = field(default_factory=list)  # French terms for the lexical query
    organisation_names: list[str] = field(default_factory=list)  # "GRC (Gendarmerie royale…)"
    anchors: list[str] = field(default_factory=list)  # names, acronyms, numbers; French codes
    untranslated: str = ""  # the words that neither the terms nor the glossary translate
    counted: str = ""  # for "how many X": X, with its French for an English question
    vector: np.ndarray | None = field(default=None, repr=False)  # (dim,) once embedded
    latent: np.ndarray | None = field(default=None, repr=False)  # (n_features,) latent terms
    second: np.ndarray | None = field(default=None, repr=False)  # second encoder's (dim2,)

    @property
    def coverage_text(self) -> str:
        """The words a passage must hold to answer the question: a French question as it is,
        an English one by the French of its terms and organisations plus the words that have
        no translation (which a French passage will not hold, so such a question abstains
        more readily)."""
        words = self.untranslated if self.language == "en" else self.text
        return " ".join([words, *self.expansions])

    @property
    def lexical_text(self) -> str:
        """What BM25 is asked. An English question keeps only what a French text can contain
        (its names, acronyms and numbers) plus the French of its terms: its other English
        words would only match by accident."""
        words = self.anchors if self.language == "en" else [self.text]
        return " ".join([*words, *self.expansions])

    @property
    def dense_text(self) -> str:
        """The question with the French of its organisations (the corpus says GRC where an
        English question says RCMP) and, for English, of its domain terms."""
        extra = self.expansions if self.language == "en" else self.organisation_names
        return f"{self.text} ({'; '.join(extra)})" if extra else self.text


@cache
def _intents() -> dict[str, list[str]]:
    data = package_json("service", "data/intents.json")
    return {k: [fold(w) for w in v] for k, v in data.items() if k != "comment"}


def query_language(text: str, terms: TermTranslator) -> str:
    """The language of a question: :func:`detect_language`, the English domain phrases of
    ``terms`` deciding a tie (the API and the page both use this)."""
    return detect_language(text, len(terms.translate(text)))


def detect_intents(text: str) -> set[str]:
    folded = f" {' '.join(re.findall(r'[a-z0-9]+', fold(text)))} "
    return {name for name, words in _intents().items() if any(f" {w} " in folded for w in words)}


def analyse(text: str, glossary: Glossary, terms: TermTranslator, known_tasks: set[str]) -> Query:
    """Parse ``text`` into a Query. ``known_tasks`` are the task ids of the index."""
    translated = terms.translate(text)
    language = detect_language(text, len(translated))
    task_ids = [t for t in dict.fromkeys(TASK_ID.findall(text)) if t in known_tasks]
    organisations = glossary.find(text, kinds={"organisation", "program"})
    names = [glossary.display(code, "fr") for code in organisations]
    expansions = names + (translated if language == "en" else [])
    intents = detect_intents(text)
    return Query(
        text,
        language,
        task_ids=task_ids,
        organisations=organisations,
        intents=intents,
        expansions=expansions,
        organisation_names=names,
        anchors=list(dict.fromkeys([*find_anchors(text), *glossary.find(text)])),
        untranslated=glossary.unmentioned(terms.untranslated(text)),
        counted=counted_words(text, terms),
    )


def counted_words(text: str, terms: TermTranslator) -> str:
    """What a "how many"/"combien de" question counts, with the French of its English
    terms: "How many temporary resident permits were…" -> "temporary resident permits were
    permis de séjour temporaire"."""
    match = COUNTED.search(text)
    if not match:
        return ""
    words = match.group(1).strip()
    return " ".join([words, *terms.translate(words)])
