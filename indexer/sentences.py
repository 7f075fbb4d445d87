"""The sentences of each passage, embedded on their own for the sentence channel of search.

A 900-character passage embeds as the average of its topics; a question about one of its
sentences (a paraphrase, say) matches that sentence better than the whole. Each sentence
is prefixed with the passage's section title, which tells the model what it is about.
"""

from __future__ import annotations

import re

import numpy as np

from indexer.models import Passage

# A sentence ends at . ! ? ; or : before a capital, a quote or a list mark, or at a line break.
SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÀ-Ý«\-–•*])|\n+")
MIN_CHARS = 20  # shorter pieces ("- 2012-2013", "Tâche 1.11 :") say too little to embed


def split_sentences(passage: Passage) -> list[str]:
    """The sentences of ``passage`` (its index text), each ``"<section title>: <sentence>"``;
    a passage with no sentence of ``MIN_CHARS`` is one unit of its whole text."""
    body = passage.indexed_text
    pieces = [s.strip() for s in SENTENCE_END.split(body)]
    sentences = [s for s in pieces if len(s) >= MIN_CHARS] or [body.strip()]
    title = passage.section_path[-1] if passage.section_path else ""
    return [f"{title}: {s}" if title else s for s in sentences]


def sentence_units(passages: list[Passage]) -> tuple[list[str], np.ndarray]:
    """Every sentence of ``passages`` and ``owners`` (n_sentences,) int32: row i of
    ``passages`` owns the sentences where ``owners == i``."""
    units: list[str] = []
    owners: list[int] = []
    for i, passage in enumerate(passages):
        sentences = split_sentences(passage)
        units += sentences
        owners += [i] * len(sentences)
    return units, np.asarray(owners, dtype=np.int32)
