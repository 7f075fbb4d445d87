"""Load the collection: ``corpus/collection.json`` metadata plus one text file per document."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from indexer.models import Document

METADATA_FILE = "collection.json"
DOCUMENT_SUFFIXES = {".txt", ".md"}
REQUIRED_FIELDS: dict[str, type] = {
    "id": str,
    "title": str,
    "publisher": str,
    "year": int,
    "language": str,
    "url": str,
    "file": str,
}
KINDS = {"ocr", "markdown"}


class CorpusError(ValueError):
    """The corpus directory or one of its files cannot be used; the message names the file."""


def load_collection(corpus_dir: Path) -> list[Document]:
    """Read every document listed in ``corpus_dir/collection.json``.

    Raises CorpusError for a missing or malformed metadata entry, an unlisted document
    file, an unreadable, empty or non-UTF-8 file, or a duplicate id.
    """
    corpus_dir = Path(corpus_dir)
    entries = _read_metadata(corpus_dir / METADATA_FILE)
    documents: list[Document] = []
    seen_ids: set[str] = set()
    for position, entry in enumerate(entries):
        meta = _validate_entry(entry, position, corpus_dir / METADATA_FILE)
        if meta["id"] in seen_ids:
            raise CorpusError(f"{corpus_dir / METADATA_FILE}: duplicate document id {meta['id']!r}")
        seen_ids.add(meta["id"])
        documents.append(_read_document(corpus_dir, meta))
    _check_unlisted(corpus_dir, {d.file for d in documents})
    return documents


def _read_metadata(path: Path) -> list[Any]:
    if not path.is_file():
        raise CorpusError(f"{path}: metadata file not found (one entry per document is required)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise CorpusError(f'{path}: expected an object {{"documents": [...]}}')
    if not data["documents"]:
        raise CorpusError(f"{path}: the collection lists no documents")
    return data["documents"]


def _validate_entry(entry: Any, position: int, path: Path) -> dict[str, Any]:
    where = f"{path}: documents[{position}]"
    if not isinstance(entry, dict):
        raise CorpusError(f"{where}: expected an object, got {type(entry).__name__}")
    for name, kind in REQUIRED_FIELDS.items():
        value = entry.get(name)
        if value is None:
            raise CorpusError(f"{where}: missing field {name!r}")
        if not isinstance(value, kind) or (kind is str and not value.strip()):
            raise CorpusError(f"{where}: field {name!r} must be a non-empty {kind.__name__}")
    if not all(c.isalnum() or c in "-_." for c in entry["id"]):
        raise CorpusError(f"{where}: id {entry['id']!r} may hold only letters, digits, - _ .")
    kind = entry.get("kind", "ocr" if entry["file"].endswith(".txt") else "markdown")
    if kind not in KINDS:
        raise CorpusError(f"{where}: kind must be one of {sorted(KINDS)}, got {kind!r}")
    return {**entry, "kind": kind, "title_en": entry.get("title_en") or entry["title"]}


def _read_document(corpus_dir: Path, meta: dict[str, Any]) -> Document:
    path = corpus_dir / meta["file"]
    if path.suffix not in DOCUMENT_SUFFIXES:
        raise CorpusError(f"{path}: documents must be .txt or .md files")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read document ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 (bad byte at offset {exc.start})") from exc
    if not text.strip():
        raise CorpusError(f"{path}: document is empty")
    return Document(
        id=meta["id"],
        title=meta["title"],
        title_en=meta["title_en"],
        publisher=meta["publisher"],
        year=meta["year"],
        language=meta["language"],
        url=meta["url"],
        file=meta["file"],
        kind=meta["kind"],
        text=text,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _check_unlisted(corpus_dir: Path, listed: set[str]) -> None:
    for path in sorted(corpus_dir.iterdir()):
        if path.suffix in DOCUMENT_SUFFIXES and path.name not in listed:
            raise CorpusError(f"{path}: document file has no entry in {METADATA_FILE}")
