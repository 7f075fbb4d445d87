"""The filters of /search, /search.csv and the page: validation and facet counts.

A filter value is checked against what the index holds; an unknown one raises
``UnknownFilterValue`` (a 422 on the API), which names the value and the valid choices.
Organisations are accepted by any code or name in either language (RCMP -> GRC), statuses
by their French key or their English label (On hold -> En suspens).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from indexer.models import Passage
from indexer.text import fold
from service.engine import Engine
from service.i18n import strings
from service.search import Filters
from service.validation import InvalidInput

FACETS = ("doc", "org", "task", "status", "kind")
KINDS = ("text", "footnote", "task", "task-overview")


class UnknownFilterValue(InvalidInput):
    """A filter value the index does not know."""

    def __init__(self, name: str, value: str, choices: Iterable[str]) -> None:
        self.name, self.value, self.choices = name, value, list(choices)
        super().__init__(f"{name}: unknown value {value!r}; valid: {', '.join(self.choices)}")


@dataclass(frozen=True)
class Choices:
    """The values each filter can take in the loaded index, in display order."""

    doc: list[str]
    org: list[str]
    task: list[str]
    status: list[str]
    kind: list[str]

    @classmethod
    def of(cls, engine: Engine) -> Choices:
        annex = engine.searcher.annex
        passages = engine.index.passages
        orgs = dict.fromkeys(o for p in passages for o in p.organisations)
        present = {p.kind for p in passages}
        return cls(
            doc=[d["id"] for d in engine.index.documents],
            org=sorted(orgs, key=fold),
            task=annex.tasks,
            status=annex.statuses,
            kind=[k for k in KINDS if k in present] + sorted(present - set(KINDS)),
        )


def resolve(engine: Engine, values: Mapping[str, str | None]) -> Filters | None:
    """``Filters`` from the query parameters doc, section, org, task, status, kind (None when
    none is set); raises ``UnknownFilterValue`` on the first unknown value."""
    filters, errors = resolve_all(engine, values)
    if errors:
        raise errors[0]
    return filters


def resolve_all(
    engine: Engine, values: Mapping[str, str | None]
) -> tuple[Filters | None, list[UnknownFilterValue]]:
    """Like ``resolve``, but keeps the valid filters and returns every unknown value."""
    choices = Choices.of(engine)
    canonical: dict[str, str] = {}
    errors: list[UnknownFilterValue] = []
    for name in (*FACETS, "section"):
        raw = (values.get(name) or "").strip()
        if not raw:
            continue
        value = raw if name == "section" else _canonical(engine, choices, name, raw)
        if value is None:
            errors.append(UnknownFilterValue(name, raw, getattr(choices, name)))
        else:
            canonical[name] = value
    return (Filters(**canonical) if canonical else None), errors


def _canonical(engine: Engine, choices: Choices, name: str, raw: str) -> str | None:
    if name == "org":
        code = engine.index.glossary.resolve(raw)
        return code if code in choices.org else None
    if name == "status":
        labels = strings("statuses")
        for key in choices.status:
            names = (key, labels["en"].get(key, key))
            if fold(raw.split("(")[0].strip()) in {fold(n) for n in names}:
                return key
        return None
    known: list[str] = getattr(choices, name)
    return raw if raw in known else None


def facet_counts(
    passages: Iterable[Passage], filters: Filters | None, status_of: Mapping[str, str]
) -> dict[str, Counter[str]]:
    """For each facet, how many passages each of its values leaves when it is added to the
    other filters (a filtered search ranks every passage that passes its filters)."""
    filters = filters or Filters()
    counts: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    others = {name: replace(filters, **{name: None}) for name in FACETS}
    for passage in passages:
        status = status_of.get(passage.id)
        for name in FACETS:
            if others[name].accepts(passage, status):
                counts[name].update(_values(passage, name, status))
    return counts


def _values(passage: Passage, name: str, status: str | None) -> list[str]:
    if name == "doc":
        return [passage.doc_id]
    if name == "org":
        return list(dict.fromkeys(passage.organisations))
    if name == "task":
        return [passage.task_id] if passage.task_id else []
    if name == "status":
        return [status] if status else []
    return [passage.kind]
