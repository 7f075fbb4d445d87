"""Corpus directory -> parsed documents, Annex A tasks and passages (no embeddings yet)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from indexer.chunk import build_passages
from indexer.lexicon import Glossary, TermTranslator
from indexer.load import load_collection
from indexer.models import Document, Passage, Task
from indexer.structure import Structure, parse_structure
from indexer.table import parse_annex_table

GLOSSARY_FILE = "glossary.json"
TERMS_FILE = "terms_en_fr.json"


@dataclass
class Collection:
    """Everything ingestion knows about the corpus."""

    documents: list[Document]
    structures: dict[str, Structure]  # by document id
    tasks: dict[str, list[Task]]  # Annex A task records by document id
    passages: list[Passage]
    glossary: Glossary
    terms: TermTranslator


def ingest(corpus_dir: Path, chunk_size: int = 900, chunk_overlap: int = 150) -> Collection:
    """Load, clean, structure and chunk every document of ``corpus_dir``."""
    corpus_dir = Path(corpus_dir)
    documents = load_collection(corpus_dir)
    glossary = Glossary.load(corpus_dir / GLOSSARY_FILE)
    terms = TermTranslator.load(corpus_dir / TERMS_FILE)
    structures, tasks, passages = {}, {}, []
    for doc in documents:
        structure = parse_structure(doc)
        doc_tasks = _tasks(structure, glossary)
        structures[doc.id], tasks[doc.id] = structure, doc_tasks
        passages += build_passages(structure, doc_tasks, glossary, chunk_size, chunk_overlap)
    return Collection(documents, structures, tasks, passages, glossary, terms)


def _tasks(structure: Structure, glossary: Glossary) -> list[Task]:
    if structure.table_span is None:
        return []
    start, end = structure.table_span
    return parse_annex_table(structure.doc.lines[start - 1 : end], start, glossary)
