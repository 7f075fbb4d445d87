"""Answer risk–coverage: what each abstention threshold would buy.

Every question gets a confidence (:func:`confidence_of` its ``/ask`` answer) and the
judgement of the answer it would give with no abstention (the "open" answer). At threshold
``t`` the questions with confidence >= ``t`` are answered; :func:`curve` gives for each
threshold the share of answerable questions answered (coverage), the accuracy of those
answers (selective accuracy), the accuracy over all answerable questions, and the share of
unanswerable questions answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGET = 0.05  # share of unanswerable questions answered that the summary allows


@dataclass(frozen=True)
class Point:
    """One question: its confidence (None: it cannot be answered at any threshold) and
    whether its open answer is right."""

    qid: str
    answerable: bool
    confidence: float | None
    correct: bool


def confidence_of(answer: Any) -> float | None:
    """The 0–1 confidence of an answer: ``/ask``'s ``confidence`` field (a JSON body) or the
    ``confidence`` attribute of an ``Answer``/``AnswerRecord``; None when there is none."""
    value = answer.get("confidence") if isinstance(answer, Mapping) else None
    if value is None and not isinstance(answer, Mapping):
        value = getattr(answer, "confidence", None)
    return None if value is None else float(value)


def points(results: dict[str, Any], qids: Iterable[str], key: str = "answers") -> list[Point]:
    """The points of ``qids`` from ``eval.run`` results: ``results[key]`` holds per question
    ``confidence`` and ``open_correct`` (``"answers"``: the answerer; ``"overlap_answers"``:
    the confidence before issue 16, ``eval.overlap``)."""
    found = []
    for qid in qids:
        answer = results.get(key, {}).get(qid)
        if answer is None or "open_correct" not in answer:
            continue
        answerable = results["questions"][qid]["answerable"]
        found.append(Point(qid, answerable, answer["confidence"], answer["open_correct"]))
    return found


def curve(pts: list[Point], thresholds: Iterable[float] | None = None) -> list[dict[str, float]]:
    """One row per threshold (default: every distinct confidence, and 0 and 1)."""
    answerable = [p for p in pts if p.answerable]
    unanswerable = [p for p in pts if not p.answerable]
    if thresholds is None:
        thresholds = {p.confidence for p in pts if p.confidence is not None} | {0.0, 1.0}
    rows = []
    for t in sorted(thresholds):
        given = [p for p in answerable if p.confidence is not None and p.confidence >= t]
        right = sum(p.correct for p in given)
        wrongly = sum(p.confidence is not None and p.confidence >= t for p in unanswerable)
        rows.append(
            {
                "threshold": t,
                "coverage": len(given) / len(answerable) if answerable else 0.0,
                "selective_accuracy": right / len(given) if given else 1.0,
                "accuracy": right / len(answerable) if answerable else 0.0,
                "unanswerable_answered": wrongly / len(unanswerable) if unanswerable else 0.0,
            }
        )
    return rows


def at_target(rows: list[dict[str, float]], target: float = TARGET) -> dict[str, float]:
    """The row of ``curve`` with the largest coverage among those answering at most
    ``target`` of the unanswerable questions (of equal coverage, the most accurate)."""
    allowed = [r for r in rows if r["unanswerable_answered"] <= target + 1e-9]
    return max(allowed, key=lambda r: (r["coverage"], r["accuracy"]))


def summary(pts: list[Point], target: float = TARGET) -> dict[str, float]:
    """What a curve buys, in two numbers each way: coverage and accuracy (over all
    answerable questions) at the best threshold answering at most ``target`` of the
    unanswerable questions, and the accuracy when every question gets its answer."""
    rows = curve(pts)
    best = at_target(rows, target)
    full = min(rows, key=lambda r: r["threshold"])
    return {
        "coverage_at_target": best["coverage"],
        "accuracy_at_target": best["accuracy"],
        "unanswerable_at_target": best["unanswerable_answered"],
        "accuracy_full_coverage": full["accuracy"],
    }


def chart(
    curves: dict[str, list[dict[str, float]]],
    path: Path,
    shipped: float | None,
    before: dict[str, list[dict[str, float]]] | None = None,
) -> None:
    """Two panels per split: selective accuracy against coverage (the risk–coverage curve,
    with the ``before`` curves dashed: the confidence before issue 16), and coverage and
    unanswerable answered against the threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    for split, rows in curves.items():
        drawn = left.plot(
            [r["coverage"] for r in rows], [r["selective_accuracy"] for r in rows], label=split
        )[0]
        t = [r["threshold"] for r in rows]
        line = right.plot(t, [r["coverage"] for r in rows], label=f"{split}: coverage")[0]
        if before and split in before:
            left.plot(
                [r["coverage"] for r in before[split]],
                [r["selective_accuracy"] for r in before[split]],
                linestyle="--",
                color=drawn.get_color(),
                label=f"{split}: before #16 (word overlap)",
            )
        right.plot(
            t,
            [r["unanswerable_answered"] for r in rows],
            linestyle="--",
            color=line.get_color(),
            label=f"{split}: unanswerable answered",
        )
    left.set(xlabel="coverage (answerable questions answered)", ylabel="accuracy of answers")
    left.set_title("risk–coverage")
    right.set(xlabel="confidence threshold", ylabel="share of questions")
    right.set_title("what a threshold answers")
    if shipped is not None:
        right.axvline(shipped, color="grey", linewidth=0.8)
    for ax in (left, right):
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


TABLE_THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def table_rows(
    curves: dict[str, list[Point]], shipped: float | None
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the report's risk–coverage table: per threshold (a fixed ladder
    and the shipped one), per split, coverage / accuracy of answers / unanswerable answered."""
    thresholds = sorted(set(TABLE_THRESHOLDS) | ({shipped} if shipped is not None else set()))
    columns = {split: curve(pts, thresholds) for split, pts in curves.items()}
    header = ["threshold"] + [
        f"{split} {name}"
        for split in columns
        for name in ("coverage", "acc. of answers", "unans. answered")
    ]
    rows = []
    for i, t in enumerate(thresholds):
        label = f"{t:.3f} (shipped)" if t == shipped else f"{t:.1f}"
        cells: list[Any] = [label]
        for split_rows in columns.values():
            r = split_rows[i]
            cells += [r["coverage"], r["selective_accuracy"], r["unanswerable_answered"]]
        rows.append(cells)
    return header, rows
