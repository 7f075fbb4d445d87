"""Accent folding: the form under which words are compared everywhere (matching, BM25,
stop words, intents, section keys)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae"}


def unify_apostrophes(text: str) -> str:
    """``text`` with every apostrophe-like character as ``'`` (same length)."""
    return text.translate(_APOSTROPHES)


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    char = char.translate(_APOSTROPHES)
    if char in _LIGATURES:
        return _LIGATURES[char]
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def fold(text: str) -> str:
    """Lowercase, accent-free form of ``text`` with one apostrophe (``Œuvre d’art`` →
    ``oeuvre d'art``).

    >>> fold("Développement social, main-d’œuvre")
    "developpement social, main-d'oeuvre"
    """
    return "".join(map(_fold_char, text))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`fold` of ``text`` and, for each folded character and one past the end, the
    offset in ``text`` of the character it comes from: ``offsets`` has ``len(folded) + 1``
    ints, so folded span ``[s, e)`` is ``text[offsets[s] : offsets[e - 1] + 1]``."""
    pieces: list[str] = []
    offsets: list[int] = []
    for i, char in enumerate(text):
        piece = _fold_char(char)
        pieces.append(piece)
        offsets += [i] * len(piece)
    offsets.append(len(text))
    return "".join(pieces), offsets
