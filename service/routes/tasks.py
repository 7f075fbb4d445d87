from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from service.deps import EngineDep
from service.filtering import resolve

router = APIRouter(tags=["annex A"])


@router.get("/tasks")
def list_tasks(
    engine: EngineDep,
    org: Annotated[str | None, Query(description="organisation code or name (RCMP, GRC…)")] = None,
    status: Annotated[str | None, Query(description="status prefix: Continu, En cours…")] = None,
    start: Annotated[
        str | None, Query(description="start year of a deliverable, 2012-2013")
    ] = None,
) -> list[dict[str, Any]]:
    code = resolve(engine, {"org": org}).org if org else None
    results = []
    for doc_id, task in engine.index.tasks:
        deliverables = [
            d
            for d in task.deliverables
            if (code is None or code in d.organisations)
            and (status is None or (d.status or "").lower().startswith(status.lower()))
            and (start is None or d.calendar == start)
        ]
        if deliverables:
            results.append(_task_json(doc_id, task, deliverables))
    return results


@router.get("/tasks/{task_id}")
def get_task(task_id: str, engine: EngineDep) -> dict[str, Any]:
    for doc_id, task in engine.index.tasks:
        if task.id == task_id:
            return _task_json(doc_id, task, task.deliverables)
    raise HTTPException(404, f"unknown task {task_id!r}")


def _task_json(doc_id: str, task, deliverables) -> dict[str, Any]:
    data = asdict(task)
    data["deliverables"] = [asdict(d) for d in deliverables]
    data["organisations"] = task.organisations
    return {"doc_id": doc_id, **data}
