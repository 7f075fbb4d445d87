"""Start-up failures of the command lines: one ``error: …`` line on stderr saying what is
wrong and what to run, and exit status 2 — never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
TIMEOUT = 180  # seconds; a process that starts serving instead of failing is stopped here


def run(module: str, *args: str, env: dict[str, str] | None = None):
    """``python -m module args`` from the project root, without the caller's TRAITE_ vars."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TRAITE_")}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def serve(index_dir: Path, env: dict[str, str] | None = None):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return run("service", "--port", str(port), "--index-dir", str(index_dir), env=env)


def serve_with_port(index_dir: Path, env: dict[str, str]):
    """Like ``serve`` but leaves the port to the settings (``TRAITE_PORT``)."""
    return run("service", "--index-dir", str(index_dir), env=env)


def error_line(result: subprocess.CompletedProcess) -> str:
    """The single stderr line of a failed run (exit 2)."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def index_copy(settings, built_index, tmp_path) -> Path:
    """A copy of the session's build, published as ``tmp_path/index`` like a real build."""
    source = Path(settings.indexing.index_dir).resolve()
    target = tmp_path / ".index-builds" / source.name
    shutil.copytree(source, target)
    link = tmp_path / "index"
    link.symlink_to(os.path.relpath(target, tmp_path))
    return link


def test_service_missing_index(tmp_path):
    missing = tmp_path / "nowhere" / "index"
    line = error_line(serve(missing))
    assert str(missing) in line
    assert "python -m indexer build" in line


@pytest.mark.parametrize("name", ["passages.jsonl", "vectors.faiss", "bm25/vocab.index.json"])
def test_service_truncated_file(index_copy, name):
    path = index_copy / name
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    line = error_line(serve(index_copy))
    assert name in line and "corrupt" in line
    assert "python -m indexer build" in line


def test_service_corrupt_manifest(index_copy):
    manifest = index_copy / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8")[:100], encoding="utf-8")
    line = error_line(serve(index_copy))
    assert "manifest.json" in line and "corrupt" in line
    assert "python -m indexer build" in line


def test_service_index_built_with_another_embedder(index_copy):
    path = index_copy / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["embedder"]["id"] = "st:intfloat/multilingual-e5-base"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    line = error_line(serve(index_copy))
    assert "st:intfloat/multilingual-e5-base" in line and "e5-small-int4" in line
    assert "python -m indexer build" in line


def test_service_unloadable_embedder(index_copy):
    line = error_line(serve(index_copy, env={"TRAITE_EMBEDDER": "st:/nonexistent"}))
    assert "/nonexistent" in line or "sentence-transformers" in line


def test_service_invalid_embedder_spec(index_copy):
    line = error_line(serve(index_copy, env={"TRAITE_EMBEDDER": "word2vec"}))
    assert "TRAITE_EMBEDDER" in line and "e5-small-int4" in line


def test_service_invalid_port_setting(index_copy):
    line = error_line(serve_with_port(index_copy, env={"TRAITE_PORT": "eighty"}))
    assert "TRAITE_PORT" in line


def test_indexer_build_empty_document(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("glossary.json", "terms_en_fr.json"):
        shutil.copyfile(CORPUS / name, corpus / name)
    (corpus / "vide.txt").write_text("  \n\n", encoding="utf-8")
    entry = {
        "id": "vide",
        "title": "Document vide",
        "publisher": "Test",
        "year": 2015,
        "language": "fr",
        "url": "https://example.org/vide",
        "file": "vide.txt",
    }
    (corpus / "collection.json").write_text(json.dumps({"documents": [entry]}), encoding="utf-8")
    index_dir = tmp_path / "index"
    result = run(
        "indexer",
        "build",
        "--corpus",
        str(corpus),
        "--index-dir",
        str(index_dir),
        "--quiet",
        env={"TRAITE_CACHE_DIR": str(tmp_path / "cache")},
    )
    line = error_line(result)
    assert "vide.txt" in line and "empty" in line
    assert not index_dir.exists()
