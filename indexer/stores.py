"""The two retrieval backends of an index directory: FAISS vectors and a bm25s index.

They are the only modules that touch FAISS or bm25s; a distributed engine would replace
these two classes and nothing above them.
"""

from __future__ import annotations

from pathlib import Path

import bm25s
import faiss
import numpy as np

from indexer.lexical import tokenize_many

# HNSW graph above ``Settings.hnsw_threshold`` passages; bench/scale.py measures the choice.
HNSW_M = 32  # links per vector and layer (2 * M on the bottom layer)
HNSW_EF_CONSTRUCTION = 80  # candidates kept while linking a new vector
HNSW_EF_SEARCH = 256  # candidates kept per search: the default of Settings.hnsw_ef_search


class DenseStore:
    """Inner-product search over unit vectors: exact (flat) or approximate (HNSW)."""

    FILE = "vectors.faiss"

    def __init__(self, index: faiss.Index) -> None:
        self._index = index

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        hnsw_threshold: int,
        ef_search: int = HNSW_EF_SEARCH,
        m: int = HNSW_M,
    ) -> DenseStore:
        """``vectors``: (n_passages, dim) float32, L2-normalised, row i = passage i.

        More than ``hnsw_threshold`` rows: an HNSW graph of ``m`` links per vector, searched
        with ``ef_search`` candidates (saved in the index file; ``search`` raises it to the
        depth asked).
        """
        dim = vectors.shape[1]
        if len(vectors) > hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = ef_search
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(index)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    def __len__(self) -> int:
        return self._index.ntotal

    def save(self, directory: Path) -> None:
        faiss.write_index(self._index, str(directory / self.FILE))

    @classmethod
    def load(cls, directory: Path) -> DenseStore:
        return cls(faiss.read_index(str(directory / cls.FILE)))

    def search(
        self, queries: np.ndarray, k: int, ef_search: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``queries`` (n_queries, dim) -> (scores, ids), each (n_queries, k); ids -1 pad.

        HNSW keeps ``ef_search`` candidates (default: the index's), and never fewer than
        ``k`` (FAISS would: recall drops, ids pad with -1); asked for every passage (a
        filtered search), it ranks them all exactly instead.
        """
        k = min(k, len(self))
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        if not isinstance(self._index, faiss.IndexHNSWFlat):
            return self._index.search(queries, k)
        if k == len(self):
            return faiss.downcast_index(self._index.storage).search(queries, k)
        ef = max(ef_search or self._index.hnsw.efSearch, k)
        return self._index.search(queries, k, params=faiss.SearchParametersHNSW(efSearch=ef))


class LexicalStore:
    """BM25 (Lucene variant) over the tokens of ``indexer.lexical.tokenize``."""

    DIR = "bm25"

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever

    @classmethod
    def build(cls, texts: list[str]) -> LexicalStore:
        retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        retriever.index(tokenize_many(texts), show_progress=False)
        return cls(retriever)

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory / self.DIR), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalStore:
        return cls(bm25s.BM25.load(str(directory / cls.DIR), show_progress=False))

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """Inverse document frequency ``log(1 + N / df)`` of each token (unknown: df = 1)."""
        n = self._retriever.scores["num_docs"]
        indptr = self._retriever.scores["indptr"]  # CSC over (documents x vocabulary)
        vocab = self._retriever.vocab_dict
        result = {}
        for token in tokens:
            column = vocab.get(token)
            df = int(indptr[column + 1] - indptr[column]) if column is not None else 1
            result[token] = float(np.log1p(n / max(df, 1)))
        return result

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every passage for one tokenised query: (n_passages,) float32."""
        known = [t for t in tokens if t in self._retriever.vocab_dict]
        n = self._retriever.scores["num_docs"]
        if not known:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)
