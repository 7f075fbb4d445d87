"""Words and BM25 tokens: folding, French and English stop words, Snowball stemming.

Identifiers keep their dots and digits (``2.13``, ``2012-2013``) so they match exactly.
"""

from __future__ import annotations

import re
from functools import cache

import Stemmer

from indexer.text.fold import fold, unify_apostrophes
from indexer.text.stopwords import function_words, stopwords

TOKEN = re.compile(r"\d+(?:[.,-]\d+)*|[^\W\d_]+(?:[-'][^\W\d_]+)*")
WORD = re.compile(r"[^\W\d_]+")
# Names, acronyms and numbers read the same in both languages: "Michael Holmes", "NHTCC", "2014"
ANCHOR = re.compile(r"\b(?:[A-Z][\w-]*[A-Z0-9][\w-]*|[A-Z][a-z][\w-]*|\d[\d.,]*)\b")


def words(text: str) -> list[str]:
    """The runs of letters of ``text`` (no digits, no apostrophes or hyphens), as written."""
    return WORD.findall(text)


@cache
def _stemmer(language: str = "french") -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def stem(word: str) -> str:
    """French Snowball stem of a folded word."""
    return _stemmer().stemWord(word)


def tokenize(text: str) -> list[str]:
    """Folded, stop-word-free, stemmed tokens of ``text``; a word with an elided article
    (``l'atelier``) gives the word alone."""
    tokens = []
    for raw in TOKEN.findall(fold(text)):
        word = raw.split("'", 1)[1] if re.match(r"^[a-z]{1,2}'", raw) else raw
        if word in stopwords() or (len(word) == 1 and not word.isdigit()):
            continue
        tokens.append(word if word[0].isdigit() else stem(word))
    return tokens


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token of ``text`` as written, before folding and stemming: what
    the page highlights (a span's :func:`tokenize` gives its BM25 token, if any)."""
    return [m.span() for m in TOKEN.finditer(unify_apostrophes(text))]


def tokenize_english(text: str) -> list[str]:
    """Folded, stop-word-free tokens of English ``text`` with English Snowball stems (for
    the English field of passages, ``indexer.english``); ``RCMP's`` gives ``rcmp``."""
    tokens = []
    for raw in TOKEN.findall(fold(text)):
        word = raw[:-2] if raw.endswith("'s") else raw
        if word in stopwords() or (len(word) == 1 and not word.isdigit()):
            continue
        tokens.append(word if word[0].isdigit() else _stemmer("english").stemWord(word))
    return tokens


def find_anchors(text: str) -> list[str]:
    """Capitalised words, acronyms and numbers of ``text``, except function words and a
    first word that is only capitalised because it starts the sentence."""
    stop = frozenset().union(*function_words())
    return [
        m.group()
        for m in ANCHOR.finditer(text)
        if fold(m.group()) not in stop and (m.start() > 0 or not m.group()[1:].islower())
    ]


def tokenize_many(texts: list[str], tokenizer: str = "fr") -> list[list[str]]:
    """The tokens of each text, by the tokeniser named ``tokenizer`` (see ``TOKENIZERS``)."""
    return [TOKENIZERS[tokenizer](t) for t in texts]


# The tokenisers a bm25 channel can name (``indexer.backends.base.Channel.tokenizer``).
TOKENIZERS = {"fr": tokenize, "en": tokenize_english}
