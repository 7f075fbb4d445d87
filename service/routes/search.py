from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from service.deps import EngineDep, SettingsDep, SlotDep
from service.schemas import AnswerSpan, AskRequest, AskResponse, SearchResponse, hit_to_passage
from service.search import Filters
from service.validation import InvalidInput, check_k, clean_user_text

router = APIRouter(tags=["search"])


@router.get("/search", response_model=SearchResponse)
def search(
    engine: EngineDep,
    settings: SettingsDep,
    _slot: SlotDep,
    q: Annotated[str, Query(description="query, 1 to 1,000 characters")],
    k: Annotated[int, Query(description="number of results, 1 to 50")] = 10,
    doc: Annotated[str | None, Query(description="document id")] = None,
    section: Annotated[str | None, Query(description="section key prefix")] = None,
    task: Annotated[str | None, Query(description="Annex A task id, e.g. 2.13")] = None,
    org: Annotated[
        str | None, Query(description="organisation code or name, e.g. GRC, RCMP")
    ] = None,
) -> SearchResponse:
    text = clean_user_text(q, "q", settings.max_question_chars)
    k = check_k(k, settings.max_k)
    filters = _filters(engine, doc, section, task, org)
    query, hits = engine.searcher.batch_search([text], k, filters)[0]
    titles = engine.titles
    return SearchResponse(
        query=text,
        language=query.language,
        results=[hit_to_passage(h, titles, query.language) for h in hits],
    )


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, engine: EngineDep, settings: SettingsDep, _slot: SlotDep) -> AskResponse:
    question = clean_user_text(body.question, "question", settings.max_question_chars)
    k = check_k(body.k, settings.max_k)
    query, answer = engine.answerer.ask(question, k)
    titles = engine.titles
    return AskResponse(
        question=question,
        language=query.language,
        answer=answer.text,
        answered=answer.answered,
        citations=[hit_to_passage(h, titles, query.language) for h in answer.citations],
        short_answer=answer.short_answer,
        confidence=round(answer.confidence, 4),
        answer_span=AnswerSpan(**asdict(answer.span)) if answer.span else None,
    )


def _filters(engine, doc, section, task, org) -> Filters | None:
    if not any((doc, section, task, org)):
        return None
    if doc and doc not in engine.titles:
        raise InvalidInput(f"doc: unknown document {doc!r}; known: {', '.join(engine.titles)}")
    code = None
    if org:
        code = engine.index.glossary.resolve(org)
        if code is None:
            raise InvalidInput(f"org: unknown organisation {org!r}")
    return Filters(doc=doc, section=section, task=task, org=code)
