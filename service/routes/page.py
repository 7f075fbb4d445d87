"""The search page: a question, its cited answer, and the search results with filters,
facet counts, more results, CSV export and citations. Rendered on the server; works
without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse

from service.deps import EngineDep, SettingsDep, SlotDep
from service.engine import Engine
from service.filtering import FACETS, UnknownFilterValue, facet_counts, resolve_all
from service.i18n import LANGUAGES, strings, t
from service.page.highlight import query_keys
from service.page.language import interface_language, switch_links
from service.page.views import AnswerView, Result, answer_view, facets_view, result_view
from service.page_assets import TEMPLATES
from service.query import query_language
from service.schemas import hit_to_passage
from service.search import Filters
from service.validation import InvalidInput, clean_user_text

router = APIRouter(tags=["page"], include_in_schema=False)

PAGE_STEP = 10  # results per "more results" step
ANSWER_CITATIONS = 5


@dataclass
class SearchView:
    question: str = ""
    answer: AnswerView | None = None
    results: list[Result] = field(default_factory=list)
    total: int = 0
    k: int = PAGE_STEP
    error: str | None = None
    bad_filters: list[UnknownFilterValue] = field(default_factory=list)


def _k(raw: str | None, max_k: int) -> int:
    """The number of results asked for; out of range or not a number: the first step."""
    try:
        k = int(raw or PAGE_STEP)
    except ValueError:
        return PAGE_STEP
    return k if 1 <= k <= max_k else PAGE_STEP


def _results(
    engine: Engine, view: SearchView, filters: Filters | None, max_k: int, language: str, base: str
) -> None:
    """Search (up to ``max_k`` results, of which ``view.k`` are shown) and answer."""
    query, hits = engine.searcher.batch_search([view.question], max_k, filters)[0]
    keys = query_keys([view.question, *query.expansions])
    titles = engine.titles
    passages = [hit_to_passage(h, titles, language) for h in hits]
    view.total = len(passages)
    view.results = [
        result_view(n, p, keys, language, base) for n, p in enumerate(passages[: view.k], 1)
    ]
    _, answer = engine.answerer.ask(view.question, ANSWER_CITATIONS)
    citations = [hit_to_passage(h, titles, language) for h in answer.citations]
    view.answer = answer_view(answer, citations, keys, language, base, query.language)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    _slot: SlotDep,
    q: Annotated[str | None, Query(description="question")] = None,
    lang: Annotated[str | None, Query(description="interface language: fr or en")] = None,
    k: Annotated[str | None, Query(description="results shown, 1 to 50")] = None,
    doc: str | None = None,
    org: str | None = None,
    task: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    text = q.strip() if q and q.strip() else ""
    limit = settings.service.max_question_chars
    try:
        question = clean_user_text(text, "q", limit) if text else ""
    except InvalidInput:
        question = ""
    detected = query_language(question, engine.index.terms) if question else None
    language = interface_language(lang, detected, accept_language)
    raw = {"doc": doc, "org": org, "task": task, "status": status, "kind": kind}
    filters, bad = resolve_all(engine, raw)
    view = SearchView(question=question or text, k=_k(k, settings.service.max_k), bad_filters=bad)
    if text and not question:
        n = len(text)
        view.error = t("page", "too_long", language, n=n, limit=limit) if n > limit else None
        view.error = view.error or t("page", "empty", language)
    elif question:
        _results(engine, view, filters, settings.service.max_k, language, str(request.base_url))
    counts = facet_counts(engine.index.passages, filters, engine.searcher.annex.status_of)
    kept = {name: getattr(filters, name) for name in FACETS} if filters else {}
    params = {"q": view.question, **{n: v for n, v in kept.items() if v}}
    if lang in LANGUAGES:
        params["lang"] = lang
    context = {
        "lang": language,
        "lang_chosen": lang in LANGUAGES,
        "t": strings("page")[language],
        "view": view,
        "facets": facets_view(engine, counts, filters, language),
        "filtered": bool(kept),
        "bad": [_bad_message(b, language) for b in bad],
        "links": _links(params, view, settings.service.max_k),
        "switch": switch_links("/", {**params, "k": str(view.k) if view.k != PAGE_STEP else ""}),
        "examples": [
            (e, "/?" + urlencode({"q": e}))
            for e in (t("page", f"example_{i}", language) for i in (1, 2, 3))
        ],
        "title": _title(view.question, language),
    }
    status_code = 422 if view.error or bad else 200
    return TEMPLATES.TemplateResponse(request, "index.html", context, status_code=status_code)


def _title(question: str, language: str) -> str:
    site = t("page", "site", language)
    return f"{question} — {site}" if question else site


def _bad_message(error: UnknownFilterValue, language: str) -> str:
    name = t("page", f"filter_{error.name}", language)
    return t("page", "bad_filter", language, name=name, value=error.value)


def _links(params: dict[str, str], view: SearchView, max_k: int) -> dict[str, str | None]:
    more_k = min(view.k + PAGE_STEP, max_k)
    more = view.total > view.k and view.k < max_k
    api = {k: v for k, v in params.items() if k != "lang"}
    return {
        "more": "/?" + urlencode({**params, "k": more_k}) + f"#r{view.k + 1}" if more else None,
        "csv": "/search.csv?" + urlencode({**api, "k": view.k}),
        "reset": "/?" + urlencode({k: v for k, v in params.items() if k in ("q", "lang")}),
    }
