"""The web page: a search box with a cited answer, and a reader view of each document.

Everything is rendered on the server and works without JavaScript. Corpus and user text
is always escaped; the only markup added to it is ``<mark>`` around query words and links
on citation markers, both built from escaped text with ``markupsafe``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from indexer.models import Passage as PassageRecord
from indexer.text import detect_language, fold, stem, stopwords
from service.deps import EngineDep, SettingsDep, SlotDep
from service.engine import Engine
from service.page_assets import TEMPLATES
from service.schemas import hit_to_passage
from service.search import Hit
from service.validation import InvalidInput, clean_user_text

router = APIRouter(tags=["page"], include_in_schema=False)

LANGUAGES = ("fr", "en")
RESULTS = 10
WORD = re.compile(r"\d+(?:[.,-]\d+)*|[^\W\d_]+")
CITATION = re.compile(r"\[(\d+)\]")
MIN_WORD = 3

UI: dict[str, dict[str, str]] = {
    "fr": {
        "site": "Traite de personnes — recherche dans les rapports",
        "tagline": "Posez une question en français ou en anglais sur deux rapports de "
        "Sécurité publique Canada.",
        "label": "Votre question",
        "placeholder": "Ex. : Qui est responsable de la tâche 2.13 ?",
        "button": "Rechercher",
        "answer": "Réponse",
        "not_found": "Aucune réponse trouvée",
        "results": "Passages cités",
        "closest": "Passages les plus proches",
        "lines": "lignes",
        "line": "ligne",
        "colon": "\u00a0:",
        "open": "Lire dans le document",
        "source": "Source",
        "error": "Impossible de traiter la question",
        "too_long": "La question compte {n} caractères ; la limite est de {limit}.",
        "empty": "Saisissez une question.",
        "examples": "Exemples de questions",
        "switch": "Langue de l'interface",
        "home": "Nouvelle recherche",
        "publisher": "Éditeur",
        "year": "Année",
        "original": "Document original",
        "contents": "Table des matières",
        "not_found_doc": "Document introuvable",
        "unknown_doc": "Aucun document ne porte l'identifiant « {doc_id} ».",
        "count": "{n} passages",
        "footer": "Réponses extraites des rapports, avec citations vérifiables.",
    },
    "en": {
        "site": "Human trafficking — search the reports",
        "tagline": "Ask a question in English or French about two Public Safety Canada "
        "reports (written in French).",
        "label": "Your question",
        "placeholder": "E.g. Who is responsible for task 2.13?",
        "button": "Search",
        "answer": "Answer",
        "not_found": "No answer found",
        "results": "Cited passages",
        "closest": "Closest passages",
        "lines": "lines",
        "line": "line",
        "colon": ":",
        "open": "Read in the document",
        "source": "Source",
        "error": "The question cannot be processed",
        "too_long": "The question is {n} characters long; the limit is {limit}.",
        "empty": "Please type a question.",
        "examples": "Example questions",
        "switch": "Interface language",
        "home": "New search",
        "publisher": "Publisher",
        "year": "Year",
        "original": "Original document",
        "contents": "Contents",
        "not_found_doc": "Document not found",
        "unknown_doc": "No document has the id “{doc_id}”.",
        "count": "{n} passages",
        "footer": "Answers are quoted from the reports, with verifiable citations.",
    },
}

EXAMPLES = {
    "fr": [
        "Qui est responsable de la tâche 2.13 ?",
        "Combien de permis de séjour temporaire ont été délivrés aux victimes en 2014 ?",
        "Quelles tâches sont en suspens ?",
    ],
    "en": [
        "Who is responsible for task 2.13?",
        "How many temporary resident permits were issued to victims in 2014?",
        "Which tasks is the RCMP responsible for?",
    ],
}


# --- language ------------------------------------------------------------------------------


def interface_language(lang: str | None, text: str | None, accept_language: str | None) -> str:
    """The ``lang`` parameter, else the language of the question, else the browser's, else fr."""
    if lang in LANGUAGES:
        return lang
    if text:
        return detect_language(text)
    return _preferred(accept_language or "")


def _preferred(header: str) -> str:
    """The first of fr/en by quality in an ``Accept-Language`` header; fr when neither."""
    best, best_q = "fr", 0.0
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = _quality(params)
        if quality > best_q:
            best, best_q = primary, quality
    return best


def _quality(params: str) -> float:
    match = re.search(r"q\s*=\s*([0-9.]+)", params)
    try:
        return float(match.group(1)) if match else 1.0
    except ValueError:
        return 0.0


def switch_links(text: str | None) -> dict[str, str]:
    """``/?q=…&lang=xx`` for each interface language, keeping the question."""
    links = {}
    for code in LANGUAGES:
        params = {"q": text, "lang": code} if text else {"lang": code}
        links[code] = "/?" + urlencode(params)
    return links


# --- highlighting --------------------------------------------------------------------------


def _key(word: str) -> str:
    folded = fold(word)
    return folded if folded[0].isdigit() else stem(folded)


