from fastapi import APIRouter

from service.deps import EngineDep
from service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(engine: EngineDep) -> Health:
    index = engine.index
    return Health(
        status="ok",
        passages=len(index.passages),
        embedder=index.manifest["embedder"]["id"],
        index_built_at=index.built_at,
        backend=index.backend.kind,
    )
