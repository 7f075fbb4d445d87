"""The Markdown layout: one paragraph per line, unnumbered headings, superscript footnotes,
and the Annex A table (its rows are left to :mod:`indexer.table`)."""

from __future__ import annotations

import re

from indexer.clean import clean_paragraph, split_bullet
from indexer.models import Block, Document, Section
from indexer.structure.tree import (
    SUPERSCRIPTS,
    Builder,
    HeadingRule,
    Structure,
    heading_rules,
    match_level1,
)

MD_FOOTNOTE = re.compile(r"^([¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s+\S")
TOC_ENTRY = re.compile(r"\t\s*\d+\s*$")


def parse_markdown(doc: Document) -> Structure:
    rules, pillar_re, objective_re = heading_rules()
    builder = Builder(doc)
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
        matched = match_level1(plain, rules)
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


def _annex_line(builder: Builder, plain: str, number: int, pillar_re, objective_re) -> None:
    if "\t" in plain:
        return  # a table row: indexer.table turns rows into task records
    objective = objective_re.match(plain)
    if objective:
        section = builder.open(objective["number"], f"Objectif {objective['number']}", 3, number)
        section.blocks.append(Block(plain, number, number))
    elif pillar_re.match(plain):
        builder.open(None, plain.capitalize(), 2, number)


def _add_markdown_block(builder: Builder, line: str, plain: str, number: int) -> None:
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
