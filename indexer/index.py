"""A published index loaded in memory: passages, tasks, documents, glossary and the stores."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from indexer.ingest import GLOSSARY_FILE, TERMS_FILE
from indexer.lexicon import Glossary, GlossaryError, TermTranslator
from indexer.models import Deliverable, Passage, Task
from indexer.store import IndexCorruptError, read_manifest, verify
from indexer.stores import DenseStore, LexicalStore, SentenceStore, SparseStore


@dataclass
class Index:
    """Row i of ``passages`` is vector i of ``dense``, row i of ``sparse`` and document i of
    ``lexical`` and ``english``; ``sentences`` maps its vectors to these rows."""

    path: Path  # the resolved build directory
    manifest: dict[str, Any]
    passages: list[Passage]
    tasks: list[tuple[str, Task]]  # (doc_id, task)
    documents: list[dict[str, Any]]
    glossary: Glossary
    terms: TermTranslator
    dense: DenseStore
    lexical: LexicalStore
    english: LexicalStore  # BM25 over the English field of the passages (indexer.english)
    sentences: SentenceStore
    sparse: SparseStore | None  # None: the embedder has no sparse head

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


def load_index(index_dir: Path, embedder_id: str) -> Index:
    """Load and verify the build ``index_dir`` points at.

    Raises IndexMissingError, IndexCorruptError or IndexMismatchError with what to run.
    """
    directory = Path(index_dir).resolve()
    manifest = read_manifest(directory)
    verify(directory, manifest, embedder_id)
    try:
        passages = [
            Passage.from_dict(json.loads(line))
            for line in (directory / "passages.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        tasks = [_task(entry) for entry in _json(directory / "tasks.json")]
        documents = _json(directory / "documents.json")
        glossary = Glossary.load(directory / GLOSSARY_FILE)
        terms = TermTranslator.load(directory / TERMS_FILE)
        dense, lexical = DenseStore.load(directory), LexicalStore.load(directory)
        english = LexicalStore.load(directory, LexicalStore.ENGLISH_DIR)
        sentences = SentenceStore.load(directory)
        has_sparse = manifest["embedder"].get("sparse") is not None
        sparse = SparseStore.load(directory) if has_sparse else None
    except (OSError, ValueError, KeyError, TypeError, RuntimeError, GlossaryError) as exc:
        raise IndexCorruptError(
            f"{directory} cannot be read ({exc}): run `python -m indexer build`"
        ) from exc
    _check_rows(directory, len(passages), dense, sparse, sentences)
    return Index(
        directory,
        manifest,
        passages,
        tasks,
        documents,
        glossary,
        terms,
        dense,
        lexical,
        english,
        sentences,
        sparse,
    )


def _check_rows(
    directory: Path,
    n_passages: int,
    dense: DenseStore,
    sparse: SparseStore | None,
    sentences: SentenceStore,
) -> None:
    """Every store must hold one row per passage, every sentence belong to one."""
    counts = {"vectors": len(dense), "sparse rows": len(sparse) if sparse else n_passages}
    problems = [f"{n} {what}" for what, n in counts.items() if n != n_passages]
    owners = sentences.owners
    if len(owners) != len(sentences) or (
        len(owners) and not 0 <= owners.min() <= owners.max() < n_passages
    ):
        problems.append("sentences of unknown passages")
    if problems:
        raise IndexCorruptError(
            f"{directory}: {', '.join(problems)} for {n_passages} passages: "
            "run `python -m indexer build`"
        )


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _task(entry: dict[str, Any]) -> tuple[str, Task]:
    entry = dict(entry)
    doc_id = entry.pop("doc_id")
    entry["deliverables"] = [Deliverable(**d) for d in entry["deliverables"]]
    return doc_id, Task(**entry)
