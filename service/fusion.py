"""Fusion of per-channel rankings and the structural boosts: pure functions over ranks.

Weighted reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009, with a weight per
ranking): ``score(p) = sum_r w_r / (k + rank_r(p))`` over the rankings ``r`` that hold ``p``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from indexer.models import Passage
from service.query import Query
from service.settings import RetrievalSettings


def rrf(ranks: Mapping[str, int], weights: Mapping[str, float], k: int) -> float:
    """Weighted RRF of one passage: ``ranks`` ranking name -> 1-based rank in it."""
    return sum(weights.get(name, 0.0) / (k + rank) for name, rank in ranks.items())


def rank_positions(ids: Sequence[str]) -> dict[str, int]:
    """1-based rank of each id of a ranking (best first)."""
    return {pid: rank for rank, pid in enumerate(ids, start=1)}


def task_boost(
    passage: Passage, query: Query, settings: RetrievalSettings
) -> tuple[float, list[str]]:
    """A passage of a task named in the query comes first, its overview before the rest."""
    if not (passage.task_id and passage.task_id in query.task_ids):
        return 0.0, []
    overview = settings.overview_boost if passage.kind == "task-overview" else 0.0
    return settings.task_boost + overview, [f"task {passage.task_id}"]


def organisation_boost(
    passage: Passage, query: Query, settings: RetrievalSettings
) -> tuple[float, list[str]]:
    """A small lift for the passages of the question's organisations (see ``favoured``)."""
    favoured = favoured_organisations(passage, query)
    if not favoured:
        return 0.0, []
    return settings.organisation_boost, [f"organisation {o}" for o in favoured]


def favoured_organisations(passage: Passage, query: Query) -> list[str]:
    """The organisations of the question that favour ``passage``: the ones responsible for it
    in a "who is responsible"/"which tasks" question; in English, whose BM25 weighs little,
    any the passage names."""
    named = [o for o in query.organisations if names(passage, o)]
    if query.intents & {"responsible", "task_list"}:
        responsible = [o for o in named if o in passage.organisations]
        if responsible:
            return responsible
    return named if query.language == "en" else []


def names(passage: Passage, code: str) -> bool:
    """Whether ``passage`` is about the organisation ``code``: responsible for it, or names
    it in its text ("EDSC (PTET) poursuivra…")."""
    return (
        code in passage.organisations
        or re.search(rf"(?<!\w){re.escape(code)}(?!\w)", passage.indexed_text) is not None
    )
