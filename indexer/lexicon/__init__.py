"""The lexicon of the corpus: glossary of organisations and acronyms, English-to-French
terms, and the phrase matcher both use."""

from indexer.lexicon.errors import GlossaryError
from indexer.lexicon.glossary import KINDS, Entry, Glossary, Language
from indexer.lexicon.matcher import PhraseMatcher, Span, blank_spans, is_acronym
from indexer.lexicon.terms import Term, TermTranslator

__all__ = [
    "KINDS",
    "Entry",
    "Glossary",
    "GlossaryError",
    "Language",
    "PhraseMatcher",
    "Span",
    "Term",
    "TermTranslator",
    "blank_spans",
    "is_acronym",
]
