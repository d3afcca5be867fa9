"""Public benchmarks of the shipped model (and of a retrained one on MasakhaNEWS).

Report only: nothing here is tuned on a test split.

(a) CAMEO PentaClass test (451 English sentences): the shipped model's 3-way
    stance, zero-shot.  PentaClass 0 -> neutral, 1/2 -> cooperation,
    3/4 -> conflict.  Macro-F1 and accuracy.
(b) MasakhaNEWS fra / eng test: the shipped model's primary topic mapped to
    the benchmark's labels (MASAKHA_MAP), macro-F1 over the benchmark's label
    set; and a model retrained with ``topicclf.train`` on dev.tsv +
    train_fewshot50.tsv (the full train.tsv is not in ../shared), scored on
    test.  The three test rows that MasakhaNEWS repeats in its own few-shot /
    dev files (fra 53, fra 156, eng 522; 0-based, header excluded) are dropped.
(c) SIB-200 fra_Latn / eng_Latn test (204 sentences each): the shipped
    model's primary topic mapped to SIB's 7 labels (SIB_MAP); ``travel`` has
    no source topic (unmappable) and scores 0 F1 inside the 7-label macro-F1;
    the 6 mappable labels' macro-F1 is reported too.

The primary topic is ``result.topics[0]`` (the best label passing its
threshold; the shipped model always returns at least one), falling back to
the highest ``scores["topics"]`` if a result had none.

Usage: python benchmarks/public.py [--json out.json] [--skip-retrain]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import SHARED  # noqa: E402  (also puts the checkout on sys.path)

import topicclf  # noqa: E402

DATA = SHARED / "data"

POLITICAL = ("counter-terrorism", "bilateral-relations", "multilateral-diplomacy",
             "armed-conflict", "military-defence", "domestic-politics", "crime-justice",
             "human-rights-migration")

# environment-disaster -> business: on the MasakhaNEWS rows of the corpus
# (few-shot + dev only, never test), the 22 rows whose first corpus topic is
# environment-disaster carry the MasakhaNEWS label business 16 times,
# politics 3, technology 2, entertainment 1 (BBC files agriculture, energy,
# climate-cost stories under business).
MASAKHA_MAP = {"economy-business": "business", "health": "health", "sports": "sports",
               "science-technology": "technology", "culture-society": "entertainment",
               "environment-disaster": "business", **{t: "politics" for t in POLITICAL}}

# SIB-200: same mapping, with SIB's label names.  environment-disaster ->
# geography: on the 800 sib-fra train/dev rows of the corpus (never test), the
# 41 rows whose first corpus topic is environment-disaster are SIB geography 21
# times, health 7, science/technology 6, travel 5.  'travel' receives no topic
# (unmappable); culture-society -> entertainment as the issue specifies, though
# on those same train/dev rows culture-society is SIB travel 133 times and
# entertainment 70 (see SIB_MAP_ALT, reported as a secondary figure).
SIB_MAP = {"economy-business": "politics", "health": "health", "sports": "sports",
           "science-technology": "science/technology", "culture-society": "entertainment",
           "environment-disaster": "geography", **{t: "politics" for t in POLITICAL}}
# economy-business has no SIB label of its own; SIB files economic news under
# politics (3 of the 14 sib train/dev rows with first topic economy-business are
# politics, 7 travel) -- we keep politics (news register) and say so.
SIB_UNMAPPABLE = ("travel",)
SIB_MAP_ALT = {**SIB_MAP, "culture-society": "travel"}

MASAKHA_DUPLICATES = {"fra": {53, 156}, "eng": {522}}


# ---------------------------------------------------------------- metrics
def f1_report(gold: list[str], pred: list[str], labels: list[str]) -> dict:
    per = {}
    for c in labels:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        per[c] = {"precision": round(pr, 4), "recall": round(rc, 4),
                  "f1": round(2 * pr * rc / (pr + rc) if pr + rc else 0.0, 4),
                  "support": sum(g == c for g in gold)}
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return {"n": len(gold), "macro_f1": round(float(np.mean([v["f1"] for v in per.values()])), 4),
            "accuracy": round(acc, 4), "per_label": per}


# ---------------------------------------------------------------- data
def read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def masakha(lang: str, split: str) -> list[dict]:
    rows = read_tsv(DATA / "masakhanews" / lang / f"{split}.tsv")
    for r in rows:
        # the corpus stores these articles as headline, newline, body
        r["doc"] = f"{r['headline'].strip()}\n{r['text'].strip()}"
    return rows


def primary_topics(results) -> list[str]:
    out = []
    for r in results:
        if r.topics:
            out.append(r.topics[0].id)
        else:
            s = r.scores["topics"]
            out.append(max(s, key=s.get))
    return out


# ---------------------------------------------------------------- benchmarks
def cameo(model) -> dict:
    fold = {"0": "neutral", "1": "cooperation", "2": "cooperation",
            "3": "conflict", "4": "conflict"}
    texts, gold = [], []
    with (DATA / "cameo_pentaclass" / "test.tsv").open(encoding="utf-8", newline="") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            text, label = line.rsplit("\t", 1)
            texts.append(text)
            gold.append(fold[label.strip()])
    t0 = time.time()
    res = model.tag_many(texts)
    dt = time.time() - t0
    pred = [r.stance.id for r in res]
    out = f1_report(gold, pred, ["neutral", "cooperation", "conflict"])
    out["docs_per_second"] = round(len(texts) / dt, 1)
    return out


def masakha_shipped(model, lang: str) -> dict:
    rows = [r for i, r in enumerate(masakha(lang, "test")) if i not in MASAKHA_DUPLICATES[lang]]
    labels = [x.strip() for x in (DATA / "masakhanews" / lang / "labels.txt")
              .read_text(encoding="utf-8").split() if x.strip()]
    res = model.tag_many([r["doc"] for r in rows])
    prim = primary_topics(res)
    pred = [MASAKHA_MAP[t] for t in prim]
    out = f1_report([r["category"] for r in rows], pred, labels)
    out["dropped_test_rows"] = sorted(MASAKHA_DUPLICATES[lang])
    out["predicted_outside_label_set"] = sum(p not in labels for p in pred)
    return out


def masakha_retrained(lang: str) -> dict:
    import pandas as pd

    train_rows = masakha(lang, "dev") + masakha(lang, "train_fewshot50")
    df = pd.DataFrame({"text": [r["doc"] for r in train_rows],
                       "topics": [r["category"] for r in train_rows]})
    t0 = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = topicclf.train(df, text_column="text", topics="topics", test_size=0, n_jobs=1)
    fit_s = time.time() - t0
    rows = [r for i, r in enumerate(masakha(lang, "test")) if i not in MASAKHA_DUPLICATES[lang]]
    texts = [r["doc"] for r in rows]
    proba = tagger.predict_proba(texts)["topics"]
    classes = list(tagger.heads_["topics"].classes_)
    argmax = [classes[j] for j in proba.argmax(1)]
    prim = primary_topics(tagger.tag_many(texts))
    labels = sorted({r["category"] for r in train_rows})
    out = f1_report([r["category"] for r in rows], prim, labels)
    out["argmax"] = {k: v for k, v in f1_report([r["category"] for r in rows], argmax,
                                                labels).items() if k != "per_label"}
    out.update({"train_rows": len(train_rows), "train_files": ["dev.tsv", "train_fewshot50.tsv"],
                "fit_seconds": round(fit_s, 1), "dropped_test_rows": sorted(MASAKHA_DUPLICATES[lang])})
    return out


def sib(model, lang: str) -> dict:
    folder = DATA / "sib200" / f"{lang}_Latn"
    rows = read_tsv(folder / "test.tsv")
    labels = [x.strip() for x in (folder / "labels.txt").read_text(encoding="utf-8").splitlines()
              if x.strip()]
    res = model.tag_many([r["text"] for r in rows])
    prim = primary_topics(res)
    gold = [r["category"] for r in rows]
    out = f1_report(gold, [SIB_MAP[t] for t in prim], labels)
    mappable = [c for c in labels if c not in SIB_UNMAPPABLE]
    out["macro_f1_mappable"] = round(float(np.mean([out["per_label"][c]["f1"] for c in mappable])), 4)
    out["unmappable"] = list(SIB_UNMAPPABLE)
    alt = f1_report(gold, [SIB_MAP_ALT[t] for t in prim], labels)
    out["alt_culture_society_to_travel"] = {"macro_f1": alt["macro_f1"], "accuracy": alt["accuracy"]}
    return out


def table(out: dict) -> str:
    lines = ["| benchmark | model | n | macro-F1 | accuracy | note |", "|---|---|---:|---:|---:|---|"]
    c = out["cameo"]
    lines.append(f"| CAMEO PentaClass test, stance 3-way (en) | shipped, zero-shot | {c['n']} | "
                 f"{c['macro_f1']:.3f} | {c['accuracy']:.3f} | 0→neutral, 1/2→cooperation, 3/4→conflict |")
    for lang in ("fra", "eng"):
        m = out["masakhanews"][lang]["shipped"]
        lines.append(f"| MasakhaNEWS {lang} test, topic | shipped, mapped primary topic | {m['n']} | "
                     f"{m['macro_f1']:.3f} | {m['accuracy']:.3f} | {len(m['per_label'])} labels; "
                     f"test rows {m['dropped_test_rows']} dropped |")
        if "retrained" in out["masakhanews"][lang]:
            m = out["masakhanews"][lang]["retrained"]
            lines.append(f"| MasakhaNEWS {lang} test, topic | topicclf.train on dev + few-shot-50 "
                         f"({m['train_rows']} rows) | {m['n']} | {m['macro_f1']:.3f} | "
                         f"{m['accuracy']:.3f} | fit {m['fit_seconds']}s |")
    for lang in ("fra", "eng"):
        s = out["sib200"][lang]
        lines.append(f"| SIB-200 {lang}_Latn test, topic | shipped, mapped primary topic | {s['n']} | "
                     f"{s['macro_f1']:.3f} | {s['accuracy']:.3f} | 7 labels (travel unmappable = 0); "
                     f"6 mappable {s['macro_f1_mappable']:.3f}; culture-society→travel variant "
                     f"{s['alt_culture_society_to_travel']['macro_f1']:.3f} |")
    return "\n".join(lines)


def per_label_table(out: dict) -> str:
    lines = []
    for name, rep in [("CAMEO stance", out["cameo"])] + \
            [(f"MasakhaNEWS {lang} {kind}", out["masakhanews"][lang][kind])
             for lang in ("fra", "eng") for kind in ("shipped", "retrained")
             if kind in out["masakhanews"][lang]] + \
            [(f"SIB-200 {lang}", out["sib200"][lang]) for lang in ("fra", "eng")]:
        cells = ", ".join(f"{c} {v['f1']:.2f} (n={v['support']})" for c, v in rep["per_label"].items())
        lines.append(f"- {name}: {cells}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json")
    ap.add_argument("--skip-retrain", action="store_true")
    args = ap.parse_args()
    model = topicclf.load()
    out: dict = {"model": {"name": model.name, "version": str(model.version)},
                 "mappings": {"masakhanews": MASAKHA_MAP, "sib200": SIB_MAP,
                              "sib200_unmappable": list(SIB_UNMAPPABLE),
                              "sib200_alt": {"culture-society": "travel"}}}
    out["cameo"] = cameo(model)
    print(f"CAMEO done: {out['cameo']['macro_f1']}", file=sys.stderr, flush=True)
    out["masakhanews"] = {lang: {"shipped": masakha_shipped(model, lang)} for lang in ("fra", "eng")}
    out["sib200"] = {lang: sib(model, lang) for lang in ("fra", "eng")}
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    if not args.skip_retrain:
        for lang in ("fra", "eng"):
            out["masakhanews"][lang]["retrained"] = masakha_retrained(lang)
            print(f"retrained {lang} done", file=sys.stderr, flush=True)
            if args.json:
                Path(args.json).write_text(json.dumps(out, indent=1))
    print(table(out))
    print()
    print(per_label_table(out))


if __name__ == "__main__":
    main()
