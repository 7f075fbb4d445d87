"""Fit the answer scorer and choose its abstention threshold, on the dev split only.

Every sentence candidate of every dev question (``service.answers.candidates``) is a row;
its label says whether answering with it would be right: the rendered answer holds every
answer term and its passage holds the evidence. Rows of unanswerable questions are all
wrong. A logistic regression (scikit-learn, features standardised, each question weighing
the same) gives the confidence; the threshold comes from the risk-coverage curve of
out-of-fold confidences (5 folds grouped by shared evidence: a question and its
translation or rewording fall in the same fold) for the stated target: at most
``TARGET_UNANSWERED`` of the unanswerable dev questions answered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from eval.metrics import answer_correct
from eval.qrels import derive_qrels
from eval.questions import Question
from eval.tune.base import Context, Result
from service.answers.features import FEATURES
from service.answers.scorer import Scorer
from service.engine import Engine, load_engine

TARGET_UNANSWERED = 0.05  # share of unanswerable dev questions answered, at most
C = 1.0  # inverse regularisation strength of the logistic regression
FOLDS = 5
REPEATS = 6  # assignments of the evidence groups to folds averaged by the nested estimate
K = 5  # citations of an answer, as /ask


@dataclass
class Example:
    """One dev question: its candidate rows, or a fixed answer from the Annex A records."""

    qid: str
    language: str
    category: str
    answerable: bool
    features: np.ndarray  # (n_candidates, n_features) float32; (0, n) for record answers
    labels: np.ndarray  # (n_candidates,) bool
    record_correct: bool | None = None  # answered from records: right or not; else None
    group: str = ""  # questions sharing an evidence quote share a group (cross-validation)


def collect(engine: Engine, questions: list[Question], texts: dict[str, str]) -> list[Example]:
    """Candidates and labels of ``questions`` (dev only: the caller filters)."""
    answerer = engine.answerer
    qrels = derive_qrels(questions, engine.index.passages, texts)
    results = engine.searcher.batch_search([q.question for q in questions], 10)
    group = evidence_groups(questions)
    examples = []
    for q, (query, hits) in zip(questions, results, strict=True):
        relevant = qrels.get(q.id, {})
        empty = np.zeros((0, len(FEATURES)), dtype=np.float32)
        records = answerer._records(query, hits, K)
        if records is not None:
            right = q.answerable and answer_correct(True, records.text, q.answer_terms)
            examples.append(
                Example(
                    q.id,
                    q.language,
                    q.category,
                    q.answerable,
                    empty,
                    np.zeros(0, bool),
                    right,
                    group[q.id],
                )  # fmt: skip
            )
            continue
        question, found, _ = answerer.scored(query, hits)
        labels = np.asarray(
            [
                q.answerable
                and c.hit.passage.id in relevant
                and answer_correct(True, answerer.render(c, question, 1).text, q.answer_terms)
                for c in found
            ],
            dtype=bool,
        )
        features = np.stack([c.features for c in found]) if found else empty
        examples.append(
            Example(q.id, q.language, q.category, q.answerable, features, labels, None, group[q.id])
        )
    return examples


def evidence_groups(questions: list[Question]) -> dict[str, str]:
    """Question id -> the smallest id of its group: questions linked by shared evidence
    quotes (an English question and its French twin, a rewording)."""
    parent = {q.id: q.id for q in questions}

    def root(qid: str) -> str:
        while parent[qid] != qid:
            qid = parent[qid]
        return qid

    first: dict[tuple[str, str], str] = {}
    for q in questions:
        for e in q.evidence:
            other = first.setdefault((e.doc_id, e.quote), q.id)
            a, b = root(q.id), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {q.id: root(q.id) for q in questions}


def fit(examples: list[Example], c: float = C) -> dict[str, list[float] | float]:
    """Standardisation and logistic regression over every candidate row."""
    rows = [e for e in examples if len(e.features)]
    x = np.concatenate([e.features for e in rows]).astype(np.float64)
    y = np.concatenate([e.labels for e in rows])
    weight = np.concatenate([np.full(len(e.features), 1.0 / len(e.features)) for e in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((x - mean) / scale, y, sample_weight=weight * len(rows))
    return {
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": model.coef_[0].tolist(),
        "intercept": float(model.intercept_[0]),
    }


def confidence(params: dict, features: np.ndarray) -> np.ndarray:
    """(n, n_features) -> (n,) confidences of a model from ``fit``."""
    z = (features - np.asarray(params["mean"])) / np.asarray(params["scale"])
    return 1.0 / (1.0 + np.exp(-(z @ np.asarray(params["coef"]) + params["intercept"])))


@dataclass(frozen=True)
class Point:
    """One question on the risk-coverage curve: its best candidate's confidence and whether
    answering with that candidate would be right."""

    qid: str
    answerable: bool
    confidence: float
    correct: bool


def points(examples: list[Example], params_of) -> list[Point]:
    """``params_of(example)`` gives the model that scores ``example`` (out-of-fold or not)."""
    result = []
    for e in examples:
        if e.record_correct is not None:
            result.append(Point(e.qid, e.answerable, 1.0, e.record_correct))
        elif not len(e.features):
            result.append(Point(e.qid, e.answerable, 0.0, False))
        else:
            scores = confidence(params_of(e), e.features)
            best = int(np.argmax(scores))
            result.append(Point(e.qid, e.answerable, float(scores[best]), bool(e.labels[best])))
    return result


def out_of_fold(examples: list[Example], c: float = C, folds: int = FOLDS) -> list[Point]:
    """Each question scored by a model fitted without it nor the questions of its evidence
    group (``Example.group``; a question without one is its own group)."""
    fitted: dict[str, dict] = {}
    ids = np.asarray([e.qid for e in examples])
    groups = np.asarray([e.group or e.qid for e in examples])
    for train, test in GroupKFold(n_splits=folds).split(ids, groups=groups):
        params = fit([examples[i] for i in train], c)
        fitted.update({ids[i]: params for i in test})
    return points(examples, lambda e: fitted[e.qid])


def nested(examples: list[Example], folds: int = FOLDS, repeats: int = REPEATS) -> dict:
    """The honest estimate: each outer fold (grouped by evidence) answered by a model and a
    threshold chosen without it (threshold from the out-of-fold curve of the other folds);
    the mean (and standard deviation) over ``repeats`` assignments of the groups to folds,
    since one assignment moves the accuracy by about ±0.015 on dev."""
    runs = [_nested_once(_regrouped(examples, seed), folds) for seed in range(repeats)]
    accuracy = np.asarray([r[0] for r in runs])
    return {
        "accuracy": float(accuracy.mean()),
        "accuracy_sd": float(accuracy.std()),
        "unanswerable_answered": float(np.mean([r[1] for r in runs])),
        "repeats": repeats,
    }


def _regrouped(examples: list[Example], seed: int) -> list[Example]:
    """The examples with their groups renamed at random: GroupKFold breaks ties between
    groups of equal size by name, so each seed deals the groups to other folds."""
    names = sorted({e.group or e.qid for e in examples})
    np.random.default_rng(seed).shuffle(names)
    new = {name: f"{n:05d}" for n, name in enumerate(names)}
    return [replace(e, group=new[e.group or e.qid]) for e in examples]


def _nested_once(examples: list[Example], folds: int) -> tuple[float, int]:
    """(accuracy, unanswerable questions answered) of one assignment of groups to folds."""
    ids = np.asarray([e.qid for e in examples])
    groups = np.asarray([e.group or e.qid for e in examples])
    given: list[tuple[Point, bool]] = []
    for train, test in GroupKFold(n_splits=folds).split(ids, groups=groups):
        inner = [examples[i] for i in train]
        tau = choose(curve(out_of_fold(inner, folds=folds - 1)))["threshold"]
        params = fit(inner)
        scored = points([examples[i] for i in test], lambda e, params=params: params)
        given += [(p, p.confidence >= tau) for p in scored]
    answerable = [(p, a) for p, a in given if p.answerable]
    right = sum(p.correct and a for p, a in answerable)
    return right / max(len(answerable), 1), sum(a for p, a in given if not p.answerable)


def curve(pts: list[Point]) -> list[dict[str, float]]:
    """The risk-coverage curve: for each distinct confidence as threshold, the share of
    answerable questions answered (coverage), the accuracy of those answers, the accuracy
    over all answerable questions and the share of unanswerable questions answered."""
    answerable = [p for p in pts if p.answerable]
    unanswerable = [p for p in pts if not p.answerable]
    rows = []
    for tau in sorted({p.confidence for p in pts} | {0.0, 1.0}):
        given = [p for p in answerable if p.confidence >= tau]
        right = sum(p.correct for p in given)
        rows.append(
            {
                "threshold": tau,
                "coverage": len(given) / max(len(answerable), 1),
                "selective_accuracy": right / len(given) if given else 1.0,
                "accuracy": right / max(len(answerable), 1),
                "unanswerable_answered": (
                    sum(p.confidence >= tau for p in unanswerable) / max(len(unanswerable), 1)
                ),
            }
        )
    return rows


def choose(rows: list[dict[str, float]], target: float = TARGET_UNANSWERED) -> dict[str, float]:
    """The row of best accuracy whose unanswerable share is within ``target`` (of equal
    accuracy, the highest threshold), its threshold moved halfway down to the next lower
    confidence: the same dev questions are answered, with a margin on both sides."""
    allowed = [r for r in rows if r["unanswerable_answered"] <= target + 1e-9]
    best = max(r["accuracy"] for r in allowed)
    chosen = max((r for r in allowed if r["accuracy"] == best), key=lambda r: r["threshold"])
    lower = max((r["threshold"] for r in rows if r["threshold"] < chosen["threshold"]), default=0)
    return {**chosen, "threshold": (chosen["threshold"] + lower) / 2}


def tune(engine: Engine, questions: list[Question], texts: dict[str, str]) -> dict[str, Any]:
    """The answer model file's content, from the dev questions among ``questions``."""
    dev = [q for q in questions if q.split == "dev"]
    return model(collect(engine, dev, texts))


