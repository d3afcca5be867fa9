"""Read data files (CSV, TSV, JSON Lines, Parquet); :mod:`topicclf.writers` writes them.

Reading streams chunks of text cells and loses no row:

* every data row gives exactly one row, in order, with a RangeIndex that runs on
  across chunks; blank lines are not rows (as in pandas), in CSV, TSV and JSON Lines;
* every cell is a ``str`` or ``None``, never inferred ("007" stays "007"; an empty
  CSV cell is ""); column ``__io_error__`` is ``None`` or a note on what was
  repaired in that row (ragged row padded or cut, NUL bytes removed, invalid JSON);
* without ``encoding=``: UTF-8 with or without BOM (a UTF-16 BOM is honoured);
  bytes that are not UTF-8 are read as cp1252, with a warning; gzip is detected.

These two modules are the only ones that read or write data files.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import json
import logging
import os
import sys
import warnings
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from topicclf.errors import DataFileError, InvalidInputError

__all__ = ["FORMATS", "ERROR_COLUMN", "detect_format", "read_columns", "read_chunks"]

logger = logging.getLogger(__name__)

FORMATS = ("csv", "tsv", "jsonl", "parquet")
ERROR_COLUMN = "__io_error__"
_NAMES = {"csv": "csv", "tsv": "tsv", "tab": "tsv", "jsonl": "jsonl", "ndjson": "jsonl",
          "jsonlines": "jsonl", "parquet": "parquet", "pq": "parquet"}
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl",
               ".ndjson": "jsonl", ".parquet": "parquet", ".pq": "parquet"}
_DELIMITERS = {"csv": ",", "tsv": "\t"}
_BLOCK = 1 << 20          # bytes read at a time
_JSONL_LOOKAHEAD = 1000   # JSON objects whose keys make the JSON Lines header
_NUL = "NUL bytes removed"
_stdin_prefix = b""       # stdin bytes consumed by read_columns("-"), replayed next
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # 10 MB fields and more
_JSON_TEXT = json.JSONDecoder(parse_int=str, parse_float=str, parse_constant=str,
                              strict=False).decode  # numbers keep their text
# Bytes that are not UTF-8 are decoded as cp1252, whose five holes map to C1 controls.
_CP1252 = [bytes([i]).decode("cp1252", "ignore") or chr(i) for i in range(256)]
codecs.register_error("topicclf.cp1252",
                      lambda e: ("".join(_CP1252[b] for b in e.object[e.start:e.end]), e.end))


def detect_format(path: str, explicit: str | None = None, *, option: str = "--input-format") -> str:
    """Return the format of ``path``: "csv", "tsv", "jsonl" or "parquet".

    Parameters
    ----------
    path : str
        A file name, whose extension decides (``.csv``, ``.tsv``/``.tab``,
        ``.jsonl``/``.ndjson``, ``.parquet``/``.pq``; text formats may add ``.gz``);
        ``-`` (stdin or stdout) means CSV.
    explicit : str, optional
        A format name given by the user, which wins over the extension.
    option : str, default "--input-format"
        The command-line option that error messages suggest.

    Returns
    -------
    str

    Raises
    ------
    InvalidInputError
        If the format is unknown or cannot be told from the extension.

    Examples
    --------
    >>> detect_format("news/a.TSV.gz"), detect_format("-"), detect_format("a.txt", "ndjson")
    ('tsv', 'csv', 'jsonl')
    """
    accepted = ", ".join(FORMATS)
    if explicit is not None:
        if (name := _NAMES.get(explicit.strip().lower().lstrip("."))) is None:
            raise InvalidInputError(f"unknown format '{explicit}' (accepted: {accepted}); "
                                    f"pass {option} with one of these")
        return name
    if path == "-":
        return "csv"
    base = os.path.basename(path).lower()
    stem = base.removesuffix(".gz")
    ext = os.path.splitext(stem)[1]
    if (name := _EXTENSIONS.get(ext)) is not None and not (name == "parquet" and stem != base):
        return name
    if ext == ".json":
        raise InvalidInputError(f"cannot tell whether '{path}' holds JSON Lines (one object a "
                                f"line); if it does, pass {option} jsonl")
    raise InvalidInputError(f"cannot tell the format of '{path}' from its extension (accepted: "
                            f"{accepted}; text formats may end in .gz); pass {option} with one "
                            "of these")


def read_columns(path: str, *, format: str | None = None,
                 encoding: str | None = None) -> list[str]:
    """Return the column names of a table, reading only its header.

    Parameters are those of :func:`read_chunks`.  The bytes that reading the
    header of stdin (``-``) consumed are replayed to the next reader of ``-``.

    Returns
    -------
    list of str
        Names in file order; a repeated name gets a ``.1``, ``.2`` suffix.

    Raises
    ------
    DataFileError
        If the file is missing, empty or unreadable.
    """
    global _stdin_prefix
    stdin = _Stdin(record=True) if path == "-" else None
    try:
        header, _, close = _open_table(path, detect_format(path, format), encoding, stdin)
        close()
    finally:
        if stdin is not None:
            _stdin_prefix = stdin.consumed()
    return header


def read_chunks(path: str, *, format: str | None = None, chunk_size: int = 1000,
                encoding: str | None = None) -> Iterator[pd.DataFrame]:
    """Stream a table as DataFrames of text cells, losing no row.

    The file is opened and its header read at once, so that a missing file fails
    here rather than at the first chunk.  Memory stays flat whatever the size.

    Parameters
    ----------
    path : str
        A file, or ``-`` for stdin (not for Parquet, which needs random access).
    format : str, optional
        "csv", "tsv", "jsonl" or "parquet"; by default from the extension.
    chunk_size : int, default 1000
        Rows a chunk; only the last is shorter.  A table without rows gives one
        empty chunk, which still has the columns.
    encoding : str, optional
        A Python codec to force; by default UTF-8 with a cp1252 fallback.

    Returns
    -------
    iterator of pandas.DataFrame
        Object columns of ``str``/``None``, then ``__io_error__``.

    Raises
    ------
    DataFileError
        If the file is missing, empty, corrupt, or not in the forced ``encoding``
        (possibly while iterating).
    InvalidInputError
        If ``format``, ``encoding`` or ``chunk_size`` is invalid.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "a.csv")
    ...     with open(path, "w") as f:
    ...         _ = f.write("id,text\\n007,hello\\n008\\n")
    ...     for chunk in read_chunks(path):
    ...         print(chunk.to_dict("records"))  # doctest: +NORMALIZE_WHITESPACE
    [{'id': '007', 'text': 'hello', '__io_error__': None},
     {'id': '008', 'text': None, '__io_error__': 'row had 1 field, expected 2; missing fields left empty'}]
    """
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidInputError(f"chunk_size must be a positive integer, got {chunk_size!r}")
    fmt = detect_format(path, format)
    header, rows, close = _open_table(path, fmt, encoding, _Stdin() if path == "-" else None)
    return _chunks([*header, ERROR_COLUMN], rows, close, chunk_size, path, encoding)


def _chunks(columns: list[str], rows: Iterator[list], close: Callable[[], None],
            size: int, path: str, encoding: str | None) -> Iterator[pd.DataFrame]:
    start = noted = 0
    batch: list[list] = [[]] * size  # so that the first chunk is read, even if empty
    try:
        while len(batch) == size:
            batch = list(itertools.islice(rows, size))
            if batch or not start:
                frame = pd.DataFrame(batch, columns=columns, dtype=object,
                                     index=pd.RangeIndex(start, start + len(batch)))
                noted += int(frame[ERROR_COLUMN].notna().sum())
                start += len(batch)
                yield frame
    except (UnicodeError, csv.Error, OSError, EOFError, zlib.error, pa.ArrowException) as exc:
        raise _read_error(exc, path, encoding) from None
    finally:
        close()
    logger.info("read %d rows from %s", start, _label(path))
    if noted:
        logger.warning("%d of %d rows of %s were repaired on reading; see %s", noted, start,
                       _label(path), ERROR_COLUMN)


def _label(path: str) -> str:
    return "<stdin>" if path == "-" else path


def _read_error(exc: BaseException, path: str, encoding: str | None) -> DataFileError:
    if isinstance(exc, DataFileError):
        return exc
    if isinstance(exc, UnicodeDecodeError):
        return DataFileError(f"cannot decode input file '{_label(path)}' as "
                             f"{encoding or 'UTF-16'} ({exc.reason}); pass another --encoding, "
                             "or none to detect it")
    return DataFileError(f"cannot read input file '{_label(path)}': {exc}")


def _open_table(path: str, fmt: str, encoding: str | None,
                stdin: _Stdin | None) -> tuple[list[str], Iterator[list], Callable[[], None]]:
    """Open a table and read its header: (header, rows ending with their note, close)."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInputError(f"unknown encoding '{encoding}'; pass --encoding with a "
                                    "Python codec name such as utf-8 or cp1252") from None
    if fmt == "parquet" and stdin is not None:
        raise InvalidInputError("Parquet cannot be read from stdin (it needs random access); "
                                "save it to a file and pass its path")
    try:
        base: Any = io.BufferedReader(stdin, _BLOCK) if stdin else open(path, "rb", _BLOCK)
    except FileNotFoundError:
        raise DataFileError(f"input file '{path}' not found") from None
    except OSError as exc:
        raise DataFileError(f"cannot read input file '{path}': {exc.strerror}") from None
    try:
        if fmt == "parquet":
            return (*_parquet_table(base, path), base.close)
        binary = gzip.GzipFile(fileobj=base) if base.peek(2)[:2] == b"\x1f\x8b" else base
        if encoding is None and binary.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            encoding = "utf-16"
        repair = None if encoding else _Utf8Repair(binary, _label(path))
        text = io.TextIOWrapper(io.BufferedReader(repair, _BLOCK) if repair else binary,
                                encoding=encoding or "utf-8",
                                newline=None if fmt == "jsonl" else "")
        if fmt == "jsonl":
            return (*_jsonl_table(text, path), base.close)
        # rows are searched for NUL only once the bytes (if checked) showed one
        return (*_csv_table(text, fmt, path, (lambda: repair.nul) if repair else lambda: True),
                base.close)
    except BaseException as exc:
        base.close()
        if isinstance(exc, (UnicodeError, csv.Error, OSError, EOFError, zlib.error)):
            raise _read_error(exc, path, encoding) from None
        raise


