"""Index build of the real corpus: cold (empty embedding cache) and warm (same cache)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from indexer.embed import make_embedder
from indexer.settings import IndexingSettings
from indexer.store import build_index

from .stats import num, table

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@dataclass
class BuildRun:
    label: str
    wall_s: float
    passages: int
    embedded: int


def timed_build(label: str, settings: IndexingSettings) -> BuildRun:
    embedder = make_embedder("e5-small-int4")
    started = time.perf_counter()
    manifest = build_index(settings, embedder, progress=False)
    wall = time.perf_counter() - started
    counts = manifest["counts"]
    return BuildRun(label, wall, counts["passages"], counts["embedded"])


def bench_builds(workdir: Path, cold: bool, cache_dir: Path | None = None) -> tuple[list, Path]:
    """Build the corpus into ``workdir/index``; returns the runs and the index path.

    ``cold``: first build with an empty cache in ``workdir/cache``, then a warm rebuild.
    Otherwise only a warm build with ``cache_dir`` (the project's cache).
    """
    index_dir = workdir / "index"
    runs = []
    if cold:
        cache = workdir / "cache"
        settings = IndexingSettings(corpus_dir=CORPUS, index_dir=index_dir, cache_dir=cache)
        runs.append(timed_build("cold (empty embedding cache)", settings))
        runs.append(timed_build("warm (same cache, rebuild)", settings))
    else:
        cache = cache_dir or ROOT / ".cache"
        settings = IndexingSettings(corpus_dir=CORPUS, index_dir=index_dir, cache_dir=cache)
        runs.append(timed_build("warm (project cache)", settings))
    return runs, index_dir


def render(runs: list[BuildRun]) -> str:
    rows = [[r.label, num(r.wall_s, 2), num(r.passages), num(r.embedded)] for r in runs]
    return table(["build", "wall time (s)", "passages", "passages embedded"], rows)
