"""``GET /tasks/view``: Annex A as an HTML table, filtered and sorted by query parameters
(so it works without JavaScript), each row linking to its passage in the document view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse

from service.deps import EngineDep
from service.filtering import Choices, UnknownFilterValue, resolve_all
from service.i18n import LANGUAGES, strings, t
from service.page.annex_table import ORDERS, SORTS, TableQuery, table_rows
from service.page.language import interface_language, switch_links
from service.page.views import Option, organisation_label
from service.page_assets import TEMPLATES

router = APIRouter(tags=["page"], include_in_schema=False)


@dataclass
class Column:
    key: str | None  # sort key, None when the column does not sort
    label: str
    href: str | None  # link that sorts by this column (toggling the order if current)
    sorted: str | None  # "ascending" | "descending" (aria-sort) when current


@router.get("/tasks/view", response_class=HTMLResponse)
def tasks_page(
    request: Request,
    engine: EngineDep,
    org: str | None = None,
    status: str | None = None,
    start: str | None = None,
    sort: str | None = None,
    order: str | None = None,
    lang: Annotated[str | None, Query(description="interface language: fr or en")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    language = interface_language(lang, None, accept_language)
    annex = engine.searcher.annex
    filters, bad = resolve_all(engine, {"org": org, "status": status})
    start = (start or "").strip() or None
    if start and start not in annex.starts:
        bad.append(UnknownFilterValue("start", start, annex.starts))
        start = None
    query = TableQuery(
        org=filters.org if filters else None,
        status=filters.status if filters else None,
        start=start,
        sort=sort if sort in SORTS else "task",
        order=order if order in ORDERS else "asc",
    )
    params = {"org": query.org, "status": query.status, "start": query.start}
    params = {k: v for k, v in params.items() if v}
    if lang in LANGUAGES:
        params["lang"] = lang
    rows = table_rows(annex, query)
    context: dict[str, Any] = {
        "lang": language,
        "lang_chosen": lang in LANGUAGES,
        "t": strings("page")[language],
        "title": t("page", "tasks_title", language),
        "switch": switch_links("/tasks/view", {**params, "sort": query.sort, "order": query.order}),
        "rows": rows,
        "total": len(annex.rows),
        "query": query,
        "columns": _columns(query, params, language),
        "controls": _controls(engine, annex, query, language),
        "org_label": lambda code: organisation_label(engine, code, language),
        "org_code": lambda code: _code(engine, code, language),
        "status_label": lambda key: t("statuses", key, language) if key else "",
        "bad": [
            t(
                "page",
                "bad_filter",
                language,
                name=t("page", f"filter_{b.name}", language),
                value=b.value,
            )
            for b in bad
        ],
    }
    return TEMPLATES.TemplateResponse(
        request, "tasks.html", context, status_code=422 if bad else 200
    )


def _code(engine, code: str, language: str) -> str:
    entry = engine.index.glossary.get(code)
    return entry.label_en if entry and language == "en" else code


def _columns(query: TableQuery, params: dict[str, str], language: str) -> list[Column]:
    columns = []
    for key, label in (
        ("task", "col_task"),
        (None, "col_deliverable"),
        ("start", "col_start"),
        ("status", "col_status"),
        ("org", "col_orgs"),
    ):
        current = key == query.sort
        order = "desc" if current and query.order == "asc" else "asc"
        href = "/tasks/view?" + urlencode({**params, "sort": key, "order": order}) if key else None
        sorted_ = ("ascending" if query.order == "asc" else "descending") if current else None
        columns.append(Column(key, t("page", label, language), href, sorted_))
    return columns


def _controls(engine, annex, query: TableQuery, language: str) -> list[tuple[str, str, list]]:
    """(parameter, label, options) of the three filter controls."""
    orgs = Choices.of(engine).org
    used = set(annex.organisations)
    org_options = [
        Option(o, organisation_label(engine, o, language), 0, o == query.org)
        for o in orgs
        if o in used
    ]
    statuses = [Option(s, t("statuses", s, language), 0, s == query.status) for s in annex.statuses]
    starts = [Option(s, s, 0, s == query.start) for s in annex.starts]
    return [
        ("org", t("page", "filter_org", language), org_options),
        ("status", t("page", "filter_status", language), statuses),
        ("start", t("page", "filter_start", language), starts),
    ]
