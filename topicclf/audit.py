"""Find rows whose given label is probably wrong (confident learning).

Our own implementation of the idea of Northcutt, Jiang and Chuang (2021,
"Confident learning: estimating uncertainty in dataset labels"); cleanlab is
not a dependency (AGPL).  The steps:

1. Out-of-fold probabilities: the rows are split into ``cv`` folds,
   stratified on the labels (:func:`topicclf.folds.multilabel_folds`), and
   every row is scored by a :class:`~topicclf.model.Tagger` fitted on the
   other folds only, so no row is scored by a model that saw its label.
2. Confident thresholds: for each label ``j``, ``t_j`` is the mean
   out-of-fold probability of ``j`` over the rows labelled ``j`` — what the
   model typically says when ``j`` is right.
3. The confident joint: ``C[g, k]`` counts the rows labelled ``g`` whose
   most probable label among those reaching their threshold is ``k`` (a row
   whose given label is below its threshold while another label is above
   it lands off the diagonal).  Rescaled to the label counts, ``C[g, k]``
   estimates how many rows labelled ``g`` belong to ``k``.
4. Suspects ("prune by noise rate"): for each ``g != k``, that many rows
   labelled ``g`` are flagged, those with the largest margin ``p_k - p_g``
   (positive margins only); the suggestion is ``k``, the confidence the
   margin.

Multi-label data are audited label by label, each as a two-class problem
(present / absent): a given label the model confidently places in
"absent" is suggested for removal, a missing label it confidently places in
"present" for addition, with margin ``|2p - 1|``.

The evidence of a suspect row is the words of its text that push the
suggested label up the most, from the fold model that scored it
(:meth:`Tagger.explain`).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from topicclf.errors import InvalidInputError
from topicclf.features import check_texts
from topicclf.folds import multilabel_folds

__all__ = ["audit", "audit_table", "COLUMNS"]

log = logging.getLogger(__name__)

#: Columns of the audit table (``id`` only when ids are given).
COLUMNS = ("row", "given", "suggested", "confidence", "evidence", "reason")

#: Labels with fewer examples are left out of the audit.
MIN_EXAMPLES = 3


def _label_lists(labels: Any, kind: str, n: int) -> list[list[str]]:
    from topicclf.model import _as_label_lists

    lists = _as_label_lists(labels, "labels", n)
    if kind == "multiclass":
        bad = [i for i, v in enumerate(lists) if len(v) != 1]
        if bad:
            raise InvalidInputError(
                f"kind='multiclass' needs exactly one label per row; rows "
                f"{', '.join(map(str, bad[:10]))} have {lists[bad[0]]!r}"
                + (" ..." if len(bad) > 10 else "") + "; use kind='multilabel' for label sets")
    return lists


def _fit_fold(texts: list[str], lists: list[list[str]], kind: str, langs: list[str] | None,
              params: dict[str, Any]) -> Any:
    from topicclf.model import Tagger

    counts = Counter(x for v in lists for x in v)
    keep = {c for c, k in counts.items() if k >= 2}
    if kind == "multiclass":
        rows = [i for i, v in enumerate(lists) if v[0] in keep]
        target = {"stance": [lists[i][0] for i in rows]}
    else:
        rows = list(range(len(texts)))
        target = {"topics": [[x for x in v if x in keep] for v in lists]}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="training on .* texts", category=UserWarning)
        return Tagger(**params).fit([texts[i] for i in rows],
                                    languages=[langs[i] for i in rows] if langs else None,
                                    **target)


def _oof(texts: list[str], lists: list[list[str]], classes: list[str], kind: str,
         folds: np.ndarray, langs: list[str] | None, params: dict[str, Any]
         ) -> tuple[np.ndarray, list[Any]]:
    """Out-of-fold probabilities (n, k) and the model that scored each row."""
    head = "stance" if kind == "multiclass" else "topics"
    col = {c: j for j, c in enumerate(classes)}
    P = np.zeros((len(texts), len(classes)))
    scorer: list[Any] = [None] * len(texts)
    for k in np.unique(folds):
        train, test = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        log.info("audit: fold %d, fitting on %d rows, scoring %d", k, len(train), len(test))
        model = _fit_fold([texts[i] for i in train], [lists[i] for i in train], kind,
                          [langs[i] for i in train] if langs else None, params)
        proba = model.predict_proba([texts[i] for i in test],
                                    languages=[langs[i] for i in test] if langs else None)[head]
        cols = [col[c] for c in model.heads_[head].classes_]
        P[np.ix_(test, cols)] = proba
        for i in test:
            scorer[i] = model
    return P, scorer


def _confident_thresholds(P: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per class, the mean probability of that class over the rows labelled with it."""
    return np.array([P[y == j, j].mean() if (y == j).any() else 1.0
                     for j in range(P.shape[1])])


