"""Researchers' tools without a browser: filters and facets, /search.csv, /tasks/view."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from service.engine import Engine
from service.export import neutralise, results_csv
from service.schemas import Passage, Source

# --- /search: status and kind ----------------------------------------------------------------


def test_status_filter_keeps_only_deliverables_with_that_status(
    client: TestClient, engine: Engine
) -> None:
    on_hold = {r.passage_id for r in engine.searcher.annex.rows if r.status == "En suspens"}
    for value in ("En suspens", "on hold", "EN SUSPENS"):
        body = client.get("/search", params={"q": "policiers", "status": value, "k": 50}).json()
        assert {r["id"] for r in body["results"]} == on_hold


def test_kind_filter(client: TestClient, engine: Engine) -> None:
    body = client.get("/search", params={"q": "traite", "kind": "footnote", "k": 50}).json()
    footnotes = [p for p in engine.index.passages if p.kind == "footnote"]
    assert len(body["results"]) == len(footnotes) and footnotes
    assert {r["kind"] for r in body["results"]} == {"footnote"}


@pytest.mark.parametrize(
    ("name", "value", "choice"),
    [
        ("status", "Fini", "En suspens"),
        ("kind", "tableau", "footnote"),
        ("task", "9.99", "2.13"),
        ("org", "NASA", "GRC"),
        ("doc", "nope", "atelier-2015"),
    ],
)
def test_unknown_filter_value_is_a_422_naming_it(client: TestClient, name, value, choice) -> None:
    for path in ("/search", "/search.csv"):
        response = client.get(path, params={"q": "traite", name: value})
        assert response.status_code == 422, path
        detail = response.json()["detail"]
        assert name in detail and repr(value) in detail and choice in detail


# --- /search.csv -------------------------------------------------------------------------------


def test_csv_has_a_header_and_k_rows_that_parse_back(client: TestClient) -> None:
    params = {"q": "qui est responsable de la tâche 2.13", "k": 7}
    response = client.get("/search.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0] == [
        "rank",
        "id",
        "document",
        "section",
        "file",
        "line_start",
        "line_end",
        "url",
        "score",
        "text",
    ]
    api = client.get("/search", params=params).json()["results"]
    assert len(rows) == 1 + 7 == 1 + len(api)
    for row, passage in zip(rows[1:], api, strict=True):
        assert row[1] == passage["id"] and row[9] == passage["text"]  # quotes, newlines intact
        assert row[5:7] == [
            str(passage["source"]["line_start"]),
            str(passage["source"]["line_end"]),
        ]
        assert row[7].startswith("http") and row[7].endswith(passage["url"])
    assert any("\n" in row[9] for row in rows[1:])


def test_csv_cells_cannot_start_a_formula() -> None:
    for cell in ('=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\t=1"):
        assert neutralise(cell) == "'" + cell
    assert neutralise("Tâche 2.13") == "Tâche 2.13" and neutralise(-0.5) == -0.5
    evil = Passage(
        id="=cmd|' /C calc'!A0",
        doc_id="d",
        doc_title="@t",
        section="-s",
        text='+a "quoted"\nline',
        score=0.5,
        source=Source(file="f.md", line_start=1, line_end=2),
        url="/x",
    )
    row = list(csv.reader(io.StringIO(results_csv([evil], "http://h/"), newline="")))[1]
    assert row[1] == "'=cmd|' /C calc'!A0" and row[2] == "'@t" and row[3] == "'-s"
    assert row[9] == '\'+a "quoted"\nline' and row[7] == "http://h/x"


# --- the page: facets, bad filters, more results ----------------------------------------------


def _options(html: str, name: str) -> dict[str, int]:
    select = re.search(rf'<select id="f-{name}" name="{name}">(.*?)</select>', html, re.S)
    assert select, name
    return {
        value: int(count)
        for value, count in re.findall(
            r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>', select.group(1)
        )
    }


def test_facet_counts_are_the_numbers_of_results_the_api_gives(client: TestClient) -> None:
    q = "formation des policiers"
    html = client.get("/", params={"q": q, "org": "RCMP"}).text
    assert '<option value="GRC" selected>' in html
    tasks = _options(html, "task")
    assert tasks["2.13"] >= 1
    for task in ("2.13", "1.11"):
        results = client.get("/search", params={"q": q, "org": "GRC", "task": task, "k": 50})
        assert len(results.json()["results"]) == tasks[task], task
    kinds = _options(html, "kind")
    results = client.get("/search", params={"q": q, "org": "GRC", "kind": "task", "k": 50})
    assert len(results.json()["results"]) == kinds["task"]


def test_page_result_count_and_more_results(client: TestClient) -> None:
    html = client.get("/", params={"q": "traite de personnes"}).text
    assert "10 sur 50 résultats" in html
    assert len(re.findall(r'<li id="r\d+"', html)) == 10
    more = re.search(r'<p class="more"><a href="([^"]+)"', html).group(1)
    assert "k=20" in unescape(more)
    html = client.get(unescape(more)).text
    assert len(re.findall(r'<li id="r\d+"', html)) == 20
    html = client.get("/", params={"q": "traite de personnes", "k": 50}).text
    assert 'class="more"' not in html and len(re.findall(r'<li id="r\d+"', html)) == 50


def test_page_says_which_filter_value_is_unknown(client: TestClient) -> None:
    response = client.get("/", params={"q": "formation", "org": "NASA<b>", "task": "2.13"})
    assert response.status_code == 422
    html = response.text
    assert "NASA&lt;b&gt;" in html and "NASA<b>" not in html and "Organisation" in html
    assert len(_options(html, "org")) > 5  # the unfiltered choices
    assert '<option value="2.13" selected>' in html  # the valid filter is kept


def test_page_offers_csv_and_citations(client: TestClient) -> None:
    html = client.get("/", params={"q": "permis de séjour temporaire", "lang": "en"}).text
    link = unescape(re.search(r'<a class="csv" href="([^"]+)"', html).group(1))
    assert link.startswith("/search.csv?") and "Download CSV" in html
    assert client.get(link).status_code == 200
    citation = unescape(re.search(r'data-citation="([^"]+)"', html).group(1))
    assert re.search(r"\.md, lines? \d+", citation) and "/documents/" in citation


# --- /tasks/view -------------------------------------------------------------------------------


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" id="([^"]+)">', html)


def test_tasks_view_lists_every_deliverable(client: TestClient, engine: Engine) -> None:
    html = client.get("/tasks/view").text
    annex = engine.searcher.annex
    assert _rows(html) == [r.passage_id for r in annex.rows]
    assert html.count('class="badge new"') == sum(r.deliverable.new for r in annex.rows)
    for row in annex.rows[:5]:
        link = f'href="/documents/{row.doc_id}/view?lang=fr#{row.passage_id}"'
        assert link in html
    page = client.get(f"/documents/{annex.rows[0].doc_id}/view").text
    assert f'id="{annex.rows[0].passage_id}"' in page


@pytest.mark.parametrize("status", ["En suspens", "On hold"])
def test_tasks_view_filtered_on_hold(client: TestClient, engine: Engine, status: str) -> None:
    html = client.get("/tasks/view", params={"status": status}).text
    on_hold = [r.passage_id for r in engine.searcher.annex.rows if r.status == "En suspens"]
    assert on_hold and _rows(html) == on_hold
    assert 'class=" on-hold"' in html or 'class="new on-hold"' in html


def test_tasks_view_filters_combine_and_sort(client: TestClient, engine: Engine) -> None:
    html = client.get(
        "/tasks/view", params={"org": "RCMP", "start": "2012-2013", "lang": "en"}
    ).text
    expected = [
        r.passage_id
        for r in engine.searcher.annex.rows
        if "GRC" in r.deliverable.organisations and r.deliverable.calendar == "2012-2013"
    ]
    assert expected and _rows(html) == expected
    assert ">RCMP</abbr>" in html and "Royal Canadian Mounted Police" in html
    html = client.get("/tasks/view", params={"sort": "start", "order": "desc"}).text
    starts = {r.passage_id: r.deliverable.calendar for r in engine.searcher.annex.rows}
    order = [starts[i] for i in _rows(html)]
    assert order == sorted(order, reverse=True)
    assert 'aria-sort="descending"' in html


def test_tasks_view_unknown_values(client: TestClient) -> None:
    response = client.get("/tasks/view", params={"start": "1999", "status": "<x>"})
    assert response.status_code == 422
    assert "1999" in response.text and "&lt;x&gt;" in response.text
    assert len(_rows(response.text)) > 50  # the unfiltered table
