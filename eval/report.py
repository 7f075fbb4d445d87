"""Render evaluation results as Markdown tables (paper style); charts are in ``eval.charts``.

Dev and test stand side by side; the test split is labelled held out: it is written blind
and never tuned on (``python -m eval.tune`` and the CI gate read dev only).
"""

from __future__ import annotations

from typing import Any

from eval import risk
from eval import summary as S
from eval.leads import leads_section
from eval.metrics import RETRIEVAL_METRICS

SYSTEM_LABELS = {
    "peer": "peer (LangChain 1000/200 + dense)",
    "bm25": "BM25 only",
    "dense": "dense only",
    "full": "full (hybrid)",
}
SPLIT_LABELS = {"dev": "dev", "test": "test (held out)"}
SIDE_METRICS = ("hit@1", "hit@5", "MRR@10", "nDCG@10", "n")
ANSWER_COLUMNS = {
    "answer_accuracy": "answer acc.",
    "citation_correctness": "citation corr.",
    "abstention_precision": "abst. precision",
    "abstention_recall": "abst. recall",
    "answered_unanswerable": "answered unans.",
    "answerable": "n ans.",
    "unanswerable": "n unans.",
}


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def retrieval_table(means: dict[str, dict[str, Any]]) -> str:
    """Systems × retrieval metrics."""
    rows = [
        [SYSTEM_LABELS.get(name, name), *(m.get(k) for k in RETRIEVAL_METRICS), m.get("n")]
        for name, m in means.items()
    ]
    return table(["system", *RETRIEVAL_METRICS, "n"], rows)


def split_label(split: str) -> str:
    return SPLIT_LABELS.get(split, split)


def side_by_side_table(results: dict[str, Any], qids: list[str]) -> str:
    """Systems × (dev metrics | test metrics): the headline table."""
    by_split = S.retrieval_by(results, qids, "split")
    splits = list(by_split)
    header = ["system"] + [f"{split_label(sp)} {m}" for sp in splits for m in SIDE_METRICS]
    rows = [
        [SYSTEM_LABELS.get(name, name)]
        + [by_split[sp].get(name, {}).get(m) for sp in splits for m in SIDE_METRICS]
        for name in results["systems"]
    ]
    return table(header, rows)


def accuracy_by_table(results: dict[str, Any], qids: list[str], fields: tuple[str, ...]) -> str:
    """Answer accuracy (answerable questions) per value of each field, per split."""
    answerable = [q for q in qids if results["questions"][q]["answerable"]]
    splits = S.values_of(results, "split", answerable)
    rows = []
    for field in fields:
        for value in S.values_of(results, field, answerable):
            group = S.in_group(results, answerable, field, value)
            cells: list[Any] = [f"{field} = {value}"]
            for split in splits:
                part = S.in_group(results, group, "split", split)
                cells += [S.answers(results, part)["answer_accuracy"], len(part)]
            rows.append(cells)
    header = ["questions"] + [c for sp in splits for c in (f"{split_label(sp)} acc.", "n")]
    return table(header, rows)


def risk_section(results: dict[str, Any], qids: list[str]) -> str:
    """The risk–coverage tables: before and after issue 16 in two numbers each, then what
    each confidence threshold would answer, per split."""
    splits = S.values_of(results, "split", qids)
    by_split = {
        split_label(split): risk.points(results, S.in_group(results, qids, "split", split))
        for split in splits
    }
    header, rows = risk.table_rows(by_split, results.get("answer_threshold"))
    return (
        "## Answer risk–coverage (full system)\n\n"
        "Before = the confidence of the answerer before issue 16 (IDF-weighted share of the "
        "question's words in the best sentence of the top 3 passages, `eval/overlap.py`); "
        "after = the answer model. Both over the same questions and hits (chart: "
        "`eval/risk_coverage.png`, before dashed).\n\n"
        + before_after_table(results, qids, splits)
        + "\n\nAt each confidence threshold of the answer model: the share of answerable "
        "questions answered (coverage), the accuracy of those answers, and the share of "
        "unanswerable questions answered.\n\n" + table(header, rows)
    )


def before_after_table(results: dict[str, Any], qids: list[str], splits: list[str]) -> str:
    """Per split, before and after issue 16: coverage and accuracy at the best threshold
    answering at most 5 % of the unanswerable questions, and accuracy at full coverage."""
    rows = []
    for split in splits:
        ids = S.in_group(results, qids, "split", split)
        for label, key in (("before #16", "overlap_answers"), ("after", "answers")):
            pts = risk.points(results, ids, key)
            if pts:
                m = risk.summary(pts)
                rows.append(
                    [split_label(split), label, m["coverage_at_target"],
                     m["accuracy_at_target"], m["unanswerable_at_target"],
                     m["accuracy_full_coverage"]]
                )  # fmt: skip
    header = [
        "split",
        "answerer",
        f"coverage at ≤{risk.TARGET:.0%} unans. answered",
        "accuracy there",
        "unans. answered there",
        "accuracy at full coverage",
    ]
    return table(header, rows)


def category_table(by_category: dict[str, dict[str, dict[str, Any]]]) -> str:
    """hit@5 per category: full vs peer (answerable categories only)."""
    rows = []
    for category, systems in by_category.items():
        full, peer = systems.get("full", {}), systems.get("peer", {})
        if not full.get("n") and not peer.get("n"):
            continue
        f, p = full.get("hit@5"), peer.get("hit@5")
        delta = f - p if f is not None and p is not None else None
        rows.append([category, full.get("n") or peer.get("n"), f, p, delta])
    return table(["category", "n", "full hit@5", "peer hit@5", "Δ"], rows)


