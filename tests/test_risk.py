"""The answer risk–coverage curve on hand-made points (no model, fast)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.risk import Point, chart, confidence_of, curve, table_rows
from eval.systems import AnswerRecord

POINTS = [
    Point("a", True, 0.9, True),
    Point("b", True, 0.6, False),
    Point("c", True, 0.3, True),
    Point("d", True, None, False),  # no candidate: never answered
    Point("u", False, 0.5, False),
]


def test_each_threshold_trades_coverage_for_accuracy() -> None:
    rows = {r["threshold"]: r for r in curve(POINTS)}
    assert sorted(rows) == [0.0, 0.3, 0.5, 0.6, 0.9, 1.0]
    assert rows[0.0] == {
        "threshold": 0.0,
        "coverage": 0.75,
        "selective_accuracy": pytest.approx(2 / 3),
        "accuracy": 0.5,
        "unanswerable_answered": 1.0,
    }
    assert rows[0.6]["coverage"] == 0.5 and rows[0.6]["selective_accuracy"] == 0.5
    assert rows[0.6]["unanswerable_answered"] == 0.0
    assert rows[0.9]["selective_accuracy"] == 1.0 and rows[0.9]["accuracy"] == 0.25
    assert rows[1.0]["coverage"] == 0.0 and rows[1.0]["selective_accuracy"] == 1.0


def test_confidence_of_an_ask_body_a_record_or_nothing() -> None:
    assert confidence_of({"answer": "34", "confidence": 0.75}) == 0.75
    assert confidence_of(AnswerRecord("34", True, [], 0.5)) == 0.5
    assert confidence_of({"answer": "34"}) is None
    assert confidence_of(AnswerRecord("34", True, [])) is None


def test_table_marks_the_shipped_threshold_and_the_chart_is_written(tmp_path: Path) -> None:
    header, rows = table_rows({"dev": POINTS, "test (held out)": POINTS[:2]}, 0.55)
    assert header[:4] == ["threshold", "dev coverage", "dev acc. of answers", "dev unans. answered"]
    shipped = [r for r in rows if r[0] == "0.550 (shipped)"]
    assert shipped and shipped[0][1:4] == [0.5, 0.5, 0.0]
    path = tmp_path / "risk.png"
    chart({"dev": curve(POINTS)}, path, 0.55)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
