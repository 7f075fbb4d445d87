"""Sentences of a text: what is embedded on its own, and what an answer quotes."""

from __future__ import annotations

import re

# A sentence ends at . ! ? ; or : before a capital, a quote or a list mark, or at a line break.
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÀ-Ý«\-–•*])|\n+")
MIN_CHARS = 20  # shorter pieces ("- 2012-2013", "Tâche 1.11 :") say too little on their own


def split_sentences(text: str, min_chars: int = MIN_CHARS) -> list[str]:
    """The sentences of ``text`` of at least ``min_chars`` characters, stripped."""
    pieces = (s.strip() for s in SENTENCE_END.split(text))
    return [s for s in pieces if len(s) >= min_chars]
