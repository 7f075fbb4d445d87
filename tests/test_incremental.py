"""Incremental builds by document, on every backend: changing one document deletes and
upserts only its points, and a reload of the running service picks them up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.backends import Filters
from indexer.store import build_index
from service.engine import EngineHolder, load_engine
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
OCR_FILE = "rapport-sommaire-atelier-2015.txt"
OLD = "dévouement a la lutte contre cette activité illégale"
NEW = "engagement constant contre cette activité"
BACKENDS = {
    "local": {"backend": "local"},
    "qdrant-edge": {"backend": "qdrant"},
    "qdrant": {"backend": "qdrant", "qdrant_url": "local:{tmp}/engine"},
}


@pytest.mark.parametrize("kind", list(BACKENDS))
def test_changing_one_document_changes_only_its_points(
    kind: str, tmp_path: Path, settings: Settings, embedder, built_index: dict
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    cache = tmp_path / "cache"
    shutil.copytree(settings.indexing.cache_dir, cache)
    chosen = {k: v.format(tmp=tmp_path) for k, v in BACKENDS[kind].items()}
    mine = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=cache, **chosen)
    first = build_index(mine.indexing, embedder, progress=False)
    assert first["counts"]["upserted"] == first["counts"]["passages"]
    holder = EngineHolder(mine, load_engine(mine, embedder))
    assert holder.current.index.backend.kind == kind
    workshop_only = Filters(doc="atelier-2015")

    path = corpus / OCR_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(OLD) == 1
    path.write_text(text.replace(OLD, NEW), encoding="utf-8")
    second = build_index(mine.indexing, embedder, progress=False)

    workshop = [p for p in holder.reload().index.passages if p.doc_id == "atelier-2015"]
    assert second["counts"]["deleted_documents"] == ["atelier-2015"]
    assert second["counts"]["upserted"] == len(workshop) < second["counts"]["passages"]
    assert len(holder.current.index.backend.ids()) == second["counts"]["passages"]
    changed = next(p.id for p in workshop if NEW in p.text)
    assert not any(OLD in p.text for p in workshop)
    ids, _ = holder.current.index.backend.search("lexical", NEW, 5, workshop_only)
    assert changed in list(ids)
    hits = holder.current.searcher.search(NEW, 10, workshop_only)
    assert changed in [h.passage.id for h in hits]
    assert holder.current.searcher.search("tâche 2.13", 1)[0].passage.task_id == "2.13"
