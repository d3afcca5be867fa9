"""Re-tune a model's per-label decision thresholds on the user's held-out data.

A trained :class:`~topicclf.model.Tagger` keeps, for every label of its
multi-label heads (topics, countries, regions), the probability above which
the label is given; training picks the one that maximises F1 on out-of-fold
predictions.  On another user's data, or for a user who needs few false
alarms, other cut-offs serve better.  :func:`tune_thresholds` returns a copy
of the model with thresholds tuned on labelled rows the model was *not*
trained on, either for the best F1 or for a precision target (the lowest
threshold whose precision reaches the target, which keeps the most recall).
What was done is recorded in the copy's ``card_["thresholds"]``, which
:func:`topicclf.persist.save` writes into the model card.

With a countries head, the countries (and regions) an article is tagged with
are chosen by the country combiner (``tagger.about_``), which has one
threshold of its own: giving ``countries=`` re-tunes it too.

Examples
--------
>>> import numpy as np
>>> proba = np.array([0.95, 0.9, 0.8, 0.6, 0.4, 0.2])
>>> truth = np.array([1, 1, 0, 1, 0, 0])
>>> precision_threshold(proba, truth, 0.75)   # predict the top 4: precision 3/4
0.5
>>> precision_threshold(proba, truth, 1.0)    # only the top 2 are all right
0.85
>>> precision_threshold(proba, np.zeros(6), 0.5) is None
True
"""

from __future__ import annotations

import copy
import datetime as _dt
import logging
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from topicclf.errors import InvalidInputError
from topicclf.features import check_texts
from topicclf.heads import best_f1_threshold

if TYPE_CHECKING:
    from topicclf.model import Tagger

__all__ = ["tune_thresholds", "tune_thresholds_table", "precision_threshold", "threshold_curve",
           "Objective"]

log = logging.getLogger(__name__)

#: ``"f1"``, one precision target for every label, or a target per label id
#: (labels left out of the mapping get the best-F1 threshold).
Objective = str | float | Mapping[str, float]

_TUNABLE = ("topics", "countries", "regions")


def precision_threshold(proba: np.ndarray, truth: np.ndarray, target: float) -> float | None:
    """The lowest threshold at which ``proba >= t`` reaches ``target`` precision.

    Only cuts between distinct scores are considered; the threshold returned
    lies half-way between the last score kept and the next one (as
    :func:`topicclf.heads.best_f1_threshold` does).  ``None`` when no cut
    reaches the target (or there is no positive row).
    """
    proba = np.asarray(proba, dtype=float)
    truth = np.asarray(truth, dtype=bool)
    if not truth.any():
        return None
    order = np.argsort(-proba, kind="stable")
    p, t = proba[order], truth[order]
    precision = np.cumsum(t) / np.arange(1, len(p) + 1)
    valid = np.r_[p[1:] < p[:-1], True]
    ok = np.flatnonzero(valid & (precision >= target - 1e-12))
    if not ok.size:
        return None
    i = int(ok[-1])
    below = p[i + 1] if i + 1 < len(p) else 0.0
    return float(round((p[i] + below) / 2, 6))


def threshold_curve(proba: np.ndarray, truth: np.ndarray,
                    thresholds: Sequence[float] | np.ndarray | None = None
                    ) -> dict[str, list[float]]:
    """Precision, recall and F1 of ``proba >= t`` for each threshold ``t``.

    Parameters
    ----------
    proba : array of shape (n,)
        Probabilities of one label.
    truth : array of shape (n,)
        Whether each row has the label.
    thresholds : sequence of float, optional
        By default 0.01, 0.02, ..., 0.99.

    Returns
    -------
    dict
        ``{"threshold": [...], "precision": [...], "recall": [...], "f1": [...]}``;
        precision is 1.0 where nothing is predicted.

    Examples
    --------
    >>> curve = threshold_curve(np.array([0.9, 0.6, 0.3]), np.array([1, 0, 1]), [0.5, 0.2])
    >>> curve["precision"], curve["recall"], curve["f1"]
    ([0.5, 0.6667], [0.5, 1.0], [0.5, 0.8])
    """
    proba = np.asarray(proba, dtype=float)
    truth = np.asarray(truth, dtype=bool)
    ts = np.round(np.arange(1, 100) / 100, 2) if thresholds is None else \
        np.asarray(thresholds, dtype=float)
    pred = proba[None, :] >= ts[:, None]
    tp = (pred & truth[None, :]).sum(axis=1)
    npred = pred.sum(axis=1)
    npos = truth.sum()
    precision = np.where(npred > 0, tp / np.maximum(npred, 1), 1.0)
    recall = tp / npos if npos else np.zeros(len(ts))
    f1 = np.where(tp > 0, 2 * tp / np.maximum(npred + npos, 1), 0.0)
    return {"threshold": [round(float(t), 4) for t in ts],
            "precision": np.round(precision, 4).tolist(),
            "recall": np.round(recall, 4).tolist(), "f1": np.round(f1, 4).tolist()}


