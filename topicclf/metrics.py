"""Held-out metrics: per-label precision/recall/F1, averages, calibration.

Examples
--------
>>> expected_calibration_error(np.array([0.9, 0.9, 0.1, 0.1]), np.array([1, 1, 0, 0]))
0.1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["expected_calibration_error", "reliability_curve", "multilabel_report",
           "multiclass_report", "label_matrix"]


def label_matrix(lists: Sequence[Sequence[str]], classes: Sequence[str]
                 ) -> tuple[np.ndarray, Counter]:
    """0/1 matrix of label lists over ``classes``, and the count of labels not in it.

    >>> Y, unknown = label_matrix([["a"], ["b", "z"]], ["a", "b"])
    >>> Y.astype(int).tolist(), dict(unknown)
    ([[1, 0], [0, 1]], {'z': 1})
    """
    index = {c: j for j, c in enumerate(classes)}
    Y = np.zeros((len(lists), len(index)), dtype=bool)
    unknown: Counter = Counter()
    for i, labels in enumerate(lists):
        for lab in labels:
            if lab in index:
                Y[i, index[lab]] = True
            else:
                unknown[lab] += 1
    return Y, unknown


def reliability_curve(proba: np.ndarray, outcome: np.ndarray, n_bins: int = 10
                      ) -> list[dict[str, float]]:
    """Mean predicted probability, observed frequency and count per probability bin."""
    proba = np.asarray(proba, dtype=float).ravel()
    outcome = np.asarray(outcome, dtype=float).ravel()
    bins = np.minimum((proba * n_bins).astype(int), n_bins - 1)
    out = []
    for b in range(n_bins):
        mask = bins == b
        if mask.any():
            out.append({"bin": b, "mean_score": float(proba[mask].mean()),
                        "frequency": float(outcome[mask].mean()), "count": int(mask.sum())})
    return out


def expected_calibration_error(proba: np.ndarray, outcome: np.ndarray, n_bins: int = 10) -> float:
    """Count-weighted mean gap between score and observed frequency over bins."""
    curve = reliability_curve(proba, outcome, n_bins)
    total = sum(c["count"] for c in curve)
    if not total:
        return 0.0
    return round(sum(c["count"] * abs(c["mean_score"] - c["frequency"]) for c in curve) / total, 6)


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _scores(Y: np.ndarray, pred: np.ndarray, classes: Sequence[str]) -> dict[str, Any]:
    Y, pred = np.asarray(Y, bool), np.asarray(pred, bool)
    tp = (Y & pred).sum(axis=0)
    fp = (~Y & pred).sum(axis=0)
    fn = (Y & ~pred).sum(axis=0)
    per = {}
    for j, c in enumerate(classes):
        p, r, f = _prf(tp[j], fp[j], fn[j])
        per[c] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                  "support": int(Y[:, j].sum())}
    mp, mr, mf = _prf(tp.sum(), fp.sum(), fn.sum())
    present = [per[c]["f1"] for j, c in enumerate(classes) if Y[:, j].any()]
    return {"micro_precision": round(mp, 4), "micro_recall": round(mr, 4),
            "micro_f1": round(mf, 4),
            "macro_f1": round(float(np.mean(present)) if present else 0.0, 4),
            "n": int(len(Y)), "per_label": per}


def _by_language(fn: Any, languages: Sequence[str] | None, n: int) -> dict[str, Any]:
    if languages is None:
        return {}
    langs = np.asarray(list(languages))
    out = {}
    for lang in sorted(set(langs.tolist())):
        mask = langs == lang
        if mask.sum() >= 1 and len(set(langs.tolist())) > 1:
            out[lang] = fn(mask)
    return out


def multilabel_report(Y: np.ndarray, proba: np.ndarray, thresholds: np.ndarray,
                      classes: Sequence[str], languages: Sequence[str] | None = None
                      ) -> dict[str, Any]:
    """Metrics of a multi-label head from true 0/1 ``Y`` and probabilities."""
    pred = proba >= np.asarray(thresholds)[None, :]
    report = _scores(Y, pred, classes)
    report["ece"] = expected_calibration_error(proba, Y)

    def lang_scores(mask: np.ndarray) -> dict[str, Any]:
        s = _scores(Y[mask], pred[mask], classes)
        return {"micro_f1": s["micro_f1"], "macro_f1": s["macro_f1"], "n": s["n"],
                **{f"f1:{c}": s["per_label"][c]["f1"] for c in classes}}

    report["by_language"] = _by_language(lang_scores, languages, len(Y))
    return report


def multiclass_report(y: Sequence[str], proba: np.ndarray, classes: Sequence[str],
                      languages: Sequence[str] | None = None) -> dict[str, Any]:
    """Metrics of a single-label head from true labels and class probabilities."""
    classes = list(classes)
    index = {c: i for i, c in enumerate(classes)}
    yi = np.array([index.get(v, -1) for v in y])
    pred = proba.argmax(axis=1)
    Y = np.eye(len(classes), dtype=bool)[np.maximum(yi, 0)] & (yi >= 0)[:, None]
    P = np.eye(len(classes), dtype=bool)[pred]
    report = _scores(Y, P, classes)
    report["accuracy"] = round(float((pred == yi).mean()), 4) if len(yi) else 0.0
    report["ece"] = expected_calibration_error(proba.max(axis=1), pred == yi)
    confusion = np.zeros((len(classes), len(classes)), dtype=int)
    for t, p in zip(yi, pred):
        if t >= 0:
            confusion[t, p] += 1
    report["confusion"] = {"labels": classes, "matrix": confusion.tolist()}

    def lang_scores(mask: np.ndarray) -> dict[str, Any]:
        s = _scores(Y[mask], P[mask], classes)
        return {"macro_f1": s["macro_f1"], "accuracy": round(float((pred[mask] == yi[mask]).mean()), 4),
                "n": s["n"]}

    report["by_language"] = _by_language(lang_scores, languages, len(yi))
    return report
