"""A remote Qdrant engine that is unreachable or too slow: /search and /ask answer 503 with
a clear message within the search time limit, /health reports degraded, and a build
against it fails with one line and leaves the published index alone.

The index is built into qdrant-client's local mode (no Qdrant server can be installed
here); the service then points at real loopback sockets: a closed port (refused) and a
listener that accepts connections and never answers (slow).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from indexer.store import build_index
from service.engine import load_engine
from service.main import create_app
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again: connecting is refused


@pytest.fixture(scope="module")
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


@pytest.fixture(scope="module")
def remote_settings(tmp_path_factory, embedder, cache_dir: Path) -> Settings:
    root = tmp_path_factory.mktemp("remote")
    settings = Settings(
        corpus_dir=CORPUS,
        index_dir=root / "index",
        cache_dir=cache_dir,
        backend="qdrant",
        qdrant_url=f"local:{root / 'engine'}",
        search_timeout_s=10,
        qdrant_timeout_s=1,
    )
    build_index(settings.indexing, embedder, progress=False)
    return settings


@pytest.mark.parametrize("where", ["refused", "silent"])
def test_an_unreachable_engine_gives_503_and_degraded_health(
    remote_settings: Settings, embedder, silent_port: int, where: str
) -> None:
    healthy = load_engine(remote_settings, embedder)
    port = closed_port() if where == "refused" else silent_port
    down = remote_settings.updated(qdrant_url=f"http://127.0.0.1:{port}")
    engine = load_engine(down, embedder)  # starts: the engine is checked per request
    assert healthy.index.backend.kind == engine.index.backend.kind == "qdrant"
    engine.searcher.analyse("GRC tâche 2.13")  # warm up the model and the glossary: the
    embedder.embed_queries(["traite"])  # time measured below is the engine's
    with TestClient(create_app(down, engine), raise_server_exceptions=False) as client:
        for method, path, kwargs in (
            ("GET", "/search", {"params": {"q": "traite de personnes"}}),
            ("POST", "/ask", {"json": {"question": "Qui est responsable de la tâche 2.13 ?"}}),
        ):
            started = time.monotonic()
            response = client.request(method, path, **kwargs)
            elapsed = time.monotonic() - started
            assert response.status_code == 503, response.text
            assert "search engine unavailable" in response.json()["detail"]
            assert f"127.0.0.1:{port}" in response.json()["detail"]
            assert elapsed < down.service.search_timeout_s, elapsed
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "degraded" and health.json()["backend"] == "qdrant"
    with TestClient(create_app(remote_settings, healthy)) as client:
        assert client.get("/health").json()["status"] == "ok"
        results = client.get("/search", params={"q": "tâche 2.13"}).json()["results"]
        assert results and results[0]["task_id"] == "2.13"


def test_a_build_against_an_unreachable_engine_fails_in_one_line(
    remote_settings: Settings, embedder
) -> None:
    index_dir = remote_settings.indexing.index_dir
    published = os.readlink(index_dir)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAITE_")}
    env.update(
        TRAITE_BACKEND="qdrant",
        TRAITE_QDRANT_URL=f"http://127.0.0.1:{closed_port()}",
        TRAITE_CACHE_DIR=str(remote_settings.indexing.cache_dir),
        TRAITE_QDRANT_TIMEOUT_S="1",
    )
    command = [sys.executable, "-m", "indexer", "build", "--quiet", "--corpus", str(CORPUS)]
    command += ["--index-dir", str(index_dir)]
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "did not answer" in lines[0]
    assert os.readlink(index_dir) == published
    engine = load_engine(remote_settings, embedder)
    assert engine.searcher.search("tâche 2.13", 3)[0].passage.task_id == "2.13"
