"""The retrieval boundary: only ``indexer/backends/`` touches FAISS, bm25s or Qdrant.

Every other module of the product (indexer, service, eval, bench) reaches the engines
through ``indexer.backends`` (its ``Backend`` protocol and factory), so a backend can be
replaced without touching them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("indexer", "service", "eval", "bench")
BACKENDS = ROOT / "indexer" / "backends"
ENGINES = ("faiss", "bm25s", "qdrant_edge", "qdrant_client")
PUBLIC = {"base", "factory"}  # modules of indexer/backends/ others may import


def is_internal(name: str) -> bool:
    """Whether ``name`` is a backend implementation module (``indexer.backends.local``...),
    reachable only through the ``indexer.backends`` factory."""
    parts = name.split(".")
    if parts[:2] == ["indexer", "stores"]:
        return True
    if parts[:2] != ["indexer", "backends"] or len(parts) < 3 or parts[2] in PUBLIC:
        return False
    return (BACKENDS / f"{parts[2]}.py").is_file() or (BACKENDS / parts[2]).is_dir()


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, module) of every import in ``source``, the code of module ``module`` (dotted);
    relative imports resolved, ``from a import b`` listed as ``a`` and ``a.b``."""
    package = module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def violations(source: str, module: str) -> list[str]:
    problems = []
    for line, name in imported_modules(source, module):
        if name.split(".")[0] in ENGINES or is_internal(name):
            problems.append(f"{module}:{line} imports {name}")
    return problems


def product_modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if BACKENDS not in path.parents
    ]


def test_only_the_backends_import_the_engines() -> None:
    modules = product_modules()
    assert len(modules) > 40
    problems = []
    for path in modules:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        problems += violations(path.read_text(encoding="utf-8"), module)
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        "import faiss",
        "from bm25s import BM25",
        "import qdrant_client.models",
        "from qdrant_edge import EdgeShard",
        "from indexer.backends.stores import DenseStore",
        "from indexer.backends import local",
        "from .backends.local import LocalBackend",
        "def f():\n    import faiss\n",
    ],
)
def test_the_check_catches_an_engine_import(source: str) -> None:
    assert violations(source, "indexer.probe"), source


def test_the_public_api_of_the_backends_is_allowed() -> None:
    source = "from indexer.backends import Filters, create_backend\nimport numpy\n"
    assert violations(source, "service.probe") == []
