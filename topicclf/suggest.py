"""Pick the unlabelled rows whose labels would teach the model most.

Active learning by uncertainty with diversity:

1. Uncertainty of each text under the current model, in [0, 1]: for a
   multi-label head, how close a label's probability is to that label's
   threshold (1 on the threshold, 0 at probability 0 or 1, linear in
   between), the closest label counting;
   for the stance head, the entropy of its probabilities over its maximum
   (1 when every stance is equally likely).  A text's uncertainty is the
   largest over the heads.
2. Identical texts (up to case and white space) are one candidate.
3. Diversity: among the most uncertain candidates (``pool``), rows are
   picked greedily by maximal marginal relevance — uncertainty minus
   ``diversity`` times the cosine similarity (on the model's own TF-IDF
   features) to the closest row already picked — so the batch does not
   spend the annotator's time on ten versions of one story.

Examples
--------
>>> import numpy as np
>>> margin_uncertainty(np.array([[0.5, 0.9], [0.1, 0.0]]), np.array([0.5, 0.5]))
array([1. , 0.2])
>>> entropy_uncertainty(np.array([[1/3, 1/3, 1/3], [1.0, 0.0, 0.0]])).round(3)
array([1., 0.])
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp

from topicclf.errors import InvalidInputError
from topicclf.features import check_texts

if TYPE_CHECKING:
    from topicclf.model import Tagger

__all__ = ["suggest", "suggest_frame", "suggest_table", "margin_uncertainty",
           "entropy_uncertainty"]

log = logging.getLogger(__name__)


def margin_uncertainty(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per row, the largest closeness of a label's probability to its threshold.

    For each label ``p / t`` below the threshold ``t`` and ``(1 - p) / (1 - t)``
    above it: 1 on the threshold, 0 at probability 0 or 1.  The maximum over
    the labels.
    """
    closeness = _closeness(np.asarray(proba, dtype=float), np.asarray(thresholds, dtype=float))
    return closeness.max(axis=1) if closeness.shape[1] else np.zeros(len(closeness))


