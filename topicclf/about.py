"""Which countries an article is ABOUT: learned scores plus mention evidence.

For each article the candidates are the countries it mentions (from
:func:`topicclf.geo.mention_evidence`) and the countries the learned country
head scores above a floor.  Each candidate gets a small feature vector — the
learned probability, its region's learned probability, how often, how early
and how (name, capital, demonym, metonym) it is mentioned, whether in the
headline or first sentence, its rank among the mentioned countries — and a
logistic regression, fitted on out-of-fold head scores against the
annotated countries, turns it into a calibrated probability.  Regions are
the M49 regions of the chosen countries, scored by their best country.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from topicclf import geo
from topicclf.heads import best_f1_threshold

__all__ = ["AboutModel", "FEATURES", "candidate_rows"]

FEATURES = (
    "head_p", "head_logit", "has_head", "region_p", "mentioned", "log_count", "share",
    "in_headline", "in_first_sentence", "early", "inv_rank", "log_country", "log_capital",
    "log_city", "log_demonym", "log_metonym", "log_n_mentioned", "head_x_mentioned",
)
_HEAD_FLOOR = 0.05


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return float(np.log(p / (1 - p)))


def candidate_rows(evidence: dict[str, dict[str, float]], head_p: dict[str, float],
                   region_p: dict[str, float]) -> tuple[list[str], np.ndarray]:
    """The candidate countries of one article and their feature rows."""
    codes = list(evidence)
    codes += [c for c, p in sorted(head_p.items(), key=lambda kv: -kv[1])
              if p >= _HEAD_FLOOR and c not in evidence]
    counts = sorted((f["count"] for f in evidence.values()), reverse=True)
    rows = []
    for code in codes:
        f = evidence.get(code)
        p = head_p.get(code, 0.0)
        mentioned = f is not None
        rank = counts.index(f["count"]) + 1 if mentioned else 0
        rows.append([
            p, _logit(p), float(code in head_p),
            region_p.get(geo.country_region(code) or "", 0.0),
            float(mentioned),
            np.log1p(f["count"]) if mentioned else 0.0,
            f["share"] if mentioned else 0.0,
            f["in_headline"] if mentioned else 0.0,
            f["in_first_sentence"] if mentioned else 0.0,
            1.0 - f["first_position"] if mentioned else 0.0,
            1.0 / rank if rank else 0.0,
            *(np.log1p(f[f"count_{k}"]) if mentioned else 0.0
              for k in ("country", "capital", "city", "demonym", "metonym")),
            np.log1p(len(evidence)),
            p * float(mentioned),
        ])
    return codes, np.asarray(rows, dtype=np.float64).reshape(len(codes), len(FEATURES))


class AboutModel:
    """Logistic combination of learned country scores and mention evidence."""

    def fit(self, evidences: Sequence[dict], head_ps: Sequence[dict[str, float]],
            region_ps: Sequence[dict[str, float]], gold: Sequence[Sequence[str]]
            ) -> "AboutModel":
        X, y, doc_codes = [], [], []
        for ev, hp, rp, g in zip(evidences, head_ps, region_ps, gold):
            codes, rows = candidate_rows(ev, hp, rp)
            X.append(rows)
            doc_codes.append(codes)
            y += [int(c in g) for c in codes]
        Xa = np.vstack(X) if X else np.zeros((0, len(FEATURES)))
        y_arr = np.asarray(y)
        if len(set(y)) < 2:  # every candidate right (or wrong): a constant answer
            self.coef_, self.threshold_ = np.zeros(len(FEATURES)), 0.5
            self.intercept_ = 5.0 if y and y[0] == 1 else -5.0
            self.mean_, self.scale_ = np.zeros(len(FEATURES)), np.ones(len(FEATURES))
            self.region_threshold_ = 0.5
            return self
        self.mean_ = Xa.mean(axis=0)
        self.scale_ = Xa.std(axis=0) + 1e-9
        from sklearn.linear_model import LogisticRegression

        lr = LogisticRegression(C=1.0, max_iter=2000).fit((Xa - self.mean_) / self.scale_, y_arr)
        self.coef_, self.intercept_ = lr.coef_.ravel(), float(lr.intercept_[0])
        # threshold for F1 over all candidates; gold countries never proposed stay misses
        missed = sum(len(set(g)) for g in gold) - int(y_arr.sum())
        proba = self._proba(Xa)
        self.threshold_ = best_f1_threshold(np.r_[proba, np.zeros(max(missed, 0))],
                                            np.r_[y_arr, np.ones(max(missed, 0))])
        self.region_threshold_ = self._region_threshold(doc_codes, proba, gold)
        return self

    @staticmethod
    def _region_threshold(doc_codes: list[list[str]], proba: np.ndarray,
                          gold: Sequence[Sequence[str]]) -> float:
        """A region is scored by its best candidate country; tune its own cut."""
        scores, truth, start = [], [], 0
        for codes, g in zip(doc_codes, gold):
            best: dict[str, float] = {}
            for c, p in zip(codes, proba[start:start + len(codes)]):
                r = geo.country_region(c)
                if r:
                    best[r] = max(best.get(r, 0.0), float(p))
            start += len(codes)
            gold_r = {r for c in g if (r := geo.country_region(c))}
            scores += list(best.values()) + [0.0] * len(gold_r - set(best))
            truth += [int(r in gold_r) for r in best] + [1] * len(gold_r - set(best))
        return best_f1_threshold(np.asarray(scores), np.asarray(truth))

    def _proba(self, X: np.ndarray) -> np.ndarray:
        z = ((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-np.clip(z, -35, 35)))

    def predict(self, evidence: dict, head_p: dict[str, float], region_p: dict[str, float]
                ) -> list[tuple[str, float]]:
        """All candidates with their probability, best first."""
        codes, rows = candidate_rows(evidence, head_p, region_p)
        if not codes:
            return []
        proba = self._proba(rows)
        return sorted(zip(codes, proba.tolist()), key=lambda kv: -kv[1])

    def get_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {"features": list(FEATURES), "threshold": float(self.threshold_),
                "region_threshold": float(self.region_threshold_),
                "intercept": float(self.intercept_)}
        return meta, {"coef": self.coef_.astype(np.float64), "mean": self.mean_,
                      "scale": self.scale_}

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> "AboutModel":
        if list(meta["features"]) != list(FEATURES):
            from topicclf.errors import ModelFileError

            raise ModelFileError("the model's country features differ from this topicclf's")
        self = cls()
        self.threshold_, self.intercept_ = float(meta["threshold"]), float(meta["intercept"])
        self.region_threshold_ = float(meta.get("region_threshold", self.threshold_))
        self.coef_, self.mean_, self.scale_ = arrays["coef"], arrays["mean"], arrays["scale"]
        if any(np.shape(a) != (len(FEATURES),) or np.asarray(a).dtype.kind != "f"
               for a in (self.coef_, self.mean_, self.scale_)):
            from topicclf.errors import ModelFileError

            raise ModelFileError("the country combiner's arrays are inconsistent")
        return self
