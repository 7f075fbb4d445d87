"""The per-lead rows of issue 17 (English and paraphrased questions) for ``eval/report.md``.

``eval/leads.json`` holds what each lead gave: hit@1 / hit@5 / MRR@10 on the dev split, where
it was chosen, and on the test split, measured once after choosing, with its query cost and
whether it was kept. The numbers come from re-fusing per-question channel rankings dumped
from the real engine (the fusion reproduces the engine's own dev numbers exactly).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

LEADS_FILE = Path(__file__).parent / "leads.json"
GROUPS = ("all", "en", "fr", "paraphrase")


def _cell(metrics: dict[str, list[float]] | None, group: str) -> str:
    values = (metrics or {}).get(group)
    return " / ".join(f"{v:.3f}" for v in values) if values else "–"


def leads_section(path: Path = LEADS_FILE) -> str:
    """The Markdown section, or "" when there is no leads file."""
    if not path.is_file():
        return ""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    header = ["lead", "variant", "kept", "split"] + [f"{g} hit@1 / hit@5 / MRR" for g in GROUPS]
    header.append("query cost")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in data["rows"]:
        for split in ("dev", "test"):
            cells = [row["lead"], row["variant"], "yes" if row["kept"] else "no", split]
            cells += [_cell(row.get(split), g) for g in GROUPS]
            cells.append(row.get("cost", "") if split == "dev" else "")
            lines.append("| " + " | ".join(cells) + " |")
    notes = "\n".join(f"- {n}" for n in data.get("notes", []))
    return f"## Issue 17 leads: English and paraphrased questions\n\n{data['intro']}\n\n" + (
        "\n".join(lines) + ("\n\n" + notes if notes else "")
    )
