"""Property tests: every endpoint against the app's own OpenAPI schema (schemathesis), and
the query analysis and tokenisation on arbitrary Unicode (hypothesis)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from indexer.lexicon import Glossary, TermTranslator
from indexer.text import detect_language, tokenize
from service.main import create_app
from service.query import analyse
from service.validation import InvalidInput, clean_user_text

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
STOPWORDS = Path(__file__).resolve().parents[1] / "indexer" / "data" / "stopwords.json"
KNOWN_TASKS = {"1.1", "2.13", "3.4"}

# Text that exercises the tokeniser and the language detector: accents, ligatures, elisions,
# apostrophes, identifiers, and any other Unicode.
FRENCHISH = st.text(
    alphabet=st.sampled_from(list("aàâçeéèêëiîïoôuùûüœæyAÉÈÇŒ'’-.,;:?!0123456789 \t\n")),
    max_size=200,
)
ANY_TEXT = st.one_of(st.text(max_size=300), FRENCHISH)


@pytest.fixture(scope="module")
def api_schema(settings, engine):
    """The app's own OpenAPI schema, served in-process (ASGI) by an app of its own."""
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings, engine))


@pytest.fixture
def pytest9_node_id(request):
    """schemathesis 4.32 reads ``request.node._nodeid``, which pytest 9 renamed: give it one."""
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.usefixtures("pytest9_node_id")
@schema.parametrize()
@hypothesis.settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_endpoint_conforms(case):
    """No input makes any endpoint answer 5xx, and every response matches the schema.

    /admin/reload is included: generated tokens never equal the configured one, so it only
    ever answers 401 and never reloads.
    """
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])


def test_422_matches_published_schema(client):
    """422 bodies are ``{"detail": "<one readable line>"}``, and the schema says so."""
    spec = client.get("/openapi.json").json()
    declared = spec["paths"]["/search"]["get"]["responses"]["422"]["content"]
    name = declared["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    detail = spec["components"]["schemas"][name]["properties"]["detail"]
    response = client.get("/search", params={"q": " "})
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert detail.get("type") == "string"


@pytest.fixture(scope="module")
def lexicons() -> tuple[Glossary, TermTranslator]:
    return Glossary.load(CORPUS / "glossary.json"), TermTranslator.load(CORPUS / "terms_en_fr.json")


@given(text=ANY_TEXT)
@hypothesis.settings(max_examples=200, deadline=None)
def test_detect_language_is_fr_or_en(text):
    assert detect_language(text) in {"fr", "en"}


@given(text=ANY_TEXT)
@hypothesis.settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_analyse_never_raises(text, lexicons):
    glossary, terms = lexicons
    query = analyse(text, glossary, terms, KNOWN_TASKS)
    assert query.language in {"fr", "en"}
    assert set(query.task_ids) <= KNOWN_TASKS
    assert all(glossary.get(code) is not None for code in query.organisations)
    assert all(isinstance(e, str) and e for e in query.expansions)


def _phrases(key: str) -> list[str]:
    data = json.loads((CORPUS / "terms_en_fr.json").read_text(encoding="utf-8"))
    return sorted({term[key] for term in data["terms"]})


def _function_words(language: str) -> list[str]:
    data = json.loads(STOPWORDS.read_text(encoding="utf-8"))
    other = {w.lower() for w in data["en" if language == "fr" else "fr"]}
    return sorted(w for w in data[language] if w.lower() not in other and len(w) > 1)


ENGLISH_TERMS = st.lists(st.sampled_from(_phrases("en")), min_size=1, max_size=4)
ENGLISH_WORDS = st.lists(st.sampled_from(_function_words("en")), max_size=3)
FRENCH_WORDS = st.lists(st.sampled_from(_function_words("fr")), min_size=1, max_size=3)


@given(terms=ENGLISH_TERMS, words=ENGLISH_WORDS)
@hypothesis.settings(max_examples=200, deadline=None)
def test_english_keywords_are_english(terms, words, lexicons):
    """A search-box query of English domain terms ("labour officials training") has no
    function word to tell its language: the terms decide, whatever English words join them."""
    glossary, translator = lexicons
    text = " ".join(terms + words)
    assert analyse(text, glossary, translator, KNOWN_TASKS).language == "en", text


@given(terms=ENGLISH_TERMS, words=FRENCH_WORDS)
@hypothesis.settings(max_examples=200, deadline=None)
def test_more_french_than_english_function_words_make_a_french_question(terms, words, lexicons):
    """English terms inside a French sentence ("formation des labour officials") do not make
    it English when its French function words outnumber the English ones."""
    glossary, translator = lexicons
    text = " ".join([words[0], *terms, *words[1:]])
    found = re.findall(r"[^\W\d_]+", text.lower())
    english = sum(w in set(_function_words("en")) for w in found)
    hypothesis.assume(len(words) > english)
    assert analyse(text, glossary, translator, KNOWN_TASKS).language == "fr", text


@given(text=ANY_TEXT)
@hypothesis.settings(max_examples=200, deadline=None)
def test_tokenize_never_raises(text):
    tokens = tokenize(text)
    assert isinstance(tokens, list)
    assert all(isinstance(t, str) and t for t in tokens)
    assert tokenize(text) == tokens


@given(text=ANY_TEXT)
@hypothesis.settings(max_examples=200, deadline=None)
def test_clean_user_text_accepts_or_explains(text):
    try:
        cleaned = clean_user_text(text, "q", 1000)
    except InvalidInput as exc:
        assert str(exc).startswith("q ")
    else:
        assert cleaned and cleaned == cleaned.strip() and len(cleaned) <= 1000
