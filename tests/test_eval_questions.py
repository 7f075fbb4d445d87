"""Sanity checks for the evaluation question set in eval/questions.jsonl."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT / "corpus"
QUESTIONS_PATH = ROOT / "eval" / "questions.jsonl"

FIELDS = {
    "id",
    "split",
    "written",
    "language",
    "category",
    "question",
    "answerable",
    "evidence",
    "answer_terms",
}
OPTIONAL = {"answer_type"}
SPLITS = {"dev", "test"}
WRITTEN = {"with-system", "blind"}
ANSWER_TYPES = {"number", "date", "person", "organisation", "place", "list", "description"}
LANGUAGES = {"fr", "en"}
CATEGORIES = {"fact", "annex", "workshop", "paraphrase", "acronym", "keyword", "unanswerable"}
ID_RE = re.compile(r"^q\d{3,}$")

MIN_QUESTIONS = 130
MIN_ENGLISH_SHARE = 0.45
MIN_UNANSWERABLE = 14


@cache
def doc_files() -> dict[str, Path]:
    collection = json.loads((CORPUS_DIR / "collection.json").read_text(encoding="utf-8"))
    return {doc["id"]: CORPUS_DIR / doc["file"] for doc in collection["documents"]}


@cache
def doc_text(doc_id: str) -> str:
    return doc_files()[doc_id].read_text(encoding="utf-8")


@cache
def raw_lines() -> tuple[str, ...]:
    return tuple(QUESTIONS_PATH.read_text(encoding="utf-8").splitlines())


@cache
def questions() -> tuple[dict, ...]:
    return tuple(json.loads(line) for line in raw_lines() if line.strip())


def test_every_line_is_valid_json_object() -> None:
    lines = raw_lines()
    assert lines, "questions file is empty"
    for number, line in enumerate(lines, 1):
        assert line.strip(), f"blank line {number}"
        obj = json.loads(line)
        assert isinstance(obj, dict), f"line {number} is not a JSON object"


def test_fields_and_allowed_values() -> None:
    files = doc_files()
    for q in questions():
        qid = q.get("id")
        assert FIELDS <= set(q) <= FIELDS | OPTIONAL, f"{qid}: fields {sorted(q)}"
        assert isinstance(qid, str) and ID_RE.match(qid), f"bad id {qid!r}"
        assert q["split"] in SPLITS, qid
        assert q["language"] in LANGUAGES, qid
        assert q["written"] in WRITTEN, qid
        assert q.get("answer_type", "description") in ANSWER_TYPES, qid
        assert q["category"] in CATEGORIES, qid
        assert isinstance(q["question"], str) and q["question"].strip(), qid
        assert isinstance(q["answerable"], bool), qid
        assert isinstance(q["evidence"], list), qid
        assert isinstance(q["answer_terms"], list), qid
        for ev in q["evidence"]:
            assert isinstance(ev, dict) and set(ev) == {"doc_id", "quote"}, qid
            assert ev["doc_id"] in files, f"{qid}: unknown doc_id {ev['doc_id']!r}"
            assert isinstance(ev["quote"], str) and ev["quote"].strip(), qid
        for term in q["answer_terms"]:
            assert isinstance(term, str), qid
            alternatives = term.split("|")
            assert all(alt.strip() for alt in alternatives), f"{qid}: empty alternative {term!r}"


def test_ids_are_unique() -> None:
    counts = Counter(q["id"] for q in questions())
    duplicates = sorted(qid for qid, n in counts.items() if n > 1)
    assert not duplicates, duplicates


def test_questions_are_unique() -> None:
    counts = Counter(q["question"].strip().lower() for q in questions())
    duplicates = sorted(text for text, n in counts.items() if n > 1)
    assert not duplicates, duplicates


def test_collection_files_exist() -> None:
    for doc_id, path in doc_files().items():
        assert path.is_file(), f"{doc_id}: missing {path}"


@pytest.mark.parametrize("q", questions(), ids=lambda q: q.get("id", "?"))
def test_quotes_occur_verbatim(q: dict) -> None:
    for ev in q["evidence"]:
        quote = ev["quote"]
        assert "\n" not in quote and "\r" not in quote, f"{q['id']}: quote spans lines"
        assert quote in doc_text(ev["doc_id"]), f"{q['id']}: quote not in {ev['doc_id']}: {quote!r}"


def test_answerable_consistency() -> None:
    for q in questions():
        qid = q["id"]
        if q["answerable"]:
            assert q["category"] != "unanswerable", qid
            assert "answer_type" in q, f"{qid}: answerable without answer_type"
            assert len(q["evidence"]) >= 1, f"{qid}: answerable without evidence"
            assert len(q["answer_terms"]) >= 1, f"{qid}: answerable without answer terms"
        else:
            assert q["category"] == "unanswerable", qid
            assert q["evidence"] == [], f"{qid}: unanswerable with evidence"
            assert q["answer_terms"] == [], f"{qid}: unanswerable with answer terms"


def test_global_counts() -> None:
    qs = questions()
    assert len(qs) >= MIN_QUESTIONS, len(qs)
    english = sum(q["language"] == "en" for q in qs)
    assert english / len(qs) >= MIN_ENGLISH_SHARE, f"{english}/{len(qs)} English"
    unanswerable = sum(not q["answerable"] for q in qs)
    assert unanswerable >= MIN_UNANSWERABLE, unanswerable


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_split_covers_every_category_and_language(split: str) -> None:
    subset = [q for q in questions() if q["split"] == split]
    assert {q["category"] for q in subset} == CATEGORIES, split
    assert {q["language"] for q in subset} == LANGUAGES, split


def test_the_test_split_holds_only_blind_questions() -> None:
    """Questions written while running the system flatter it: they tune, they do not test."""
    with_system = [q["id"] for q in questions() if q["written"] != "blind" and q["split"] == "test"]
    assert not with_system, with_system


def test_the_held_out_test_split_is_big_enough_and_bilingual() -> None:
    test = [q for q in questions() if q["split"] == "test"]
    answerable = sum(q["answerable"] for q in test)
    assert answerable >= 100, answerable
    assert len(test) - answerable >= 15, len(test) - answerable
    english = sum(q["language"] == "en" for q in test)
    assert english / len(test) >= 0.40, f"{english}/{len(test)} English"
