"""``python -m eval``: compare the retrieval systems and the answers on the question set.

    python -m eval [--split dev|test|all] [--index-dir index] [--base-url URL]
                   [--json out.json] [--report eval/report.md] [--chart eval/results.png]
                   [--risk-chart eval/risk_coverage.png]
                   [--systems peer,bm25,dense,full] [--gate]

Prints the Markdown tables, dev and test side by side (test: held out). ``--gate`` checks
the full system's dev-split numbers against ``eval/thresholds.toml``: exit 1 with the list
of failures, 0 with "eval gate passed".
Exit 2 on a usage or setup problem (missing index, unreachable service, bad file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eval import gate, risk
from eval.charts import chart
from eval.qrels import QrelsError
from eval.questions import QUESTIONS_FILE, QuestionError, load_questions, select
from eval.remote import RemoteError
from eval.report import evidence_section, render, tables
from eval.run import SYSTEMS, run_eval
from eval.summary import summarise
from indexer.errors import SETUP_ERRORS as INDEXER_SETUP_ERRORS
from service.settings import Settings

SETUP_ERRORS = (
    *INDEXER_SETUP_ERRORS,
    QuestionError,
    QrelsError,
    RemoteError,
    gate.GateError,
    OSError,  # an unreadable questions file, an unwritable report path
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--index-dir", type=Path, help="index directory (default: index)")
    parser.add_argument("--base-url", help="evaluate the full system over HTTP at this URL")
    parser.add_argument("--questions", type=Path, default=QUESTIONS_FILE, help=argparse.SUPPRESS)
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated subset")
    parser.add_argument("--json", type=Path, help="write per-question results and summary")
    parser.add_argument("--report", type=Path, help="write the Markdown report")
    parser.add_argument("--chart", type=Path, help="write a PNG chart")
    parser.add_argument("--risk-chart", type=Path, help="write the risk-coverage PNG chart")
    parser.add_argument("--gate", action="store_true", help="check eval/thresholds.toml")
    parser.add_argument(
        "--thresholds", type=Path, default=gate.THRESHOLDS_FILE, help=argparse.SUPPRESS
    )
    parser.add_argument("--progress", action="store_true", help="show embedding progress")
    return parser.parse_args(argv)


def systems_of(text: str, need_full: bool) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in SYSTEMS]
    if unknown or not names:
        raise ValueError(
            f"--systems: unknown {', '.join(unknown) or '(none)'}; use {','.join(SYSTEMS)}"
        )
    if need_full and "full" not in names:
        raise ValueError("--gate needs the full system in --systems")
    return names


def evaluate(args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """Run everything; returns the results and the question ids evaluated."""
    thresholds = gate.load_thresholds(args.thresholds) if args.gate else {}
    if args.gate and args.split not in (gate.GATE_SPLIT, "all"):
        raise gate.GateError(
            f"--gate checks the {gate.GATE_SPLIT} split: use --split {gate.GATE_SPLIT} or all"
        )
    settings = Settings(**({"index_dir": args.index_dir} if args.index_dir else {}))
    questions = select(load_questions(args.questions), args.split)
    names = systems_of(args.systems, args.gate)
    results = run_eval(questions, settings, names, args.base_url, args.progress)
    results["split"], results["thresholds"] = args.split, thresholds
    return results, [q.id for q in questions]


def write_outputs(args: argparse.Namespace, results: dict[str, Any], qids: list[str]) -> None:
    title = (
        f"Evaluation: {args.split} split" if args.split != "all" else "Evaluation: all questions"
    )
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(render(results, qids, title), encoding="utf-8")
    if args.chart:
        chart(results, qids, args.chart)
    if args.risk_chart and results["answers"]:
        splits = sorted({results["questions"][q]["split"] for q in qids})
        points = {
            key: {split: risk.points(results, select_ids(results, qids, split), key)
                  for split in splits}
            for key in ("answers", "overlap_answers")
        }  # fmt: skip
        curves, before = (
            {split: risk.curve(pts) for split, pts in points[key].items() if pts}
            for key in ("answers", "overlap_answers")
        )
        risk.chart(curves, args.risk_chart, results.get("answer_threshold"), before)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {**results, "summary": summarise(results, qids)}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def select_ids(results: dict[str, Any], qids: list[str], split: str) -> list[str]:
    return [q for q in qids if results["questions"][q]["split"] == split]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results, qids = evaluate(args)
        write_outputs(args, results, qids)
        print(tables(results, qids))
        print(evidence_section(results))
        failures = gate.check(results, results["thresholds"]) if args.gate else None
    except SETUP_ERRORS as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    if failures is None:
        return 0
    if failures:
        print(f"eval gate FAILED (full system, {gate.GATE_SPLIT} split):", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print("eval gate passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
