"""The one error type of the lexicon."""

from __future__ import annotations


class GlossaryError(ValueError):
    """The glossary (or terms) file is malformed; the message names the file."""
