"""Is a ranking worth its cost? Cross-validated dev scores with and without it.

    python -m eval.tune.crossval [--ranking second_weight] [--folds 5] [--repeats 4]

A weight grid tuned and scored on the same hundred questions always looks better with one
more ranking. This splits each language's dev questions into folds, tunes that language's
grid (``eval.tune.fusion.BY_LANGUAGE``) on the other folds and scores the held-out one, with
the ranking's weight searched and with it fixed at 0; the shared settings stay at the
shipped values. Dev split only; prints a table (hit@1, hit@5, MRR@10 per language) and writes
nothing. Not a tuner of ``python -m eval.tune``: it decides which rankings the tuner searches.
"""

from __future__ import annotations

import argparse
import itertools
from typing import Any

import numpy as np

from eval.questions import load_questions, select
from eval.tune import fusion
from eval.tune.base import CachingEmbedder
from indexer.load import load_collection
from service.engine import load_engine
from service.search import Searcher
from service.settings import get_settings

# weights to try for rankings that eval.tune.fusion holds fixed (FIXED), by language
CANDIDATE_GRIDS = {"fr": {"second_weight_fr": (0.0, 0.3, 0.8)}}


def per_question(p: fusion.Probe, values: dict[str, Any], rows: np.ndarray, language: str):
    """(reciprocal rank in the top 10, hit@1, hit@5), each (len(rows),) float."""
    order = fusion.fuse(p, values, rows, language)
    top = np.take_along_axis(p.relevant[rows], order[:, :10], axis=1)
    rr = np.where(top.any(axis=1), 1.0 / (np.argmax(top, axis=1) + 1), 0.0)
    return np.stack([rr, top[:, 0], top[:, :5].any(axis=1)]).astype(float)


def cross_validate(
    p: fusion.Probe,
    shipped: dict[str, Any],
    language: str,
    fixed: dict[str, float],
    folds: int,
    repeats: int,
) -> dict[str, float]:
    """Mean held-out (MRR@10, hit@1, hit@5) of ``language``'s questions, its grid searched
    on the other folds with the weights in ``fixed`` held."""
    rows = np.flatnonzero(p.languages == language)
    grid = dict(fusion.BY_LANGUAGE[language])
    grid.update(CANDIDATE_GRIDS.get(language, {}))  # a ranking the tuner does not search
    grid = {k: v for k, v in grid.items() if k not in fixed}
    points = [dict(zip(grid, pt, strict=True)) for pt in itertools.product(*grid.values())]
    scores = np.stack(
        [per_question(p, {**shipped, **fixed, **point}, rows, language) for point in points]
    )  # (points, 3, len(rows))
    held_out = np.zeros((3, len(rows)))
    for repeat in range(repeats):
        fold = np.random.default_rng(repeat).permutation(len(rows)) % folds
        for f in range(folds):
            train = fold != f
            objective = scores[:, 0, train].mean(1) + 1e-3 * scores[:, 1, train].mean(1)
            held_out[:, fold == f] += scores[int(np.argmax(objective)), :, fold == f].T / repeats
    mrr, hit1, hit5 = held_out.mean(axis=1)
    return {"MRR@10": round(mrr, 3), "hit@1": round(hit1, 3), "hit@5": round(hit5, 3)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m eval.tune.crossval")
    parser.add_argument("--ranking", default="second_weight", help="weight name, no _fr/_en")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=4)
    args = parser.parse_args(argv)
    settings = get_settings()
    dev = [q for q in select(load_questions(), "dev") if q.answerable]
    texts = {d.id: d.text for d in load_collection(settings.indexing.corpus_dir)}
    engine = load_engine(settings)
    relevant = fusion.relevance(dev, engine.index.passages, texts)
    probe_settings = settings.retrieval.model_copy(update=fusion.PROBE)
    searcher = Searcher(engine.index, CachingEmbedder(engine.searcher.embedder), probe_settings)
    p = fusion.probe(searcher, [q.question for q in dev], relevant, [q.language for q in dev])
    shipped = {**settings.retrieval.model_dump(), **fusion.FIXED}
    print(f"| language | n | {args.ranking} | MRR@10 | hit@1 | hit@5 |\n|---|---|---|---|---|---|")
    for language in fusion.BY_LANGUAGE:
        name = f"{args.ranking}_{language}"
        n = int((p.languages == language).sum())
        for label, fixed in (("searched", {}), ("0", {name: 0.0})):
            m = cross_validate(p, shipped, language, fixed, args.folds, args.repeats)
            print(f"| {language} | {n} | {label} | {m['MRR@10']} | {m['hit@1']} | {m['hit@5']} |")


if __name__ == "__main__":
    main()
