"""Word n-gram TF-IDF, and the weighting shared with the character block.

Both blocks weigh counts as scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``
does — ``(1 + log tf) × idf`` with the smooth idf ``log((1 + n) / (1 + df)) + 1``,
rows scaled to unit length — and ``tests/test_features.py`` checks the
numbers against scikit-learn.  Doing it here keeps scikit-learn out of the
scoring path (see :mod:`topicclf.estimator`).

>>> block = WordNgrams(ngram_range=(1, 2), min_df=1).fit(["le terror", "le match"])
>>> sorted(block.vocabulary_)
['le', 'le match', 'le terror', 'match', 'terror']
>>> block.transform(["le terror terror"]).nnz
3
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["WordNgrams", "count_terms", "l2_normalize", "select_terms", "smooth_idf", "tfidf"]


def l2_normalize(X: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row of ``X`` to unit Euclidean length; empty rows stay 0."""
    X = sp.csr_matrix(X, copy=True)
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    norms = np.sqrt(np.bincount(rows, weights=X.data.astype(np.float64) ** 2,
                                minlength=X.shape[0]))
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    X.data = (X.data * scale[rows]).astype(X.dtype)
    return X


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf times idf, unit-length rows, float32."""
    C = sp.csr_matrix(counts, dtype=np.float32)
    C.data = (np.log(C.data) + 1) * idf[C.indices]
    return l2_normalize(C).astype(np.float32)


def smooth_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    """scikit-learn's smooth idf: ``log((1 + n) / (1 + df)) + 1`` as float32."""
    return (np.log((1 + n_docs) / (1 + np.asarray(df, dtype=np.float64))) + 1).astype(np.float32)


def select_terms(counts: sp.csr_matrix, names: Sequence[str], min_df: int,
                 max_features: int | None) -> tuple[list[str], np.ndarray]:
    """Terms with document frequency ≥ ``min_df``, the ``max_features`` most
    frequent of them, in alphabetical order; returns (names, their df).

    When no term reaches ``min_df``, every term is kept.  Equally frequent
    terms at the ``max_features`` cut are kept in order of first appearance
    in the texts; scikit-learn breaks such ties by the order of its own sort,
    so a capped vocabulary can differ from its vocabulary in those tied terms
    (never in the terms above the cut).
    """
    counts = sp.csr_matrix(counts)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = np.flatnonzero(df >= min(min_df, max(1, counts.shape[0])))
    if keep.size == 0:
        keep = np.arange(counts.shape[1])
    if max_features is not None and keep.size > max_features:
        total = np.asarray(counts.sum(axis=0)).ravel()[keep]
        keep = keep[np.argsort(-total, kind="stable")[:max_features]]
    chosen = np.asarray(names, dtype=object)[keep]
    order = np.argsort(chosen.astype(str), kind="stable")
    return [str(t) for t in chosen[order]], df[keep[order]]


def _ngrams(tokens: list[str], lo: int, hi: int) -> Iterable[str]:
    if lo <= 1:
        yield from tokens
    for n in range(max(lo, 2), hi + 1):
        for i in range(len(tokens) - n + 1):
            yield " ".join(tokens[i:i + n])


def count_terms(docs_terms: Iterable[Iterable[str]], vocab: dict[str, int], grow: bool
                ) -> sp.csr_matrix:
    """Sparse (document × term) counts of the terms of each document.

    ``vocab`` maps terms to columns; with ``grow`` unseen terms are added to
    it, otherwise they are left out.
    """
    indptr, indices, data = [0], [], []
    for terms in docs_terms:
        for term, c in Counter(terms).items():
            j = vocab.get(term)
            if j is None:
                if not grow:
                    continue
                j = vocab[term] = len(vocab)
            indices.append(j)
            data.append(c)
        indptr.append(len(indices))
    return sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64),
                          np.asarray(indptr, dtype=np.int64)),
                         shape=(len(indptr) - 1, len(vocab)))


class WordNgrams:
    """TF-IDF of the n-grams of whitespace-separated tokens (already stemmed)."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 2), min_df: int = 2,
                 max_features: int | None = None) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def fit(self, docs: Sequence[str]) -> "WordNgrams":
        lo, hi = self.ngram_range
        seen: dict[str, int] = {}
        counts = count_terms((_ngrams(d.split(), lo, hi) for d in docs), seen, grow=True)
        names, df = select_terms(counts, list(seen), self.min_df, self.max_features)
        self.vocabulary_ = {t: i for i, t in enumerate(names)}
        self.idf_ = smooth_idf(df, len(docs))
        return self

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        lo, hi = self.ngram_range
        counts = count_terms((_ngrams(d.split(), lo, hi) for d in docs), self.vocabulary_,
                             grow=False)
        counts.sum_duplicates()
        return tfidf(counts, self.idf_)
