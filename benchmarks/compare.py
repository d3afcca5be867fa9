"""The comparison, in one run: shipped configuration vs TF-IDF + LinearSVC vs fastText.

Same outer folds as benchmarks/cv_corpus.py (``corpus_folds(rows)``: 5 folds,
iterative stratification on topics and stance, seed 0).  Each fold trains the
three systems on the other folds (translated-fr rows included as training
data) and scores the held-out fold's native rows (translated-fr is never in
test; French = native French documents).

Systems
- shipped: ``topicclf.Tagger(cv=3, n_jobs=1)``, the shipped configuration
  with 3 inner calibration folds instead of 5 and only the topics and stance
  heads (no countries/regions head), to save time.  Topics = ``tag_many``
  labels (tuned per-label thresholds, at least one topic); stance = the
  result's stance.
- tfidf-svm: plain word TF-IDF (lower-cased word 1-2-grams, min_df=2,
  sublinear tf; no stemming, no char n-grams, no headline weighting) and
  one-vs-rest LinearSVC (C=0.3, class_weight=balanced) per topic, a topic
  predicted when its decision value is > 0; stance = LinearSVC (C=0.3,
  balanced, one-vs-rest) argmax.
- fasttext: ``fasttext.train_supervised`` (fasttext-wheel 0.9.2), lower-cased
  text on one line, ``loss='ova'`` for topics (a topic predicted when its
  probability >= 0.5, fixed, not tuned), ``loss='softmax'`` for stance;
  epoch 25, wordNgrams 2, lr 0.5, dim 100, minCount 1, thread 1, seed 0.
  Its ``predict`` calls ``np.array(..., copy=False)``, which NumPy 2 rejects;
  the script swaps fasttext's module-level ``np`` for a shim that turns that
  call into ``np.asarray`` during ``predict`` only (site-packages untouched).

Timing: fit seconds per fold (features included), and articles/s at
prediction over the held-out fold (one batch; single process).

Usage: python benchmarks/compare.py [--folds 0,1] [--models shipped,tfidf-svm,fasttext]
       [--cache PATH (default: $TMPDIR/topicclf-compare-cache.json)] [--json out.json]
Per (system, fold) predictions are cached in --cache so a run can be resumed
or extended with more folds; the table pools the held-out predictions of the
folds given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import types
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_corpus  # noqa: E402
from cv_corpus import corpus_folds  # noqa: E402

KEY_LABELS = ("counter-terrorism", "bilateral-relations")
SYSTEMS = ("shipped", "tfidf-svm", "fasttext")


# ---------------------------------------------------------------- systems
def run_shipped(train: list[dict], test: list[dict]) -> dict:
    from topicclf import Tagger

    t0 = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = Tagger(cv=3, n_jobs=1).fit(
            [r["text"] for r in train], languages=[r["lang"] for r in train],
            topics=[r["topics"] for r in train], stance=[r["stance"] for r in train])
    t1 = time.time()
    res = tagger.tag_many([r["text"] for r in test])
    t2 = time.time()
    return {"topics": [[x.id for x in r.topics] for r in res],
            "stance": [r.stance.id for r in res], "fit_seconds": t1 - t0, "predict_seconds": t2 - t1}


def run_tfidf_svm(train: list[dict], test: list[dict]) -> dict:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    t0 = time.time()
    vec = TfidfVectorizer(lowercase=True, ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    X = vec.fit_transform([r["text"] for r in train])
    mlb = MultiLabelBinarizer()
    Y = mlb.fit_transform([r["topics"] for r in train])
    svms = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for j in range(Y.shape[1]):
            svms.append(LinearSVC(C=0.3, class_weight="balanced", random_state=0).fit(X, Y[:, j]))
        st = LinearSVC(C=0.3, class_weight="balanced", random_state=0).fit(
            X, [r["stance"] for r in train])
    t1 = time.time()
    Xt = vec.transform([r["text"] for r in test])
    D = np.column_stack([m.decision_function(Xt) for m in svms])
    stance = list(st.predict(Xt))
    t2 = time.time()
    topics = [[mlb.classes_[j] for j in np.flatnonzero(row > 0)] for row in D]
    return {"topics": topics, "stance": stance, "fit_seconds": t1 - t0, "predict_seconds": t2 - t1}


def _ft_line(text: str) -> str:
    return " ".join(text.lower().split())


class _NumpyShim(types.ModuleType):
    """numpy, except ``array(x, copy=False)`` is ``asarray(x)`` (NumPy 2 semantics)."""

    def __init__(self) -> None:
        super().__init__("numpy_shim")

    def __getattr__(self, name: str):
        return getattr(np, name)

    @staticmethod
    def array(obj, *args, copy=True, **kwargs):
        if copy is False:
            return np.asarray(obj, *args, **kwargs)
        return np.array(obj, *args, copy=copy, **kwargs)


def _ft_predict(model, lines: list[str], k: int, threshold: float):
    import fasttext.FastText as F

    saved = F.np
    F.np = _NumpyShim()
    try:
        return model.predict(lines, k=k, threshold=threshold)
    finally:
        F.np = saved


def run_fasttext(train: list[dict], test: list[dict]) -> dict:
    import fasttext

    fasttext.FastText.eprint = lambda *a, **k: None  # silence the load warning
    params = dict(epoch=25, wordNgrams=2, lr=0.5, dim=100, minCount=1, thread=1, seed=0,
                  verbose=0)
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        ptop, pst = os.path.join(tmp, "topics.txt"), os.path.join(tmp, "stance.txt")
        with open(ptop, "w", encoding="utf-8") as f:
            for r in train:
                f.write(" ".join(f"__label__{t}" for t in r["topics"]) + " " + _ft_line(r["text"]) + "\n")
        with open(pst, "w", encoding="utf-8") as f:
            for r in train:
                f.write(f"__label__{r['stance']} {_ft_line(r['text'])}\n")
        mt = fasttext.train_supervised(input=ptop, loss="ova", **params)
        ms = fasttext.train_supervised(input=pst, loss="softmax", **params)
    t1 = time.time()
    lines = [_ft_line(r["text"]) for r in test]
    lt, _ = _ft_predict(mt, lines, k=-1, threshold=0.5)
    ls, _ = _ft_predict(ms, lines, k=1, threshold=0.0)
    t2 = time.time()
    strip = lambda lab: lab.replace("__label__", "")  # noqa: E731
    return {"topics": [[strip(x) for x in row] for row in lt],
            "stance": [strip(row[0]) for row in ls], "fit_seconds": t1 - t0,
            "predict_seconds": t2 - t1}


RUNNERS = {"shipped": run_shipped, "tfidf-svm": run_tfidf_svm, "fasttext": run_fasttext}


# ---------------------------------------------------------------- metrics
def _prf(tp: int, fp: int, fn: int) -> float:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def topic_f1(gold: list[list[str]], pred: list[list[str]], label: str | None = None) -> float:
    tp = fp = fn = 0
    for g, p in zip(gold, pred):
        g, p = set(g), set(p)
        if label is not None:
            g, p = g & {label}, p & {label}
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    return _prf(tp, fp, fn)


def macro_f1(gold: list[str], pred: list[str]) -> float:
    labels = sorted(set(gold))
    return float(np.mean([_prf(sum(g == c and p == c for g, p in zip(gold, pred)),
                               sum(g != c and p == c for g, p in zip(gold, pred)),
                               sum(g == c and p != c for g, p in zip(gold, pred)))
                          for c in labels]))


def score(rows: list[dict], pred: dict) -> dict:
    gold_t = [r["topics"] for r in rows]
    langs = [r["lang"] for r in rows]
    sel = lambda lang: [i for i, x in enumerate(langs) if x == lang]  # noqa: E731
    pick = lambda v, idx: [v[i] for i in idx]  # noqa: E731
    fr, en = sel("fr"), sel("en")
    out = {"n": len(rows), "n_fr": len(fr), "n_en": len(en),
           "topic_micro_f1": round(topic_f1(gold_t, pred["topics"]), 4),
           "topic_micro_f1_fr": round(topic_f1(pick(gold_t, fr), pick(pred["topics"], fr)), 4),
           "topic_micro_f1_en": round(topic_f1(pick(gold_t, en), pick(pred["topics"], en)), 4),
           "stance_macro_f1": round(macro_f1([r["stance"] for r in rows], pred["stance"]), 4),
           "stance_macro_f1_fr": round(macro_f1(pick([r["stance"] for r in rows], fr),
                                                pick(pred["stance"], fr)), 4),
           "stance_macro_f1_en": round(macro_f1(pick([r["stance"] for r in rows], en),
                                                pick(pred["stance"], en)), 4)}
    for lab in KEY_LABELS:
        out[f"{lab}_f1"] = round(topic_f1(gold_t, pred["topics"], lab), 4)
        out[f"{lab}_f1_fr"] = round(topic_f1(pick(gold_t, fr), pick(pred["topics"], fr), lab), 4)
    return out


def table(results: dict, folds: list[int], n_total_folds: int) -> str:
    head = ("| system | topic micro-F1 fr / en | counter-terrorism F1 all / fr | "
            "bilateral-relations F1 all / fr | stance macro-F1 (fr / en) | fit s per fold | "
            "articles/s predicting |")
    lines = [f"Folds {','.join(map(str, folds))} of the {n_total_folds} corpus_folds() folds"
             + ("" if len(folds) == n_total_folds else " (a SUBSET: not the full 5-fold CV)")
             + "; held-out native rows pooled.", "", head, "|---|---|---|---|---|---:|---:|"]
    for name, s in results.items():
        lines.append(f"| {name} | {s['topic_micro_f1_fr']:.3f} / {s['topic_micro_f1_en']:.3f} | "
                     f"{s['counter-terrorism_f1']:.3f} / {s['counter-terrorism_f1_fr']:.3f} | "
                     f"{s['bilateral-relations_f1']:.3f} / {s['bilateral-relations_f1_fr']:.3f} | "
                     f"{s['stance_macro_f1']:.3f} ({s['stance_macro_f1_fr']:.3f} / "
                     f"{s['stance_macro_f1_en']:.3f}) | {s['fit_seconds']:.0f} | "
                     f"{s['articles_per_second']:.0f} |")
    n = next(iter(results.values()))
    lines.append("")
    lines.append(f"Held-out rows: {n['n']} ({n['n_fr']} native French, {n['n_en']} English).")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", default="0,1,2,3,4", help="comma-separated corpus_folds() folds")
    ap.add_argument("--models", default=",".join(SYSTEMS))
    ap.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "topicclf-compare-cache.json"))
    ap.add_argument("--json")
    args = ap.parse_args()
    folds_run = [int(k) for k in args.folds.split(",")]
    systems = args.models.split(",")
    rows = load_corpus()
    folds = corpus_folds(rows)
    n_splits = int(folds.max()) + 1
    cache_path = Path(args.cache)
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    for k in folds_run:
        train = [r for r, f in zip(rows, folds) if f != k]
        test = [r for r, f in zip(rows, folds) if f == k and r["source"] != "translated-fr"]
        for name in systems:
            key = f"{name}:{k}"
            if key in cache and cache[key]["ids"] == [r["id"] for r in test]:
                continue
            pred = RUNNERS[name](train, test)
            pred["ids"] = [r["id"] for r in test]
            cache[key] = pred
            cache_path.write_text(json.dumps(cache))
            print(f"{name} fold {k}: fit {pred['fit_seconds']:.0f}s, "
                  f"{len(test) / pred['predict_seconds']:.0f} articles/s; "
                  f"{json.dumps(score(test, pred))}", file=sys.stderr, flush=True)
    by_id = {r["id"]: r for r in rows}
    results = {}
    for name in systems:
        parts = [cache[f"{name}:{k}"] for k in folds_run]
        test_rows = [by_id[i] for p in parts for i in p["ids"]]
        pooled = {"topics": [t for p in parts for t in p["topics"]],
                  "stance": [s for p in parts for s in p["stance"]]}
        s = score(test_rows, pooled)
        s["fit_seconds"] = round(float(np.mean([p["fit_seconds"] for p in parts])), 1)
        s["articles_per_second"] = round(len(test_rows) / sum(p["predict_seconds"] for p in parts), 1)
        results[name] = s
    print(table(results, folds_run, n_splits))
    if args.json:
        Path(args.json).write_text(json.dumps({"folds": folds_run, "n_splits": n_splits,
                                               "results": results}, indent=1))


if __name__ == "__main__":
    main()
