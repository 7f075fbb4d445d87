"""Checks on user text and numbers, raised as ``InvalidInput`` and answered with 422."""

from __future__ import annotations

import unicodedata


class InvalidInput(ValueError):
    """Bad user input; the message says what is wrong."""


def clean_user_text(text: str, name: str, max_chars: int) -> str:
    """Strip control characters (keeping line breaks and tabs as spaces) and outer space."""
    cleaned = "".join(
        " " if c in "\t\n\r" else c
        for c in text
        if c in "\t\n\r" or unicodedata.category(c) not in {"Cc", "Cs"}
    ).strip()
    if not cleaned:
        raise InvalidInput(f"{name} must not be empty or only white space")
    if len(cleaned) > max_chars:
        raise InvalidInput(f"{name} is {len(cleaned)} characters long; the limit is {max_chars}")
    return cleaned


def check_k(k: int, max_k: int) -> int:
    if not 1 <= k <= max_k:
        raise InvalidInput(f"k must be between 1 and {max_k}, got {k}")
    return k
