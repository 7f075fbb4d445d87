"""Passages: the citable units cut from a parsed document.

Text passages never cross a section boundary: a short section is one passage, a long one is
split with langchain's RecursiveCharacterTextSplitter on paragraph, sentence and clause
boundaries, and each piece keeps the source line span of the paragraphs it overlaps.
Footnotes become their own passages under the section that cites them. Each Annex A task
becomes an overview passage (title, responsible organisations, every deliverable with its
status) followed by one passage per deliverable with its calendar, status and responsible
organisations, spelled out in French and English for the reader but indexed in French only.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from langchain_text_splitters import RecursiveCharacterTextSplitter

from indexer.lexicon import Glossary
from indexer.models import Block, Deliverable, Passage, Section, Task
from indexer.structure import Structure

SEPARATORS = ["\n\n", "\n", ". ", "; ", " : ", ", ", " ", ""]
OVERVIEW = "apercu"  # passage id suffix of a task's overview
SUPERSCRIPT = dict(zip("1234567890", "¹²³⁴⁵⁶⁷⁸⁹⁰", strict=True))


def build_passages(
    structure: Structure,
    tasks: list[Task],
    glossary: Glossary,
    chunk_size: int = 900,
    chunk_overlap: int = 150,
) -> list[Passage]:
    """All passages of one document in reading order (by first source line)."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        separators=SEPARATORS,
        keep_separator="end",
        add_start_index=True,
        strip_whitespace=True,
    )
    passages: list[Passage] = []
    for section in structure.sections:
        passages += _section_passages(structure, section, splitter, chunk_size)
    passages += _footnote_passages(structure)
    passages += task_passages(structure, tasks, glossary)
    return sorted(passages, key=_reading_order)


def _reading_order(passage: Passage) -> tuple[int, bool, int]:
    """Source-line order, a task's overview before the deliverable rows it spans."""
    return (passage.line_start, passage.kind != "task-overview", passage.line_end)


def _section_passages(
    structure: Structure, section: Section, splitter, chunk_size: int
) -> list[Passage]:
    if not section.blocks:
        return []
    text, offsets = _join(section.blocks)
    if len(text) <= chunk_size * 1.25:
        pieces = [(text, 0)]
    else:
        pieces = [
            (d.page_content, d.metadata["start_index"]) for d in splitter.create_documents([text])
        ]
    passages = []
    for n, (piece, start) in enumerate(pieces, start=1):
        covered = [
            b
            for b, (lo, hi) in zip(section.blocks, offsets, strict=True)
            if lo < start + len(piece) and hi > start
        ]
        passages.append(
            _passage(structure, section, f"{n}", piece, covered or section.blocks, kind="text")
        )
    return passages


def _join(blocks: list[Block]) -> tuple[str, list[tuple[int, int]]]:
    """Section text with one paragraph per line group, and each block's character span in it."""
    parts, offsets, position = [], [], 0
    for block in blocks:
        text = f"- {block.text}" if block.kind == "list_item" else block.text
        parts.append(text)
        offsets.append((position, position + len(text)))
        position += len(text) + 2
    return "\n\n".join(parts), offsets


def _footnote_passages(structure: Structure) -> list[Passage]:
    passages = []
    for section in structure.sections:
        for note in section.footnotes:
            citing = _citing_section(structure, note) or section
            numbered = bool(note.marker and note.marker.isdigit())
            label = f"Note {note.marker}" if numbered else "Note"
            path = structure.path(citing.key) + [label]
            suffix = f"fn{note.marker}" if numbered else f"fn-l{note.line_start}"
            passages.append(
                Passage(
                    id=f"{structure.doc.id}:{citing.key}:{suffix}",
                    doc_id=structure.doc.id,
                    section_key=citing.key,
                    section_path=path,
                    text=note.text,
                    line_start=note.line_start,
                    line_end=note.line_end,
                    file=structure.doc.file,
                    kind="footnote",
                )
            )
    return passages


def _citing_section(structure: Structure, note: Block) -> Section | None:
    """The section whose body carries the footnote's superscript marker."""
    if not note.marker or not note.marker.isdigit():
        return None
    mark = "".join(SUPERSCRIPT[d] for d in note.marker)
    for section in structure.sections:
        for block in section.blocks:
            if mark in block.text:
                return section
    return None


