"""Small helpers: latency summaries and Markdown tables."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def percentile_ms(seconds: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of ``seconds``, in milliseconds (NaN when empty)."""
    if not len(seconds):
        return float("nan")
    return float(np.percentile(np.asarray(seconds, dtype=np.float64), q) * 1000)


def mb(rss_bytes: float | None) -> str:
    return "–" if rss_bytes is None else f"{rss_bytes / 2**20:.0f}"


def num(value: float | int | None, digits: int = 1) -> str:
    """A number for a table cell: ints as is, floats rounded, missing as an en dash."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub Markdown table; cells are converted with ``str``."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