def _unique(names: Sequence[str]) -> list[str]:
    seen, out = {ERROR_COLUMN}, []
    for name in names:
        new, k = name, 0
        while new in seen:
            k += 1
            new = f"{name}.{k}"
        seen.add(new)
        out.append(new)
    if out != list(names):
        logger.warning("renamed repeated or reserved column names: %s -> %s", list(names), out)
    return out


def _preview(values: Sequence[Any], limit: int = 120) -> str:
    text = ", ".join(repr(v) for v in values)
    return text if len(text) <= limit else text[:limit] + "..."


def _note(*parts: str | None) -> str | None:
    return "; ".join(p for p in parts if p) or None


def _csv_table(text: IO[str], fmt: str, path: str,
               nul_seen: Callable[[], bool]) -> tuple[list[str], Iterator[list]]:
    reader = csv.reader(text, delimiter=_DELIMITERS[fmt])
    if (first := next((fields for fields in reader if fields), None)) is None:
        raise DataFileError(f"input file '{_label(path)}' is empty: expected a header row")
    header = _unique([name.replace("\x00", "") for name in [first[0].lstrip("\ufeff"),
                                                              *first[1:]]])
    n = len(header)

    def rows() -> Iterator[list]:
        for fields in reader:
            if (k := len(fields)) == n:
                note = None
            elif k > n:
                note = (f"row had {k} fields, expected {n}; "
                        f"extra fields dropped: {_preview(fields[n:])}")
                del fields[n:]
            elif k:
                fields += [None] * (n - k)
                note = f"row had {k} field{'s' * (k > 1)}, expected {n}; missing fields left empty"
            else:
                continue  # a blank line
            if nul_seen() and any("\x00" in f for f in fields if f):
                fields = [f.replace("\x00", "") if f else f for f in fields]
                note = _note(note, _NUL)
            fields.append(note)
            yield fields

    return header, rows()


