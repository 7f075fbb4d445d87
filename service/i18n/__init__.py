"""French and English strings of the service, one JSON file per area (``page.json``,
``answers.json``, …), loaded as package data: a wording change or a third language touches
only these files."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

LANGUAGES = ("fr", "en")


class MissingString(KeyError):
    """A key that an area's file does not define for a language."""


@cache
def strings(area: str) -> dict[str, dict[str, str]]:
    """``{language: {key: text}}`` of ``area`` (the file ``<area>.json``)."""
    data = json.loads(resources.files(__name__).joinpath(f"{area}.json").read_text("utf-8"))
    missing = {lang: sorted(set(data["fr"]) ^ set(data[lang])) for lang in LANGUAGES}
    if any(missing.values()):
        raise MissingString(f"{area}.json: keys not in every language: {missing}")
    return data


def t(area: str, key: str, language: str, **values: object) -> str:
    """The text of ``key`` in ``language`` (French when the language is unknown), with
    ``{placeholders}`` filled from ``values``."""
    table = strings(area)
    lang = language if language in table else "fr"
    try:
        template = table[lang][key]
    except KeyError as exc:
        raise MissingString(f"{area}.json has no {key!r} for {lang!r}") from exc
    return template.format(**values) if values else template
