"""Annex A answers read from the Task and Deliverable records of the index: a task named by
its id, a deliverable named by its content (who is responsible, its status, its calendar),
the tasks of an organisation, the deliverables on hold or new.

Each claim cites the passage of the deliverable record behind it (found by task id and
source line), else the task overview.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.lexicon import Glossary
from indexer.models import Deliverable, Passage, Task
from service.answers.render import quote, status
from service.i18n import t
from service.query import Query
from service.search import Hit

TASK_INTENTS = {"responsible", "status", "calendar", "description"}
SHORT = 90


@dataclass
class TaskAnswer:
    text: str
    citations: list[Hit]
    short_answer: str | None = None
    answered: bool = True


class AnnexA:
    """The Annex A records of an index and the passages that show them."""

    def __init__(self, tasks: list[Task], passages: list[Passage], glossary: Glossary) -> None:
        self.tasks = {task.id: task for task in tasks}
        self.glossary = glossary
        self._rows: dict[tuple[str, int], Passage] = {}  # (task id, first line) -> row passage
        self._overviews: dict[str, Passage] = {}
        for p in passages:
            if p.kind == "task" and p.task_id:
                self._rows.setdefault((p.task_id, p.line_start), p)
            elif p.kind == "task-overview" and p.task_id:
                self._overviews[p.task_id] = p

    def passage_of(self, task: Task, deliverable: Deliverable) -> Passage | None:
        return self._rows.get((task.id, deliverable.line_start)) or self._overviews.get(task.id)

    def deliverable_of(self, passage: Passage, text: str = "") -> tuple[Task, Deliverable] | None:
        """The record a deliverable passage shows (same task, same first source line); in a
        task overview, the deliverable whose text ``text`` (a sentence of it) quotes."""
        task = self.tasks.get(passage.task_id or "")
        if task is None:
            return None
        if passage.kind == "task":
            for d in task.deliverables:
                if d.line_start <= passage.line_start <= d.line_end:
                    return task, d
        if passage.kind == "task-overview" and text:
            for d in task.deliverables:
                if d.text[:60] in text or text.strip("- ")[:60] in d.text:
                    return task, d
        return None

    # --- a task named by its id -----------------------------------------------------------

    def task_answer(self, query: Query, hits: list[Hit], k: int) -> TaskAnswer:
        task = self.tasks[query.task_ids[0]]
        lang = query.language
        cited = [h for h in hits if h.passage.task_id == task.id][:k]
        intents = (query.intents & TASK_INTENTS) or {"description", "responsible"}
        parts = []
        if "description" in intents:
            parts.append(
                t("answers", "task_describe", lang, task=task.id, objective=task.objective,
                  title=task.title)
            )  # fmt: skip
        if "responsible" in intents:
            names = [
                f"{self._org_label(code, lang)} {_marker(cited, _responsible_for(code))}"
                for code in task.organisations
            ]
            parts.append(
                t("answers", "task_responsible", lang, task=task.id, names=", ".join(names))
            )
        for field in ("status", "calendar"):
            if field in intents:
                items = [self._item(task, d, field, lang, cited) for d in task.deliverables]
                parts.append(t("answers", f"deliverable_{field}", lang, items="; ".join(items)))
        rest = [h for h in hits if h not in cited][: k - len(cited)]
        return TaskAnswer(" ".join(parts), cited + rest)

    def deliverable_list(self, query: Query, hits: list[Hit], k: int) -> TaskAnswer:
        """The deliverables of the named task, only those of the organisations the question
        names and, for "new", only the new ones."""
        task = self.tasks[query.task_ids[0]]
        orgs = [o for o in query.organisations if o in task.organisations]
        chosen = [
            d
            for d in task.deliverables
            if (not orgs or set(orgs) & set(d.organisations))
            and ("new" not in query.intents or d.new)
        ] or task.deliverables
        rows = [self.passage_of(task, d) for d in chosen]
        unique = {p.id: p for p in rows if p is not None}
        cited = [Hit(p, 1.0, matched=[f"task {task.id}"]) for p in unique.values()][:k]
        items = []
        for d, row in zip(chosen, rows, strict=True):
            mark = _marker(cited, lambda p, r=row: r is not None and p.id == r.id)
            items.append(f"« {_short(d.text, 2 * SHORT)} » {mark}".strip())
        who = f" ({', '.join(self._org_label(o, query.language) for o in orgs)})" if orgs else ""
        text = t("answers", "task_deliverables", query.language, task=task.id, who=who,
                 items="; ".join(items))  # fmt: skip
        return TaskAnswer(text, cited)

    def _item(self, task: Task, d: Deliverable, field: str, lang: str, cited: list[Hit]) -> str:
        row = self.passage_of(task, d)
        mark = _marker(cited, lambda p: row is not None and p.id == row.id)
        value = status(d.status, lang) if field == "status" else d.calendar or "?"
        key = f"deliverable_item_{field}"
        return t("answers", key, lang, text=_short(d.text), status=value, calendar=value,
                 marker=mark).strip()  # fmt: skip

    # --- a deliverable named by its content -----------------------------------------------

    def deliverable_answer(
        self, query: Query, kind: str, task: Task, d: Deliverable, n: int
    ) -> tuple[str, str]:
        """(answer text, short answer) for deliverable ``d`` cited as ``[n]``: who is
        responsible, its status or its calendar, whichever the question asks."""
        lang = query.language
        names = ", ".join(self._org_label(code, lang) for code in d.organisations)
        state = status(d.status, lang)
        calendar = d.calendar or t("answers", "unknown_calendar", lang)
        if kind == "date" or ("calendar" in query.intents and "status" not in query.intents):
            field, short = "calendar", calendar
        elif "status" in query.intents:
            field, short = "status", state
        else:
            field, short = "responsible", names
        text = t("answers", f"deliverable_answer_{field}", lang, names=names, status=state,
                 calendar=calendar, text=quote(d.text), marker=f"[{n}]")  # fmt: skip
        return text, short

    # --- lists over the records -----------------------------------------------------------

    def organisation_tasks(self, query: Query, k: int) -> TaskAnswer | None:
        code = query.organisations[0]
        tasks = [task for task in self.tasks.values() if code in task.organisations]
        if not tasks:
            return None
        hits = []
        for task in tasks:
            d = next(d for d in task.deliverables if code in d.organisations)
            row = self.passage_of(task, d)
            if row is not None:
                hits.append(Hit(row, 1.0, matched=[f"organisation {code}"]))
        hits = hits[:k]
        listed = ", ".join(
            f"{task.id} {_marker(hits, lambda p, i=task.id: p.task_id == i)}".strip()
            for task in tasks
        )
        name = self._org_label(code, query.language)
        ids = ", ".join(task.id for task in tasks)  # the short answer: what was asked
        return TaskAnswer(t("answers", "organisation_tasks", query.language, name=name,
                            tasks=listed), hits, ids)  # fmt: skip

    def flagged(self, query: Query, k: int) -> TaskAnswer | None:
        on_hold = "on_hold" in query.intents
        chosen = [
            (task, d)
            for task in self.tasks.values()
            for d in task.deliverables
            if ((d.status or "").lower().startswith("en suspens") if on_hold else d.new)
        ]
        if not chosen:
            return None
        hits = [Hit(p, 1.0) for task, d in chosen if (p := self.passage_of(task, d))][:k]
        items = []
        for task, d in chosen[:k]:
            row = self.passage_of(task, d)
            mark = _marker(hits, lambda p, r=row: p is r)
            items.append(f"{task.id} « {_short(d.text)} » {mark}".strip())
        key = "flagged_on_hold" if on_hold else "flagged_new"
        text = t("answers", key, query.language, n=len(chosen), items="; ".join(items))
        return TaskAnswer(text, hits, str(len(chosen)))

    def _org_label(self, code: str, language: str) -> str:
        return self.glossary.display(code, "en" if language == "en" else "fr", "answer")


def _responsible_for(code: str):
    return lambda passage: code in passage.organisations


def _marker(hits: list[Hit], backs) -> str:
    """``[n]`` of the first hit whose passage backs the claim (``backs(passage)``): a
    deliverable row rather than the task overview, which backs every claim of its task."""
    found = [n for n, hit in enumerate(hits, start=1) if backs(hit.passage)]
    rows = [n for n in found if hits[n - 1].passage.kind != "task-overview"]
    return f"[{(rows or found)[0]}]" if found else ""


def _short(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