def task_passage_id(doc_id: str, task_id: str, part: int | str) -> str:
    """Id of a task's passage: its overview (``part`` = OVERVIEW) or its ``part``-th (1-based)
    deliverable."""
    return f"{doc_id}:tache-{task_id}:{part}"


def status_key(status: str | None) -> str | None:
    """A deliverable's status without its date or note: "Terminé (septembre 2014)" ->
    "Terminé" (what the status filter matches)."""
    if not status:
        return None
    return status.split("(")[0].strip() or None


def deliverable_statuses(tasks: Iterable[tuple[str, Task]]) -> dict[str, str]:
    """Passage id of each deliverable -> its status key, from (doc id, task) records."""
    return {
        task_passage_id(doc_id, task.id, n): key
        for doc_id, task in tasks
        for n, d in enumerate(task.deliverables, start=1)
        if (key := status_key(d.status))
    }


def task_passages(structure: Structure, tasks: list[Task], glossary: Glossary) -> list[Passage]:
    """Per Annex A task, an overview (``tache-{id}:apercu``) then one passage per deliverable."""
    objectives = {s.number: s for s in structure.sections if s.title.startswith("Objectif")}
    passages = []
    for task in tasks:
        objective = objectives.get(task.objective)
        task_passage = partial(
            Passage,
            doc_id=structure.doc.id,
            section_key=objective.key if objective else "annexe",
            section_path=(structure.path(objective.key) if objective else [task.pillar])
            + [f"Tâche {task.id}"],
            file=structure.doc.file,
            task_id=task.id,
        )
        passages.append(
            task_passage(
                id=task_passage_id(structure.doc.id, task.id, OVERVIEW),
                kind="task-overview",
                text=render_task(task, glossary, english=True),
                index_text=render_task(task, glossary, english=False),
                line_start=task.line_start,
                line_end=task.line_end,
                organisations=task.organisations,
            )
        )
        for n, deliverable in enumerate(task.deliverables, start=1):
            passages.append(
                task_passage(
                    id=task_passage_id(structure.doc.id, task.id, n),
                    kind="task",
                    text=render_deliverable(task, deliverable, glossary, english=True),
                    index_text=render_deliverable(task, deliverable, glossary, english=False),
                    line_start=deliverable.line_start,
                    line_end=deliverable.line_end,
                    organisations=list(deliverable.organisations),
                )
            )
    return passages


def render_task(task: Task, glossary: Glossary, english: bool) -> str:
    """A whole task in a few lines: title, who is responsible, then each deliverable.
    ``english`` adds the English names of the organisations."""
    orgs = "; ".join(
        glossary.display(code, "fr+en" if english else "fr") for code in task.organisations
    )
    lines = [
        f"Tâche {task.id} : {task.title}",
        f"Responsables : {orgs or 'non précisé'}",
        "Produits livrables :",
    ]
    for d in task.deliverables:
        new = "NOUVEAU : " if d.new else ""
        who = ", ".join(d.organisations) or "non précisé"
        lines.append(f"- {new}{d.text} ({d.status or 'état non précisé'} ; {who})")
    return "\n".join(lines)


def render_deliverable(
    task: Task, deliverable: Deliverable, glossary: Glossary, english: bool
) -> str:
    """A deliverable as readable text that carries everything a reader asks about.
    ``english`` adds the English names of the organisations."""
    new = "NOUVEAU : " if deliverable.new else ""
    codes = deliverable.organisations
    orgs = (
        "; ".join(glossary.display(code, "fr+en" if english else "fr") for code in codes)
        or "non précisé"
    )
    inherited = (
        " (même responsable que le produit précédent)"
        if deliverable.organisations_inherited
        else ""
    )
    return "\n".join(
        [
            f"Tâche {task.id} : {task.title}",
            f"Produit livrable : {new}{deliverable.text}",
            f"Calendrier : début {deliverable.calendar or 'non précisé'} · "
            f"État : {deliverable.status or 'non précisé'}",
            f"Responsable{inherited} : {orgs}",
        ]
    )


def _passage(
    structure: Structure, section: Section, suffix: str, text: str, blocks: list[Block], kind: str
) -> Passage:
    return Passage(
        id=f"{structure.doc.id}:{section.key}:{suffix}",
        doc_id=structure.doc.id,
        section_key=section.key,
        section_path=structure.path(section.key),
        text=text,
        line_start=min(b.line_start for b in blocks),
        line_end=max(b.line_end for b in blocks),
        file=structure.doc.file,
        kind=kind,
    )
