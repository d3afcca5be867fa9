"""Save and load model directories safely.

A model directory holds only data, never code:

* ``model-card.json`` — what the model is (format version, library and
  scikit-learn versions, labels with thresholds, languages, training data,
  held-out metrics) and the sha256 of every other file;
* ``features.json`` — the feature parameters, vocabularies and head metadata;
* ``arrays.npz`` — the numeric arrays, read with ``allow_pickle=False``;
* ``MODEL_CARD.md`` — the card for people.

Loading checks every file against its recorded hash, refuses symlinks, paths
outside the directory, oversized files and newer format versions, and warns
when the model was saved by another library version.  Nothing is unpickled.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import tempfile
import warnings
import zipfile
import zlib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from topicclf._version import __version__
from topicclf.errors import (ModelFileError, ModelVersionError, NoShippedModelError,
                             TamperedModelError)

__all__ = ["save", "load", "read_card", "resolve", "available_models", "model_dirs",
           "FORMAT_VERSION", "SHIPPED_MODEL"]

log = logging.getLogger(__name__)

FORMAT = "topicclf-model"
FORMAT_VERSION = 1
SHIPPED_MODEL = "topicclf-news"
CARD = "model-card.json"
_DATA_FILES = ("features.json", "arrays.npz", "MODEL_CARD.md")
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_CARD_BYTES = 16 * 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sklearn_version() -> str:
    from importlib.metadata import version

    return version("scikit-learn")


def _labels_summary(tagger: Any) -> dict[str, Any]:
    from topicclf.taxonomy import label_name

    return {head: {"kind": m.kind,
                   "labels": [{"id": c, "name": label_name(head, c),
                               "threshold": round(float(t), 4) if m.kind == "multilabel" else None}
                              for c, t in zip(m.classes_, m.thresholds_)]}
            for head, m in tagger.heads_.items()}


def save(tagger: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``tagger`` to the directory ``path`` (created; files replaced).

    Returns the directory path.  Files are written to a temporary directory
    next to the target and moved in place, so a crash leaves no half model.
    """
    tagger._check_fitted()
    from topicclf.card import render_markdown

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fmeta, farrays = tagger.features_.get_state()
    meta: dict[str, Any] = {"features": fmeta, "heads": {}}
    arrays = {f"features/{k}": v for k, v in farrays.items()}
    for head, model in tagger.heads_.items():
        hmeta, harrays = model.get_state()
        meta["heads"][head] = hmeta
        arrays.update({f"heads/{head}/{k}": v for k, v in harrays.items()})
    if getattr(tagger, "about_", None) is not None:
        ameta, aarrays = tagger.about_.get_state()
        meta["about"] = ameta
        arrays.update({f"about/{k}": v for k, v in aarrays.items()})
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in tagger.get_params().items()}
    card = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "name": tagger.name, "version": str(tagger.version),
        "created": getattr(tagger, "card_", {}).get("created")
        or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "library_version": __version__, "sklearn_version": _sklearn_version(),
        "params": params, "languages": tagger.languages_,
        "heads": _labels_summary(tagger),
        **{k: v for k, v in getattr(tagger, "card_", {}).items()
           if k not in {"created", "files"}},
    }
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (tmp / "features.json").write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True),
                                           encoding="utf-8")
        _write_npz(tmp / "arrays.npz", arrays)
        (tmp / "MODEL_CARD.md").write_text(render_markdown(card), encoding="utf-8")
        card["files"] = {name: _sha256(tmp / name) for name in _DATA_FILES}
        (tmp / CARD).write_text(json.dumps(card, ensure_ascii=False, indent=1, sort_keys=True),
                                encoding="utf-8")
        target.mkdir(exist_ok=True)
        for name in (*_DATA_FILES, CARD):
            os.replace(tmp / name, target / name)
    finally:
        for leftover in tmp.iterdir():
            leftover.unlink()
        tmp.rmdir()
    return target


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed`` but byte-for-byte reproducible (fixed zip dates)."""
    with zipfile.ZipFile(path, "w") as zf:
        for key, value in sorted(arrays.items()):
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.ascontiguousarray(value), allow_pickle=False)


def _models_root() -> Path:
    """``topicclf/models`` in an installed wheel, ``models/`` in a source checkout."""
    try:
        return Path(str(resources.files("topicclf.models")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "models"


def model_dirs() -> list[Path]:
    """Where a model given by name is looked for, in order.

    The directories of the ``TOPICCLF_MODELS`` environment variable
    (separated by ``os.pathsep``), then ``$XDG_DATA_HOME/topicclf/models``
    (``~/.local/share/topicclf/models`` by default), then the models shipped
    inside the package.
    """
    dirs = [Path(d) for d in os.environ.get("TOPICCLF_MODELS", "").split(os.pathsep) if d]
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"),
                                                                ".local", "share")
    return [*dirs, Path(data_home) / "topicclf" / "models", _models_root()]


def _has_card(folder: Path) -> bool:
    try:
        return (folder / CARD).is_file()
    except OSError:  # an unreadable folder is no model, not a crash
        return False


def available_models() -> dict[str, Path]:
    """Every model found by name in :func:`model_dirs`: name → directory (first wins)."""
    found: dict[str, Path] = {}
    for root in model_dirs():
        try:
            children = sorted(root.iterdir()) if root.is_dir() else []
        except OSError:
            continue
        for child in children:
            if _has_card(child):
                found.setdefault(child.name, child)
    return found


def resolve(model: str | os.PathLike[str] | None = None) -> Path:
    """The directory of ``model``: a path to a model directory, or the name of a
    model in :func:`model_dirs`; ``None`` is the shipped model.

    A bare name (no directory separator) is looked up by name, unless it is
    also a model directory of the current directory, which then wins with a
    warning when an installed model has the same name; anything else is a
    path.

    >>> resolve("topicclf-news").name
    'topicclf-news'
    """
    if model is None:
        return _shipped_dir()
    path = Path(model)
    is_name = isinstance(model, str) and model not in {"", ".", ".."} and not any(
        sep in model for sep in ("/", "\\", os.sep))
    if not is_name:
        return path
    models = available_models()
    found = models.get(str(model))
    if _has_card(path):
        if found is not None and found.resolve() != path.resolve():
            log.warning("using the model directory ./%s, not the installed model %s of the "
                        "same name (pass %s to use that one)", model, model, found)
        return path
    if found is None and path.exists():
        return path  # not a model: read_card says why
    if found is None:
        names = ", ".join(sorted(models)) or "none"
        raise ModelFileError(f"no model directory or model named {str(model)!r}; models found "
                             f"by name: {names} (searched {', '.join(map(str, model_dirs()))})")
    return found


def _shipped_dir(name: str | None = None) -> Path:
    name = name or SHIPPED_MODEL
    candidate = _models_root() / name
    if not (candidate / CARD).is_file():
        raise NoShippedModelError(f"no shipped model named {name!r} is installed with topicclf; "
                                  "train one with topicclf.train(...) or pass a model directory")
    return candidate


def _checked_file(root: Path, name: str) -> Path:
    if not isinstance(name, str) or name in {"", ".", ".."} or "/" in name or "\\" in name \
            or os.sep in name or name.startswith(".."):
        raise ModelFileError(f"model card names an unsafe file {name!r}; refusing to load")
    path = root / name
    if path.is_symlink():
        raise ModelFileError(f"{path} is a symbolic link; model files must be regular files")
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing")
    if root.resolve() not in path.resolve().parents:
        raise ModelFileError(f"model file {path} lies outside the model directory")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ModelFileError(f"model file {path} is larger than {MAX_FILE_BYTES} bytes; refusing")
    return path


def read_card(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Read and check the card of a model (a directory or a name; the shipped one by default)."""
    root = resolve(path)
    if not root.exists():
        raise ModelFileError(f"model directory {str(root)!r} not found")
    if not root.is_dir():
        raise ModelFileError(f"{str(root)!r} is not a model directory (expected a folder "
                             f"holding {CARD})")
    card_path = _checked_file(root, CARD)
    if card_path.stat().st_size > MAX_CARD_BYTES:
        raise ModelFileError(f"{card_path} is too large to be a model card")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ModelFileError(f"{card_path} is not valid JSON: {exc}") from None
    except OSError as exc:
        raise ModelFileError(f"cannot read {card_path}: {exc.strerror or exc}") from None
    if not isinstance(card, dict) or card.get("format") != FORMAT:
        raise ModelFileError(f"{root} is not a topicclf model (its {CARD} has no "
                             f"'format': {FORMAT!r})")
    version = card.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ModelVersionError(
            f"{root} uses model format version {version!r}, newer than this topicclf "
            f"{__version__} reads ({FORMAT_VERSION}); upgrade topicclf to version "
            f"{card.get('library_version', 'newer')} or later")
    files = card.get("files")
    if not isinstance(files, dict) or set(files) != set(_DATA_FILES):
        raise ModelFileError(f"{card_path} must list exactly the files {list(_DATA_FILES)}")
    for name, digest in files.items():
        fpath = _checked_file(root, name)
        if _sha256(fpath) != digest:
            raise TamperedModelError(f"{fpath} does not match the sha256 recorded in {CARD}; "
                                     "the file was modified or corrupted, refusing to load")
    return card