def _jsonl_table(text: IO[str], path: str) -> tuple[list[str], Iterator[list]]:
    def parsed() -> Iterator[tuple[dict | None, str | None, str]]:
        for line in text:
            note = None
            if "\x00" in line:
                note, line = _NUL, line.replace("\x00", "")
            if not (line := line.strip(" \t\r\n\ufeff")):
                continue  # a blank line
            try:
                obj = _JSON_TEXT(line)
            except (ValueError, RecursionError) as exc:
                reason = str(exc)[:120] if isinstance(exc, ValueError) else "nested too deeply"
                yield None, _note(f"invalid JSON: {reason}", note), line
                continue
            if not isinstance(obj, dict):
                kind = {list: "array", str: "string", bool: "boolean"}.get(type(obj), "scalar")
                obj, note = None, _note(f"expected a JSON object, got {kind}", note)
            elif "\\u0000" in line:  # an escaped NUL, decoded into a value
                values = [v.replace("\x00", "") if isinstance(v, str) else v for v in obj.values()]
                if values != list(obj.values()):
                    obj, note = dict(zip(obj, values)), note or _NUL
            yield obj, note, line

    stream = parsed()  # no header: an empty file is a table without rows or columns
    ahead = list(itertools.islice(stream, _JSONL_LOOKAHEAD))
    keys = list(dict.fromkeys(k for obj, _, _ in ahead if obj for k in obj))
    known = set(keys)

    def rows() -> Iterator[list]:
        for obj, note, line in itertools.chain(ahead, stream):
            if obj is None:
                yield [None] * len(keys) + [note]
                continue
            if not known.issuperset(obj):
                extra = _preview([k for k in obj if k not in known])
                note = _note(f"keys not in the header dropped: {extra}", note)
            row, plain = [], None
            for key in keys:
                if (value := obj.get(key)) is None or isinstance(value, str):
                    row.append(value)
                elif isinstance(value, bool):
                    row.append("true" if value else "false")
                else:  # a list or an object: JSON text, its numbers as written
                    plain = plain or json.loads(line, strict=False)
                    row.append(json.dumps(plain[key], ensure_ascii=False))
            row.append(note)
            yield row

    return _unique(keys), rows()


