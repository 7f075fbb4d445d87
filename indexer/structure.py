"""Section tree and clean paragraphs of one document, each with its source line span.

Two layouts are understood: ``markdown`` (one paragraph per line, unnumbered headings,
superscript footnotes) and ``ocr`` (hard-wrapped lines, numbered headings such as
``3.1.6.1 Titre``, pages whose first line starts with a space, footnotes at page bottom).
Footnotes are lifted out of the text flow, and paragraphs they (or a page break) split in
two are joined again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from indexer.clean import clean_paragraph, reflow, split_bullet
from indexer.models import Block, Document, Section
from indexer.resources import package_json

MD_FOOTNOTE = re.compile(r"^([¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s+\S")
OCR_FOOTNOTE = re.compile(r"^([!°®©*]|\d{1,2}|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s+\S")
NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\s+(\S.*)$")
TOC_ENTRY = re.compile(r"\t\s*\d+\s*$")
SUPERSCRIPTS = str.maketrans("¹²³⁴⁵⁶⁷⁸⁹⁰", "1234567890")
TERMINAL = (".", "!", "?", ":", ";", "»", ")", "…")


@dataclass(frozen=True)
class HeadingRule:
    pattern: re.Pattern[str]
    skip: bool = False
    subheadings: bool = True
    table: bool = False


@dataclass
class Structure:
    """A parsed document: its sections in reading order (a tree through ``Section.parent``)."""

    doc: Document
    sections: list[Section]
    table_span: tuple[int, int] | None = None  # lines of the annex table, parsed by indexer.table

    def path(self, key: str) -> list[str]:
        """Breadcrumb of section ``key``: titles from the top level down."""
        by_key = {s.key: s for s in self.sections}
        trail: list[str] = []
        node = by_key.get(key)
        while node is not None:
            trail.append(node.label)
            node = by_key.get(node.parent) if node.parent else None
        return trail[::-1]


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


@dataclass
class _Builder:
    """Accumulates sections while the document is read top to bottom."""

    doc: Document
    sections: list[Section] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def open(self, number: str | None, title: str, level: int, line: int) -> Section:
        parent = next((s.key for s in reversed(self.sections) if s.level < level), None)
        key = _unique(_key_for(number, title), self.keys)
        section = Section(key, number, title, level, line, line, parent)
        self.sections.append(section)
        return section

    @property
    def current(self) -> Section:
        if not self.sections:
            self.open(None, self.doc.title, 1, 1)
        return self.sections[-1]


@cache
def _rules() -> tuple[list[HeadingRule], re.Pattern[str], re.Pattern[str]]:
    data = package_json("indexer", "data/headings.json")
    rules = [
        HeadingRule(
            re.compile(r["pattern"]),
            r.get("skip", False),
            r.get("subheadings", True),
            r.get("table", False),
        )
        for r in data["level1"]
    ]
    return rules, re.compile(data["annex_pillar"]), re.compile(data["annex_objective"])


def parse_structure(doc: Document) -> Structure:
    """Split ``doc`` into sections with cleaned paragraph and footnote blocks."""
    if doc.kind == "ocr":
        structure = _parse_ocr(doc)
    else:
        structure = _parse_markdown(doc)
    _close_spans(structure.sections, len(doc.lines))
    for section in structure.sections:
        section.blocks = _rejoin(section.blocks)
    return structure


# --- markdown layout -------------------------------------------------------------------


def _parse_markdown(doc: Document) -> Structure:
    rules, pillar_re, objective_re = _rules()
    builder = _Builder(doc)
    rule: HeadingRule | None = None  # rule of the current level-1 section
    table_start: int | None = None
    table_end: int | None = None
    lines = doc.lines
    pending_title: Section | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if rule is not None and rule.skip and TOC_ENTRY.search(line):
            continue  # "Partie I : Prévention<TAB>6" in the table of contents
        plain = clean_paragraph(line, "markdown")
        matched = _match_level1(plain, rules)
        if matched:
            rule, heading_number, complete = matched
            table_end = number - 1 if table_start and not table_end else table_end
            if rule.skip:
                continue
            section = builder.open(heading_number, plain, 1, number)
            pending_title = None if complete else section
            table_start = number if rule.table else table_start
            continue
        if rule is None or rule.skip:
            continue  # front matter before the first heading, or the table of contents
        if pending_title is not None and _title_like(plain):
            pending_title.title = f"{pending_title.title} : {plain}"
            pending_title = None
            continue
        pending_title = None
        if rule.table:
            _annex_line(builder, plain, number, pillar_re, objective_re)
        elif rule.subheadings and _title_like(plain) and "\t" not in line:
            builder.open(None, plain, 2, number)
        else:
            _add_markdown_block(builder, line, plain, number)
    span = (table_start, table_end or len(lines)) if table_start else None
    return Structure(doc, builder.sections, span)


def _match_level1(
    plain: str, rules: list[HeadingRule]
) -> tuple[HeadingRule, str | None, bool] | None:
    """The rule a level-1 heading matches, its number, and whether its title is on the line."""
    for rule in rules:
        match = rule.pattern.match(plain)
        if match:
            groups = match.groupdict()
            number = groups.get("number")
            return rule, number, not number or bool(groups.get("title"))
    return None


def _annex_line(builder: _Builder, plain: str, number: int, pillar_re, objective_re) -> None:
    if "\t" in plain:
        return  # a table row: indexer.table turns rows into task records
    objective = objective_re.match(plain)
    if objective:
        section = builder.open(objective["number"], f"Objectif {objective['number']}", 3, number)
        section.blocks.append(Block(plain, number, number))
    elif pillar_re.match(plain):
        builder.open(None, plain.capitalize(), 2, number)


def _add_markdown_block(builder: _Builder, line: str, plain: str, number: int) -> None:
    footnote = MD_FOOTNOTE.match(line)
    if footnote:
        marker = footnote.group(1).translate(SUPERSCRIPTS)
        text = plain[len(footnote.group(1)) :].strip()
        builder.current.footnotes.append(Block(text, number, number, "footnote", marker))
        return
    is_item, text = split_bullet(plain)
    builder.current.blocks.append(
        Block(text, number, number, "list_item" if is_item else "paragraph")
    )


def _title_like(text: str) -> bool:
    words = text.split()
    return (
        0 < len(words) <= 22
        and len(text) <= 140
        and text[0].isupper()
        and not text.endswith((".", ",", ";", ":"))
        and "http" not in text
        and not MD_FOOTNOTE.match(text)
    )


# --- OCR layout ------------------------------------------------------------------------


def _parse_ocr(doc: Document) -> Structure:
    rules, _, _ = _rules()
    builder = _Builder(doc)
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
        elif len(run.lines) == 1 and _match_level1(first, rules):
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


def _add_ocr_blocks(builder: _Builder, run: _Run) -> None:
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


# --- shared ----------------------------------------------------------------------------


def _rejoin(blocks: list[Block]) -> list[Block]:
    """Join a paragraph cut by a page break or a footnote with its lowercase continuation."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if previous and _is_cut(previous.text) and _continues(block.text):
            joined[-1] = Block(
                f"{previous.text} {block.text}",
                previous.line_start,
                block.line_end,
                previous.kind,
            )
        else:
            joined.append(block)
    return joined


def _is_cut(text: str) -> bool:
    return bool(text) and not text.rstrip().endswith(TERMINAL)


def _continues(text: str) -> bool:
    letter = next((c for c in text if c.isalpha()), "")
    return letter.islower()


def _close_spans(sections: list[Section], last_line: int) -> None:
    """Each section ends on the line before the next heading."""
    for current, following in zip(sections, sections[1:], strict=False):
        current.line_end = max(current.line_start, following.line_start - 1)
    if sections:
        sections[-1].line_end = last_line


def _key_for(number: str | None, title: str) -> str:
    source = number if number and re.fullmatch(r"[\d.]+", number) else title
    slug = re.sub(r"[^a-z0-9]+", "-", _ascii(source).lower()).strip("-")
    return slug[:48].rstrip("-") or "section"


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate, n = f"{key}-{n}", n + 1
    used.add(candidate)
    return candidate