def checked_params(params: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """The known parameters of a saved estimator, each of its default's type.

    Ranges become tuples.  A value of another type (a corrupted or crafted
    file) raises ``ValueError``.
    """
    if not isinstance(params, dict):
        raise ValueError("saved parameters are not a table")
    out: dict[str, Any] = {}
    for key, value in params.items():
        if key not in defaults:
            continue
        default = defaults[key]
        if isinstance(default, tuple):
            ok = (isinstance(value, (list, tuple)) and len(value) == 2
                  and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
                  and value[0] <= value[1])
            value = tuple(value) if ok else value
        elif isinstance(default, bool):
            ok = isinstance(value, bool)
        elif default is None:
            ok = value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise ValueError(f"saved parameter {key}={value!r} is not valid")
        out[key] = value
    return out


def load(path: str | os.PathLike[str] | None = None) -> Any:
    """Load a model directory, or a model by name (see :func:`resolve`);
    without ``path``, the shipped pretrained model.

    Raises
    ------
    ModelFileError
        The directory is missing, unsafe, tampered with, or not a model.
    ModelVersionError
        The model needs a newer topicclf.
    NoShippedModelError
        ``path`` is omitted and no pretrained model is installed.
    """
    from topicclf.features import TextFeatures
    from topicclf.heads import head_from_state
    from topicclf.model import Tagger

    root = resolve(path)
    card = read_card(root)
    if card.get("library_version") != __version__:
        warnings.warn(f"model {root} was saved by topicclf {card.get('library_version')}, "
                      f"this is {__version__}; scores may differ slightly", UserWarning,
                      stacklevel=2)
    try:
        meta = json.loads((root / "features.json").read_text(encoding="utf-8"))
        with np.load(root / "arrays.npz", allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        for key, value in arrays.items():
            if value.dtype.kind not in "fiu" or (value.dtype.kind == "f"
                                                 and not np.isfinite(value).all()):
                raise ModelFileError(f"{root}/arrays.npz: {key} is not finite numeric data")
        tagger = Tagger(**checked_params(card["params"], Tagger().get_params()))
        tagger.features_ = TextFeatures.from_state(
            meta["features"], {k.split("/", 1)[1]: v for k, v in arrays.items()
                               if k.startswith("features/")})
        tagger.heads_ = {}
        if not isinstance(meta.get("heads"), dict) or not all(
                h in ("topics", "countries", "regions", "stance") and isinstance(m, dict)
                for h, m in meta["heads"].items()):
            raise ModelFileError(f"{root}/features.json has no valid 'heads' table")
        for head, hmeta in meta["heads"].items():
            prefix = f"heads/{head}/"
            tagger.heads_[head] = head_from_state(
                hmeta, {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)})
            if tagger.heads_[head].coef_.shape[1] != tagger.features_.n_features_:
                raise ModelFileError(f"head {head!r} does not match the feature vocabulary")
        if "about" in meta:
            from topicclf.about import AboutModel

            tagger.about_ = AboutModel.from_state(
                meta["about"], {k[6:]: v for k, v in arrays.items() if k.startswith("about/")})
    except ModelFileError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError, IndexError, OSError, EOFError,
            RecursionError, zipfile.BadZipFile, zlib.error) as exc:
        raise ModelFileError(f"{root} is not a readable topicclf model: {exc}") from None
    tagger.languages_ = card.get("languages", {})
    tagger.card_ = {k: v for k, v in card.items() if k not in {"files"}}
    return tagger
