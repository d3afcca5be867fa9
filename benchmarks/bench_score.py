"""Speed of ``topicclf score``: end to end, the bare pipeline, cold start, peak memory.

Usage (from the repository root)::

    python benchmarks/bench_score.py --model models/topicclf-news
    python benchmarks/bench_score.py --model my-model --rows 5000 --rss-mb 300

Prints, in one run on this machine:

* articles/s of ``topicclf score in.csv -o out.csv`` end to end (a subprocess,
  wall time, cold start included and subtracted), with 1 and 2 ``--jobs``;
* articles/s of the bare pipeline it wraps, in this process: language
  detection + ``features_.transform`` + every head's ``predict_proba`` on the
  same texts, in chunks of the same size, no I/O, no result objects;
* the CLI's cold start: wall time of ``topicclf score`` on a 1-row file;
* with ``--rss-mb N``: peak resident memory of ``topicclf score`` on a CSV of
  about N MB (texts of the corpus repeated), sampled with psutil.

The articles are the texts of ``../shared/corpus/train.jsonl`` repeated up to
``--rows`` (synthetic French/English sentences when it is absent).  Without
``--model``, the shipped model is used when installed; otherwise a quick one
is trained on the first ``--train-rows`` corpus rows (minutes; pass --model
to skip it).
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import CORPUS, ROOT, load_corpus  # noqa: E402  (puts the checkout on sys.path)

SYNTHETIC = [
    "Le Pakistan et la Russie renforcent leur coopération contre le terrorisme.",
    "The central bank kept its interest rates unchanged as inflation eased.",
    "L'équipe nationale remporte le match de football à la dernière minute.",
    "Voters went to the polls on Sunday in a closely watched election.",
]


def articles(n: int) -> list[str]:
    texts = [r["text"] for r in load_corpus()] if CORPUS.is_file() else SYNTHETIC
    return [texts[i % len(texts)] for i in range(n)]


def quick_model(rows: int, where: Path) -> str:
    import pandas as pd

    import topicclf

    data = load_corpus()[:rows]
    frame = pd.DataFrame({"text": [r["text"] for r in data],
                          "topics": ["|".join(r["topics"]) for r in data],
                          "countries": ["|".join(r["countries"]) for r in data],
                          "stance": [r["stance"] for r in data]})
    print(f"training a quick model on {len(frame)} corpus rows ...", file=sys.stderr)
    with warnings.catch_warnings(action="ignore"):
        tagger = topicclf.train(frame, topics="topics", countries="countries", stance="stance",
                                test_size=0, name="bench", version="quick")
    tagger.save(where)
    return str(where)


def write_csv(path: Path, texts: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "text"])
        out.writerows((i, t) for i, t in enumerate(texts))


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(*args: str) -> tuple[float, float]:
    """(wall, CPU) seconds of one ``python -m topicclf`` run, its worker processes included."""
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    start, cpu = time.perf_counter(), _cpu_children()
    subprocess.run([sys.executable, "-m", "topicclf", *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, _cpu_children() - cpu


def bare(model: str, texts: list[str], chunk: int) -> tuple[float, float]:
    """(wall, CPU) seconds of detection + features + heads on ``texts``, in this process."""
    import topicclf
    from topicclf.text import detect_languages

    tagger = topicclf.load(model)
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), chunk):
        part = texts[i:i + chunk]
        X = tagger.features_.transform(part, languages=detect_languages(part))
        for head in tagger.heads_.values():
            head.predict_proba(X)
    return time.perf_counter() - start, time.process_time() - cpu


def peak_rss(args: list[str]) -> tuple[float, float]:
    """(peak RSS in MB of the process and its children, wall seconds) of a CLI run."""
    import psutil

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = psutil.Popen([sys.executable, "-m", "topicclf", *args], env=env,
                        stdout=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        try:
            rss = proc.memory_info().rss + sum(c.memory_info().rss
                                               for c in proc.children(recursive=True))
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode:
        raise SystemExit(f"topicclf score failed with exit status {proc.returncode}")
    return peak / 2**20, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model directory (default: shipped, else train one)")
    parser.add_argument("--rows", type=int, default=4000, help="articles scored (default 4000)")
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--train-rows", type=int, default=2000)
    parser.add_argument("--rss-mb", type=int, default=0, help="also measure peak RSS on a CSV "
                                                              "of about this many MB")
    args = parser.parse_args()
    load = f"{os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "n/a"
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        model = args.model
        if model is None:
            from topicclf.errors import NoShippedModelError
            from topicclf.persist import _shipped_dir

            try:
                model = str(_shipped_dir())
            except NoShippedModelError:
                model = quick_model(args.train_rows, tmp / "model")
        texts = articles(args.rows)
        write_csv(tmp / "one.csv", texts[:1])
        write_csv(tmp / "in.csv", texts)
        chunk = ["--chunk-size", str(args.chunk_size)]
        n = len(texts)
        cold, cold_cpu = min(cli("score", str(tmp / "one.csv"), "-o", str(tmp / "one-out.csv"),
                                 "--model", model) for _ in range(3))
        wall, cpu = bare(model, texts, args.chunk_size)
        print(f"machine: {os.cpu_count()} cores (load average {load} at the start: other "
              f"processes slow every figure), Python {sys.version.split()[0]}; "
              f"model {model}; {n} articles "
              f"({sum(map(len, texts)) / n:.0f} characters on average)")
        print("                                       articles/s   articles per CPU-second")
        print(f"bare pipeline (detect+features+heads)  {n / wall:10.0f}   {n / cpu:10.0f}")
        for jobs in (1, 2):
            wall, cpu = cli("score", str(tmp / "in.csv"), "-o", str(tmp / "out.csv"), "--model",
                            model, "--jobs", str(jobs), *chunk)
            print(f"topicclf score --jobs {jobs}, end to end  {n / wall:10.0f}   {n / cpu:10.0f}"
                  f"   ({wall:.1f} s wall, {cpu:.1f} s CPU)")
            print(f"  the same minus the cold start       {n / (wall - cold):10.0f}   "
                  f"{n / (cpu - cold_cpu):10.0f}")
        print(f"cold start (topicclf score on a 1-row file, best of 3): {cold:.2f} s wall, "
              f"{cold_cpu:.2f} s CPU")
        if args.rss_mb:
            big, size, pool = tmp / "big.csv", 0, articles(5000)
            with open(big, "w", newline="", encoding="utf-8") as fh:
                out, i = csv.writer(fh), 0
                out.writerow(["id", "text"])
                while size < args.rss_mb * 2**20:
                    out.writerow([i, pool[i % len(pool)]])
                    size += len(pool[i % len(pool)]) + 8
                    i += 1
            for path, rows in ((tmp / "in.csv", len(texts)), (big, i)):
                mb = path.stat().st_size / 2**20
                peak, wall = peak_rss(["score", str(path), "-o", str(tmp / "rss-out.csv"),
                                       "--model", model, *chunk])
                print(f"peak RSS scoring a {mb:.0f} MB CSV ({rows} rows, --jobs 1): "
                      f"{peak:.0f} MB ({wall:.0f} s, {rows / wall:.0f} articles/s)")


if __name__ == "__main__":
    main()
