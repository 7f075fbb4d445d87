"""The stores of the local backend: FAISS vectors (of passages and of their sentences),
sparse latent-term posting lists and a bm25s index. Only ``indexer.backends.local`` uses
them: nothing outside ``indexer/backends/`` imports FAISS or bm25s.
"""

from __future__ import annotations

from pathlib import Path

import bm25s
import faiss
import numpy as np
from scipy import sparse

from indexer.text import tokenize_many

# HNSW graph above ``IndexingSettings.hnsw_threshold`` passages; bench/scale.py measures the choice.
HNSW_M = 32  # links per vector and layer (2 * M on the bottom layer)
HNSW_EF_CONSTRUCTION = 80  # candidates kept while linking a new vector
HNSW_EF_SEARCH = 256  # candidates kept per search: the default of IndexingSettings.hnsw_ef_search


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

    @property
    def nbytes(self) -> int:
        """Memory of the float32 vectors and, for HNSW, of the graph's int32 links."""
        size = self._index.ntotal * self._index.d * 4
        if isinstance(self._index, faiss.IndexHNSWFlat):
            size += self._index.hnsw.neighbors.size() * 4
        return size

    def save(self, directory: Path, file: str = FILE) -> None:
        faiss.write_index(self._index, str(directory / file))

    def all_vectors(self) -> np.ndarray:
        """Every stored vector, (n, dim) float32."""
        return self._index.reconstruct_n(0, self._index.ntotal)

    @classmethod
    def load(cls, directory: Path, file: str = FILE) -> DenseStore:
        return cls(faiss.read_index(str(directory / file)))

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored unit vectors of rows ``ids`` (n,): (n, dim) float32."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return np.zeros((0, self._index.d), dtype=np.float32)
        return self._index.reconstruct_batch(ids)

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


class SentenceStore:
    """Dense search over the sentences of the passages; a passage scores as its best sentence."""

    FILE = "sentences.faiss"
    OWNERS = "sentence_owners.npy"
    SENTENCES_PER_PASSAGE = 4  # searched per passage asked for: about the corpus's average

    def __init__(self, dense: DenseStore, owners: np.ndarray) -> None:
        self._dense = dense
        self.owners = owners  # (n_sentences,) int32: the passage row of each sentence

    @classmethod
    def build(
        cls, vectors: np.ndarray, owners: np.ndarray, hnsw_threshold: int, ef_search: int
    ) -> SentenceStore:
        """``vectors`` (n_sentences, dim) unit rows; ``owners`` (n_sentences,) passage rows."""
        return cls(DenseStore.build(vectors, hnsw_threshold, ef_search), owners)

    def __len__(self) -> int:
        return len(self._dense)

    @property
    def kind(self) -> str:
        return self._dense.kind

    @property
    def nbytes(self) -> int:
        return self._dense.nbytes + self.owners.nbytes

    def save(self, directory: Path, file: str = FILE, owners: str = OWNERS) -> None:
        self._dense.save(directory, file)
        np.save(directory / owners, self.owners)

    @classmethod
    def load(cls, directory: Path, file: str = FILE, owners: str = OWNERS) -> SentenceStore:
        rows = np.load(directory / owners, allow_pickle=False).astype(np.int32)
        return cls(DenseStore.load(directory, file), rows)

    def all_vectors(self) -> np.ndarray:
        """Every sentence vector, (n_sentences, dim) float32."""
        return self._dense.all_vectors()

    def of_passage(self, row: int) -> np.ndarray:
        """The vectors of passage ``row``'s sentences, in text order: (n_sentences, dim)."""
        start, end = np.searchsorted(self.owners, [row, row + 1])  # owners are in row order
        return self._dense.vectors(np.arange(start, end))

    def search(self, query: np.ndarray, k: int, n_passages: int) -> tuple[np.ndarray, np.ndarray]:
        """Passage rows whose best sentence is nearest ``query`` (dim,), best first, at most
        ``k``, with that sentence's score: (rows (<= k,), scores (<= k,)). ``k ==
        n_passages`` searches every sentence."""
        depth = len(self) if k >= n_passages else k * self.SENTENCES_PER_PASSAGE
        scores, ids = self._dense.search(query[None, :], depth)
        keep = ids[0] >= 0
        ids, scores = ids[0][keep], scores[0][keep]
        passages = self.owners[ids]
        _, first = np.unique(passages, return_index=True)  # ids are best first
        first = np.sort(first)[:k]
        return passages[first], scores[first]


