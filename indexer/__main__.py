"""Command line: ``python -m indexer build|ensure|inspect``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from indexer.embed import make_embedder
from indexer.errors import SETUP_ERRORS
from indexer.ingest import ingest
from indexer.load import CorpusError
from indexer.settings import IndexingSettings, load_settings
from indexer.store import build_index, is_stale


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    overrides = {
        k: v
        for k, v in {
            "corpus_dir": args.corpus,
            "index_dir": getattr(args, "index_dir", None),
            "embedder": getattr(args, "embedder", None),
        }.items()
        if v is not None
    }
    try:
        settings = load_settings(**overrides)
        return args.func(settings, args)
    except SETUP_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _build(settings: IndexingSettings, args: argparse.Namespace) -> int:
    embedder = make_embedder(
        settings.embedder, settings.st_query_prefix, settings.st_passage_prefix
    )
    manifest = build_index(settings, embedder, progress=not args.quiet)
    counts = manifest["counts"]
    print(
        f"index {settings.index_dir}: {counts['passages']} passages, {counts['tasks']} tasks "
        f"from {counts['documents']} documents; embedded {counts['embedded']} new passages "
        f"in {manifest['build_seconds']} s"
    )
    return 0


def _ensure(settings: IndexingSettings, args: argparse.Namespace) -> int:
    reason = is_stale(settings, settings.embedder)
    if reason is None:
        print(f"index {settings.index_dir} is up to date")
        return 0
    print(f"building index: {reason}")
    return _build(settings, args)


def _inspect(settings: IndexingSettings, args: argparse.Namespace) -> int:
    collection = ingest(settings.corpus_dir, settings.chunk_size, settings.chunk_overlap)
    doc_ids = [d.id for d in collection.documents]
    if args.doc and args.doc not in doc_ids:
        raise CorpusError(f"unknown document {args.doc!r}; known: {', '.join(doc_ids)}")
    selected = [args.doc] if args.doc else doc_ids
    report = {
        doc_id: {
            "sections": [
                {
                    "number": s.number,
                    "title": s.title,
                    "level": s.level,
                    "lines": [s.line_start, s.line_end],
                    "key": s.key,
                }
                for s in collection.structures[doc_id].sections
            ],
            "tasks": [asdict(t) for t in collection.tasks[doc_id]],
            "passages": [p.to_dict() for p in collection.passages if p.doc_id == doc_id],
        }
        for doc_id in selected
    }
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for doc_id, parts in report.items():
            _print_text(doc_id, parts, tasks_only=args.tasks)
    return 0


def _print_text(doc_id: str, parts: dict, tasks_only: bool) -> None:
    print(f"# {doc_id}")
    if not tasks_only:
        for s in parts["sections"]:
            print(f"{'  ' * (s['level'] - 1)}{s['title']}  [lines {s['lines'][0]}-{s['lines'][1]}]")
    for task in parts["tasks"]:
        print(f"\nTâche {task['id']} ({task['objective']}): {task['title']}")
        for d in task["deliverables"]:
            flag = "NOUVEAU " if d["new"] else ""
            inherited = " (hérité)" if d["organisations_inherited"] else ""
            orgs = ", ".join(d["organisations"])
            print(f"  - {flag}{d['text']}\n    {d['calendar']} | {d['status']} | {orgs}{inherited}")
    if not tasks_only:
        print(f"\n{len(parts['passages'])} passages")
        for p in parts["passages"]:
            where = " > ".join(p["section_path"])
            print(f"\n[{p['id']}] lines {p['line_start']}-{p['line_end']} · {where}")
            print(p["text"])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__)
    commands = parser.add_subparsers(required=True)
    for name, func, help_text in (
        ("build", _build, "build the index and publish it atomically"),
        ("ensure", _ensure, "build the index only if it is missing or stale"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--corpus", type=Path, help="corpus directory (default: corpus)")
        sub.add_argument("--index-dir", type=Path, help="index directory (default: index)")
        sub.add_argument("--embedder", help="e5-small-int4 or st:<model name or path>")
        sub.add_argument("--quiet", action="store_true", help="no progress bar")
        sub.set_defaults(func=func)
    sub = commands.add_parser("inspect", help="print the parsed sections, tasks and passages")
    sub.add_argument("--corpus", type=Path, help="corpus directory (default: corpus)")
    sub.add_argument("--doc", help="only this document id")
    sub.add_argument("--tasks", action="store_true", help="only the Annex A tasks")
    sub.add_argument("--json", action="store_true", help="machine-readable output")
    sub.set_defaults(func=_inspect)
    return parser


if __name__ == "__main__":
    sys.exit(main())
