"""Tokenisation for BM25: accent folding, French and English stop words, Snowball stemming.

Identifiers keep their dots and digits (``2.13``, ``2012-2013``) so they match exactly.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import Stemmer

from indexer.clean import fold

TOKEN = re.compile(r"\d+(?:[.,-]\d+)*|[^\W\d_]+(?:[-'][^\W\d_]+)*")
STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords.json"


@cache
def stopwords() -> frozenset[str]:
    """French and English stop words, accent-folded."""
    data = json.loads(STOPWORDS_FILE.read_text(encoding="utf-8"))
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


def tokenize_many(texts: list[str], tokenizer: str = "fr") -> list[list[str]]:
    return [TOKENIZERS[tokenizer](t) for t in texts]


# The tokenisers a bm25 channel can name (``indexer.backends.base.Channel.tokenizer``).
TOKENIZERS = {"fr": tokenize}
