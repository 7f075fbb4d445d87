"""``python -m eval.tune``: every search over settings, on the dev split only.

    python -m eval.tune [--only NAME[,NAME]] [--check] [--index-dir DIR]

Runs each tuner module of this package (``ORDER`` then name; see ``eval.tune.base``) and
writes the chosen settings to ``indexer/data/tuned.json``, stamped with the date, the git
commit and each tuner's grid, objective and dev metrics, plus any file a tuner produces.
``--check`` writes nothing and exits 1 when the chosen values differ from the shipped ones
(the same commit reproduces them). Exit 2 on a setup problem.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import eval.tune as package
from eval.questions import load_questions, select
from eval.tune.base import CachingEmbedder, Context, Result
from indexer.embed import make_embedder
from indexer.load import load_collection
from indexer.resources import package_json
from service.settings import TUNED_FILE, Settings

ROOT = Path(__file__).resolve().parents[2]
TUNED_PATH = ROOT / "indexer" / TUNED_FILE


def tuners() -> list[ModuleType]:
    """Every module of ``eval.tune`` with ``ORDER`` and ``run``, in order."""
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"eval.tune.{info.name}")
        if hasattr(module, "ORDER") and callable(getattr(module, "run", None)):
            found.append(module)
    return sorted(found, key=lambda m: (m.ORDER, m.__name__))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m eval.tune", description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated tuner names (default: all)")
    parser.add_argument("--check", action="store_true", help="compare with the shipped values")
    parser.add_argument("--index-dir", type=Path, help="index directory (default: index)")
    return parser.parse_args(argv)


def commit() -> str:
    """The git commit tuned on, with "+dirty" when the work tree has changes."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("+dirty" if dirty else "")


def run(names: list[str] | None, index_dir: Path | None) -> tuple[dict, dict[str, Result]]:
    """Run the tuners; returns the shipped tuned.json and each tuner's result."""
    shipped_file = package_json("indexer", TUNED_FILE)
    shipped = dict(shipped_file["settings"])
    # the shipped values, whatever TRAITE_* variables say: tuning starts from the file
    settings = Settings(**({"index_dir": index_dir} if index_dir else {}), **shipped)
    embedder = make_embedder(
        settings.indexing.embedder,
        settings.indexing.st_query_prefix,
        settings.indexing.st_passage_prefix,
    )
    questions = select(load_questions(), "dev")
    texts = {d.id: d.text for d in load_collection(settings.indexing.corpus_dir)}
    ctx = Context(settings, questions, texts, shipped, CachingEmbedder(embedder))
    results: dict[str, Result] = {}
    for module in tuners():
        name = module.__name__.rsplit(".", 1)[1]
        if names and name not in names:
            continue
        print(f"tuning {name}…", file=sys.stderr)
        results[name] = result = module.run(ctx)
        ctx.settings = ctx.settings.updated(**result.settings)
    return shipped_file, results


def tuned_file(shipped_file: dict, results: dict[str, Result], questions: int) -> dict[str, Any]:
    chosen = {**shipped_file["settings"]}
    for result in results.values():
        chosen.update(result.settings)
    reports = {**shipped_file.get("tuners", {}), **{n: r.report for n, r in results.items()}}
    return {
        "comment": shipped_file["comment"],
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": commit(),
        "command": "python -m eval.tune",
        "dev_questions": questions,
        "settings": chosen,
        "tuners": reports,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else None
    try:
        shipped_file, results = run(names, args.index_dir)
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    new = tuned_file(shipped_file, results, len(select(load_questions(), "dev")))
    changed = {
        k: (shipped_file["settings"].get(k), v)
        for k, v in new["settings"].items()
        if shipped_file["settings"].get(k) != v
    }
    for result in results.values():
        for path, content in result.files.items():
            old = json.loads((ROOT / path).read_text(encoding="utf-8"))
            if old != content:
                changed[path] = ("(file)", "(refitted)")
    for name, result in results.items():
        print(f"{name}: {json.dumps(result.report.get('dev', {}))}")
    print("changed: " + (json.dumps(changed) if changed else "nothing (the shipped values)"))
    if args.check:
        return 1 if changed else 0
    TUNED_PATH.write_text(json.dumps(new, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for result in results.values():
        for path, content in result.files.items():
            text = json.dumps(content, ensure_ascii=False, indent=1) + "\n"
            (ROOT / path).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
