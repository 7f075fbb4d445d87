"""French and English stop words (``indexer/data/stopwords.json``), folded, loaded once."""

from __future__ import annotations

from functools import cache

from indexer.resources import package_json
from indexer.text.fold import fold


@cache
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    data = package_json("indexer", "data/stopwords.json")
    return frozenset(fold(w) for w in data["fr"]), frozenset(fold(w) for w in data["en"])


@cache
def stopwords() -> frozenset[str]:
    """Every French and English stop word, folded."""
    fr, en = _lists()
    return fr | en


@cache
def function_words() -> tuple[frozenset[str], frozenset[str]]:
    """``(French only, English only)``: the stop words that tell the two languages apart."""
    fr, en = _lists()
    return fr - en, en - fr