def _prf_at(proba: np.ndarray, truth: np.ndarray, t: float) -> dict[str, float]:
    pred = proba >= t
    tp = int((pred & truth).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / truth.sum() if truth.sum() else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(float(p), 4), "recall": round(float(r), 4),
            "f1": round(float(f), 4)}


def _check_objective(objective: Any, known: set[str]) -> None:
    if isinstance(objective, str):
        if objective != "f1":
            raise InvalidInputError(f"objective must be 'f1', a precision target in (0, 1] or "
                                    f"a mapping label -> target, got {objective!r}")
        return
    targets = objective.values() if isinstance(objective, Mapping) else [objective]
    for v in targets:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
            raise InvalidInputError(f"a precision target must be a number in (0, 1], got {v!r}")
    if isinstance(objective, Mapping):
        unknown = sorted(set(objective) - known)
        if unknown:
            raise InvalidInputError(f"objective names labels this model does not have: "
                                    f"{', '.join(map(repr, unknown))}; its labels are "
                                    f"{', '.join(sorted(known))}")


def _target(objective: Objective, label: str) -> float | None:
    if isinstance(objective, str):
        return None
    if isinstance(objective, Mapping):
        value = objective.get(label)
        return None if value is None else float(value)
    return float(objective)


def _truth_matrix(lists: list[list[str]], classes: list[str]) -> tuple[np.ndarray, Counter]:
    from topicclf.metrics import label_matrix

    return label_matrix(lists, classes)


def tune_thresholds(tagger: "Tagger", texts: Sequence[str], *,
                    topics: Sequence[Any] | None = None,
                    countries: Sequence[Any] | None = None,
                    regions: Sequence[Any] | None = None,
                    objective: Objective = "f1",
                    languages: Sequence[str] | None = None,
                    min_support: int = 5) -> "Tagger":
    """A copy of ``tagger`` with its label thresholds tuned on held-out rows.

    Parameters
    ----------
    tagger : Tagger
        A fitted tagger; it is not modified.
    texts : list of str
        Labelled texts the tagger was not trained on.
    topics, countries, regions : list of list of str, optional
        The true labels of each text for the heads to tune (a bare string
        counts as one label).  Give at least one.
    objective : "f1", float or dict, default="f1"
        ``"f1"``: the threshold with the best F1.  A float: the lowest
        threshold reaching this precision, for every label.  A dict
        ``{label id: precision target}``: targets for these labels, best F1
        for the others.  When no threshold reaches a label's target, its
        best-F1 threshold is used and a warning says so.
    languages : list of str, optional
        Language codes of the texts; detected when omitted.
    min_support : int, default=5
        Labels with fewer positive rows keep their threshold (a warning lists them).

    Returns
    -------
    Tagger
        A deep copy with new ``thresholds_`` on the tuned heads and a
        ``card_["thresholds"]`` record: per label the old and new threshold,
        the rule applied, the support and precision/recall/F1 at the new
        threshold on these rows.

    Raises
    ------
    NotFittedError
        If ``tagger`` is not fitted.
    InvalidInputError
        On misaligned or missing labels, a head the model lacks, or an
        invalid objective.

    Examples
    --------
    >>> import warnings; warnings.simplefilter("ignore")
    >>> from topicclf import Tagger
    >>> texts = ["Bomb attack in Kabul", "Terror attack in Paris", "The football match",
    ...          "Cup final tonight"] * 5
    >>> labels = [["terror"], ["terror"], ["sport"], ["sport"]] * 5
    >>> tagger = Tagger(min_df=1, cv=2).fit(texts, topics=labels)
    >>> tuned = tune_thresholds(tagger, texts[:8], topics=labels[:8], objective=0.9,
    ...                         min_support=2)
    >>> tuned is tagger, tuned.card_["thresholds"]["heads"]["topics"]["terror"]["rule"]
    (False, 'precision >= 0.9')
    """
    tagger._check_fitted()
    texts = check_texts(texts)
    if not texts:
        raise InvalidInputError("cannot tune thresholds on an empty list of texts")
    given = tagger._given_heads(topics=topics, countries=countries, regions=regions)
    known = {c for h in given for c in tagger.heads_[h].classes_}
    _check_objective(objective, known)
    from topicclf.model import _as_label_lists
    from topicclf.text import detect_languages

    lists = {h: _as_label_lists(v, h, len(texts)) for h, v in given.items()}
    langs = list(languages) if languages is not None else detect_languages(texts)
    proba = tagger.predict_proba(texts, languages=langs)
    tuned = copy.deepcopy(tagger)
    record: dict[str, Any] = {
        "tuned": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rows": len(texts),
        "objective": objective if not isinstance(objective, Mapping) else dict(objective),
        "min_support": int(min_support), "heads": {}}
    unreachable, thin = [], []
    for head, truth in lists.items():
        model = tuned.heads_[head]
        Y, unknown = _truth_matrix(truth, model.classes_)
        if unknown:
            warnings.warn(f"{head}: labels the model does not know are ignored: "
                          + ", ".join(f"{lab!r} ({c} rows)" for lab, c in unknown.most_common()),
                          UserWarning, stacklevel=2)
        new = np.array(model.thresholds_, dtype=np.float64, copy=True)
        labels: dict[str, Any] = {}
        for j, label in enumerate(model.classes_):
            p, y = proba[head][:, j], Y[:, j]
            support = int(y.sum())
            target = _target(objective, label)
            if support < min_support:
                rule = f"kept: {support} positive row(s), fewer than {min_support}"
                thin.append(f"{head}/{label} ({support})")
            elif target is None:
                new[j], rule = best_f1_threshold(p, y), "best F1"
            else:
                found = precision_threshold(p, y, target)
                if found is None:
                    new[j] = best_f1_threshold(p, y)
                    rule = f"best F1 (precision {target:g} not reachable)"
                    unreachable.append(f"{head}/{label}")
                else:
                    new[j], rule = found, f"precision >= {target:g}"
            labels[label] = {"old": round(float(model.thresholds_[j]), 6),
                             "new": round(float(new[j]), 6), "rule": rule, "support": support,
                             **_prf_at(p, y, new[j])}
        model.thresholds_ = new
        record["heads"][head] = labels
    if "countries" in lists and getattr(tuned, "about_", None) is not None:
        record["countries_combiner"] = _tune_about(tuned, texts, langs, proba, lists["countries"],
                                                   objective, unreachable)
    if unreachable:
        warnings.warn(f"no threshold reaches the precision target for {', '.join(unreachable)} "
                      "on these rows; their best-F1 threshold is used", UserWarning, stacklevel=2)
    if thin:
        warnings.warn(f"too few positive rows to tune {', '.join(thin)} (fewer than "
                      f"{min_support}); their thresholds are kept", UserWarning, stacklevel=2)
    tuned.card_ = {**copy.deepcopy(getattr(tagger, "card_", {}) or {}), "thresholds": record}
    log.info("tuned thresholds of %s on %d rows", ", ".join(lists), len(texts))
    return tuned


