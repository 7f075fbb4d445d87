"""The section tree both layouts build: heading rules (``data/headings.json``), the section
builder, the joining of paragraphs cut by a page break or a footnote, section keys."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from indexer.models import Block, Document, Section
from indexer.resources import package_json
from indexer.text import fold

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
class Builder:
    """Accumulates sections while the document is read top to bottom."""

    doc: Document
    sections: list[Section] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def open(self, number: str | None, title: str, level: int, line: int) -> Section:
        parent = next((s.key for s in reversed(self.sections) if s.level < level), None)
        key = unique(key_for(number, title), self.keys)
        section = Section(key, number, title, level, line, line, parent)
        self.sections.append(section)
        return section

    @property
    def current(self) -> Section:
        if not self.sections:
            self.open(None, self.doc.title, 1, 1)
        return self.sections[-1]


@cache
def heading_rules() -> tuple[list[HeadingRule], re.Pattern[str], re.Pattern[str]]:
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


def match_level1(
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


def rejoin(blocks: list[Block]) -> list[Block]:
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


def close_spans(sections: list[Section], last_line: int) -> None:
    """Each section ends on the line before the next heading."""
    for current, following in zip(sections, sections[1:], strict=False):
        current.line_end = max(current.line_start, following.line_start - 1)
    if sections:
        sections[-1].line_end = last_line


def key_for(number: str | None, title: str) -> str:
    source = number if number and re.fullmatch(r"[\d.]+", number) else title
    slug = re.sub(r"[^a-z0-9]+", "-", fold(source)).strip("-")
    return slug[:48].rstrip("-") or "section"


def unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate, n = f"{key}-{n}", n + 1
    used.add(candidate)
    return candidate
