"""Parser of the Annex A table (*Tableau des mesures de suivi*) of the 2014-2015 report.

The annex is a sequence of pillar lines (capitals), objective lines (``Objectif 1.1 : ...``),
repeated header rows and tab-separated rows ``Tâche | Produit livrable | Calendrier | État |
Responsable``. The table was split over pages, so a row may only continue the task title
(cell 1), continue the previous deliverable (cell 2 alone) or both continue the title and
open a new deliverable. :func:`parse_annex_table` rebuilds :class:`Task` records from it.
"""

from __future__ import annotations

import html
import re
from collections import deque
from dataclasses import dataclass

from indexer.lexicon import Glossary
from indexer.models import Deliverable, Task

HEADER = ("Tâche", "Produit livrable", "Calendrier", "État", "Responsable")
ANNEX_START = re.compile(r"^annexe\s+a\b", re.IGNORECASE)
ANNEX_END = re.compile(r"^annexe\s+b\b", re.IGNORECASE)
TASK_RE = re.compile(r"^(\d+)\.(\d{2,})\s+(.*)$")
OBJECTIVE_RE = re.compile(r"^Objectif\s+(\d+\.\d+)\s*:\s*(.+)$")
YEARS_RE = re.compile(r"\d{4}-\d{4}")
STATUS_RE = re.compile(r"Continu|En cours|En suspens|Annulé|Reporté|Terminé(?:\s*\([^)]*\))?")
NEW_RE = re.compile(r"^NOUVEAU\s*:\s*")
TAG_RE = re.compile(r"<[^>]*>")
MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$])")
END_OF_SENTENCE = (".", "!", "?", ";", ":")