def _closeness(proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    t = np.clip(thresholds, 1e-6, 1 - 1e-6)[None, :]
    return np.where(proba < t, proba / t, (1 - proba) / (1 - t))


def entropy_uncertainty(proba: np.ndarray) -> np.ndarray:
    """Per row, the entropy of the class probabilities over its maximum ``log k``."""
    proba = np.clip(np.asarray(proba, dtype=float), 1e-12, 1.0)
    k = proba.shape[1]
    if k < 2:
        return np.zeros(len(proba))
    return -(proba * np.log(proba)).sum(axis=1) / np.log(k)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _uncertainty(tagger: "Tagger", X: sp.csr_matrix
                 ) -> tuple[np.ndarray, list[str]]:
    """Uncertainty per row and the reason (head and closest label)."""
    parts, reasons = [], []
    for head, model in tagger.heads_.items():
        proba = model.predict_proba(X)
        if model.kind == "multiclass":
            u = entropy_uncertainty(proba)
            top = np.argsort(-proba, axis=1)[:, :2]
            why = [f"{head}: {model.classes_[a]} {proba[i, a]:.2f} vs "
                   f"{model.classes_[b]} {proba[i, b]:.2f}" if len(model.classes_) > 1 else head
                   for i, (a, b) in enumerate(top)]
        else:
            t = np.asarray(model.thresholds_, dtype=float)
            u = margin_uncertainty(proba, t)
            closest = _closeness(proba, t).argmax(axis=1)
            why = [f"{head}: {model.classes_[j]} {proba[i, j]:.2f} (threshold {t[j]:.2f})"
                   for i, j in enumerate(closest)]
        parts.append(u)
        reasons.append(why)
    U = np.vstack(parts)
    best = U.argmax(axis=0)
    return U.max(axis=0), [reasons[h][i] for i, h in enumerate(best)]


def _normalise_rows(X: sp.csr_matrix) -> sp.csr_matrix:
    X = sp.csr_matrix(X, dtype=np.float64)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.diags(1.0 / norms) @ X


def suggest_frame(tagger: "Tagger", texts: Sequence[str], n: int = 50, *, seed: int = 0,
                  languages: Sequence[str] | None = None, pool: int | None = None,
                  diversity: float = 0.5) -> pd.DataFrame:
    """The rows to label next, best first, with their uncertainty and the reason.

    Parameters
    ----------
    tagger : Tagger
        The current model.
    texts : list of str
        Unlabelled texts.
    n : int, default=50
        How many rows; exactly ``min(n, len(texts))`` distinct rows are returned.
    seed : int, default=0
        Breaks ties between equally uncertain rows; the same input and seed
        give the same suggestions.
    languages : list of str, optional
        Language codes of the texts; detected when omitted.
    pool : int, optional
        Candidates considered for diversity, the most uncertain first;
        default ``max(4 * n, 200)``.
    diversity : float, default=0.5
        Weight of the similarity penalty (0: pure uncertainty ranking).

    Returns
    -------
    DataFrame
        Columns ``row`` (0-based position in ``texts``), ``uncertainty``
        (0–1), ``similarity`` (cosine similarity to the closest row picked
        before it) and ``reason`` (the head and label that make the row
        uncertain).  Identical texts are suggested once; copies are used only
        when fewer than ``n`` distinct texts exist, after every distinct one.

    Raises
    ------
    NotFittedError
        If ``tagger`` is not fitted.
    InvalidInputError
        On a bare string, a negative ``n`` or a ``diversity`` outside [0, 1].

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from topicclf import Tagger
    >>> tagger = Tagger(min_df=1, cv=2).fit(
    ...     ["Bomb attack in Kabul", "Terror attack in Paris", "The football match",
    ...      "Cup final tonight"] * 5, topics=[["terror"], ["terror"], ["sport"], ["sport"]] * 5)
    >>> frame = suggest_frame(tagger, ["Football cup final", "Bomb attack in a stadium",
    ...                                "bomb attack in a  STADIUM", "Weather today"], n=3)
    >>> sorted(frame["row"].tolist())
    [0, 1, 3]
    """
    tagger._check_fitted()
    texts = check_texts(texts)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise InvalidInputError(f"n must be a non-negative integer, got {n!r}")
    if not 0 <= diversity <= 1:
        raise InvalidInputError(f"diversity must be between 0 and 1, got {diversity!r}")
    want = min(int(n), len(texts))
    columns = ["row", "uncertainty", "similarity", "reason"]
    if want == 0:
        return pd.DataFrame(columns=columns)
    from topicclf.text import detect_languages

    langs = list(languages) if languages is not None else detect_languages(texts)
    X = tagger.features_.transform(texts, languages=langs)
    uncertainty, reasons = _uncertainty(tagger, X)
    empty = np.array([not t.strip() for t in texts])
    if empty.any():
        log.warning("%d empty text(s) are suggested last", int(empty.sum()))
    # order: uncertainty, ties broken by a seeded shuffle; first copy of each text only
    rng = np.random.RandomState(seed)
    shuffle = rng.permutation(len(texts))
    order = shuffle[np.lexsort((-uncertainty[shuffle], empty[shuffle]))]
    seen: set[str] = set()
    first = np.zeros(len(texts), dtype=bool)  # the first row of each distinct text
    for i, text in enumerate(texts):
        key = _key(text)
        first[i] = key not in seen and not empty[i]
        seen.add(key)
    distinct = [int(i) for i in order if first[i]]
    copies = [int(i) for i in order if not first[i]]
    size = max(want, pool if pool is not None else max(4 * want, 200))
    candidates = np.array(distinct[:size], dtype=int)
    picked: list[int] = []
    sims: list[float] = []
    if len(candidates):
        Z = _normalise_rows(X[candidates])
        closest = np.zeros(len(candidates))
        available = np.ones(len(candidates), dtype=bool)
        for _ in range(min(want, len(candidates))):
            score = np.where(available, uncertainty[candidates] - diversity * closest, -np.inf)
            c = int(np.argmax(score))
            picked.append(int(candidates[c]))
            sims.append(float(closest[c]))
            available[c] = False
            closest = np.maximum(closest, (Z @ Z[c].T).toarray().ravel())
    rest = [i for i in distinct[len(candidates):] + copies][: want - len(picked)]
    picked += rest
    sims += [float("nan")] * len(rest)
    return pd.DataFrame({"row": picked, "uncertainty": np.round(uncertainty[picked], 4),
                         "similarity": np.round(sims, 4),
                         "reason": [reasons[i] for i in picked]}, columns=columns)


def suggest(tagger: "Tagger", texts: Sequence[str], n: int = 50, *, seed: int = 0,
            languages: Sequence[str] | None = None, pool: int | None = None,
            diversity: float = 0.5) -> list[int]:
    """Row numbers of the ``min(n, len(texts))`` texts to label next, best first.

    Parameters and ordering are those of :func:`suggest_frame`, which also
    gives each row's uncertainty and reason.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from topicclf import Tagger
    >>> tagger = Tagger(min_df=1, cv=2).fit(
    ...     ["Bomb attack in Kabul", "The football match"] * 6, stance=["conflict", "neutral"] * 6)
    >>> rows = suggest(tagger, ["Bomb attack", "Football", "Bomb attack", "Weather"], n=10)
    >>> sorted(rows)
    [0, 1, 2, 3]
    """
    return suggest_frame(tagger, texts, n, seed=seed, languages=languages, pool=pool,
                         diversity=diversity)["row"].astype(int).tolist()


def suggest_table(tagger: "Tagger", data: pd.DataFrame | str | os.PathLike[str], n: int = 50, *,
                  text_column: str = "text", language_column: str | None = None, seed: int = 0,
                  pool: int | None = None, diversity: float = 0.5) -> pd.DataFrame:
    """The rows of an unlabelled table to label next (what ``topicclf suggest`` runs).

    Parameters
    ----------
    tagger : Tagger
        The current model.
    data : DataFrame or path
        Unlabelled rows (CSV, TSV, JSON Lines or Parquet when a path).
    n : int, default=50
        How many rows.
    text_column, language_column : str
        Column of the texts, and optionally of their language codes.
    seed, pool, diversity
        As in :func:`suggest_frame`.

    Returns
    -------
    DataFrame
        The suggested rows, best first, with every input column, then
        ``row`` (0-based position in the table), ``uncertainty`` and
        ``reason``: ready to be labelled and appended to the training table.

    Raises
    ------
    MissingColumnError
        If a named column does not exist.
    """
    from topicclf.errors import MissingColumnError
    from topicclf.training import read_table

    frame = read_table(data)
    missing = [f"{opt}={c!r}" for opt, c in (("text_column", text_column),
                                             ("language_column", language_column))
               if c is not None and c not in frame.columns]
    if missing:
        raise MissingColumnError(f"column not found: {'; '.join(missing)} (columns: "
                                 f"{', '.join(map(str, frame.columns))})")
    texts = [t if isinstance(t, str) else "" for t in frame[text_column].tolist()]
    langs = frame[language_column].astype(str).tolist() if language_column else None
    picked = suggest_frame(tagger, texts, n, seed=seed, languages=langs, pool=pool,
                           diversity=diversity)
    out = frame.iloc[picked["row"].to_numpy(dtype=int)].reset_index(drop=True)
    extra = picked[["row", "uncertainty", "reason"]].reset_index(drop=True)
    taken = [c for c in extra.columns if c in out.columns]
    return pd.concat([out, extra.rename(columns={c: f"suggest:{c}" for c in taken})], axis=1)
