"""Benchmarks of topicclf.geo: speed of mentions(), and the rule baselines for "about".

Usage (from the repository root)::

    python benchmarks/bench_geo.py                 # time mentions() on a 1,000-word article
    python benchmarks/bench_geo.py --baseline      # P/R/F1 of the rule baselines on the corpus
    python benchmarks/bench_geo.py --baseline --corpus ../shared/corpus/train.jsonl

The timing article is the seed article of ``../shared/examples`` repeated and
cut to 1,000 words (a built-in French/English paragraph when ``../shared`` is
absent).  The baselines decide which countries a document is ABOUT from
``mention_evidence`` alone:

* ``most-mentioned`` -- CLIFF's rule: the single most-mentioned country (ties
  broken by the earliest mention);
* ``evidence-rule`` -- every country named in the headline or the first
  sentence, or mentioned at least twice with at least 20% of all mentions;
  the most-mentioned country when no country passes.

Scores are micro precision/recall/F1 over (document, label) pairs, by
language, for countries (ISO codes) and for the 22 M49 regions, on the whole
corpus and on a fixed fifth of it (``crc32(id) % 5 == 0``), to set beside
held-out figures of learned models.  Regions are scored against the corpus field
``regions`` and against the regions of the gold ``countries`` (the corpus
field leaves out United Kingdom and Greece in most documents).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # run from a checkout, installed or not

from topicclf import geo  # noqa: E402
from topicclf.taxonomy import REGIONS  # noqa: E402

SHARED = REPO.parent / "shared"
FALLBACK = (
    "Le Pakistan et la Russie ont tenu à Islamabad une réunion du groupe de travail conjoint "
    "sur le contre-terrorisme. Les délégations pakistanaise et russe ont évoqué la situation en "
    "Syrie et en Irak, et convenu de se retrouver à Moscou l'an prochain, a indiqué le ministère "
    "pakistanais des Affaires étrangères. Washington and Beijing were not invited; the White House "
    "said the United States would follow the talks, while officials in New Delhi and Kabul "
    "welcomed the Pakistani and Russian statement on the Islamic State group. "
)

Rule = Callable[[dict[str, dict[str, float]]], list[str]]


def article(words: int = 1000) -> str:
    """The seed article (or the fallback paragraph) repeated and cut after ``words`` words."""
    seed = SHARED / "examples" / "seed_article_fr.txt"
    text = seed.read_text(encoding="utf-8") if seed.exists() else FALLBACK
    text = "\n".join([text] * (words // len(text.split()) + 1))
    return text[:list(re.finditer(r"\S+", text))[words - 1].end()]


def bench_speed(repeat: int = 300) -> None:
    start = time.perf_counter()
    geo.mentions("warm-up: compiles the gazetteer")
    build = time.perf_counter() - start
    text = article(1000)
    n_words = len(text.split())
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        found = geo.mentions(text)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    evidence_t = min(_time(lambda: geo.mention_evidence(text)) for _ in range(50))
    print(f"gazetteer build (first call, once per process): {build * 1000:.0f} ms")
    print(f"article: {n_words} words, {len(text)} characters, {len(found)} mentions")
    print(f"mentions(): median {median * 1000:.2f} ms per article = "
          f"{median * 1000 * 100 / n_words:.3f} ms per 100 words (min {min(times) * 1000:.2f} ms, "
          f"{repeat} runs, Python {sys.version.split()[0]})")
    print(f"mention_evidence(): best {evidence_t * 1000:.2f} ms per article")


def _time(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def most_mentioned(ev: dict[str, dict[str, float]]) -> list[str]:
    if not ev:
        return []
    return [max(ev, key=lambda c: (ev[c]["count"], -ev[c]["first_position"]))]


def evidence_rule(ev: dict[str, dict[str, float]]) -> list[str]:
    about = [c for c, f in ev.items()
             if f["in_headline"] or f["in_first_sentence"] or (f["count"] >= 2 and f["share"] >= 0.2)]
    return about or most_mentioned(ev)


def region_names(codes: list[str]) -> set[str]:
    return {REGIONS[r].name for r in map(geo.country_region, codes) if r}


def prf(counts: Counter) -> str:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"{p:.3f} | {r:.3f} | {f:.3f}"


def bench_baseline(corpus: Path) -> None:
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    t0 = time.perf_counter()
    evidence = [geo.mention_evidence(r["text"], r["lang"]) for r in rows]
    elapsed = time.perf_counter() - t0
    rules: dict[str, Rule] = {"most-mentioned (CLIFF)": most_mentioned, "evidence-rule": evidence_rule}
    print(f"corpus: {corpus} ({len(rows)} documents; mention_evidence in {elapsed:.1f} s)\n")
    print("| split | lang | docs | rule | labels | P | R | F1 |")
    print("|---|---|---|---|---|---|---|---|")
    for split in ("all", "held-out"):
        for lang in ("en", "fr"):
            picked = [(r, ev) for r, ev in zip(rows, evidence, strict=True) if r["lang"] == lang
                      and (split == "all" or zlib.crc32(r["id"].encode()) % 5 == 0)]
            for name, rule in rules.items():
                scores: dict[str, Counter[str]] = {k: Counter() for k in ("countries", "regions", "regions*")}
                for r, ev in picked:
                    pred = rule(ev)
                    pairs = {"countries": (set(pred), set(r["countries"])),
                             "regions": (region_names(pred), set(r["regions"])),
                             "regions*": (region_names(pred), region_names(r["countries"]))}
                    for key, (p, g) in pairs.items():
                        scores[key].update(tp=len(p & g), fp=len(p - g), fn=len(g - p))
                for key, counts in scores.items():
                    print(f"| {split} | {lang} | {len(picked)} | {name} | {key} | {prf(counts)} |")
    print("\nregions = the corpus field `regions`; regions* = M49 regions of the gold `countries`.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", action="store_true", help="score the rule baselines")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus" / "train.jsonl")
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args(argv)
    if args.baseline:
        if not args.corpus.exists():
            parser.error(f"corpus not found: {args.corpus}; pass --corpus PATH")
        bench_baseline(args.corpus)
    else:
        bench_speed(args.repeat)


if __name__ == "__main__":
    main()
