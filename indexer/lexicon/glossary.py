"""Bilingual glossary of the organisations, programs and acronyms of the corpus.

The data lives in ``corpus/glossary.json``. :class:`Glossary` resolves any surface form
(French or English code, name or alias) to a canonical code, finds the codes mentioned in
free text (see :mod:`indexer.lexicon.matcher` for the matching rules), writes an
organisation's name in a language and splits the *Responsable* cells of the Annex A table
into codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from indexer.lexicon.errors import GlossaryError
from indexer.lexicon.files import json_list
from indexer.lexicon.matcher import PhraseMatcher, blank_spans, is_acronym, squash
from indexer.text import fold

KINDS = frozenset({"organisation", "program", "term"})
_REQUIRED = ("code", "kind", "name_fr", "name_en")

Language = Literal["fr", "en", "fr+en"]
Form = Literal["label", "short", "name", "answer"]


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
                owner = self._index.setdefault(squash(fold(form)), entry.code)
                if owner != entry.code:
                    clash = f"{form!r} names both {owner!r} and {entry.code!r}"
                    raise GlossaryError(f"{source}: {clash}")
        self._matchers: dict[frozenset[str], PhraseMatcher] = {}

    @classmethod
    def load(cls, path: Path | str) -> Glossary:
        """Read a glossary JSON file: ``{"entries": [{"code": ..., ...}, ...]}``."""
        path = Path(path)
        raw = json_list(path, "entries")
        return cls((_entry(item, n, path) for n, item in enumerate(raw)), source=str(path))

    def get(self, code: str) -> Entry | None:
        """The entry of a canonical code."""
        return self.entries.get(code)

    def resolve(self, name: str) -> str | None:
        """Canonical code of any code, English code, name or alias (case/accent-insensitive)."""
        return self._index.get(squash(fold(name)))

    def find(self, text: str, kinds: Iterable[str] | None = None) -> list[str]:
        """Canonical codes mentioned in ``text``, in order of first mention."""
        spans = self._matcher(frozenset(kinds or KINDS)).spans(text)
        return list(dict.fromkeys(code for _, _, code in spans))

    def unmentioned(self, text: str) -> str:
        """``text`` with every name, code and acronym of the glossary blanked out."""
        return blank_spans(text, self._matcher(frozenset(KINDS)).spans(text))

    def display(self, code: str, language: Language = "fr", form: Form = "label") -> str:
        """How an organisation (any code or name of it) is written for a reader of ``language``.

        ``form`` ``"label"``: ``GRC (Gendarmerie royale du Canada)``, in English ``RCMP (Royal
        Canadian Mounted Police)``; ``"fr+en"`` (the indexed text of task passages): ``GRC
        (Gendarmerie royale du Canada / Royal Canadian Mounted Police, RCMP)``. ``"short"``:
        ``GRC``, in English ``RCMP (GRC)``. ``"name"`` (filters, task table): ``Gendarmerie
        royale du Canada (GRC / RCMP)``, in English ``Royal Canadian Mounted Police (RCMP /
        GRC)``. ``"answer"`` (answers quoting French records): the label in French, in English
        ``RCMP (Royal Canadian Mounted Police; GRC in French)``. A code that is itself a name
        is the name alone; an unknown code is returned as it is.
        """
        entry = self.get(code) or self.get(self.resolve(code) or "")
        if entry is None:
            return code
        english = language == "en"
        if language == "fr+en":
            names = f"{entry.name_en}, {entry.code_en}" if entry.code_en else entry.name_en
            return f"{entry.code} ({entry.name_fr} / {names})"
        label, name = (entry.label_en, entry.name_en) if english else (entry.code, entry.name_fr)
        if form == "short":
            return label if fold(label) == fold(entry.code) else f"{label} ({entry.code})"
        if form == "name":
            codes = dict.fromkeys([label, entry.label_en if not english else entry.code])
            return f"{name} ({' / '.join(codes)})"
        if form == "answer" and english:
            in_french = f"; {entry.code} in French" if label != entry.code else ""
            return f"{label} ({name}{in_french})"
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
