"""Writing table files that appear only when complete: CSV, TSV, JSON Lines, Parquet.

The writing half of the I/O layer (:mod:`topicclf.io` reads).  Every output
goes to a partial file beside its target and is renamed onto it only when
the ``with`` block of :class:`AtomicWriter` ends normally, so an interrupted
run never leaves a truncated file that looks finished.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import logging
import os
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from topicclf.errors import InvalidInputError, OutputError
from topicclf.io import _DELIMITERS, detect_format

__all__ = ["check_writable", "AtomicWriter", "open_output"]

logger = logging.getLogger(__name__)


def check_writable(path: str) -> None:
    """Raise :class:`OutputError` unless a file can be created at ``path``.

    Call it before any input is consumed; ``-`` (stdout) always passes.

    Raises
    ------
    OutputError
        If the directory is missing or not writable, or ``path`` is a directory.
    """
    if path == "-":
        return
    directory, shown = os.path.dirname(os.path.abspath(path)), os.path.dirname(path) or "."
    if os.path.isdir(path):
        raise OutputError(f"cannot write output '{path}': it is a directory")
    if not os.path.isdir(directory):
        raise OutputError(f"cannot write output '{path}': directory '{shown}' does not exist; "
                          "create it or choose another output path")
    probe = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.probe")
    try:
        open(probe, "xb").close()
        os.remove(probe)
    except OSError as exc:
        raise OutputError(f"cannot write output '{path}': directory '{shown}' is not writable "
                          f"({exc.strerror})") from None


class AtomicWriter:
    """Write chunks to a table file that appears only once complete.

    Rows go to ``.<name>.<pid>.partial`` beside the target, flushed after each
    chunk, then synced and renamed onto the target when the ``with`` block ends
    normally.  On any exception (``KeyboardInterrupt`` too) that file is removed
    and the target left as it was.  ``-`` streams to stdout.  CSV/TSV get one
    header and minimal quoting, lists joined with "|"; JSON Lines one object a
    row, lists kept and NaN as null; Parquet one row group a chunk, with the
    types of the first chunk (all-missing or mixed columns become strings).

    Parameters
    ----------
    path : str
        Target file (``.gz`` compresses CSV/TSV/JSON Lines), or ``-``.
    format : str, optional
        As in :func:`detect_format`; by default from the extension.
    columns_order : sequence of str, optional
        Columns to write, in this order; by default those of the first chunk.
    encoding : str, default "utf-8"
        Encoding of CSV, TSV and JSON Lines.
    partial_path : str, optional
        The temporary file to use instead of ``.<name>.<pid>.partial``.
    resume_at : int, optional
        Continue the partial file of an interrupted run: cut it to its first
        ``resume_at`` bytes (its complete chunks) and append after them; the
        CSV/TSV header is then already written.  Not for Parquet or ``.gz``.
    keep_partial : bool, default False
        On an exception, keep the partial file (to resume from) instead of
        removing it.

    Attributes
    ----------
    rows_written : int
        Rows written so far, e.g. to resume from.
    partial_path : str or None
        The temporary file; ``None`` for stdout.

    Raises
    ------
    OutputError
        From the constructor, if the target cannot be written.
    """

    def __init__(self, path: str, *, format: str | None = None,
                 columns_order: Sequence[str] | None = None, encoding: str = "utf-8",
                 partial_path: str | None = None, resume_at: int | None = None,
                 keep_partial: bool = False) -> None:
        self.path, self.encoding, self.rows_written = path, encoding, 0
        self.format = detect_format(path, format, option="--output-format")
        self.columns = list(columns_order) if columns_order is not None else None
        self._select = columns_order is not None
        self.partial_path = None if path == "-" else partial_path or os.path.join(
            os.path.dirname(path), f".{os.path.basename(path)}.{os.getpid()}.partial")
        if resume_at is not None and (self.partial_path is None or self.format == "parquet"
                                      or path.lower().endswith(".gz")):
            raise InvalidInputError("only a CSV, TSV or JSON Lines file (not .gz, not stdout) "
                                    f"can be resumed; got '{path}'")
        self._resume_at, self._keep_partial = resume_at, keep_partial
        self._binary: Any = None
        self._gzip: gzip.GzipFile | None = None
        self._text: io.TextIOWrapper | None = None
        self._parquet: pq.ParquetWriter | None = None
        self._header_done = bool(resume_at)
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInputError(f"unknown encoding '{encoding}' for output; pass a Python "
                                    "codec name such as utf-8") from None
        check_writable(path)

    def __enter__(self) -> AtomicWriter:
        try:
            if self._resume_at is not None:
                self._binary = open(self.partial_path, "r+b")
                self._binary.truncate(self._resume_at)
                self._binary.seek(self._resume_at)
            else:
                self._binary = (open(self.partial_path, "wb") if self.partial_path
                                else sys.stdout.buffer)
        except OSError as exc:
            raise OutputError(f"cannot write output '{self.path}': {exc.strerror}") from None
        sink = self._binary
        if self.partial_path and self.path.lower().endswith(".gz"):
            sink = self._gzip = gzip.GzipFile(fileobj=self._binary, mode="wb", filename="", mtime=0)
        if self.format != "parquet":
            self._text = io.TextIOWrapper(sink, encoding=self.encoding, newline="")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is not None:
            return self._discard()
        try:
            self._finish()
            if self.partial_path:
                os.replace(self.partial_path, self.path)
                _sync_directory(self.path)
        except BaseException:
            self._discard()
            raise
        logger.info("wrote %d rows to %s", self.rows_written, self.path)

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame``, whose columns must be those of the output."""
        if not isinstance(frame, pd.DataFrame):
            raise InvalidInputError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        if self._binary is None:
            raise InvalidInputError("AtomicWriter.write called outside its 'with' block")
        names = [str(c) for c in frame.columns]
        self.columns = names if self.columns is None else self.columns
        missing = [c for c in self.columns if c not in names]
        extra = [] if self._select else [c for c in names if c not in self.columns]
        if missing or extra:
            raise InvalidInputError(f"chunk columns differ from the output's: missing {missing}, "
                                    f"unexpected {extra}")
        frame = frame.set_axis(names, axis=1)[self.columns]
        {"parquet": self._write_parquet, "jsonl": self._write_jsonl}.get(
            self.format, self._write_csv)(frame)
        self.rows_written += len(frame)
        if self._text is not None:
            self._text.flush()

    def _write_csv(self, frame: pd.DataFrame) -> None:
        quoting = csv.QUOTE_MINIMAL
        for name in frame.columns:
            if frame[name].dtype.kind != "O":
                continue
            values, lists = frame[name].to_numpy(dtype=object), False
            for v in values:
                if isinstance(v, str):
                    if "\r" in v:  # the csv module leaves a bare CR unquoted
                        quoting = csv.QUOTE_NONNUMERIC
                elif isinstance(v, (list, tuple, np.ndarray)):
                    lists = True
            if lists:
                frame = frame.assign(**{name: [
                    "|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v
                    for v in values]})
        buffer = io.StringIO()  # one write a chunk is much faster than one a row
        frame.to_csv(buffer, sep=_DELIMITERS[self.format], index=False, quoting=quoting,
                     header=not self._header_done, lineterminator="\n")
        self._text.write(buffer.getvalue())  # type: ignore[union-attr]
        self._header_done = True

    def _write_jsonl(self, frame: pd.DataFrame) -> None:
        columns = []
        for _, series in frame.items():
            values, missing = series.to_numpy(dtype=object, copy=True), pd.isna(series).to_numpy()
            if series.dtype.kind == "f":
                missing = missing | np.isinf(series.to_numpy(dtype=float, na_value=np.nan))
            values[missing] = None
            columns.append(values)
        dumps = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
        names = self.columns
        self._text.write("".join([dumps(dict(zip(names, row))) + "\n"  # type: ignore[union-attr]
                                  for row in zip(*columns)]))  # type: ignore[arg-type]

    def _write_parquet(self, frame: pd.DataFrame) -> None:
        schema = self._parquet.schema if self._parquet is not None else None
        arrays = [_arrow_column(frame[name], name, schema.field(i).type if schema else None)
                  for i, name in enumerate(frame.columns)]
        if self._parquet is None:
            schema = pa.schema([pa.field(n, a.type) for n, a in zip(frame.columns, arrays)])
            self._parquet = pq.ParquetWriter(self._binary, schema)
        if len(frame):
            self._parquet.write_table(pa.Table.from_arrays(arrays, schema=schema),
                                      row_group_size=len(frame))

    def _finish(self) -> None:
        if (self.format == "parquet" and self._parquet is None or self.format in _DELIMITERS
                and not self._header_done and self.columns is not None):
            self.write(pd.DataFrame({c: pd.Series([], dtype=object) for c in self.columns or []}))
        for step in (self._parquet and self._parquet.close, self._text and self._text.detach,
                     self._gzip and self._gzip.close, self._binary.flush):
            step and step()
        if self.partial_path:
            os.fsync(self._binary.fileno())
            self._binary.close()

    def _discard(self) -> None:
        for step in (self._parquet and self._parquet.close, self._text and self._text.detach,
                     self._gzip and self._gzip.close, self.partial_path and self._binary.close):
            try:
                step and step()
            except (OSError, ValueError):  # the file is thrown away anyway
                pass
        if self.partial_path and os.path.exists(self.partial_path) and not self._keep_partial:
            os.remove(self.partial_path)
            logger.warning("output %s not written: the run did not complete", self.path)


