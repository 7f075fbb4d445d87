from typing import Any

from fastapi import APIRouter, HTTPException

from service.deps import EngineDep
from service.schemas import PassageWithContext, to_passage

router = APIRouter(tags=["documents"])


@router.get("/documents")
def list_documents(engine: EngineDep) -> list[dict[str, Any]]:
    return [{k: v for k, v in d.items() if k != "sections"} for d in engine.index.documents]


@router.get("/documents/{doc_id}")
def get_document(doc_id: str, engine: EngineDep) -> dict[str, Any]:
    document = engine.index.document_map.get(doc_id)
    if document is None:
        raise HTTPException(404, f"unknown document {doc_id!r}")
    return document


@router.get("/passages/{passage_id}", response_model=PassageWithContext)
def get_passage(passage_id: str, engine: EngineDep) -> PassageWithContext:
    passages = engine.index.passages
    position = engine.index.passage_rows.get(passage_id)
    if position is None:
        raise HTTPException(404, f"unknown passage {passage_id!r}")
    titles = engine.titles
    record = passages[position]

    def neighbour(i: int):
        if 0 <= i < len(passages) and passages[i].doc_id == record.doc_id:
            return to_passage(passages[i], titles[record.doc_id])
        return None

    return PassageWithContext(
        passage=to_passage(record, titles[record.doc_id]),
        previous=neighbour(position - 1),
        next=neighbour(position + 1),
    )
