"""Annex A as records: one row per deliverable, with the id of the passage that holds it.

The status filter of /search and the /tasks/view table read these rows; a deliverable's
status key is its status without the date ("Terminé (septembre 2014)" -> "Terminé").
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.chunk import status_key, task_passage_id
from indexer.index import Index
from indexer.models import Deliverable, Task
from indexer.text import fold


@dataclass(frozen=True)
class Row:
    """One deliverable of an Annex A task."""

    doc_id: str
    task: Task
    number: int  # 1-based position among the task's deliverables
    deliverable: Deliverable
    passage_id: str

    @property
    def status(self) -> str | None:
        return status_key(self.deliverable.status)


def task_order(task_id: str) -> tuple[int, ...]:
    """Sort key of a task id: "1.2" before "1.11"."""
    return tuple(int(part) for part in task_id.split(".") if part.isdigit())


class Annex:
    """Every deliverable of the index's Annex A tables, in report order."""

    def __init__(self, index: Index) -> None:
        self.rows = [
            Row(doc_id, task, n, d, task_passage_id(doc_id, task.id, n))
            for doc_id, task in index.tasks
            for n, d in enumerate(task.deliverables, start=1)
        ]
        self.status_of = {r.passage_id: r.status for r in self.rows if r.status}
        self.tasks = sorted({r.task.id for r in self.rows}, key=task_order)
        self.statuses = sorted(set(self.status_of.values()), key=fold)
        self.starts = sorted({r.deliverable.calendar for r in self.rows if r.deliverable.calendar})
        self.organisations = list(
            dict.fromkeys(o for r in self.rows for o in r.deliverable.organisations)
        )
