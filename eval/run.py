"""Run the systems on the questions and collect per-question results as plain JSON data.

The result dict holds no aggregate: ``eval.summary`` computes the tables from it for any
subset of questions, so one run serves the report, the JSON output and the gate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

from eval import overlap
from eval import qrels as qrels_mod
from eval.metrics import answer_correct, judge_answer, retrieval_per_query
from eval.questions import Question
from eval.remote import HttpSystem
from eval.systems import (
    BASELINES,
    AnswerRecord,
    BaselineSystem,
    FullSystem,
    PeerSystem,
    System,
)
from indexer.embed import Embedder, make_embedder
from indexer.load import load_collection
from indexer.models import Document
from service.engine import Engine, load_engine
from service.settings import Settings

SYSTEMS = ("peer", "bm25", "dense", "full")
SNIPPET = 120
ANSWER_K = 5
T = TypeVar("T")


class Clock:
    """Named wall-clock durations in seconds."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def time(self, name: str, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)``, its duration added to ``seconds[name]``."""
        start = time.perf_counter()
        value = fn(*args)
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)
        return value


def run_eval(
    questions: list[Question],
    settings: Settings,
    names: tuple[str, ...] = SYSTEMS,
    base_url: str | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Evaluate the systems ``names`` on ``questions``; see the module docstring."""
    clock = Clock()
    documents = clock.time("load corpus", load_collection, settings.indexing.corpus_dir)
    texts = {d.id: d.text for d in documents}
    engine = None
    if any(n in ("bm25", "dense") for n in names) or ("full" in names and not base_url):
        engine = clock.time("load engine", load_engine, settings)
    results: dict[str, Any] = {
        "questions": {q.id: _question_info(q) for q in questions},
        "index": _index_info(engine),
        "base_url": base_url,
        "systems": {},
        "answers": {},
        "answer_threshold": engine.answerer.scorer.threshold if engine else None,
        "seconds": clock.seconds,
    }
    for name in names:
        system = clock.time(
            f"{name}: build", _make, name, engine, documents, settings, base_url, progress
        )
        _evaluate(system, questions, texts, clock, results)
    return results


def _evaluate(
    system: System,
    questions: list[Question],
    texts: dict[str, str],
    clock: Clock,
    results: dict[str, Any],
) -> None:
    """Retrieve (and answer, for the full system), judge, and store into ``results``."""
    name = system.name
    run = clock.time(f"{name}: retrieve", system.retrieve, questions)
    answers, opened = {}, {}
    if isinstance(system, FullSystem | HttpSystem):
        answers = clock.time(f"{name}: answer", system.answer, questions, ANSWER_K)
    if isinstance(system, FullSystem):
        opened = clock.time(f"{name}: open answers", system.open_answers, questions, answers)
        results["overlap_answers"] = clock.time(
            "before #16: word-overlap answers", overlap.answers, system.engine, questions, ANSWER_K
        )
    judged = clock.time(f"{name}: qrels", qrels_mod.derive_qrels, questions, system.passages, texts)
    results["systems"][name] = _system_result(system, run, judged, questions, texts)
    if answers:
        results["answers"] = _answer_results(questions, answers, judged, opened)


def _make(
    name: str,
    engine: Engine | None,
    documents: list[Document],
    settings: Settings,
    base_url: str | None,
    progress: bool,
) -> System:
    if name == "peer":
        embedder = engine.searcher.embedder if engine else _embedder(settings)
        return PeerSystem(documents, embedder, settings.indexing.embedding_cache, progress)
    if name == "full" and base_url:
        system = HttpSystem(base_url, engine.index.passages if engine else None)
        system.check()
        return system
    if name in BASELINES:
        return BaselineSystem(engine, name, BASELINES[name])
    if name == "full":
        return FullSystem(engine)
    raise ValueError(f"unknown system {name!r}: choose from {', '.join(SYSTEMS)}")


def _embedder(settings: Settings) -> Embedder:
    s = settings.indexing
    return make_embedder(s.embedder, s.st_query_prefix, s.st_passage_prefix)


def _question_info(q: Question) -> dict[str, Any]:
    info = asdict(q)
    info.pop("evidence")
    return info


def _index_info(engine: Engine | None) -> dict[str, Any] | None:
    if engine is None:
        return None
    index = engine.index
    return {"path": str(index.path), "built_at": index.built_at, "passages": len(index.passages)}


def _system_result(
    system: System, run: dict, judged: dict, questions: list[Question], texts: dict[str, str]
) -> dict[str, Any]:
    ranked = {qid: [p.id for p, _ in hits] for qid, hits in run.items()}
    return {
        "passages": len(system.passages),
        "per_query": retrieval_per_query(judged, ranked),
        "runs": {qid: [[p.id, round(s, 6)] for p, s in hits] for qid, hits in run.items()},
        "top": {qid: _top(hits, judged.get(qid, {})) for qid, hits in run.items()},
        "relevant": {qid: sorted(rel) for qid, rel in judged.items()},
        "empty_qrels": qrels_mod.empty(judged),
        "lost_evidence": qrels_mod.lost_evidence(questions, system.passages, texts),
    }


def _top(hits: list, relevant: dict[str, int]) -> dict[str, Any] | None:
    if not hits:
        return None
    passage = hits[0][0]
    return {"id": passage.id, "text": passage.text[:SNIPPET], "relevant": passage.id in relevant}


def _answer_results(
    questions: list[Question],
    answers: dict[str, AnswerRecord],
    judged: dict,
    opened: dict[str, AnswerRecord],
) -> dict[str, Any]:
    """Per question: the judged reply, its confidence and, when the open answers (no
    abstention) are known, whether the open answer is right (``eval.risk``)."""
    results = {}
    for q in questions:
        record = answers[q.id]
        cited = [p.id for p in record.citations]
        judgement = judge_answer(q, record.answered, record.text, cited, judged.get(q.id, {}))
        results[q.id] = {
            "text": record.text,
            "citations": cited,
            "confidence": record.confidence,
            **asdict(judgement),
        }
        if q.id in opened:
            other = opened[q.id]
            right = q.answerable and answer_correct(other.answered, other.text, q.answer_terms)
            results[q.id]["open_correct"] = right
            if not other.answered:  # never answered: no threshold gives it an answer
                results[q.id]["confidence"] = None
    return results
