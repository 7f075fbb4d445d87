"""The hybrid search engine over the real index (library API, no HTTP)."""

from __future__ import annotations

import pytest

from indexer.text import detect_language, tokenize
from service.engine import Engine
from service.search import Filters, Hit, Searcher


def search(engine: Engine, text: str, k: int = 10, filters: Filters | None = None) -> list[Hit]:
    return engine.searcher.search(text, k, filters)


@pytest.mark.parametrize("text", ["tâche 2.13", "task 2.13", "mesure 2.13", "Tâche 2.13 ?"])
def test_task_id_puts_the_task_first(engine: Engine, text: str) -> None:
    hits = search(engine, text, k=10)
    assert [h.passage.task_id for h in hits[:7]] == ["2.13"] * 7  # overview + 6 deliverables
    assert all(h.passage.task_id != "2.13" for h in hits[7:])
    assert hits[0].passage.kind == "task-overview"
    for hit in hits[:7]:
        assert "task 2.13" in hit.matched
    assert [h.passage.kind for h in hits[1:7]] == ["task"] * 6
    assert hits[0].score > hits[1].score > hits[7].score
    assert engine.searcher.analyse(text).task_ids == ["2.13"]


def test_unknown_task_id_is_not_a_task_query(engine: Engine) -> None:
    query = engine.searcher.analyse("tâche 9.99")
    assert query.task_ids == []
    assert not any(h.matched for h in search(engine, "tâche 9.99"))


def test_rcmp_youth_strategy(engine: Engine) -> None:
    hits = search(engine, "RCMP youth strategy", k=5)
    texts = [h.passage.text for h in hits[:3]]
    assert any("stratégie pour la jeunesse de la GRC" in t for t in texts)
    top = next(h for h in hits if "stratégie pour la jeunesse de la GRC" in h.passage.text)
    assert top.passage.task_id == "1.11" and top.passage.organisations == ["GRC"]
    assert engine.searcher.analyse("RCMP youth strategy").organisations == ["GRC"]


def test_fintrac_money_laundering(engine: Engine) -> None:
    hits = search(engine, "FINTRAC money laundering", k=5)
    canafe = [
        h for h in hits if h.passage.task_id == "3.13" and "CANAFE" in h.passage.organisations
    ]
    assert canafe, [h.passage.id for h in hits]
    assert "blanchiment d'argent" in canafe[0].passage.text


def test_english_question_finds_the_french_figure(engine: Engine) -> None:
    question = "How many temporary resident permits were issued to victims in 2014?"
    hits = search(engine, question, k=3)
    assert any("34 permis de séjour temporaire" in h.passage.text for h in hits), [
        h.passage.id for h in hits
    ]
    assert engine.searcher.analyse(question).language == "en"


def test_french_question_finds_the_figure(engine: Engine) -> None:
    hits = search(engine, "Combien de fonctionnaires du travail ont suivi la formation ?", k=3)
    assert any("320 fonctionnaires du travail" in h.passage.text for h in hits)


def test_workshop_report_is_searchable(engine: Engine) -> None:
    hits = search(engine, "maisons sécuritaires pour les victimes", k=5)
    assert any(h.passage.section_key == "3-1-5" for h in hits[:3])


def test_filter_by_document(engine: Engine) -> None:
    hits = search(engine, "traite de personnes", k=20, filters=Filters(doc="atelier-2015"))
    assert len(hits) == 20
    assert {h.passage.doc_id for h in hits} == {"atelier-2015"}


def test_filter_by_task(engine: Engine) -> None:
    hits = search(engine, "renseignement", k=50, filters=Filters(task="3.13"))
    assert {h.passage.task_id for h in hits} == {"3.13"}
    assert len(hits) == 12  # its overview and 11 deliverables, however far down they rank


def test_filter_by_organisation(engine: Engine) -> None:
    hits = search(engine, "formation", k=50, filters=Filters(org="GRC"))
    assert hits and all("GRC" in h.passage.organisations for h in hits)
    assert {h.passage.task_id for h in hits} >= {"2.13", "3.14", "1.11"}


