"""Evaluation plumbing on tiny hand-made data with hand-computed values (no model, fast)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from eval import gate
from eval.__main__ import main
from eval.metrics import (
    AnswerJudgement,
    answer_correct,
    answer_summary,
    judge_answer,
    mean_of,
    retrieval_per_query,
    term_found,
)
from eval.qrels import (
    derive_qrels,
    empty,
    is_relevant,
    line_of,
    lost_evidence,
    quote_lines,
)
from eval.questions import Evidence, Question, QuestionError, load_questions, select
from eval.report import render, tables
from eval.summary import failures
from eval.systems import peer_chunks
from indexer.models import Document, Passage

# --- retrieval metrics -------------------------------------------------------------------

QRELS = {
    "q1": {"a": 1},
    "q2": {"b": 1},
    "q3": {"f": 1},
    "q4": {"x": 1, "y": 1},
    "q5": {},  # the passages lost the evidence: a sure miss
    "q6": {"a": 1},
}
RANKED = {
    "q1": ["a", "b", "c"],
    "q2": ["a", "c", "b"],
    "q3": ["a", "b", "c", "d", "e", "f"],
    "q4": ["y", "a", "x"],
    "q5": ["a"],
    "q6": [],  # nothing retrieved
}
NDCG_Q4 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
EXPECTED = {
    "q1": {"hit@1": 1, "hit@5": 1, "hit@10": 1, "MRR@10": 1, "nDCG@10": 1},
    "q2": {"hit@1": 0, "hit@5": 1, "hit@10": 1, "MRR@10": 1 / 3, "nDCG@10": 0.5},
    "q3": {"hit@1": 0, "hit@5": 0, "hit@10": 1, "MRR@10": 1 / 6, "nDCG@10": 1 / math.log2(7)},
    "q4": {"hit@1": 1, "hit@5": 1, "hit@10": 1, "MRR@10": 1, "nDCG@10": NDCG_Q4},
    "q5": {"hit@1": 0, "hit@5": 0, "hit@10": 0, "MRR@10": 0, "nDCG@10": 0},
    "q6": {"hit@1": 0, "hit@5": 0, "hit@10": 0, "MRR@10": 0, "nDCG@10": 0},
}


def test_retrieval_per_query_matches_hand_computed_values() -> None:
    scores = retrieval_per_query(QRELS, RANKED)
    assert set(scores) == set(EXPECTED)
    for qid, expected in EXPECTED.items():
        for metric, value in expected.items():
            assert scores[qid][metric] == pytest.approx(value), (qid, metric)


def test_means_over_subsets() -> None:
    scores = retrieval_per_query(QRELS, RANKED)
    means = mean_of(scores, ["q1", "q2", "q3", "unanswerable"])
    assert means["n"] == 3
    assert means["hit@1"] == pytest.approx(1 / 3)
    assert means["hit@5"] == pytest.approx(2 / 3)
    assert means["hit@10"] == pytest.approx(1.0)
    assert means["MRR@10"] == pytest.approx((1 + 1 / 3 + 1 / 6) / 3)
    assert mean_of(scores, [])["n"] == 0


def test_rank_order_wins_over_tied_scores() -> None:
    """ranx sees rank-derived scores: the system's order is kept even for equal scores."""
    scores = retrieval_per_query({"q": {"b": 1}}, {"q": ["a", "b"]})
    assert scores["q"]["MRR@10"] == pytest.approx(0.5)


# --- answers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("Sécurité publique", "dirigé par SECURITE PUBLIQUE Canada", True),
        ("securite publique", "dirigé par Sécurité   publique", True),
        ("En suspens|on hold|suspended", "The deliverable is on hold.", True),
        ("En suspens|on hold", "It is complete.", False),
        ("34", "En 2014, 34 permis", True),
        ("34", "en 2034 seulement", False),
        ("34", "134 permis", False),
        ("100 000|100,000", "jusqu'à 100\u00a0000 dollars", True),
        ("oeuvre", "la mise en Œuvre", True),
        ("2012-2013", "début 2012-2013 [1]", True),
    ],
)
def test_term_found(term: str, text: str, found: bool) -> None:
    assert term_found(term, text) is found


