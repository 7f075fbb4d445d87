"""The English lexical field of a passage: English words for a French text.

The reports are in French, so the words of an English question meet French text only by
accident. Each passage gets a second lexical field, in English, built from what the project
already knows about its text:

* the English names and acronyms of the organisations and programmes it mentions or is
  responsible for (``corpus/glossary.json``: GRC -> "Royal Canadian Mounted Police", "RCMP"),
* the English of the French domain terms it contains (``corpus/terms_en_fr.json`` read from
  French to English, matched on stemmed tokens so "permis de séjour temporaires" finds
  "permis de séjour temporaire"),
* its anchors: names, acronyms and numbers, which read the same in both languages.

An English question is searched against this field with English stemming
(:func:`indexer.text.tokenize_english`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from indexer.lexicon import Glossary, TermTranslator
from indexer.text import find_anchors, tokenize

ORGANISATION_KINDS = frozenset({"organisation", "program"})


class EnglishField:
    """Builds the English field of passages from the glossary and the terms file."""

    def __init__(self, glossary: Glossary, terms: TermTranslator) -> None:
        self.glossary = glossary
        table: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for term in terms.terms:
            key = tuple(tokenize(term.fr))
            if key and term.en not in table[key]:
                table[key].append(term.en)
        self._english = dict(table)  # French stems -> English phrases
        self._longest = max(map(len, table), default=0)

    def text(self, french: str, organisations: Iterable[str] = ()) -> str:
        """The English field of a passage whose text is ``french`` and whose Annex A task
        names ``organisations`` (glossary codes): each phrase once, joined by " ; ".

        Once: a report names the National Action Plan in most passages, and counting each
        mention would let that phrase outweigh a rarer name such as FINTRAC.
        """
        phrases = [
            *self.organisation_names(french, organisations),
            *self.terms(french),
            *find_anchors(french),
        ]
        return " ; ".join(dict.fromkeys(phrases))

    def organisation_names(self, french: str, organisations: Iterable[str] = ()) -> list[str]:
        """English name and acronym of each organisation or programme of the passage."""
        codes = dict.fromkeys([*organisations, *self.glossary.find(french, ORGANISATION_KINDS)])
        names: list[str] = []
        for code in codes:
            entry = self.glossary.get(code)
            if entry is not None:
                names += dict.fromkeys([entry.name_en, entry.label_en])
        return names

    def terms(self, french: str) -> list[str]:
        """English phrases of the French terms of ``french``, once per occurrence (longest
        match first, left to right, over stemmed tokens)."""
        tokens = tokenize(french)
        found: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self._longest, len(tokens) - i), 0, -1):
                english = self._english.get(tuple(tokens[i : i + n]))
                if english:
                    found += english
                    i += n
                    break
            else:
                i += 1
        return found
