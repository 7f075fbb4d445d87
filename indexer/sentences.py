"""The sentences of each passage, embedded on their own for the sentence channel of search.

A 900-character passage embeds as the average of its topics; a question about one of its
sentences (a paraphrase, say) matches that sentence better than the whole. Each sentence
is prefixed with the passage's section title, which tells the model what it is about.
"""

from __future__ import annotations

import numpy as np

from indexer.models import Passage
from indexer.text import split_sentences as sentences_of


def split_sentences(passage: Passage) -> list[str]:
    """The sentences of ``passage`` (its index text), each ``"<section title>: <sentence>"``;
    a passage with no sentence long enough is one unit of its whole text."""
    body = passage.indexed_text
    sentences = sentences_of(body) or [body.strip()]
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
