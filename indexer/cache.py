"""Embedding cache keyed by (embedder id, sha256 of the embedded text).

Re-indexing after one document changes embeds only the passages whose text changed.
One ``.npz`` file per embedder holds ``keys`` (n,) str and ``vectors`` (n, dim) float32.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tqdm import tqdm

BATCH = 16
log = logging.getLogger(__name__)


class EmbeddingCache:
    def __init__(self, directory: Path, embedder_id: str) -> None:
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_id)
        self.path = Path(directory) / f"{name}.npz"
        self._vectors: dict[str, np.ndarray] = self._read()

    def _read(self) -> dict[str, np.ndarray]:
        """The cached vectors; an unreadable file or a non-finite vector is reported and left
        out, so its texts are embedded again."""
        if not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            log.warning("embedding cache %s is unreadable (%s): embedding again", self.path, exc)
            return {}
        bad = [key for key, vector in vectors.items() if not np.isfinite(vector).all()]
        if bad:
            log.warning(
                "embedding cache %s: %d corrupt vectors, embedding again", self.path, len(bad)
            )
        return {key: vector for key, vector in vectors.items() if key not in set(bad)}

    def embed(
        self,
        texts: list[str],
        encode: Callable[[list[str]], np.ndarray],
        progress: bool = True,
        unit: str = "passage",
    ) -> tuple[np.ndarray, list[str]]:
        """Vectors for ``texts`` as (len(texts), dim) float32, encoding only unseen texts
        (``unit`` names them on the progress bar).

        Returns the matrix and the keys that had to be embedded.
        """
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}.items()
        )
        bar = tqdm(total=len(missing), desc="embedding", unit=unit, disable=not progress)
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            vectors = encode([t for _, t in batch])
            for (key, _), vector in zip(batch, vectors, strict=True):
                self._vectors[key] = vector
            bar.update(len(batch))
        bar.close()
        if missing:
            self._save()
        matrix = (
            np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, 1), np.float32)
        )
        return matrix.astype(np.float32), [k for k, _ in missing]

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.stem}.{os.getpid()}.tmp.npz")
        keys = np.array(list(self._vectors), dtype=str)
        np.savez(tmp, keys=keys, vectors=np.stack(list(self._vectors.values())))
        os.replace(tmp, self.path)
