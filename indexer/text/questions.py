"""The topic of a question: the question without its question words (``indexer/data/
question_words.json``), for an encoder that compares it with statements."""

from __future__ import annotations

import re
from functools import cache

from indexer.resources import package_json
from indexer.text.fold import unify_apostrophes


@cache
def _pattern() -> re.Pattern[str]:
    data = package_json("indexer", "data/question_words.json")
    phrases = sorted({w.lower() for lang in ("fr", "en") for w in data[lang]}, key=len)[::-1]
    alternatives = "|".join(re.escape(p) for p in phrases)
    # after an elided "qu'" the next word follows without a space
    return re.compile(rf"(?<![\w'])(?:{alternatives})(?:(?<=')|(?![\w']))\s*", re.IGNORECASE)


def topic(text: str) -> str:
    """``text`` without its question words and question marks, or ``text`` itself when nothing
    else is left: "Which department leads the strategy?" -> "department leads the strategy"."""
    stripped = _pattern().sub(" ", unify_apostrophes(text)).replace("?", " ")
    return " ".join(stripped.split()) or text
