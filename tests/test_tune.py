"""``python -m eval.tune``: offline fusion equals the searcher's; tuned.json gives the defaults."""

from __future__ import annotations

import numpy as np
import pytest

from eval.questions import load_questions, select
from eval.tune import fusion
from eval.tune.__main__ import tuners
from eval.tune.base import CachingEmbedder
from indexer.resources import package_json
from service.engine import Engine
from service.search import Searcher
from service.settings import TUNED_FILE, RetrievalSettings

# a sample of the dev split in both languages: the grid search reads dev only
DEV = select(load_questions(), "dev")[::6]


@pytest.mark.parametrize(
    "change",
    [{}, {"rrf_k": 30, "sentence_weight": 0.0, "lexical_weight_en": 0.5, "anchor_weight": 1.0}],
    ids=["shipped", "other-point"],
)
def test_offline_fusion_ranks_as_the_searcher(engine: Engine, change: dict) -> None:
    settings = engine.searcher.settings.model_copy(update=change)
    embedder = CachingEmbedder(engine.searcher.embedder)
    texts = [q.question for q in DEV]
    n = len(engine.index.passages)
    relevant = np.zeros((len(DEV), n), dtype=bool)
    probe_settings = settings.model_copy(update={**fusion.PROBE, "candidates": 100})
    probe = fusion.probe(
        Searcher(engine.index, embedder, probe_settings), texts, relevant, [q.language for q in DEV]
    )
    real = Searcher(engine.index, embedder, settings).batch_search(texts, 10)
    values = {k: getattr(settings, k) for k in fusion._searched() + list(fusion.FIXED)}
    ids = [p.id for p in engine.index.passages]
    for language in ("fr", "en"):
        rows = np.flatnonzero(probe.languages == language)
        assert len(rows) >= 5
        order = fusion.fuse(probe, values, rows, language)
        for row, ranked in zip(rows, order, strict=True):
            assert [ids[i] for i in ranked[:10]] == [h.passage.id for h in real[row][1]], texts[row]


def test_an_offline_metric_counts_the_first_relevant_passage_in_the_top_ten() -> None:
    relevant = np.array([[False, True, False], [False, False, False], [True, False, False]])
    probe = fusion.Probe(
        np.zeros((1, 3, 3)), np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((3, 3), bool),
        np.array(["fr"] * 3), relevant,
    )  # fmt: skip
    order = np.array([[0, 1, 2], [0, 1, 2], [0, 1, 2]])
    assert fusion.metrics(probe, order, np.arange(3)) == (fusion.RR_UNIT // 2 + fusion.RR_UNIT, 1)


def test_settings_take_their_defaults_from_tuned_json(monkeypatch: pytest.MonkeyPatch) -> None:
    tuned = package_json("indexer", TUNED_FILE)
    for name in tuned["settings"]:
        monkeypatch.delenv(f"TRAITE_{name.upper()}", raising=False)
    settings = RetrievalSettings(_env_file=None)
    assert {k: getattr(settings, k) for k in tuned["settings"]} == tuned["settings"]
    monkeypatch.setenv("TRAITE_RRF_K", "7")
    assert RetrievalSettings(_env_file=None).rrf_k == 7  # the environment still overrides


def test_tuned_json_is_stamped_by_the_tuner() -> None:
    tuned = package_json("indexer", TUNED_FILE)
    assert tuned["command"] == "python -m eval.tune"
    assert tuned["date"] and len(tuned["commit"].split("+")[0]) == 40
    dev = tuned["tuners"]["fusion"]["dev"]
    assert 0 < dev["hit@1"] <= dev["MRR@10"] <= 1 and dev["n"] >= 150


def test_tuners_are_the_modules_of_eval_tune_in_order() -> None:
    names = [m.__name__.rsplit(".", 1)[1] for m in tuners()]
    assert names[0] == "fusion" and "answers" in names
