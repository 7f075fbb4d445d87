"""Plain data records passed between the ingestion stages and stored in the index.

Line numbers are 1-based and inclusive, counted in the original corpus file, so a
citation can point at the exact lines a passage comes from.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One report of the collection: its metadata entry and its raw text."""

    id: str
    title: str
    title_en: str
    publisher: str
    year: int
    language: str
    url: str
    file: str  # file name inside the corpus directory
    kind: str  # "ocr" (hard-wrapped OCR text) or "markdown" (one paragraph per line)
    text: str
    sha256: str

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def source_lines(self, start: int, end: int) -> list[str]:
        """Lines ``start``..``end`` (1-based, inclusive) of the original file."""
        return self.lines[start - 1 : end]

    def meta(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        return data


@dataclass
class Block:
    """A paragraph (or list item, or footnote) of cleaned text with its source line span."""

    text: str
    line_start: int
    line_end: int
    kind: str = "paragraph"  # "paragraph" | "list_item" | "footnote" | "table"
    marker: str | None = None  # footnote number for footnotes ("1", "2", ...)


@dataclass
class Section:
    """A node of a document's section tree."""

    key: str  # stable, URL-safe: "3-1-2", "partie-iii", "annexe-a", "introduction"
    number: str | None  # "3.1.2", "III", "A", "2.1" or None for unnumbered headings
    title: str
    level: int  # 1 = top level
    line_start: int  # heading line
    line_end: int  # last line before the next heading of any level
    parent: str | None = None  # key of the parent section
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[Block] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The heading as a reader sees it: "3.1.2 Titre", "Partie I. Prévention"."""
        if self.number and not re.search(
            rf"(?<![\w.]){re.escape(self.number)}(?!\w|\.\w)", self.title
        ):
            return f"{self.number} {self.title}"
        return self.title


@dataclass
class Deliverable:
    """One row (or merged rows) of the Annex A table."""

    text: str
    new: bool  # the deliverable was flagged "NOUVEAU"
    calendar: str | None  # start year, e.g. "2012-2013"
    status: str | None  # "Continu", "En cours", "En suspens", "Terminé (septembre 2014)", ...
    organisations: list[str]  # canonical codes, main one first: ["IRCC", "GRC", "EDSC (PTET)"]
    organisations_inherited: bool  # empty cell: organisations come from the previous deliverable
    line_start: int
    line_end: int
    responsible_raw: str = ""  # Responsable cell text (HTML removed), inherited when empty


@dataclass
class Task:
    """A task (mesure) of the Annex A table with its deliverables."""

    id: str  # "2.13"
    pillar: str  # "Prévention", "Protection et aide accordées aux victimes", ...
    objective: str  # "2.1"
    objective_text: str
    title: str
    deliverables: list[Deliverable]
    line_start: int
    line_end: int

    @property
    def organisations(self) -> list[str]:
        """Every organisation responsible for one of the deliverables, in first-seen order."""
        seen: dict[str, None] = {}
        for d in self.deliverables:
            for org in d.organisations:
                seen.setdefault(org, None)
        return list(seen)


@dataclass
class Passage:
    """The unit of retrieval and citation."""

    id: str  # stable: "{doc_id}:{section_key}:{n}"
    doc_id: str
    section_key: str
    section_path: list[str]  # breadcrumb, outermost first
    text: str  # cleaned, readable text (what is embedded and shown)
    line_start: int
    line_end: int
    file: str
    kind: str = "text"  # "text" | "footnote" | "task" (a deliverable) | "task-overview"
    task_id: str | None = None
    organisations: list[str] = field(default_factory=list)
    # what is embedded and BM25-indexed instead of ``text`` when the two differ: a task
    # passage shows organisation names in both languages but is indexed with the French ones
    # only, or every English question naming an organisation would match the Annex first
    index_text: str | None = None

    @property
    def indexed_text(self) -> str:
        """The text that is embedded and BM25-indexed: ``index_text`` if set, else ``text``."""
        return self.index_text or self.text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        return cls(**data)
