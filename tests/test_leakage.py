"""No held-out test question, nor a near copy of one, is written into the repository."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from eval.leakage import NameMasker, find_leaks, report_texts, repository_files
from eval.questions import Question, load_questions, select
from indexer.lexicon import Glossary

ROOT = Path(__file__).resolve().parents[1]


@cache
def mask() -> NameMasker:
    return NameMasker.from_glossary(Glossary.load(ROOT / "corpus" / "glossary.json"))


@cache
def held_out() -> list[Question]:
    return select(load_questions(), "test")


def asked(questions: list[Question]) -> list[tuple[str, str]]:
    return [(q.id, q.question) for q in questions]


def test_no_test_question_is_in_code_data_tests_or_readme() -> None:
    files = repository_files(ROOT)
    assert {"README.md", "corpus/glossary.json", "service/search.py"} <= set(files)
    assert "eval/questions.jsonl" not in files
    leaks = find_leaks(asked(held_out()), files, mask(), report_texts(ROOT))
    found = [f"{x.question_id} in {x.path} ({x.kind}): {x.excerpt}" for x in leaks]
    assert not found, "\n".join(found)


def _longest(questions: list[Question]) -> Question:
    return max(questions, key=lambda q: len(q.question))


def _near_copy(text: str) -> str:
    """The question re-cased, without accents or punctuation, its last word changed."""
    words = text.replace("?", "").split()
    return " ".join(words[:-1] + ["zzz"]).upper().replace("É", "E")


@pytest.mark.parametrize(
    ("plant", "kind"),
    [
        (lambda q: f'QUESTION = "{q}"\n', "ngram"),
        (lambda q: f'TEXT = (\n    "{q[: len(q) // 2]}"\n    "{q[len(q) // 2 :]}"\n)\n', "ngram"),
        (lambda q: f"# {_near_copy(q)}\n", None),
    ],
    ids=["verbatim", "wrapped", "near-copy"],
)
def test_a_planted_copy_of_a_test_question_is_caught(tmp_path: Path, plant, kind) -> None:
    question = _longest(held_out())
    planted = tmp_path / "rules.py"
    planted.write_text("import re\n\n" + plant(question.question), encoding="utf-8")
    clean = tmp_path / "other.py"
    clean.write_text("def f() -> int:\n    return 1\n", encoding="utf-8")
    files = {str(p): p.read_text(encoding="utf-8") for p in (planted, clean)}
    leaks = find_leaks(asked(held_out()), files, mask())
    assert [(x.question_id, x.path) for x in leaks] == [(question.id, str(planted))]
    assert kind is None or leaks[0].kind == kind


def test_a_reordered_copy_is_a_near_copy() -> None:
    """Same words in another order share no long n-gram but have Jaccard 1."""
    words = "why do survivors of the program come back years later asking for help".split()
    leaks = find_leaks([("x", " ".join(words))], {"f.md": " ".join(reversed(words))})
    assert [leak.kind for leak in leaks] == ["near copy"]


def test_a_shared_name_alone_is_not_a_copy() -> None:
    """Long official names (glossary forms) count as one token."""
    name = "Groupe de travail national sur la traite des femmes et des filles"
    question = f"Qui préside le {name} à des fins d'exploitation sexuelle ?"
    masker = NameMasker([name])
    files = {"glossary.json": f'{{"name_fr": "{name}"}}'}
    assert find_leaks([("x", question)], files, masker) == []
    assert find_leaks([("x", question)], files) != []  # without the mask: a false alarm


def test_words_of_the_reports_are_not_a_copy() -> None:
    """A test may quote the reports, and a question may use their words."""
    report = "Le comité de coordination des intervenants en santé mentale du Yukon se réunit."
    question = (
        "Le comité de coordination des intervenants en santé mentale du Yukon a-t-il un site ?"
    )
    files = {"test_clean.py": f'TEXT = "{report}"'}
    assert find_leaks([("x", question)], files, reports=[report]) == []
    assert find_leaks([("x", question)], files) != []
