"""The retraining commands of ``topicclf``: train, evaluate, tune-thresholds,
audit, suggest, explain.

Thin like :mod:`topicclf.cli`: each command parses its options, calls one
library function and prints or writes its result.  Registered in
:data:`topicclf.cli.COMMANDS`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["RETRAIN_COMMANDS"]


def _label_columns(p: argparse.ArgumentParser, *, stance: bool = True,
                   geo: bool = True) -> None:
    p.add_argument("--text-column", default="text", metavar="NAME",
                   help="column of the article text (default: text)")
    p.add_argument("--topic-column", metavar="NAME", help="multi-label topic column")
    if stance:
        p.add_argument("--stance-column", metavar="NAME", help="single-label stance column")
    if geo:
        p.add_argument("--country-column", metavar="NAME", help="ISO country codes column")
    p.add_argument("--language-column", metavar="NAME", help="language codes (default: detect)")
    p.add_argument("--label-sep", default="|", metavar="SEP",
                   help="separator of multi-label cells (JSON lists also work; default: |)")


def _write_table(frame: Any, path: str) -> None:
    from topicclf.io import detect_format
    from topicclf.writers import check_writable, open_output

    fmt = detect_format(path, None, option="--output-format") if path != "-" else "csv"
    if path != "-":
        check_writable(path)
    with open_output(path, format=fmt) as out:
        out.write(frame.astype(object).where(frame.notna(), None).astype(str)
                  if len(frame) else frame)


def _load(path: str | None) -> Any:
    from topicclf.persist import load

    return load(path)


# ------------------------------------------------------------------ train
def _train(args: argparse.Namespace) -> int:
    """Train a model on a labelled table and save it with its card.

    Any label names, any subset of heads (--topic-column, --stance-column,
    --country-column).  The table is checked first and every problem listed
    (unknown columns, empty texts, labels with fewer than 5 examples,
    duplicated texts with conflicting labels).  A stratified --test-size share
    is held out and measured, then the model is refitted on every row; the
    held-out report is printed and written into the model card.

    Example:
      topicclf train labelled.csv -o my-model --topic-column topics --stance-column stance
    """
    from topicclf.report import render_text
    from topicclf.training import train

    languages = set(args.languages.split(",")) if args.languages else None
    tagger = train(args.data, text_column=args.text_column, topics=args.topic_column,
                   stance=args.stance_column, countries=args.country_column,
                   language_column=args.language_column, label_sep=args.label_sep,
                   test_size=args.test_size, cv=args.cv, seed=args.seed, name=args.name,
                   n_jobs=args.jobs)
    if languages and not set(tagger.languages_) <= languages | {"und"}:
        print(f"topicclf: warning: the data also holds languages "
              f"{sorted(set(tagger.languages_) - languages)}", file=sys.stderr)
    tagger.save(args.output)
    heads = tagger.card_.get("metrics", {}).get("heads")
    if heads:
        print(tagger.card_["metrics"]["note"])
        print(render_text({"heads": heads}))
    print(f"saved {args.output}", file=sys.stderr)
    return 0


def _train_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", metavar="DATA", help="labelled CSV, TSV, JSON Lines or Parquet")
    p.add_argument("-o", "--output", required=True, metavar="MODEL_DIR")
    _label_columns(p)
    p.add_argument("--languages", metavar="fr,en", help="languages expected in the data")
    p.add_argument("--test-size", type=float, default=0.2,
                   help="held-out share for the report (default 0.2; 0: none)")
    p.add_argument("--cv", type=int, metavar="K",
                   help="report K-fold cross-validated figures instead of one held-out split")
    p.add_argument("--seed", type=int, default=0, help="same data + seed = same model")
    p.add_argument("--name", default="custom", help="model name recorded in every result")
    p.add_argument("--jobs", type=int, default=1, help="threads fitting the labels")


# --------------------------------------------------------------- evaluate
def _evaluate(args: argparse.Namespace) -> int:
    """Measure a model on a labelled table: per-label precision, recall, F1.

    Prints a compact table (micro and macro averages, by language, stance
    confusion matrix, calibration error); --report writes one self-contained
    HTML file with reliability and threshold curves; --json the figures.

    Example:
      topicclf evaluate my-model heldout.csv --topic-column topics --report report.html
    """
    from topicclf.report import evaluation_report_table, render_html, render_text

    report = evaluation_report_table(
        _load(args.model), args.data, text_column=args.text_column, topics=args.topic_column,
        stance=args.stance_column, countries=args.country_column,
        language_column=args.language_column, label_sep=args.label_sep)
    print(render_text(report))
    if args.report:
        render_html(report, args.report)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1, ensure_ascii=False)
    return 0


def _evaluate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="a model directory")
    p.add_argument("data", metavar="DATA", help="labelled table")
    _label_columns(p)
    p.add_argument("--report", metavar="HTML", help="write an HTML report with plots")
    p.add_argument("--json", metavar="PATH", help="write the figures as JSON")


# --------------------------------------------------------- tune-thresholds
def _tune(args: argparse.Namespace) -> int:
    """Re-tune per-label thresholds on your held-out data; save a new model.

    By default each threshold maximises F1; --precision P (or LABEL=P,
    repeatable) picks the lowest threshold reaching that precision instead.

    Example:
      topicclf tune-thresholds my-model heldout.csv --topic-column topics -o my-model-tuned
    """
    from topicclf.thresholds import tune_thresholds_table

    objective: Any = "f1"
    if args.precision:
        pairs = [p.split("=", 1) for p in args.precision]
        objective = (float(pairs[0][0]) if len(pairs) == 1 and len(pairs[0]) == 1
                     else {k: float(v) for k, v in pairs if v})
    tuned = tune_thresholds_table(_load(args.model), args.data, text_column=args.text_column,
                                  topics=args.topic_column, countries=args.country_column,
                                  language_column=args.language_column,
                                  label_sep=args.label_sep, objective=objective)
    tuned.save(args.output)
    print(f"saved {args.output}", file=sys.stderr)
    return 0


def _tune_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="DATA")
    p.add_argument("-o", "--output", required=True, metavar="MODEL_DIR")
    _label_columns(p, stance=False)
    p.add_argument("--precision", action="append", metavar="P|LABEL=P",
                   help="precision target, for all labels or one label (repeatable)")


# ------------------------------------------------------------------ audit
def _audit(args: argparse.Namespace) -> int:
    """Flag rows whose given label the cross-validated model confidently disputes.

    Confident-learning style: out-of-fold probabilities, per-class confident
    thresholds; writes the suspect rows with the suggested label, the margin
    and the words behind the suggestion, most suspicious first.

    Example:
      topicclf audit labelled.csv --topic-column topics -o suspects.csv
    """
    from topicclf.audit import audit_table

    frame = audit_table(args.data, text_column=args.text_column, topics=args.topic_column,
                        stance=args.stance_column, language_column=args.language_column,
                        id_column=args.id_column, label_sep=args.label_sep, cv=args.cv,
                        seed=args.seed)
    _write_table(frame, args.output)
    print(f"{len(frame)} suspect row(s)", file=sys.stderr)
    return 0


def _audit_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("data", metavar="DATA")
    p.add_argument("-o", "--output", default="-", help="suspect rows (default: stdout)")
    _label_columns(p, geo=False)
    p.add_argument("--id-column", metavar="NAME")
    p.add_argument("--cv", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)


# ---------------------------------------------------------------- suggest
def _suggest(args: argparse.Namespace) -> int:
    """The unlabelled rows whose labels would help the model most, to label next.

    Uncertain rows (scores near their thresholds) chosen to be diverse.

    Example:
      topicclf suggest my-model unlabelled.csv -n 50 -o to-label.csv
    """
    from topicclf.suggest import suggest_table

    frame = suggest_table(_load(args.model), args.data, args.n, text_column=args.text_column,
                          seed=args.seed)
    _write_table(frame, args.output)
    return 0


def _suggest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="UNLABELLED")
    p.add_argument("-n", type=int, default=50, help="how many rows (default 50)")
    p.add_argument("-o", "--output", default="-")
    p.add_argument("--text-column", default="text", metavar="NAME")
    p.add_argument("--seed", type=int, default=0)


# ---------------------------------------------------------------- explain
def _explain(args: argparse.Namespace) -> int:
    """The weighted words and phrases behind one tag of one text.

    Weights are contributions to the label's log-odds: positive pushed the
    score up, negative down.

    Example:
      topicclf explain - "Attentat à Kaboul" --label counter-terrorism
    """
    tagger = _load(None if args.model == "-" else args.model)
    reasons = tagger.explain(args.text, args.label, k=args.k)
    score = tagger.tag(args.text).scores
    head = next((h for h, s in score.items() if args.label in s), None)
    if head:
        print(f"{args.label}: score {score[head][args.label]:.3f}")
    width = max((len(r.phrase) for r in reasons), default=0)
    for r in reasons:
        bar = ("+" if r.weight > 0 else "-") * min(40, max(1, int(abs(r.weight) * 10)))
        print(f"  {r.phrase:<{width}}  {r.weight:+.3f}  {bar}")
    return 0


def _explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", metavar="MODEL", help="a model directory, or - for the shipped one")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--label", required=True)
    p.add_argument("-k", type=int, default=10, help="how many phrases (default 10)")


RETRAIN_COMMANDS = {
    "train": (_train, _train_arguments),
    "evaluate": (_evaluate, _evaluate_arguments),
    "tune-thresholds": (_tune, _tune_arguments),
    "audit": (_audit, _audit_arguments),
    "suggest": (_suggest, _suggest_arguments),
    "explain": (_explain, _explain_arguments),
}
