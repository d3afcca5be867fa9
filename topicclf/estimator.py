"""The scikit-learn estimator conventions, without importing scikit-learn.

Scoring a file with a trained model needs only NumPy and SciPy: importing
scikit-learn costs more than a second (it pulls in ``scipy.stats``), which
would triple the command line's cold start.  So the public estimators
(:class:`~topicclf.model.Tagger`, :class:`~topicclf.features.TextFeatures`)
take their parameter handling from this mixin instead of
``sklearn.base.BaseEstimator``; ``sklearn.base.clone``, grid searches and
pipelines work with them all the same, since they only need ``get_params``
and ``set_params``.  scikit-learn itself is imported inside ``fit``.

>>> class Demo(Params):
...     def __init__(self, *, C=1.0, name="x"):
...         self.C = C
...         self.name = name
>>> Demo(C=2.0)
Demo(C=2.0)
>>> Demo().set_params(name="y").get_params()
{'C': 1.0, 'name': 'y'}
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["Params", "require_fitted"]


class Params:
    """``get_params`` / ``set_params`` / ``repr`` from the ``__init__`` signature."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters and their values."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> "Params":
        """Set constructor parameters; unknown names raise ``ValueError``."""
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"invalid parameter {name!r} for {type(self).__name__}; "
                                 f"valid parameters: {', '.join(sorted(valid))}")
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's default estimator tags, for its model-selection tools
        (only scikit-learn calls this, so importing it here costs scoring nothing)."""
        from sklearn.base import BaseEstimator

        return BaseEstimator.__sklearn_tags__(self)

    def __repr__(self) -> str:
        defaults = {name: p.default for name, p in
                    inspect.signature(type(self).__init__).parameters.items()}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items()
                   if not _same(v, defaults.get(k, inspect.Parameter.empty))]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # noqa: BLE001 (arrays and other odd values: show them)
        return False


def require_fitted(obj: Any, attribute: str, message: str | None = None) -> None:
    """Raise :class:`~topicclf.errors.NotFittedError` unless ``obj`` has ``attribute``."""
    if not hasattr(obj, attribute):
        from topicclf.errors import NotFittedError

        raise NotFittedError(message or f"{type(obj).__name__} is not fitted yet; call fit first")
