"""Train a tagger from a table, measure it on held-out rows, fill its card.

:func:`train` is the user's entry point: it reads a DataFrame or a data
file, parses the label columns (a separator, a JSON list, or Python lists),
holds out a stratified share of the rows, fits on the rest, measures on the
held-out rows, then refits on every row for the model it returns.  The
held-out figures go into the model card; they are never computed on rows
the measured model was trained on.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from topicclf.errors import InvalidInputError, MissingColumnError
from topicclf.folds import multilabel_folds
from topicclf.metrics import label_matrix, multiclass_report, multilabel_report
from topicclf.model import HEADS, Tagger

__all__ = ["train", "evaluate", "parse_labels", "read_table"]

log = logging.getLogger(__name__)


def read_table(data: pd.DataFrame | str | os.PathLike[str]) -> pd.DataFrame:
    """A DataFrame as is, or a data file (CSV, TSV, JSON Lines, Parquet) read whole."""
    if isinstance(data, pd.DataFrame):
        return data
    from topicclf.io import read_chunks

    chunks = list(read_chunks(os.fspath(data)))
    frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
    return frame.drop(columns=["__io_error__"], errors="ignore")


def parse_labels(value: Any, sep: str = "|") -> list[str]:
    """One cell of a label column as a list of label ids.

    >>> parse_labels("counter-terrorism|bilateral-relations")
    ['counter-terrorism', 'bilateral-relations']
    >>> parse_labels('["PK", "RU"]')
    ['PK', 'RU']
    >>> parse_labels(None)
    []
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v).strip() for v in parsed if str(v).strip()]
    return [part.strip() for part in text.split(sep) if part.strip()]


def missing_columns(frame: pd.DataFrame, text_column: str, heads: dict[str, str | None],
                    language_column: str | None) -> str | None:
    """What a labelled table lacks of the columns asked for, or None."""
    wanted = [("text_column", text_column), ("language_column", language_column)]
    wanted += [(h, c) for h, c in heads.items()]
    missing = [(opt, c) for opt, c in wanted if c is not None and c not in frame.columns]
    if not missing:
        return None
    cols = ", ".join(map(str, frame.columns))
    what = "; ".join(f"{opt}={c!r}" for opt, c in missing)
    return f"column not found: {what} (columns: {cols})"


def no_label_column(heads: dict[str, str | None]) -> str | None:
    """The complaint when no head has a label column, or None.

    >>> no_label_column({"topics": None, "countries": None})
    'no label column given: pass topics= or countries= (column names)'
    """
    if any(c is not None for c in heads.values()):
        return None
    names = [f"{h}=" for h in heads]
    listed = ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]
    return f"no label column given: pass {listed} (column names)"


def read_labelled(data: Any, text_column: str, heads: dict[str, str | None],
                  language_column: str | None, label_sep: str
                  ) -> tuple[list[str], dict[str, list[Any]], list[str] | None]:
    """Texts, labels per head and languages of a labelled table or file."""
    if problem := no_label_column(heads):
        raise InvalidInputError(problem)
    return _prepare(read_table(data), text_column, heads, language_column, label_sep)


def _columns(frame: pd.DataFrame, text_column: str, heads: dict[str, str | None],
             language_column: str | None) -> None:
    if problem := missing_columns(frame, text_column, heads, language_column):
        raise MissingColumnError(problem)


def _prepare(frame: pd.DataFrame, text_column: str, heads: dict[str, str | None],
             language_column: str | None, label_sep: str
             ) -> tuple[list[str], dict[str, list[Any]], list[str] | None]:
    _columns(frame, text_column, heads, language_column)
    raw = frame[text_column].tolist()
    bad = [i for i, t in enumerate(raw) if not isinstance(t, str) or not t.strip()]
    if bad:
        shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
        raise InvalidInputError(f"{len(bad)} row(s) have an empty or non-text {text_column!r} "
                                f"(rows {shown}); fill or drop them before training")
    targets: dict[str, list[Any]] = {}
    for head, column in heads.items():
        if column is None:
            continue
        lists = [parse_labels(v, label_sep) for v in frame[column].tolist()]
        targets[head] = [v[0] if v else "" for v in lists] if head == "stance" else lists
    langs = frame[language_column].astype(str).tolist() if language_column else None
    return raw, targets, langs


