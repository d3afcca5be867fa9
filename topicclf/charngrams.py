"""Fast character n-gram TF-IDF over words (the ``char_wb`` scheme).

Each word, padded with a space on both sides, yields its character n-grams.
Instead of generating every n-gram of every document in Python, a document
is first counted by word type, and the n-grams of each distinct word type
are computed once: the document × n-gram counts are then one sparse product
(document × word-type counts) @ (word-type × n-gram counts).  News text
repeats its words, so this is several times faster than a per-character
analyzer, with the same counts.

Examples
--------
>>> block = CharNgrams(ngram_range=(2, 3), min_df=1).fit(["abc abc", "abd"])
>>> sorted(block.vocabulary_)[:4]
[' a', ' ab', 'ab', 'abc']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from topicclf.tfidf import count_terms, select_terms, smooth_idf, tfidf

__all__ = ["CharNgrams", "word_ngrams"]

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def word_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """Character n-grams of `` word `` for n in [lo, hi].

    >>> word_ngrams("ei", 2, 3)
    [' e', 'ei', 'i ', ' ei', 'ei ']
    """
    padded = f" {word} "
    return [padded[i:i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1)]


class CharNgrams:
    """Character n-gram TF-IDF block (sublinear tf, smooth idf, l2 rows)."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 5), min_df: int = 2,
                 max_features: int | None = None) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features

    def _type_matrix(self, words: list[str], vocab: dict[str, int], grow: bool
                     ) -> sp.csr_matrix:
        lo, hi = self.ngram_range
        cache = None if grow else self.__dict__.setdefault("_cache", {})
        rows = []
        for word in words:
            cached = cache.get(word) if cache is not None else None
            if cached is not None:  # one lookup: another thread may clear the cache
                rows.append(cached)
                continue
            if grow:
                row = [vocab.setdefault(g, len(vocab)) for g in word_ngrams(word, lo, hi)]
            else:
                row = [j for g in word_ngrams(word, lo, hi) if (j := vocab.get(g)) is not None]
                if len(cache) > 500_000:  # bounded: a long stream of new words
                    cache.clear()
                cache[word] = row
            rows.append(row)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in rows], out=indptr[1:])
        indices = np.fromiter((j for r in rows for j in r), dtype=np.int64, count=int(indptr[-1]))
        data = np.ones(len(indices), dtype=np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(words), len(vocab)))

    def _counts(self, docs: Sequence[str], vocab: dict[str, int], grow: bool) -> sp.csr_matrix:
        types: dict[str, int] = {}
        D = count_terms((_TOKEN.findall(doc) for doc in docs), types, grow=True)
        W = self._type_matrix(list(types), vocab, grow)
        W.sum_duplicates()
        return (D @ W).tocsr()

    def fit(self, docs: Sequence[str]) -> "CharNgrams":
        seen: dict[str, int] = {}
        counts = self._counts(docs, seen, grow=True)
        names, df = select_terms(counts, list(seen), self.min_df, self.max_features)
        self.vocabulary_ = {g: i for i, g in enumerate(names)}
        self.idf_ = smooth_idf(df, len(docs))
        return self

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        return tfidf(self._counts(docs, self.vocabulary_, grow=False), self.idf_)
