"""Confidence of an answer candidate: a logistic model over the candidate features, fitted
and calibrated on the dev split by ``python -m eval.tune`` (``eval/tune/answers.py``), which
writes ``service/data/answer_model.json``; the abstention threshold lives beside it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.resources import package_json
from service.answers.features import FEATURES

MODEL_FILE = "data/answer_model.json"  # in the service package


class ModelError(ValueError):
    """The answer model file is missing a feature or does not match ``FEATURES``."""


@dataclass(frozen=True)
class Scorer:
    """``confidence = sigmoid((x - mean) / scale · coef + intercept)``; x: (n, n_features)."""

    mean: np.ndarray  # (n_features,) float64
    scale: np.ndarray  # (n_features,)
    coef: np.ndarray  # (n_features,)
    intercept: float
    threshold: float  # answer when confidence >= threshold

    def confidence(self, features: np.ndarray) -> np.ndarray:
        """(n, n_features) -> (n,) probabilities in 0-1."""
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def from_dict(cls, data: dict) -> Scorer:
        names = list(data["features"])
        if names != list(FEATURES):
            raise ModelError(f"answer model features {names} differ from {list(FEATURES)}")
        return cls(
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),
            float(data["threshold"]),
        )

    @classmethod
    def neutral(cls) -> Scorer:
        """Confidence 0.5 for every candidate: what tuning starts from."""
        n = len(FEATURES)
        return cls(np.zeros(n), np.ones(n), np.zeros(n), 0.0, 0.5)

    @classmethod
    def load(cls, path: Path | None = None) -> Scorer:
        """The shipped model (``service/data/answer_model.json``), or the file ``path``."""
        try:
            if path is None:
                return cls.from_dict(package_json("service", MODEL_FILE))
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, KeyError, json.JSONDecodeError) as exc:
            raise ModelError(f"{path or MODEL_FILE}: cannot read the answer model ({exc})") from exc
