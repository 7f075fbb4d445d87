"""The web page without a browser: escaping, highlighting, errors and the document view."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from markupsafe import Markup, escape

from service.answers import Answer, AnswerSpan
from service.engine import Engine
from service.i18n import strings
from service.page.highlight import (
    excerpt,
    highlight,
    highlight_span,
    link_citations,
    query_keys,
)
from service.page.language import interface_language
from service.page.views import answer_view
from service.schemas import to_passage

XSS = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'


# --- pure helpers --------------------------------------------------------------------------


def test_highlight_is_accent_insensitive_and_skips_stop_words() -> None:
    keys = query_keys(["Qui est responsable de la tache 2.13 ?"])
    html = highlight("Tâches 2.13 : la GRC est responsable.", keys)
    assert isinstance(html, Markup)
    assert (
        str(html) == "<mark>Tâches</mark> <mark>2.13</mark> : la GRC est <mark>responsable</mark>."
    )


def test_highlight_escapes_corpus_and_query_text() -> None:
    keys = query_keys([XSS])
    html = str(highlight('<b>alert</b> & "script" <img src=x>', keys))
    assert "<b>" not in html and "<img" not in html
    assert "&lt;b&gt;<mark>alert</mark>&lt;/b&gt; &amp; &#34;<mark>script</mark>&#34;" in html


def test_answer_span_is_marked_and_escaped() -> None:
    text = "En 2014, 34 permis <b>"
    html = str(highlight_span(text, query_keys(["permis"]), (9, 11)))
    assert html == 'En 2014, <mark class="span">34</mark> <mark>permis</mark> &lt;b&gt;'
    assert str(highlight_span(text, frozenset(), (5, 99))) == "En 2014, 34 permis &lt;b&gt;"


def test_excerpt_keeps_whole_words_and_the_span() -> None:
    text = "Au total, en 2014, 34 permis de séjour temporaire ont été délivrés."
    html = str(excerpt(text, frozenset(), (19, 21), (15, 40)))
    assert html == '… 2014, <mark class="span">34</mark> permis de séjour temporaire …'
    assert str(excerpt(text, frozenset(), None, (0, len(text)))) == escape(text)


def test_citation_markers_become_links_only_in_range() -> None:
    html = str(link_citations("<i>x</i> [1] and [2] but not [9]", 2, prefix="r"))
    assert html.startswith("&lt;i&gt;x&lt;/i&gt; ")
    assert '<a class="cite" href="#r1"' in html and '<a class="cite" href="#r2"' in html
    assert "[9]" in html and 'href="#r9"' not in html


@pytest.mark.parametrize(
    ("lang", "detected", "header", "expected"),
    [
        ("en", "fr", None, "en"),
        ("xx", "en", None, "en"),
        (None, "fr", "en-US,en;q=0.9", "fr"),
        (None, None, "en-GB,en;q=0.9,fr;q=0.8", "en"),
        (None, None, "de-DE,fr;q=0.5,en;q=0.4", "fr"),
        (None, None, "de-DE", "fr"),
        (None, None, None, "fr"),
    ],
)
def test_interface_language(lang, detected, header, expected) -> None:
    assert interface_language(lang, detected, header) == expected


@pytest.mark.parametrize("question", ["RCMP youth strategy", "qui est responsable de la GRC"])
def test_page_detects_the_language_as_the_api_does(client: TestClient, question: str) -> None:
    api = client.get("/search", params={"q": question}).json()["language"]
    assert f'<html lang="{api}">' in client.get("/", params={"q": question}).text


def test_page_strings_are_reachable_from_templates() -> None:
    """Templates read ``t.key``: a key named like a dict method would render the method."""
    table = strings("page")
    assert set(table) == {"fr", "en"} and not [k for k in table["fr"] if hasattr(dict, k)]


# --- HTTP ----------------------------------------------------------------------------------


def test_home_page_is_html_with_csp(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert '<form class="search" method="get" action="/"' in response.text
    assert '<label for="q">' in response.text and 'id="q" name="q"' in response.text
    assert "<script>" not in response.text and "style=" not in response.text


def test_static_assets_are_served(client: TestClient) -> None:
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200


def test_query_is_escaped(client: TestClient) -> None:
    response = client.get("/", params={"q": XSS})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in response.text


def test_answer_with_cited_passages(client: TestClient) -> None:
    response = client.get("/", params={"q": "qui est responsable de la tâche 2.13?"})
    html = response.text
    assert response.status_code == 200 and '<html lang="fr">' in html
    assert "Réponse" in html and "Sources de la réponse" in html and "IRCC" in html
    cited = re.findall(r'<a class="cite" href="#c(\d+)"', html)
    assert cited and all(f'id="c{n}"' in html for n in cited)  # each [n] opens its passage
    assert "<mark>" in html and re.search(r"lignes? \d+", html)


def test_english_question_gets_english_interface(client: TestClient) -> None:
    question = "How many temporary resident permits were issued to victims in 2014?"
    html = client.get("/", params={"q": question}).text
    assert '<html lang="en">' in html and "Sources of the answer" in html
    assert "34" in html


def test_lang_parameter_overrides_the_question_language(client: TestClient) -> None:
    html = client.get("/", params={"q": "qui est responsable de la tâche 2.13?", "lang": "en"}).text
    assert '<html lang="en">' in html and "Your question" in html
    assert 'href="/?q=qui+est+responsable+de+la+t%C3%A2che+2.13%3F&amp;lang=fr"' in html


def test_too_long_question_shows_an_error(client: TestClient) -> None:
    response = client.get("/", params={"q": "traite " * 200})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert 'class="error"' in response.text and "1000" in response.text


def test_blank_question_shows_the_home_page(client: TestClient) -> None:
    response = client.get("/", params={"q": "   "})
    assert response.status_code == 200 and 'class="examples"' in response.text


def test_unknown_document_is_a_404_page(client: TestClient) -> None:
    response = client.get("/documents/nope<b>/view")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "nope&lt;b&gt;" in response.text and "nope<b>" not in response.text


def test_document_view_holds_every_passage(client: TestClient, engine: Engine) -> None:
    for document in engine.index.documents:
        response = client.get(f"/documents/{document['id']}/view")
        assert response.status_code == 200
        html = response.text
        assert document["publisher"] in html and str(document["year"]) in html
        ids = re.findall(r'<div class="passage kind-[\w-]+" id="([^"]+)"', html)
        expected = [p for p in engine.index.passages if p.doc_id == document["id"]]
        assert sorted(ids) == sorted(p.id for p in expected)
        lines = {p.id: p.line_start for p in expected}
        assert [lines[i] for i in ids] == sorted(lines[i] for i in ids)  # reading order


def test_result_links_open_their_passage(client: TestClient) -> None:
    html = client.get("/", params={"q": "permis de séjour temporaire victimes"}).text
    links = re.findall(r'<a class="open" href="(/documents/[^"#]+/view\?lang=fr)#([^"]+)"', html)
    assert links
    for path, fragment in links[:3]:
        assert f'id="{fragment}"' in client.get(path).text


def test_answer_view_marks_the_span_inside_its_source(engine: Engine) -> None:
    """The answerer's span (citation, character offsets) is marked in that cited passage,
    shown as the quoted sentence; a source not cited in the text is not listed."""
    passage = next(p for p in engine.index.passages if "34 permis" in p.text)
    start = passage.text.index("34 permis")
    sentence = (passage.text.rfind(".", 0, start) + 1, passage.text.index(".", start) + 1)
    answer = Answer(
        text="34 — « En 2014, 34 permis… » [1]",
        answered=True,
        citations=[],
        short_answer="34",
        confidence=0.9,
        span=AnswerSpan(1, "34", start, start + 2, *sentence),
    )
    other = to_passage(engine.index.passages[0], "Autre")
    view = answer_view(
        answer, [to_passage(passage, "T"), other], frozenset(), "fr", "http://h", "fr"
    )
    assert view.short == "34" and [s.rank for s in view.sources] == [1]
    html = str(view.sources[0].text)
    assert '<mark class="span">34</mark> permis' in html and html.startswith("… ")
    assert len(html) < len(passage.text)
    assert 'href="#c1"' in str(view.text)
