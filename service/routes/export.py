"""``GET /search.csv``: the results of ``/search`` as a spreadsheet file."""

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from service.deps import EngineDep, SettingsDep, SlotDep
from service.export import results_csv
from service.routes.search import SearchParamsDep, run_search
from service.schemas import hit_to_passage

router = APIRouter(tags=["search"])


@router.get(
    "/search.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "header + one row per result"}},
)
def search_csv(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    _slot: SlotDep,
    params: SearchParamsDep,
) -> Response:
    text, query, hits = run_search(engine, settings, params)
    titles = engine.titles
    passages = [hit_to_passage(h, titles, query.language) for h in hits]
    name = quote(f"search-{text[:40]}.csv", safe="")
    return Response(
        results_csv(passages, str(request.base_url)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )
