"""The reader view of a document: every passage in reading order under its section heading,
each with an id so that ``#passage-id`` opens it highlighted."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse

from indexer.models import Passage as PassageRecord
from service.deps import EngineDep
from service.i18n import strings
from service.page.language import interface_language, switch_links
from service.page.views import line_span
from service.page_assets import TEMPLATES

router = APIRouter(tags=["page"], include_in_schema=False)


@dataclass
class Block:
    """One section heading with the passages under it."""

    key: str
    heading: str
    breadcrumb: str
    level: int
    passages: list[PassageRecord] = field(default_factory=list)


def _ancestors(key: str, by_key: dict[str, dict[str, Any]]) -> list[str]:
    """Labels of the sections above ``key``, outermost first."""
    labels: list[str] = []
    parent = by_key[key].get("parent") if key in by_key else None
    while parent in by_key and len(labels) < 10:
        labels.insert(0, by_key[parent].get("label") or by_key[parent].get("title", ""))
        parent = by_key[parent].get("parent")
    return labels


def _block(passage: PassageRecord, by_key: dict[str, dict[str, Any]]) -> Block:
    section = by_key.get(passage.section_key)
    if section is None:  # not in the section tree: fall back on the passage's breadcrumb
        path = passage.section_path[:-1] if passage.kind == "footnote" else passage.section_path
        heading, crumbs, level = (path[-1] if path else ""), path[:-1], len(path) or 1
    else:
        heading = section.get("label") or section.get("title", "")
        crumbs, level = _ancestors(passage.section_key, by_key), int(section.get("level", 1))
    return Block(passage.section_key, heading, " › ".join(crumbs), min(max(level, 1), 4))


def document_blocks(passages: Iterable[PassageRecord], sections: list[dict]) -> list[Block]:
    """Consecutive passages of the same section grouped under that section's heading."""
    by_key = {s["key"]: s for s in sections}
    blocks: list[Block] = []
    for passage in passages:
        if not blocks or blocks[-1].key != passage.section_key:
            blocks.append(_block(passage, by_key))
        blocks[-1].passages.append(passage)
    return blocks


@router.get("/documents/{doc_id}/view", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: str,
    engine: EngineDep,
    lang: Annotated[str | None, Query(description="interface language: fr or en")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    language = interface_language(lang, None, accept_language)
    t = strings("page")[language]
    path = f"/documents/{quote(doc_id, safe='')}/view"
    context: dict[str, Any] = {"lang": language, "t": t, "switch": switch_links(path, {})}
    document = engine.index.document_map.get(doc_id)
    if document is None:
        context |= {"title": t["not_found_doc"], "doc_id": doc_id}
        return TEMPLATES.TemplateResponse(request, "not_found.html", context, status_code=404)
    # Reading order is source-line order: the index lists a document's footnotes after its
    # text; the sort is stable, so passages split from one line keep their order.
    passages = sorted((p for p in engine.index.passages if p.doc_id == doc_id), key=_line)
    context |= {
        "title": document["title"],
        "document": document,
        "source_url": _web_url(document.get("url")),
        "blocks": document_blocks(passages, document.get("sections", [])),
        "lines": lambda p: line_span(p.line_start, p.line_end, language),
    }
    return TEMPLATES.TemplateResponse(request, "document.html", context)


def _line(passage: PassageRecord) -> int:
    return passage.line_start


def _web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address (never ``javascript:`` and the like)."""
    return url if url and re.match(r"https?://", url, re.IGNORECASE) else None
