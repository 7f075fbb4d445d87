import hmac
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException

from service.deps import HolderDep, SettingsDep
from service.schemas import Health

router = APIRouter(tags=["admin"])


@router.post("/admin/reload", response_model=Health)
def reload_index(
    holder: HolderDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Health:
    """Load the newly published index build and swap it in without dropping requests.

    Needs ``Authorization: Bearer <TRAITE_RELOAD_TOKEN>``; disabled when no token is set.
    """
    expected = settings.service.reload_token
    if not expected:
        raise HTTPException(403, "reload is disabled: set TRAITE_RELOAD_TOKEN to enable it")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        given = ""
    if not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(401, "missing or wrong reload token")
    engine = holder.reload()
    return Health(
        status="ok",
        passages=len(engine.index.passages),
        embedder=engine.index.manifest["embedder"]["id"],
        index_built_at=engine.index.built_at,
        backend=engine.index.backend.kind,
    )
