"""Ingestion and indexing: corpus files -> clean, structured passages -> index directory."""

from indexer.embed import Embedder, make_embedder
from indexer.load import CorpusError, load_collection
from indexer.models import Block, Deliverable, Document, Passage, Section, Task
from indexer.settings import IndexingSettings, load_settings

__all__ = [
    "Block",
    "CorpusError",
    "Deliverable",
    "Document",
    "Embedder",
    "IndexingSettings",
    "Passage",
    "Section",
    "Task",
    "load_collection",
    "load_settings",
    "make_embedder",
]
