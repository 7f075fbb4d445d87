from dataclasses import asdict
from typing import Any

from fastapi import APIRouter

from service.deps import EngineDep

router = APIRouter(tags=["glossary"])


@router.get("/glossary")
def glossary(engine: EngineDep) -> dict[str, Any]:
    """The bilingual glossary: codes, French and English names and acronyms, aliases."""
    return {"entries": [asdict(entry) for entry in engine.index.glossary.entries.values()]}