def _fingerprint(texts: Sequence[str], targets: dict[str, list[Any]]) -> str:
    digest = hashlib.sha256()
    for i, t in enumerate(texts):
        digest.update(t.encode("utf-8", "surrogatepass"))
        for head in sorted(targets):
            digest.update(b"\x00" + json.dumps(targets[head][i]).encode())
        digest.update(b"\x01")
    return digest.hexdigest()


def evaluate(tagger: Tagger, texts: Sequence[str], *, languages: Sequence[str] | None = None,
             **targets: Any) -> dict[str, Any]:
    """Metrics of ``tagger`` against the given targets (``topics=``, ``stance=``, ...)."""
    proba = tagger.predict_proba(texts, languages=languages)
    from topicclf.text import detect_languages

    langs = list(languages) if languages is not None else detect_languages(texts)
    out: dict[str, Any] = {}
    for head, truth in targets.items():
        if truth is None or head not in tagger.heads_:
            continue
        model = tagger.heads_[head]
        if model.kind == "multiclass":
            out[head] = multiclass_report(list(truth), proba[head], model.classes_, langs)
        else:
            lists = [parse_labels(v) if not isinstance(v, list) else v for v in truth]
            Y = label_matrix(lists, model.classes_)[0].astype(np.int8)
            out[head] = multilabel_report(Y, proba[head], model.thresholds_, model.classes_, langs)
    return out


