"""Typed spans of French report text: numbers with their units, dates, names, organisations
of the glossary and places. Each span keeps its character offsets in the text it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from indexer.lexicon import Glossary, PhraseMatcher
from indexer.resources import package_json
from indexer.text import fold

MONTHS_FR = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
UNITS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16,
}  # fmt: skip
TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
APPROX = {"dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
          "quarantaine": 40, "cinquantaine": 50, "centaine": 100}  # fmt: skip
SCALE = r"(?:\s+(?:de\s+)?(?P<scale>millions?|milliards?|mille))?"
CURRENCY = r"(?:\s*(?:de\s+)?(?P<unit>\$|dollars|pour cent|%))?"
DIGITS = re.compile(
    r"(?<![\w.,/-])(?P<prefix>\$\s?)?(?P<num>\d{1,3}(?:[  ]\d{3})+|\d+)(?:,(?P<dec>\d+))?"
    + SCALE
    + CURRENCY
    + r"(?![\w/])"
)
_WORD_NUMBER = "|".join(sorted([*UNITS, *TENS, "cent", "mille"], key=len, reverse=True))
WORDS = re.compile(
    rf"(?<![\w-])(?P<num>(?:{_WORD_NUMBER})(?:-(?:et-)?(?:{_WORD_NUMBER}))*|"
    rf"(?:une\s+)?(?:{'|'.join(APPROX)})s?)" + SCALE + CURRENCY + r"(?![\w-])",
    re.IGNORECASE,
)
DATE = re.compile(
    rf"(?<!\w)(?:(?P<day>\d{{1,2}})(?:er)?\s+)?(?P<month>{'|'.join(MONTHS_FR)})\s+(?P<year>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
YEARS = re.compile(r"(?<![\w-])(?:19|20)\d\d(?:-(?:19|20)?\d\d)?(?![\w-])")
NAME = re.compile(
    r"(?<![\w'])(?:[A-ZÀ-Ý][a-zà-ÿ]+(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?)(?:\s+(?:[A-ZÀ-Ý][a-zà-ÿ]+"
    r"(?:-[A-ZÀ-Ý][a-zà-ÿ]+)?|[A-Z]{2,}))+"
)

HONORIFIC = re.compile(r"(?:Mme|Mlle|Monsieur|Madame|Docteur|Dr|Me)\s+")


@dataclass(frozen=True)
class Span:
    """A typed piece of ``text[start:end]``; ``value`` is its normalised form: a number
    (float), a date ``(day or 0, month 1-12 or 0, "2014" or "2012-2013")``, or a code/name."""

    kind: str  # "number" | "date" | "person" | "organisation" | "place"
    text: str
    start: int
    end: int
    value: object
    unit: str = ""  # numbers: "$", "%", "millions", "$ millions"…


@cache
def places() -> dict[str, str]:
    """French place name -> English."""
    return package_json("service", "data/places.json")["places"]


@cache
def _place_matcher() -> PhraseMatcher:
    return PhraseMatcher(((name, name) for name in places()), exact=True)


def _word_value(words: str) -> float | None:
    """``vingt-six`` -> 26, ``trentaine`` -> 30; None when not a number word."""
    folded = fold(words).removeprefix("une ").rstrip("s") if words else ""
    if folded in APPROX:
        return float(APPROX[folded])
    total = 0
    for part in fold(words).split("-"):
        if part == "et":
            continue
        if part in UNITS:
            total += UNITS[part]
        elif part in TENS:
            total += TENS[part]
        elif part == "cent":
            total = max(total, 1) * 100
        elif part == "mille":
            total = max(total, 1) * 1000
        else:
            return None
    return float(total) if total else None


def _unit(match: re.Match[str]) -> str:
    scale = fold(match.group("scale") or "")
    currency = (
        "$" if (match.groupdict().get("prefix") or match.group("unit") in ("$", "dollars")) else ""
    )
    percent = "%" if match.group("unit") in ("%", "pour cent") else ""
    return " ".join(p for p in (currency, percent, scale.rstrip("s")) if p)


def numbers(text: str) -> list[Span]:
    """Numbers with their scale and unit: ``1 200 dollars``, ``3,5 millions``, ``vingt-six``;
    years and days of dates are left to ``dates``."""
    found = []
    taken = [(s.start, s.end) for s in dates(text)]
    for match in DIGITS.finditer(text):
        if any(a <= match.start() < b for a, b in taken) or YEARS.fullmatch(match.group("num")):
            continue
        raw = re.sub(r"[  ]", "", match.group("num"))
        value = float(f"{raw}.{match.group('dec')}" if match.group("dec") else raw)
        found.append(
            Span("number", match.group(0).strip(), match.start(), match.end(), value, _unit(match))
        )
    for match in WORDS.finditer(text):
        value = _word_value(match.group("num"))
        lower = match.group("num").lower()
        if value is None or lower in ("un", "une") and not match.group("scale"):
            continue  # "un"/"une" are mostly articles
        found.append(
            Span("number", match.group(0).strip(), match.start(), match.end(), value, _unit(match))
        )
    return sorted(found, key=lambda s: s.start)


def dates(text: str) -> list[Span]:
    """``1er décembre 2015``, ``avril 2014``, and years or fiscal years ``2012-2013``."""
    found = []
    for match in DATE.finditer(text):
        month = MONTHS_FR.index(match.group("month").lower()) + 1
        day = int(match.group("day") or 0)
        found.append(
            Span(
                "date",
                match.group(0),
                match.start(),
                match.end(),
                (day, month, match.group("year")),
            )
        )
    for match in YEARS.finditer(text):
        if not any(s.start <= match.start() < s.end for s in found):
            found.append(
                Span("date", match.group(0), match.start(), match.end(), (0, 0, match.group(0)))
            )
    return sorted(found, key=lambda s: s.start)


def organisations(text: str, glossary: Glossary) -> list[Span]:
    """Organisations and programmes of the glossary named in ``text`` (codes or names)."""
    return [
        Span("organisation", text[a:b], a, b, code)
        for a, b, code in _org_matcher(glossary).spans(text)
    ]


_MATCHERS: dict[int, PhraseMatcher] = {}


def _org_matcher(glossary: Glossary) -> PhraseMatcher:
    key = id(glossary)
    if key not in _MATCHERS:
        _MATCHERS[key] = PhraseMatcher(
            (form, entry.code)
            for entry in glossary.entries.values()
            if entry.kind in ("organisation", "program")
            for form in entry.forms
        )
    return _MATCHERS[key]


def place_spans(text: str) -> list[Span]:
    return [Span("place", text[a:b], a, b, name) for a, b, name in _place_matcher().spans(text)]


@cache
def _any_place_matcher() -> PhraseMatcher:
    forms = [(fr, fr) for fr in places()] + [(en, fr) for fr, en in places().items()]
    return PhraseMatcher(forms, exact=True)


def places_named(text: str) -> frozenset[str]:
    """The places ``text`` names in French or English, by their French name."""
    return frozenset(value for _, _, value in _any_place_matcher().spans(text))


def names(text: str, exclude: list[Span], common: frozenset[str] = frozenset()) -> list[Span]:
    """Runs of capitalised words (``Kim Pate``, ``Diane Redsky``) outside other spans and not
    starting a sentence with a common word."""
    found = []
    for match in NAME.finditer(text):
        if any(s.start < match.end() and match.start() < s.end for s in exclude):
            continue
        title = HONORIFIC.match(match.group(0))
        start = match.start() + (title.end() if title else 0)
        words = text[start : match.end()].split()
        if len(words) > 1 and not any(w.lower() in common for w in words):
            found.append(
                Span(
                    "person",
                    text[start : match.end()],
                    start,
                    match.end(),
                    text[start : match.end()],
                )
            )
    return found


def find_spans(
    text: str, kind: str, glossary: Glossary, common: frozenset[str] = frozenset()
) -> list[Span]:
    """The spans of ``kind`` in ``text`` (an answer type of ``types.expected_type``; a list or
    description has none). ``common``: words the corpus writes in lower case, which a
    person's name does not contain ("Human Trafficking" is a title, not a name)."""
    if kind == "number":
        return numbers(text)
    if kind == "date":
        return dates(text)
    if kind == "organisation":
        return organisations(text, glossary)
    if kind == "place":
        return place_spans(text)
    if kind == "person":
        known = organisations(text, glossary) + place_spans(text) + dates(text)
        return names(text, known, common)
    return []
