"""Typed exceptions raised by topicclf.

Every exception derives from :class:`TopicclfError`, so callers (and the CLI)
can catch the library's own errors in one place.  Each subclass also derives
from the builtin it resembles, so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "TopicclfError",
    "InvalidInputError",
    "MissingColumnError",
    "NotFittedError",
    "ModelFileError",
    "TamperedModelError",
    "ModelVersionError",
    "NoShippedModelError",
    "DataFileError",
    "OutputError",
    "EngineError",
]


class TopicclfError(Exception):
    """Base class of every error raised on purpose by topicclf."""


class InvalidInputError(TopicclfError, ValueError):
    """An argument or a data value is not what was expected."""


class MissingColumnError(InvalidInputError, KeyError):
    """A named column does not exist in the input table."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class NotFittedError(TopicclfError, ValueError, AttributeError):
    """A model was used before being fitted."""


class ModelFileError(TopicclfError, OSError):
    """A model directory cannot be read or is not a valid topicclf model."""


class TamperedModelError(ModelFileError):
    """A model file does not match the hash recorded in its card."""


class ModelVersionError(ModelFileError):
    """A model was written by a newer, incompatible format version."""


class NoShippedModelError(ModelFileError, FileNotFoundError):
    """No pretrained model is installed with the package."""


class DataFileError(TopicclfError, OSError):
    """An input data file is missing or cannot be parsed."""


class OutputError(TopicclfError, OSError):
    """An output file cannot be written."""


class EngineError(TopicclfError, RuntimeError):
    """The scoring engine cannot start (Dask not installed, scheduler unreachable)."""
