"""Rebuild docs/img/report.png: a real evaluation report, rendered by headless Chromium.

Trains topics + stance on 80% of ../shared/corpus/train.jsonl (stratified),
writes the HTML report of the other 20%, screenshots it with Chromium and
shrinks the PNG to a palette image.  Run from the repository root:

    nice -n 10 python docs/img/make_report_png.py [--html /tmp/report.html]

Needs matplotlib, pillow and a ``chromium`` binary; not run by the tests.
"""

from __future__ import annotations

from pathlib import Path


def build(root: Path) -> dict:
    """Train on 80% of the corpus and return the report of the other 20%."""
    import json
    import sys
    import time
    import warnings

    import numpy as np
    import pandas as pd

    import topicclf
    from topicclf.folds import multilabel_folds
    from topicclf.report import evaluation_report

    corpus = root.parent / "shared" / "corpus" / "train.jsonl"
    rows = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    df = pd.DataFrame({"text": [r["text"] for r in rows], "topics": [r["topics"] for r in rows],
                       "stance": [r["stance"] for r in rows], "lang": [r["lang"] for r in rows]})
    classes = sorted({t for r in rows for t in r["topics"]})
    Y = np.array([[c in r["topics"] for c in classes] for r in rows])
    test = multilabel_folds(Y, n_splits=5, random_state=0) == 0
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = topicclf.train(df[~test], text_column="text", topics="topics", stance="stance",
                                language_column="lang", test_size=0, name="corpus-demo",
                                n_jobs=2, cv=3)
    print(f"trained on {(~test).sum()} rows in {time.perf_counter() - start:.0f} s",
          file=sys.stderr)
    held = df[test]
    report = evaluation_report(tagger, held["text"].tolist(), topics=held["topics"].tolist(),
                               stance=held["stance"].tolist(), languages=held["lang"].tolist(),
                               title="Evaluation report: topics and stance, annotated corpus")
    return report


def main() -> None:
    import argparse
    import json
    import subprocess
    import sys
    import tempfile

    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    from topicclf.report import render_html, render_text

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", default=str(Path(tempfile.mkdtemp()) / "report.html"))
    parser.add_argument("--png", default=str(root / "docs" / "img" / "report.png"))
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--json", help="reuse this saved report (written on the first run) "
                                       "instead of training again")
    args = parser.parse_args()
    if args.json and Path(args.json).is_file():
        report = json.loads(Path(args.json).read_text(encoding="utf-8"))
    else:
        report = build(root)
        if args.json:
            Path(args.json).write_text(json.dumps(report), encoding="utf-8")
    print(render_text(report))
    html = render_html(report, args.html)
    print(f"wrote {html} ({html.stat().st_size // 1024} KB)", file=sys.stderr)
    shot = Path(tempfile.mkdtemp()) / "shot.png"
    profile = tempfile.mkdtemp()
    subprocess.run([args.chromium, "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", f"--user-data-dir={profile}", "--hide-scrollbars",
                    f"--screenshot={shot}", "--window-size=1200,2400", html.as_uri()],
                   check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from PIL import Image

    image = Image.open(shot).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(args.png, optimize=True)
    print(f"wrote {args.png} ({Path(args.png).stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