class SparseStore:
    """Latent-term vectors of the passages, top ``k`` features each, scored by dot product
    through the posting lists (a column-sparse matrix) of the query's features only."""

    FILE = "sparse.npz"

    def __init__(self, columns: sparse.csc_matrix) -> None:
        self._columns = columns  # (n_passages, n_features): column j lists feature j's passages

    @classmethod
    def from_top_k(cls, indices: np.ndarray, values: np.ndarray) -> SparseStore:
        """``indices`` (n_passages, top_k) int32 feature ids; ``values`` (n_passages, top_k)
        float32 weights, 0 past a passage's last feature."""
        n, k = indices.shape
        rows = np.repeat(np.arange(n), k)
        shape = (n, int(indices.max(initial=0)) + 1)
        matrix = sparse.csc_matrix((values.ravel(), (rows, indices.ravel())), shape=shape)
        matrix.eliminate_zeros()
        return cls(matrix.astype(np.float32, copy=False))

    def __len__(self) -> int:
        return self._columns.shape[0]

    @property
    def nbytes(self) -> int:
        """Memory of the posting lists: weights, passage rows and column offsets."""
        m = self._columns
        return m.data.nbytes + m.indices.nbytes + m.indptr.nbytes

    def take(self, rows: np.ndarray) -> SparseStore:
        """A store of the passages ``rows`` (m,), in that order, repeats allowed."""
        return SparseStore(self._columns[rows].tocsc())

    def vector(self, row: int) -> np.ndarray:
        """Passage ``row``'s latent terms as a full (n_features,) float32 vector."""
        return self._columns[[row]].toarray().ravel()

    @classmethod
    def from_rows(cls, rows: sparse.spmatrix) -> SparseStore:
        """``rows``: (n_passages, n_features) float32, any scipy sparse format."""
        return cls(sparse.csc_matrix(rows, dtype=np.float32))

    def rows(self) -> sparse.csr_matrix:
        """Every passage's latent terms, (n_passages, n_features) float32 CSR."""
        return self._columns.tocsr()

    def save(self, directory: Path, file: str = FILE) -> None:
        sparse.save_npz(directory / file, self._columns, compressed=False)

    @classmethod
    def load(cls, directory: Path, file: str = FILE) -> SparseStore:
        matrix = sparse.load_npz(directory / file)
        if matrix.format != "csc":
            raise ValueError(f"{file}: expected a column-sparse matrix, got {matrix.format}")
        return cls(matrix.astype(np.float32, copy=False))  # no second copy of a float32 file

    def scores(self, query: np.ndarray) -> np.ndarray:
        """Dot product of each passage with the full (dim,) ``query``: (n_passages,)."""
        features = np.flatnonzero(query[: self._columns.shape[1]])
        columns = self._columns[:, features]
        return np.asarray(columns @ query[features], dtype=np.float32).ravel()


class LexicalStore:
    """BM25 (Lucene variant) over the tokens of ``indexer.text.tokenize``."""

    DIR = "bm25"

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever

    @classmethod
    def build(
        cls, texts: list[str], tokenizer: str = "fr", k1: float = 1.2, b: float = 0.75
    ) -> LexicalStore:
        """BM25 over ``texts``; ``k1``, ``b``: the settings ``bm25_k1``, ``bm25_b``."""
        retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
        retriever.index(tokenize_many(texts, tokenizer), show_progress=False)
        return cls(retriever)

    def __len__(self) -> int:
        return int(self._retriever.scores["num_docs"])

    def save(self, directory: Path, name: str = DIR) -> None:
        self._retriever.save(str(directory / name), show_progress=False)

    @classmethod
    def load(cls, directory: Path, name: str = DIR) -> LexicalStore:
        return cls(bm25s.BM25.load(str(directory / name), show_progress=False))

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