def train(data: pd.DataFrame | str | os.PathLike[str], *, text_column: str = "text",
          topics: str | None = None, stance: str | None = None, countries: str | None = None,
          regions: str | None = None, language_column: str | None = None,
          label_sep: str = "|", test_size: float = 0.2, cv: int | None = None, seed: int = 0,
          refit: bool = True,
          name: str = "custom", version: str = "1", **params: Any) -> Tagger:
    """Train a :class:`~topicclf.model.Tagger` on a labelled table.

    Parameters
    ----------
    data : DataFrame or path
        The labelled articles (CSV, TSV, JSON Lines or Parquet when a path).
    text_column : str
        Column of the article texts.
    topics, stance, countries, regions : str, optional
        Names of the label columns; give any subset.  Multi-label cells hold
        ids joined by ``label_sep`` or a JSON list.
    language_column : str, optional
        Column of language codes; detected when omitted.
    test_size : float, default=0.2
        Share of rows held out (stratified on labels) for the card's figures;
        0 skips the held-out measure.
    cv : int, optional
        Cross-validate with this many folds (stratified on labels) instead of
        one held-out split: ``cv`` extra fits, steadier figures.
    refit : bool, default=True
        Refit on every row after measuring (the returned model).
    **params
        :class:`~topicclf.model.Tagger` parameters.

    Raises
    ------
    MissingColumnError, InvalidInputError

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["Attentat à Kaboul", "Bomb attack in Kabul",
    ...                             "Match de football", "Football match"] * 10,
    ...                    "topics": ["terror", "terror", "sport", "sport"] * 10})
    >>> import warnings; warnings.simplefilter("ignore")
    >>> tagger = train(df, topics="topics", min_df=1)
    >>> float(tagger.card_["metrics"]["heads"]["topics"]["micro_f1"])
    1.0
    """
    frame = read_table(data)
    heads = {"topics": topics, "stance": stance, "countries": countries, "regions": regions}
    if problem := no_label_column(heads):
        raise InvalidInputError(problem)
    from topicclf.validate import check_training_table  # validate imports training

    check_training_table(frame, text_column=text_column, topics=topics, stance=stance,
                         countries=countries, regions=regions, language_column=language_column,
                         label_sep=label_sep)
    texts, targets, langs = _prepare(frame, text_column, heads, language_column, label_sep)
    if not texts:
        raise InvalidInputError("cannot train on an empty training set: the table has no rows")
    make = lambda: Tagger(name=name, version=version, random_state=seed, **params)  # noqa: E731
    metrics: dict[str, Any] = {}
    sub = lambda v, idx: [v[i] for i in idx]  # noqa: E731
    if cv and cv >= 2 and len(texts) >= 2 * cv:
        folds = multilabel_folds(_strata(targets, len(texts)), n_splits=cv, random_state=seed)
        reports = []
        for k in range(cv):
            tr, te = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
            fold_model = make().fit(sub(texts, tr), languages=sub(langs, tr) if langs else None,
                                    **{h: sub(v, tr) for h, v in targets.items()})
            reports.append(evaluate(fold_model, sub(texts, te),
                                    languages=sub(langs, te) if langs else None,
                                    **{h: sub(v, te) for h, v in targets.items()}))
        metrics = {"note": f"{cv}-fold cross-validation stratified on labels: each fold scored "
                           "by a model fitted on the other folds; figures are means over folds, "
                           "supports and confusion counts are sums",
                   "heads": _combine(reports)}
    elif test_size and len(texts) >= 10:
        strat = _strata(targets, len(texts))
        n_splits = max(2, int(round(1 / test_size)))
        test = multilabel_folds(strat, n_splits=n_splits, random_state=seed) == 0
        tr, te = np.flatnonzero(~test), np.flatnonzero(test)
        held = make().fit(sub(texts, tr), languages=sub(langs, tr) if langs else None,
                          **{h: sub(v, tr) for h, v in targets.items()})
        metrics = {"note": f"held-out {len(te)} rows ({test_size:.0%}, stratified on labels) "
                           f"scored by a model fitted on the other {len(tr)} rows",
                   "heads": evaluate(held, sub(texts, te), languages=sub(langs, te) if langs
                                     else None, **{h: sub(v, te) for h, v in targets.items()})}
        if not refit:
            tagger = held
    if cv and not refit:
        raise InvalidInputError("refit=False needs a held-out split, not cv")
    if refit or not metrics:
        tagger = make().fit(texts, languages=langs, **targets)
    tagger.card_ = {
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "training_data": {
            "rows": len(texts), "sha256": _fingerprint(texts, targets),
            "columns": {h: c for h, c in heads.items() if c}, "text_column": text_column,
            "label_counts": {h: dict(Counter(x for v in vals for x in
                                             (v if isinstance(v, list) else [v])).most_common())
                             for h, vals in targets.items()},
        },
        "metrics": metrics,
    }
    return tagger


def _combine(reports: list[Any]) -> Any:
    """Fold reports into one: floats averaged, counts summed, lists added up.

    >>> _combine([{"f1": 0.5, "support": 3}, {"f1": 1.0, "support": 2}])
    {'f1': 0.75, 'support': 5}
    """
    first = reports[0]
    if isinstance(first, dict):
        return {k: _combine([r[k] for r in reports]) for k in first
                if all(isinstance(r, dict) and k in r for r in reports)}
    if isinstance(first, bool) or isinstance(first, str):
        return first
    if isinstance(first, int):
        return int(sum(reports))
    if isinstance(first, float):
        return round(float(np.mean(reports)), 4)
    if isinstance(first, list):
        if all(isinstance(x, str) for x in first):
            return first
        return np.sum(np.asarray(reports), axis=0).tolist() if \
            len({np.shape(r) for r in reports}) == 1 else first
    return first


def _strata(targets: dict[str, list[Any]], n: int) -> np.ndarray:
    columns = []
    for head in HEADS:
        if head not in targets:
            continue
        vals = targets[head]
        labels = sorted({x for v in vals for x in (v if isinstance(v, list) else [v])})
        index = {c: j for j, c in enumerate(labels)}
        Y = np.zeros((n, len(labels)), dtype=np.int8)
        for i, v in enumerate(vals):
            for x in (v if isinstance(v, list) else [v]):
                Y[i, index[x]] = 1
        columns.append(Y)
    return np.hstack(columns)
