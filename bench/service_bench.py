"""Sections 2 and 3: latency per endpoint and concurrency, then a load test, against one
``python -m service`` subprocess, with its resident memory sampled throughout."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .latency import ENDPOINTS, RunResult, jobs_for, run_jobs
from .server import RssSampler, ServiceProcess
from .stats import mb, num, table

WARMUP = 4


@dataclass
class Memory:
    start: int
    peak: int
    end: int

    @classmethod
    def of(cls, sampler: RssSampler) -> Memory:
        return cls(sampler.start, sampler.peak, sampler.end)


@dataclass
class ServiceReport:
    cells: list[tuple[str, int, RunResult]] = field(default_factory=list)
    latency_memory: Memory | None = None
    load: RunResult | None = None
    load_concurrency: int = 0
    load_memory: Memory | None = None


def bench_service(
    index_dir: Path,
    requests_per_cell: int,
    concurrencies: tuple[int, ...] = (1, 8),
    load_requests: int = 0,
    load_concurrency: int = 32,
    load_time_limit: float = 3600.0,
) -> ServiceReport:
    report = ServiceReport(load_concurrency=load_concurrency)
    with ServiceProcess(index_dir) as service:
        run_jobs(service.base, jobs_for(ENDPOINTS, WARMUP), 1)
        with RssSampler(service.pid) as sampler:
            for endpoint in ENDPOINTS:
                for concurrency in concurrencies:
                    jobs = jobs_for([endpoint], requests_per_cell)
                    result = run_jobs(service.base, jobs, concurrency)
                    report.cells.append((endpoint, concurrency, result))
                    _progress(f"{endpoint} c={concurrency}", result)
        report.latency_memory = Memory.of(sampler)
        if load_requests:
            with RssSampler(service.pid) as sampler:
                jobs = jobs_for(ENDPOINTS, load_requests)
                report.load = run_jobs(service.base, jobs, load_concurrency, load_time_limit)
                _progress(f"load c={load_concurrency}", report.load)
            report.load_memory = Memory.of(sampler)
    return report


def bench_search_alone(index_dir: Path, requests: int) -> RunResult:
    """``/search`` at concurrency 1 on a service whose encoder passes read the question
    without its French expansions (``TRAITE_EXPAND_DENSE=false``)."""
    with ServiceProcess(index_dir, env={"TRAITE_EXPAND_DENSE": "false"}) as service:
        run_jobs(service.base, jobs_for(["/search"], WARMUP), 1)
        result = run_jobs(service.base, jobs_for(["/search"], requests), 1)
    _progress("/search c=1, TRAITE_EXPAND_DENSE=false", result)
    return result


def _progress(label: str, result: RunResult) -> None:
    row = result.row()
    print(
        f"  {label}: {row['requests']} requests, {row['errors']} errors, "
        f"p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms, {row['rps']:.1f} req/s",
        flush=True,
    )


def render_latency(report: ServiceReport) -> str:
    rows = []
    for endpoint, concurrency, result in report.cells:
        row = result.row()
        rows.append(
            [
                f"`{endpoint}`",
                concurrency,
                num(row["requests"]),
                num(row["errors"]),
                num(row["p50_ms"], 0),
                num(row["p95_ms"], 0),
                num(row["rps"], 2),
            ]
        )
    headers = ["endpoint", "concurrency", "requests", "errors", "p50 (ms)", "p95 (ms)", "req/s"]
    memory = report.latency_memory
    lines = [table(headers, rows)]
    if memory:
        lines.append(
            f"\nService RSS during the latency runs: start {mb(memory.start)} MB, "
            f"peak {mb(memory.peak)} MB, end {mb(memory.end)} MB."
        )
    return "\n".join(lines)


def render_load(report: ServiceReport) -> str:
    result, memory = report.load, report.load_memory
    if result is None or memory is None:
        return "Not run (`--no-load` or `--quick`)."
    row = result.row()
    headers = ["requests", "concurrency", "errors", "p50 (ms)", "p95 (ms)", "req/s"]
    headers += ["duration (s)", "RSS start (MB)", "RSS peak (MB)", "RSS end (MB)"]
    cells = [
        num(row["requests"]),
        report.load_concurrency,
        num(row["errors"]),
        num(row["p50_ms"], 0),
        num(row["p95_ms"], 0),
        num(row["rps"], 2),
        num(result.wall_s, 0),
        mb(memory.start),
        mb(memory.peak),
        mb(memory.end),
    ]
    lines = [table(headers, [cells])]
    if result.errors:
        kinds = ", ".join(f"{kind}: {count}" for kind, count in result.errors.most_common())
        lines.append(f"\nErrors by kind: {kinds}.")
    if result.stopped_early:
        lines.append("\nStopped by the time limit before all requests were sent.")
    return "\n".join(lines)
