"""Cross-validated figures of a Tagger configuration on the annotated corpus.

Five outer folds stratified on topics and stance (iterative stratification);
each fold fits a complete Tagger (features included) on the other four and
scores the held-out fold.  French is evaluated on native French documents
only (translated rows are training data, never test data).

Usage: python benchmarks/cv_corpus.py [--params '{"C": 0.3}'] [--folds 5]
       [--no-translated] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import load_corpus  # noqa: E402

from topicclf import Tagger  # noqa: E402
from topicclf.folds import multilabel_folds  # noqa: E402
from topicclf.metrics import multiclass_report, multilabel_report  # noqa: E402


def gold_regions(row: dict) -> list[str]:
    from topicclf.geo import country_region

    return sorted({r for c in row["countries"] if (r := country_region(c))})


def corpus_folds(rows: list[dict], n_splits: int = 5, seed: int = 0) -> np.ndarray:
    topics = sorted({t for r in rows for t in r["topics"]})
    stances = sorted({r["stance"] for r in rows})
    Y = np.zeros((len(rows), len(topics) + len(stances)), dtype=np.int8)
    for i, r in enumerate(rows):
        for t in r["topics"]:
            Y[i, topics.index(t)] = 1
        Y[i, len(topics) + stances.index(r["stance"])] = 1
    return multilabel_folds(Y, n_splits=n_splits, random_state=seed)


def cross_validate(rows: list[dict], params: dict, n_splits: int = 5,
                   use_translated: bool = True, heads: tuple = ("topics", "stance", "countries"),
                   only_folds: list[int] | None = None) -> dict:
    folds = corpus_folds(rows, n_splits)
    collected: dict[str, list] = {"i": [], "topics": [], "stance": [], "countries": [],
                                  "regions": [], "results": []}
    fit_s = score_s = 0.0
    for k in (only_folds if only_folds is not None else range(n_splits)):
        train = [r for r, f in zip(rows, folds) if f != k
                 and (use_translated or r["source"] != "translated-fr")]
        test_idx = [i for i, (r, f) in enumerate(zip(rows, folds))
                    if f == k and r["source"] != "translated-fr"]
        test = [rows[i] for i in test_idx]
        t0 = time.time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tagger = Tagger(**params).fit(
                [r["text"] for r in train], languages=[r["lang"] for r in train],
                topics=[r["topics"] for r in train] if "topics" in heads else None,
                stance=[r["stance"] for r in train] if "stance" in heads else None,
                countries=[r["countries"] for r in train] if "countries" in heads else None)
        t1 = time.time()
        texts = [r["text"] for r in test]
        proba = tagger.predict_proba(texts, languages=[r["lang"] for r in test])
        results = tagger.tag_many(texts)
        t2 = time.time()
        fit_s += t1 - t0
        score_s += t2 - t1
        collected["i"] += test_idx
        collected["results"] += results
        for head in ("topics", "stance"):
            if head in proba:
                collected[head].append((tagger.heads_[head], proba[head]))
        print(f"fold {k}: fit {t1 - t0:.0f}s, score {len(test) / (t2 - t1):.0f} docs/s",
              file=sys.stderr, flush=True)
    test_rows = [rows[i] for i in collected["i"]]
    langs = [r["lang"] for r in test_rows]
    n_run = len(only_folds) if only_folds is not None else n_splits
    out: dict = {"n": len(test_rows), "folds": n_run, "fit_seconds": round(fit_s / n_run, 1),
                 "docs_per_second": round(len(test_rows) / score_s, 1)}
    if collected["topics"]:
        classes = collected["topics"][0][0].classes_
        P = np.vstack([p for _, p in collected["topics"]])
        Y = np.array([[c in r["topics"] for c in classes] for r in test_rows], dtype=np.int8)
        rep = multilabel_report(Y, P, np.zeros(len(classes)), classes, langs)
        res = collected["results"]
        pred = np.array([[c in {x.id for x in r.topics} for c in classes] for r in res])
        from topicclf.metrics import _scores  # noqa: PLC0415
        s = _scores(Y, pred, classes)
        rep.update({k: v for k, v in s.items()})
        rep["by_language"] = {lang: {**{"micro_f1": _scores(Y[m], pred[m], classes)["micro_f1"]},
                                     **{c: _scores(Y[m], pred[m], classes)["per_label"][c]["f1"]
                                        for c in ("counter-terrorism", "bilateral-relations")}}
                              for lang in ("fr", "en")
                              for m in [np.array(langs) == lang]}
        out["topics"] = rep
    if collected["stance"]:
        classes = collected["stance"][0][0].classes_
        P = np.vstack([p for _, p in collected["stance"]])
        out["stance"] = multiclass_report([r["stance"] for r in test_rows], P, classes, langs)
    res = collected["results"]
    if res and res[0].scores.get("countries") is not None:
        out["countries"] = set_f1([[x.id for x in r.countries] for r in res],
                                  [r["countries"] for r in test_rows], langs)
        out["regions"] = set_f1([[x.id for x in r.regions] for r in res],
                                [gold_regions(r) for r in test_rows], langs)
        # CLIFF's rule on the same held-out rows: the most-mentioned country
        from bench_geo import most_mentioned
        from topicclf.geo import country_region, mention_evidence

        base = [most_mentioned(mention_evidence(r["text"], r["lang"])) for r in test_rows]
        out["countries_most_mentioned"] = set_f1(base, [r["countries"] for r in test_rows], langs)
        out["regions_most_mentioned"] = set_f1(
            [sorted({g for c in b if (g := country_region(c))}) for b in base],
            [gold_regions(r) for r in test_rows], langs)
    return out


def set_f1(pred: list[list[str]], gold: list[list[str]], langs: list[str]) -> dict:
    def f1(idx):
        tp = sum(len(set(pred[i]) & set(gold[i])) for i in idx)
        fp = sum(len(set(pred[i]) - set(gold[i])) for i in idx)
        fn = sum(len(set(gold[i]) - set(pred[i])) for i in idx)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4),
                "micro_f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}

    out = f1(range(len(pred)))
    out["by_language"] = {lang: f1([i for i, x in enumerate(langs) if x == lang])
                          for lang in ("fr", "en")}
    return out


def summary(out: dict) -> str:
    lines = []
    if "topics" in out:
        t = out["topics"]
        bl = t["by_language"]
        ct = t["per_label"]["counter-terrorism"]["f1"]
        br = t["per_label"]["bilateral-relations"]["f1"]
        lines.append(f"topic micro-F1 fr {bl['fr']['micro_f1']:.3f} en {bl['en']['micro_f1']:.3f}"
                     f" | CT all {ct:.3f} fr {bl['fr']['counter-terrorism']:.3f}"
                     f" | BR all {br:.3f} fr {bl['fr']['bilateral-relations']:.3f}"
                     f" | ECE {t['ece']:.3f}")
    if "stance" in out:
        s = out["stance"]
        lines.append(f"stance macro-F1 {s['macro_f1']:.3f} (fr {s['by_language']['fr']['macro_f1']:.3f}"
                     f", en {s['by_language']['en']['macro_f1']:.3f}), ECE {s['ece']:.3f}")
    for head in ("countries", "regions", "countries_most_mentioned", "regions_most_mentioned"):
        if head in out:
            c = out[head]
            lines.append(f"{head} micro-F1 {c['micro_f1']:.3f} (fr {c['by_language']['fr']['micro_f1']:.3f}"
                         f", en {c['by_language']['en']['micro_f1']:.3f})")
    lines.append(f"fit {out['fit_seconds']}s per fold, {out['docs_per_second']} docs/s scoring")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--params", default="{}")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-translated", action="store_true")
    ap.add_argument("--heads", default="topics,stance,countries")
    ap.add_argument("--only-folds", help="comma-separated fold numbers (a held-out split)")
    ap.add_argument("--json")
    args = ap.parse_args()
    rows = load_corpus()
    out = cross_validate(rows, json.loads(args.params), args.folds, not args.no_translated,
                         tuple(args.heads.split(",")),
                         [int(k) for k in args.only_folds.split(",")] if args.only_folds else None)
    print(summary(out))
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
