"""Choose the fusion weights of English questions on the dev split: a grid search.

Every answerable dev question the searcher reads as English is searched once with every
ranking on; the weighted reciprocal rank fusion is then recomputed for each point of
:data:`GRID` from the ranks the hits carry (the task and organisation boosts unchanged), and
the point with the best hit@1 + MRR@10 wins (ties: the first in grid order, which lists the
current defaults' neighbourhood from small to large). French questions are not touched.

    python -m eval.tune.fusion_en      # prints the chosen TRAITE_* values and the dev metrics
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from eval.qrels import derive_qrels
from eval.questions import Question, load_questions, select
from indexer.load import load_collection
from service.engine import Engine, load_engine
from service.search import Hit
from service.settings import Settings, get_settings

# setting -> the Hit rank it weighs (English questions)
RANKS = {
    "sentence_weight_en": "sentence_rank",
    "lexical_weight_en": "lexical_rank",
    "anchor_weight": "anchor_rank",
    "english_weight": "english_rank",
}
GRID = dict.fromkeys(RANKS, (0.0, 0.15, 0.3, 0.5, 0.7, 1.0))


@dataclass
class Judged:
    """One English dev question: (n_hits, n_settings + 1) reciprocal-rank terms (the dense
    term last), the fixed boosts (n_hits,) and which hits are relevant (n_hits,)."""

    terms: np.ndarray
    boosts: np.ndarray
    relevant: np.ndarray


def collect(engine: Engine, questions: list[Question], settings: Settings) -> list[Judged]:
    """Rank every passage for each English dev question with every ranking on."""
    on = settings.retrieval.model_copy(update=dict.fromkeys(RANKS, 1.0))
    searcher = engine.searcher
    texts = {d.id: d.text for d in load_collection(settings.indexing.corpus_dir)}
    judged = derive_qrels(questions, engine.index.passages, texts)
    rows = []
    for q in questions:
        query = searcher.analyse(q.question)
        if query.language != "en":
            continue
        searcher.settings = on
        try:
            vector = searcher.embedder.embed_queries([query.dense_text])[0]
            hits = searcher._search_one(query, vector, len(engine.index.passages), None)
            # a hit without ranks scores its boosts alone (named task, organisation)
            boosts = np.array([searcher._fuse(Hit(h.passage, 0.0), query) for h in hits])
        finally:
            searcher.settings = settings.retrieval
        rrf = settings.retrieval.rrf_k
        terms = np.array(
            [
                [_term(getattr(h, rank), rrf) for rank in RANKS.values()]
                + [_term(h.dense_rank, rrf)]
                for h in hits
            ]
        )
        relevant = np.array([h.passage.id in judged.get(q.id, {}) for h in hits])
        rows.append(Judged(terms, boosts, relevant))
    return rows


def _term(rank: int | None, rrf: int) -> float:
    return 1.0 / (rrf + rank) if rank else 0.0


def search(rows: list[Judged], dense_weight: float) -> tuple[dict[str, float], np.ndarray]:
    """The best point of :data:`GRID` and its (hit@1, hit@5, MRR@10) over ``rows``."""
    points = np.array(list(itertools.product(*GRID.values())))
    weights = np.hstack([points, np.full((len(points), 1), dense_weight)])
    totals = np.zeros((len(points), 3))
    for row in rows:
        scores = weights @ row.terms.T + row.boosts  # (n_points, n_hits)
        if not row.relevant.any():
            continue
        best = np.where(row.relevant, scores, -np.inf).max(axis=1, keepdims=True)
        rank = 1 + (scores > best).sum(1) + ((scores == best) & ~row.relevant).sum(1)
        totals += np.stack([rank == 1, rank <= 5, np.where(rank <= 10, 1.0 / rank, 0)], 1)
    totals /= max(len(rows), 1)
    chosen = int(np.argmax(totals[:, 0] + totals[:, 2]))
    return dict(zip(GRID, points[chosen].tolist(), strict=True)), totals[chosen]


def main() -> None:
    settings = get_settings()
    engine = load_engine(settings)
    questions = [q for q in select(load_questions(), "dev") if q.answerable]
    rows = collect(engine, questions, settings)
    chosen, metrics = search(rows, settings.retrieval.dense_weight)
    for name, value in chosen.items():
        print(f"TRAITE_{name.upper()}={value}")
    print(
        f"dev English ({len(rows)}): hit@1 {metrics[0]:.3f} hit@5 {metrics[1]:.3f} "
        f"MRR@10 {metrics[2]:.3f}"
    )


if __name__ == "__main__":
    main()
