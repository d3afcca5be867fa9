"""Linear model heads on the shared feature matrix.

A head turns features into calibrated label probabilities:

* :class:`MultiLabelHead` — one-vs-rest linear SVMs (class-balanced), a
  Platt sigmoid per label fitted on out-of-fold decision scores, and a
  per-label decision threshold tuned (max F1) on out-of-fold probabilities.
* :class:`SingleLabelHead` — a one-vs-rest linear SVM over the classes,
  calibrated by a multinomial logistic regression on out-of-fold scores.

Heads are plain objects, not estimators: the :class:`~topicclf.model.Tagger`
owns the parameters and the folds.  Their fitted state is a few arrays
(:meth:`get_state` / :meth:`from_state`), stored as float32, with weights
below ``prune_tol`` times the largest weight of their label set to zero.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import scipy.sparse as sp

# scikit-learn and joblib are imported inside the fitting functions only:
# predicting needs NumPy and SciPy alone (see topicclf.estimator)

__all__ = ["MultiLabelHead", "SingleLabelHead", "best_f1_threshold"]


def _svm(C: float, random_state: int) -> Any:
    from sklearn.svm import LinearSVC

    return LinearSVC(C=C, class_weight="balanced", random_state=random_state, max_iter=5000)


def _fit_binary(X: sp.csr_matrix, y: np.ndarray, C: float, seed: int) -> tuple[np.ndarray, float]:
    if y.min() == y.max():  # constant label in this fold: a constant score
        return np.zeros(X.shape[1], dtype=np.float64), (1.0 if y[0] else -1.0)
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        svm = _svm(C, seed).fit(X, y)
    return svm.coef_.ravel(), float(svm.intercept_[0])


def _prune(coef: np.ndarray, tol: float, max_weights: int | None = None) -> sp.csr_matrix:
    """Zero weights below ``tol`` × the label's largest, keep at most ``max_weights``."""
    coef = np.asarray(coef, dtype=np.float32)
    if tol > 0 and coef.size:
        limit = tol * np.abs(coef).max(axis=1, keepdims=True)
        coef = np.where(np.abs(coef) >= limit, coef, 0).astype(np.float32)
    if max_weights is not None and coef.shape[1] > max_weights:
        cut = -np.partition(-np.abs(coef), max_weights - 1, axis=1)[:, [max_weights - 1]]
        coef = np.where(np.abs(coef) >= cut, coef, 0).astype(np.float32)
    return sp.csr_matrix(coef)


def best_f1_threshold(proba: np.ndarray, y: np.ndarray) -> float:
    """The probability threshold that maximises F1 of ``proba >= t`` against ``y``.

    >>> best_f1_threshold(np.array([0.1, 0.4, 0.6, 0.9]), np.array([0, 0, 1, 1]))
    0.5
    """
    y = np.asarray(y, dtype=bool)
    if not y.any():
        return 1.0
    order = np.argsort(-proba, kind="stable")
    p, t = proba[order], y[order]
    tp = np.cumsum(t)
    k = np.arange(1, len(p) + 1)
    f1 = 2 * tp / (k + t.sum())
    # only cut between distinct scores
    valid = np.r_[p[1:] < p[:-1], True]
    i = int(np.argmax(np.where(valid, f1, -1)))
    below = p[i + 1] if i + 1 < len(p) else 0.0
    return float(round((p[i] + below) / 2, 6))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))