class AnnexParseError(ValueError):
    """The Annex A table is structurally broken; the message gives the file line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


@dataclass
class _Row:
    """One tab-separated row, its cells cleaned of HTML."""

    line: int
    title: str
    text: str
    calendar: str
    status: str
    responsible: str

    @property
    def has_values(self) -> bool:
        return bool(self.calendar or self.status or self.responsible)


def clean_cell(cell: str) -> str:
    """Remove HTML tags, entities and Markdown escapes; normalise spacing."""
    text = html.unescape(TAG_RE.sub(" ", cell))
    text = MD_ESCAPE_RE.sub(r"\1", text)
    text = " ".join(text.split())
    return re.sub(r"\s+([,.)])", r"\1", text).replace("( ", "(")


def find_annex_span(lines: list[str]) -> tuple[int, int] | None:
    """1-based inclusive span of Annex A in a whole file, trailing blank lines excluded."""
    start = next((i for i, ln in enumerate(lines) if _is_heading(ln, ANNEX_START)), None)
    if start is None:
        return None
    after = (i for i in range(start + 1, len(lines)) if _is_heading(lines[i], ANNEX_END))
    end = next(after, len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return start + 1, end


def _is_heading(line: str, pattern: re.Pattern[str]) -> bool:
    return "\t" not in line and bool(pattern.match(line.strip()))


def _split_row(line: str, number: int) -> _Row:
    cells = [clean_cell(c) for c in line.split("\t")]
    if len(cells) > len(HEADER):
        raise AnnexParseError(number, f"{len(cells)} cells, expected at most {len(HEADER)}")
    cells += [""] * (len(HEADER) - len(cells))
    return _Row(number, *cells)


def _is_pillar(line: str) -> bool:
    return any(c.isalpha() for c in line) and line == line.upper()


def _sentence_case(text: str) -> str:
    lower = text.lower()
    return lower[:1].upper() + lower[1:]


def _calendars(cell: str) -> list[str | None]:
    """Start years of a Calendrier cell (several when the cell merges several rows)."""
    years = YEARS_RE.findall(cell)
    if years:
        return list(years)
    cell = re.sub(r"^Début\s*:\s*", "", cell)
    return [cell or None]


def _statuses(cell: str) -> list[str | None]:
    """Status values of an État cell, kept verbatim unless the cell merges several."""
    found = [m.group(0) for m in STATUS_RE.finditer(cell)]
    if len(found) > 1 and " ".join(found) == cell:
        return list(found)
    return [cell or None]


class _AnnexParser:
    """State machine over the annex lines."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.pillar: str | None = None
        self.objectives: dict[str, str] = {}
        self.tasks: list[Task] = []
        # values of a merged Calendrier/État cell, waiting for the rows they belong to
        self.pending: deque[tuple[str | None, str | None]] = deque()

    def feed(self, line: str, number: int) -> None:
        stripped = line.strip()
        if not stripped:
            return
        if "\t" in line or TASK_RE.match(stripped):
            row = _split_row(line.rstrip("\n"), number)
            if (row.title, row.text, row.calendar, row.status, row.responsible) != HEADER:
                self._row(row)
        elif match := OBJECTIVE_RE.match(stripped):
            self.objectives[match.group(1)] = clean_cell(match.group(2))
        elif _is_pillar(stripped) and not ANNEX_START.match(stripped):
            self.pillar = _sentence_case(clean_cell(stripped))

    def _row(self, row: _Row) -> None:
        if match := TASK_RE.match(row.title):
            self._open_task(row, *match.groups())
        elif row.title:
            task = self._current(row, "task title continuation before any task")
            task.title = f"{task.title} {row.title}"
            task.line_end = row.line
        if row.text:
            self._deliverable(row)
        elif row.has_values:
            raise AnnexParseError(row.line, "calendar/status/responsible without a deliverable")

    def _open_task(self, row: _Row, major: str, minor: str, title: str) -> None:
        if self.pillar is None:
            raise AnnexParseError(row.line, "task before any pillar heading")
        objective = f"{major}.{minor[:-1]}"
        if objective not in self.objectives:
            raise AnnexParseError(row.line, f"task {major}.{minor} before objective {objective}")
        task_id = f"{major}.{minor}"
        if any(t.id == task_id for t in self.tasks):
            raise AnnexParseError(row.line, f"duplicate task {task_id}")
        self.pending.clear()
        self.tasks.append(
            Task(
                id=task_id,
                pillar=self.pillar,
                objective=objective,
                objective_text=self.objectives[objective],
                title=title,
                deliverables=[],
                line_start=row.line,
                line_end=row.line,
            )
        )

    def _current(self, row: _Row, what: str) -> Task:
        if not self.tasks:
            raise AnnexParseError(row.line, what)
        return self.tasks[-1]

    def _deliverable(self, row: _Row) -> None:
        task = self._current(row, "deliverable row before any task")
        task.line_end = row.line
        previous = task.deliverables[-1] if task.deliverables else None
        if previous and not row.has_values and not self.pending and _continues(previous, row):
            previous.text = f"{previous.text} {row.text}"
            previous.line_end = row.line
            return
        task.deliverables.append(self._new_deliverable(row, previous))

    def _new_deliverable(self, row: _Row, previous: Deliverable | None) -> Deliverable:
        calendar, status = self._values(row)
        text, new = NEW_RE.sub("", row.text), bool(NEW_RE.match(row.text))
        if row.responsible:
            organisations = self.glossary.split_responsible(row.responsible)
            if not organisations:
                raise AnnexParseError(row.line, f"no known organisation in {row.responsible!r}")
            raw, inherited = row.responsible, False
        elif previous is not None:
            organisations, raw = list(previous.organisations), previous.responsible_raw
            inherited = True
        else:
            organisations, raw, inherited = [], "", False
        return Deliverable(
            text=text,
            new=new,
            calendar=calendar,
            status=status,
            organisations=organisations,
            organisations_inherited=inherited,
            line_start=row.line,
            line_end=row.line,
            responsible_raw=raw,
        )

    def _values(self, row: _Row) -> tuple[str | None, str | None]:
        """Calendar and status of a new deliverable; extra merged values are queued."""
        if not (row.calendar or row.status):
            return self.pending.popleft() if self.pending else (None, None)
        self.pending.clear()
        calendars, statuses = _calendars(row.calendar), _statuses(row.status)
        width = max(len(calendars), len(statuses))
        calendars += [None] * (width - len(calendars))
        statuses += [None] * (width - len(statuses))
        self.pending.extend(zip(calendars[1:], statuses[1:], strict=True))
        # The row that carries a merged cell starts in its first year and is now in the
        # cell's latest state ("En cours Terminé (septembre 2014)" -> Terminé).
        latest = next((s for s in reversed(statuses) if s), None)
        return calendars[0], latest


def _continues(previous: Deliverable, row: _Row) -> bool:
    """A values-less row continues the previous deliverable's sentence."""
    first = row.text[:1]
    return not previous.text.endswith(END_OF_SENTENCE) or first.islower() or first == "«"


def parse_annex_table(lines: list[str], first_line: int, glossary: Glossary) -> list[Task]:
    """Tasks of the Annex A table.

    ``lines`` is the annex slice of the file and ``first_line`` the 1-based file line
    number of ``lines[0]``; every record carries 1-based file line spans. Organisations
    are canonical codes of ``glossary``.
    Raises :class:`AnnexParseError` when the table is structurally broken.
    """
    parser = _AnnexParser(glossary)
    for offset, line in enumerate(lines):
        parser.feed(line, first_line + offset)
    return parser.tasks
