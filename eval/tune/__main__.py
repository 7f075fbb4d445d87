"""``python -m eval.tune``: fit what is tuned on the dev split and write it where the service
reads it. Today: the answer scorer and its abstention threshold (``eval/tune/answers.py`` ->
``service/data/answer_model.json``), stamped with the date, the commit and the dev metrics."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from eval.questions import load_questions
from eval.tune import answers
from indexer.load import load_collection
from indexer.settings import load_settings
from service.answers.scorer import Scorer
from service.engine import load_engine

MODEL = Path(__file__).resolve().parents[2] / "service" / "data" / "answer_model.json"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> int:
    settings = load_settings()
    engine = load_engine(settings, scorer=Scorer.neutral())  # candidates do not need a model
    texts = {d.id: d.text for d in load_collection(settings.corpus_dir)}
    start = time.perf_counter()
    model = answers.tune(engine, load_questions(), texts)
    model["tuned"] = {"date": time.strftime("%Y-%m-%d"), "commit": commit(), "split": "dev"}
    MODEL.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    chosen = model["dev_out_of_fold"]
    print(
        f"answers: threshold {model['threshold']:.3f} ({model['target']}); dev out-of-fold "
        f"accuracy {chosen['accuracy']:.3f}, coverage {chosen['coverage']:.3f}, unanswerable "
        f"answered {chosen['unanswerable_answered']:.3f}; {time.perf_counter() - start:.0f} s "
        f"-> {MODEL}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
