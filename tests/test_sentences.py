"""The sentence and latent-term channels: splitting, their stores, and what they find."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from indexer.backends.stores import SentenceStore, SparseStore
from indexer.embed import Embedder
from indexer.models import Passage
from indexer.sentences import sentence_units, split_sentences
from indexer.text.sentences import MIN_CHARS
from service.engine import Engine
from service.search import Searcher

TRP_FR = (
    "En 2014, 34 permis de séjour temporaire ont été délivrés à des victimes de la traite "
    "de personnes"
)
TRP_EN = "How many temporary resident permits were issued to trafficking victims in 2014?"
UNRELATED = "La recette de la tourtière du Lac-Saint-Jean demande six heures de cuisson."


def passage_with(text: str, path: list[str]) -> Passage:
    return Passage(
        id="t:1", doc_id="t", section_key="s", section_path=path, text=text,
        line_start=1, line_end=1, file="t.md",
    )  # fmt: skip


def test_sentences_carry_the_section_title_and_cover_the_passage() -> None:
    text = (
        "Le projet COMBATIVE a eu les résultats suivants : arrestations et accusations.\n"
        "- l'arrestation de 29 personnes;\n"
        "Les efforts se poursuivent. Ils visent à mieux cerner les cas de traite."
    )
    sentences = split_sentences(passage_with(text, ["Partie III", "Projet COMBATIVE"]))
    assert sentences == [
        "Projet COMBATIVE: Le projet COMBATIVE a eu les résultats suivants : arrestations et "
        "accusations.",
        "Projet COMBATIVE: - l'arrestation de 29 personnes;",
        "Projet COMBATIVE: Les efforts se poursuivent.",
        "Projet COMBATIVE: Ils visent à mieux cerner les cas de traite.",
    ]


def test_a_passage_too_short_to_split_is_one_unit() -> None:
    assert split_sentences(passage_with("Tâche 1.11 :", [])) == ["Tâche 1.11 :"]


def test_sentence_units_of_the_real_corpus_belong_to_their_passages(engine: Engine) -> None:
    passages = engine.index.passages
    units, owners = sentence_units(passages)
    assert len(units) == len(owners) > 2 * len(passages)
    assert set(owners.tolist()) == set(range(len(passages)))  # every passage has a sentence
    for unit, owner in zip(units, owners, strict=True):
        passage = passages[owner]
        title = passage.section_path[-1] if passage.section_path else ""
        sentence = unit.removeprefix(f"{title}: ") if title else unit
        assert sentence in passage.indexed_text
        assert len(sentence) >= MIN_CHARS or len(units[owners == owner]) == 1


def test_sentence_store_ranks_passages_by_their_best_sentence() -> None:
    # passage 0 owns sentences 0 and 1, passage 1 sentence 2, passage 2 sentence 3
    vectors = np.eye(4, dtype=np.float32)
    owners = np.array([0, 0, 1, 2], dtype=np.int32)
    store = SentenceStore.build(vectors, owners, hnsw_threshold=100, ef_search=16)
    query = np.array([0.1, 0.9, 0.5, 0.0], dtype=np.float32)
    rows, scores = store.search(query, k=3, n_passages=3)
    assert rows.tolist() == [0, 1, 2]
    np.testing.assert_allclose(scores, [0.9, 0.5, 0.0], atol=1e-6)  # each one's best sentence
    assert store.search(query, k=1, n_passages=3)[0].tolist() == [0]


def test_sentence_store_round_trips(tmp_path) -> None:
    vectors = np.eye(3, dtype=np.float32)
    store = SentenceStore.build(vectors, np.array([1, 0, 1]), hnsw_threshold=100, ef_search=16)
    store.save(tmp_path)
    loaded = SentenceStore.load(tmp_path)
    assert len(loaded) == 3 and loaded.owners.tolist() == [1, 0, 1]
    assert loaded.search(vectors[1], 2, 2)[0].tolist() == [0, 1]


def test_latent_terms_are_sparse_and_score_as_dot_products(embedder: Embedder) -> None:
    encoder = embedder.sparse
    assert encoder is not None and encoder.dim == 16384
    indices, values = encoder.encode_passages([TRP_FR, UNRELATED])
    assert indices.shape == values.shape == (2, encoder.top_k)
    assert indices.dtype == np.int32 and values.dtype == np.float32
    assert 0 <= indices.min() and indices.max() < encoder.dim
    assert np.all(values >= 0) and np.all(values[:, 0] > 0)
    query = encoder.encode_query(TRP_EN)
    assert query.shape == (encoder.dim,)
    full = np.zeros((2, encoder.dim), dtype=np.float32)
    for row in range(2):
        full[row, indices[row]] = values[row]
    store = SparseStore.from_top_k(indices, values)
    np.testing.assert_allclose(store.scores(query), full @ query, rtol=1e-5)


def test_latent_terms_match_across_languages(embedder: Embedder) -> None:
    indices, values = embedder.sparse.encode_passages([TRP_FR, UNRELATED])
    scores = SparseStore.from_top_k(indices, values).scores(embedder.sparse.encode_query(TRP_EN))
    assert scores[0] > 2 * scores[1]


def test_sparse_store_round_trips(tmp_path) -> None:
    """Two passages, the second padded with a zero weight (fewer features than top_k)."""
    indices = np.array([[3, 1], [2, 0]], np.int32)
    store = SparseStore.from_top_k(indices, np.array([[0.5, 0.25], [1.0, 0.0]], np.float32))
    assert len(store) == 2 and store.nbytes > 0
    store.save(tmp_path)
    loaded = SparseStore.load(tmp_path)
    query = np.zeros(4, np.float32)
    query[[0, 1, 2, 3]] = [8.0, 2.0, 1.0, 4.0]
    assert loaded.scores(query).tolist() == [2.5, 1.0]
    assert len(loaded) == 2 and loaded.nbytes == store.nbytes


def test_sparse_store_takes_rows_and_gives_them_back_as_vectors() -> None:
    indices = np.array([[3, 1], [2, 0]], np.int32)
    store = SparseStore.from_top_k(indices, np.array([[0.5, 0.25], [1.0, 0.0]], np.float32))
    assert store.vector(0).tolist() == [0.0, 0.25, 0.0, 0.5]
    taken = store.take(np.array([1, 0, 1]))
    assert len(taken) == 3
    assert taken.scores(store.vector(0)).tolist() == [0.0, 0.3125, 0.0]


def test_a_sparse_file_of_another_layout_is_refused(tmp_path) -> None:
    """A format-3 ``sparse.npz`` (top-k arrays, not posting lists) cannot be searched."""
    np.savez(tmp_path / SparseStore.FILE, indices=np.zeros((1, 2)), values=np.ones((1, 2)))
    with pytest.raises(ValueError):
        SparseStore.load(tmp_path)


@pytest.mark.parametrize("weight", [0.0, 0.3])
def test_hits_carry_sentence_and_latent_term_ranks(engine: Engine, weight: float) -> None:
    """A French question's hits carry their best-sentence rank, and their latent-term rank
    when that ranking has a weight (`python -m eval.tune` set it to 0 on the larger dev split,
    which also spares French questions that encoder pass)."""
    french = "Combien de permis de séjour temporaire ont été délivrés aux victimes en 2014 ?"
    hits = searcher_with(engine, sparse_weight_fr=weight).search(french, k=5)
    assert "34 permis de séjour temporaire" in hits[0].passage.text
    assert hits[0].sentence_rank is not None
    assert (hits[0].sparse_rank is not None) == (weight > 0)
    assert all(h.sentence_rank or h.sparse_rank or h.dense_rank for h in hits)


@pytest.mark.parametrize("weight", [0.0, 0.5])
def test_the_english_latent_term_weight_turns_that_ranking_on_and_off(
    engine: Engine, weight: float
) -> None:
    """At weight 0 an English question skips the second encoder pass (worth little on the
    dev split); above 0 its hits carry latent-term ranks."""
    hits = searcher_with(engine, sparse_weight_en=weight).search(TRP_EN, k=5)
    assert "34 permis de séjour temporaire" in hits[0].passage.text
    assert hits[0].sentence_rank is not None
    assert any(h.sparse_rank is not None for h in hits) == (weight > 0)


def test_search_without_latent_terms(engine: Engine) -> None:
    """An embedder without a sparse head (sentence-transformers) searches with the rest."""
    embedder = copy.copy(engine.searcher.embedder)  # the session's embedder stays as it is
    embedder.sparse = None
    searcher = Searcher(engine.index, embedder, engine.searcher.settings)
    hits = searcher.search("permis de séjour temporaire délivrés aux victimes", k=5)
    assert "34 permis de séjour temporaire" in hits[0].passage.text
    assert all(h.sparse_rank is None for h in hits)


def test_a_zero_weight_turns_the_sentence_ranking_off(engine: Engine) -> None:
    hits = searcher_with(engine, sentence_weight=0.0, sentence_weight_en=0.0).search(TRP_EN, k=5)
    assert "34 permis de séjour temporaire" in hits[0].passage.text
    assert all(h.sentence_rank is None for h in hits)


def searcher_with(engine: Engine, **settings: object) -> Searcher:
    """A searcher over the session's index with other settings; the session's engine, which
    other tests share, is left as it is."""
    changed = engine.searcher.settings.model_copy(update=settings)
    return Searcher(engine.index, engine.searcher.embedder, changed)
