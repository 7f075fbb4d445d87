"""What the search page shows, built from API records: results, the answer, filter controls."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup

from service.answers import Answer
from service.engine import Engine
from service.filtering import FACETS, Choices
from service.i18n import t
from service.page.highlight import CITATION, excerpt, highlight_span, link_citations
from service.schemas import Passage
from service.search import Filters

SOURCE_CHARS = 360  # how much of a source passage the answer shows around its span


@dataclass
class Result:
    rank: int
    id: str
    title: str
    section: str
    text: Markup
    lines: str
    file: str
    url: str
    kind: str
    citation: str  # title, section, file and lines, URL: what "Copy citation" copies


@dataclass
class AnswerView:
    text: Markup
    answered: bool
    language: str
    short: str | None = None
    confidence: float | None = None
    sources: list[Result] = field(default_factory=list)


@dataclass
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str  # the query parameter
    label: str
    options: list[Option]


def line_span(start: int, end: int, language: str) -> str:
    """The source line span as shown: ``lignes 120–123``, or ``ligne 120`` for one line."""
    if start == end:
        return f"{t('page', 'line', language)} {start}"
    return f"{t('page', 'lines', language)} {start}–{end}"


def result_view(
    rank: int,
    passage: Passage,
    keys: frozenset[str],
    language: str,
    base_url: str,
    span: tuple[int, int] | None = None,
    window: tuple[int, int] | None = None,
) -> Result:
    """A passage as listed; ``window`` (start, end) shows only that part of its text."""
    source = passage.source
    lines = line_span(source.line_start, source.line_end, language)
    url = base_url.rstrip("/") + passage.url
    return Result(
        rank=rank,
        id=passage.id,
        title=passage.doc_title,
        section=passage.section,
        text=(
            excerpt(passage.text, keys, span, window)
            if window
            else highlight_span(passage.text, keys, span)
        ),
        lines=lines,
        file=source.file,
        url=passage.url,
        kind=passage.kind,
        citation=f"{passage.doc_title}. {passage.section}. {source.file}, {lines}. {url}",
    )


def answer_view(
    answer: Answer,
    citations: list[Passage],
    keys: frozenset[str],
    language: str,
    base_url: str,
    answer_language: str,
) -> AnswerView:
    """The answer (in ``answer_language``) with its ``[n]`` markers linked to its sources
    ``#c{n}``. The answer span (``answer.span``: citation number and character
    offsets, when the answerer gives one) is marked inside its cited passage."""
    cited, span, sentence = _span(answer.span)
    markers = {int(n) for n in CITATION.findall(answer.text)}
    sources = []
    for n, passage in enumerate(citations, start=1):
        if n not in markers:
            continue
        marked = span if n == cited else None
        window = _window(marked, sentence if n == cited else None)
        sources.append(result_view(n, passage, keys, language, base_url, marked, window))
    return AnswerView(
        text=link_citations(answer.text, len(citations)),
        answered=answer.answered,
        language=answer_language,
        short=answer.short_answer,
        confidence=answer.confidence if answer.answered else None,
        sources=sources,
    )


def facets_view(
    engine: Engine, counts: dict[str, Counter[str]], filters: Filters | None, language: str
) -> list[Facet]:
    """One control per filter, every value of the index with how many results it gives."""
    choices = Choices.of(engine)
    facets = []
    for name in FACETS:
        chosen = getattr(filters, name) if filters else None
        options = [
            Option(
                value,
                option_label(engine, name, value, language),
                counts[name][value],
                value == chosen,
            )
            for value in getattr(choices, name)
        ]
        facets.append(Facet(name, t("page", f"filter_{name}", language), options))
    return facets


def option_label(engine: Engine, name: str, value: str, language: str) -> str:
    """A filter value as the interface shows it: names in ``language``; organisation codes
    in both languages ("Gendarmerie royale du Canada (GRC / RCMP)")."""
    if name == "org":
        return organisation_label(engine, value, language)
    if name == "doc":
        document = engine.index.document_map.get(value, {})
        title = document.get("title_en") if language == "en" else None
        return title or document.get("title", value)
    if name == "task":
        return t("page", "task_label", language, id=value)
    if name == "status":
        return t("statuses", value, language)
    return t("page", f"{name}_{value}", language)


def organisation_label(engine: Engine, code: str, language: str) -> str:
    """The name, then the codes: ``Gendarmerie royale du Canada (GRC / RCMP)``."""
    return engine.index.glossary.display(code, "en" if language == "en" else "fr", "name")


Span = tuple[int, int]


def _window(span: Span | None, sentence: Span | None) -> Span:
    """The part of a source passage shown under the answer: the quoted sentence(s), else
    some text around the span, else the beginning."""
    if sentence and span and sentence[0] <= span[0] and span[1] <= sentence[1]:
        return sentence
    if span:
        return max(0, span[0] - SOURCE_CHARS // 2), span[1] + SOURCE_CHARS // 2
    return 0, SOURCE_CHARS


def _span(span: object) -> tuple[int | None, Span | None, Span | None]:
    """(citation number, (start, end), (sentence start, sentence end)) of an answer span
    given as a mapping or a record."""
    if span is None:
        return None, None, None

    def get(name: str) -> object:
        return span.get(name) if isinstance(span, dict) else getattr(span, name, None)

    cited, start, end = get("citation"), get("start"), get("end")
    if not all(isinstance(v, int) for v in (cited, start, end)):
        return None, None, None
    first, last = get("sentence_start"), get("sentence_end")
    sentence = (first, last) if isinstance(first, int) and isinstance(last, int) else None
    return cited, (start, end), sentence
