"""The retrieval backends: the only code that touches FAISS, bm25s or Qdrant."""

from indexer.backends.base import (
    DENSE,
    LATENT,
    LEXICAL,
    LEXICAL_EN,
    SENTENCES,
    SENTENCES2,
    Backend,
    BackendError,
    BackendUnavailableError,
    Channel,
    ChannelKind,
    Filters,
    Ranking,
    default_channels,
    passage_payload,
)
from indexer.backends.batch import Batch
from indexer.backends.factory import (
    KINDS,
    backend_entry,
    create_backend,
    engine_of,
    fork_backend,
    open_backend,
)
from indexer.backends.stores import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_M

__all__ = [
    "DENSE",
    "HNSW_EF_CONSTRUCTION",
    "HNSW_EF_SEARCH",
    "HNSW_M",
    "KINDS",
    "LATENT",
    "LEXICAL",
    "LEXICAL_EN",
    "SENTENCES2",
    "SENTENCES",
    "Backend",
    "BackendError",
    "BackendUnavailableError",
    "Batch",
    "Channel",
    "ChannelKind",
    "Filters",
    "Ranking",
    "backend_entry",
    "create_backend",
    "engine_of",
    "fork_backend",
    "default_channels",
    "open_backend",
    "passage_payload",
]
