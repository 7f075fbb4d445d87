"""Section trees and clean paragraphs of both real reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.load import load_collection
from indexer.models import Block, Section
from indexer.structure import Structure, parse_structure

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

OCR_NUMBERS = [
    "1", "2", "2.1", "2.1.1", "2.1.2",
    "3", "3.1", "3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.1.5", "3.1.6", "3.1.6.1", "3.1.6.2",
    "3.2", "3.2.1", "3.2.2", "3.2.3",
    "3.3", "3.3.1", "3.3.2", "3.3.2.1", "3.3.2.2", "3.3.2.3",
    "3.4", "3.4.1", "3.4.2", "3.4.3", "3.4.4",
    "3.4.4.1", "3.4.4.2", "3.4.4.3", "3.4.4.4", "3.4.4.5", "3.4.4.6",
    "4", "5",
]  # fmt: skip


@pytest.fixture(scope="module")
def structures() -> dict[str, Structure]:
    return {doc.id: parse_structure(doc) for doc in load_collection(CORPUS)}


@pytest.fixture(scope="module")
def ocr(structures: dict[str, Structure]) -> Structure:
    return structures["atelier-2015"]


@pytest.fixture(scope="module")
def plan(structures: dict[str, Structure]) -> Structure:
    return structures["plan-action-2014-2015"]


def by_number(structure: Structure, number: str) -> Section:
    return next(s for s in structure.sections if s.number == number)


def by_title(structure: Structure, title: str) -> Section:
    return next(s for s in structure.sections if s.title == title)


def all_blocks(structure: Structure) -> list[Block]:
    return [b for s in structure.sections for b in s.blocks]


def block_containing(structure: Structure, text: str) -> Block:
    found = [b for b in all_blocks(structure) if text in b.text]
    assert len(found) == 1, f"{text!r} is in {len(found)} blocks"
    return found[0]


# --- both documents ---------------------------------------------------------------------


@pytest.mark.parametrize("doc_id", ["atelier-2015", "plan-action-2014-2015"])
def test_sections_tile_the_document(structures: dict[str, Structure], doc_id: str) -> None:
    structure = structures[doc_id]
    sections = structure.sections
    keys = [s.key for s in sections]
    assert len(keys) == len(set(keys)), "section keys are unique"
    for section, following in zip(sections, sections[1:], strict=False):
        assert section.line_start <= section.line_end == following.line_start - 1
    assert sections[-1].line_end == len(structure.doc.lines)
    for section in sections:
        for block in section.blocks + section.footnotes:
            assert section.line_start <= block.line_start <= block.line_end <= section.line_end
            assert block.text == block.text.strip() and block.text


@pytest.mark.parametrize("doc_id", ["atelier-2015", "plan-action-2014-2015"])
def test_tree_is_consistent(structures: dict[str, Structure], doc_id: str) -> None:
    structure = structures[doc_id]
    seen: dict[str, Section] = {}
    for section in structure.sections:
        if section.parent is None:
            assert section.level == 1
        else:
            parent = seen[section.parent]  # a parent comes before its children
            assert parent.level < section.level
        seen[section.key] = section
        path = structure.path(section.key)
        assert path[-1] == section.label and len(path) <= section.level


# --- OCR report ---------------------------------------------------------------------------


def test_ocr_top_level_sections(ocr: Structure) -> None:
    top = [s.label for s in ocr.sections if s.level == 1]
    assert top == [
        "Remerciements",
        "1 Contexte",
        "2 Aperçu et objectif",
        "3 Conclusions importantes et recommandations proposées",
        "4 Action collective",
        "5 Prochaines étapes",
    ]


def test_ocr_numbered_headings(ocr: Structure) -> None:
    numbers = [s.number for s in ocr.sections if s.number]
    assert numbers == OCR_NUMBERS
    for section in ocr.sections:
        if section.number:
            parts = section.number.split(".")
            assert section.level == len(parts)
            if len(parts) > 1:
                parent = next(s for s in ocr.sections if s.key == section.parent)
                assert parent.number == ".".join(parts[:-1])
            line = ocr.doc.lines[section.line_start - 1]
            assert line.strip().startswith(section.number + " ")


def test_four_level_heading(ocr: Structure) -> None:
    section = by_number(ocr, "3.1.6.1")
    assert section.level == 4
    assert section.title == "Continuer à créer des initiatives dirigées par des survivantes"
    parent = next(s for s in ocr.sections if s.key == section.parent)
    assert parent.number == "3.1.6" and parent.title == "Autres recommandations"
    assert ocr.path(section.key) == [
        "3 Conclusions importantes et recommandations proposées",
        "3.1 Secteur des services",
        "3.1.6 Autres recommandations",
        "3.1.6.1 Continuer à créer des initiatives dirigées par des survivantes",
    ]


def test_two_line_headings_keep_their_whole_title(ocr: Structure) -> None:
    assert by_number(ocr, "2.1.1").title == (
        "Plan d’action national de lutte contre la traite de personnes du Canada "
        "de Sécurité publique Canada"
    )
    assert by_number(ocr, "2.1.2").title == (
        "Groupe de travail national sur la traite des femmes et des filles à des fins "
        "d’exploitation sexuelle au Canada"
    )
    assert by_number(ocr, "3.4.4.6").title == (
        "Améliorer le rôle du gouvernement du Canada dans le soutien des efforts de collaboration"
    )
    # the second title line is not a paragraph of the section
    assert not any(b.text.startswith("publique Canada") for b in by_number(ocr, "2.1.1").blocks)


def test_heading_on_a_page_start_line(ocr: Structure) -> None:
    assert ocr.doc.lines[300].startswith(" 3.3.2 ")
    section = by_number(ocr, "3.3.2")
    assert section.line_start == 301 and section.title == "Recommandations aux fins d’amélioration"


def test_footnotes_at_page_bottom_are_not_headings(ocr: Structure) -> None:
    assert not any("Page Web" in s.title for s in ocr.sections)
    assert [s.title for s in ocr.sections if s.number == "2"] == ["Aperçu et objectif"]
    context = by_number(ocr, "1")
    notes = {n.line_start: n for n in context.footnotes}
    assert {37, 38, 40, 44} <= set(notes)
    assert all(n.kind == "footnote" for n in context.footnotes)
    assert not any("Page Web" in b.text for b in context.blocks)


def test_consecutive_footnote_lines_are_separate_footnotes(ocr: Structure) -> None:
    context = by_number(ocr, "1")
    note = next(n for n in context.footnotes if n.line_start == 38)
    assert note.marker == "2" and note.line_end == 38
    assert note.text == "Page Web sur la traite de personnes de Sécurité publique Canada"


def test_ocr_page_break_continuation_is_rejoined(ocr: Structure) -> None:
    assert ocr.doc.lines[145].startswith(" central discernable")  # a new page starts here
    block = block_containing(ocr, "l'absence d’un point central discernable")
    assert (block.line_start, block.line_end) == (144, 150)
    assert block in by_number(ocr, "3.1.2").blocks
    assert block.text.endswith("La compréhension du concept de continuum des soins doit changer.")


def test_ocr_footnote_does_not_split_the_paragraph_around_it(ocr: Structure) -> None:
    section = by_number(ocr, "2.1.1")
    note = next(n for n in section.footnotes if n.line_start == 94)
    assert note.text.startswith("Les points de vue figurant dans le présent document")
    assert not any("Les points de vue figurant" in b.text for b in section.blocks)
    item = next(b for b in section.blocks if "chaine de distribution" in b.text)
    assert item.kind == "list_item" and item.line_start == 96


def test_ocr_text_is_cleaned(ocr: Structure) -> None:
    block = block_containing(ocr, "souhaite profiter de l'occasion pour remercier")
    assert "I'occasion" not in block.text
    assert "\n" not in block.text


def test_ocr_bullets_are_list_items(ocr: Structure) -> None:
    items = [b for b in by_number(ocr, "3.1.6.1").blocks if b.kind == "list_item"]
    assert [i.text for i in items][:2] == [
        "Soutenir les femmes et les filles et mettre des femmes expérimentées au centre.",
        "Prestation de services informés en matière de traumatisme.",
    ]
    assert len(items) == 5


# --- markdown report ----------------------------------------------------------------------


def test_plan_top_level_sections(plan: Structure) -> None:
    top = [s.label for s in plan.sections if s.level == 1]
    assert top == [
        "Avant-propos",
        "Introduction",
        "Progrès réalisés à ce jour",
        "Partie I. Prévention",
        "Partie II. Protection et aide accordées aux victimes",
        "Partie III. Détection, enquête et poursuite des trafiquants",
        "Partie IV. Partenariats et connaissances",
        "Prochaines étapes",
        "Conclusion",
        "ANNEXE A : Tableau des mesures de suivi",
        "Annexe B : Ressources et liens",
    ]
    assert [s.number for s in plan.sections if s.title.startswith("Partie")] == [
        "I",
        "II",
        "III",
        "IV",
    ]


def test_plan_subsections(plan: Structure) -> None:
    introduction = by_title(plan, "Introduction")
    children = [s.title for s in plan.sections if s.parent == introduction.key]
    assert children == [
        "Qu'est-ce que la traite de personnes?",
        "La traite de personnes au Canada",
        "Infractions liées à la traite de personnes au Canada",
    ]


def test_table_of_contents_is_not_a_section(plan: Structure) -> None:
    lines = plan.doc.lines
    toc = lines.index("Table des matières") + 1
    assert not any("Table des matières" in s.title for s in plan.sections)
    assert not any(toc <= s.line_start <= toc + 15 for s in plan.sections)
    assert [s.title for s in plan.sections if s.title.startswith("Introduction")] == [
        "Introduction"
    ]
    assert by_title(plan, "Introduction").line_start == lines.index("Introduction") + 1
    assert not any("\t" in b.text for b in all_blocks(plan))
    assert not any(toc <= b.line_start <= toc + 15 for b in all_blocks(plan))


def test_annex_a(plan: Structure) -> None:
    annex = by_title(plan, "ANNEXE A : Tableau des mesures de suivi")
    assert annex.level == 1 and annex.number == "A"
    assert plan.doc.lines[annex.line_start - 1] == "ANNEXE A"
    pillars = [s for s in plan.sections if s.parent == annex.key]
    assert [p.title for p in pillars] == [
        "Prévention",
        "Protection et aide accordées aux victimes",
        "Détection, enquête et poursuite des trafiquants",
        "Partenariats et connaissances (à l'échelle nationale et internationale)",
    ]
    objectives = [s for s in plan.sections if s.title.startswith("Objectif")]
    assert [o.number for o in objectives] == ["1.1", "2.1", "3.1", "4.1"]
    assert all(o.level == 3 for o in objectives)
    start, end = plan.table_span
    assert start == annex.line_start
    annex_b = by_title(plan, "Annexe B : Ressources et liens")
    assert end < annex_b.line_start and annex_b.number == "B"


def test_markdown_footnote_rejoins_the_paragraph_it_cuts(plan: Structure) -> None:
    lines = plan.doc.lines
    assert lines[85].endswith("effectuée par la GRC², les profits")
    assert lines[87].startswith("² Pour demander un exemplaire")
    assert lines[89].startswith("importants sont la principale motivation")
    block = block_containing(plan, "profits importants sont la principale motivation")
    assert (block.line_start, block.line_end) == (86, 90)
    assert "Pour demander un exemplaire" not in block.text
    section = by_title(plan, "Infractions liées à la traite de personnes au Canada")
    assert block in section.blocks
    note = next(n for n in section.footnotes if n.line_start == 88)
    assert note.kind == "footnote" and note.marker == "2"
    assert note.text.startswith("Pour demander un exemplaire du document « Projet SAFEKEEPING »")


def test_markdown_footnote_between_elles_sont_and_preparees(plan: Structure) -> None:
    lines = plan.doc.lines
    assert lines[68].endswith("Elles sont")
    assert lines[70].startswith("¹ Les premiers cas")
    assert lines[72].startswith("préparées, manipulées")
    block = block_containing(plan, "Elles sont préparées, manipulées et forcées")
    assert (block.line_start, block.line_end) == (69, 73)
    assert "Hongrie" not in block.text
    section = by_title(plan, "La traite de personnes au Canada")
    note = next(n for n in section.footnotes if n.marker == "1")
    assert note.line_start == 71 and "Hongrie natale" in note.text


def test_markdown_footnotes_are_their_own_blocks(plan: Structure) -> None:
    notes = [n for s in plan.sections for n in s.footnotes]
    assert [n.marker for n in notes] == ["1", "2", "3", "4", "5", "6"]
    for note in notes:
        assert note.kind == "footnote" and note.line_start == note.line_end
        assert plan.doc.lines[note.line_start - 1].startswith("¹²³⁴⁵⁶"[int(note.marker) - 1])
        assert note.text[0] not in "¹²³⁴⁵⁶⁷⁸⁹⁰"
    for block in all_blocks(plan):
        assert not block.text.startswith(("¹ ", "² ", "³ ", "⁴ ", "⁵ ", "⁶ "))


def test_page_break_continuation_in_the_markdown_report(plan: Structure) -> None:
    block = block_containing(plan, "ont été interrogées. Neuf personnes ont été accusées")
    assert block.kind == "list_item" and (block.line_start, block.line_end) == (25, 27)


def test_markdown_formatting_is_removed(plan: Structure) -> None:
    block = block_containing(plan, "Depuis 2005, 90 dossiers liés à la traite")
    assert "**" not in block.text and block.kind == "list_item"
