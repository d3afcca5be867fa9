"""An evaluation report people read: terminal table, JSON-able dict, one HTML file.

:func:`evaluation_report` measures a tagger on labelled rows it was not
trained on and gathers everything in one JSON-able dict: per-label
precision, recall, F1 and support, micro and macro averages, figures by
language, the stance confusion matrix, calibration (reliability curve and
expected calibration error) and, for every label with a threshold, the
precision/recall/F1 curves against the threshold.  :func:`render_text`
prints it as a compact table; :func:`render_html` writes a self-contained
HTML file (styles inline, plots as embedded PNG, no external resource) that
can be opened offline or sent by mail.

matplotlib is needed for :func:`render_html` only, and imported there (it
draws on its own figures, without pyplot, so the caller's backend is left
alone).

Examples
--------
>>> import warnings; warnings.simplefilter("ignore")
>>> from topicclf import Tagger
>>> texts = ["Bomb attack in Kabul", "Terror attack in Paris", "The football match",
...          "Cup final tonight"] * 5
>>> tagger = Tagger(min_df=1, cv=2).fit(texts, topics=[["terror"], ["terror"], ["sport"],
...                                                    ["sport"]] * 5)
>>> report = evaluation_report(tagger, ["A bomb attack", "The cup final"],
...                            topics=[["terror"], ["sport"]])
>>> float(report["heads"]["topics"]["micro_f1"]), report["heads"]["topics"]["top1_accuracy"]
(1.0, 1.0)
>>> print(render_text(report).splitlines()[2])  # doctest: +ELLIPSIS
topics: micro P 1.000 R 1.000 F1 1.000 · macro F1 1.000 · top-1 accuracy 1.000 · ECE ...
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import logging
import os
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from topicclf.errors import InvalidInputError, OutputError, TopicclfError
from topicclf.features import check_texts
from topicclf.metrics import reliability_curve
from topicclf.thresholds import threshold_curve

if TYPE_CHECKING:
    from topicclf.model import Tagger

__all__ = ["evaluation_report", "evaluation_report_table", "render_text", "render_html",
           "MissingDependencyError"]

log = logging.getLogger(__name__)


class MissingDependencyError(TopicclfError, ImportError):
    """An optional dependency (here matplotlib) is not installed."""


def _truth(values: Sequence[Any], classes: list[str], n: int) -> tuple[np.ndarray, Counter]:
    from topicclf.model import _as_label_lists

    from topicclf.metrics import label_matrix

    return label_matrix(_as_label_lists(values, "labels", n), classes)


def evaluation_report(tagger: "Tagger", texts: Sequence[str], *,
                      topics: Sequence[Any] | None = None, stance: Sequence[Any] | None = None,
                      countries: Sequence[Any] | None = None,
                      regions: Sequence[Any] | None = None,
                      languages: Sequence[str] | None = None, n_bins: int = 10,
                      title: str | None = None) -> dict[str, Any]:
    """Measure ``tagger`` on labelled held-out texts, for people to read.

    Parameters
    ----------
    tagger : Tagger
        A fitted tagger.
    texts : list of str
        Texts the tagger was not trained on.
    topics, countries, regions : list of list of str, optional
        True labels of each text (multi-label heads).
    stance : list of str, optional
        True stance of each text.
    languages : list of str, optional
        Language codes of the texts; detected when omitted.
    n_bins : int, default=10
        Bins of the reliability curves.
    title : str, optional
        Shown at the top of the rendered report.

    Returns
    -------
    dict
        JSON-able: ``title``, ``model`` (name, version), ``created``, ``rows``,
        ``languages`` (row counts), ``warnings`` and ``heads``.  Each head
        has the figures of :func:`topicclf.training.evaluate` (``per_label``,
        micro/macro averages, ``ece``, ``by_language``, and ``confusion`` and
        ``accuracy`` for stance) plus ``kind``, ``reliability`` (bins of
        mean score, observed frequency, count) and, for multi-label heads,
        ``top1_accuracy`` (rows whose best label is a true one),
        ``thresholds`` and ``curves`` (label → precision/recall/F1 against
        the threshold).

    Raises
    ------
    NotFittedError
        If ``tagger`` is not fitted.
    InvalidInputError
        If no labels are given, a head is missing from the model, or labels
        are not aligned with the texts.
    """
    from topicclf.text import detect_languages
    from topicclf.training import evaluate

    tagger._check_fitted()
    texts = check_texts(texts)
    if not texts:
        raise InvalidInputError("cannot evaluate on an empty list of texts")
    given = tagger._given_heads(topics=topics, stance=stance, countries=countries,
                                regions=regions)
    n = len(texts)
    langs = list(languages) if languages is not None else detect_languages(texts)
    if len(langs) != n:
        raise InvalidInputError(f"got {len(langs)} languages for {n} texts")
    from topicclf.model import _as_label_lists

    for head in ("topics", "countries", "regions"):
        if head in given:  # a bare label per row is a one-label list, not its characters
            given[head] = _as_label_lists(given[head], head, n)
    if "stance" in given:
        stance_lists = given["stance"]
        if isinstance(stance_lists, (str, bytes)):
            raise InvalidInputError("stance: expected one label per text, got a single string")
        given["stance"] = [v[0] if isinstance(v, (list, tuple)) and v else
                           ("" if isinstance(v, (list, tuple)) else v) for v in stance_lists]
        if len(given["stance"]) != n:
            raise InvalidInputError(f"stance: got {len(given['stance'])} labels for {n} texts")
    metrics = evaluate(tagger, texts, languages=langs, **given)
    proba = tagger.predict_proba(texts, languages=langs)
    notes: list[str] = []
    heads: dict[str, Any] = {}
    for head in given:
        model = tagger.heads_[head]
        classes = list(model.classes_)
        values = given[head]
        if model.kind == "multiclass":
            values = [[v] if isinstance(v, str) and v else [] for v in values]
        Y, unknown = _truth(values, classes, n)
        if unknown:
            notes.append(f"{head}: labels the model does not know were not scored: "
                         + ", ".join(f"{lab} ({c})" for lab, c in unknown.most_common(10))
                         + (" ..." if len(unknown) > 10 else ""))
        P = proba[head]
        entry: dict[str, Any] = {"kind": model.kind, **metrics[head]}
        if model.kind == "multiclass":
            known = Y.any(axis=1)
            correct = Y[np.arange(n), P.argmax(axis=1)]
            entry["reliability"] = reliability_curve(P.max(axis=1)[known], correct[known], n_bins)
        else:
            labelled = Y.any(axis=1)
            top = Y[np.arange(n), P.argmax(axis=1)]
            entry["top1_accuracy"] = round(float(top[labelled].mean()), 4) if labelled.any() \
                else 0.0
            entry["reliability"] = reliability_curve(P, Y, n_bins)
            entry["thresholds"] = {c: round(float(t), 4) for c, t in zip(classes,
                                                                         model.thresholds_)}
            entry["curves"] = {c: threshold_curve(P[:, j], Y[:, j])
                               for j, c in enumerate(classes)}
        heads[head] = entry
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    return {
        "title": title or f"Evaluation of {getattr(tagger, 'name', 'model')} "
                          f"{getattr(tagger, 'version', '')}".strip(),
        "model": {"name": str(getattr(tagger, "name", "")),
                  "version": str(getattr(tagger, "version", ""))},
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rows": n,
        "languages": dict(Counter(langs).most_common()),
        "warnings": notes,
        "heads": heads,
    }


# ---------------------------------------------------------------- terminal

def _f(x: Any) -> str:
    return f"{x:.3f}" if isinstance(x, (float, np.floating)) else str(x)


def _kind(entry: dict[str, Any]) -> str:
    return entry.get("kind") or ("multiclass" if "confusion" in entry else "multilabel")


def _summary(entry: dict[str, Any]) -> str:
    if _kind(entry) == "multiclass":
        parts = [f"accuracy {_f(entry['accuracy'])}", f"macro F1 {_f(entry['macro_f1'])}"]
    else:
        parts = [f"micro P {_f(entry['micro_precision'])} R {_f(entry['micro_recall'])} "
                 f"F1 {_f(entry['micro_f1'])}", f"macro F1 {_f(entry['macro_f1'])}"]
        if "top1_accuracy" in entry:
            parts.append(f"top-1 accuracy {_f(entry['top1_accuracy'])}")
    return " · ".join(parts + ([f"ECE {_f(entry['ece'])}"] if "ece" in entry else []))


def render_text(report: dict[str, Any]) -> str:
    """The report as a compact plain-text table for a terminal.

    One block per head: a summary line, then precision, recall, F1, support
    (and threshold) per label, the figures by language and, for stance, the
    confusion matrix (rows: true, columns: predicted).

    ``report`` is what :func:`evaluation_report` returns; the held-out
    metrics of a model card, ``{"heads": card["metrics"]["heads"]}``, render
    too (without thresholds and top-1 accuracy, which the card lacks).
    """
    langs = ", ".join(f"{k} {v}" for k, v in report.get("languages", {}).items())
    rows = report.get("rows", max((e.get("n", 0) for e in report["heads"].values()), default=0))
    lines = [f"{report.get('title', 'Held-out evaluation')} — {rows} rows"
             + (f" ({langs})" if langs else ""), ""]
    for head, entry in report["heads"].items():
        lines.append(f"{head}: {_summary(entry)}")
        labels = list(entry["per_label"])
        width = max([len(lab) for lab in labels] + [5])
        thresholds = entry.get("thresholds")
        lines.append(f"  {'label':<{width}}  {'prec':>5}  {'rec':>5}  {'F1':>5}  {'support':>7}"
                     + ("  thresh" if thresholds else ""))
        for lab in labels:
            row = entry["per_label"][lab]
            lines.append(f"  {lab:<{width}}  {row['precision']:5.3f}  {row['recall']:5.3f}  "
                         f"{row['f1']:5.3f}  {row['support']:>7}"
                         + (f"  {thresholds[lab]:6.2f}" if thresholds else ""))
        by_lang = entry.get("by_language") or {}
        if by_lang:
            key = "accuracy" if _kind(entry) == "multiclass" else "micro_f1"
            name = "accuracy" if key == "accuracy" else "micro F1"
            lines.append("  by language: " + " · ".join(
                f"{lang} {name} {_f(m[key])} macro F1 {_f(m['macro_f1'])} (n={m['n']})"
                for lang, m in by_lang.items()))
        confusion = entry.get("confusion")
        if confusion:
            names = confusion["labels"]
            w = max([len(x) for x in names] + [4])
            lines.append("  confusion (rows: true, columns: predicted)")
            lines.append("  " + " " * w + "".join(f"  {x:>{w}}" for x in names))
            for name, counts in zip(names, confusion["matrix"]):
                lines.append(f"  {name:<{w}}" + "".join(f"  {c:>{w}}" for c in counts))
        lines.append("")
    for note in report.get("warnings", []):
        lines.append(f"warning: {note}")
    return "\n".join(lines).rstrip() + "\n"


# -------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:1120px;padding:24px;color:#1d2330;background:#fff;line-height:1.4}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.3em;border-bottom:2px solid #dde3ee;
padding-bottom:4px;margin-top:32px}h3{font-size:1.05em;margin:0 0 6px}
.meta{color:#5b6475;margin:0 0 16px}.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{background:#f4f6fa;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:1.4em}.card span{color:#5b6475;font-size:.85em}
table{border-collapse:collapse;margin:8px 0 16px;font-size:.92em}
th,td{padding:4px 10px;text-align:right;border-bottom:1px solid #e6e9f0}
th:first-child,td:first-child{text-align:left}th{background:#f4f6fa}
td.bar{min-width:90px;text-align:left}.bar i{display:inline-block;height:9px;
background:#4c72b0;border-radius:2px}.row{display:flex;flex-wrap:wrap;gap:24px;
align-items:flex-start}figure{margin:0;max-width:300px}figcaption{color:#5b6475;font-size:.85em}
.labels{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
section.label{border:1px solid #e6e9f0;border-radius:8px;padding:10px}
section.label p{margin:4px 0 0;font-size:.85em;color:#5b6475}
.warn{background:#fff4e5;border-left:4px solid #f0a030;padding:8px 12px}
img{max-width:100%;height:auto}.legend i{display:inline-block;width:18px;height:3px;
margin:0 4px 3px 12px;vertical-align:middle}.legend i.dash{border-top:2px dashed #333;
height:0}
"""