def test_answer_correct_needs_every_term_and_an_answer() -> None:
    assert answer_correct(
        True, "26 services de police, 330 femmes", ["26", "330|trois cent trente"]
    )
    assert not answer_correct(True, "26 services de police", ["26", "330"])
    assert not answer_correct(False, "26 services, 330 femmes", ["26", "330"])


def _question(
    qid: str, answerable: bool, terms: tuple[str, ...] = (), split: str = "dev"
) -> Question:
    evidence = (Evidence("doc", "trois permis ont été délivrés"),) if answerable else ()
    category = "fact" if answerable else "unanswerable"
    return Question(
        qid,
        split,
        "fr",
        category,
        f"question {qid}?",
        answerable,
        evidence,
        terms,
        written="blind" if split == "test" else "with-system",
        answer_type="number" if answerable else None,
    )


def test_answer_summary_abstention_precision_recall() -> None:
    a1, a2, a3 = (_question(q, True, ("34",)) for q in ("a1", "a2", "a3"))
    u1, u2 = _question("u1", False), _question("u2", False)
    relevant = {"p1": 1}
    judgements = [
        judge_answer(a1, True, "34 permis [1]", ["p1", "p9"], relevant),  # right, cites p1
        judge_answer(a2, True, "35 permis [1]", ["p9"], relevant),  # wrong, bad citation
        judge_answer(a3, False, "Je n'ai pas trouvé", ["p1"], relevant),  # abstained
        judge_answer(u1, False, "Je n'ai pas trouvé", [], {}),  # right abstention
        judge_answer(u2, True, "Une réponse inventée", ["p9"], {}),  # answered: bad
    ]
    assert judgements[0] == AnswerJudgement(True, True, True, True)
    assert judgements[2].citation_ok is None and judgements[3].citation_ok is None
    summary = answer_summary(judgements)
    assert summary["answer_accuracy"] == pytest.approx(1 / 3)
    assert summary["citation_correctness"] == pytest.approx(1 / 2)
    assert summary["abstention_precision"] == pytest.approx(1 / 2)  # u1 of {a3, u1}
    assert summary["abstention_recall"] == pytest.approx(1 / 2)  # u1 of {u1, u2}
    assert summary["answered_unanswerable"] == 1
    assert answer_summary([])["abstention_precision"] is None


# --- qrels -------------------------------------------------------------------------------

DOC_TEXT = (
    "Titre du rapport\n"  # 1
    "Des permis ont été délivrés aux victimes.\n"  # 2
    "En 2014, 34 permis de sejour temporaire ont ete delivres a des victimes\n"  # 3 (OCR)
    "de la traite de personnes.\n"  # 4
    "\n"  # 5
    "Autre paragraphe sur le travail forcé.\n"  # 6
    "Un titre seul\n"  # 7
)
QUOTE = "34 permis de sejour temporaire ont ete delivres"


def _passage(pid: str, start: int, end: int, text: str, doc: str = "doc") -> Passage:
    return Passage(pid, doc, "s", ["S"], text, start, end, "doc.txt")


def test_line_lookup() -> None:
    assert line_of(DOC_TEXT, 0) == 1
    assert line_of(DOC_TEXT, DOC_TEXT.index("34 permis")) == 3
    assert quote_lines(DOC_TEXT, QUOTE) == [3]
    assert quote_lines(DOC_TEXT, "permis") == [2, 3]
    assert quote_lines(DOC_TEXT, "absent") == []


def test_qrels_need_document_line_span_and_quote_words() -> None:
    question = Question("q", "dev", "fr", "fact", "?", True, (Evidence("doc", QUOTE),), ("34",))
    cleaned = (
        "En 2014, 34 permis de séjour temporaire ont été délivrés à des victimes de la traite."
    )
    passages = [
        _passage("words-but-wrong-lines", 1, 2, cleaned),
        _passage("right", 3, 4, cleaned),  # OCR fixed: folding and stemming absorb it
        _passage("right-lines-wrong-words", 2, 6, "Autre paragraphe sur le travail forcé."),
        _passage("other-doc", 3, 4, cleaned, doc="other"),
    ]
    qrels = derive_qrels([question], passages, {"doc": DOC_TEXT})
    assert qrels == {"q": {"right": 1}}
    assert empty(qrels) == []
    assert lost_evidence([question], passages, {"doc": DOC_TEXT}) == {}


