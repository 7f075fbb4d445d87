"""Bilingual glossary of the organisations, programs and acronyms of the corpus.

The data lives in ``corpus/glossary.json``. :class:`Glossary` resolves any surface form
(French or English code, name or alias) to a canonical code, finds the codes mentioned in
free text and splits the *Responsable* cells of the Annex A table into codes.

Matching rules: a surface form without lower-case letters (an acronym such as ``GRC`` or
``EDSC (PTET)``) is matched case-sensitively; any other form is matched case- and
accent-insensitively. Matches are whole words and the longest match wins.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

KINDS = frozenset({"organisation", "program", "term"})
_REQUIRED = ("code", "kind", "name_fr", "name_en")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})

Language = Literal["fr", "en"]
Span = tuple[int, int, str]  # start, end, value


class GlossaryError(ValueError):
    """The glossary (or terms) file is malformed; the message names the file."""


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char.translate(_APOSTROPHES))[0]
    return base.lower()[0]


def fold(text: str) -> str:
    """Lower-case, strip accents and unify apostrophes, keeping one char per input char."""
    return "".join(_fold_char(c) for c in text)


def _squash(text: str) -> str:
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
                self._exact.setdefault(_squash(form.translate(_APOSTROPHES)), value)
            else:
                self._loose.setdefault(_squash(fold(form)), value)
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
        searches = (
            (self._exact_re, self._exact, text.translate(_APOSTROPHES)),
            (self._loose_re, self._loose, fold(text)),
        )
        for regex, table, haystack in searches:
            if regex is None:
                continue
            for m in regex.finditer(haystack):
                candidates.append((m.start(1), m.end(1), table[_squash(m.group(1))]))
        candidates.sort(key=lambda s: (s[0] - s[1], s[0]))
        chosen: list[Span] = []
        for span in candidates:
            if all(span[1] <= s[0] or span[0] >= s[1] for s in chosen):
                chosen.append(span)
        return sorted(chosen)


@dataclass(frozen=True)
class Entry:
    """One glossary entry."""

    code: str
    kind: str  # "organisation" | "program" | "term"
    name_fr: str
    name_en: str
    code_en: str = ""
    aliases: tuple[str, ...] = ()
    note: str = ""
    parent: str | None = None

    @property
    def label_en(self) -> str:
        """The English code; else the French code, or the English name if the code is a name."""
        is_name = " " in self.code and not is_acronym(self.code)
        return self.code_en or (self.name_en if is_name else self.code)

    @property
    def forms(self) -> tuple[str, ...]:
        """Every surface form of the entry: codes, names, aliases."""
        forms = (self.code, self.code_en, self.name_fr, self.name_en, *self.aliases)
        return tuple(dict.fromkeys(f for f in forms if f))


class Glossary:
    """Lookup, resolution and free-text matching over the glossary entries."""

    def __init__(self, entries: Iterable[Entry], source: str = "<glossary>") -> None:
        self.entries: dict[str, Entry] = {}
        self._index: dict[str, str] = {}
        for entry in entries:
            if entry.code in self.entries:
                raise GlossaryError(f"{source}: duplicate code {entry.code!r}")
            self.entries[entry.code] = entry
        for entry in self.entries.values():
            if entry.parent and entry.parent not in self.entries:
                raise GlossaryError(f"{source}: {entry.code!r} has unknown parent {entry.parent!r}")
            for form in entry.forms:
                owner = self._index.setdefault(_squash(fold(form)), entry.code)
                if owner != entry.code:
                    clash = f"{form!r} names both {owner!r} and {entry.code!r}"
                    raise GlossaryError(f"{source}: {clash}")
        self._matchers: dict[frozenset[str], PhraseMatcher] = {}

    @classmethod
    def load(cls, path: Path | str) -> Glossary:
        """Read a glossary JSON file: ``{"entries": [{"code": ..., ...}, ...]}``."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise GlossaryError(f"{path}: cannot read glossary: {exc}") from exc
        raw = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(raw, list):
            raise GlossaryError(f"{path}: expected an object with an 'entries' list")
        return cls((_entry(item, n, path) for n, item in enumerate(raw)), source=str(path))

    def get(self, code: str) -> Entry | None:
        """The entry of a canonical code."""
        return self.entries.get(code)

    def resolve(self, name: str) -> str | None:
        """Canonical code of any code, English code, name or alias (case/accent-insensitive)."""
        return self._index.get(_squash(fold(name)))

    def find(self, text: str, kinds: Iterable[str] | None = None) -> list[str]:
        """Canonical codes mentioned in ``text``, in order of first mention."""
        spans = self._matcher(frozenset(kinds or KINDS)).spans(text)
        return list(dict.fromkeys(code for _, _, code in spans))

    def unmentioned(self, text: str) -> str:
        """``text`` with every name, code and acronym of the glossary blanked out."""
        return blank_spans(text, self._matcher(frozenset(KINDS)).spans(text))

    def display(self, code: str, language: Language = "fr") -> str:
        """``"GRC (Gendarmerie royale du Canada)"`` / ``"RCMP (Royal Canadian Mounted Police)"``."""
        entry = self.get(code) or self.get(self.resolve(code) or "")
        if entry is None:
            return code
        if language == "en":
            label, name = entry.label_en, entry.name_en
        else:
            label, name = entry.code, entry.name_fr
        return name if fold(label) == fold(name) else f"{label} ({name})"

    def split_responsible(self, cell: str) -> list[str]:
        """Organisation codes of a *Responsable* cell, main one first.

        Greedy longest-match tokenisation: ``"SP GRC (en collaboration avec le GTTP)"`` gives
        ``["SP", "GRC"]`` (an unmatched parenthetical note is skipped as a whole) and
        ``"AMC et autres IRCC"`` gives ``["AMC", "IRCC"]`` (unknown words are skipped).
        """
        spans = self._matcher(frozenset({"organisation"})).spans(cell)
        starts = {start: (end, code) for start, end, code in spans}
        codes: list[str] = []
        pos = 0
        while pos < len(cell):
            if cell[pos].isspace():
                pos += 1
            elif pos in starts:
                pos, code = starts[pos]
                codes.append(code)
            elif cell[pos] == "(":
                close = cell.find(")", pos)
                pos = len(cell) if close < 0 else close + 1
            else:
                match = re.compile(r"\S+").match(cell, pos)
                pos = match.end() if match else pos + 1
        return list(dict.fromkeys(codes))

    def _matcher(self, kinds: frozenset[str]) -> PhraseMatcher:
        if kinds not in self._matchers:
            pairs = [(f, e.code) for e in self.entries.values() if e.kind in kinds for f in e.forms]
            self._matchers[kinds] = PhraseMatcher(pairs)
        return self._matchers[kinds]


def _entry(item: object, number: int, path: Path) -> Entry:
    """Validate one JSON entry."""
    where = f"{path}: entry {number}"
    if not isinstance(item, dict):
        raise GlossaryError(f"{where}: expected an object")
    missing = [k for k in _REQUIRED if not isinstance(item.get(k), str) or not item[k].strip()]
    if missing:
        fields = ", ".join(missing)
        raise GlossaryError(f"{where} ({item.get('code')!r}): missing field(s) {fields}")
    if item["kind"] not in KINDS:
        raise GlossaryError(f"{where} ({item['code']!r}): unknown kind {item['kind']!r}")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise GlossaryError(f"{where} ({item['code']!r}): 'aliases' must be a list of strings")
    return Entry(
        code=item["code"],
        kind=item["kind"],
        name_fr=item["name_fr"],
        name_en=item["name_en"],
        code_en=item.get("code_en") or "",
        aliases=tuple(aliases),
        note=item.get("note") or "",
        parent=item.get("parent"),
    )


def __getattr__(name: str) -> object:
    """Lazy re-export: ``from indexer.glossary import TermTranslator`` (it lives in terms.py)."""
    if name == "TermTranslator":
        from indexer.terms import TermTranslator

        return TermTranslator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
