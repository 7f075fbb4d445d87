"""The one text layer of indexer, service and eval: folding, words and tokens, stop words,
sentences, language."""

from indexer.text.fold import fold, fold_with_offsets, unify_apostrophes
from indexer.text.language import detect_language
from indexer.text.questions import topic
from indexer.text.sentences import split_sentences
from indexer.text.stopwords import function_words, stopwords
from indexer.text.tokens import (
    find_anchors,
    stem,
    token_spans,
    tokenize,
    tokenize_english,
    tokenize_many,
    words,
)

__all__ = [
    "detect_language",
    "find_anchors",
    "fold",
    "fold_with_offsets",
    "function_words",
    "split_sentences",
    "stem",
    "stopwords",
    "token_spans",
    "tokenize",
    "tokenize_english",
    "tokenize_many",
    "topic",
    "unify_apostrophes",
    "words",
]