def test_filter_by_section(engine: Engine) -> None:
    hits = search(engine, "victimes", k=10, filters=Filters(section="3-1"))
    assert hits and all(h.passage.section_key.startswith("3-1") for h in hits)


def test_filters_combine(engine: Engine) -> None:
    hits = search(engine, "permis", k=50, filters=Filters(doc="atelier-2015", org="GRC"))
    assert hits == []
    hits = search(engine, "permis", k=50, filters=Filters(task="2.13", org="GRC"))
    assert sorted(h.passage.kind for h in hits) == ["task", "task-overview"]
    deliverable = next(h.passage for h in hits if h.passage.kind == "task")
    assert "témoin étranger" in deliverable.text


def test_hits_carry_ranks_and_scores(engine: Engine) -> None:
    hits = search(engine, "permis de séjour temporaire pour les victimes", k=10)
    assert len(hits) == 10
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    top = hits[0]
    assert isinstance(top.dense_rank, int) and top.dense_rank >= 1
    assert isinstance(top.lexical_rank, int) and top.lexical_rank >= 1
    assert -1.0 <= top.dense_score <= 1.0 and top.lexical_score > 0
    assert all(h.dense_rank or h.lexical_rank for h in hits)
    assert len({h.passage.id for h in hits}) == len(hits)


def test_k_limits_results(engine: Engine) -> None:
    assert len(search(engine, "traite", k=1)) == 1
    assert len(search(engine, "traite", k=50)) == 50


def test_batch_search_matches_single_search(engine: Engine) -> None:
    texts = ["tâche 2.13", "RCMP youth strategy"]
    batch = engine.searcher.batch_search(texts, 5)
    for text, (query, hits) in zip(texts, batch, strict=True):
        assert query.text == text
        assert [h.passage.id for h in hits] == [h.passage.id for h in search(engine, text, 5)]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Qui est responsable de la tâche 2.13 ?", "fr"),
        ("Combien de permis de séjour temporaire ont été délivrés en 2014 ?", "fr"),
        ("Quelles sont les prochaines étapes de l'atelier ?", "fr"),
        ("Que fait la GRC pour les jeunes ?", "fr"),
        ("traite de personnes", "fr"),
        ("Who is responsible for task 2.13?", "en"),
        ("How many temporary resident permits were issued to victims in 2014?", "en"),
        ("What are the next steps after the workshop?", "en"),
        ("What does the RCMP do for young people?", "en"),
        ("Is the Temporary Foreign Worker Program mentioned in these reports?", "en"),
    ],
)
def test_language_detection(engine: Engine, text: str, language: str) -> None:
    assert detect_language(text) == language
    assert engine.searcher.analyse(text).language == language


def test_english_query_is_expanded_with_french_terms(engine: Engine) -> None:
    query = engine.searcher.analyse("temporary resident permits for trafficking victims")
    assert query.language == "en"
    assert any("permis de séjour temporaire" in e for e in query.expansions)


def test_the_encoders_read_the_expansions_unless_turned_off(engine: Engine) -> None:
    """TRAITE_EXPAND_DENSE=false: the e5 passes read the question alone (cheaper: a pass
    costs about as much as its tokens), and the question still finds its passage."""
    text = "How many temporary resident permits were issued to victims in 2014?"
    query = engine.searcher.analyse(text)
    assert engine.searcher.encoded_text(query).startswith(f"{text} (")
    assert "permis de séjour temporaire" in engine.searcher.encoded_text(query)
    alone = engine.searcher.settings.model_copy(update={"expand_dense": False})
    plain = Searcher(engine.index, engine.searcher.embedder, alone)
    assert plain.encoded_text(query) == text
    hits = plain.search(text, 5)
    assert any("34 permis de séjour temporaire" in h.passage.text for h in hits)


