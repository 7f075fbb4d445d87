"""Every setting, in typed groups read once from the environment (``TRAITE_*``, ``.env``).

``Settings`` composes ``indexing`` (``indexer.settings``), ``retrieval``, ``answers`` and
``service``; each group is its own ``BaseSettings`` with the ``TRAITE_`` prefix, so the
variable names stay flat (``TRAITE_RRF_K`` sets ``settings.retrieval.rrf_k``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings

from indexer.resources import package_json
from indexer.settings import TRAITE, IndexingSettings, SettingsError, make_group

TUNED_FILE = "data/tuned.json"  # in the indexer package, written by `python -m eval.tune`
TUNED = package_json("indexer", TUNED_FILE)["settings"]  # the defaults chosen on the dev split


class RetrievalSettings(BaseSettings):
    """Fusion of the rankings (``service.search``, ``service.fusion``); the weights, rrf_k
    and candidates default to ``indexer/data/tuned.json`` (``python -m eval.tune``, dev split)."""

    model_config = TRAITE

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
    # the encoder passes read the question with the French of its terms and organisations
    # appended (Query.dense_text); False reads the question alone: each pass costs about as
    # many milliseconds as the text has tokens, so this trades dev hit@1 for latency
    expand_dense: bool = True
    # structural boosts added to the fused score: a task named in the question comes first
    # (above any fused score), its overview before its deliverables; the question's
    # organisations get about half a rank step near the top
    task_boost: float = Field(1.0, ge=0)
    overview_boost: float = Field(0.5, ge=0)
    organisation_boost: float = Field(0.004, ge=0)


class AnswerSettings(BaseSettings):
    """Extractive answers (``service.answers``)."""

    model_config = TRAITE

    # confidence (0-1) an answer needs; None: the threshold tuned on the dev split, stored
    # with the answer model (service/data/answer_model.json, written by `python -m eval.tune`)
    min_answer_score: float | None = Field(None, ge=0, le=1)
    min_sentence_score: float = Field(3.0, ge=0)  # retired: the answer model replaced it
    # passages read for candidates (at least the top 5 cited); the answer model is fitted
    # on this many, so changing it calls for `python -m eval.tune`
    answer_passages: int = Field(8, ge=1, le=50)


class ServiceSettings(BaseSettings):
    """The HTTP service (``python -m service``): binding, access and request limits."""

    model_config = TRAITE

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    reload_token: str | None = None
    cors_origins: list[str] = []
    max_question_chars: int = 1000
    max_k: int = 50
    max_body_bytes: int = 16_384
    max_concurrent_searches: int = Field(4, ge=1)
    search_timeout_s: float = Field(10.0, gt=0)


GROUPS: dict[str, type[BaseSettings]] = {
    "indexing": IndexingSettings,
    "retrieval": RetrievalSettings,
    "answers": AnswerSettings,
    "service": ServiceSettings,
}


class Settings(BaseModel):
    """Configuration of ``python -m indexer``, ``python -m service`` and ``python -m eval``.

    ``Settings(index_dir=..., rrf_k=...)`` routes each field to its group; the groups not
    given read the environment."""

    indexing: IndexingSettings
    retrieval: RetrievalSettings
    answers: AnswerSettings
    service: ServiceSettings

    @model_validator(mode="before")
    @classmethod
    def _groups(cls, values: Any) -> Any:
        if not isinstance(values, dict):
            return values
        flat = {k: v for k, v in values.items() if k not in GROUPS}
        unknown = set(flat) - set(OWNER) - {"_env_file"}
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}; known: {sorted(OWNER)}")
        common = {k: v for k, v in flat.items() if k.startswith("_")}
        return {
            name: values[name] if name in values else group(**common, **_own(group, flat))
            for name, group in GROUPS.items()
        }

    def updated(self, **values: Any) -> Settings:
        """A copy with ``values`` (flat field names) set in their groups, unvalidated like
        ``model_copy``."""
        unknown = set(values) - set(OWNER)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        update = {
            name: getattr(self, name).model_copy(update=_own(GROUPS[name], values))
            for name in {OWNER[k] for k in values}
        }
        return self.model_copy(update=update)


def _own(group: type[BaseSettings], values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in group.model_fields}


OWNER = {field: name for name, group in GROUPS.items() for field in group.model_fields}


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment with ``overrides`` (flat field names; None: unset);
    raises SettingsError on bad values."""
    return Settings(**{name: make_group(group, overrides) for name, group in GROUPS.items()})


@cache
def get_settings() -> Settings:
    return load_settings()


__all__ = [
    "AnswerSettings",
    "IndexingSettings",
    "RetrievalSettings",
    "ServiceSettings",
    "Settings",
    "SettingsError",
    "get_settings",
    "load_settings",
]
