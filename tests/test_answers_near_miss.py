"""Near-miss questions: a place the reports never name, an amount asked of a count, and the
cross-validation folds of the answer tuner (questions sharing evidence stay together)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from eval.questions import Evidence, Question
from eval.tune.answers import evidence_groups
from service.answers.spans import places_named
from service.engine import Engine


def ask(client: TestClient, question: str) -> dict:
    response = client.post("/ask", json={"question": question, "k": 5})
    assert response.status_code == 200, response.text
    return response.json()


def test_countries_are_named_in_both_languages_by_their_french_name() -> None:
    assert places_named("projets en Moldavie et au Kenya") == {"Moldavie", "Kenya"}
    assert places_named("victims identified in Moldova") == {"Moldavie"}
    # the province is not the country
    assert places_named("en Colombie-Britannique") == {"Colombie-Britannique"}
    # first names are not countries
    assert places_named("Dominique et Maurice ont présenté") == frozenset()


def _spans(engine: Engine, question: str) -> list:
    query, hits = engine.searcher.batch_search([question], 10)[0]
    _, found, _ = engine.answerer.scored(query, hits)
    return [s for c in found for s in c.spans]


def test_a_count_is_not_answered_by_an_amount_of_money(engine: Engine) -> None:
    # the project's sentence gives "8 millions de dollars" and "88 pédagogues"
    spans = _spans(
        engine, "Combien de pédagogues ont été formés grâce au projet de l'OIM et de l'OSCE ?"
    )
    assert spans and not [s.text for s in spans if "$" in s.unit]
    money = _spans(engine, "Quel montant le Canada verse-t-il au projet de l'OIM et de l'OSCE ?")
    assert money and all("$" in s.unit for s in money)


def test_questions_sharing_evidence_share_a_cross_validation_group() -> None:
    def q(qid: str, *quotes: str) -> Question:
        evidence = tuple(Evidence("doc", text) for text in quotes)
        return Question(qid, "dev", "fr", "fact", "?", bool(quotes), evidence, ())

    groups = evidence_groups([q("q1", "a"), q("q2", "b"), q("q3", "a", "b"), q("q4", "c"), q("q5")])
    assert groups["q1"] == groups["q2"] == groups["q3"] == "q1"
    assert groups["q4"] == "q4" and groups["q5"] == "q5"
