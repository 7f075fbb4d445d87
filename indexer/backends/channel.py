"""A channel: one named ranking a backend serves, and its kind (see ``base.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ChannelKind(StrEnum):
    DENSE = "dense"
    MULTI = "multi"
    SPARSE = "sparse"
    BM25 = "bm25"


@dataclass(frozen=True)
class Channel:
    """One ranking a backend serves. ``dim``: vector size (dense, multi); ``tokenizer``: a
    key of ``indexer.text.tokens.TOKENIZERS``, ``k1``, ``b``: the BM25 parameters (bm25;
    the settings ``bm25_k1``, ``bm25_b``; a manifest without them was built with these);
    ``encoder``: the embedder id of a vector channel's vectors when it is not the index's
    embedder (``indexer.embed``)."""

    name: str
    kind: ChannelKind
    dim: int = 0
    tokenizer: str = "fr"
    k1: float = 1.2
    b: float = 0.75
    encoder: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": str(self.kind),
            "dim": self.dim,
            "tokenizer": self.tokenizer,
            "k1": self.k1,
            "b": self.b,
            "encoder": self.encoder,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Channel:
        return cls(
            data["name"],
            ChannelKind(data["kind"]),
            data["dim"],
            data["tokenizer"],
            data.get("k1", cls.k1),
            data.get("b", cls.b),
            data.get("encoder", ""),
        )
