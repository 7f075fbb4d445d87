"""The evaluation questions: ``eval/questions.jsonl`` loaded and validated into dataclasses.

One JSON object per line::

    {"id": "q001", "split": "dev", "written": "with-system", "language": "fr",
     "category": "fact", "answer_type": "number", "question": "...", "answerable": true,
     "evidence": [{"doc_id": "...", "quote": "verbatim line fragment of the raw file"}],
     "answer_terms": ["34", "GRC|RCMP"]}

``written`` is the provenance: "with-system" (written while the system was built and run on
it) or "blind" (written from the reports alone, before the system saw it). The test split
holds blind questions only. ``answer_type`` (what kind of answer is expected) is required for
an answerable question and allowed for an unanswerable one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUESTIONS_FILE = Path(__file__).parent / "questions.jsonl"
SPLITS = ("dev", "test")
LANGUAGES = ("fr", "en")
WRITTEN = ("with-system", "blind")
ANSWER_TYPES = ("number", "date", "person", "organisation", "place", "list", "description")
FIELDS = {"id", "split", "written", "language", "category", "question", "answerable", "evidence"}
FIELDS_ALL = FIELDS | {"answer_terms", "answer_type"}


class QuestionError(ValueError):
    """The question file is missing or malformed; the message names the line."""


@dataclass(frozen=True)
class Evidence:
    """A verbatim quote (within one line) of a raw corpus file that answers the question."""

    doc_id: str
    quote: str


@dataclass(frozen=True)
class Question:
    id: str
    split: str  # "dev" | "test"
    language: str  # "fr" | "en"
    category: str
    question: str
    answerable: bool
    evidence: tuple[Evidence, ...]
    answer_terms: tuple[str, ...]  # each must appear in the answer; "a|b" = a or b
    written: str = "with-system"  # "with-system" | "blind"
    answer_type: str | None = None  # one of ANSWER_TYPES; None for some unanswerable ones


def load_questions(path: Path = QUESTIONS_FILE) -> list[Question]:
    """Every question of ``path``, in file order; raises QuestionError on a bad line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionError(f"{path}: cannot read question file ({exc.strerror})") from exc
    questions = [_parse(line, f"{path}:{n}") for n, line in enumerate(lines, 1) if line.strip()]
    _check_unique(questions, path)
    return questions


def select(questions: list[Question], split: str) -> list[Question]:
    """The questions of ``split`` ("dev", "test" or "all" for every question)."""
    if split == "all":
        return list(questions)
    if split not in SPLITS:
        raise QuestionError(f"unknown split {split!r}: use dev, test or all")
    return [q for q in questions if q.split == split]


def _parse(line: str, where: str) -> Question:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise QuestionError(f"{where}: not valid JSON ({exc.msg})") from exc
    if not isinstance(data, dict) or not FIELDS <= set(data) <= FIELDS_ALL:
        raise QuestionError(f"{where}: expected an object with fields {sorted(FIELDS_ALL)}")
    _expect(data["split"] in SPLITS, where, f"split must be one of {SPLITS}")
    _expect(data["language"] in LANGUAGES, where, f"language must be one of {LANGUAGES}")
    _expect(data["written"] in WRITTEN, where, f"written must be one of {WRITTEN}")
    _expect(
        data["split"] != "test" or data["written"] == "blind",
        where,
        "a test-split question must be blind (written from the reports alone)",
    )
    answer_type = data.get("answer_type")
    _expect(
        answer_type in ANSWER_TYPES or (answer_type is None and not data["answerable"]),
        where,
        f"answer_type must be one of {ANSWER_TYPES} (required when answerable)",
    )
    _expect(_text(data["question"]) and _text(data["id"]), where, "empty id or question")
    _expect(isinstance(data["answerable"], bool), where, "answerable must be true or false")
    evidence = tuple(_evidence(item, where) for item in _list(data["evidence"], where))
    terms = tuple(_list(data.get("answer_terms", []), where))
    _expect(all(_text(t) for t in terms), where, "answer_terms must be non-empty strings")
    if data["answerable"]:
        _expect(bool(evidence), where, "an answerable question needs evidence")
    return Question(
        id=data["id"],
        split=data["split"],
        language=data["language"],
        category=str(data["category"]),
        question=data["question"],
        answerable=data["answerable"],
        evidence=evidence,
        answer_terms=terms,
        written=data["written"],
        answer_type=answer_type,
    )


def _evidence(item: Any, where: str) -> Evidence:
    ok = isinstance(item, dict) and _text(item.get("doc_id")) and _text(item.get("quote"))
    _expect(bool(ok), where, 'evidence items need "doc_id" and "quote" strings')
    _expect("\n" not in item["quote"], where, "a quote must stay within one line")
    return Evidence(item["doc_id"], item["quote"])


def _list(value: Any, where: str) -> list[Any]:
    _expect(isinstance(value, list), where, "evidence and answer_terms must be lists")
    return value


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _expect(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise QuestionError(f"{where}: {message}")


def _check_unique(questions: list[Question], path: Path) -> None:
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise QuestionError(f"{path}: duplicate question id {q.id!r}")
        seen.add(q.id)
