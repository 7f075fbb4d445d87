"""Tokenisation for BM25: accent folding, French and English stop words, Snowball stemming.

Identifiers keep their dots and digits (``2.13``, ``2012-2013``) so they match exactly.
"""

from __future__ import annotations

import re
from functools import cache

import Stemmer

from indexer.clean import fold
from indexer.resources import package_json

TOKEN = re.compile(r"\d+(?:[.,-]\d+)*|[^\W\d_]+(?:[-'][^\W\d_]+)*")


@cache
def stopwords() -> frozenset[str]:
    """French and English stop words, accent-folded."""
    data = package_json("indexer", "data/stopwords.json")
    return frozenset(fold(w) for w in data["fr"] + data["en"])


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("french")


def stem(word: str) -> str:
    """French Snowball stem of an accent-folded word."""
    return _stemmer().stemWord(word)


def tokenize(text: str) -> list[str]:
    """Folded, stop-word-free, stemmed tokens of ``text``; a word with an elided article
    (``l'atelier``) gives the word alone."""
    tokens = []
    for raw in TOKEN.findall(fold(text.replace("’", "'"))):
        word = raw.split("'", 1)[1] if re.match(r"^[a-z]{1,2}'", raw) else raw
        if word in stopwords() or (len(word) == 1 and not word.isdigit()):
            continue
        tokens.append(word if word[0].isdigit() else stem(word))
    return tokens


def tokenize_many(texts: list[str]) -> list[list[str]]:
    return [tokenize(t) for t in texts]