def _tune_about(tagger: "Tagger", texts: list[str], langs: list[str],
                proba: dict[str, np.ndarray], gold: list[list[str]], objective: Objective,
                unreachable: list[str]) -> dict[str, Any]:
    """Re-tune the country combiner's threshold the way it is fitted: over all candidates."""
    from topicclf.geo import mention_evidence

    head = tagger.heads_["countries"]
    region = tagger.heads_.get("regions")
    scores, truth, missed = [], [], 0
    for i, (text, lang) in enumerate(zip(texts, langs)):
        head_p = {c: float(p) for c, p in zip(head.classes_, proba["countries"][i]) if p >= 0.01}
        region_p = ({r: float(p) for r, p in zip(region.classes_, proba["regions"][i])}
                    if region is not None else {})
        ranked = tagger.about_.predict(mention_evidence(text, lang if lang in ("fr", "en")
                                                        else None), head_p, region_p)
        found = {c for c, _ in ranked}
        scores += [p for _, p in ranked]
        truth += [c in gold[i] for c, _ in ranked]
        missed += len(set(gold[i]) - found)
    p = np.r_[np.asarray(scores, dtype=float), np.zeros(missed)]
    y = np.r_[np.asarray(truth, dtype=bool), np.ones(missed, dtype=bool)]
    old = float(tagger.about_.threshold_)
    target = None if isinstance(objective, (str, Mapping)) else float(objective)
    if not y.any():
        return {"old": old, "new": old, "rule": "kept: no country in these rows"}
    new = precision_threshold(p, y, target) if target is not None else None
    if target is not None and new is None:
        unreachable.append("countries (combiner)")
        rule = f"best F1 (precision {target:g} not reachable)"
    else:
        rule = f"precision >= {target:g}" if target is not None else "best F1"
    if new is None:
        new = best_f1_threshold(p, y)
    tagger.about_.threshold_ = float(new)
    return {"old": round(old, 6), "new": round(float(new), 6), "rule": rule,
            "support": int(y.sum()), **_prf_at(p, y, new)}


def tune_thresholds_table(tagger: "Tagger", data: Any, *, text_column: str = "text",
                          topics: str | None = None, countries: str | None = None,
                          regions: str | None = None, language_column: str | None = None,
                          label_sep: str = "|", objective: Objective = "f1",
                          min_support: int = 5) -> "Tagger":
    """:func:`tune_thresholds` on a labelled table (what ``topicclf tune-thresholds`` runs).

    Parameters
    ----------
    tagger : Tagger
        A fitted tagger; it is not modified.
    data : DataFrame or path
        Labelled rows the tagger was not trained on.
    text_column, topics, countries, regions, language_column, label_sep
        Column names and label separator, as in :func:`topicclf.train`.
    objective, min_support
        As in :func:`tune_thresholds`.

    Raises
    ------
    MissingColumnError, InvalidInputError
    """
    from topicclf.training import read_labelled

    heads = {"topics": topics, "countries": countries, "regions": regions}
    texts, targets, langs = read_labelled(data, text_column, heads, language_column, label_sep)
    return tune_thresholds(tagger, texts, languages=langs, objective=objective,
                           min_support=min_support, **targets)
