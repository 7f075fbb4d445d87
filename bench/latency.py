"""HTTP latency of /search and /ask at a given concurrency, with a fixed FR/EN question list."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import httpx

from .stats import percentile_ms

QUESTIONS = [
    "Qui est responsable de la tâche 2.13 ?",
    "Who is responsible for task 2.13?",
    "Combien de permis de séjour temporaire ont été délivrés aux victimes en 2014 ?",
    "How many temporary resident permits were issued to victims in 2014?",
    "Quelles tâches sont en suspens ?",
    "Which tasks is the RCMP responsible for?",
    "Quels sont les livrables de la GRC ?",
    "What is the National Action Plan to Combat Human Trafficking?",
    "Qu'est-ce que l'exploitation sexuelle ?",
    "forced labour in Canada",
    "travail forcé des travailleurs étrangers temporaires",
    "What did the 2015 workshop recommend about Indigenous communities?",
    "Quelles recommandations l'atelier de 2015 a-t-il formulées ?",
    "Which organisations take part in the Human Trafficking Taskforce?",
    "Quel est le rôle de l'Agence des services frontaliers du Canada ?",
    "What training was given to law enforcement officers?",
    "sensibilisation du public à la traite de personnes",
    "What is the status of task 1.5?",
    "Combien de condamnations pour traite de personnes ?",
    "How are victims of trafficking supported?",
]
ENDPOINTS = ("/search", "/ask")


@dataclass
class Job:
    endpoint: str  # "/search" or "/ask"
    question: str


@dataclass
class RunResult:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    errors: Counter = field(default_factory=Counter)  # "503", "ReadTimeout", ...
    wall_s: float = 0.0
    stopped_early: bool = False

    @property
    def count(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def row(self) -> dict[str, float | int]:
        return {
            "requests": self.count,
            "errors": self.error_count,
            "p50_ms": percentile_ms(self.latencies, 50),
            "p95_ms": percentile_ms(self.latencies, 95),
            "rps": self.count / self.wall_s if self.wall_s else 0.0,
        }


def jobs_for(endpoints: Iterable[str], n: int) -> list[Job]:
    """``n`` jobs cycling through the questions and, alternately, the endpoints."""
    endpoints = list(endpoints)
    return [
        Job(endpoints[i % len(endpoints)], QUESTIONS[(i // len(endpoints)) % len(QUESTIONS)])
        for i in range(n)
    ]


def send(client: httpx.Client, job: Job) -> httpx.Response:
    if job.endpoint == "/ask":
        return client.post("/ask", json={"question": job.question, "k": 5})
    return client.get("/search", params={"q": job.question, "k": 10})


def run_jobs(base: str, jobs: list[Job], concurrency: int, time_limit: float | None = None):
    """Send ``jobs`` with ``concurrency`` threads, each with its own keep-alive connection.

    Stops taking new jobs after ``time_limit`` seconds. Returns a RunResult.
    """
    queue, result, lock = deque(jobs), RunResult(), threading.Lock()
    deadline = time.monotonic() + time_limit if time_limit else None

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while True:
                with lock:
                    if not queue or (deadline and time.monotonic() > deadline):
                        result.stopped_early = bool(queue)
                        return
                    job = queue.popleft()
                _record(result, lock, client, job)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result()
    result.wall_s = time.perf_counter() - started
    return result


def timed_send(client: httpx.Client, job: Job) -> tuple[float, str | None]:
    """Send ``job``: (seconds, None) on a 200, else (seconds, the status or the error)."""
    started = time.perf_counter()
    try:
        response = send(client, job)
        error = None if response.status_code == 200 else str(response.status_code)
    except httpx.HTTPError as exc:
        error = type(exc).__name__
    return time.perf_counter() - started, error


def _record(result: RunResult, lock: threading.Lock, client: httpx.Client, job: Job) -> None:
    elapsed, error = timed_send(client, job)
    with lock:
        if error is None:
            result.latencies.append(elapsed)
        else:
            result.errors[error] += 1
