"""Whole-word, longest-first phrase matching, accent- and case-insensitive except for
acronyms (a form without lower-case letters, such as ``GRC`` or ``EDSC (PTET)``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.text import fold, fold_with_offsets, unify_apostrophes

Span = tuple[int, int, str]  # start, end, value


def squash(text: str) -> str:
    """``text`` with its white-space runs as one space, trimmed."""
    return " ".join(text.split())


def is_acronym(form: str) -> bool:
    """A form with letters but no lower-case letter is matched case-sensitively."""
    return any(c.isalpha() for c in form) and not any(c.islower() for c in form)


def blank_spans(text: str, spans: Iterable[Span]) -> str:
    """``text`` with each span replaced by spaces (the offsets of the rest are unchanged)."""
    chars = list(text)
    for start, end, _ in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


class PhraseMatcher:
    """Whole-word, longest-first matching of many phrases in a text."""

    def __init__(self, phrases: Iterable[tuple[str, str]], exact: bool | None = None) -> None:
        """``phrases`` are (surface form, value) pairs; ``exact=None`` decides per form."""
        self._exact: dict[str, str] = {}
        self._loose: dict[str, str] = {}
        for form, value in phrases:
            if exact or (exact is None and is_acronym(form)):
                self._exact.setdefault(squash(unify_apostrophes(form)), value)
            else:
                self._loose.setdefault(squash(fold(form)), value)
        self._exact_re = self._compile(self._exact)
        self._loose_re = self._compile(self._loose)

    @staticmethod
    def _compile(forms: dict[str, str]) -> re.Pattern[str] | None:
        if not forms:
            return None
        alternatives = sorted(forms, key=len, reverse=True)
        body = "|".join(r"\s+".join(map(re.escape, f.split())) for f in alternatives)
        # zero-width lookahead so that matches starting at every position are reported
        return re.compile(rf"(?<!\w)(?=({body})(?!\w))")

    def spans(self, text: str) -> list[Span]:
        """Non-overlapping matches, longest first, returned in text order."""
        candidates: list[Span] = []
        folded, offsets = fold_with_offsets(text)
        searches = (
            (self._exact_re, self._exact, unify_apostrophes(text), None),
            (self._loose_re, self._loose, folded, offsets),
        )
        for regex, table, haystack, at in searches:
            if regex is None:
                continue
            for m in regex.finditer(haystack):
                start, end = m.span(1)
                if at is not None:  # folded offsets back to offsets in ``text``
                    start, end = at[start], at[end - 1] + 1
                candidates.append((start, end, table[squash(m.group(1))]))
        candidates.sort(key=lambda s: (s[0] - s[1], s[0]))
        chosen: list[Span] = []
        for span in candidates:
            if all(span[1] <= s[0] or span[0] >= s[1] for s in chosen):
                chosen.append(span)
        return sorted(chosen)
