from fastapi import APIRouter
from fastapi.responses import JSONResponse

from indexer.backends import BackendUnavailableError
from service.deps import EngineDep
from service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(engine: EngineDep):
    """``ok``, or ``degraded`` (503) while the remote search engine does not answer."""
    index = engine.index
    try:
        index.backend.ping()
        status = "ok"
    except BackendUnavailableError:
        status = "degraded"
    body = Health(
        status=status,
        passages=len(index.passages),
        embedder=index.manifest["embedder"]["id"],
        index_built_at=index.built_at,
        backend=index.backend.kind,
    )
    if status == "ok":
        return body
    return JSONResponse(body.model_dump(), status_code=503)
