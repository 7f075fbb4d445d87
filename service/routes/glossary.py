import json
from typing import Any

from fastapi import APIRouter

from indexer.ingest import GLOSSARY_FILE
from service.deps import EngineDep

router = APIRouter(tags=["glossary"])


@router.get("/glossary")
def glossary(engine: EngineDep) -> dict[str, Any]:
    """The bilingual glossary: codes, French and English names and acronyms, aliases."""
    return json.loads((engine.index.path / GLOSSARY_FILE).read_text(encoding="utf-8"))
