"""``python -m bench [--out bench/results.md] [--quick] [--no-load] [--only backends|scale]``:
measure and report (``--only``: section 3b or 4 alone, printed; written only with ``--out``)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from eval import parity
from indexer.errors import SETUP_ERRORS

from . import backend_service, build, cost, scale, scale_report, service_bench
from .stats import table

ROOT = Path(__file__).resolve().parents[1]
APPENDIX = "\n## Appendix"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except SETUP_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    sections = [_header(args), _machine()]
    if args.only is None:
        sections += _service_sections(args)
    if args.only in (None, "backends"):
        print("3b. backends side by side", flush=True)
        sections.append(_backends_section(args))
    if args.only in (None, "scale"):
        print("4. scale", flush=True)
        sections.append(_scale_section(args))
    sections.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s.\n")
    text = "\n".join(sections)
    out = args.out or (None if args.only else ROOT / "bench" / "results.md")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + _appendices(out), encoding="utf-8")
    print(text)
    return 0


def _appendices(path: Path) -> str:
    """The hand-run appendices of the file ``path`` (from its first "## Appendix" heading
    on), kept across runs: they say their own command and date."""
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8")
    start = text.find(APPENDIX)
    return "" if start < 0 else "\n" + text[start:]


def _service_sections(args: argparse.Namespace) -> list[str]:
    """Sections 1 to 3: build the real corpus, then measure the service over HTTP."""
    load = (not args.quick) if args.load is None else args.load
    sections = []
    with tempfile.TemporaryDirectory(prefix="traite-bench-") as workdir:
        print("1. index build", flush=True)
        runs, index_dir = build.bench_builds(Path(workdir), cold=not args.quick)
        sections.append(_section("1. Index build of the real corpus", build.render(runs)))
        print("2-3. HTTP latency and load", flush=True)
        report = service_bench.bench_service(
            index_dir,
            requests_per_cell=20 if args.quick else 100,
            load_requests=args.load_requests if load else 0,
            load_concurrency=args.load_concurrency,
            load_time_limit=args.load_time_limit,
        )
        alone = service_bench.bench_search_alone(index_dir, 20 if args.quick else 100)
        print("2b. cost per query in-process", flush=True)
        costs = cost.measure(index_dir, rounds=2 if args.quick else 5)
    sections.append(_latency_section(report))
    sections.append(_section("2b. Cost of a query", _cost_text(report, costs, alone)))
    sections.append(_section("3. Load test", service_bench.render_load(report)))
    return sections


def _backends_section(args: argparse.Namespace) -> str:
    """Section 3b: parity of the backends, then each one served over HTTP."""
    kinds = ["local", "qdrant"]
    with tempfile.TemporaryDirectory(prefix="traite-bench-parity-") as workdir:
        rows = parity.run("dev", kinds, Path(workdir))
        requests = 20 if args.quick else backend_service.REQUESTS
        served = backend_service.bench_backends({k: Path(workdir) / k for k in kinds}, requests)
    intro = (
        "`python -m eval.parity --split dev --backends local,qdrant`: each backend built "
        "fresh from the corpus (embedding cache warm), the dev questions judged as "
        "`python -m eval` judges them, then the 20 bench questions searched in-process "
        "three times.\n\n"
    )
    http = (
        "\n\nThe same builds served over HTTP: a `python -m service` subprocess per backend "
        f"(`TRAITE_BACKEND=local` / `qdrant`), both up at once, {requests} requests per "
        "endpoint and backend at concurrency 1, alternating between the backends (the bench "
        "questions in turn; `/search` k=10, `/ask` k=5). RSS: start = once healthy, before "
        "any query; peak = over the warm-up and the runs.\n\n"
    )
    body = intro + parity.render(rows, "dev") + http + backend_service.render(served)
    return _section("3b. Backends on the real corpus", body)


def _cost_text(report: service_bench.ServiceReport, costs: cost.Cost, alone) -> str:
    search = [r.row()["p50_ms"] for e, c, r in report.cells if e == "/search" and c == 1]
    load = report.load.row()["rps"] if report.load else None
    http = (search[0] if search else None, alone.row()["p50_ms"] if alone.latencies else None)
    return cost.__doc__.split("\n\n", 1)[1] + "\n" + cost.render(costs, *http, load)


def _scale_section(args: argparse.Namespace) -> str:
    sizes = [10_000] if args.quick else [10_000, 100_000]
    ms = scale.MS[:1] if args.quick else scale.MS  # quick: the default M only
    report = scale.bench_scale(
        sizes,
        50 if args.quick else 200,
        build.CORPUS,
        ROOT / "index",
        ms=ms,
        top1=scale_report.top1_table,
    )
    return _section("4. Scale (synthetic collections)", _scale_text(report))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=None, help="default: bench/results.md, none with --only"
    )
    parser.add_argument(
        "--only", choices=["backends", "scale"], help="run one section (3b or 4) alone"
    )
    parser.add_argument("--quick", action="store_true", help="fewer requests, no cold build")
    parser.add_argument(
        "--load",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run the load test (default: on, off with --quick)",
    )
    parser.add_argument("--load-requests", type=int, default=5000)
    parser.add_argument("--load-concurrency", type=int, default=32)
    parser.add_argument("--load-time-limit", type=float, default=3600.0, help="seconds")
    return parser


def _header(args: argparse.Namespace) -> str:
    command = "python -m bench " + " ".join(sys.argv[1:])
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    return f"# Benchmarks\n\nGenerated {stamp} by `{command.strip()}`. Nothing here is a gate.\n"


def _machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = [
        ["CPUs (os.cpu_count)", os.cpu_count()],
        ["Python", platform.python_version()],
        ["platform", platform.platform()],
        ["processor", platform.machine()],
        ["load average at start (1, 5, 15 min)", load],
    ]
    return _section("Machine", table(["", "value"], rows))


def _section(title: str, body: str) -> str:
    return f"## {title}\n\n{body}\n"


def _latency_section(report: service_bench.ServiceReport) -> str:
    intro = (
        "A `python -m service` subprocess on 127.0.0.1 (index built above); httpx clients in "
        "threads, one keep-alive connection each, 20 fixed FR/EN questions in turn "
        "(`/search` k=10, `/ask` k=5). Latency is per request, successful ones only; "
        "req/s counts all requests over the wall time of the run.\n\n"
    )
    return _section("2. HTTP latency", intro + service_bench.render_latency(report))


def _scale_text(report: scale.ScaleReport) -> str:
    intro = scale_report.describe(report) + (
        " Lexical: a bm25 channel (bm25s) over texts of 60–160 words drawn from the real "
        "corpus with their frequencies; build includes tokenisation; a query is 3–6 corpus "
        "words (tokenise + score every passage + top 100).\n\n"
    )
    parts = [intro + scale_report.render(report.rows)]
    sweep = "HNSW sweep (build once per M; efSearch below the depth is raised to it):\n\n"
    parts.append(sweep + scale_report.render_sweep(report.rows))
    if report.top1 is not None:
        top1 = "Cosine of a passage to its nearest other passage (percentiles):\n\n"
        parts.append(top1 + report.top1)
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
