"""Marking up corpus text for the page: query words in ``<mark>``, the answer's span in
``<mark class="span">``, citation markers as links.

Corpus and user text is always escaped; the only markup added is built from escaped text
with ``markupsafe``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup, escape

from indexer.text import token_spans, tokenize

CITATION = re.compile(r"\[(\d+)\]")
MIN_CHARS = 3  # shorter words are not highlighted, numbers excepted ("34")


def _keys(word: str) -> list[str]:
    """The BM25 tokens of ``word`` (none for a stop word or a short word)."""
    return tokenize(word) if len(word) >= MIN_CHARS or word.isdigit() else []


def query_keys(texts: Iterable[str]) -> frozenset[str]:
    """The tokens (folded, stemmed, as BM25 sees them) of the words of ``texts`` worth
    highlighting."""
    return frozenset(
        key for text in texts for start, end in token_spans(text) for key in _keys(text[start:end])
    )


def highlight(text: str, keys: frozenset[str]) -> Markup:
    """``text`` escaped, with every word whose key is in ``keys`` wrapped in ``<mark>``."""
    parts: list[Markup] = []
    position = 0
    for start, end in token_spans(text):
        word = text[start:end]
        if not keys.intersection(_keys(word)):
            continue
        parts.append(escape(text[position:start]))
        parts.append(Markup("<mark>{}</mark>").format(word))
        position = end
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def highlight_span(text: str, keys: frozenset[str], span: tuple[int, int] | None) -> Markup:
    """``highlight(text, keys)``, with the characters ``span`` = (start, end) of ``text``
    (the answer inside its cited passage) wrapped in ``<mark class="span">``."""
    if span is None or not 0 <= span[0] < span[1] <= len(text):
        return highlight(text, keys)
    start, end = span
    inner = Markup('<mark class="span">{}</mark>').format(escape(text[start:end]))
    return highlight(text[:start], keys) + inner + highlight(text[end:], keys)


def excerpt(
    text: str, keys: frozenset[str], span: tuple[int, int] | None, window: tuple[int, int]
) -> Markup:
    """``highlight_span`` of the characters ``window`` = (start, end) of ``text``, widened to
    whole words, with "…" where text is left out."""
    start, end = max(0, window[0]), min(len(text), window[1])
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    inner = (span[0] - start, span[1] - start) if span and start <= span[0] < end else None
    marked = highlight_span(text[start:end].rstrip(), keys, inner)
    before = Markup("… ") if start > 0 else Markup("")
    after = Markup(" …") if end < len(text) else Markup("")
    return before + marked + after


def link_citations(text: str, count: int, prefix: str = "c") -> Markup:
    """``text`` escaped, with markers ``[n]`` (1 ≤ n ≤ count) linked to ``#{prefix}{n}``."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= count:
            return match.group()
        return f'<a class="cite" href="#{prefix}{n}" aria-label="passage {n}">[{n}]</a>'

    return Markup(CITATION.sub(link, str(escape(text))))
