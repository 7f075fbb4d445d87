"""Aggregate the per-question results of ``eval.run`` over any subset of questions."""

from __future__ import annotations

from typing import Any

from eval.metrics import AnswerJudgement, answer_summary, mean_of

Means = dict[str, float | None]


def question_ids(results: dict[str, Any], **where: Any) -> list[str]:
    """Ids of the questions whose info matches every ``field=value`` of ``where``."""
    return [
        qid
        for qid, info in results["questions"].items()
        if all(info[field] == value for field, value in where.items())
    ]


NONE = "–"  # the group of questions without a value (an unanswerable one's answer_type)


def value_of(results: dict[str, Any], qid: str, field: str) -> str:
    """The question's ``field`` as a group label (``NONE`` when it has no value)."""
    value = results["questions"][qid].get(field)
    return NONE if value is None else str(value)


def values_of(results: dict[str, Any], field: str, qids: list[str]) -> list[str]:
    """The distinct values of ``field`` among ``qids``, sorted."""
    return sorted({value_of(results, q, field) for q in qids})


def in_group(results: dict[str, Any], qids: list[str], field: str, value: str) -> list[str]:
    """The ``qids`` whose ``field`` is ``value``."""
    return [q for q in qids if value_of(results, q, field) == value]


def retrieval(results: dict[str, Any], qids: list[str]) -> dict[str, Means]:
    """``{system: {"hit@1": .., ..., "n": ..}}`` over the answerable questions of ``qids``."""
    return {name: mean_of(system["per_query"], qids) for name, system in results["systems"].items()}


def retrieval_by(
    results: dict[str, Any], qids: list[str], field: str
) -> dict[str, dict[str, Means]]:
    """``{value of field: {system: means}}``, e.g. by "language" or "category"."""
    return {
        value: retrieval(results, in_group(results, qids, field, value))
        for value in values_of(results, field, qids)
    }


def answers(results: dict[str, Any], qids: list[str]) -> dict[str, float | int | None]:
    """Answer accuracy, citation correctness, abstention precision/recall over ``qids``."""
    judgements = [
        AnswerJudgement(a["answerable"], a["answered"], a["correct"], a["citation_ok"])
        for q in qids
        if (a := results["answers"].get(q)) is not None
    ]
    return answer_summary(judgements)


def answers_by(results: dict[str, Any], qids: list[str], field: str) -> dict[str, dict]:
    return {
        value: answers(results, in_group(results, qids, field, value))
        for value in values_of(results, field, qids)
    }


def summarise(results: dict[str, Any], qids: list[str] | None = None) -> dict[str, Any]:
    """Every table of the report as data (what ``--json`` writes under "summary")."""
    qids = list(results["questions"]) if qids is None else qids
    summary: dict[str, Any] = {
        "retrieval": retrieval(results, qids),
        "retrieval_by_split": retrieval_by(results, qids, "split"),
        "retrieval_by_language": retrieval_by(results, qids, "language"),
        "retrieval_by_category": retrieval_by(results, qids, "category"),
    }
    if results["answers"]:
        summary["answers"] = answers(results, qids)
        summary["answers_by_split"] = answers_by(results, qids, "split")
        summary["answers_by_language"] = answers_by(results, qids, "language")
        summary["answers_by_category"] = answers_by(results, qids, "category")
        summary["answers_by_answer_type"] = answers_by(results, qids, "answer_type")
    return summary


def failures(results: dict[str, Any], qids: list[str]) -> list[dict[str, Any]]:
    """Questions the full system got wrong: hit@5 miss (answerable) or a wrong answer."""
    full = results["systems"].get("full")
    if full is None:
        return []
    failed = []
    for qid in qids:
        info, answer = results["questions"][qid], results["answers"].get(qid)
        scores = full["per_query"].get(qid)
        missed = scores is not None and scores["hit@5"] == 0
        wrong = answer is not None and (
            (info["answerable"] and not answer["correct"])
            or (not info["answerable"] and answer["answered"])
        )
        if missed or wrong:
            failed.append(
                {
                    "id": qid,
                    "info": info,
                    "missed": missed,
                    "wrong": wrong,
                    "top": full["top"].get(qid),
                    "answer": answer,
                }
            )
    return failed
