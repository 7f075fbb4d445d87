"""The quality gate: the full system's dev-split numbers against ``eval/thresholds.toml``.

CI gates on the dev split, a regression set: the held-out test split is never in CI, so
nothing that watches CI tunes on it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from eval import summary as S

THRESHOLDS_FILE = Path(__file__).parent / "thresholds.toml"
RETRIEVAL_KEYS = {
    "hit_at_1": "hit@1",
    "hit_at_5": "hit@5",
    "hit_at_10": "hit@10",
    "mrr_at_10": "MRR@10",
    "ndcg_at_10": "nDCG@10",
}
ANSWER_KEYS = {
    "answer_accuracy": "answer accuracy",
    "citation_correctness": "citation correctness",
    "abstention_precision": "abstention precision",
    "abstention_recall": "abstention recall",
}
MAX_ANSWERED = "max_answered_unanswerable"
GATE_SPLIT = "dev"


class GateError(ValueError):
    """The thresholds file or the results cannot be used for the gate."""


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict[str, float]:
    """The ``[gate]`` table; raises GateError for a missing file, bad TOML or unknown key."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GateError(f"{path}: cannot read thresholds ({exc})") from exc
    gate = data.get("gate")
    if not isinstance(gate, dict):
        raise GateError(f"{path}: no [gate] table")
    known = set(RETRIEVAL_KEYS) | set(ANSWER_KEYS) | {MAX_ANSWERED}
    for key, value in gate.items():
        if key not in known:
            raise GateError(f"{path}: unknown threshold {key!r}; known: {', '.join(sorted(known))}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise GateError(f"{path}: threshold {key!r} must be a number")
    return {k: float(v) for k, v in gate.items()}


def check(results: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """Failure messages (empty when the gate passes) for the full system on the dev split."""
    if "full" not in results["systems"]:
        raise GateError("the gate needs the full system")
    qids = S.question_ids(results, split=GATE_SPLIT)
    if not qids:
        raise GateError(f"the gate needs the {GATE_SPLIT} split: use --split {GATE_SPLIT} or all")
    failures = []
    retrieval = S.retrieval(results, qids)["full"]
    answers = S.answers(results, qids)
    for key, minimum in thresholds.items():
        if key in RETRIEVAL_KEYS:
            failures += _below(RETRIEVAL_KEYS[key], retrieval.get(RETRIEVAL_KEYS[key]), minimum)
        elif key in ANSWER_KEYS:
            failures += _below(ANSWER_KEYS[key], answers.get(key), minimum)
    answered = [
        q
        for q in qids
        if not results["questions"][q]["answerable"]
        and results["answers"].get(q, {}).get("answered")
    ]
    limit = thresholds.get(MAX_ANSWERED, 0.0)
    if len(answered) > limit:
        failures.append(
            f"{len(answered)} unanswerable question(s) got an answer ({', '.join(answered)})"
            f" > max {limit:g}"
        )
    return failures


def _below(label: str, value: float | None, minimum: float) -> list[str]:
    if value is None:
        return [f"{label} not measured (threshold {minimum:.3f})"]
    return [f"{label} {value:.3f} < threshold {minimum:.3f}"] if value < minimum else []