class MultiLabelHead:
    """Calibrated one-vs-rest linear head for multi-label targets."""

    kind = "multilabel"

    def __init__(self, C: float = 0.5, prune_tol: float = 0.0, random_state: int = 0,
                 n_jobs: int | None = None, max_weights: int | None = None) -> None:
        self.C = C
        self.prune_tol = prune_tol
        self.max_weights = max_weights
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _fit_all(self, X: sp.csr_matrix, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # liblinear wants float64: convert once here, not once per label;
        # it releases the GIL, so threads share X without copying it
        from joblib import Parallel, delayed

        X = sp.csr_matrix(X, dtype=np.float64)
        jobs = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fit_binary)(X, Y[:, j], self.C, self.random_state)
            for j in range(Y.shape[1]))
        coefs, biases = zip(*jobs)
        return np.vstack(coefs), np.asarray(biases)

    def fit(self, X: sp.csr_matrix, Y: np.ndarray, classes: list[str],
            folds: list[tuple[np.ndarray, np.ndarray]]) -> "MultiLabelHead":
        """Fit on 0/1 matrix ``Y``; ``folds`` give the out-of-fold scores."""
        from sklearn.linear_model import LogisticRegression

        Y = np.asarray(Y, dtype=np.int8)
        self.classes_ = list(classes)
        oof = np.zeros(Y.shape, dtype=np.float64)
        for train, test in folds:
            coef, bias = self._fit_all(X[train], Y[train])
            oof[test] = X[test] @ coef.T + bias
        self.oof_scores_ = oof
        self.calib_a_ = np.ones(len(classes))
        self.calib_b_ = np.zeros(len(classes))
        for j in range(len(classes)):
            if 0 < Y[:, j].sum() < len(Y):
                lr = LogisticRegression(C=100.0).fit(oof[:, [j]], Y[:, j])
                self.calib_a_[j], self.calib_b_[j] = lr.coef_[0, 0], lr.intercept_[0]
        self.oof_proba_ = _sigmoid(oof * self.calib_a_ + self.calib_b_)
        self.thresholds_ = np.array([best_f1_threshold(self.oof_proba_[:, j], Y[:, j])
                                     for j in range(len(classes))])
        coef, bias = self._fit_all(X, Y)
        self.coef_ = _prune(coef, self.prune_tol, self.max_weights)
        self.intercept_ = bias.astype(np.float32)
        return self

    def decision_function(self, X: sp.csr_matrix) -> np.ndarray:
        return (X @ self.coef_.T).toarray() + self.intercept_

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        """(n, n_labels) calibrated probabilities."""
        return _sigmoid(self.decision_function(X) * self.calib_a_ + self.calib_b_)

    def contributions(self, x: sp.csr_matrix, j: int) -> tuple[np.ndarray, np.ndarray, float]:
        """Feature indices, their contributions to the calibrated logit, and the base."""
        x = sp.csr_matrix(x)
        row = self.coef_.getrow(j)
        prod = x.multiply(row).tocsr()
        return prod.indices, prod.data * self.calib_a_[j], \
            float(self.intercept_[j] * self.calib_a_[j] + self.calib_b_[j])

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {"kind": self.kind, "classes": self.classes_, "C": self.C}
        arrays = {"coef_data": self.coef_.data, "coef_indices": self.coef_.indices.astype(np.int32),
                  "coef_indptr": self.coef_.indptr.astype(np.int64),
                  "coef_shape": np.array(self.coef_.shape, dtype=np.int64),
                  "intercept": self.intercept_,
                  "calib_a": self.calib_a_.astype(np.float32),
                  "calib_b": self.calib_b_.astype(np.float32),
                  "thresholds": self.thresholds_.astype(np.float32)}
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> "MultiLabelHead":
        self = cls(C=meta.get("C", 0.5))
        self.classes_ = [str(c) for c in meta["classes"]]
        self.coef_ = _checked_csr(arrays)
        self.intercept_ = arrays["intercept"]
        self.calib_a_ = arrays["calib_a"].astype(np.float64)
        self.calib_b_ = arrays["calib_b"].astype(np.float64)
        self.thresholds_ = arrays["thresholds"].astype(np.float64)
        _check_shapes(self, len(self.classes_))
        return self


