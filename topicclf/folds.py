"""Cross-validation folds stratified on labels, for multi-label data too.

:func:`multilabel_folds` implements iterative stratification (Sechidis,
Tsoumakas and Vlahavas, 2011): rows are placed one label at a time, rarest
label first, into the fold that most lacks that label, so every fold gets its
share of each label, rare ones included.

Examples
--------
>>> import numpy as np
>>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]])
>>> folds = multilabel_folds(Y, n_splits=2, random_state=0)
>>> sorted(np.bincount(folds).tolist())
[3, 3]
"""

from __future__ import annotations

import numpy as np

__all__ = ["multilabel_folds", "fold_indices"]


def multilabel_folds(Y: np.ndarray, n_splits: int = 5, random_state: int = 0) -> np.ndarray:
    """Return the fold number (0..n_splits-1) of each row of the 0/1 matrix ``Y``."""
    Y = np.asarray(Y, dtype=bool)
    n, n_labels = Y.shape
    rng = np.random.RandomState(random_state)
    order = rng.permutation(n)
    folds = np.full(n, -1, dtype=np.int64)
    ratio = np.full(n_splits, 1.0 / n_splits)
    want_rows = ratio * n
    want_labels = np.outer(ratio, Y.sum(axis=0))  # (n_splits, n_labels)
    remaining = Y[order].copy()
    unplaced = np.ones(n, dtype=bool)
    while True:
        counts = remaining[unplaced].sum(axis=0) if n_labels else np.array([])
        live = np.flatnonzero(counts > 0)
        if live.size == 0:
            break
        label = live[np.argmin(counts[live])]
        rows = np.flatnonzero(unplaced & remaining[:, label])
        for r in rows:
            need = want_labels[:, label]
            best = np.flatnonzero(need == need.max())
            if best.size > 1:
                best = best[want_rows[best] == want_rows[best].max()]
            f = best[rng.randint(best.size)] if best.size > 1 else best[0]
            folds[order[r]] = f
            unplaced[r] = False
            want_labels[f] -= Y[order[r]]
            want_rows[f] -= 1
    for r in np.flatnonzero(unplaced):  # rows without any label
        f = int(np.argmax(want_rows))
        folds[order[r]] = f
        want_rows[f] -= 1
    return folds


def fold_indices(folds: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index pairs from a fold-number array, skipping empty folds."""
    return [(np.flatnonzero(folds != k), np.flatnonzero(folds == k))
            for k in np.unique(folds)]