def _sync_directory(path: str) -> None:
    """Make a rename durable where directories can be opened (POSIX)."""
    try:
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _json_default(value: Any) -> Any:
    if isinstance(value, (np.ndarray, np.generic)):
        return value.tolist()
    return value.isoformat() if isinstance(value, (pd.Timestamp, pd.Timedelta)) else str(value)


def _arrow_column(series: pd.Series, name: str, kind: pa.DataType | None) -> pa.Array:
    """A column for Parquet, of type ``kind`` (the first chunk's) when given."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
        values = series.to_numpy()
    else:
        values = series.to_numpy(dtype=object, copy=True)
        values[pd.isna(series).to_numpy()] = None
    try:
        array = pa.array(values, type=kind, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        if kind is not None and not pa.types.is_string(kind):
            raise OutputError(f"cannot write column '{name}' to Parquet: its values no longer "
                              f"fit the type {kind} set by the first chunk") from None
        return pa.array([v if v is None else str(v) for v in values], pa.string())
    if pa.types.is_null(array.type):
        return array.cast(pa.string())
    if pa.types.is_list(array.type) and pa.types.is_null(array.type.value_type):
        return array.cast(pa.list_(pa.string()))
    return array


def open_output(path: str, *, format: str | None = None,
                columns_order: Sequence[str] | None = None,
                encoding: str = "utf-8") -> AtomicWriter:
    """Return an :class:`AtomicWriter` for ``path``, to use in a ``with`` block.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     target = os.path.join(tmp, "tagged.jsonl")
    ...     with open_output(target) as out:
    ...         out.write(pd.DataFrame({"id": ["007"], "topics": [["eco", "pol"]]}))
    ...     print(open(target, encoding="utf-8").read(), end="")
    {"id": "007", "topics": ["eco", "pol"]}
    """
    return AtomicWriter(path, format=format, columns_order=columns_order, encoding=encoding)
