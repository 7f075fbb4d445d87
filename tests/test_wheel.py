"""The wheel: built from a copy of the sources, installed into a fresh virtual environment and
run from outside the repository, so every data file must come from the installed package.

The fresh environment takes its dependencies from this one through a ``.pth`` line (a path
line only: this environment's own ``.pth`` files, among them the editable install of the
project, are not processed), and the wheel is installed with ``--no-deps``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from service.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "indexer", "service", "eval")


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """``(python of the fresh environment, its environment variables)``."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "out")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    _run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), "."],
        source,
        env,
    )
    (wheel,) = (tmp / "dist").glob("traite_search-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp, env
    ).strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(purelib, "_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    _run([*pip, "--python", str(python), "install", "--no-deps", str(wheel)], tmp, env)
    return python, env


def test_the_installed_package_is_the_wheel(installed: tuple[Path, dict[str, str]]) -> None:
    python, env = installed
    code = "import indexer, service; print(indexer.__file__); print(service.__file__)"
    for path in _run([str(python), "-c", code], python.parents[2], env).split():
        assert Path(path).is_relative_to(python.parents[1]), path


def test_inspect_tasks_outside_the_repository(installed: tuple[Path, dict[str, str]]) -> None:
    python, env = installed
    out = _run(
        [
            str(python),
            "-m",
            "indexer",
            "inspect",
            "--tasks",
            "--json",
            "--corpus",
            str(ROOT / "corpus"),
        ],
        python.parents[2],
        env,
    )
    tasks = [task["id"] for doc in json.loads(out).values() for task in doc["tasks"]]
    assert "2.13" in tasks and len(tasks) == len(set(tasks)) > 10


def test_build_and_search_outside_the_repository(
    installed: tuple[Path, dict[str, str]], settings: Settings, built_index: dict
) -> None:
    """Build an index with the installed package (the session's embedding cache saves the
    embedding), serve it and search it, and open the page (templates and static files)."""
    python, env = installed
    tmp = python.parents[2]
    env = {**env, "TRAITE_CACHE_DIR": str(settings.indexing.cache_dir)}
    index = tmp / "index"
    corpus = str(ROOT / "corpus")
    _run(
        [
            str(python),
            "-m",
            "indexer",
            "build",
            "--quiet",
            "--corpus",
            corpus,
            "--index-dir",
            str(index),
        ],
        tmp,
        env,
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(python), "-m", "service", "--port", str(port), "--index-dir", str(index)],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert server.poll() is None, server.stderr.read() if server.stderr else ""
        found = httpx.get(
            f"{base}/search", params={"q": "stratégie pour la jeunesse de la GRC"}, timeout=60
        )
        assert found.status_code == 200
        results = found.json()["results"]
        assert any("jeunesse" in r["text"] for r in results[:5])
        page = httpx.get(f"{base}/", params={"q": "GRC"}, timeout=60)
        assert page.status_code == 200 and "GRC" in page.text
        assert httpx.get(f"{base}/static/" + _a_static_file(), timeout=60).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)


def _a_static_file() -> str:
    return sorted(p.name for p in (ROOT / "service" / "static").iterdir())[0]
