"""A published index loaded in memory: passages, tasks, documents, glossary and its backend."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from indexer.backends import Backend, BackendUnavailableError, engine_of, open_backend
from indexer.ingest import GLOSSARY_FILE, TERMS_FILE
from indexer.lexicon import Glossary, GlossaryError, TermTranslator
from indexer.manifest import IndexCorruptError, read_manifest, verify
from indexer.models import Deliverable, Passage, Task
from indexer.settings import IndexingSettings


@dataclass
class Index:
    """``backend`` holds one point per passage, keyed by the passage id."""

    path: Path  # the resolved build directory
    manifest: dict[str, Any]
    passages: list[Passage]
    tasks: list[tuple[str, Task]]  # (doc_id, task)
    documents: list[dict[str, Any]]
    glossary: Glossary
    terms: TermTranslator
    backend: Backend

    @property
    def built_at(self) -> str:
        return self.manifest["built_at"]

    @cached_property
    def document_map(self) -> dict[str, dict[str, Any]]:
        """``documents`` by id."""
        return {d["id"]: d for d in self.documents}

    @cached_property
    def titles(self) -> dict[str, str]:
        """The French title of each document, by id."""
        return {d["id"]: d["title"] for d in self.documents}

    @cached_property
    def passage_rows(self) -> dict[str, int]:
        """The row of each passage in ``passages``, by passage id."""
        return {p.id: row for row, p in enumerate(self.passages)}


def load_index(
    index_dir: Path, embedder_id: str, settings: IndexingSettings | None = None
) -> Index:
    """Load and verify the build ``index_dir`` points at; with ``settings``, also check it
    was built for ``settings.backend`` and open a remote backend with its address.

    Raises IndexMissingError, IndexCorruptError or IndexMismatchError with what to run.
    """
    directory = Path(index_dir).resolve()
    manifest = read_manifest(directory)
    verify(directory, manifest, embedder_id, engine_of(settings) if settings else None)
    try:
        passages = [
            Passage.from_dict(json.loads(line))
            for line in (directory / "passages.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        tasks = [_task(entry) for entry in _json(directory / "tasks.json")]
        documents = _json(directory / "documents.json")
        glossary = Glossary.load(directory / GLOSSARY_FILE)
        terms = TermTranslator.load(directory / TERMS_FILE)
        backend = open_backend(directory, manifest["backend"], settings or IndexingSettings())
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, GlossaryError) as exc:
        raise IndexCorruptError(
            f"{directory} cannot be read ({exc}): run `python -m indexer build`"
        ) from exc
    _check_rows(directory, passages, backend)
    return Index(directory, manifest, passages, tasks, documents, glossary, terms, backend)


def _check_rows(directory: Path, passages: list[Passage], backend: Backend) -> None:
    """The backend must hold one point per passage (checked when its engine answers: an
    unreachable remote engine is reported by searches and /health, not at load)."""
    try:
        points = len(backend.ids())
    except BackendUnavailableError:
        return
    if points != len(passages):
        raise IndexCorruptError(
            f"{directory}: {points} vectors for {len(passages)} passages: "
            "run `python -m indexer build`"
        )


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _task(entry: dict[str, Any]) -> tuple[str, Task]:
    entry = dict(entry)
    doc_id = entry.pop("doc_id")
    entry["deliverables"] = [Deliverable(**d) for d in entry["deliverables"]]
    return doc_id, Task(**entry)
