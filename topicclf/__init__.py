"""topicclf: tag French and English news by topic, region and stance.

Submodules load on first use, so ``topicclf --version`` and ``--help`` start
without importing scikit-learn.

>>> import topicclf
>>> sorted(topicclf.TOPICS)[:2]
['armed-conflict', 'bilateral-relations']
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from topicclf._version import __version__
from topicclf.errors import (InvalidInputError, MissingColumnError, ModelFileError,
                             ModelVersionError, NotFittedError, TamperedModelError,
                             TopicclfError)

_LAZY = {
    "Tagger": "topicclf.model", "TagResult": "topicclf.results", "Label": "topicclf.results",
    "Reason": "topicclf.results", "train": "topicclf.training", "evaluate": "topicclf.training",
    "load": "topicclf.persist", "TOPICS": "topicclf.taxonomy", "STANCES": "topicclf.taxonomy",
    "REGIONS": "topicclf.taxonomy",
}

__all__ = [
    "__version__", "Tagger", "TagResult", "Label", "Reason", "train", "evaluate", "load",
    "TOPICS", "STANCES", "REGIONS", "TopicclfError", "InvalidInputError",
    "MissingColumnError", "ModelFileError", "ModelVersionError", "NotFittedError",
    "TamperedModelError",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'topicclf' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
