"""The :class:`Tagger`: one fitted feature pipeline and several label heads.

Data flow: texts → language ids (:mod:`topicclf.text`) → one sparse feature
matrix (:class:`~topicclf.features.TextFeatures`, fitted once) → heads
(:mod:`topicclf.heads`): ``topics`` (multi-label), ``countries`` and
``regions`` (multi-label) and ``stance`` (single-label) → calibrated
probabilities → labels above each label's tuned threshold.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from topicclf import text as textmod
from topicclf.errors import InvalidInputError, NotFittedError
from topicclf.estimator import Params
from topicclf.explain import attribute
from topicclf.features import TextFeatures, check_texts
from topicclf.folds import fold_indices, multilabel_folds
from topicclf.heads import MultiLabelHead, SingleLabelHead
from topicclf.results import Label, Reason, TagResult
from topicclf.taxonomy import STANCE_FOLD, label_name

__all__ = ["Tagger", "HEADS"]

log = logging.getLogger(__name__)

#: The heads a tagger may have, in output order.
HEADS = ("topics", "countries", "regions", "stance")
_MULTI = {"topics", "countries", "regions"}


def _as_label_lists(values: Sequence[Any], head: str, n: int) -> list[list[str]]:
    if isinstance(values, (str, bytes)):
        raise InvalidInputError(f"{head}: expected one label list per text, got a single string")
    values = list(values)
    if len(values) != n:
        raise InvalidInputError(f"{head}: got {len(values)} label lists for {n} texts")
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)):
            out.append([])
        elif isinstance(v, str):
            out.append([v] if v else [])
        else:
            out.append([str(x) for x in v])
    return out


def _evidence(text: str, lang: str) -> dict[str, dict[str, float]]:
    from topicclf.geo import mention_evidence

    return mention_evidence(text, lang if lang in ("fr", "en") else None)


def _as_dicts(classes: list[str], proba: np.ndarray, floor: float = 0.01
              ) -> list[dict[str, float]]:
    return [{classes[j]: float(row[j]) for j in np.flatnonzero(row >= floor)} for row in proba]


class Tagger(Params):
    """Tag news texts by topic, country, region and stance.

    Parameters
    ----------
    word_ngram_range, char_ngram_range, max_word_features, max_char_features, \
