"""English-to-French translation of the domain vocabulary, for querying a French corpus.

The data lives in ``corpus/terms_en_fr.json``: ``{"terms": [{"en": ..., "fr": ...}, ...]}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indexer.lexicon.errors import GlossaryError
from indexer.lexicon.files import json_list
from indexer.lexicon.matcher import PhraseMatcher, blank_spans


@dataclass(frozen=True)
class Term:
    """One English phrase and the French used for it in the corpus."""

    en: str
    fr: str


class TermTranslator:
    """Finds the English domain phrases of a text and returns their French equivalents."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = list(terms)
        self._matcher = PhraseMatcher(((t.en, t.fr) for t in self.terms), exact=False)

    @classmethod
    def load(cls, path: Path | str) -> TermTranslator:
        """Read and validate a terms JSON file; raise :class:`GlossaryError` naming it."""
        path = Path(path)
        raw = json_list(path, "terms")
        terms: list[Term] = []
        seen: set[str] = set()
        for number, item in enumerate(raw):
            en, fr = (item.get(k) if isinstance(item, dict) else None for k in ("en", "fr"))
            if not (isinstance(en, str) and en.strip() and isinstance(fr, str) and fr.strip()):
                raise GlossaryError(f"{path}: term {number}: needs non-empty 'en' and 'fr'")
            key = " ".join(en.lower().split())
            if key in seen:
                raise GlossaryError(f"{path}: term {number}: duplicate English phrase {en!r}")
            seen.add(key)
            terms.append(Term(en=en, fr=fr))
        return cls(terms)

    def translate(self, text: str) -> list[str]:
        """French terms whose English phrase occurs in ``text`` (whole words, longest first).

        >>> TermTranslator([Term("forced labour", "travail forcé")]).translate("Forced labour?")
        ['travail forcé']
        """
        return list(dict.fromkeys(fr for _, _, fr in self._matcher.spans(text)))

    def untranslated(self, text: str) -> str:
        """``text`` with the phrases that :meth:`translate` translates blanked out."""
        return blank_spans(text, self._matcher.spans(text))
