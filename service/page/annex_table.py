"""The Annex A table of /tasks/view: deliverable rows filtered by organisation, status and
start year, and sorted by a column."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.text import fold
from service.annex import Annex, Row, task_order

SORTS = ("task", "start", "status", "org")
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class TableQuery:
    """Valid filters (canonical values) and the sort of the table."""

    org: str | None = None  # glossary code
    status: str | None = None  # status key
    start: str | None = None  # "2012-2013"
    sort: str = "task"
    order: str = "asc"

    def accepts(self, row: Row) -> bool:
        d = row.deliverable
        return (
            (self.org is None or self.org in d.organisations)
            and (self.status is None or row.status == self.status)
            and (self.start is None or d.calendar == self.start)
        )


def _sort_key(column: str):
    def key(row: Row) -> tuple:
        d = row.deliverable
        position = (task_order(row.task.id), row.number)
        if column == "start":
            return (d.calendar or "9999", *position)
        if column == "status":
            return (fold(row.status or "~"), *position)
        if column == "org":
            return (fold(d.organisations[0] if d.organisations else "~"), *position)
        return position

    return key


def table_rows(annex: Annex, query: TableQuery) -> list[Row]:
    """The rows ``query`` keeps, in its order; ties keep the report's order."""
    rows = sorted((r for r in annex.rows if query.accepts(r)), key=_sort_key(query.sort))
    if query.order == "desc":
        rows.reverse()
    return rows