min_df, headline_repeat, char_weight
        Passed to :class:`~topicclf.features.TextFeatures`.
    C : float, default=0.3
        Inverse regularisation of every head's linear SVMs.
    cv : int, default=5
        Folds of the out-of-fold predictions that calibrate the scores and
        tune the per-label thresholds.
    min_country_count : int, default=3
        Countries and regions with fewer training examples get no label of
        their own (a rare country's examples still train its region).
    prune_tol : float, default=0.01
        Weights smaller than this fraction of a label's largest weight are
        dropped, which keeps model files small.
    max_weights, geo_max_weights : int, optional
        At most this many non-zero weights per label (topics and stance; the
        country and region heads), the largest kept.  ``max_weights`` is
        unlimited by default: a cap of 30,000 cost 0.027 topic micro-F1 in
        French and 0.012 in English, where ``prune_tol`` alone costs 0.003
        (``docs/experiments.md``).
    min_topics : int, default=1
        Every article gets at least this many topics (the best ones) even
        when none reaches its threshold, as every annotated article has one.
        Not applied when ``min_score`` is given.
    name, version : str
        Recorded in every result and in the model card.
    random_state : int, default=0
        Seed of the folds and the solvers; the same data and seed give the
        same model.
    n_jobs : int, optional
        Threads fitting the per-label SVMs (``-1``: all cores).

    Examples
    --------
    >>> texts = ["Attentat terroriste à Paris", "Terror attack in London",
    ...          "Le match de football", "The football match"] * 5
    >>> tagger = Tagger(min_df=1).fit(texts, topics=[["terror"], ["terror"], ["sport"], ["sport"]] * 5)
    >>> tagger.tag("Un attentat terroriste").topics[0].id
    'terror'
    """

    def __init__(self, *, word_ngram_range: tuple[int, int] = (1, 2),
                 char_ngram_range: tuple[int, int] = (2, 5),
                 max_word_features: int | None = 150_000,
                 max_char_features: int | None = 150_000,
                 min_df: int = 2, headline_repeat: int = 1, char_weight: float = 1.0,
                 C: float = 0.3, cv: int = 5, min_country_count: int = 3,
                 prune_tol: float = 0.01, max_weights: int | None = None,
                 geo_max_weights: int | None = 3_000, name: str = "custom", version: str = "1",
                 min_topics: int = 1, random_state: int = 0, n_jobs: int | None = None) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.max_word_features = max_word_features
        self.max_char_features = max_char_features
        self.min_df = min_df
        self.headline_repeat = headline_repeat
        self.char_weight = char_weight
        self.C = C
        self.cv = cv
        self.min_country_count = min_country_count
        self.prune_tol = prune_tol
        self.max_weights = max_weights
        self.geo_max_weights = geo_max_weights
        self.name = name
        self.version = version
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.min_topics = min_topics

    # ------------------------------------------------------------------ fit
    def _make_features(self) -> TextFeatures:
        return TextFeatures(word_ngram_range=self.word_ngram_range,
                            char_ngram_range=self.char_ngram_range,
                            max_word_features=self.max_word_features,
                            max_char_features=self.max_char_features, min_df=self.min_df,
                            headline_repeat=self.headline_repeat,
                            char_weight=self.char_weight)

    def fit(self, X: Sequence[str], y: Any = None, *, topics: Sequence[Any] | None = None,
            stance: Sequence[Any] | None = None, countries: Sequence[Any] | None = None,
            regions: Sequence[Any] | None = None,
            languages: Sequence[str] | None = None) -> "Tagger":
        """Fit the features and one head per label set given.

        Parameters
        ----------
        X : list of str
            The texts (headline on the first line, if any).
        y : ignored
            Present for scikit-learn compatibility; use the keywords.
        topics, countries, regions : list of list of str, optional
            Multi-label targets, one list per text (may be empty).
        stance : list of str, optional
            Single-label target, one per text.  Five-way CAMEO labels
            (``verbal-cooperation``, ...) are kept as a fine head and folded
            into cooperation/conflict/neutral for ``result.stance``.
        languages : list of str, optional
            Language codes of the texts; detected when omitted.

        Raises
        ------
        InvalidInputError
            On an empty training set, no target at all, a label with fewer
            than 2 examples, or targets not aligned with the texts.
        """
        texts = check_texts(X)
        if not texts:
            raise InvalidInputError("cannot train on an empty training set: no texts given")
        n = len(texts)
        targets = self._targets(n, topics=topics, stance=stance, countries=countries,
                                regions=regions)
        if n < 200:
            warnings.warn(f"training on {n} texts: held-out figures and thresholds are "
                          "unreliable below a few hundred examples", UserWarning, stacklevel=2)
        langs = list(languages) if languages is not None else textmod.detect_languages(texts)
        self.languages_ = dict(Counter(langs))
        self.features_ = self._make_features()
        Xm = self.features_.fit_transform(texts, languages=langs)
        strat = np.hstack([Y for Y, _ in targets.values()])
        n_splits = max(2, min(self.cv, n // 2))
        self.folds_ = multilabel_folds(strat, n_splits=n_splits, random_state=self.random_state)
        folds = fold_indices(self.folds_)
        self.heads_: dict[str, MultiLabelHead] = {}
        for head, (Y, classes) in targets.items():
            log.info("fitting head %s (%d labels)", head, len(classes))
            if head in _MULTI:
                model = MultiLabelHead(
                    C=self.C, prune_tol=self.prune_tol, random_state=self.random_state,
                    n_jobs=self.n_jobs, max_weights=self.geo_max_weights
                    if head in ("countries", "regions") else self.max_weights)
                self.heads_[head] = model.fit(Xm, Y, classes, folds)
            else:
                model = SingleLabelHead(C=self.C, prune_tol=self.prune_tol,
                                        random_state=self.random_state, n_jobs=self.n_jobs,
                                        max_weights=self.max_weights)
                self.heads_[head] = model.fit(Xm, Y.argmax(axis=1), classes, folds)
        if "countries" in self.heads_:
            self._fit_about(texts, langs, targets)
        self.card_: dict[str, Any] = {}
        return self

    def _fit_about(self, texts: list[str], langs: list[str],
                   targets: dict[str, tuple[np.ndarray, list[str]]]) -> None:
        """Fit the countries-about combiner on out-of-fold head scores."""
        from topicclf.about import AboutModel

        Y, classes = targets["countries"]
        gold = [[c for c, y in zip(classes, row) if y] for row in Y]
        # gold also keeps countries too rare for a head label
        if self._countries_given is not None:
            gold = [list(g) for g in self._countries_given]
        head = self.heads_["countries"]
        region = self.heads_.get("regions")
        self.about_ = AboutModel().fit(
            [_evidence(t, lang) for t, lang in zip(texts, langs)],
            _as_dicts(head.classes_, head.oof_proba_),
            _as_dicts(region.classes_, region.oof_proba_) if region else [{}] * len(texts),
            gold)

    def _targets(self, n: int, **given: Any) -> dict[str, tuple[np.ndarray, list[str]]]:
        if all(v is None for v in given.values()):
            raise InvalidInputError("no labels given: pass at least one of topics=, stance=, "
                                    "countries= or regions=")
        self._countries_given = (_as_label_lists(given["countries"], "countries", n)
                                 if given["countries"] is not None else None)
        if given["countries"] is not None and given["regions"] is None:
            from topicclf.geo import country_region

            lists = _as_label_lists(given["countries"], "countries", n)
            given["regions"] = [sorted({r for c in cs if (r := country_region(c))})
                                for cs in lists]
        out = {}
        for head in HEADS:
            values = given[head]
            if values is None:
                continue
            lists = _as_label_lists(values, head, n)
            if head == "stance" and any(len(v) != 1 for v in lists):
                bad = next(i for i, v in enumerate(lists) if len(v) != 1)
                raise InvalidInputError(f"stance: every text needs exactly one label; "
                                        f"text {bad} has {lists[bad]!r}")
            counts = Counter(label for labels in lists for label in labels)
            geographic = head in ("countries", "regions")
            minimum = self.min_country_count if geographic else 2
            rare = {lab: c for lab, c in counts.items() if c < minimum}
            if rare and geographic:
                log.info("%s with fewer than %d examples get no label: %s",
                         head, minimum, ", ".join(sorted(rare)))
            elif rare:
                listed = ", ".join(f"{lab!r} ({c})" for lab, c in sorted(rare.items()))
                raise InvalidInputError(
                    f"{head}: every label needs at least 2 examples; too few for {listed}. "
                    "Add examples or remove these labels")
            classes = sorted(lab for lab in counts if lab not in rare)
            if len(classes) < (2 if head == "stance" else 1):
                raise InvalidInputError(f"{head}: need at least {2 if head == 'stance' else 1} "
                                        f"labels with enough examples, got {classes}")
            index = {c: i for i, c in enumerate(classes)}
            Y = np.zeros((n, len(classes)), dtype=np.int8)
            for i, labels in enumerate(lists):
                for lab in labels:
                    if lab in index:
                        Y[i, index[lab]] = 1
            out[head] = (Y, classes)
        return out

    # -------------------------------------------------------------- predict
    def _check_fitted(self) -> None:
        if not hasattr(self, "heads_"):
            raise NotFittedError("this Tagger is not fitted yet: call fit(texts, topics=...) "
                                 "or topicclf.train(...), or load one with topicclf.load()")

    def _given_heads(self, **targets: Any) -> dict[str, Any]:
        """The targets that were given, each checked to be one of this model's heads."""
        given = {h: v for h, v in targets.items() if v is not None}
        if not given:
            names = ", ".join(f"{h}=" for h in targets)
            raise InvalidInputError(f"no labels given: pass {names} (the true labels of the "
                                    "texts)")
        for head in given:
            if head not in self.heads_:
                raise InvalidInputError(f"this model has no {head} head (its heads: "
                                        f"{', '.join(self.heads_)}); drop {head}=")
        return given

    @property
    def labels_(self) -> dict[str, list[str]]:
        """The label ids of each head."""
        self._check_fitted()
        return {h: list(m.classes_) for h, m in self.heads_.items()}

    def predict_proba(self, X: Sequence[str], *, languages: Sequence[str] | None = None
                      ) -> dict[str, np.ndarray]:
        """Calibrated probabilities of every label, as ``{head: (n, n_labels) array}``."""
        self._check_fitted()
        texts = check_texts(X)
        langs = list(languages) if languages is not None else textmod.detect_languages(texts)
        Xm = self.features_.transform(texts, languages=langs)
        return {h: m.predict_proba(Xm) for h, m in self.heads_.items()}

    def tag(self, text: str, **kwargs: Any) -> TagResult:
        """Tag one article; see :meth:`tag_many` for the options."""
        if not isinstance(text, str):
            raise InvalidInputError(f"expected one text (str), got {type(text).__name__}; "
                                    "use tag_many() for a list of texts")
        return self.tag_many([text], **kwargs)[0]

    def tag_many(self, texts: Sequence[str], *, top_k: int | None = None,
                 min_score: float | None = None) -> list[TagResult]:
        """Tag many articles at once (one vectorised pass over the model).

        Parameters
        ----------
        texts : list of str
        top_k : int, optional
            Keep at most ``top_k`` labels per multi-label head.
        min_score : float, optional
            One probability cut-off for every label, in place of the tuned
            per-label thresholds.
        """
        self._check_fitted()
        texts = check_texts(texts)
        langs = textmod.detect_languages(texts)
        proba = self.predict_proba(texts, languages=langs)
        meta = {"name": self.name, "version": str(self.version)}
        results = []
        for i, lang in enumerate(langs):
            found: dict[str, Any] = {}
            for head, model in self.heads_.items():
                p = proba[head][i]
                if head == "stance":
                    found["stance"], found["stance_fine"] = self._stance(model.classes_, p)
                    continue
                cut = model.thresholds_ if min_score is None else np.full(len(p), min_score)
                ranked = np.argsort(-p, kind="stable")
                order = [j for j in ranked if p[j] >= cut[j]]
                if head == "topics" and min_score is None and len(order) < self.min_topics:
                    order = list(ranked[: self.min_topics])
                found[head] = [Label(model.classes_[j], label_name(head, model.classes_[j]),
                                     float(p[j])) for j in order[:top_k]]
            scores = {h: dict(zip(m.classes_, map(float, proba[h][i])))
                      for h, m in self.heads_.items()}
            if getattr(self, "about_", None) is not None:
                found["countries"], found["regions"] = self._about(
                    texts[i], lang, scores, top_k, min_score)
            results.append(TagResult(language=lang, model=meta, scores=scores, **found))
        return results

    def _about(self, text: str, lang: str, scores: dict[str, dict[str, float]],
               top_k: int | None, min_score: float | None) -> tuple[list[Label], list[Label]]:
        from topicclf.geo import country_region

        ranked = self.about_.predict(_evidence(text, lang),
                                     {c: p for c, p in scores["countries"].items() if p >= 0.01},
                                     scores.get("regions", {}))
        cut = self.about_.threshold_ if min_score is None else min_score
        chosen = [(c, p) for c, p in ranked if p >= cut][:top_k]
        countries = [Label(c, label_name("countries", c), p) for c, p in chosen]
        # a region is scored by its best candidate country, with its own cut
        best: dict[str, float] = {}
        for c, p in ranked:
            r = country_region(c)
            if r and p > best.get(r, 0.0):
                best[r] = p
        rcut = self.about_.region_threshold_ if min_score is None else min_score
        regions = [Label(r, label_name("regions", r), p)
                   for r, p in sorted(best.items(), key=lambda kv: -kv[1]) if p >= rcut][:top_k]
        return countries, regions

    @staticmethod
    def _stance(classes: list[str], p: np.ndarray) -> tuple[Label, Label | None]:
        if set(classes) <= set(STANCE_FOLD) and set(classes) != {"neutral"}:
            folded: dict[str, float] = {}
            for c, s in zip(classes, p):
                folded[STANCE_FOLD[c]] = folded.get(STANCE_FOLD[c], 0.0) + float(s)
            best = max(sorted(folded), key=folded.__getitem__)
            j = int(np.argmax(p))
            return (Label(best, label_name("stance", best), folded[best]),
                    Label(classes[j], label_name("stance_fine", classes[j]), float(p[j])))
        j = int(np.argmax(p))
        return Label(classes[j], label_name("stance", classes[j]), float(p[j])), None

    def explain(self, text: str, label: str, k: int = 10, *, head: str | None = None
                ) -> list[Reason]:
        """The words and phrases of ``text`` that pushed ``label``'s score up or down.

        Parameters
        ----------
        text : str
        label : str
            A label id of any head (``"counter-terrorism"``, ``"PK"``, ``"034"``...).
        k : int
            How many reasons, largest absolute weight first.
        head : str, optional
            The head of ``label`` when the same id exists in two heads.

        Returns
        -------
        list of Reason
            ``weight`` is the phrase's contribution to the label's log-odds.
        """
        self._check_fitted()
        if not isinstance(text, str):
            raise InvalidInputError(f"expected one text (str), got {type(text).__name__}")
        heads = [head] if head else [h for h, m in self.heads_.items() if label in m.classes_]
        if not heads or heads[0] not in self.heads_ or label not in self.heads_[heads[0]].classes_:
            known = {h: m.classes_ for h, m in self.heads_.items()}
            raise InvalidInputError(f"unknown label {label!r}; this model's labels are {known}")
        model = self.heads_[heads[0]]
        lang = textmod.detect_language(text)
        x = self.features_.transform([text], languages=[lang])
        indices, values, _ = model.contributions(x, model.classes_.index(label))
        return attribute(self.features_, text, lang, indices, values, k)

    # ----------------------------------------------------------- persistence
    def save(self, path: str) -> "Path":
        """Save to a model directory and return its path; see :func:`topicclf.persist.save`."""
        from topicclf.persist import save

        return save(self, path)
