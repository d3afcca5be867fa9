"""Peak memory of ``topicclf score`` on 10,000 vs 100,000 rows: it should stay flat.

Each run is a fresh ``python -m topicclf score in.csv -o out.csv`` process; its
peak resident set size is the kernel's own figure (``ru_maxrss`` from
``wait4``), not a sample.  The articles are those of ``bench_score.py`` (the
shared corpus repeated, or synthetic sentences).

Usage (from the repository root)::

    nice python benchmarks/memory.py                       # the shipped model
    nice python benchmarks/memory.py --model my-model --rows 10000 --rows 100000
    nice python benchmarks/memory.py --short             # one-sentence articles
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_score import SYNTHETIC, articles, write_csv  # noqa: E402
from corpus import ROOT  # noqa: E402


def peak_rss_mb(args: list[str]) -> tuple[float, float]:
    """(peak RSS in MB, wall seconds) of one CLI run, read from the kernel at its exit."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "topicclf", *args], env=env,
                            stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"topicclf score failed with exit status {proc.returncode}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    parser.add_argument("--rows", type=int, action="append", help="repeatable "
                        "(default: 10000 and 100000)")
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--short", action="store_true", help="one-sentence articles (quicker "
                        "on a busy machine) instead of the corpus texts; each ends with its "
                        "row number, a new word every row")
    parser.add_argument("--no-new-words", action="store_true", help="with --short: leave out "
                        "the row number, so that the word caches stop growing")
    args = parser.parse_args()
    sizes = args.rows or [10_000, 100_000]
    model = ["--model", args.model] if args.model else []
    print(f"{'rows':>8} {'input MB':>9} {'peak RSS MB':>12} {'wall s':>7} {'rows/s':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"in-{n}.csv"
            tail = (lambda i: "") if args.no_new_words else (lambda i: f" {i}")
            write_csv(path, [SYNTHETIC[i % len(SYNTHETIC)] + tail(i) for i in range(n)]
                      if args.short else articles(n))
            rss, wall = peak_rss_mb(["score", str(path), "-o", str(Path(tmp) / "out.csv"),
                                     "--chunk-size", str(args.chunk_size), "--quiet", *model])
            print(f"{n:8d} {path.stat().st_size / 2**20:9.1f} {rss:12.0f} {wall:7.1f} "
                  f"{n / wall:7.0f}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
