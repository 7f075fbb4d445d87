"""Search results as CSV: one header row, then one row per result.

Cells that a spreadsheet would read as a formula (a leading ``=``, ``+``, ``-``, ``@``, or a
tab or carriage return before one) get a leading apostrophe, so opening the file runs nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from service.schemas import Passage

COLUMNS = (
    "rank",
    "id",
    "document",
    "section",
    "file",
    "line_start",
    "line_end",
    "url",
    "score",
    "text",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """``cell`` unchanged, or with a leading ``'`` when it is text that starts a formula."""
    if isinstance(cell, str) and cell.startswith(FORMULA_START):
        return "'" + cell
    return cell


def results_csv(results: Iterable[Passage], base_url: str) -> str:
    """The CSV text (RFC 4180 quoting, CRLF line ends) of ``results``, best first; urls are
    made absolute with ``base_url``."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for rank, p in enumerate(results, start=1):
        row = (
            rank,
            p.id,
            p.doc_title,
            p.section,
            p.source.file,
            p.source.line_start,
            p.source.line_end,
            base_url.rstrip("/") + p.url,
            p.score,
            p.text,
        )
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
