"""Ingestion and indexing: corpus files -> clean, structured passages -> index directory."""

from indexer.embed import Embedder, make_embedder
from indexer.load import CorpusError, load_collection
from indexer.models import Block, Deliverable, Document, Passage, Section, Task
from indexer.settings import Settings, get_settings

__all__ = [
    "Block",
    "CorpusError",
    "Deliverable",
    "Document",
    "Embedder",
    "Passage",
    "Section",
    "Settings",
    "Task",
    "get_settings",
    "load_collection",
    "make_embedder",
]
