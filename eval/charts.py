"""PNG charts of the evaluation: metrics by system and language (the risk–coverage curve is
drawn by ``eval.risk``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval import summary as S


def chart(results: dict[str, Any], qids: list[str], path: Path) -> None:
    """Grouped bars of hit@1, hit@5 and MRR@10 per system, for all / fr / en questions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = {"all": S.retrieval(results, qids), **S.retrieval_by(results, qids, "language")}
    systems = list(results["systems"])
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharey=True)
    width = 0.8 / max(len(systems), 1)
    for ax, metric in zip(axes, ("hit@1", "hit@5", "MRR@10"), strict=True):
        for i, name in enumerate(systems):
            values = [groups[g][name].get(metric) or 0.0 for g in groups]
            ax.bar([x + i * width for x in range(len(groups))], values, width, label=name)
        ax.set_xticks(
            [x + width * (len(systems) - 1) / 2 for x in range(len(groups))], list(groups)
        )
        ax.set_title(metric)
        ax.set_ylim(0, 1)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
