"""The risk–coverage baseline: the answer confidence before issue 16 (``eval.overlap``),
on a hand-made set with a known result and on the seed question in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval import overlap
from eval.questions import Question
from eval.risk import Point, chart, curve, summary
from service.engine import Engine

SEED_FR = "Combien de permis de séjour temporaire ont été délivrés aux victimes en 2014 ?"
SEED_EN = "How many temporary resident permits were issued to victims in 2014?"


def test_the_sentence_with_the_rarest_words_of_the_question_wins() -> None:
    wanted = {"permis": 3.0, "victim": 1.0}
    sentences = [{"victim", "aide"}, {"permis", "sejour"}, {"permis", "victim"}, set()]
    assert overlap.share(wanted, sentences[0]) == pytest.approx(0.25)
    assert overlap.best_sentence(wanted, sentences) == (2, pytest.approx(1.0))
    assert overlap.best_sentence(wanted, sentences[:2]) == (1, pytest.approx(0.75))
    assert overlap.best_sentence(wanted, []) == (-1, 0.0)


def test_the_summary_gives_coverage_within_the_target_and_accuracy_at_full_coverage(
    tmp_path: Path,
) -> None:
    after = [Point("a", True, 0.9, True), Point("b", True, 0.4, True)]
    after += [Point("c", True, 0.2, False), Point("u0", False, 0.3, False)]
    before = [Point("a", True, 0.5, True), Point("b", True, 0.6, False)]
    before += [Point("c", True, None, False), Point("u0", False, 0.9, False)]
    assert summary(after) == {
        "coverage_at_target": pytest.approx(2 / 3),
        "accuracy_at_target": pytest.approx(2 / 3),
        "unanswerable_at_target": 0.0,
        "accuracy_full_coverage": pytest.approx(2 / 3),
    }
    # the unanswerable question is the most confident: nothing can be answered without it
    assert summary(before)["coverage_at_target"] == 0.0
    assert summary(before)["accuracy_full_coverage"] == pytest.approx(1 / 3)
    path = tmp_path / "risk.png"
    chart({"dev": curve(after)}, path, 0.5, before={"dev": curve(before)})
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _question(qid: str, text: str, language: str, terms: tuple[str, ...]) -> Question:
    return Question(qid, "dev", language, "fact", text, True, (), terms)


def test_before_issue_16_an_english_question_was_trusted_less_than_its_french_twin(
    engine: Engine,
) -> None:
    """The seed question finds the sentence with 34 in both languages; the English words
    with no French ("did", "come into force") count against the old confidence."""
    found = overlap.answers(
        engine,
        [
            _question("seed-fr", SEED_FR, "fr", ("34",)),
            _question("seed-en", SEED_EN, "en", ("34",)),
            _question("fr", "Quand les nouvelles conséquences pour les employeurs sont-elles "
                      "entrées en vigueur ?", "fr", ()),
            _question("en", "When did the new consequences for employers come into force?",
                      "en", ()),
        ],
        k=5,
    )  # fmt: skip
    assert found["seed-fr"]["open_correct"] and found["seed-en"]["open_correct"]
    assert 0 < found["en"]["confidence"] < found["fr"]["confidence"] <= 1
