"""Shared fixtures: the real corpus indexed once per test session with the real model."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from indexer.embed import Embedder, make_embedder
from indexer.store import build_index
from service.engine import Engine, load_engine
from service.main import create_app
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return make_embedder("e5-small-int4")


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary embedding cache, seeded from the project's .cache when there is one, so a
    run embeds nothing already embedded and never writes into the repository."""
    directory = tmp_path_factory.mktemp("cache") / ".cache"
    if (ROOT / ".cache").is_dir():
        shutil.copytree(ROOT / ".cache", directory)
    return directory


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Settings:
    """Settings for an index of the real corpus in a temporary directory."""
    index_dir = tmp_path_factory.mktemp("index-root") / "index"
    return Settings(
        corpus_dir=CORPUS, index_dir=index_dir, cache_dir=cache_dir, reload_token="test-token"
    )


@pytest.fixture(scope="session")
def built_index(settings: Settings, embedder: Embedder) -> dict:
    """Build the index once per session; returns its manifest."""
    return build_index(settings.indexing, embedder, progress=False)


@pytest.fixture(scope="session")
def engine(settings: Settings, embedder: Embedder, built_index: dict) -> Engine:
    return load_engine(settings, embedder)


@pytest.fixture(scope="session")
def client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, engine), raise_server_exceptions=False) as test_client:
        yield test_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for every browser test (``tests/chromium.py``)."""
    from chromium import launch

    with launch() as launched:
        yield launched


@pytest.fixture(scope="session")
def live_server(settings: Settings, engine: Engine) -> Iterator[str]:
    """A real uvicorn server on loopback, in a background thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings, engine), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    server.should_exit = True
    thread.join(timeout=10)