def _label_issues(P: np.ndarray, y: np.ndarray, t: np.ndarray
                  ) -> dict[int, tuple[int, int, float]]:
    """Rows likely mislabelled: ``{row: (given, suggested, margin)}``.

    The confident joint ``C[g, k]`` counts the rows labelled ``g`` whose most
    probable class among those reaching their confident threshold is ``k``.
    Its rows are rescaled to the label counts (rows with no class above its
    threshold are not counted), which estimates how many rows labelled ``g``
    truly belong to ``k``; that many rows labelled ``g`` are flagged, those
    with the largest margin ``p_k - p_g`` (positive margins only).
    "Prune by noise rate" in the confident-learning paper.

    >>> P = np.array([[.9, .1], [.8, .2], [.2, .8], [.1, .9], [.7, .3], [.15, .85]])
    >>> _label_issues(P, np.array([0, 0, 0, 1, 1, 1]), np.array([.6, .75]))
    {2: (0, 1, 0.6), 4: (1, 0, 0.4)}
    """
    n, k = P.shape
    above = P >= t[None, :]
    counted = above.any(axis=1)
    best = np.where(above, P, -np.inf).argmax(axis=1)
    joint = np.zeros((k, k))
    np.add.at(joint, (y[counted], best[counted]), 1)
    sizes = np.bincount(y, minlength=k)
    totals = joint.sum(axis=1, keepdims=True)
    calibrated = np.divide(joint * sizes[:, None], totals, out=np.zeros_like(joint),
                           where=totals > 0)
    found: dict[int, tuple[int, int, float]] = {}
    for g in range(k):
        rows = np.flatnonzero(y == g)
        for s in range(k):
            m = int(round(calibrated[g, s]))
            if s == g or m == 0:
                continue
            margin = P[rows, s] - P[rows, g]
            order = np.argsort(-margin, kind="stable")[:m]
            for r, mg in zip(rows[order], margin[order]):
                if mg > 0 and (r not in found or mg > found[r][2]):
                    found[int(r)] = (g, s, round(float(mg), 6))
    return dict(sorted(found.items()))


def _evidence(model: Any, text: str, label: str, head: str, n_words: int) -> str:
    if label not in model.heads_[head].classes_:
        return ""
    reasons = model.explain(text, label, k=max(3 * n_words, 10), head=head)
    words = [r for r in reasons if r.weight > 0][:n_words]
    return ", ".join(f"{r.phrase} (+{r.weight:.2f})" for r in words)


