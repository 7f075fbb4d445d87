"""The HTTP API, through FastAPI's TestClient on the real index."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings

PASSAGE_FIELDS = {
    "id",
    "doc_id",
    "doc_title",
    "section",
    "text",
    "score",
    "source",
    "url",
    "kind",
    "task_id",
    "matched",
}
NOT_FOUND_FR = "Je n'ai pas trouvé de réponse"
NOT_FOUND_EN = "I could not find an answer"


def ask(client: TestClient, question: str, k: int = 5) -> dict:
    response = client.post("/ask", json={"question": question, "k": k})
    assert response.status_code == 200, response.text
    return response.json()


def check_passage(passage: dict) -> None:
    assert set(passage) >= PASSAGE_FIELDS
    assert re.fullmatch(
        rf"/documents/{re.escape(passage['doc_id'])}/view(\?lang=(fr|en))?#{re.escape(passage['id'])}",
        passage["url"],
    )
    source = passage["source"]
    assert set(source) == {"file", "line_start", "line_end"}
    assert 1 <= source["line_start"] <= source["line_end"]
    assert source["file"] in {
        "plan-action-national-rapport-2014-2015.md",
        "rapport-sommaire-atelier-2015.txt",
    }
    assert passage["text"] and passage["doc_title"] and passage["section"]


# --- health, search, ask ------------------------------------------------------------------


def test_health(client: TestClient, built_index: dict) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "ok",
        "passages": built_index["counts"]["passages"],
        "embedder": "e5-small-int4",
        "index_built_at": built_index["built_at"],
        "backend": "local",
    }


def test_search_shape(client: TestClient) -> None:
    response = client.get("/search", params={"q": "tâche 2.13", "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "tâche 2.13" and body["language"] == "fr"
    results = body["results"]
    assert len(results) == 3
    assert [r["kind"] for r in results] == ["task-overview", "task", "task"]  # the card first
    for passage in results:
        check_passage(passage)
        assert passage["task_id"] == "2.13"
        assert "task 2.13" in passage["matched"]
        assert passage["section"].endswith("Objectif 2.1 > Tâche 2.13")
        assert passage["source"]["file"] == "plan-action-national-rapport-2014-2015.md"
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)


def test_result_urls_open_the_document_in_the_question_language(client: TestClient) -> None:
    english = ask(client, "How many temporary resident permits were issued in 2014?")
    assert all("?lang=en#" in c["url"] for c in english["citations"])
    french = client.get("/search", params={"q": "permis de séjour temporaire"}).json()
    url = french["results"][0]["url"]
    assert "?lang=fr#" in url
    page = client.get(url.split("#")[0])
    assert page.status_code == 200 and '<html lang="fr">' in page.text


def test_search_result_url_opens_the_document(client: TestClient) -> None:
    passage = client.get("/search", params={"q": "maisons sécuritaires"}).json()["results"][0]
    page = client.get(passage["url"].split("#")[0])
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


def test_search_default_k_and_filters(client: TestClient) -> None:
    assert len(client.get("/search", params={"q": "traite"}).json()["results"]) == 10
    body = client.get("/search", params={"q": "formation", "org": "RCMP", "k": 50}).json()
    assert body["results"] and all("GRC" in r["text"] for r in body["results"])
    assert all(r["kind"] in ("task", "task-overview") for r in body["results"])
    body = client.get("/search", params={"q": "victimes", "doc": "atelier-2015"}).json()
    assert {r["doc_id"] for r in body["results"]} == {"atelier-2015"}
    body = client.get("/search", params={"q": "renseignement", "task": "3.13", "k": 50}).json()
    assert len(body["results"]) == 12 and {r["task_id"] for r in body["results"]} == {"3.13"}


def test_ask_who_is_responsible_in_french(client: TestClient) -> None:
    body = ask(client, "qui est responsable de la tâche 2.13?")
    assert body["answered"] is True and body["language"] == "fr"
    answer = body["answer"]
    assert "2.13" in answer
    for name in ("IRCC", "GRC", "EDSC (PTET)"):
        assert name in answer
    assert answer.index("IRCC") < answer.index("GRC")
    assert answer.index("IRCC") < answer.index("EDSC")
    assert "Gendarmerie royale du Canada" in answer
    citations = body["citations"]
    assert len(citations) == 5
    assert {c["task_id"] for c in citations} == {"2.13"}
    for citation in citations:
        check_passage(citation)
    for code in ("IRCC", "GRC", "EDSC (PTET)"):  # each name points at a row it is responsible for
        marker = re.search(rf"{re.escape(code)} \([^)]*(?:\([^)]*\))?[^)]*\) \[(\d)\]", answer)
        assert marker, code
        cited = citations[int(marker.group(1)) - 1]
        assert cited["kind"] == "task" and code in cited["text"], code


def test_ask_who_is_responsible_in_english(client: TestClient) -> None:
    body = ask(client, "Who is responsible for task 2.13?")
    assert body["answered"] is True and body["language"] == "en"
    answer = body["answer"]
    assert answer.startswith("Task 2.13")
    assert "Immigration, Refugees and Citizenship Canada" in answer
    assert "RCMP" in answer and "Royal Canadian Mounted Police" in answer
    assert "ESDC" in answer and "Temporary Foreign Worker Program" in answer
    assert answer.index("IRCC") < answer.index("RCMP")
    assert answer.index("IRCC") < answer.index("ESDC")
    assert {c["task_id"] for c in body["citations"]} == {"2.13"}


def test_ask_factoid_in_english_cites_the_figure(client: TestClient) -> None:
    body = ask(
        client, "How many temporary resident permits were issued to trafficking victims in 2014?"
    )
    assert body["answered"] is True and body["language"] == "en"
    assert "34 permis" in body["answer"]
    assert any("34 permis" in c["text"] for c in body["citations"])
    assert body["answer"].startswith("34 — from the report (French)")


def test_ask_factoid_in_french(client: TestClient) -> None:
    body = ask(client, "Combien de fonctionnaires du travail ont suivi la formation ?")
    assert body["answered"] is True and body["language"] == "fr"
    assert "320" in body["answer"]
    assert any("320 fonctionnaires" in c["text"] for c in body["citations"])


def test_ask_which_deliverables_are_on_hold(client: TestClient) -> None:
    body = ask(client, "Which deliverables are on hold?")
    assert body["answered"] is True and body["language"] == "en"
    assert "3.14" in body["answer"] and "Former des policiers experts" in body["answer"]
    assert body["citations"][0]["task_id"] == "3.14"


def test_ask_which_tasks_an_organisation_is_responsible_for(client: TestClient) -> None:
    body = ask(client, "Which tasks is the RCMP responsible for?")
    assert body["answered"] is True and body["language"] == "en"
    assert body["answer"].startswith("RCMP")
    for task in ("1.11", "2.13", "3.14"):
        assert task in body["answer"]
    assert all("GRC" in c["text"] for c in body["citations"])


def test_ask_how_many_arrests(client: TestClient) -> None:
    body = ask(client, "Combien de personnes ont été arrêtées dans le cadre du projet COMBATIVE ?")
    assert body["answered"] is True
    assert "29" in body["answer"] and "COMBATIVE" in body["citations"][0]["section"]


@pytest.mark.parametrize(
    ("question", "language", "message"),
    [
        ("What is the capital of Australia?", "en", NOT_FOUND_EN),
        ("Quelle est la recette de la tourtière ?", "fr", NOT_FOUND_FR),
    ],
)
def test_ask_unanswerable(client: TestClient, question: str, language: str, message: str) -> None:
    body = ask(client, question)
    assert body["answered"] is False
    assert body["language"] == language
    assert body["answer"].startswith(message)
    assert "Canberra" not in body["answer"]
    assert len(body["citations"]) == 5
    for citation in body["citations"]:
        check_passage(citation)


def test_ask_k_sets_the_number_of_citations(client: TestClient) -> None:
    assert len(ask(client, "Quelle est la recette de la tourtière ?", k=2)["citations"]) == 2
    assert len(ask(client, "Quelle est la recette de la tourtière ?", k=12)["citations"]) == 12


# --- bad input: 4xx with a detail that names the problem, never 500 -------------------------

BAD_REQUESTS = [
    ("empty question", "POST", "/ask", {"json": {"question": ""}}, 422, "empty"),
    ("white space", "POST", "/ask", {"json": {"question": " \t\n "}}, 422, "white space"),
    ("1,001 characters", "POST", "/ask", {"json": {"question": "a" * 1001}}, 422, "1000"),
    ("k=0", "POST", "/ask", {"json": {"question": "traite", "k": 0}}, 422, "k must be"),
    ("k=51", "POST", "/ask", {"json": {"question": "traite", "k": 51}}, 422, "k must be"),
    ("k=abc", "POST", "/ask", {"json": {"question": "traite", "k": "abc"}}, 422, "k:"),
    ("k=1.5", "POST", "/ask", {"json": {"question": "traite", "k": 1.5}}, 422, "k:"),
    ("question=null", "POST", "/ask", {"json": {"question": None}}, 422, "question"),
    ("question=12", "POST", "/ask", {"json": {"question": 12}}, 422, "question"),
    (
        "malformed JSON",
        "POST",
        "/ask",
        {"content": b'{"question": ', "headers": {"content-type": "application/json"}},
        422,
        "not valid JSON",
    ),
    ("missing question", "POST", "/ask", {"json": {"k": 3}}, 422, "question: Field required"),
    ("JSON array body", "POST", "/ask", {"json": ["traite"]}, 422, "body"),
    ("empty body", "POST", "/ask", {"content": b""}, 422, "body"),
    ("control characters only", "POST", "/ask", {"json": {"question": "\x00\x1b"}}, 422, "empty"),
    ("unknown passage", "GET", "/passages/nope:nope:1", {}, 404, "unknown passage"),
    ("unknown task", "GET", "/tasks/9.99", {}, 404, "unknown task '9.99'"),
    ("unknown document", "GET", "/documents/nope", {}, 404, "unknown document 'nope'"),
    ("search q empty", "GET", "/search", {"params": {"q": ""}}, 422, "q must not be empty"),
    ("search q missing", "GET", "/search", {}, 422, "q"),
    ("search k=0", "GET", "/search", {"params": {"q": "traite", "k": 0}}, 422, "k must be"),
    ("search k=51", "GET", "/search", {"params": {"q": "traite", "k": 51}}, 422, "k must be"),
    ("search k=abc", "GET", "/search", {"params": {"q": "traite", "k": "abc"}}, 422, "k"),
    ("search q too long", "GET", "/search", {"params": {"q": "é" * 1001}}, 422, "1000"),
    ("search unknown doc", "GET", "/search", {"params": {"q": "x", "doc": "nope"}}, 422, "doc"),
    ("search unknown org", "GET", "/search", {"params": {"q": "x", "org": "Nope"}}, 422, "org"),
    ("tasks unknown org", "GET", "/tasks", {"params": {"org": "Nope"}}, 422, "org"),
]


def send(client: TestClient, method: str, path: str, kwargs: dict):
    return client.request(method, path, **kwargs)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "detail"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_REQUESTS],
)
def test_bad_input(
    client: TestClient, method: str, path: str, kwargs: dict, status: int, detail: str
) -> None:
    response = send(client, method, path, kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str)
    assert detail in body["detail"]


def test_health_after_bad_input(client: TestClient) -> None:
    for case in BAD_REQUESTS:
        assert send(client, *case[1:4]).status_code < 500, case[0]
    assert client.get("/health").status_code == 200
    assert ask(client, "qui est responsable de la tâche 2.13?")["answered"] is True


@pytest.mark.parametrize(
    "question",
    [
        "😀 tâche 2.13 🚀",
        "ما هو الاتجار بالبشر؟",
        "מה זה סחר בבני אדם?",
        "Qu’est-ce que la traite ? éàçœ ÉÀÇŒ",
        "tâche\x00 2.13 \x1b[31m",
        "traite\u200d de\u200b personnes\u200c",
        "\u202eRTL override traite\u202c",
        "traite de personnes \ufeff",
    ],
    ids=["emoji", "arabic", "hebrew", "accents", "control", "zero-width", "bidi", "bom"],
)
def test_unicode_questions(client: TestClient, question: str) -> None:
    response = client.post("/ask", json={"question": question})
    assert response.status_code == 200
    body = json.loads(response.content.decode("utf-8"))
    assert body["language"] in {"fr", "en"} and isinstance(body["answered"], bool)
    assert "\x00" not in body["question"] and "\x1b" not in body["question"]
    search = client.get("/search", params={"q": question})
    assert search.status_code == 200
    assert isinstance(search.json()["results"], list)


def test_control_characters_are_stripped_from_the_question(client: TestClient) -> None:
    body = ask(client, "tâche\x00 2.13 \x1b")
    assert body["question"] == "tâche 2.13"
    assert body["answered"] is True


def test_lone_surrogate_in_question(client: TestClient) -> None:
    raw = b'{"question": "traite \\ud800 de personnes"}'
    response = client.post("/ask", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert "\ud800" not in response.json()["question"]


# --- documents, passages, tasks, glossary -----------------------------------------------------


def test_documents(client: TestClient) -> None:
    documents = client.get("/documents").json()
    assert [d["id"] for d in documents] == ["plan-action-2014-2015", "atelier-2015"]
    for document in documents:
        assert "sections" not in document
        assert document["title"] and document["title_en"] and len(document["sha256"]) == 64


def test_document_sections(client: TestClient) -> None:
    document = client.get("/documents/atelier-2015").json()
    assert document["title_en"] == "Summary Report on the 2015 Human Trafficking Workshop"
    labels = [s["label"] for s in document["sections"]]
    assert labels[:3] == ["Remerciements", "1 Contexte", "2 Aperçu et objectif"]
    section = next(s for s in document["sections"] if s["number"] == "3.1.6.1")
    assert section["level"] == 4 and section["parent"] == "3-1-6"
    plan = client.get("/documents/plan-action-2014-2015").json()
    assert "ANNEXE A : Tableau des mesures de suivi" in [s["title"] for s in plan["sections"]]


def test_passage_with_neighbours(client: TestClient) -> None:
    response = client.get("/passages/plan-action-2014-2015:tache-2.13:3")
    assert response.status_code == 200
    body = response.json()
    check_passage(body["passage"])
    assert body["passage"]["id"] == "plan-action-2014-2015:tache-2.13:3"
    assert body["previous"]["id"] == "plan-action-2014-2015:tache-2.13:2"
    assert body["next"]["id"] == "plan-action-2014-2015:tache-2.13:4"
    assert "34 permis" not in body["passage"]["text"]
    assert "permis de séjour temporaire" in body["passage"]["text"]


def test_first_passage_has_no_previous(client: TestClient) -> None:
    first = client.get("/passages/plan-action-2014-2015:avant-propos:1").json()
    assert first["previous"] is None and first["next"]["doc_id"] == "plan-action-2014-2015"


def test_tasks_by_organisation(client: TestClient) -> None:
    for org in ("RCMP", "GRC", "Royal Canadian Mounted Police", "Gendarmerie royale du Canada"):
        response = client.get("/tasks", params={"org": org})
        assert response.status_code == 200
        tasks = response.json()
        ids = [t["id"] for t in tasks]
        assert "2.13" in ids and "3.14" in ids and "1.11" in ids, org
        for task in tasks:
            assert all("GRC" in d["organisations"] for d in task["deliverables"])
    two_thirteen = next(t for t in tasks if t["id"] == "2.13")
    assert len(two_thirteen["deliverables"]) == 1


def test_tasks_by_status(client: TestClient) -> None:
    tasks = client.get("/tasks", params={"status": "En suspens"}).json()
    assert [t["id"] for t in tasks] == ["3.14"]
    deliverables = tasks[0]["deliverables"]
    assert [d["status"] for d in deliverables] == ["En suspens"]
    assert deliverables[0]["text"].startswith("Former des policiers experts")


def test_all_tasks(client: TestClient) -> None:
    tasks = client.get("/tasks").json()
    assert len(tasks) == 17
    assert [t["id"] for t in tasks][:3] == ["1.11", "1.12", "1.13"]


def test_task_2_13(client: TestClient) -> None:
    task = client.get("/tasks/2.13").json()
    assert task["id"] == "2.13" and task["doc_id"] == "plan-action-2014-2015"
    assert task["title"].startswith("Protéger les ressortissants étrangers vulnérables")
    # every responsible organisation, in the order the table first names them
    assert task["organisations"] == ["IRCC", "EDSC (PTET)", "GRC"]
    assert len(task["deliverables"]) == 6
    assert task["deliverables"][-1]["organisations"] == ["GRC"]


def test_glossary(client: TestClient) -> None:
    glossary = client.get("/glossary").json()
    entries = {e["code"]: e for e in glossary["entries"]}
    assert len(entries) > 50
    assert entries["GRC"]["name_en"] == "Royal Canadian Mounted Police"
    assert entries["GRC"]["code_en"] == "RCMP"


# --- HTTP hygiene -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/health", "/search?q=traite", "/documents/nope", "/"])
def test_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_body_over_the_size_limit(client: TestClient, settings: Settings) -> None:
    body = json.dumps({"question": "a" * (settings.service.max_body_bytes + 10)}).encode()
    response = client.post("/ask", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert str(settings.service.max_body_bytes) in response.json()["detail"]
    assert response.headers["x-content-type-options"] == "nosniff"


def test_streamed_body_over_the_size_limit(client: TestClient, settings: Settings) -> None:
    def chunks():
        for _ in range(settings.service.max_body_bytes // 1000 + 2):
            yield b" " * 1000

    response = client.post("/ask", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_reload_needs_the_token(client: TestClient) -> None:
    response = client.post("/admin/reload")
    assert response.status_code == 401 and "token" in response.json()["detail"]
    response = client.post("/admin/reload", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_reload_with_the_token(client: TestClient, built_index: dict) -> None:
    response = client.post("/admin/reload", headers={"Authorization": "Bearer test-token"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["passages"] == built_index["counts"]["passages"]
    assert client.get("/health").status_code == 200
    assert ask(client, "Who is responsible for task 2.13?")["answered"] is True


def test_no_cors_by_default(client: TestClient) -> None:
    response = client.get("/health", headers={"Origin": "https://example.org"})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/search",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_ask_a_task_question_cites_the_task_card_first(client: TestClient) -> None:
    body = ask(client, "Who is responsible for task 2.13?")
    assert body["answered"] is True
    card = body["citations"][0]
    assert card["kind"] == "task-overview" and card["task_id"] == "2.13"
    assert all(org in card["text"] for org in ("IRCC", "EDSC (PTET)", "GRC"))
    assert [c["kind"] for c in body["citations"][1:]] == ["task"] * 4


@pytest.mark.parametrize(
    "question",
    [
        "Who is the president of the CBSA?",  # the corpus names no president
        "How many trafficking victims were identified in Manitoba in 2014?",
    ],
)
def test_ask_abstains_when_the_asked_thing_is_absent(client: TestClient, question: str) -> None:
    body = ask(client, question)
    assert body["answered"] is False and body["answer"].startswith(NOT_FOUND_EN)
