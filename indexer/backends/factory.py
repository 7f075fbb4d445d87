"""Choosing, creating and opening a backend from the settings and a build's manifest.

``TRAITE_BACKEND=local`` (FAISS + bm25s files) or ``qdrant``: an embedded Qdrant Edge shard
in the build directory, or, with ``TRAITE_QDRANT_URL``, a remote Qdrant cluster. The engines
are imported only when chosen: a missing package raises an ``ImportError`` saying what to
install.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from indexer.backends.base import Backend, BackendError, Channel
from indexer.backends.local import HnswOptions, LocalBackend
from indexer.backends.stores import HNSW_M

KINDS = ("local", "qdrant")


def engine_of(settings: Any) -> str:
    """What ``/health`` calls the configured backend: local, qdrant-edge or qdrant."""
    if settings.backend == "local":
        return "local"
    return "qdrant" if settings.qdrant_url else "qdrant-edge"


def create_backend(
    kind: str,
    directory: Path | None,
    channels: list[Channel],
    settings: Any,
    hnsw_m: int = HNSW_M,
) -> Backend:
    """An empty backend of ``kind`` ("local" or "qdrant") for a new build in ``directory``
    (None: in memory, local only). ``settings``: ``indexer.settings.IndexingSettings``; ``hnsw_m``:
    HNSW links per vector (the scale bench sweeps it)."""
    if kind == "local":
        hnsw = HnswOptions(settings.hnsw_threshold, settings.hnsw_ef_search, hnsw_m)
        return LocalBackend(channels, hnsw, directory)
    if kind == "qdrant" and directory is None:
        raise BackendError("a qdrant backend needs a build directory")
    if kind == "qdrant" and not settings.qdrant_url:
        from indexer.backends.qdrant_edge import EdgeBackend

        return EdgeBackend.create(directory, channels, hnsw_m)
    if kind == "qdrant":
        from indexer.backends.qdrant_remote import RemoteBackend

        return RemoteBackend.create(directory, channels, settings, hnsw_m)
    raise BackendError(f"unknown backend {kind!r}: use one of {', '.join(KINDS)}")


def backend_entry(backend: Backend) -> dict[str, Any]:
    """What the manifest records about a build's backend (``open_backend`` reads it)."""
    entry = {
        "kind": "local" if backend.kind == "local" else "qdrant",
        "engine": backend.kind,
        "channels": [c.to_dict() for c in backend.channels.values()],
    }
    collection = getattr(backend, "collection", None)
    if collection:
        entry["collection"] = collection
    return entry


def open_backend(directory: Path, entry: dict[str, Any], settings: Any) -> Backend:
    """The backend a manifest's ``backend`` entry describes, for the build in ``directory``."""
    channels = [Channel.from_dict(c) for c in entry["channels"]]
    engine = entry.get("engine", entry["kind"])
    if engine == "local":
        backend = LocalBackend.load(directory, channels)
        backend.hnsw = HnswOptions(settings.hnsw_threshold, settings.hnsw_ef_search)
        return backend
    if engine == "qdrant-edge":
        from indexer.backends.qdrant_edge import EdgeBackend

        return EdgeBackend.load(directory, channels)
    if engine == "qdrant":
        from indexer.backends.qdrant_remote import RemoteBackend

        return RemoteBackend.open(directory, channels, entry["collection"], settings)
    raise BackendError(f"unknown backend {engine!r} in {directory}: rebuild the index")


def fork_backend(before: Path, directory: Path, entry: dict[str, Any], settings: Any) -> Backend:
    """The backend of the build in ``before``, continued in the new build ``directory``:
    local files are read from ``before`` and written to ``directory``; an embedded shard is
    copied; a remote collection is changed in place (see ``qdrant_remote``)."""
    channels = [Channel.from_dict(c) for c in entry["channels"]]
    engine = entry.get("engine", entry["kind"])
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("qdrant_bm25_stats.json",):
        if (before / name).is_file():
            shutil.copyfile(before / name, directory / name)
    if engine == "local":
        backend = LocalBackend.load(before, channels)
        backend.directory = directory
        backend.hnsw = HnswOptions(settings.hnsw_threshold, settings.hnsw_ef_search)
        return backend
    if engine == "qdrant-edge":
        from indexer.backends.qdrant_edge import SHARD, EdgeBackend

        shutil.copytree(before / SHARD, directory / SHARD)
        return EdgeBackend.load(directory, channels)
    return open_backend(directory, entry, settings)
