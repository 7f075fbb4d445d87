"""Rebuild while serving: zero failed requests across ``build_index`` + POST /admin/reload,
a failed or killed build leaves the served index intact, and the reload endpoint's auth.

The server here is our own uvicorn thread over its OWN index directory (built from the real
corpus with the shared embedding cache), so rebuilding it never disturbs other tests.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

import indexer.store as store_module
from indexer.index import load_index
from indexer.store import build_index
from service.engine import load_engine
from service.main import create_app
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
TOKEN = "test-token"
EMBEDDED_SOME = re.compile(r"embedding[^\n\r]*?\b[1-9]\d*/\d+")  # tqdm: "16/259"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@contextmanager
def serve(app) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port in a thread; yields its base URL."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Traffic:
    """Background threads sending /search, /ask, /health and /glossary until stopped."""

    REQUESTS = (
        ("GET", "/search", {"params": {"q": "Qui est responsable de la tâche 2.13 ?"}}),
        ("POST", "/ask", {"json": {"question": "Which tasks is the RCMP responsible for?"}}),
        ("GET", "/health", {}),
        ("GET", "/glossary", {}),
    )

    def __init__(self, base: str, threads: int = 2) -> None:
        self.base = base
        self.count = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            n = 0
            while not self._stop.is_set():
                method, path, kwargs = self.REQUESTS[n % len(self.REQUESTS)]
                n += 1
                try:
                    status = client.request(method, path, **kwargs).status_code
                    failure = None if status == 200 else f"{method} {path}: {status}"
                except httpx.HTTPError as exc:
                    failure = f"{method} {path}: {exc!r}"
                with self._lock:
                    self.count += 1
                    if failure:
                        self.failures.append(failure)

    def wait_for(self, count: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.count >= count, f"only {self.count} requests in {timeout} s"

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


@pytest.fixture(scope="module")
def reload_settings(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Settings:
    index_dir = tmp_path_factory.mktemp("reload-root") / "index"
    return Settings(corpus_dir=CORPUS, index_dir=index_dir, cache_dir=cache_dir, reload_token=TOKEN)


@pytest.fixture(scope="module")
def reload_server(reload_settings: Settings, embedder) -> Iterator[str]:
    build_index(reload_settings.indexing, embedder, progress=False)
    with serve(create_app(reload_settings, load_engine(reload_settings, embedder))) as base:
        yield base


def built_at(base: str) -> str:
    response = httpx.get(f"{base}/health", timeout=30)
    assert response.status_code == 200
    return response.json()["index_built_at"]


def builds_dir(settings: Settings) -> Path:
    index_dir = settings.indexing.index_dir
    return index_dir.with_name(f".{index_dir.name}-builds")


def assert_served_index_intact(base: str, settings: Settings, link: str, stamp: str) -> None:
    """The link still names the same build, which loads and verifies; the server still
    answers from it, and a reload keeps it."""
    assert os.readlink(settings.indexing.index_dir) == link
    assert not [p.name for p in builds_dir(settings).iterdir() if p.name.endswith(".tmp")]
    # checks every file's checksum
    load_index(settings.indexing.index_dir, settings.indexing.embedder)
    assert built_at(base) == stamp
    response = httpx.post(f"{base}/admin/reload", headers=AUTH, timeout=60)
    assert response.status_code == 200
    assert response.json()["index_built_at"] == stamp
    assert httpx.get(f"{base}/search", params={"q": "GRC"}, timeout=60).status_code == 200


def test_rebuild_and_reload_while_serving_drop_no_request(reload_server, reload_settings, embedder):
    before = built_at(reload_server)
    with Traffic(reload_server) as traffic:
        traffic.wait_for(4)
        _wait_for_the_next_second(before)  # built_at has a one-second resolution
        manifest = build_index(reload_settings.indexing, embedder, progress=False)
        during_build = traffic.count
        response = httpx.post(f"{reload_server}/admin/reload", headers=AUTH, timeout=60)
        reloaded = traffic.count
        traffic.wait_for(reloaded + 8)
    assert traffic.failures == []
    assert during_build > 4
    assert response.status_code == 200
    assert response.json()["index_built_at"] == manifest["built_at"] != before
    assert built_at(reload_server) == manifest["built_at"]


def test_failed_build_leaves_served_index_intact(
    reload_server, reload_settings, embedder, monkeypatch
):
    link, stamp = os.readlink(reload_settings.indexing.index_dir), built_at(reload_server)

    def crash(backend):
        raise RuntimeError("simulated crash while writing the manifest")

    # after passages, vectors and the backend's points are written, before publishing
    monkeypatch.setattr(store_module, "backend_entry", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_index(reload_settings.indexing, embedder, progress=False)
    assert_served_index_intact(reload_server, reload_settings, link, stamp)


def test_killed_build_process_leaves_served_index_intact(reload_server, reload_settings, tmp_path):
    link, stamp = os.readlink(reload_settings.indexing.index_dir), built_at(reload_server)
    fresh_cache = tmp_path / "fresh-cache"  # empty: the build has to embed every passage
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAITE_")}
    env["TRAITE_CACHE_DIR"] = str(fresh_cache)
    command = [sys.executable, "-m", "indexer", "build", "--corpus", str(CORPUS)]
    command += ["--index-dir", str(reload_settings.indexing.index_dir)]
    log = tmp_path / "build.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        try:
            _wait_for_text(log, EMBEDDED_SOME, process, timeout=120)  # mid-embedding
        finally:
            process.kill()
            process.wait(timeout=30)
    assert process.returncode < 0, log.read_text()  # killed, not finished
    assert not list(fresh_cache.rglob("*.npz")), "the build finished embedding before the kill"
    assert_served_index_intact(reload_server, reload_settings, link, stamp)


def _wait_for_text(
    path: Path, pattern: re.Pattern[str], process: subprocess.Popen, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pattern.search(path.read_text(errors="replace")):
            return
        assert process.poll() is None, f"build exited early: {path.read_text()}"
        time.sleep(0.1)
    raise AssertionError(f"no {pattern.pattern!r} in the build's output after {timeout} s")


def _wait_for_the_next_second(stamp: str) -> None:
    """Poll the clock until a build would get a ``built_at`` other than ``stamp``."""
    while datetime.now(UTC).isoformat(timespec="seconds") <= stamp:
        time.sleep(0.01)


def test_reload_without_token_is_401(reload_server):
    assert httpx.post(f"{reload_server}/admin/reload", timeout=30).status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer wrong-token", "Bearer", "Bearer test-token2", "Basic dGVzdC10b2tlbg=="]
)
def test_reload_with_wrong_token_is_401(reload_server, header):
    response = httpx.post(
        f"{reload_server}/admin/reload", headers={"Authorization": header}, timeout=30
    )
    assert response.status_code == 401


def test_reload_without_configured_token_is_403(settings, engine):
    no_token = settings.updated(reload_token=None)
    with TestClient(create_app(no_token, engine)) as client:
        response = client.post("/admin/reload", headers=AUTH)
    assert response.status_code == 403
    assert "TRAITE_RELOAD_TOKEN" in response.json()["detail"]


def test_served_build_survives_two_unreloaded_rebuilds(tmp_path, embedder, cache_dir):
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", cache_dir=cache_dir)
    build_index(settings.indexing, embedder, progress=False)
    app = create_app(settings, load_engine(settings, embedder))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/glossary").status_code == 200
        build_index(settings.indexing, embedder, progress=False)
        build_index(settings.indexing, embedder, progress=False)
        for path in ("/health", "/documents", "/tasks", "/glossary"):
            assert client.get(path).status_code == 200, path