def answer_table(results: dict[str, Any], qids: list[str]) -> str:
    """Answer metrics overall, by split, language and category."""
    groups = [("all", S.answers(results, qids))]
    for field in ("split", "language", "category"):
        if field == "split" and len(S.values_of(results, field, qids)) < 2:
            continue
        groups += [
            (split_label(v) if field == "split" else f"{field} = {v}", m)
            for v, m in S.answers_by(results, qids, field).items()
        ]
    rows = [[label, *(means[k] for k in ANSWER_COLUMNS)] for label, means in groups]
    return table(["questions", *ANSWER_COLUMNS.values()], rows)


def tables(results: dict[str, Any], qids: list[str]) -> str:
    """Every table (what ``python -m eval`` prints)."""
    parts = []
    splits = S.values_of(results, "split", qids)
    if len(splits) > 1:
        side = side_by_side_table(results, qids)
        parts.append(f"## Retrieval, dev and test side by side (answerable questions)\n\n{side}")
    for split, means in S.retrieval_by(results, qids, "split").items():
        parts.append(f"## Retrieval, {split_label(split)} split\n\n{retrieval_table(means)}")
    overall = retrieval_table(S.retrieval(results, qids))
    parts.append(f"## Retrieval, all questions together\n\n{overall}")
    for language, means in S.retrieval_by(results, qids, "language").items():
        parts.append(f"## Retrieval, {language} questions\n\n{retrieval_table(means)}")
    if {"full", "peer"} & set(results["systems"]):
        by_category = S.retrieval_by(results, qids, "category")
        parts.append(f"## hit@5 by category: full vs peer\n\n{category_table(by_category)}")
    if results["answers"]:
        parts.append(f"## Answers (full system, /ask k=5)\n\n{answer_table(results, qids)}")
        by = accuracy_by_table(results, qids, ("answer_type", "language"))
        parts.append(f"## Answer accuracy by expected answer type and by language\n\n{by}")
        if any("open_correct" in a for a in results["answers"].values()):
            parts.append(risk_section(results, qids))
    return "\n\n".join(parts) + "\n"


def evidence_section(results: dict[str, Any]) -> str:
    """Answerable questions with empty qrels, and evidence quotes no passage holds."""
    lines = [
        "## Lost evidence",
        "",
        "Empty qrels = an answerable question none of whose quotes any passage holds "
        "(the chunking or the line spans lost it); a lost quote of a multi-quote "
        "question still leaves the question judged.",
        "",
    ]
    for name, system in results["systems"].items():
        empty, lost = system["empty_qrels"], system["lost_evidence"]
        lines.append(
            f"- **{name}** ({system['passages']} passages): "
            f"empty qrels: {', '.join(empty) or 'none'}; lost quotes: {len(lost) or 'none'}"
        )
        lines += [f"  - {qid}: {reason}" for qid, reasons in lost.items() for reason in reasons]
    return "\n".join(lines)


def failures_section(results: dict[str, Any], qids: list[str]) -> str:
    failed = S.failures(results, qids)
    lines = [f"## Failed questions, full system ({len(failed)})", ""]
    for f in failed:
        info, why = f["info"], [w for w in ("missed", "wrong") if f[w]]
        what = " + ".join({"missed": "hit@5 miss", "wrong": "wrong answer"}[w] for w in why)
        lines.append(
            f"- **{f['id']}** ({split_label(info['split'])}, {info['language']}, "
            f"{info['category']}; "
            f"{what}): {info['question']}"
        )
        top = f["top"]
        if top:
            lines.append(f"  - top: `{top['id']}` {_quote(top['text'])}")
        if f["answer"]:
            a = f["answer"]
            lines.append(
                f"  - answer ({'answered' if a['answered'] else 'abstained'}): {_quote(a['text'])}"
            )
            if info["answer_terms"]:
                lines.append(f"  - expected terms: {', '.join(info['answer_terms'])}")
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "“" + " ".join(text.split()).replace("|", "\\|") + "”"


def timings_section(results: dict[str, Any]) -> str:
    rows = [[name, seconds] for name, seconds in results["seconds"].items()]
    return "## Run times (seconds)\n\n" + table(["step", "seconds"], rows)


def render(results: dict[str, Any], qids: list[str], title: str) -> str:
    """The full Markdown report."""
    head = [f"# {title}", ""]
    index = results.get("index")
    if index:
        head.append(
            f"Index: `{index['path']}` built {index['built_at']}, {index['passages']} passages."
        )
    if results.get("base_url"):
        head.append(f"Full system evaluated over HTTP at {results['base_url']}.")
    n_ans = sum(results["questions"][q]["answerable"] for q in qids)
    head.append(
        f"{len(qids)} questions ({n_ans} answerable). Retrieval metrics use ranx on answerable "
        "questions; relevance comes from the evidence quotes (see `eval/qrels.py`)."
    )
    body = [
        tables(results, qids),
        evidence_section(results),
        failures_section(results, qids),
        leads_section(),
        timings_section(results),
    ]
    body = [part for part in body if part]
    return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"