class SingleLabelHead(MultiLabelHead):
    """Calibrated linear head for single-label (multi-class) targets."""

    kind = "multiclass"

    def fit(self, X: sp.csr_matrix, y: np.ndarray, classes: list[str],  # type: ignore[override]
            folds: list[tuple[np.ndarray, np.ndarray]]) -> "SingleLabelHead":
        """Fit on class indices ``y`` (0..len(classes)-1)."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y)
        k = len(classes)
        self.classes_ = list(classes)
        Y = np.eye(k, dtype=np.int8)[y]
        oof = np.zeros((len(y), k))
        for train, test in folds:
            coef, bias = self._fit_all(X[train], Y[train])
            oof[test] = X[test] @ coef.T + bias
        self.oof_scores_ = oof
        cal = LogisticRegression(C=10.0, max_iter=1000).fit(oof, y) if len(set(y)) > 1 else None
        self.calib_w_ = (cal.coef_ if cal is not None and cal.coef_.shape[0] == k
                         else np.eye(k))
        self.calib_v_ = (cal.intercept_ if cal is not None and cal.coef_.shape[0] == k
                         else np.zeros(k))
        self.oof_proba_ = self._softmax(oof)
        self.thresholds_ = np.zeros(k)
        self.calib_a_, self.calib_b_ = np.ones(k), np.zeros(k)  # unused: calib_w_ calibrates
        coef, bias = self._fit_all(X, Y)
        self.coef_ = _prune(coef, self.prune_tol, self.max_weights)
        self.intercept_ = bias.astype(np.float32)
        return self

    def _softmax(self, scores: np.ndarray) -> np.ndarray:
        z = scores @ self.calib_w_.T + self.calib_v_
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def predict_proba(self, X: sp.csr_matrix) -> np.ndarray:
        return self._softmax(self.decision_function(X))

    def contributions(self, x: sp.csr_matrix, j: int) -> tuple[np.ndarray, np.ndarray, float]:
        """Contributions to class ``j``'s calibrated logit (other classes' scores held out)."""
        x = sp.csr_matrix(x)
        w = np.asarray(self.coef_.T @ self.calib_w_[j]).ravel()
        prod = x.multiply(sp.csr_matrix(w)).tocsr()
        base = float(self.calib_w_[j] @ self.intercept_ + self.calib_v_[j])
        return prod.indices, prod.data, base

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta, arrays = super().get_state()
        arrays["calib_w"] = self.calib_w_.astype(np.float32)
        arrays["calib_v"] = self.calib_v_.astype(np.float32)
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> "SingleLabelHead":
        self = super().from_state(meta, arrays)
        k = len(self.classes_)
        if np.shape(arrays["calib_w"]) != (k, k) or np.shape(arrays["calib_v"]) != (k,):
            from topicclf.errors import ModelFileError

            raise ModelFileError("stance calibration arrays do not match its labels")
        self.calib_w_ = arrays["calib_w"].astype(np.float64)
        self.calib_v_ = arrays["calib_v"].astype(np.float64)
        return self


def _checked_csr(arrays: dict[str, np.ndarray]) -> sp.csr_matrix:
    """The weight matrix, refusing arrays that do not form a valid sparse matrix.

    An out-of-range index would otherwise corrupt memory when used.
    """
    from topicclf.errors import ModelFileError

    data, indices, indptr, shape = (np.asarray(arrays[k]) for k in
                                    ("coef_data", "coef_indices", "coef_indptr", "coef_shape"))
    if (shape.shape != (2,) or data.ndim != 1 or indices.ndim != 1 or indptr.ndim != 1
            or data.dtype.kind != "f" or indices.dtype.kind not in "iu"
            or indptr.dtype.kind not in "iu" or shape.dtype.kind not in "iu"
            or len(indptr) != int(shape[0]) + 1 or len(indices) != len(data)
            or (len(indptr) and (indptr[0] != 0 or indptr[-1] != len(indices)))
            or np.any(np.diff(indptr) < 0)
            or (len(indices) and (indices.min() < 0 or indices.max() >= int(shape[1])))):
        raise ModelFileError("a head's weight arrays are inconsistent (corrupted model file)")
    return sp.csr_matrix((data.astype(np.float32), indices, indptr),
                         shape=(int(shape[0]), int(shape[1])))


def _check_shapes(head: MultiLabelHead, k: int) -> None:
    from topicclf.errors import ModelFileError

    arrays = [head.intercept_, head.calib_a_, head.calib_b_, head.thresholds_]
    if head.coef_.shape[0] != k or any(np.shape(a) != (k,) for a in arrays):
        raise ModelFileError(f"head arrays do not match its {k} labels (corrupted model file)")
    if any(np.asarray(a).dtype.kind != "f" for a in arrays):
        raise ModelFileError("head arrays must be floating point (corrupted model file)")


def head_from_state(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> MultiLabelHead:
    """Rebuild the head described by ``meta['kind']``."""
    cls = SingleLabelHead if meta.get("kind") == "multiclass" else MultiLabelHead
    return cls.from_state(meta, arrays)