def query_keys(texts: Iterable[str]) -> frozenset[str]:
    """Match keys (folded, stemmed) of the words worth highlighting in ``texts``."""
    words = (w for text in texts for w in WORD.findall(text))
    return frozenset(_key(w) for w in words if len(w) >= MIN_WORD and fold(w) not in stopwords())


def highlight(text: str, keys: frozenset[str]) -> Markup:
    """``text`` escaped, with every word whose key is in ``keys`` wrapped in ``<mark>``."""
    parts: list[Markup] = []
    position = 0
    for match in WORD.finditer(text):
        word = match.group()
        if len(word) < MIN_WORD or _key(word) not in keys:
            continue
        parts.append(escape(text[position : match.start()]))
        parts.append(Markup("<mark>{}</mark>").format(word))
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def link_citations(text: str, count: int) -> Markup:
    """``text`` escaped, with markers ``[n]`` (1 ≤ n ≤ count) linked to result ``#rn``."""

    def link(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= count:
            return match.group()
        return f'<a class="cite" href="#r{n}" aria-label="passage {n}">[{n}]</a>'

    return Markup(CITATION.sub(link, str(escape(text))))


def line_span(start: int, end: int, t: dict[str, str]) -> str:
    """The source line span as shown: ``lignes 120–123``, or ``ligne 120`` for one line."""
    return f"{t['line']} {start}" if start == end else f"{t['lines']} {start}–{end}"


# --- search page ---------------------------------------------------------------------------


@dataclass
class Result:
    rank: int
    title: str
    section: str
    text: Markup
    lines: str
    file: str
    url: str
    kind: str


@dataclass
class SearchView:
    question: str = ""
    language: str = "fr"
    answer: Markup | None = None
    answered: bool = False
    results: list[Result] = field(default_factory=list)
    error: str | None = None


def _result(
    rank: int, hit: Hit, titles: dict[str, str], keys: frozenset[str], language: str
) -> Result:
    passage = hit_to_passage(hit, titles, language)
    source = passage.source
    return Result(
        rank=rank,
        title=passage.doc_title,
        section=passage.section,
        text=highlight(passage.text, keys),
        lines=line_span(source.line_start, source.line_end, UI[language]),
        file=source.file,
        url=passage.url,
        kind=passage.kind,
    )


def _answer_view(engine: Engine, question: str, language: str) -> SearchView:
    """Answer ``question``; result links open documents in the interface ``language``."""
    query, answer = engine.answerer.ask(question, RESULTS)
    keys = query_keys([question, *query.expansions])
    titles = engine.titles
    results = [
        _result(n, h, titles, keys, language) for n, h in enumerate(answer.citations, start=1)
    ]
    return SearchView(
        question=question,
        language=query.language,
        answer=link_citations(answer.text, len(results)),
        answered=answer.answered,
        results=results,
    )


def _search(engine: Engine, q: str, limit: int, language: str) -> SearchView:
    """Validate ``q`` and answer it; a problem with the input becomes ``view.error``."""
    t = UI[language]
    try:
        question = clean_user_text(q, "q", limit)
    except InvalidInput:
        length = len(q.strip())
        error = t["too_long"].format(n=length, limit=limit) if length > limit else t["empty"]
        return SearchView(question=q, error=error)
    return _answer_view(engine, question, language)


@router.get("/", response_class=HTMLResponse)
def search_page(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    _slot: SlotDep,
    q: Annotated[str | None, Query(description="question")] = None,
    lang: Annotated[str | None, Query(description="interface language: fr or en")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    text = q if q and q.strip() else None
    language = interface_language(lang, text, accept_language)
    t = UI[language]
    view = _search(engine, text, settings.max_question_chars, language) if text else SearchView()
    context = {
        "lang": language,
        "lang_chosen": lang in LANGUAGES,
        "t": t,
        "view": view,
        "switch": switch_links(text),
        "examples": [(e, "/?" + urlencode({"q": e})) for e in EXAMPLES[language]],
        "title": f"{text} — {t['site']}" if text else t["site"],
    }
    status = 422 if view.error else 200
    return TEMPLATES.TemplateResponse(request, "index.html", context, status_code=status)


# --- document view -------------------------------------------------------------------------


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


def _document(engine: Engine, doc_id: str) -> dict[str, Any] | None:
    return engine.index.document_map.get(doc_id)


@router.get("/documents/{doc_id}/view", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: str,
    engine: EngineDep,
    lang: Annotated[str | None, Query(description="interface language: fr or en")] = None,
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    language = interface_language(lang, None, accept_language)
    t = UI[language]
    context: dict[str, Any] = {"lang": language, "t": t, "switch": _doc_switch(doc_id)}
    document = _document(engine, doc_id)
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
        "line_span": line_span,
    }
    return TEMPLATES.TemplateResponse(request, "document.html", context)


def _line(passage: PassageRecord) -> int:
    return passage.line_start


def _doc_switch(doc_id: str) -> dict[str, str]:
    path = f"/documents/{quote(doc_id, safe='')}/view?"
    return {code: path + urlencode({"lang": code}) for code in LANGUAGES}


def _web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address (never ``javascript:`` and the like)."""
    return url if url and re.match(r"https?://", url, re.IGNORECASE) else None