def model(examples: list[Example]) -> dict[str, Any]:
    """Fit, choose the threshold, and describe both (the answer model file)."""
    rows = curve(out_of_fold(examples))
    chosen = choose(rows)
    params = fit(examples)
    final = points(examples, lambda e: params)
    answered = [p for p in final if p.confidence >= chosen["threshold"]]
    return {
        "comment": "written by `python -m eval.tune` (eval/tune/answers.py): logistic model of "
        "service/answers/features.py FEATURES, fitted on the dev split; do not edit by hand",
        "features": list(FEATURES),
        **params,
        "threshold": round(chosen["threshold"], 6),
        "target": f"at most {TARGET_UNANSWERED:.0%} of unanswerable dev questions answered "
        "(risk-coverage curve of out-of-fold confidences)",
        "dev_out_of_fold": {k: round(v, 4) for k, v in chosen.items()},
        "dev_nested_cv": {k: round(v, 4) for k, v in nested(examples).items()},
        "dev_in_sample": {
            "accuracy": round(
                sum(p.correct for p in answered if p.answerable)
                / max(sum(p.answerable for p in final), 1),
                4,
            ),
            "unanswerable_answered": sum(not p.answerable for p in answered),
        },
        "questions": {
            "dev": len(examples),
            "unanswerable": sum(not e.answerable for e in examples),
        },
        "curve": [{k: round(v, 4) for k, v in r.items()} for r in rows],
    }


ORDER = 20  # after the retrieval settings (eval/tune/fusion.py): it answers from their hits
MODEL_PATH = "service/data/answer_model.json"


def run(ctx: Context) -> Result:
    """``python -m eval.tune`` plug-in: the answer model file, fitted on the dev split."""
    # the candidates do not depend on the shipped model, which may predate a new feature
    engine = load_engine(ctx.settings, ctx.embedder, Scorer.neutral())
    content = tune(engine, ctx.questions, ctx.texts)
    report = {"dev": content["dev_out_of_fold"], "objective": content["target"]}
    return Result(files={MODEL_PATH: content}, report=report)
