"""Answer text: the short answer in the question's language (numbers with the language's
separators, dates with translated months, organisations through the glossary, places), then
the quote with its citation marker, from the templates of ``service/i18n/answers.json``."""

from __future__ import annotations

from indexer.lexicon import Glossary
from service.answers.spans import Span, places
from service.i18n import strings, t

MONTHS_EN = (
    "January February March April May June July August September October November December"
).split()
MAX_QUOTE = 600  # characters of a quoted sentence; a longer one is cut around the span


def number(value: float, language: str) -> str:
    """``1200.0`` -> ``1 200`` (fr) / ``1,200`` (en); ``3.5`` -> ``3,5`` / ``3.5``."""
    whole = value == int(value)
    text = f"{int(value):,}" if whole else f"{value:,.2f}".rstrip("0")
    if language == "fr":
        text = text.replace(",", " ").replace(".", ",")
    return text


def short_answer(span: Span, language: str, glossary: Glossary) -> str:
    """The span as a short answer in ``language``."""
    if span.kind == "number":
        return _number_span(span, language)
    if span.kind == "date":
        return _date(span, language)
    if span.kind == "organisation":
        # "GRC" in French; "RCMP (GRC)" in English (the code the reports use in brackets)
        return glossary.display(str(span.value), "en" if language == "en" else "fr", "short")
    if span.kind == "place" and language == "en":
        return places().get(str(span.value), span.text)
    return span.text


def _number_span(span: Span, language: str) -> str:
    amount = number(float(span.value), language)
    units = span.unit.split()
    scale = next((u for u in units if u in ("million", "milliard", "mille")), "")
    if scale:
        word = {"million": ("millions", "million"), "milliard": ("milliards", "billion")}
        fr, en = word.get(scale, ("mille", "thousand"))
        amount += f" {en if language == 'en' else (fr if float(span.value) >= 2 else scale)}"
    if "%" in units:
        amount += " %" if language == "fr" else "%"
    if "$" in units:
        amount = f"${amount}" if language == "en" else f"{amount} $"
    return amount


def _date(span: Span, language: str) -> str:
    day, month, year = span.value
    if language != "en" or not month:
        return span.text if language != "en" else str(year)
    name = MONTHS_EN[month - 1]
    return f"{name} {day}, {year}" if day else f"{name} {year}"


def status(value: str | None, language: str) -> str:
    """An Annex A status in ``language``: ``Terminé (septembre 2014)`` -> ``Completed
    (Terminé, September 2014)``."""
    if not value:
        return t("answers", "unknown_status", language)
    if language != "en":
        return value
    head, _, rest = value.partition("(")
    english = strings("statuses")["en"].get(head.strip())
    if english is None:
        return value
    for n, month in enumerate(
        (
            "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
        ).split()
    ):
        rest = rest.replace(month, MONTHS_EN[n])
    detail = f", {rest.rstrip(') ').strip()}" if rest else ""
    return f"{english} ({head.strip()}{detail})"


def quote(text: str, span: Span | None = None) -> str:
    """``text`` shortened to ``MAX_QUOTE`` characters around ``span`` (offsets in ``text``)."""
    text = " ".join(text.split())
    if len(text) <= MAX_QUOTE:
        return text
    centre = (span.start + span.end) // 2 if span else 0
    start = max(0, min(centre - MAX_QUOTE // 2, len(text) - MAX_QUOTE))
    piece = text[start : start + MAX_QUOTE]
    if start:
        piece = "…" + piece.split(" ", 1)[-1]
    if start + MAX_QUOTE < len(text):
        piece = piece.rsplit(" ", 1)[0] + "…"
    return piece


def marker(n: int) -> str:
    return f"[{n}]"


def answer_text(
    language: str, quoted: str, n: int, short: str | None = None, keyword: bool = False
) -> str:
    """``34 — « En 2014, 34 permis… » [1]``; without a short answer, the quote alone."""
    if short:
        return t("answers", "short_quote", language, short=short, quote=quoted, marker=marker(n))
    key = "snippet" if keyword else "quote"
    return t("answers", key, language, quote=quoted, marker=marker(n))
