"""The full system evaluated over HTTP against a running service (``--base-url``).

``GET /search?q=&k=10`` gives the ranking, ``POST /ask`` the answer; passages come back
with their source line spans, so they are judged exactly like in-process passages.
"""

from __future__ import annotations

from typing import Any

import httpx

from eval.questions import Question
from eval.risk import confidence_of
from eval.systems import AnswerRecord, K, Run
from indexer.models import Passage

TIMEOUT_S = 60.0


class RemoteError(RuntimeError):
    """The service cannot be reached or answered with an error."""


def passage_from_json(data: dict[str, Any]) -> Passage:
    """A ``Passage`` of the HTTP contract (``service.schemas.Passage``) as a record."""
    source = data["source"]
    section = data.get("section") or ""
    return Passage(
        id=data["id"],
        doc_id=data["doc_id"],
        section_key="",
        section_path=section.split(" > ") if section else [],
        text=data["text"],
        line_start=int(source["line_start"]),
        line_end=int(source["line_end"]),
        file=source["file"],
        kind=data.get("kind", "text"),
        task_id=data.get("task_id"),
    )


class HttpSystem:
    """Same interface as ``eval.systems.FullSystem``, through the public API.

    ``passages`` starts from ``known`` (the local index, if any) and gains every passage
    the service returns, so the qrels cover what the service can return.
    """

    name = "full"

    def __init__(self, base_url: str, known: list[Passage] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(base_url=self.base_url, timeout=TIMEOUT_S)
        self._passages: dict[str, Passage] = {p.id: p for p in known or []}

    @property
    def passages(self) -> list[Passage]:
        return list(self._passages.values())

    def retrieve(self, questions: list[Question]) -> Run:
        run = {}
        for q in questions:
            body = self._call("GET", "/search", params={"q": q.question, "k": K})
            run[q.id] = [(self._keep(r), float(r.get("score", 0.0))) for r in body["results"]]
        return run

    def answer(self, questions: list[Question], k: int = 5) -> dict[str, AnswerRecord]:
        records = {}
        for q in questions:
            body = self._call("POST", "/ask", json={"question": q.question, "k": k})
            citations = [self._keep(c) for c in body["citations"]]
            records[q.id] = AnswerRecord(
                body["answer"], bool(body["answered"]), citations, confidence_of(body)
            )
        return records

    def check(self) -> None:
        """Fail early (RemoteError) when the service is not up."""
        self._call("GET", "/health")

    def _keep(self, data: dict[str, Any]) -> Passage:
        passage = passage_from_json(data)
        self._passages[passage.id] = passage
        return passage

    def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RemoteError(f"{self.base_url}{path}: {exc}") from exc
        if response.status_code != 200:
            raise RemoteError(
                f"{self.base_url}{path}: HTTP {response.status_code} {response.text[:200]}"
            )
        return response.json()
