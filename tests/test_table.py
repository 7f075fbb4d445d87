"""The Annex A table parser, on the real 2014-2015 report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.lexicon import Glossary
from indexer.models import Task
from indexer.table import HEADER, AnnexParseError, find_annex_span, parse_annex_table

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
GLOSSARY = Glossary.load(CORPUS / "glossary.json")
REPORT = CORPUS / "plan-action-national-rapport-2014-2015.md"
TASK_IDS = [
    "1.11", "1.12", "1.13",
    "2.11", "2.12", "2.13", "2.14",
    "3.11", "3.12", "3.13", "3.14", "3.15", "3.16",
    "4.11", "4.12", "4.13", "4.14",
]  # fmt: skip


@pytest.fixture(scope="module")
def file_lines() -> list[str]:
    return REPORT.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def tasks(file_lines: list[str]) -> dict[str, Task]:
    span = find_annex_span(file_lines)
    assert span is not None
    start, end = span
    return {t.id: t for t in parse_annex_table(file_lines[start - 1 : end], start, GLOSSARY)}


def deliverable(task: Task, prefix: str):
    return next(d for d in task.deliverables if d.text.startswith(prefix))


def test_annex_span(file_lines: list[str]) -> None:
    start, end = find_annex_span(file_lines)
    assert file_lines[start - 1] == "ANNEXE A"
    assert file_lines[end].strip() == "" and file_lines[end + 1].startswith("Annexe B")
    assert find_annex_span(["Introduction", "Annexe A : Tableau\t19", "texte"]) is None


def test_seventeen_tasks(tasks: dict[str, Task]) -> None:
    assert list(tasks) == TASK_IDS


def test_objective_and_pillar(tasks: dict[str, Task]) -> None:
    for task in tasks.values():
        assert task.objective == task.id[:3]
        assert task.objective_text.startswith("Le gouvernement du Canada")
        assert task.pillar and task.title and task.deliverables
    assert tasks["1.11"].pillar == "Prévention"
    assert tasks["2.13"].pillar == "Protection et aide accordées aux victimes"
    assert tasks["3.14"].pillar == "Détection, enquête et poursuite des trafiquants"
    assert tasks["4.14"].pillar.startswith("Partenariats et connaissances (à l'échelle")


def test_title_continued_on_next_page(tasks: dict[str, Task]) -> None:
    assert tasks["2.13"].title == (
        "Protéger les ressortissants étrangers vulnérables à la traite de personnes, "
        "notamment les immigrantes âgées de 15 à 21 ans."
    )
    assert "et les territoires pour créer des ressources" in tasks["2.11"].title
    assert tasks["2.12"].title.endswith("notamment les victimes de la traite de personnes.")
    # the continuation rows also carried a new deliverable
    assert len(tasks["2.11"].deliverables) == 2
    fpt = deliverable(tasks["2.11"], "Par l'entremise du Groupe de travail FPT")
    assert fpt.status == "En cours" and fpt.organisations == ["JUS"]


def test_deliverable_continuations_are_merged(tasks: dict[str, Task]) -> None:
    merged = deliverable(tasks["3.15"], "Utiliser un plan d'urgence")
    assert merged.text.endswith("dans le cadre d'arrivées irrégulières à grande échelle.")
    assert (merged.line_start, merged.line_end) == (395, 398)
    campaign = deliverable(tasks["2.13"], "Lancer une campagne")
    assert "instructions modernisées d'exécution des programmes" in campaign.text
    assert campaign.new and (campaign.line_start, campaign.line_end) == (354, 357)
    bulletin = deliverable(tasks["1.12"], "au besoin, la GRC")
    assert bulletin.text.endswith("« Faits en bref » de SP.")
    assert bulletin.calendar == "2015-2016"
    data = deliverable(tasks["4.11"], "Examiner les méthodes")
    assert "afin d'éclairer les approches" in data.text


def test_organisations(tasks: dict[str, Task]) -> None:
    assert tasks["2.13"].organisations[0] == "IRCC"
    assert set(tasks["2.13"].organisations) == {"IRCC", "GRC", "EDSC (PTET)"}
    assert set(tasks["3.14"].organisations) == {"JUS", "GRC"}
    assert "CANAFE" in tasks["3.13"].organisations
    first = tasks["1.11"].deliverables
    assert first[0].organisations == ["SP", "JUS"]
    assert first[2].organisations == ["AMC", "ASFC", "EDSC (PTET)"]
    assert deliverable(tasks["4.14"], "Faire connaître").organisations == ["AMC", "IRCC"]
    assert deliverable(tasks["4.13"], "Fournir des données").organisations == ["StatCan"]
    distinct = {"EDSC (Service Canada)", "EDSC (Programme du travail)", "IRCC (PMI)"}
    assert distinct <= set(tasks["4.11"].organisations)
    assert "AMC (Développement)" in tasks["4.14"].organisations


def test_empty_responsible_inherits(tasks: dict[str, Task]) -> None:
    online, bulletin, *_ = tasks["1.12"].deliverables[:3]
    assert online.organisations == ["SP", "GRC"] and not online.organisations_inherited
    assert online.responsible_raw == "SP GRC (en collaboration avec le GTTP)"
    assert bulletin.organisations == ["SP", "GRC"] and bulletin.organisations_inherited
    assert deliverable(tasks["3.11"], "Mettre à jour").organisations == ["ASFC"]


def test_status_and_calendar(tasks: dict[str, Task]) -> None:
    assert deliverable(tasks["3.14"], "Former des policiers experts").status == "En suspens"
    first = tasks["1.11"].deliverables[0]
    assert (first.calendar, first.status) == ("2012-2013", "Continu")
    statuses = {d.status for t in tasks.values() for d in t.deliverables}
    assert statuses <= {"Continu", "En cours", "En suspens", "Terminé (septembre 2014)"}
    assert all(re.fullmatch(r"\d{4}-\d{4}", d.calendar or "") for t in tasks.values()
               for d in t.deliverables)  # fmt: skip


def test_merged_calendar_and_status_cells(tasks: dict[str, Task]) -> None:
    """Row 369 holds '2012-2013 2013-2014' and 'En cours Terminé (septembre 2014)'.

    The chapter 15 update (row 369) started in 2012-2013 and is now in the cell's latest
    state, Terminé (septembre 2014); the Border Five threat assessment (row 370, an italic
    title with empty cells), which the key achievements list as completed in 2014-2015,
    takes the second pair of values.
    """
    chapter = deliverable(tasks["3.11"], "Mettre à jour le chapitre 15")
    assert (chapter.calendar, chapter.status) == ("2012-2013", "Terminé (septembre 2014)")
    border = deliverable(tasks["3.11"], "Human Trafficking – Nature and Extent")
    assert (border.calendar, border.status) == ("2013-2014", "Terminé (septembre 2014)")
    assert border.organisations == ["ASFC"] and border.organisations_inherited
    assert (border.line_start, border.line_end) == (370, 370)


def test_new_flag(tasks: dict[str, Task]) -> None:
    new = [d for t in tasks.values() for d in t.deliverables if d.new]
    assert len(new) == 8
    assert not any("NOUVEAU" in d.text for t in tasks.values() for d in t.deliverables)
    assert deliverable(tasks["3.16"], "Améliorer les politiques").new


def test_no_html_no_header_cells(tasks: dict[str, Task]) -> None:
    for task in tasks.values():
        texts = [task.title, task.objective_text, task.pillar]
        for d in task.deliverables:
            texts += [d.text, d.responsible_raw, d.status or "", d.calendar or ""]
            assert d.text not in HEADER
        assert not any("<" in t or ">" in t for t in texts), task.id
    item = deliverable(tasks["3.11"], "Distribuer aux organismes")
    assert "trousseaux d'information Je ne suis pas à vendre, qui" in item.text
    assert "500 000 $" in tasks["2.12"].deliverables[0].text


def test_line_spans(tasks: dict[str, Task], file_lines: list[str]) -> None:
    for task in tasks.values():
        assert file_lines[task.line_start - 1].startswith(task.id + " ")
        assert task.line_start <= task.deliverables[0].line_start
        assert task.deliverables[-1].line_end <= task.line_end
        for d in task.deliverables:
            assert d.line_start <= d.line_end
            assert d.text.split()[0] in file_lines[d.line_start - 1].replace("NOUVEAU : ", "")
    assert (tasks["2.13"].line_start, tasks["2.13"].line_end) == (351, 359)


def test_codes_exist_in_glossary(tasks: dict[str, Task]) -> None:
    glossary = GLOSSARY
    for task in tasks.values():
        for code in task.organisations:
            entry = glossary.get(code)
            assert entry is not None and entry.kind == "organisation", code


def test_deliverable_before_task_is_an_error() -> None:
    lines = ["PRÉVENTION", "Objectif 1.1 : Texte.", "\tUn produit\tDébut : 2012-2013\tContinu\tSP"]
    with pytest.raises(AnnexParseError, match="line 12: deliverable row before any task"):
        parse_annex_table(lines, 10, GLOSSARY)


def test_other_structural_errors() -> None:
    head = ["PRÉVENTION", "Objectif 1.1 : Texte."]
    with pytest.raises(AnnexParseError, match="line 3: 6 cells"):
        parse_annex_table([*head, "1.11 T\tP\t2012-2013\tContinu\tSP\tX"], 1, GLOSSARY)
    with pytest.raises(AnnexParseError, match="before objective 1.2"):
        parse_annex_table([*head, "1.21 T\tP\t2012-2013\tContinu\tSP"], 1, GLOSSARY)
    with pytest.raises(AnnexParseError, match="no known organisation"):
        parse_annex_table([*head, "1.11 T\tP\t2012-2013\tContinu\tXYZ"], 1, GLOSSARY)
