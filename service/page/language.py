"""The interface language of a page: the ``lang`` parameter, else the language the API
detects in the question, else the browser's ``Accept-Language``, else French."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from service.i18n import LANGUAGES


def interface_language(
    lang: str | None, query_language: str | None, accept_language: str | None
) -> str:
    """``lang`` if it is fr or en; else ``query_language`` (the question's, as detected by
    the search); else the browser's preference."""
    if lang in LANGUAGES:
        return lang
    if query_language in LANGUAGES:
        return query_language
    return preferred(accept_language or "")


def preferred(header: str) -> str:
    """The first of fr/en by quality in an ``Accept-Language`` header; fr when neither."""
    best, best_q = "fr", 0.0
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = _quality(params)
        if quality > best_q:
            best, best_q = primary, quality
    return best


def _quality(params: str) -> float:
    match = re.search(r"q\s*=\s*([0-9.]+)", params)
    try:
        return float(match.group(1)) if match else 1.0
    except ValueError:
        return 0.0


def switch_links(path: str, params: dict[str, str]) -> dict[str, str]:
    """``path?…&lang=xx`` for each interface language, keeping the other ``params``."""
    kept = {k: v for k, v in params.items() if v and k != "lang"}
    return {code: f"{path}?{urlencode({**kept, 'lang': code})}" for code in LANGUAGES}
