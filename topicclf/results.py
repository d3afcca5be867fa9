"""The value objects a tagger returns: :class:`Label` and :class:`TagResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Label", "TagResult", "Reason"]


@dataclass(frozen=True)
class Label:
    """One label with its calibrated probability.

    >>> Label(id="PK", name="Pakistan", score=0.91).to_dict()
    {'id': 'PK', 'name': 'Pakistan', 'score': 0.91}
    """

    id: str
    name: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "score": round(float(self.score), 4)}


@dataclass(frozen=True)
class Reason:
    """A word or phrase of the text and how much it moved a label's score.

    ``weight`` is in log-odds units of the calibrated probability: positive
    pushes the label up, negative pushes it down.
    """

    phrase: str
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "weight": round(float(self.weight), 4)}


@dataclass(frozen=True)
class TagResult:
    """The tags of one article.

    ``topics``, ``countries`` and ``regions`` hold the labels at or above
    their thresholds, best first; ``stance`` is the most likely stance, or
    ``None`` when the model has no stance head.  ``scores`` holds every
    label's probability by head, for users who apply their own cut-offs.
    """

    language: str
    topics: list[Label] = field(default_factory=list)
    countries: list[Label] = field(default_factory=list)
    regions: list[Label] = field(default_factory=list)
    stance: Label | None = None
    model: dict[str, str] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    stance_fine: Label | None = field(default=None, repr=False)

    @property
    def continents(self) -> list[Label]:
        """The M49 continents of :attr:`regions` (highest region score each)."""
        from topicclf.taxonomy import CONTINENTS, REGIONS

        best: dict[str, float] = {}
        for r in self.regions:
            info = REGIONS.get(r.id)
            if info is not None:
                best[info.parent] = max(best.get(info.parent, 0.0), r.score)
        return [Label(c, CONTINENTS[c].name, s)
                for c, s in sorted(best.items(), key=lambda kv: -kv[1])]

    def to_dict(self) -> dict[str, Any]:
        """A plain JSON-able dict: language, topics, countries, regions, stance, model."""
        return {
            "language": self.language,
            "topics": [x.to_dict() for x in self.topics],
            "countries": [x.to_dict() for x in self.countries],
            "regions": [x.to_dict() for x in self.regions],
            "stance": self.stance.to_dict() if self.stance is not None else None,
            "model": dict(self.model),
        }
