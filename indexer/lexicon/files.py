"""Reading the lexicon's JSON files (glossary, terms) with errors that name the file."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.lexicon.errors import GlossaryError


def json_list(path: Path, key: str) -> list[object]:
    """The list under ``key`` of the JSON object in ``path``; :class:`GlossaryError` if the
    file cannot be read or holds no such list."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GlossaryError(f"{path}: cannot read {path.stem}: {exc}") from exc
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise GlossaryError(f"{path}: expected an object with a '{key}' list")
    return items