def _parquet_table(binary: IO[bytes], path: str) -> tuple[list[str], Iterator[list]]:
    try:
        parquet = pq.ParquetFile(binary)
    except (pa.ArrowException, OSError) as exc:
        raise DataFileError(f"input file '{path}' is not a readable Parquet file: {exc}") from None

    def rows() -> Iterator[list]:
        for batch in parquet.iter_batches(batch_size=1024):
            texts, nul = [_arrow_text(column) for column in batch.columns], None
            for i, column in enumerate(texts):
                if (hits := pc.fill_null(pc.match_substring(column, "\x00"), False)).true_count:
                    texts[i] = pc.replace_substring(column, "\x00", "")
                    nul = hits if nul is None else pc.or_(nul, hits)
            notes = ([_NUL if hit else None for hit in nul.to_pylist()] if nul is not None
                     else [None] * batch.num_rows)
            yield from map(list, zip(*(t.to_pylist() for t in texts), notes))

    return _unique(parquet.schema_arrow.names), rows()


def _arrow_text(array: pa.Array) -> pa.Array:
    """An Arrow column as strings: pyarrow's cast, JSON for nested values."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_string(array.type):
        return array
    kind = array.type
    if pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        return pa.array([v if v is None else v.decode("utf-8", "replace") if isinstance(v, bytes)
                         else json.dumps(v, ensure_ascii=False, default=str)
                         for v in array.to_pylist()], pa.string())
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
        return pa.array([v if v is None else str(v) for v in array.to_pylist()], pa.string())


class _Stdin(io.RawIOBase):
    """``sys.stdin.buffer``, after the bytes that an earlier read_columns("-") consumed."""

    def __init__(self, record: bool = False) -> None:
        global _stdin_prefix
        self._prefix, _stdin_prefix = _stdin_prefix, b""
        self._seen: list[bytes] | None = [] if record else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix:
            data, self._prefix = self._prefix[:len(buffer)], self._prefix[len(buffer):]
        else:
            data = getattr(sys.stdin.buffer, "read1", sys.stdin.buffer.read)(len(buffer))
        if self._seen is not None:
            self._seen.append(data)
        buffer[:len(data)] = data
        return len(data)

    def consumed(self) -> bytes:
        return b"".join(self._seen or []) + self._prefix


class _Utf8Repair(io.RawIOBase):
    """UTF-8 bytes without BOM; bytes that are not UTF-8 are decoded as cp1252."""

    def __init__(self, raw: IO[bytes], label: str) -> None:
        self._read, self._label = getattr(raw, "read1", raw.read), label
        self._tail, self._out, self._pos, self._offset = b"", b"", 0, 0
        self._start, self._eof, self.fell_back, self.nul = True, False, False, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._pos >= len(self._out) and not self._eof:
            block = self._read(_BLOCK)
            self._eof, self.nul = not block, self.nul or b"\x00" in block
            data = self._tail + block
            if self._start:
                if len(data) < 3 and not self._eof:
                    self._tail = data
                    continue
                self._start = False
                if data.startswith(codecs.BOM_UTF8):
                    data, self._offset = data[3:], 3
            try:
                errors = "topicclf.cp1252" if self.fell_back else "strict"
                text, used = codecs.utf_8_decode(data, errors, self._eof)
            except UnicodeDecodeError as exc:
                message = (f"input file '{self._label}' is not valid UTF-8 (byte 0x"
                           f"{data[exc.start]:02x} at offset {self._offset + exc.start}); reading "
                           "such bytes as cp1252; pass --encoding to choose one")
                logger.warning(message)
                warnings.warn(message, UnicodeWarning, stacklevel=2)
                self.fell_back = True
                text, used = codecs.utf_8_decode(data, "topicclf.cp1252", self._eof)
            self._out, self._pos = text.encode() if self.fell_back else data[:used], 0
            self._tail, self._offset = data[used:], self._offset + used
        n = min(len(buffer), len(self._out) - self._pos)
        buffer[:n] = self._out[self._pos:self._pos + n]
        self._pos += n
        return n
