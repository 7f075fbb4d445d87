"""Passages: the citable units, checked against the original files they cite."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from indexer.ingest import Collection, ingest
from indexer.models import Passage, Section
from indexer.store import search_text
from indexer.text import tokenize

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MIN_SOURCE_COVERAGE = 0.9


@pytest.fixture(scope="module")
def collection() -> Collection:
    return ingest(CORPUS)


@pytest.fixture(scope="module")
def passages(collection: Collection) -> list[Passage]:
    return collection.passages


def sections_of(collection: Collection, doc_id: str) -> dict[str, Section]:
    return {s.key: s for s in collection.structures[doc_id].sections}


def deliverable_text(passage: Passage) -> str:
    """The part of a task passage that is copied from the table (not the added labels)."""
    line = next(li for li in passage.text.splitlines() if li.startswith("Produit livrable : "))
    return line.removeprefix("Produit livrable : ").removeprefix("NOUVEAU : ")


def overview_body(passage: Passage) -> str:
    """A task overview without its Responsables line (glossary names, not table text)."""
    return "\n".join(li for li in passage.text.splitlines() if not li.startswith("Responsables"))


def _text(passage: Passage) -> str:
    return passage.text


def test_every_document_has_passages_of_each_kind(passages: list[Passage]) -> None:
    kinds = Counter((p.doc_id, p.kind) for p in passages)
    assert kinds[("plan-action-2014-2015", "text")] > 50
    assert kinds[("atelier-2015", "text")] > 40
    assert kinds[("plan-action-2014-2015", "task")] > 50
    assert kinds[("atelier-2015", "task")] == 0
    assert kinds[("plan-action-2014-2015", "task-overview")] == 17
    assert kinds[("plan-action-2014-2015", "footnote")] == 6
    assert kinds[("atelier-2015", "footnote")] >= 5


def test_passage_ids_are_unique(passages: list[Passage]) -> None:
    ids = [p.id for p in passages]
    duplicates = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicates
    for p in passages:
        assert p.id.startswith(f"{p.doc_id}:")
        assert "/" not in p.id and " " not in p.id and "#" not in p.id


def test_passage_ids_and_texts_are_stable_across_runs(passages: list[Passage]) -> None:
    again = ingest(CORPUS).passages
    assert [p.id for p in again] == [p.id for p in passages]
    assert [p.to_dict() for p in again] == [p.to_dict() for p in passages]


def test_section_path_is_the_breadcrumb(collection: Collection, passages: list[Passage]) -> None:
    for p in passages:
        structure = collection.structures[p.doc_id]
        breadcrumb = structure.path(p.section_key)
        assert breadcrumb, p.id
        if p.kind == "text":
            assert p.section_path == breadcrumb, p.id
        elif p.kind == "footnote":
            assert p.section_path[:-1] == breadcrumb, p.id
            assert p.section_path[-1].startswith("Note"), p.id
        else:
            assert p.section_path == breadcrumb + [f"Tâche {p.task_id}"], p.id


def test_text_passages_stay_inside_their_section(
    collection: Collection, passages: list[Passage]
) -> None:
    for p in passages:
        if p.kind != "text":
            continue
        section = sections_of(collection, p.doc_id)[p.section_key]
        assert section.line_start <= p.line_start <= p.line_end <= section.line_end, p.id


def test_task_passages_stay_inside_the_annex(
    collection: Collection, passages: list[Passage]
) -> None:
    start, end = collection.structures["plan-action-2014-2015"].table_span
    lines = collection.structures["plan-action-2014-2015"].doc.lines
    for p in passages:
        if p.kind == "task":
            assert start <= p.line_start <= p.line_end <= end, p.id
            assert lines[p.line_start - 1].strip(), p.id


def test_footnote_passages(collection: Collection, passages: list[Passage]) -> None:
    notes = [p for p in passages if p.kind == "footnote"]
    plan_notes = {p.section_path[-1]: p for p in notes if p.doc_id == "plan-action-2014-2015"}
    assert sorted(plan_notes) == [f"Note {n}" for n in range(1, 7)]
    for p in notes:
        assert p.line_start == p.line_end or p.doc_id == "atelier-2015"
        assert p.text and p.text[0] not in "¹²³⁴⁵⁶⁷⁸⁹⁰", p.id
    # a numbered note hangs under the section whose text carries its superscript
    sup = dict(zip("123456", "¹²³⁴⁵⁶", strict=True))
    for label, p in plan_notes.items():
        mark = sup[label.removeprefix("Note ")]
        section = sections_of(collection, p.doc_id)[p.section_key]
        assert any(mark in b.text for b in section.blocks), p.id
    safekeeping = plan_notes["Note 2"]
    assert safekeeping.section_path == [
        "Introduction",
        "Infractions liées à la traite de personnes au Canada",
        "Note 2",
    ]
    assert "htncc-cnctp@rcmp-grc.gc.ca" in safekeeping.text


def test_every_deliverable_is_one_passage(collection: Collection, passages: list[Passage]) -> None:
    tasks = collection.tasks["plan-action-2014-2015"]
    task_passages = [p for p in passages if p.kind == "task"]
    assert len(task_passages) == sum(len(t.deliverables) for t in tasks)
    by_task = Counter(p.task_id for p in task_passages)
    assert by_task == {t.id: len(t.deliverables) for t in tasks}
    for task in tasks:
        mine = [p for p in task_passages if p.task_id == task.id]
        for passage, deliverable in zip(mine, task.deliverables, strict=True):
            assert deliverable.text in passage.text
            assert (passage.line_start, passage.line_end) == (
                deliverable.line_start,
                deliverable.line_end,
            )
            assert passage.organisations == deliverable.organisations


def test_task_passages_carry_task_calendar_status_and_organisations(
    collection: Collection, passages: list[Passage]
) -> None:
    glossary = collection.glossary
    for p in passages:
        if p.kind != "task":
            continue
        text = p.text
        assert text.startswith(f"Tâche {p.task_id} : "), p.id
        assert "Calendrier : " in text and "État : " in text and "Responsable" in text, p.id
        assert p.organisations, p.id
        for code in p.organisations:
            entry = glossary.get(code)
            assert entry is not None, f"{p.id}: {code} is not in the glossary"
            assert entry.name_fr in text and entry.name_en in text, (p.id, code)


def test_task_2_13_passages(passages: list[Passage]) -> None:
    task = [p for p in passages if p.task_id == "2.13" and p.kind == "task"]
    assert len(task) == 6
    assert all(p.section_path[-1] == "Tâche 2.13" for p in task)
    assert task[0].section_path[0] == "ANNEXE A : Tableau des mesures de suivi"
    first = task[0].text
    assert "Tâche 2.13 : Protéger les ressortissants étrangers" in first
    assert "Calendrier : début 2012-2013" in first and "État : En cours" in first
    assert "Immigration, Réfugiés et Citoyenneté Canada" in first
    assert "Immigration, Refugees and Citizenship Canada" in first
    rcmp = [p for p in task if "GRC" in p.organisations]
    assert len(rcmp) == 1
    assert "Gendarmerie royale du Canada" in rcmp[0].text
    assert "Royal Canadian Mounted Police" in rcmp[0].text
    assert "témoin étranger" in rcmp[0].text
    new = [p for p in task if "Produit livrable : NOUVEAU : " in p.text]
    assert len(new) == 2


def test_each_task_has_one_overview_listing_every_deliverable(
    collection: Collection, passages: list[Passage]
) -> None:
    tasks = collection.tasks["plan-action-2014-2015"]
    overviews = {p.task_id: p for p in passages if p.kind == "task-overview"}
    assert set(overviews) == {t.id for t in tasks}
    for task in tasks:
        overview = overviews[task.id]
        assert overview.id == f"plan-action-2014-2015:tache-{task.id}:apercu"
        assert overview.text.startswith(f"Tâche {task.id} : {task.title}\nResponsables : ")
        assert all(d.text in overview.text for d in task.deliverables), task.id
        assert overview.organisations == task.organisations
        assert (overview.line_start, overview.line_end) == (task.line_start, task.line_end)
    card = overviews["2.13"].text
    assert "IRCC (Immigration, Réfugiés et Citoyenneté Canada / Immigration, Refugees" in card
    assert card.count("NOUVEAU : ") == 2 and "(En cours ; IRCC)" in card


def test_task_passages_are_indexed_with_french_names_only(passages: list[Passage]) -> None:
    """Shown in both languages, indexed in French: an English question that names the RCMP
    should not match every Annex A row the RCMP is responsible for."""
    rcmp = next(p for p in passages if p.kind == "task" and p.organisations == ["GRC"])
    assert "Royal Canadian Mounted Police" in rcmp.text
    indexed = search_text(rcmp)
    assert "GRC (Gendarmerie royale du Canada)" in indexed
    assert "Royal Canadian" not in indexed and "RCMP" not in indexed
    text = next(p for p in passages if p.kind == "text")
    assert text.index_text is None and search_text(text).endswith(text.text)


def test_rcmp_youth_strategy_deliverable(passages: list[Passage]) -> None:
    youth = [
        p for p in passages if "stratégie pour la jeunesse de la GRC" in p.text and p.kind == "task"
    ]
    assert len(youth) == 1
    p = youth[0]
    assert p.kind == "task" and p.task_id == "1.11" and p.organisations == ["GRC"]
    assert "Calendrier : début 2015-2016" in p.text and "État : Continu" in p.text


def test_long_sections_are_split_and_short_ones_are_not(
    collection: Collection, passages: list[Passage]
) -> None:
    per_section = Counter((p.doc_id, p.section_key) for p in passages if p.kind == "text")
    assert per_section[("atelier-2015", "3-1-5")] == 1  # a short section is one passage
    assert per_section[("atelier-2015", "4")] > 1
    for p in passages:
        if p.kind == "text":
            assert len(p.text) <= 900 * 1.25 + 1, p.id


def test_passage_records_round_trip(passages: list[Passage]) -> None:
    for p in passages[:20]:
        assert Passage.from_dict(p.to_dict()) == p
    assert search_text(passages[0]).startswith(" > ".join(passages[0].section_path) + "\n")


def test_source_lines_contain_the_passage_words(
    collection: Collection, passages: list[Passage]
) -> None:
    """Property over every passage: what a citation points at really holds its words."""
    failures = []
    for p in passages:
        doc = collection.structures[p.doc_id].doc
        source = set(tokenize("\n".join(doc.source_lines(p.line_start, p.line_end))))
        text = {"task": deliverable_text, "task-overview": overview_body}.get(p.kind, _text)(p)
        tokens = tokenize(text)
        assert tokens, p.id
        found = sum(t in source for t in tokens) / len(tokens)
        if found < MIN_SOURCE_COVERAGE:
            missing = sorted({t for t in tokens if t not in source})
            failures.append(f"{p.id} lines {p.line_start}-{p.line_end}: {found:.0%}, {missing[:8]}")
    assert not failures, "\n".join(failures)


def test_passages_are_in_reading_order_with_each_task_card_first(passages: list[Passage]) -> None:
    plan = [p for p in passages if p.doc_id == "plan-action-2014-2015"]
    assert [p.line_start for p in plan] == sorted(p.line_start for p in plan)
    first_of_task: dict[str, Passage] = {}
    for p in plan:
        if p.task_id:
            first_of_task.setdefault(p.task_id, p)
    assert {p.kind for p in first_of_task.values()} == {"task-overview"}
