"""topicclf: tag French and English news by topic, region and stance.

>>> import topicclf
>>> sorted(topicclf.TOPICS)[:2]
['armed-conflict', 'bilateral-relations']
"""

from topicclf._version import __version__
from topicclf.errors import (InvalidInputError, MissingColumnError, ModelFileError,
                             ModelVersionError, NotFittedError, TamperedModelError,
                             TopicclfError)
from topicclf.model import Tagger
from topicclf.persist import load
from topicclf.results import Label, Reason, TagResult
from topicclf.taxonomy import REGIONS, STANCES, TOPICS
from topicclf.training import evaluate, train

__all__ = [
    "__version__", "Tagger", "TagResult", "Label", "Reason", "train", "evaluate", "load",
    "TOPICS", "STANCES", "REGIONS", "TopicclfError", "InvalidInputError",
    "MissingColumnError", "ModelFileError", "ModelVersionError", "NotFittedError",
    "TamperedModelError",
]
