"""Head-level experiments on cached fold features (docs/experiments.md).

For each outer fold (the same folds as cv_corpus.py) the features are fitted
on the training part once and cached in memory; then each variant fits only
the topic head and is scored on the held-out native documents.

Usage: python benchmarks/experiments.py VARIANT [VARIANT ...]

``prune-curve`` fits each fold's head once without pruning and scores every
(prune_tol, max_weights) setting of ``PRUNE_CURVE`` on it: the out-of-fold
calibration and thresholds do not depend on pruning (they come from the
unpruned inner models), so this is exactly what separate fits would give.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_corpus  # noqa: E402
from cv_corpus import corpus_folds  # noqa: E402

from topicclf.features import TextFeatures  # noqa: E402
from topicclf.folds import fold_indices, multilabel_folds  # noqa: E402
from topicclf.heads import MultiLabelHead, best_f1_threshold  # noqa: E402
from topicclf.metrics import _scores  # noqa: E402

warnings.simplefilter("ignore")

#: (prune_tol, max_weights per label) settings scored by ``prune-curve``.
PRUNE_CURVE = [(0.0, None), (0.01, 30_000), (0.0, 30_000), (0.0, 60_000), (0.0, 100_000),
               (0.001, None), (0.003, None), (0.01, None), (0.001, 100_000)]


def decide(P: np.ndarray, T: np.ndarray, min_topics: int = 1) -> np.ndarray:
    pred = P >= T
    top = P.argmax(axis=1)
    empty = pred.sum(axis=1) < min_topics
    pred[np.flatnonzero(empty), top[empty]] = True
    return pred


def run(variant: str, rows: list[dict], folds: np.ndarray, cache: dict) -> dict:
    topics = sorted({t for r in rows for t in r["topics"]})
    preds, golds, langs = [], [], []
    curve: dict = {}
    for k in sorted(set(folds.tolist())):
        tr = [i for i in range(len(rows)) if folds[i] != k]
        te = [i for i in range(len(rows)) if folds[i] == k and rows[i]["source"] != "translated-fr"]
        key = (k, variant.split(":")[0] if variant.startswith("feat") else "base")
        if key not in cache:
            params = {}
            if variant.startswith("feat"):
                params = eval(variant.split(":", 1)[1])  # noqa: S307 (our own CLI argument)
            tf = TextFeatures(**params)
            Xtr = tf.fit_transform([rows[i]["text"] for i in tr], languages=[rows[i]["lang"] for i in tr])
            Xte = tf.transform([rows[i]["text"] for i in te], languages=[rows[i]["lang"] for i in te])
            cache[key] = (Xtr, Xte)
        Xtr, Xte = cache[key]
        Y = np.array([[t in rows[i]["topics"] for t in topics] for i in tr], dtype=np.int8)
        inner = fold_indices(multilabel_folds(Y, 3, 0))
        C = 0.3
        if variant.startswith("C="):
            C = float(variant[2:])
        head = MultiLabelHead(C=C, n_jobs=1).fit(Xtr, Y, topics, inner)
        if variant == "prune-curve":
            from topicclf.heads import _prune

            raw = head.coef_.toarray()
            for tol, cap in PRUNE_CURVE:
                head.coef_ = _prune(raw, tol, cap)
                curve.setdefault((tol, cap), ([], [head.coef_.nnz]))[0].append(
                    decide(head.predict_proba(Xte), head.thresholds_))
            head.coef_ = _prune(raw, 0.0, None)
        P = head.predict_proba(Xte)
        T = head.thresholds_
        if variant == "lang-thresholds":
            ltr = np.array([rows[i]["lang"] for i in tr])
            lte = np.array([rows[i]["lang"] for i in te])
            T = np.tile(T, (len(te), 1))
            for lang in ("fr", "en"):
                m = ltr == lang
                t_l = [best_f1_threshold(head.oof_proba_[m, j], Y[m, j]) for j in range(len(topics))]
                T[lte == lang] = t_l
        if variant in ("stack", "stack-choose"):
            from sklearn.linear_model import LogisticRegression

            Z = head.oof_proba_
            lang_tr = np.array([[rows[i]["lang"] == "fr"] for i in tr], dtype=float)
            lang_te = np.array([[rows[i]["lang"] == "fr"] for i in te], dtype=float)
            Zs = np.hstack([Z, lang_tr])
            P2, T2 = np.zeros_like(P), np.zeros(len(topics))
            oof2 = np.zeros_like(Z)
            for j in range(len(topics)):
                for a, b in inner:
                    lr = LogisticRegression(C=1.0, max_iter=1000).fit(Zs[a], Y[a, j])
                    oof2[b, j] = lr.predict_proba(Zs[b])[:, 1]
                lr = LogisticRegression(C=1.0, max_iter=1000).fit(Zs, Y[:, j])
                P2[:, j] = lr.predict_proba(np.hstack([P, lang_te]))[:, 1]
                T2[j] = best_f1_threshold(oof2[:, j], Y[:, j])
            if variant == "stack-choose":  # stack a label only where its out-of-fold F1 gains
                for j in range(len(topics)):
                    if _f1(oof2[:, j] >= T2[j], Y[:, j]) <= _f1(Z[:, j] >= T[j], Y[:, j]):
                        P2[:, j], T2[j] = P[:, j], T[j]
            P, T = P2, T2
        pred = decide(P, T, 0 if variant == "no-min-topics" else 1)
        preds.append(pred)
        golds.append(np.array([[t in rows[i]["topics"] for t in topics] for i in te]))
        langs += [rows[i]["lang"] for i in te]
    gold, langs = np.vstack(golds), np.array(langs)
    for (tol, cap), (fold_preds, nnz) in curve.items():
        out = summary(np.vstack(fold_preds), gold, langs, topics)
        print(f"  prune_tol={tol} max_weights={cap} nnz(fold 0)={nnz[0]} "
              + " ".join(f"{k} {v:.3f}" for k, v in out.items()), flush=True)
    return summary(np.vstack(preds), gold, langs, topics)


def _f1(pred: np.ndarray, y: np.ndarray) -> float:
    tp = float(np.sum(pred & (y == 1)))
    return 2 * tp / max(float(pred.sum() + (y == 1).sum()), 1.0)


def summary(pred: np.ndarray, gold: np.ndarray, langs: np.ndarray, topics: list[str]) -> dict:
    s = _scores(gold, pred, topics)
    out = {"all": s["micro_f1"], "CT": s["per_label"]["counter-terrorism"]["f1"],
           "BR": s["per_label"]["bilateral-relations"]["f1"]}
    for lang in ("fr", "en"):
        sl = _scores(gold[langs == lang], pred[langs == lang], topics)
        out[lang] = sl["micro_f1"]
        out[f"CT-{lang}"] = sl["per_label"]["counter-terrorism"]["f1"]
        out[f"BR-{lang}"] = sl["per_label"]["bilateral-relations"]["f1"]
    return out


def main() -> None:
    rows = load_corpus()
    folds = corpus_folds(rows)
    cache: dict = {}
    for variant in sys.argv[1:]:
        t = time.time()
        out = run(variant, rows, folds, cache)
        print(f"{variant:40s} " + " ".join(f"{k} {v:.3f}" for k, v in out.items())
              + f"  ({time.time() - t:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