def test_lost_evidence_and_empty_qrels() -> None:
    heading = Question("h", "dev", "fr", "fact", "?", True, (Evidence("doc", "Un titre seul"),), ())
    two = Question(
        "t",
        "dev",
        "fr",
        "fact",
        "?",
        True,
        (Evidence("doc", "Un titre seul"), Evidence("doc", "travail forcé")),
        (),
    )
    unanswerable = _question("u", False)
    passages = [_passage("p6", 6, 6, "Autre paragraphe sur le travail forcé.")]
    texts = {"doc": DOC_TEXT}
    qrels = derive_qrels([heading, two, unanswerable], passages, texts)
    assert qrels == {"h": {}, "t": {"p6": 1}}
    assert empty(qrels) == ["h"]
    lost = lost_evidence([heading, two], passages, texts)
    assert lost == {
        "h": ["doc line 7: no passage spans this line"],
        "t": ["doc line 7: no passage spans this line"],
    }
    assert is_relevant([], passages[0]) is False


def test_peer_chunks_carry_exact_line_spans() -> None:
    lines = [
        f"Ligne {n} : la traite de personnes au Canada, paragraphe numéro {n}."
        for n in range(1, 90)
    ]
    text = "\n".join(lines[:40]) + "\n\n" + "\n".join(lines[40:]) + "\n"
    doc = Document("d", "T", "T", "P", 2015, "fr", "u", "d.txt", "ocr", text, "0")
    chunks = peer_chunks([doc])
    assert len(chunks) > 3
    for chunk in chunks:
        span = "\n".join(text.split("\n")[chunk.line_start - 1 : chunk.line_end])
        assert chunk.text in span
        assert chunk.text.split("\n")[0] == span.split("\n")[0].strip()
    assert chunks[0].line_start == 1 and chunks[-1].line_end == 90


# --- questions, gate, report -------------------------------------------------------------


def test_question_loading(tmp_path: Path) -> None:
    questions = load_questions()
    assert len(questions) >= 130
    assert {q.split for q in select(questions, "dev")} == {"dev"}
    assert len(select(questions, "all")) == len(questions)
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"id": "q1", "split": "dev"}\n', encoding="utf-8")
    with pytest.raises(QuestionError, match="q.jsonl:1"):
        load_questions(bad)


LINE = (
    '{{"id": "q1", "split": "{split}", "written": "{written}", "language": "fr", '
    '"category": "fact", {extra}"question": "?", "answerable": true, '
    '"evidence": [{{"doc_id": "d", "quote": "q"}}], "answer_terms": ["34"]}}\n'
)


@pytest.mark.parametrize(
    ("split", "written", "extra", "error"),
    [
        ("test", "with-system", '"answer_type": "number", ', "must be blind"),
        ("dev", "by-hand", '"answer_type": "number", ', "written must be one of"),
        ("dev", "blind", "", "answer_type must be one of"),
        ("dev", "blind", '"answer_type": "amount", ', "answer_type must be one of"),
    ],
)
def test_question_provenance_and_answer_type_are_checked(
    tmp_path: Path, split: str, written: str, extra: str, error: str
) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(LINE.format(split=split, written=written, extra=extra), encoding="utf-8")
    with pytest.raises(QuestionError, match=error):
        load_questions(path)
    good = LINE.format(split="test", written="blind", extra='"answer_type": "number", ')
    path.write_text(good, encoding="utf-8")
    assert load_questions(path)[0].written == "blind"


