"""Build the shipped model from ../shared/corpus, deterministically.

    python datasets/build_model.py [--metrics docs/cv-metrics.json] [--out models/topicclf-news]

Fits the shipped configuration on every row of ../shared/corpus/train.jsonl
(fixed seed), attaches the cross-validated figures measured by
``benchmarks/cv_corpus.py`` (never figures computed on training rows), and
writes the model directory and ``docs/model-card.md``.  Two runs on the same
data give the same bytes: the creation date is the corpus file's date, and
the model's arrays are written without timestamps.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import CORPUS, load_corpus  # noqa: E402

import topicclf  # noqa: E402
from topicclf.card import render_markdown  # noqa: E402
from topicclf.persist import SHIPPED_MODEL  # noqa: E402

#: The shipped configuration; every choice is justified in docs/experiments.md.
CONFIG = {"C": 0.3, "cv": 5, "random_state": 0, "n_jobs": -1}
VERSION = "2026.11.2"

DESCRIPTION = (
    "Tags French and English news articles (wire stories, press articles, single "
    "news sentences) with 14 topics, the countries they are about and their UN M49 "
    "regions, and the stance between the main actors (cooperation / conflict / "
    "neutral). Scores are calibrated probabilities; each label has its own threshold.")
INTENDED_USE = (
    "Monitoring and filtering international news in French and English: routing "
    "articles by topic, country and region, and flagging cooperation or conflict "
    "between states. Not for decisions about individuals; not evaluated on other "
    "languages, on social-media text, or on news after 2024. The training data are "
    "licensed mostly for research use only: check the dataset cards before any "
    "commercial use.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--metrics", default=str(ROOT / "docs" / "cv-metrics.json"),
                    help="cross-validated figures from benchmarks/cv_corpus.py --json")
    ap.add_argument("--out", default=str(ROOT / "models" / SHIPPED_MODEL))
    ap.add_argument("--extra-card", default=str(ROOT / "docs" / "model-card-extra.json"),
                    help="JSON with limitations / benchmarks sections")
    ap.add_argument("--card-only", action="store_true",
                    help="keep the model's weights, refresh its card (metrics, texts)")
    args = ap.parse_args()

    rows = load_corpus()
    t0 = time.time()
    if args.card_only:
        tagger = topicclf.load(args.out)
        tagger.version = VERSION
    else:
        tagger = topicclf.Tagger(name=SHIPPED_MODEL, version=VERSION, **CONFIG).fit(
            [r["text"] for r in rows], languages=[r["lang"] for r in rows],
            topics=[r["topics"] for r in rows], stance=[r["stance"] for r in rows],
            countries=[r["countries"] for r in rows])
        print(f"fitted in {time.time() - t0:.0f}s", file=sys.stderr)
    digest = hashlib.sha256(CORPUS.read_bytes()).hexdigest()
    metrics_path = Path(args.metrics)
    metrics = json.loads(metrics_path.read_text()) if metrics_path.exists() else {}
    extra_path = Path(args.extra_card)
    extra = json.loads(extra_path.read_text()) if extra_path.exists() else {}
    by_lang: dict[str, int] = {}
    for r in rows:
        by_lang[r["lang"]] = by_lang.get(r["lang"], 0) + 1
    tagger.card_ = {
        "created": dt.datetime.fromtimestamp(CORPUS.stat().st_mtime, dt.timezone.utc)
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "description": DESCRIPTION,
        "intended_use": INTENDED_USE,
        "training_data": {
            "corpus": "../shared/corpus/train.jsonl (see datasets/corpus.md)",
            "rows": len(rows), "sha256": digest,
            "languages": by_lang,
            "sources": "MasakhaNEWS, CAMEO PentaClass, SATP, MUC-4, CASE 2021, AG News, "
                       "SIB-200, SemEval-2023 T3 (fr), RPM2 (fr), WMT newstest (fr), "
                       "gilets jaunes press (fr), translated-fr",
            "licences": "those of the source datasets, mostly research use only",
        },
        "metrics": metrics,
        **extra,
    }
    out = tagger.save(args.out)
    card = json.loads((out / "model-card.json").read_text())
    (ROOT / "docs" / "model-card.md").write_text(render_markdown(card))
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"wrote {out} ({size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