def audit(texts: Sequence[str], labels: Sequence[Any], *,
          kind: Literal["multilabel", "multiclass"] = "multilabel", cv: int = 5, seed: int = 0,
          languages: Sequence[str] | None = None,
          tagger_params: Mapping[str, Any] | None = None,
          ids: Sequence[Any] | None = None, n_words: int = 5) -> pd.DataFrame:
    """Rows whose given label disagrees confidently with cross-validated predictions.

    Parameters
    ----------
    texts : list of str
        The labelled texts.
    labels : list
        ``kind="multilabel"``: one list of label ids per text (a bare string
        is one label).  ``kind="multiclass"``: one label id per text.
    kind : {"multilabel", "multiclass"}, default="multilabel"
        Label sets (topics) or exactly one label per row (stance).
    cv : int, default=5
        Folds of the out-of-fold predictions (at least 2).
    seed : int, default=0
        Seed of the folds and models: the same data and seed give the same audit.
    languages : list of str, optional
        Language codes of the texts; detected when omitted.
    tagger_params : dict, optional
        :class:`~topicclf.model.Tagger` parameters of the fold models; by
        default ``cv=3`` (their own calibration folds) and ``random_state=seed``.
    ids : list, optional
        Row identifiers, copied into an ``id`` column.
    n_words : int, default=5
        Words in each row's evidence.

    Returns
    -------
    DataFrame
        One row per suspect, most suspicious first, with columns ``row``
        (0-based position in ``texts``), ``id`` (when ``ids`` is given),
        ``given`` and ``suggested`` (label ids joined by ``|``; an empty
        suggestion means "none of the given labels, and no other one"),
        ``confidence`` (the margin, 0–1), ``evidence`` (the words behind the
        suggestion, with their weights in log-odds) and ``reason`` (the
        probabilities that triggered the flag).  ``attrs["thresholds"]``
        holds the confident threshold of each label.

    Raises
    ------
    InvalidInputError
        On misaligned labels, fewer than two usable labels, or a bad ``cv``
        or ``kind``.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> texts = ["Bomb attack kills ten", "Suicide bomber attack", "Terror attack foiled",
    ...          "Cup final goal", "Football match goal", "Late goal wins the cup"] * 4
    >>> labels = ["terror"] * 3 + ["sport"] * 3 + ["terror"] * 3 + ["sport"] * 3
    >>> labels = labels * 2
    >>> labels[3] = "terror"                      # a football text labelled terror
    >>> found = audit(texts, labels, kind="multiclass", cv=3, tagger_params={"min_df": 1})
    >>> first = found.iloc[0]
    >>> int(first["row"]), first["given"], first["suggested"]
    (3, 'terror', 'sport')
    """
    texts = check_texts(texts)
    n = len(texts)
    if kind not in ("multilabel", "multiclass"):
        raise InvalidInputError(f"kind must be 'multilabel' or 'multiclass', got {kind!r}")
    if isinstance(cv, bool) or not isinstance(cv, (int, np.integer)) or cv < 2:
        raise InvalidInputError(f"cv must be an integer of at least 2, got {cv!r}")
    if n < 2 * cv:
        raise InvalidInputError(f"too few rows ({n}) for a {cv}-fold audit; need at least "
                                f"{2 * cv}")
    if ids is not None and len(ids) != n:
        raise InvalidInputError(f"got {len(ids)} ids for {n} texts")
    lists = _label_lists(labels, kind, n)
    given_lists = lists
    counts = Counter(x for v in lists for x in v)
    rare = sorted(c for c, k in counts.items() if k < MIN_EXAMPLES)
    if rare:
        warnings.warn(f"labels with fewer than {MIN_EXAMPLES} examples are not audited: "
                      + ", ".join(f"{c!r} ({counts[c]})" for c in rare), UserWarning,
                      stacklevel=2)
    classes = sorted(c for c in counts if c not in set(rare))
    if len(classes) < 2:
        raise InvalidInputError(f"an audit needs at least two labels with {MIN_EXAMPLES} or "
                                f"more examples; got {classes}")
    index = {c: j for j, c in enumerate(classes)}
    lists = [[x for x in v if x in index] for v in lists]
    # multiclass rows of a too rare label are neither trained on nor audited
    audited = np.array([bool(v) or kind == "multilabel" for v in lists])
    Y = np.zeros((n, len(classes)), dtype=bool)
    for i, v in enumerate(lists):
        Y[i, [index[x] for x in v]] = True
    langs = list(languages) if languages is not None else None
    if langs is None:
        from topicclf.text import detect_languages

        langs = detect_languages(texts)
    params = {"cv": 3, "random_state": seed, **dict(tagger_params or {})}
    folds = multilabel_folds(Y, n_splits=cv, random_state=seed)
    sub = np.flatnonzero(audited)
    P_sub, scorer_sub = _oof([texts[i] for i in sub], [lists[i] for i in sub], classes, kind,
                             folds[sub], [langs[i] for i in sub], params)
    P = np.zeros((n, len(classes)))
    P[sub] = P_sub
    scorer: list[Any] = [None] * n
    for i, m in zip(sub, scorer_sub):
        scorer[i] = m
    head = "stance" if kind == "multiclass" else "topics"
    Ps, Ys = P[sub], Y[sub]
    thresholds: dict[str, float] = {}
    issues: dict[int, dict[str, Any]] = {}  # row -> {"drop": {j: margin}, "add": {k: margin}}
    if kind == "multiclass":
        y = Ys.argmax(axis=1)
        t = _confident_thresholds(Ps, y)
        thresholds = {c: round(float(v), 4) for c, v in zip(classes, t)}
        for r, (g, k, margin) in _label_issues(Ps, y, t).items():
            issues[int(sub[r])] = {"drop": {g: margin}, "add": {k: margin}}
    else:
        for j, c in enumerate(classes):
            P2 = np.column_stack([1 - Ps[:, j], Ps[:, j]])
            y = Ys[:, j].astype(int)
            t = _confident_thresholds(P2, y)
            thresholds[c] = round(float(t[1]), 4)
            for r, (g, _, margin) in _label_issues(P2, y, t).items():
                entry = issues.setdefault(int(sub[r]), {"drop": {}, "add": {}})
                entry["drop" if g == 1 else "add"][j] = margin
    rows = []
    for i, found in issues.items():
        p, given = P[i], np.flatnonzero(Y[i])
        drop, add = found["drop"], found["add"]
        kept = [j for j in given if j not in drop] + sorted(add, key=lambda k: -p[k])
        target = max(add, key=lambda k: p[k]) if add else None
        word = "suggested" if kind == "multiclass" else "missing"
        reason = "; ".join([f"given {classes[j]} p={p[j]:.2f}" for j in drop]
                           + [f"{word} {classes[k]} p={p[k]:.2f}" for k in add])
        if not kept:  # every given label doubted and none confidently missing
            other = max((k for k in range(len(classes)) if k not in drop), key=lambda k: p[k],
                        default=None)
            reason += "; no label instead" + (f" (best other: {classes[other]} p={p[other]:.2f})"
                                              if other is not None else "")
        rows.append({
            "row": i,
            "given": "|".join(given_lists[i]),
            "suggested": "|".join(classes[j] for j in kept),
            "confidence": round(float(max([*drop.values(), *add.values()])), 4),
            "evidence": _evidence(scorer[i], texts[i], classes[target], head, n_words)
            if target is not None else "",
            "reason": reason,
        })
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame = frame.sort_values(["confidence", "row"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    if ids is not None:
        id_list = list(ids)
        frame.insert(1, "id", [id_list[r] for r in frame["row"]])
    frame.attrs["thresholds"] = thresholds
    log.info("audit: %d suspect rows of %d", len(frame), n)
    return frame


def audit_table(data: pd.DataFrame | str | os.PathLike[str], *, text_column: str = "text",
                topics: str | None = None, stance: str | None = None,
                language_column: str | None = None, id_column: str | None = None,
                label_sep: str = "|", cv: int = 5, seed: int = 0,
                tagger_params: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """:func:`audit` of the label columns of a table (what ``topicclf audit`` runs).

    Parameters
    ----------
    data : DataFrame or path
        The labelled table (CSV, TSV, JSON Lines or Parquet when a path).
    text_column, topics, stance, language_column, label_sep
        As in :func:`topicclf.train`; give ``topics`` and/or ``stance``.
    id_column : str, optional
        Column copied into the ``id`` column of the result.
    cv, seed, tagger_params
        As in :func:`audit`.

    Returns
    -------
    DataFrame
        The suspects of every column audited, with a first column ``head``
        (``topics`` or ``stance``), most suspicious first.

    Raises
    ------
    MissingColumnError, InvalidInputError
    """
    from topicclf.training import _prepare, read_table

    if topics is None and stance is None:
        raise InvalidInputError("nothing to audit: pass topics= and/or stance= (column names)")
    frame = read_table(data)
    if id_column is not None and id_column not in frame.columns:
        from topicclf.errors import MissingColumnError

        raise MissingColumnError(f"column not found: id_column={id_column!r} (columns: "
                                 f"{', '.join(map(str, frame.columns))})")
    texts, targets, langs = _prepare(frame, text_column, {"topics": topics, "stance": stance},
                                     language_column, label_sep)
    ids = frame[id_column].tolist() if id_column else None
    parts = []
    for head, values in targets.items():
        found = audit(texts, values, kind="multiclass" if head == "stance" else "multilabel",
                      cv=cv, seed=seed, languages=langs, tagger_params=tagger_params, ids=ids)
        found.insert(0, "head", head)
        parts.append(found)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if len(parts) > 1:
        out = out.sort_values(["confidence", "row"], ascending=[False, True], kind="stable")
        out = out.reset_index(drop=True)
    return out
