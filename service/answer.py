"""Grounded answers: from Annex A task records when the question is about tasks, otherwise
the best sentences of the retrieved passages; an explicit "not found" when evidence is weak.

Every answer quotes corpus text or task fields and points at its citations with [n].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.glossary import Glossary
from indexer.lexical import tokenize
from indexer.models import Deliverable, Passage, Task
from service.query import Query
from service.search import Hit, Searcher

SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[«(\"'A-ZÀ-Ý0-9-])|\n+")
NUMBER = re.compile(r"\d+(?:[ ,.]\d{3})*")
YEAR = re.compile(r"(19|20)\d\d")
MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
DATE_OR_ORDINAL = re.compile(rf"(?:e|er|ème|\^|\s+(?:{MONTHS})\b)", re.IGNORECASE)
TASK_INTENTS = {"responsible", "status", "calendar", "description"}
NOT_FOUND = {
    "fr": "Je n'ai pas trouvé de réponse à cette question dans les rapports. "
    "Voici les passages les plus proches.",
    "en": "I could not find an answer to this question in the reports. "
    "Here are the closest passages.",
}


@dataclass
class Answer:
    text: str
    answered: bool
    citations: list[Hit]


class Answerer:
    def __init__(self, searcher: Searcher, min_score: float, min_sentence_score: float) -> None:
        self.searcher = searcher
        self.min_score = min_score
        self.min_sentence_score = min_sentence_score
        self.glossary: Glossary = searcher.index.glossary
        self.tasks = {task.id: task for _, task in searcher.index.tasks}
        # the passages of each task, one per deliverable, in deliverable (line) order
        self.task_passages: dict[str, list[Passage]] = {}
        for passage in searcher.index.passages:
            if passage.kind == "task":
                self.task_passages.setdefault(passage.task_id, []).append(passage)

    def ask(self, question: str, k: int = 5) -> tuple[Query, Answer]:
        query, hits = self.searcher.batch_search([question], max(k, 10))[0]
        if query.task_ids:
            return query, self._task_answer(query, hits, k)
        if query.organisations and "task_list" in query.intents:
            return query, self._organisation_tasks(query, k)
        if "on_hold" in query.intents or (
            "new" in query.intents and query.intents & {"task_list", "deliverable"}
        ):
            return query, self._flagged_deliverables(query, k)
        return query, self._extractive(query, hits, k)

    # --- Annex A -------------------------------------------------------------------------

    def _task_answer(self, query: Query, hits: list[Hit], k: int) -> Answer:
        task = self.tasks[query.task_ids[0]]
        cited = [h for h in hits if h.passage.task_id == task.id][:k]
        intents = (query.intents & TASK_INTENTS) or {"description", "responsible"}
        parts = [self._describe(task, query.language)] if "description" in intents else []
        if "responsible" in intents:
            parts.append(self._responsible(task, query.language, cited))
        if "status" in intents:
            parts.append(self._per_deliverable(task, query.language, cited, "status"))
        if "calendar" in intents:
            parts.append(self._per_deliverable(task, query.language, cited, "calendar"))
        return Answer(
            " ".join(parts), True, cited + [h for h in hits if h not in cited][: k - len(cited)]
        )

    def _describe(self, task: Task, language: str) -> str:
        if language == "en":
            return f"Task {task.id} (Annex A, objective {task.objective}): “{task.title}”"
        return f"Tâche {task.id} (annexe A, objectif {task.objective}) : « {task.title} »"

    def _responsible(self, task: Task, language: str, cited: list[Hit]) -> str:
        names = [
            f"{self._org_name(code, language)} {self._marker(cited, org=code)}"
            for code in task.organisations
        ]
        if language == "en":
            return f"Task {task.id} is the responsibility of: {', '.join(names)}."
        return f"Responsables de la tâche {task.id} : {', '.join(names)}."

    def _per_deliverable(self, task: Task, language: str, cited: list[Hit], field: str) -> str:
        items = []
        for n, d in enumerate(task.deliverables, start=1):
            value = (
                d.status
                if field == "status"
                else f"début {d.calendar}"
                if language == "fr"
                else f"start {d.calendar}"
            )
            marker = self._marker(cited, passage_suffix=f":{n}")
            items.append(f"« {_short(d.text)} » : {value} {marker}".strip())
        label = {"status": ("État", "Status"), "calendar": ("Calendrier", "Calendar")}[field]
        head = label[1] if language == "en" else label[0]
        return f"{head} — " + "; ".join(items) + "."

    def _organisation_tasks(self, query: Query, k: int) -> Answer:
        code = query.organisations[0]
        tasks = [t for t in self.tasks.values() if code in t.organisations]
        first_deliverables = {  # per task, the first deliverable the organisation has
            t.id: next(p for p in self.task_passages[t.id] if code in p.organisations)
            for t in tasks
        }
        hits = [Hit(p, 1.0, matched=[f"organisation {code}"]) for p in first_deliverables.values()]
        del hits[k:]
        name = self._org_name(code, query.language)
        listed = ", ".join(f"{t.id} {self._marker(hits, task=t.id)}".strip() for t in tasks)
        if not tasks:
            return Answer(NOT_FOUND[query.language], False, hits)
        if query.language == "en":
            return Answer(f"{name} is responsible for deliverables of tasks {listed}.", True, hits)
        return Answer(
            f"{name} est responsable de produits livrables des tâches {listed}.", True, hits
        )

    def _flagged_deliverables(self, query: Query, k: int) -> Answer:
        on_hold = "on_hold" in query.intents

        def flagged(d: Deliverable) -> bool:
            return (d.status or "").lower().startswith("en suspens") if on_hold else d.new

        chosen = [
            (t, n, d)
            for t in self.tasks.values()
            for n, d in enumerate(t.deliverables)
            if flagged(d)
        ]
        hits = [Hit(self.task_passages[t.id][n], 1.0) for t, n, _ in chosen]
        items = [
            f"{t.id} « {_short(d.text)} » [{i}]" for i, (t, _, d) in enumerate(chosen[:k], start=1)
        ]
        if not chosen:
            return Answer(NOT_FOUND[query.language], False, hits[:k])
        n = len(chosen)
        if query.language == "en":
            head = (
                f"{n} deliverable{'s are' if n > 1 else ' is'} {'on hold' if on_hold else 'new'}: "
            )
        else:
            plural = "s" if n > 1 else ""
            state = "en suspens" if on_hold else f"nouveau{'x' if n > 1 else ''}"
            head = f"{n} produit{plural} livrable{plural} {state} : "
        return Answer(head + "; ".join(items) + ".", True, hits[:k])

    def _org_name(self, code: str, language: str) -> str:
        entry = self.glossary.get(code)
        if entry is None:
            return code
        if language == "en":
            english = entry.code_en or code
            suffix = f"; {code} in French" if english != code else ""
            return f"{english} ({entry.name_en}{suffix})"
        return f"{code} ({entry.name_fr})"

    @staticmethod
    def _marker(
        hits: list[Hit],
        org: str | None = None,
        task: str | None = None,
        passage_suffix: str | None = None,
    ) -> str:
        """``[n]`` of the first hit that backs the claim: a deliverable row rather than the
        task overview, which backs every claim about its task."""
        found = [
            n
            for n, hit in enumerate(hits, start=1)
            if (org and org in hit.passage.organisations)
            or (task and hit.passage.task_id == task)
            or (passage_suffix and hit.passage.id.endswith(passage_suffix))
        ]
        rows = [n for n in found if hits[n - 1].passage.kind != "task-overview"]
        return f"[{(rows or found)[0]}]" if found else ""

    # --- free text -----------------------------------------------------------------------

    def _extractive(self, query: Query, hits: list[Hit], k: int) -> Answer:
        citations = hits[:k]
        best = max((h.dense_score or 0.0 for h in hits[:3]), default=0.0)
        wanted = self.searcher.idf(set(tokenize(query.coverage_text)))
        scored = [
            (
                self._sentence_score(window, heading, wanted, query, rank) - 0.4 * (size - 1),
                rank,
                window,
            )
            for rank, hit in enumerate(citations[:3])
            for heading in [hit.passage.section_path[-1] if hit.passage.section_path else ""]
            for window, size in _windows(_sentences(hit.passage.text))
        ]
        if not scored or best < self.min_score:
            return Answer(NOT_FOUND[query.language], False, citations)
        score, rank, sentence = max(scored, key=lambda t: t[0])
        if (
            score < self.min_sentence_score
            or _misses_numbers(query.text, sentence)
            or ("quantity" in query.intents and not _counts(sentence))
            or _miscounts(query.counted, sentence)
        ):
            return Answer(NOT_FOUND[query.language], False, citations)
        passage = citations[rank].passage
        if passage.kind == "task":
            sentence = _deliverable_summary(passage.text)
        title = self._title(passage.doc_id, query.language)
        if query.language == "en":
            text = f"According to “{title}” (French text): “{sentence}” [{rank + 1}]"
        else:
            text = f"Selon « {title} » : « {sentence} » [{rank + 1}]"
        return Answer(text, True, citations)

    @staticmethod
    def _sentence_score(
        sentence: str, heading: str, wanted: dict[str, float], query: Query, rank: int
    ) -> float:
        """IDF-weighted share of the question's words found in ``sentence`` or in the heading
        of its section (its context), plus a bonus for a number of the question (a year) and,
        for "how many" questions, for another number."""
        tokens = set(tokenize(sentence)) | set(tokenize(heading))
        total = sum(wanted.values()) or 1.0
        score = 4.0 * sum(w for t, w in wanted.items() if t in tokens) / total
        asked = set(NUMBER.findall(query.text))
        found = set(NUMBER.findall(sentence))
        score += 1.0 * len(asked & found)
        if "quantity" in query.intents and set(_counts(sentence)) - asked:
            score += 1.0
        return score + 0.3 / (1 + rank)

    def _title(self, doc_id: str, language: str) -> str:
        doc = next(d for d in self.searcher.index.documents if d["id"] == doc_id)
        return doc["title_en"] if language == "en" else doc["title"]


def _misses_numbers(question: str, evidence: str) -> bool:
    """A number the question names (a year, an amount) must be in the evidence: a question
    about 2019 is not answered by a sentence about 2014."""
    return bool(set(NUMBER.findall(question)) - set(NUMBER.findall(evidence)))


def _counts(text: str) -> list[str]:
    """Numbers that can answer "how many": not years, days of a month or ordinals."""
    return [
        m.group(0)
        for m in NUMBER.finditer(text)
        if not YEAR.fullmatch(m.group(0)) and not DATE_OR_ORDINAL.match(text, m.end())
    ]


def _miscounts(counted: str, evidence: str) -> bool:
    """For "how many X", the evidence does not mention X: a sentence that counts officials
    trained in Manitoba does not say how many victims were identified there."""
    return bool(counted) and not set(tokenize(counted)) & set(tokenize(evidence))


def _windows(sentences: list[str]) -> list[tuple[str, int]]:
    """Each sentence alone and with the next one: an answer often needs both."""
    singles = [(s, 1) for s in sentences]
    pairs = [(f"{a} {b}", 2) for a, b in zip(sentences, sentences[1:], strict=False)]
    return singles + pairs


def _deliverable_summary(text: str) -> str:
    """A task passage minus its task title line: deliverable, calendar, status, responsible."""
    lines = text.split("\n")
    return " · ".join(lines[1:]) if len(lines) > 1 else text


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) > 15]


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
