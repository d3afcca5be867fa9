"""Training time and memory on 50,000 articles (topics + stance heads).

The annotated corpus (``../shared/corpus/train.jsonl``, 8,222 articles) is
repeated with small perturbations until there are ``--rows`` articles: every
copy after the first drops about 5% of its words at random (seeded) and ends
with its row number, so no two texts are identical.  Labels are those of the
source article.  A ``Tagger(n_jobs=2, cv=3)`` is fitted on topics and stance
(languages detected, as ``topicclf train`` does without ``--language-column``)
and the script prints the wall time of ``fit`` and the peak resident memory
of the process.

Run it alone on the machine, from the repository root:

    nice -n 10 python benchmarks/bench_train.py [--rows 50000]

``topicclf.train`` with a held-out split fits twice (once on 80% for the
held-out figures, once on every row), so it takes about 1.8 times as long.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
import warnings

from corpus import load_corpus  # noqa: E402  (puts the checkout on sys.path)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def perturbed(rows: list[dict], n: int, seed: int = 0) -> tuple[list[str], list[list[str]],
                                                                 list[str]]:
    import numpy as np

    rng = np.random.RandomState(seed)
    texts, topics, stance = [], [], []
    for i in range(n):
        row = rows[i % len(rows)]
        text = row["text"]
        if i >= len(rows):
            words = text.split(" ")
            keep = rng.rand(len(words)) >= 0.05
            text = " ".join(w for w, k in zip(words, keep) if k) + f" [{i}]"
        texts.append(text)
        topics.append(list(row["topics"]))
        stance.append(row["stance"])
    return texts, topics, stance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--cv", type=int, default=3)
    args = parser.parse_args()

    from topicclf import Tagger

    rows = load_corpus()
    texts, topics, stance = perturbed(rows, args.rows)
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.2f} at start", file=sys.stderr)
    print(f"{len(texts)} articles ({len(rows)} distinct sources), "
          f"{len({t for v in topics for t in v})} topics, {len(set(stance))} stances; "
          f"peak RSS before fitting {peak_rss_mb():.0f} MiB", file=sys.stderr)
    start = time.perf_counter()
    cpu = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = Tagger(n_jobs=args.n_jobs, cv=args.cv).fit(texts, topics=topics, stance=stance)
    wall = time.perf_counter() - start
    print(f"fit: {wall:.0f} s wall ({wall / 60:.1f} min), {time.process_time() - cpu:.0f} s CPU, "
          f"peak RSS {peak_rss_mb():.0f} MiB; {tagger.features_.n_features_} features",
          file=sys.stderr)


if __name__ == "__main__":
    main()
