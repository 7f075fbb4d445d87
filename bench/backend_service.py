"""Section 3b's service rows: ``/search`` and ``/ask`` over HTTP at concurrency 1 on each
backend, with each service's resident memory.

One ``python -m service`` subprocess per backend (``TRAITE_BACKEND`` set, its own index
build), all running at once; the requests alternate between them, one in flight at a time,
so a change of the machine's load during the run hits every backend alike.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

from .latency import ENDPOINTS, RunResult, jobs_for, send, timed_send
from .server import RssSampler, ServiceProcess
from .service_bench import WARMUP, Memory
from .stats import mb, num, table

REQUESTS = 60  # per endpoint and backend


@dataclass
class BackendService:
    """One backend's service: ``kind`` as ``/health`` reports it, a RunResult per endpoint."""

    kind: str
    results: dict[str, RunResult]
    memory: Memory


def bench_backends(index_dirs: dict[str, Path], requests: int = REQUESTS) -> list[BackendService]:
    """``index_dirs``: ``TRAITE_BACKEND`` value -> the index directory built with it."""
    with ExitStack() as stack:
        services = {
            name: stack.enter_context(ServiceProcess(path, env={"TRAITE_BACKEND": name}))
            for name, path in index_dirs.items()
        }
        clients = {
            name: stack.enter_context(httpx.Client(base_url=s.base, timeout=120))
            for name, s in services.items()
        }
        kinds = {name: c.get("/health").json()["backend"] for name, c in clients.items()}
        samplers = {name: stack.enter_context(RssSampler(s.pid)) for name, s in services.items()}
        results = {name: {e: RunResult() for e in ENDPOINTS} for name in services}
        for job in jobs_for(ENDPOINTS, WARMUP):
            for client in clients.values():
                send(client, job)
        for endpoint in ENDPOINTS:
            for job in jobs_for([endpoint], requests):
                for name, client in clients.items():
                    _timed(client, job, results[name][endpoint])
    rows = [BackendService(kinds[n], results[n], Memory.of(samplers[n])) for n in services]
    for row in rows:
        _progress(row)
    return rows


def _timed(client: httpx.Client, job, result: RunResult) -> None:
    elapsed, error = timed_send(client, job)
    result.wall_s += elapsed
    if error is None:
        result.latencies.append(elapsed)
    else:
        result.errors[error] += 1


def _progress(row: BackendService) -> None:
    cells = ", ".join(
        f"{e} p50 {r.row()['p50_ms']:.0f} ms p95 {r.row()['p95_ms']:.0f} ms"
        for e, r in row.results.items()
    )
    print(f"  {row.kind}: {cells}, RSS peak {mb(row.memory.peak)} MB", flush=True)


def render(rows: list[BackendService]) -> str:
    headers = ["backend", "requests", "errors"]
    for endpoint in ENDPOINTS:
        headers += [f"`{endpoint}` p50 (ms)", f"`{endpoint}` p95 (ms)"]
    headers += ["RSS start (MB)", "RSS peak (MB)"]
    body = []
    for row in rows:
        stats = [r.row() for r in row.results.values()]
        cells = [row.kind, num(sum(s["requests"] for s in stats))]
        cells.append(num(sum(s["errors"] for s in stats)))
        for s in stats:
            cells += [num(s["p50_ms"], 0), num(s["p95_ms"], 0)]
        body.append([*cells, mb(row.memory.start), mb(row.memory.peak)])
    return table(headers, body)