def _results() -> dict:
    """A tiny results dict shaped like ``eval.run.run_eval`` output."""
    questions = [
        _question("a1", True, ("34",)),
        _question("a2", True, ("35",)),
        _question("u1", False),
        _question("t1", False, split="test"),  # held out: never in the gate
    ]
    info = {
        q.id: {
            "split": q.split,
            "written": q.written,
            "answer_type": q.answer_type,
            "language": q.language,
            "category": q.category,
            "answerable": q.answerable,
            "question": q.question,
            "answer_terms": list(q.answer_terms),
            "id": q.id,
        }
        for q in questions
    }
    per_query = retrieval_per_query(
        {"a1": {"p1": 1}, "a2": {"p2": 1}}, {"a1": ["p1"], "a2": ["p9"]}
    )
    system = {
        "passages": 3,
        "per_query": per_query,
        "empty_qrels": [],
        "lost_evidence": {},
        "top": {
            "a1": {"id": "p1", "text": "34 permis", "relevant": True},
            "a2": {"id": "p9", "text": "autre", "relevant": False},
            "u1": None,
            "t1": None,
        },
    }
    answers = {
        "a1": {
            "text": "34 permis",
            "answered": True,
            "answerable": True,
            "correct": True,
            "citation_ok": True,
            "citations": ["p1"],
        },
        "a2": {
            "text": "Je n'ai pas trouvé",
            "answered": False,
            "answerable": True,
            "correct": False,
            "citation_ok": None,
            "citations": [],
        },
        "u1": {
            "text": "inventé",
            "answered": True,
            "answerable": False,
            "correct": False,
            "citation_ok": None,
            "citations": [],
        },
        "t1": {
            "text": "aussi inventé",
            "answered": True,
            "answerable": False,
            "correct": False,
            "citation_ok": None,
            "citations": [],
        },
    }
    return {
        "questions": info,
        "systems": {"full": system, "peer": system},
        "answers": answers,
        "index": None,
        "base_url": None,
        "seconds": {"full: retrieve": 0.1},
    }


def test_gate_lists_every_failure_on_the_dev_split_only() -> None:
    results = _results()
    thresholds = {
        "hit_at_5": 0.9,
        "mrr_at_10": 0.5,
        "answer_accuracy": 0.5,
        "max_answered_unanswerable": 0,
    }
    assert gate.check(results, thresholds) == [
        "hit@5 0.500 < threshold 0.900",
        "1 unanswerable question(s) got an answer (u1) > max 0",
    ]
    assert gate.check(results, {"max_answered_unanswerable": 1}) == []


def test_gate_thresholds_file(tmp_path: Path) -> None:
    assert set(gate.load_thresholds()) >= {"hit_at_5", "mrr_at_10", "answer_accuracy"}
    bad = tmp_path / "t.toml"
    bad.write_text("[gate]\nhit_at_6 = 0.5\n", encoding="utf-8")
    with pytest.raises(gate.GateError, match="unknown threshold"):
        gate.load_thresholds(bad)


def test_report_renders_tables_and_failures() -> None:
    results = _results()
    qids = list(results["questions"])
    text = render(results, qids, "Evaluation")
    assert "| full (hybrid) | 0.500 | 0.500 |" in text
    assert "answer acc." in tables(results, qids)
    assert [f["id"] for f in failures(results, qids)] == ["a2", "u1", "t1"]
    assert "**a2**" in text and "hit@5 miss + wrong answer" in text


def test_report_puts_dev_and_held_out_test_side_by_side() -> None:
    results = _results()
    results["questions"]["a2"]["split"] = "test"  # dev: a1 (hit), test: a2 (miss)
    text = tables(results, list(results["questions"]))
    side = text.split("## Retrieval, dev and test side by side")[1].split("##")[0]
    assert "test (held out) hit@1" in side
    assert "| full (hybrid) | 1.000 | 1.000 | 1.000 | 1.000 | 1 | 0.000 | 0.000 |" in side
    by_type = text.split("## Answer accuracy by expected answer type")[1]
    assert "| answer_type = number | 1.000 | 1 | 0.000 | 1 |" in by_type
    assert "| language = fr | 1.000 | 1 | 0.000 | 1 |" in by_type
    assert "## Answer risk–coverage" not in text  # no open answers measured
    for qid, (confidence, right) in {"a1": (0.9, True), "a2": (0.4, True)}.items():
        results["answers"][qid] |= {"confidence": confidence, "open_correct": right}
    results["answer_threshold"] = 0.5
    risk = tables(results, list(results["questions"])).split("## Answer risk–coverage")[1]
    assert "| 0.400 |" not in risk and "| 0.500 (shipped) | 1.000 | 1.000 |" in risk


def test_cli_setup_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--split", "test", "--systems", "full", "--base-url", "http://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
