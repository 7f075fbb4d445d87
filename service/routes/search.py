from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from service.deps import EngineDep, SettingsDep, SlotDep
from service.filtering import resolve
from service.schemas import AnswerSpan, AskRequest, AskResponse, SearchResponse, hit_to_passage
from service.validation import check_k, clean_user_text

router = APIRouter(tags=["search"])


class SearchParams:
    """The query parameters of ``/search`` and ``/search.csv``."""

    def __init__(
        self,
        q: Annotated[str, Query(description="query, 1 to 1,000 characters")],
        k: Annotated[int, Query(description="number of results, 1 to 50")] = 10,
        doc: Annotated[str | None, Query(description="document id")] = None,
        section: Annotated[str | None, Query(description="section key prefix")] = None,
        task: Annotated[str | None, Query(description="Annex A task id, e.g. 2.13")] = None,
        org: Annotated[
            str | None, Query(description="organisation code or name, e.g. GRC, RCMP")
        ] = None,
        status: Annotated[
            str | None,
            Query(description="deliverable status: Continu, En cours, En suspens (On hold), …"),
        ] = None,
        kind: Annotated[
            str | None, Query(description="passage kind: text, footnote, task, task-overview")
        ] = None,
    ) -> None:
        self.q, self.k = q, k
        self.filters = {
            "doc": doc,
            "section": section,
            "task": task,
            "org": org,
            "status": status,
            "kind": kind,
        }


SearchParamsDep = Annotated[SearchParams, Depends()]


def run_search(engine, settings, params: SearchParams):
    """Validate ``params`` and search; returns ``(text, query, hits)``; raises
    ``InvalidInput``."""
    text = clean_user_text(params.q, "q", settings.service.max_question_chars)
    k = check_k(params.k, settings.service.max_k)
    filters = resolve(engine, params.filters)
    return (text, *engine.searcher.batch_search([text], k, filters)[0])


@router.get("/search", response_model=SearchResponse)
def search(
    engine: EngineDep, settings: SettingsDep, _slot: SlotDep, params: SearchParamsDep
) -> SearchResponse:
    text, query, hits = run_search(engine, settings, params)
    titles = engine.titles
    return SearchResponse(
        query=text,
        language=query.language,
        results=[hit_to_passage(h, titles, query.language) for h in hits],
    )


@router.post("/ask", response_model=AskResponse)
def ask(body: AskRequest, engine: EngineDep, settings: SettingsDep, _slot: SlotDep) -> AskResponse:
    question = clean_user_text(body.question, "question", settings.service.max_question_chars)
    k = check_k(body.k, settings.service.max_k)
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
