"""The English field of the passages and its ranking, over the real corpus and index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.backends import LEXICAL_EN
from indexer.english import EnglishField
from indexer.index import Index
from indexer.ingest import Collection, ingest
from indexer.store import english_texts, search_text
from indexer.text import tokenize_english
from service.engine import Engine
from service.search import Searcher

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def collection() -> Collection:
    return ingest(CORPUS)


@pytest.fixture(scope="module")
def field(collection: Collection) -> EnglishField:
    return EnglishField(collection.glossary, collection.terms)


def test_an_annex_passage_holds_the_english_of_its_organisations(
    collection: Collection, field: EnglishField
) -> None:
    """Annex A text says GRC; its English field says RCMP."""
    annex = [p for p in collection.passages if p.task_id and "GRC" in p.organisations]
    assert annex, "the Annex A table names the GRC"
    for passage in annex:
        assert "RCMP" not in passage.indexed_text
        english = field.text(search_text(passage), passage.organisations)
        assert "RCMP" in english and "Royal Canadian Mounted Police" in english


def test_french_terms_get_their_english(collection: Collection, field: EnglishField) -> None:
    passage = next(p for p in collection.passages if "34 permis de séjour temporaire" in p.text)
    english = field.text(search_text(passage))
    assert "temporary resident permit" in english.lower()
    assert "34" in english and "2014" in english  # anchors read the same in both languages


def test_plural_french_terms_match_on_stems(field: EnglishField) -> None:
    assert field.terms("Des permis de séjour temporaires") == field.terms(
        "un permis de séjour temporaire"
    )
    assert field.terms("Des permis de séjour temporaires")


def test_every_passage_has_an_english_field(collection: Collection) -> None:
    texts = english_texts(collection)
    assert len(texts) == len(collection.passages)
    assert sum(bool(tokenize_english(t)) for t in texts) / len(texts) > 0.95


def test_english_tokens_are_stemmed_in_english() -> None:
    assert tokenize_english("The RCMP's youth strategies, 2014-2015") == [
        "rcmp",
        "youth",
        "strategi",
        "2014-2015",
    ]


def test_the_index_holds_the_english_field(engine: Engine, built_index: dict) -> None:
    index: Index = engine.index
    channels = {c["name"]: c for c in built_index["backend"]["channels"]}
    assert channels[LEXICAL_EN]["kind"] == "bm25" and channels[LEXICAL_EN]["tokenizer"] == "en"
    ids, scores = index.backend.search(LEXICAL_EN, "Royal Canadian Mounted Police", 5)
    assert len(ids) and (scores > 0).all()
    best = next(p for p in index.passages if p.id == ids[0])
    assert "GRC" in best.organisations or "GRC" in best.indexed_text


def test_english_questions_are_ranked_by_the_english_field(engine: Engine) -> None:
    english = engine.searcher.search("Which tasks is the RCMP responsible for?", k=10)
    assert any(h.english_rank for h in english)
    french = engine.searcher.search("Quelles tâches relèvent de la GRC ?", k=10)
    assert all(h.english_rank is None for h in french)


def test_a_zero_weight_turns_the_english_ranking_off(engine: Engine) -> None:
    off = engine.searcher.settings.model_copy(update={"english_weight": 0.0})
    searcher = Searcher(engine.index, engine.searcher.embedder, off)
    hits = searcher.search("Which tasks is the RCMP responsible for?", k=10)
    assert all(h.english_rank is None for h in hits)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("UN crime prevention congress", "en"),  # "UN" is an acronym, not the French "un"
        ("UN human trafficking protocol", "en"),
        ("RCMP youth strategy", "en"),
        ("CBSA training officers", "en"),
        ("ONU protocole traite", "fr"),
        ("CANAFE blanchiment", "fr"),
        ("GRC stratégie jeunesse", "fr"),
        ("PST 2014", "fr"),  # acronyms and numbers alone: the reports' language
    ],
)
def test_short_keyword_queries_get_their_language(engine: Engine, text: str, language: str) -> None:
    assert engine.searcher.analyse(text).language == language


def test_the_report_shows_every_lead_on_dev() -> None:
    from eval.leads import LEADS_FILE, leads_section

    section = leads_section()
    rows = json.loads(LEADS_FILE.read_text(encoding="utf-8"))["rows"]
    assert section.startswith("## Issue 17 leads")
    for row in rows:
        assert f"| {row['lead']} | {row['variant']} |" in section
    assert any(row["kept"] for row in rows) and not all(row["kept"] for row in rows)
