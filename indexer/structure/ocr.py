"""The OCR layout: hard-wrapped lines, numbered headings such as ``3.1.6.1 Titre``, pages
whose first line starts with a space, footnotes at the bottom of a page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.clean import clean_paragraph, reflow, split_bullet
from indexer.models import Block, Document
from indexer.structure.tree import SUPERSCRIPTS, Builder, Structure, heading_rules, match_level1

OCR_FOOTNOTE = re.compile(r"^([!°®©*]|\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s+\S")
NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\s+(\S.*)$")


@dataclass
class _Run:
    """Consecutive non-blank source lines."""

    lines: list[str]
    start: int
    page_start: bool = False
    footnote: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.lines) - 1


def parse_ocr(doc: Document) -> Structure:
    rules, _, _ = heading_rules()
    builder = Builder(doc)
    numbering: tuple[int, ...] | None = None
    for run in _mark_footnotes(_runs(doc.lines)):
        if run.footnote:
            builder.current.footnotes += _footnotes(run)
            continue
        first = clean_paragraph(run.lines[0].strip(), "ocr")
        heading = NUMBERED_HEADING.match(first)
        candidate = tuple(int(p) for p in heading.group(1).split(".")) if heading else None
        if candidate and heading.group(2)[0].isupper() and _follows(numbering, candidate):
            numbering = candidate
            title_lines = run.lines if len(run.lines) <= 2 else run.lines[:1]
            title = clean_paragraph(reflow(title_lines), "ocr")[len(heading.group(1)) :].strip()
            builder.open(heading.group(1), title.rstrip(";"), len(candidate), run.start)
            rest = run.lines[len(title_lines) :]
            if rest:
                _add_ocr_blocks(builder, _Run(rest, run.start + len(title_lines)))
        elif len(run.lines) == 1 and match_level1(first, rules):
            builder.open(None, first, 1, run.start)
        else:
            _add_ocr_blocks(builder, run)
    return Structure(doc, builder.sections)


def _runs(lines: list[str]) -> list[_Run]:
    """Group lines into runs of non-blank lines; a line with one leading space opens a page."""
    runs: list[_Run] = []
    current: _Run | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            current = None
            continue
        page_start = line.startswith(" ") and not line.startswith("  ")
        if current is None or page_start:
            current = _Run([], number, page_start)
            runs.append(current)
        current.lines.append(line)
    return runs


def _mark_footnotes(runs: list[_Run]) -> list[_Run]:
    """Flag the runs at the bottom of each page that are footnotes."""
    for index in range(len(runs)):
        at_page_end = index + 1 == len(runs) or runs[index + 1].page_start
        if not at_page_end:
            continue
        j = index
        while j >= 0 and not runs[j].page_start:
            has_marker = bool(OCR_FOOTNOTE.match(runs[j].lines[0].strip()))
            above_marked = j > 0 and bool(OCR_FOOTNOTE.match(runs[j - 1].lines[0].strip()))
            below_is_note = j < index and runs[j + 1].footnote
            if has_marker or (above_marked and below_is_note):
                runs[j].footnote = True
                j -= 1
            else:
                break
    return runs


def _footnotes(run: _Run) -> list[Block]:
    """The footnotes of a footnote run; a line that starts with a marker starts a new one."""
    notes: list[_Run] = []
    for offset, line in enumerate(run.lines):
        if not notes or OCR_FOOTNOTE.match(line.strip()):
            notes.append(_Run([], run.start + offset))
        notes[-1].lines.append(line)
    blocks = []
    for note in notes:
        text = clean_paragraph(reflow(note.lines), "ocr")
        match = OCR_FOOTNOTE.match(text)
        marker = match.group(1).translate(SUPERSCRIPTS) if match else None
        text = text[match.end(1) :].strip() if match else text
        blocks.append(Block(text, note.start, note.end, "footnote", marker))
    return blocks


def _follows(previous: tuple[int, ...] | None, candidate: tuple[int, ...]) -> bool:
    """True when ``candidate`` can be the next heading number after ``previous``."""
    if previous is None:
        return candidate in {(1,), (2,)}
    if candidate == previous + (1,):
        return True
    for depth in range(len(previous)):
        head = previous[:depth]
        if candidate[:-1] == head and len(candidate) == depth + 1:
            return 1 <= candidate[-1] - previous[depth] <= 2
    return False


def _add_ocr_blocks(builder: Builder, run: _Run) -> None:
    """Split a run at bullet lines, reflow and clean each piece."""
    pieces: list[_Run] = []
    for offset, line in enumerate(run.lines):
        starts_item = split_bullet(line.strip())[0]
        if not pieces or (starts_item and offset > 0):
            pieces.append(_Run([], run.start + offset))
        pieces[-1].lines.append(line)
    for piece in pieces:
        is_item, text = split_bullet(clean_paragraph(reflow(piece.lines), "ocr"))
        kind = "list_item" if is_item else "paragraph"
        builder.current.blocks.append(Block(text, piece.start, piece.end, kind))
