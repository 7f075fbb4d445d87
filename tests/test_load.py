"""Loading the collection: metadata + one text file per document, with readable errors."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from indexer.load import CorpusError, load_collection

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
OCR_FILE = "rapport-sommaire-atelier-2015.txt"
MD_FILE = "plan-action-national-rapport-2014-2015.md"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the real corpus directory that a test may break."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def _metadata(corpus: Path) -> dict:
    return json.loads((corpus / "collection.json").read_text(encoding="utf-8"))


def _write_metadata(corpus: Path, data: dict) -> None:
    (corpus / "collection.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _error(corpus: Path) -> str:
    with pytest.raises(CorpusError) as info:
        load_collection(corpus)
    message = str(info.value)
    assert "\n" not in message.strip(), "one readable line"
    return message


def test_both_documents_load_with_their_sha256() -> None:
    documents = {d.id: d for d in load_collection(CORPUS)}
    assert set(documents) == {"plan-action-2014-2015", "atelier-2015"}
    for doc in documents.values():
        raw = (CORPUS / doc.file).read_bytes()
        assert doc.sha256 == hashlib.sha256(raw).hexdigest()
        assert doc.text == raw.decode("utf-8")
        assert doc.title and doc.title_en and doc.publisher == "Sécurité publique Canada"
        assert doc.language == "fr" and doc.url.startswith("https://")
    assert documents["atelier-2015"].kind == "ocr"
    assert documents["atelier-2015"].file == OCR_FILE
    assert documents["plan-action-2014-2015"].kind == "markdown"
    assert documents["plan-action-2014-2015"].year == 2016
    assert documents["plan-action-2014-2015"].title_en.startswith("National Action Plan")


def test_source_lines_are_one_based_and_inclusive() -> None:
    doc = next(d for d in load_collection(CORPUS) if d.id == "atelier-2015")
    assert doc.source_lines(1, 1) == [" Remerciements"]
    assert doc.source_lines(12, 12) == ["1 Contexte"]
    assert len(doc.source_lines(3, 10)) == 8


def test_empty_document(corpus: Path) -> None:
    (corpus / OCR_FILE).write_text("", encoding="utf-8")
    message = _error(corpus)
    assert OCR_FILE in message and "empty" in message


def test_whitespace_only_document_is_empty(corpus: Path) -> None:
    (corpus / MD_FILE).write_text(" \n\n\t\n", encoding="utf-8")
    message = _error(corpus)
    assert MD_FILE in message and "empty" in message


def test_non_utf8_document(corpus: Path) -> None:
    raw = (corpus / OCR_FILE).read_bytes()
    at = raw.index(b"\n\n") + 2  # start of the first paragraph
    (corpus / OCR_FILE).write_bytes(raw[:at] + "é".encode("latin-1") + raw[at:])
    message = _error(corpus)
    assert OCR_FILE in message and "UTF-8" in message and f"offset {at}" in message


@pytest.mark.parametrize("field", ["id", "title", "publisher", "year", "language", "url", "file"])
def test_metadata_entry_missing_a_field(corpus: Path, field: str) -> None:
    data = _metadata(corpus)
    del data["documents"][1][field]
    _write_metadata(corpus, data)
    message = _error(corpus)
    assert "collection.json" in message
    assert "documents[1]" in message
    assert f"missing field {field!r}" in message


def test_metadata_field_of_the_wrong_type(corpus: Path) -> None:
    data = _metadata(corpus)
    data["documents"][0]["year"] = "2016"
    _write_metadata(corpus, data)
    message = _error(corpus)
    assert "collection.json" in message and "documents[0]" in message and "'year'" in message


def test_metadata_with_an_unknown_kind(corpus: Path) -> None:
    data = _metadata(corpus)
    data["documents"][0]["kind"] = "pdf"
    _write_metadata(corpus, data)
    message = _error(corpus)
    assert "collection.json" in message and "kind" in message and "'pdf'" in message


def test_malformed_metadata_json(corpus: Path) -> None:
    (corpus / "collection.json").write_text('{"documents": [', encoding="utf-8")
    message = _error(corpus)
    assert "collection.json" in message and "not valid JSON" in message


def test_metadata_without_a_document_list(corpus: Path) -> None:
    _write_metadata(corpus, {"docs": []})
    message = _error(corpus)
    assert "collection.json" in message and '"documents"' in message


def test_missing_metadata_file(corpus: Path) -> None:
    (corpus / "collection.json").unlink()
    message = _error(corpus)
    assert "collection.json" in message and "not found" in message


def test_duplicate_id(corpus: Path) -> None:
    data = _metadata(corpus)
    data["documents"][1]["id"] = data["documents"][0]["id"]
    _write_metadata(corpus, data)
    message = _error(corpus)
    assert "collection.json" in message
    assert "duplicate" in message and "'plan-action-2014-2015'" in message


def test_unlisted_text_file(corpus: Path) -> None:
    (corpus / "notes.txt").write_text("Un document sans métadonnées.\n", encoding="utf-8")
    message = _error(corpus)
    assert "notes.txt" in message and "no entry" in message and "collection.json" in message


def test_unlisted_markdown_file(corpus: Path) -> None:
    (corpus / "brouillon.md").write_text("# Brouillon\n", encoding="utf-8")
    message = _error(corpus)
    assert "brouillon.md" in message and "no entry" in message


def test_metadata_pointing_to_a_missing_file(corpus: Path) -> None:
    data = _metadata(corpus)
    data["documents"][1]["file"] = "absent.txt"
    _write_metadata(corpus, data)
    message = _error(corpus)
    assert "absent.txt" in message and "cannot read" in message


def test_corpus_error_is_a_value_error() -> None:
    assert issubclass(CorpusError, ValueError)