def _matplotlib() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise MissingDependencyError(
            "the HTML report needs matplotlib, which is not installed; install it with "
            "pip install 'topicclf[report]' (or pip install matplotlib)") from None
    return Figure


def _png(fig: Any) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80, bbox_inches="tight",
                metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="" src="data:image/png;base64,{data}">'


def _threshold_plot(Figure: Any, curve: dict[str, list[float]], current: float) -> str:
    fig = Figure(figsize=(4.2, 2.5))
    ax = fig.add_subplot()
    t = curve["threshold"]
    ax.plot(t, curve["precision"], label="precision", color="#4c72b0")
    ax.plot(t, curve["recall"], label="recall", color="#dd8452")
    ax.plot(t, curve["f1"], label="F1", color="#55a868", linewidth=2)
    ax.axvline(current, color="#333", linestyle="--", linewidth=1)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("threshold")
    ax.grid(alpha=0.3)
    return _png(fig)


def _reliability_plot(Figure: Any, curve: list[dict[str, float]], ece: float, what: str) -> str:
    fig = Figure(figsize=(3.3, 2.8))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1, label="perfect")
    if curve:
        x = [c["mean_score"] for c in curve]
        y = [c["frequency"] for c in curve]
        size = np.asarray([c["count"] for c in curve], dtype=float)
        ax.plot(x, y, color="#4c72b0", linewidth=1.5)
        ax.scatter(x, y, s=20 + 180 * size / size.max(), color="#4c72b0", zorder=3,
                   label="bins (area: rows)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(f"mean predicted probability ({what})")
    ax.set_ylabel("observed frequency")
    ax.set_title(f"ECE {ece:.3f}", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", frameon=False)
    return _png(fig)


def _confusion_plot(Figure: Any, labels: list[str], matrix: list[list[int]]) -> str:
    m = np.asarray(matrix, dtype=float)
    share = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    side = 0.7 + 0.6 * len(labels)
    fig = Figure(figsize=(side + 0.7, side))
    ax = fig.add_subplot()
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, f"{int(m[i, j])}", ha="center", va="center", fontsize=9,
                    color="white" if share[i, j] > 0.6 else "#1d2330")
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return _png(fig)


def _slug(*parts: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") or "x" for p in parts)


def _bar(value: float) -> str:
    return f'<td class="bar"><i style="width:{max(0.0, min(1.0, value)) * 80:.0f}px"></i> ' \
           f"{value:.3f}</td>"


def _head_html(Figure: Any, head: str, entry: dict[str, Any]) -> list[str]:
    e = html.escape
    out = [f'<section class="head" id="{_slug("head", head)}">', f"<h2>{e(head.capitalize())}</h2>"]
    cards = ([("accuracy", entry["accuracy"]), ("macro F1", entry["macro_f1"])]
             if entry["kind"] == "multiclass" else
             [("micro F1", entry["micro_f1"]), ("macro F1", entry["macro_f1"]),
              ("micro precision", entry["micro_precision"]),
              ("micro recall", entry["micro_recall"]), ("top-1 accuracy", entry["top1_accuracy"])])
    cards += [("ECE", entry["ece"]), ("rows", entry["n"])]
    out.append('<div class="cards">' + "".join(
        f"<div class=\"card\"><b>{_f(v)}</b><span>{e(k)}</span></div>" for k, v in cards)
        + "</div>")
    thresholds = entry.get("thresholds")
    out.append('<div class="row"><div class="tables">')
    out.append("<h3>Per label</h3><table><tr><th>label</th><th>precision</th><th>recall</th>"
               "<th>F1</th><th>support</th>" + ("<th>threshold</th>" if thresholds else "")
               + "</tr>")
    for lab, row in entry["per_label"].items():
        link = f'<a href="#{_slug("label", head, lab)}">{e(lab)}</a>' if thresholds else e(lab)
        out.append(f"<tr><td>{link}</td><td>{row['precision']:.3f}</td>"
                   f"<td>{row['recall']:.3f}</td>{_bar(row['f1'])}<td>{row['support']}</td>"
                   + (f"<td>{thresholds[lab]:.2f}</td>" if thresholds else "") + "</tr>")
    out.append("</table>")
    by_lang = entry.get("by_language") or {}
    if by_lang:
        key = "accuracy" if entry["kind"] == "multiclass" else "micro_f1"
        out.append(f"<h3>By language</h3><table><tr><th>language</th><th>rows</th>"
                   f"<th>{'accuracy' if key == 'accuracy' else 'micro F1'}</th>"
                   "<th>macro F1</th></tr>")
        for lang, m in by_lang.items():
            out.append(f"<tr><td>{e(lang)}</td><td>{m['n']}</td><td>{_f(m[key])}</td>"
                       f"<td>{_f(m['macro_f1'])}</td></tr>")
        out.append("</table>")
    out.append("</div>")
    what = "best class" if entry["kind"] == "multiclass" else "every label"
    figures = [f'<figure class="reliability"><h3>Calibration: reliability diagram</h3>'
               f"{_reliability_plot(Figure, entry['reliability'], entry['ece'], what)}"
               "<figcaption>Points on the diagonal: a score of 0.7 is right 70% of the "
               "time.</figcaption></figure>"]
    confusion = entry.get("confusion")
    if confusion:
        labels = confusion["labels"]
        table = ["<table><tr><th>true \\ predicted</th>"
                 + "".join(f"<th>{e(x)}</th>" for x in labels) + "</tr>"]
        for lab, counts in zip(labels, confusion["matrix"]):
            table.append(f"<tr><td>{e(lab)}</td>" + "".join(f"<td>{c}</td>" for c in counts)
                         + "</tr>")
        table.append("</table>")
        figures.append('<figure class="confusion"><h3>Confusion matrix</h3>'
                       f"{_confusion_plot(Figure, labels, confusion['matrix'])}"
                       + "".join(table) + "</figure>")
    out.append("".join(figures) + "</div>")
    out.append("</section>")
    return out


_LEGEND = ('<p class="legend"><i style="background:#4c72b0"></i>precision '
           '<i style="background:#dd8452"></i>recall <i style="background:#55a868"></i>F1 '
           '<i class="dash"></i>the label\'s threshold</p>')


def _curves_html(Figure: Any, head: str, entry: dict[str, Any]) -> list[str]:
    e = html.escape
    out = [f'<section class="curves" id="{_slug("curves", head)}">',
           f"<h2>Threshold curves: {e(head)}</h2>", _LEGEND, '<div class="labels">']
    thresholds = entry["thresholds"]
    for lab, curve in entry["curves"].items():
        t = thresholds[lab]
        row = entry["per_label"][lab]
        out.append(f'<section class="label" id="{_slug("label", head, lab)}">'
                   f"<h3>{e(lab)}</h3>{_threshold_plot(Figure, curve, t)}"
                   f"<p>At its threshold {t:.2f}: precision {row['precision']:.3f}, "
                   f"recall {row['recall']:.3f}, F1 {row['f1']:.3f} "
                   f"({row['support']} rows have it).</p></section>")
    out += ["</div>", "</section>"]
    return out


def render_html(report: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write the report as one self-contained HTML file and return its path.

    Styles are inline and every plot is an embedded PNG: the file needs no
    network and no other file.  Each head has a ``<section class="head">``
    with its summary, per-label table, figures by language and reliability
    diagram (and the confusion matrix for stance); then, for each head with
    thresholds, a ``<section class="curves">`` holding one
    ``<section class="label">`` per label with its threshold curve.

    Raises
    ------
    MissingDependencyError
        If matplotlib is not installed.
    OutputError
        If the file cannot be written.
    """
    from topicclf.writers import check_writable

    Figure = _matplotlib()
    target = os.fspath(path)
    check_writable(target)
    e = html.escape
    langs = ", ".join(f"{e(k)} {v}" for k, v in report.get("languages", {}).items())
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(report['title'])}</title><style>{_CSS}</style></head><body>",
             f"<header><h1>{e(report['title'])}</h1>",
             f'<p class="meta">{report["rows"]} held-out rows'
             + (f" ({langs})" if langs else "")
             + f" · model {e(report['model']['name'])} {e(report['model']['version'])}"
             f" · {e(report['created'])}</p></header>"]
    for note in report.get("warnings", []):
        parts.append(f'<p class="warn">{e(note)}</p>')
    links = [f'<a href="#{_slug("head", h)}">{e(h)}</a>' for h in report["heads"]]
    links += [f'<a href="#{_slug("curves", h)}">threshold curves: {e(h)}</a>'
              for h, entry in report["heads"].items() if entry.get("curves")]
    parts.append("<nav><p>" + " · ".join(links) + "</p></nav>")
    for head, entry in report["heads"].items():
        parts += _head_html(Figure, head, entry)
    for head, entry in report["heads"].items():
        if entry.get("curves"):
            parts += _curves_html(Figure, head, entry)
    parts.append("</body></html>")
    directory = os.path.dirname(os.path.abspath(target))
    partial = os.path.join(directory, f".{os.path.basename(target)}.{os.getpid()}.partial")
    try:
        with open(partial, "w", encoding="utf-8") as fh:
            fh.write("\n".join(parts) + "\n")
        os.replace(partial, target)
    except OSError as exc:
        if os.path.exists(partial):
            os.remove(partial)
        raise OutputError(f"cannot write report '{target}': {exc.strerror}") from None
    log.info("wrote the report to %s", target)
    return Path(target)


def evaluation_report_table(tagger: "Tagger", data: Any, *, text_column: str = "text",
                            topics: str | None = None, stance: str | None = None,
                            countries: str | None = None, regions: str | None = None,
                            language_column: str | None = None, label_sep: str = "|",
                            n_bins: int = 10, title: str | None = None) -> dict[str, Any]:
    """:func:`evaluation_report` of a labelled table (what ``topicclf evaluate`` runs).

    Parameters
    ----------
    tagger : Tagger
        A fitted tagger.
    data : DataFrame or path
        Labelled rows the tagger was not trained on (CSV, TSV, JSON Lines or
        Parquet when a path).
    text_column, topics, stance, countries, regions, language_column, label_sep
        Column names and label separator, as in :func:`topicclf.train`.
    n_bins, title
        As in :func:`evaluation_report`.

    Raises
    ------
    MissingColumnError, InvalidInputError
    """
    from topicclf.training import read_labelled

    heads = {"topics": topics, "stance": stance, "countries": countries, "regions": regions}
    texts, targets, langs = read_labelled(data, text_column, heads, language_column, label_sep)
    return evaluation_report(tagger, texts, languages=langs, n_bins=n_bins, title=title,
                             **targets)
