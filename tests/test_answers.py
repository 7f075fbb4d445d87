"""Answers: typed spans of real report sentences rendered in English, the expected answer
type, the seed questions in both languages, a near-miss refusal, a keyword snippet, a
deliverable named by its content, and the calibration code on a tiny known set."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from eval.tune.answers import Example, Point, choose, confidence, curve, fit, points
from indexer.lexicon import Glossary
from service.answers.features import FEATURES
from service.answers.render import number, short_answer, status
from service.answers.spans import find_spans
from service.answers.types import expected_type, is_keyword_query
from service.engine import Engine


def sentence(engine: Engine, words: str) -> str:
    """The sentence of an indexed passage that holds ``words`` (real report text)."""
    for passage in engine.index.passages:
        at = passage.text.find(words)
        if at >= 0:
            start = passage.text.rfind(". ", 0, at) + 1
            end = passage.text.find(".", at + len(words))
            return passage.text[start : end + 1 if end >= 0 else None].strip()
    raise AssertionError(f"no passage holds {words!r}")


def ask(client: TestClient, question: str, k: int = 5) -> dict:
    response = client.post("/ask", json={"question": question, "k": k})
    assert response.status_code == 200, response.text
    return response.json()


def english(engine: Engine, words: str, kind: str) -> list[str]:
    glossary: Glossary = engine.index.glossary
    return [
        short_answer(s, "en", glossary) for s in find_spans(sentence(engine, words), kind, glossary)
    ]


@pytest.mark.parametrize(
    ("words", "kind", "expected"),
    [
        ("34 permis de séjour temporaire", "number", "34"),
        ("vingt-six services de police", "number", "26"),
        ("cinq millions de dollars", "number", "$5 million"),
        ("jusqu'à 500 000 dollars", "number", "$500,000"),
        ("Entrées en vigueur le 1er décembre 2015", "date", "December 1, 2015"),
        ("lancé le 6 juin 2012", "date", "June 6, 2012"),
        ("Kim Pate", "person", "Kim Pate"),
        ("Ensemble pour les filles", "place", "Latin America"),
    ],
)
def test_a_span_of_each_type_is_found_and_rendered_in_english(
    engine: Engine, words: str, kind: str, expected: str
) -> None:
    assert expected in english(engine, words, kind)


def test_an_organisation_span_reads_in_english_with_the_reports_code(engine: Engine) -> None:
    assert "RCMP (GRC)" in english(engine, "de la GRC", "organisation")
    assert "CBSA (ASFC)" in english(engine, "l'ASFC", "organisation")


def test_numbers_and_statuses_use_the_language_of_the_question() -> None:
    assert number(1200, "fr") == "1 200" and number(1200, "en") == "1,200"
    assert number(3.5, "fr") == "3,5" and number(3.5, "en") == "3.5"
    assert status("Terminé (septembre 2014)", "en") == "Completed (Terminé, September 2014)"
    assert status("En cours", "fr") == "En cours"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Combien de policiers ont été formés ?", "number"),
        ("How much money did the fund give?", "number"),
        ("Quand le plan a-t-il été lancé ?", "date"),
        ("In what year did the survey change?", "date"),
        ("Qui a présenté le rapport ?", "person"),
        ("Who presented the findings?", "person"),
        ("Who is Michael Holmes?", "description"),
        ("Selon le rapport, qui coordonne la stratégie ?", "person"),
        ("Une victime qui témoigne peut-elle rester au Canada ?", "description"),
        ("Can a worker who reports abuse keep the permit?", "description"),
        ("Quel ministère dirige le plan ?", "organisation"),
        ("Which agency leads the assessment?", "organisation"),
        ("Who is responsible for the training?", "organisation"),
        ("Dans quelle province le protocole existe-t-il ?", "place"),
        ("Where was the conference held?", "place"),
        ("Quels sont les objectifs du plan ?", "list"),
        ("Why do victims not come forward?", "description"),
        ("Où en est la formation des agents ?", "status"),
    ],
)
def test_expected_answer_type_in_both_languages(question: str, kind: str) -> None:
    assert expected_type(question) == kind


def test_keyword_queries_are_told_from_questions() -> None:
    assert is_keyword_query("GRC stratégie jeunesse")
    assert not is_keyword_query("Qui dirige la stratégie ?")
    assert not is_keyword_query("what is the youth strategy of the RCMP")


@pytest.mark.parametrize(
    ("question", "language", "start"),
    [
        ("How many temporary resident permits were issued to victims in 2014?", "en",
         "34 — from the report (French): « "),
        ("Combien de permis de séjour temporaire ont été délivrés aux victimes en 2014 ?", "fr",
         "34 — « "),
    ],
)  # fmt: skip
def test_seed_number_question_leads_with_the_short_answer(
    client: TestClient, question: str, language: str, start: str
) -> None:
    body = ask(client, question)
    assert body["answered"] is True and body["language"] == language
    assert body["short_answer"] == "34"
    assert body["answer"].startswith(start) and "34 permis de séjour temporaire" in body["answer"]
    assert 0 < body["confidence"] <= 1
    span = body["answer_span"]
    cited = body["citations"][span["citation"] - 1]["text"]
    assert cited[span["start"] : span["end"]] == span["text"] == "34"
    assert span["sentence_start"] <= span["start"] < span["end"] <= span["sentence_end"]
    assert f"[{span['citation']}]" in body["answer"]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Qui est responsable de la tâche 2.13 ?", ["IRCC", "GRC", "EDSC"]),
        ("Who is responsible for task 2.13?", ["IRCC", "RCMP", "ESDC"]),
    ],
)
def test_seed_task_question_names_every_responsible_organisation(
    client: TestClient, question: str, names: list[str]
) -> None:
    body = ask(client, question)
    assert body["answered"] is True and body["confidence"] == 1.0
    assert all(name in body["answer"] for name in names)
    assert all(c["task_id"] == "2.13" for c in body["citations"][:3])


@pytest.mark.parametrize(
    "question",
    [
        "How many temporary resident permits were issued to victims in 2019?",
        "Combien de permis de séjour temporaire ont été délivrés aux victimes en 2019 ?",
        # the reports give the IOM/OSCE project's count for Ukraine, never for Kenya
        "Combien de victimes le projet de l'OIM et de l'OSCE a-t-il permis d'identifier au Kenya ?",
        "How many victims did the IOM and OSCE project identify in Kenya?",
        # the reports give no percentage at all: a count is no answer to one
        "Quel pourcentage des permis de séjour temporaire ont été délivrés à des enfants ?",
        "What percentage of the temporary resident permits went to children?",
    ],
)
def test_near_misses_are_refused(client: TestClient, question: str) -> None:
    """Another year or another country than the reports give, or a percentage where they
    give a count: no answer."""
    body = ask(client, question)
    assert body["answered"] is False and body["short_answer"] is None
    assert body["answer_span"] is None and body["citations"]


def test_keyword_query_gets_a_featured_snippet_with_its_citation(client: TestClient) -> None:
    """A few words typed in the search box: the best sentence, quoted from the passage it
    cites (the results stay below it)."""
    body = ask(client, "aides familiaux habiter chez employeur")
    assert body["answered"] is True and body["short_answer"] is None
    quoted = body["answer"].split("« ", 1)[1].split(" »", 1)[0]
    span = body["answer_span"]
    cited = body["citations"][span["citation"] - 1]["text"]
    assert quoted[:60] in " ".join(cited.split()) and "aides familiaux" in quoted
    assert f"[{span['citation']}]" in body["answer"] and len(body["citations"]) == 5


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Où en est l'amélioration de la surveillance du Programme des étudiants étrangers ?",
         "En cours"),
        ("Which department is improving the monitoring of the International Student Program?",
         "IRCC"),
    ],
)  # fmt: skip
def test_a_deliverable_named_by_its_content_is_answered_from_its_record(
    client: TestClient, engine: Engine, question: str, expected: str
) -> None:
    body = ask(client, question)
    assert body["answered"] is True and body["short_answer"].startswith(expected)
    task = next(task for _, task in engine.index.tasks if task.id == "2.13")
    record = next(d for d in task.deliverables if "surveillance" in d.text)
    span = body["answer_span"]
    cited = body["citations"][span["citation"] - 1]
    assert cited["task_id"] == "2.13" and record.text in cited["text"]
    assert span["text"] == record.text


def test_risk_coverage_and_threshold_on_a_tiny_known_set() -> None:
    points = [
        Point("a", True, 0.9, True),
        Point("b", True, 0.8, True),
        Point("c", True, 0.3, False),
        Point("d", False, 0.5, False),
        Point("e", False, 0.2, False),
    ]
    rows = {r["threshold"]: r for r in curve(points)}
    assert rows[0.0]["coverage"] == 1.0 and rows[0.0]["unanswerable_answered"] == 1.0
    assert rows[0.5]["coverage"] == pytest.approx(2 / 3)
    assert rows[0.5]["unanswerable_answered"] == 0.5
    chosen = choose(curve(points), target=0.0)
    # the two right answers kept, both unanswerables refused: halfway between 0.5 and 0.8
    assert chosen["threshold"] == pytest.approx(0.65)
    assert chosen["accuracy"] == pytest.approx(2 / 3) and chosen["unanswerable_answered"] == 0
    loose = choose(curve(points), target=0.5)
    assert loose["unanswerable_answered"] <= 0.5 and loose["accuracy"] == pytest.approx(2 / 3)


def test_the_fitted_scorer_ranks_the_right_candidate_first_on_a_tiny_known_set() -> None:
    """Two candidates per question, the right one with the larger first feature: the fitted
    model gives it the larger confidence, and the in-sample curve answers every question."""
    n = len(FEATURES)

    def example(qid: str, good: float, bad: float, answerable: bool = True) -> Example:
        features = np.zeros((2, n), dtype=np.float32)
        features[:, 0] = (good, bad)
        return Example(qid, "fr", "fact", answerable, features, np.array([answerable, False]))

    examples = [example(f"q{i}", 0.8 + i / 100, 0.2 + i / 100) for i in range(6)]
    examples.append(example("u", 0.1, 0.0, answerable=False))
    params = fit(examples)
    assert all(
        confidence(params, e.features)[0] > confidence(params, e.features)[1] for e in examples
    )
    pts = points(examples, lambda e: params)
    assert all(p.correct for p in pts if p.answerable)
    chosen = choose(curve(pts), target=0.0)
    assert chosen["accuracy"] == 1.0 and chosen["unanswerable_answered"] == 0.0


@pytest.mark.parametrize(
    ("question", "name"),
    [("Which task is FINTRAC responsible for?", "FINTRAC"),
     ("Quelle tâche relève du CANAFE ?", "CANAFE")],
)  # fmt: skip
def test_the_task_of_an_organisation_is_listed_from_the_records(
    client: TestClient, engine: Engine, question: str, name: str
) -> None:
    """ "Which task" (one or several) of a department: the task ids of Annex A that name it."""
    tasks = [task.id for _, task in engine.index.tasks if "CANAFE" in task.organisations]
    body = ask(client, question)
    assert body["answered"] is True and body["confidence"] == 1.0
    assert body["short_answer"] == ", ".join(tasks) and name in body["answer"]
    assert {c["task_id"] for c in body["citations"]} <= set(tasks)
