"""The manifest of an index build: its format, what it was built with, and the checks that a
build is whole (``verify``) and matches the corpus and settings (``is_stale``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from indexer.backends import engine_of
from indexer.ingest import GLOSSARY_FILE, TERMS_FILE
from indexer.load import load_collection
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


class IndexError_(RuntimeError):
    """Base class for index problems; the message says what to run."""


class IndexMissingError(IndexError_):
    pass


class IndexCorruptError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    pass


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
        if sha256(path) != digest:
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
        if manifest.get("files", {}).get(name) != sha256(settings.corpus_dir / name):
            return f"{name} changed"
    if manifest.get("config") != build_config(settings):
        return "chunking, HNSW, second encoder or BM25 settings changed"
    return None


def build_config(settings: IndexingSettings) -> dict[str, float | str]:
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


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
