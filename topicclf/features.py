"""The one place the feature pipeline is built.

Text → (normalised, headline repeated) → two TF-IDF blocks:

* words: Snowball stems of the detected language, accent-folded, 1–2-grams;
* characters: ``char_wb`` n-grams of the accent-folded text, which let French
  and English share evidence (``terrorisme`` / ``terrorism``).

The two blocks are stacked side by side.  The fitted state is a vocabulary
and an idf vector per block, which :mod:`topicclf.persist` saves as plain
arrays; :meth:`TextFeatures.from_state` rebuilds an identical transformer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from topicclf import text as textmod
from topicclf.charngrams import CharNgrams
from topicclf.errors import InvalidInputError
from topicclf.estimator import Params, require_fitted
from topicclf.tfidf import WordNgrams

__all__ = ["TextFeatures", "check_texts"]


def check_texts(texts: Any, what: str = "texts") -> list[str]:
    """Return ``texts`` as a list of str, rejecting a bare string.

    Raises
    ------
    InvalidInputError
        If ``texts`` is a single string or holds a non-string value.
    """
    if isinstance(texts, (str, bytes)):
        raise InvalidInputError(
            f"expected a list of {what}, got a single {type(texts).__name__}; "
            f"wrap it in a list: [text] (or call tag(text) for one article)")
    try:
        items = list(texts)
    except TypeError:
        raise InvalidInputError(
            f"expected a list of {what}, got {type(texts).__name__}") from None
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise InvalidInputError(
                f"{what}[{i}] is {type(item).__name__} ({item!r:.40}), expected str; "
                "convert missing values to '' first")
    return items


class TextFeatures(Params):
    """Word-stem and character n-gram TF-IDF features of news texts.

    Parameters
    ----------
    word_ngram_range : tuple of int, default=(1, 2)
        n-gram range over word stems.
    char_ngram_range : tuple of int, default=(2, 5)
        n-gram range of ``char_wb`` features over accent-folded text.
    max_word_features, max_char_features : int or None
        Vocabulary caps (the most frequent terms are kept).
    min_df : int, default=2
        Minimum document frequency of a term.
    headline_repeat : int, default=1
        Extra copies of the first line (the headline), which weighs it above
        the body.
    char_weight : float, default=1.0
        Multiplier of the character block relative to the word block.
    max_chars : int, default=20000
        Only the first ``max_chars`` characters of a text are featurised.

    Examples
    --------
    >>> tf = TextFeatures(min_df=1).fit(["Le terrorisme recule", "Terrorism declines"])
    >>> tf.transform(["terrorisme"]).shape[0]
    1
    """

    def __init__(self, *, word_ngram_range: tuple[int, int] = (1, 2),
                 char_ngram_range: tuple[int, int] = (2, 5),
                 max_word_features: int | None = 150_000,
                 max_char_features: int | None = 150_000,
                 min_df: int = 2, headline_repeat: int = 1,
                 char_weight: float = 1.0, max_chars: int = 20_000) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.headline_repeat = headline_repeat
        self.char_weight = char_weight
        self.max_chars = max_chars

    # -- preparation -------------------------------------------------------
    def _prepare(self, texts: Sequence[str], languages: Sequence[str] | None
                 ) -> tuple[list[str], list[str]]:
        """Return (stemmed word docs, folded char docs)."""
        texts = check_texts(texts)
        if languages is None:
            languages = textmod.detect_languages(texts)
        words, chars = [], []
        for text, lang in zip(texts, languages):
            text = textmod.normalize(text[: self.max_chars])
            head, _ = textmod.split_headline(text)
            if self.headline_repeat and head != text.strip():
                text = (head + "\n") * self.headline_repeat + text
            words.append(" ".join(textmod.stems(text, lang)))
            chars.append(" ".join(textmod.fold(text).split()))
        return words, chars

    def _vectorizers(self) -> tuple[WordNgrams, CharNgrams]:
        word = WordNgrams(ngram_range=tuple(self.word_ngram_range), min_df=self.min_df,
                          max_features=self.max_word_features)
        char = CharNgrams(ngram_range=tuple(self.char_ngram_range), min_df=self.min_df,
                          max_features=self.max_char_features)
        return word, char

    # -- fit / transform ---------------------------------------------------
    def fit(self, X: Sequence[str], y: Any = None, *, languages: Sequence[str] | None = None
            ) -> "TextFeatures":
        """Learn both vocabularies and idf weights from ``X``."""
        self._fit_prepared(*self._prepare(X, languages))
        return self

    def _fit_prepared(self, words: list[str], chars: list[str]) -> None:
        if not words:
            raise InvalidInputError("cannot fit features on an empty list of texts")
        word, char = self._vectorizers()
        word.fit(words)
        char.fit(chars)
        self.word_vocabulary_ = np.array(sorted(word.vocabulary_, key=word.vocabulary_.get),
                                         dtype=object)
        self.char_vocabulary_ = np.array(sorted(char.vocabulary_, key=char.vocabulary_.get),
                                         dtype=object)
        self.word_idf_ = word.idf_
        self.char_idf_ = char.idf_
        self._build()

    def _build(self) -> None:
        word, char = self._vectorizers()
        word.vocabulary_ = dict(zip(self.word_vocabulary_.tolist(),
                                    range(len(self.word_vocabulary_))))
        word.idf_ = self.word_idf_
        char.vocabulary_ = dict(zip(self.char_vocabulary_.tolist(),
                                    range(len(self.char_vocabulary_))))
        char.idf_ = self.char_idf_
        self._word, self._char = word, char

    @property
    def n_features_(self) -> int:
        require_fitted(self, "word_vocabulary_")
        return len(self.word_vocabulary_) + len(self.char_vocabulary_)

    def transform(self, X: Sequence[str], *, languages: Sequence[str] | None = None
                  ) -> sp.csr_matrix:
        """Sparse (n_texts, n_features) float32 matrix of TF-IDF features."""
        require_fitted(self, "word_vocabulary_",
                       "TextFeatures is not fitted yet; call fit(texts) first")
        return self._transform_prepared(*self._prepare(X, languages))

    def _transform_prepared(self, words: list[str], chars: list[str]) -> sp.csr_matrix:
        w = self._word.transform(words)
        c = self._char.transform(chars)
        if self.char_weight != 1.0:
            c = c * np.float32(self.char_weight)
        return sp.hstack([w, c], format="csr", dtype=np.float32)

    def fit_transform(self, X: Sequence[str], y: Any = None, *,
                      languages: Sequence[str] | None = None) -> sp.csr_matrix:
        """Fit and transform, preparing the texts once."""
        prepared = self._prepare(X, languages)
        self._fit_prepared(*prepared)
        return self._transform_prepared(*prepared)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Feature names: ``w:<stem n-gram>`` then ``c:<char n-gram>``."""
        require_fitted(self, "word_vocabulary_")
        return np.array([f"w:{t}" for t in self.word_vocabulary_]
                        + [f"c:{t}" for t in self.char_vocabulary_], dtype=object)

    # -- persistence -------------------------------------------------------
    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(JSON-able params + vocabularies, arrays) describing the fitted state."""
        require_fitted(self, "word_vocabulary_")
        params = {k: (list(v) if isinstance(v, tuple) else v)
                  for k, v in self.get_params().items()}
        meta = {"params": params, "word_vocabulary": list(map(str, self.word_vocabulary_)),
                "char_vocabulary": list(map(str, self.char_vocabulary_))}
        return meta, {"word_idf": self.word_idf_, "char_idf": self.char_idf_}

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> "TextFeatures":
        """Rebuild a fitted transformer from :meth:`get_state` output."""
        if not isinstance(meta, dict) or not isinstance(meta.get("params"), dict):
            raise InvalidInputError("feature state is not a table of parameters")
        from topicclf.persist import checked_params

        self = cls(**checked_params(meta["params"], cls().get_params()))
        for key in ("word_vocabulary", "char_vocabulary"):
            if not isinstance(meta.get(key), list) or not set(map(type, meta[key])) <= {str}:
                raise InvalidInputError("feature vocabularies must be lists of strings")
        self.word_vocabulary_ = np.array(meta["word_vocabulary"], dtype=object)
        self.char_vocabulary_ = np.array(meta["char_vocabulary"], dtype=object)
        self.word_idf_ = np.asarray(arrays["word_idf"], dtype=np.float32)
        self.char_idf_ = np.asarray(arrays["char_idf"], dtype=np.float32)
        if (len(self.word_idf_) != len(self.word_vocabulary_)
                or len(self.char_idf_) != len(self.char_vocabulary_)):
            raise InvalidInputError("feature state is inconsistent: vocabulary and idf sizes differ")
        self._build()
        return self

    def __getstate__(self) -> dict[str, Any]:  # pickling (clone, joblib workers)
        state = self.__dict__.copy()
        state.pop("_word", None)
        state.pop("_char", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if "word_vocabulary_" in state:
            self._build()
