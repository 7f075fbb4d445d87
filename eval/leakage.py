"""Leakage: a held-out test question, or a near copy of one, written into the repository.

A question that appears in code, a data file (glossary, terms, intents), a test or the README
has been looked at while building the system: a rule may special-case it, and it no longer
measures what the system does on unseen questions. Two checks on folded word tokens
(lower case, no accents, letters and digits only), so quoting, wrapping and case do not hide
a copy:

* a long shared n-gram: :data:`NGRAM` consecutive tokens of the question (the whole
  question when it is shorter) occur in a row in the file, and not in the reports (a test
  may quote the reports, and a question may use their words);
* a near copy: a window of the file as long as the question whose token set has a Jaccard
  similarity of at least :data:`MIN_JACCARD` with the question's.

Names (every form of every glossary entry: "Groupe de travail national sur la traite des
femmes et des filles…") count as one token each, in the questions and in the files: a
question naming the task force shares that long name with the glossary without being in it.
The corpus documents are not scanned: questions are written from them, so they naturally
share phrases with them.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.clean import clean_ocr
from indexer.lexicon import Glossary
from indexer.text import fold

NGRAM = 8
MIN_JACCARD = 0.8
MIN_TOKENS = 3  # a shorter question ("PST 2014") is too common a phrase to call a copy
WORD = re.compile(r"[a-z0-9]+")
# generated from the questions or holding them by design
EXCLUDED = ("eval/questions.jsonl", "eval/report.md", "eval/out/")


@dataclass(frozen=True)
class Leak:
    question_id: str
    path: str
    kind: str  # "ngram" | "near copy"
    excerpt: str  # the file's matching tokens


def tokens(text: str) -> list[str]:
    """Folded word tokens: ``"L'Opération, 2014"`` -> ``["l", "operation", "2014"]``."""
    return WORD.findall(fold(text).lower())


class NameMasker:
    """Replaces each name (a token sequence of two or more tokens) by one token."""

    def __init__(self, names: Iterable[str]) -> None:
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        for name in names:
            words = tuple(tokens(name))
            if len(words) >= 2:
                self.by_first.setdefault(words[0], []).append(words)
        for sequences in self.by_first.values():
            sequences.sort(key=len, reverse=True)  # the longest name first

    @classmethod
    def from_glossary(cls, glossary: Glossary) -> NameMasker:
        return cls(form for entry in glossary.entries.values() for form in entry.forms)

    def __call__(self, words: list[str]) -> list[str]:
        masked, i = [], 0
        while i < len(words):
            name = next(
                (s for s in self.by_first.get(words[i], ()) if tuple(words[i : i + len(s)]) == s),
                None,
            )
            masked.append("§" + "_".join(name) if name else words[i])
            i += len(name) if name else 1
        return masked


def find_leaks(
    questions: Iterable[tuple[str, str]],
    files: Mapping[str, str],
    mask: NameMasker | None = None,
    reports: Iterable[str] = (),
) -> list[Leak]:
    """Every (question, file) pair where the file holds a copy of the question.

    ``questions`` are ``(id, text)`` pairs, ``files`` maps a path to its text; ``mask``
    turns names into single tokens (none by default); n-grams of the ``reports`` (the corpus
    documents' texts) are not copies.
    """
    mask = mask or NameMasker(())
    reports = [mask(tokens(text)) for text in reports]
    asked = [
        (qid, words) for qid, text in questions if len(words := mask(tokens(text))) >= MIN_TOKENS
    ]
    sizes = {min(NGRAM, len(words)) for _, words in asked}
    quoted = {n: set().union(*(_ngrams(r, n) for r in reports)) for n in sizes}
    vocabulary: dict[str, int] = {}
    leaks = []
    for path, text in files.items():
        stream = mask(tokens(text))
        ids = np.array([vocabulary.setdefault(t, len(vocabulary)) for t in stream], dtype=np.int64)
        grams = {n: _ngrams(stream, n) for n in sizes}
        for qid, words in asked:
            n = min(NGRAM, len(words))
            shared = (_ngrams(words, n) & grams[n]) - quoted[n]
            if shared:
                leaks.append(Leak(qid, path, "ngram", " ".join(min(shared))))
                continue
            wanted = {vocabulary[t] for t in words if t in vocabulary}
            start = _near_copy(ids, wanted, len(words), len(set(words)))
            if start is not None:
                excerpt = " ".join(stream[start : start + len(words)])
                leaks.append(Leak(qid, path, "near copy", excerpt))
    return leaks


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _near_copy(ids: np.ndarray, wanted: set[int], m: int, distinct: int) -> int | None:
    """Start of the first window of ``m`` tokens of ``ids`` (n,) whose token set has Jaccard
    >= MIN_JACCARD with the question's ``distinct`` tokens, of which ``wanted`` occur in the
    file. Only windows holding enough question tokens (``|W ∩ Q| >= MIN_JACCARD·|Q|`` is
    needed) are compared exactly."""
    if len(ids) < m or len(wanted) < MIN_JACCARD * distinct:
        return None
    inside = np.isin(ids, list(wanted)).astype(np.int32)
    counts = np.convolve(inside, np.ones(m, dtype=np.int32), mode="valid")  # (n - m + 1,)
    for start in np.flatnonzero(counts >= MIN_JACCARD * distinct):
        window = set(ids[start : start + m].tolist())
        common = len(window & wanted)
        if common / (len(window) + distinct - common) >= MIN_JACCARD:
            return int(start)
    return None


def repository_files(root: Path) -> dict[str, str]:
    """The tracked text files of the repository at ``root`` (``git ls-files``), minus the
    corpus documents and :data:`EXCLUDED`; binary files are skipped."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True
    ).stdout.decode()
    corpus = _corpus_documents(root)
    files = {}
    for path in filter(None, listed.split("\0")):
        if path.startswith(EXCLUDED) or path in corpus:
            continue
        try:
            files[path] = (root / path).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue
    return files


def report_texts(root: Path) -> list[str]:
    """The texts of the corpus documents of the repository at ``root``, as they are and with
    their OCR errors cleaned (as the index and the tests read them)."""
    raw = [(root / path).read_text(encoding="utf-8") for path in sorted(_corpus_documents(root))]
    return raw + [clean_ocr(text) for text in raw]


def _corpus_documents(root: Path) -> set[str]:
    collection = json.loads((root / "corpus" / "collection.json").read_text(encoding="utf-8"))
    return {f"corpus/{doc['file']}" for doc in collection["documents"]}