@pytest.mark.parametrize(
    "text", ["traite de personnes", "permis de séjour temporaire", "maisons sécuritaires"]
)
def test_french_keyword_queries_are_french(text: str) -> None:
    assert detect_language(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "human trafficking definition",
        "sex trafficking indigenous women",
        "labour officials training",
    ],
)
def test_english_keyword_queries_are_english(engine: Engine, text: str) -> None:
    query = engine.searcher.analyse(text)
    assert query.language == "en"
    assert query.expansions, "English words are translated for the French lexical index"


def test_english_names_and_acronyms_are_searched_as_they_are(engine: Engine) -> None:
    query = engine.searcher.analyse("Who is Michael Holmes and what did he present?")
    assert query.anchors == ["Michael", "Holmes"]
    assert "Michael Holmes" in query.lexical_text and "present" not in query.lexical_text
    hits = search(engine, "Who is Michael Holmes and what did he present at the workshop?", k=3)
    evidence = [h for h in hits if "Michael Holmes" in h.passage.text]
    assert evidence and all(h.anchor_rank is not None for h in evidence)


def test_english_acronyms_reach_the_french_code(engine: Engine) -> None:
    query = engine.searcher.analyse("What does FINTRAC do under the National Action Plan?")
    assert "FINTRAC" in query.anchors and "CANAFE" in query.anchors
    # on the first page: the question's other words (National Action Plan) name the subject
    # of most passages, which the English field ranks first
    hits = search(engine, "What does FINTRAC do under the National Action Plan?", k=10)
    assert any("CANAFE" in h.passage.organisations for h in hits)


def test_an_english_organisation_does_not_pull_up_the_annex(engine: Engine) -> None:
    """Task passages are indexed with French names only, so "RCMP" in an English question
    about something else does not rank Annex A rows first."""
    hits = search(engine, "What threat assessment did the RCMP publish in 2014?", k=3)
    first = next(i for i, h in enumerate(hits) if "évaluation de la menace" in h.passage.text)
    assert all(h.passage.kind == "text" for h in hits[: first + 1])


def test_french_queries_keep_every_word_for_bm25(engine: Engine) -> None:
    query = engine.searcher.analyse("Qui est Michael Holmes ?")
    assert query.language == "fr" and query.lexical_text.startswith("Qui est Michael Holmes ?")


@pytest.mark.parametrize(
    ("text", "untranslated", "counted"),
    [
        ("Who is the RCMP commissioner?", {"commission"}, ""),
        ("How many temporary resident permits were issued?", set(), "permis de séjour temporaire"),
    ],
)
def test_an_english_query_knows_what_is_untranslated_and_what_is_counted(
    engine: Engine, text: str, untranslated: set[str], counted: str
) -> None:
    """The untranslated words are the English content words that neither the terms nor the
    glossary translate (compared as index tokens: stop words out, stemmed)."""
    query = engine.searcher.analyse(text)
    assert query.language == "en"
    assert set(tokenize(query.untranslated)) == untranslated
    assert counted in query.counted


def test_a_french_query_is_all_untranslated_and_knows_what_is_counted(engine: Engine) -> None:
    text = "Combien de victimes ont été identifiées ?"
    query = engine.searcher.analyse(text)
    assert query.language == "fr" and query.untranslated == text
    assert query.counted.startswith("victimes")


def test_a_question_that_counts_nothing_has_no_counted_words(engine: Engine) -> None:
    assert engine.searcher.analyse("Who is the RCMP commissioner?").counted == ""


def test_an_english_question_favours_passages_naming_its_organisation(engine: Engine) -> None:
    hits = search(engine, "What did FINTRAC do?", k=3)
    naming = [h for h in hits if "CANAFE" in h.passage.organisations]
    assert naming and all("organisation CANAFE" in h.matched for h in naming)
    french = search(engine, "Qu'a fait le CANAFE ?", k=3)  # French BM25 already weighs it
    assert all("organisation CANAFE" not in h.matched for h in french)
