"""Settings in typed groups: the ``TRAITE_*`` names of the README each set one field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer.settings import IndexingSettings, SettingsError
from service.settings import GROUPS, OWNER, RetrievalSettings, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
NOT_SETTINGS = {"TRAITE_SCREENSHOTS"}  # read by the browser tests, not by the service


def readme_variables() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"TRAITE_[A-Z0-9_]*[A-Z0-9]", text)) - NOT_SETTINGS


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ``TRAITE_*`` from the caller's environment, no ``.env`` from the working directory."""
    for name in OWNER:
        monkeypatch.delenv(f"TRAITE_{name.upper()}", raising=False)
    monkeypatch.chdir(tmp_path)


def test_every_field_belongs_to_one_group() -> None:
    fields = [name for group in GROUPS.values() for name in group.model_fields]
    assert len(fields) == len(set(fields))


def test_every_readme_variable_names_a_setting() -> None:
    assert readme_variables(), "the README lists no TRAITE_ variable"
    assert {f"TRAITE_{name.upper()}" for name in OWNER} >= readme_variables()


@pytest.mark.parametrize(
    ("variable", "value", "group", "expected"),
    [
        ("TRAITE_INDEX_DIR", "elsewhere", "indexing", Path("elsewhere")),
        ("TRAITE_BM25_K1", "1.5", "indexing", 1.5),
        ("TRAITE_RRF_K", "7", "retrieval", 7),
        ("TRAITE_TASK_BOOST", "2", "retrieval", 2.0),
        ("TRAITE_MIN_ANSWER_SCORE", "0.3", "answers", 0.3),
        ("TRAITE_PORT", "8123", "service", 8123),
        ("TRAITE_CORS_ORIGINS", '["https://a.example"]', "service", ["https://a.example"]),
    ],
)
def test_a_variable_sets_its_field_in_its_group(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, group: str, expected: object
) -> None:
    monkeypatch.setenv(variable, value)
    field = variable.removeprefix("TRAITE_").lower()
    assert getattr(getattr(load_settings(), group), field) == expected


def test_a_bad_value_names_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAITE_PORT", "0")
    with pytest.raises(SettingsError, match="TRAITE_PORT"):
        load_settings()


def test_overrides_go_to_their_groups_and_win_over_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRAITE_HOST", "0.0.0.0")
    settings = load_settings(host="127.0.0.2", index_dir=Path("x"), rrf_k=None)
    assert settings.service.host == "127.0.0.2" and settings.indexing.index_dir == Path("x")
    assert settings.retrieval.rrf_k == RetrievalSettings().rrf_k  # None: unset


def test_flat_fields_build_and_update_the_groups() -> None:
    settings = Settings(rrf_k=3, reload_token="t", chunk_size=700)
    assert (settings.retrieval.rrf_k, settings.service.reload_token) == (3, "t")
    assert settings.indexing == IndexingSettings(chunk_size=700)
    changed = settings.updated(rrf_k=4, port=9000)
    assert (changed.retrieval.rrf_k, changed.service.port, settings.retrieval.rrf_k) == (4, 9000, 3)
    with pytest.raises(ValueError, match="unknown settings"):
        settings.updated(rrf=4)
