"""Tests of topicclf.io: formats and lossless streaming reads (writing: test_writers.py)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import sys

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topicclf.errors import DataFileError, InvalidInputError
from topicclf.io import ERROR_COLUMN, detect_format, read_chunks, read_columns
from topicclf.writers import open_output


def write_bytes(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def read_all(path: str, **kwargs) -> pd.DataFrame:
    return pd.concat(list(read_chunks(path, **kwargs)))


def records(path: str, **kwargs) -> list[dict]:
    return read_all(path, **kwargs).to_dict("records")


class _Endless(io.RawIOBase):
    """A CSV stream that never ends and counts the bytes it served."""

    def __init__(self) -> None:
        self.served, self._row = 0, 0
        self._pending = b"id,text\n"

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self._pending) < len(buffer):
            self._pending += f"{self._row},some text of article {self._row}\n".encode()
            self._row += 1
        n = len(buffer)
        buffer[:n], self._pending = self._pending[:n], self._pending[n:]
        self.served += n
        return n


class _FakeStdin:
    def __init__(self, raw) -> None:
        self.buffer = raw


# --- detect_format --------------------------------------------------------------------------

@pytest.mark.parametrize("path, expected", [
    ("a.csv", "csv"), ("a.CSV", "csv"), ("a.csv.gz", "csv"), ("a.tsv", "tsv"), ("a.tab", "tsv"),
    ("a.tsv.gz", "tsv"), ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("dir.v2/a.jsonl.gz", "jsonl"),
    ("a.parquet", "parquet"), ("a.pq", "parquet"), ("-", "csv"),
])
def test_detect_format_from_extension(path, expected):
    assert detect_format(path) == expected


def test_detect_format_explicit_wins():
    assert detect_format("data.txt", "TSV") == "tsv"
    assert detect_format("-", "ndjson") == "jsonl"
    assert detect_format("a.csv", "parquet") == "parquet"


def test_detect_format_unknown_extension_names_formats_and_option():
    with pytest.raises(InvalidInputError) as info:
        detect_format("articles.xlsx")
    assert str(info.value) == (
        "cannot tell the format of 'articles.xlsx' from its extension (accepted: csv, tsv, "
        "jsonl, parquet; text formats may end in .gz); pass --input-format with one of these")


def test_detect_format_unknown_explicit_and_output_option():
    with pytest.raises(InvalidInputError) as info:
        detect_format("a.csv", "xlsx", option="--output-format")
    assert str(info.value) == ("unknown format 'xlsx' (accepted: csv, tsv, jsonl, parquet); "
                               "pass --output-format with one of these")


def test_detect_format_json_is_ambiguous():
    with pytest.raises(InvalidInputError, match=r"pass --input-format jsonl$"):
        detect_format("export.json")
    with pytest.raises(InvalidInputError, match="cannot tell the format"):
        detect_format("a.parquet.gz")


# --- reading CSV / TSV ----------------------------------------------------------------------

def test_read_columns_and_missing_file(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"id,title,text\n1,t,x\n")
    assert read_columns(path) == ["id", "title", "text"]
    missing = str(tmp_path / "x.csv")
    with pytest.raises(DataFileError) as info:
        read_columns(missing)
    assert str(info.value) == f"input file '{missing}' not found"
    with pytest.raises(DataFileError) as info:
        read_chunks(missing)  # fails at once, not at the first next()
    assert str(info.value) == f"input file '{missing}' not found"


def test_empty_file_is_an_error(tmp_path):
    path = write_bytes(tmp_path, "empty.csv", b"")
    with pytest.raises(DataFileError) as info:
        read_columns(path)
    assert str(info.value) == f"input file '{path}' is empty: expected a header row"


def test_ids_and_numbers_keep_their_text(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"id,score,text\n007,1.50,\n0x1F,1e3,NaN\n")
    frame = read_all(path)
    assert frame.to_dict("records") == [
        {"id": "007", "score": "1.50", "text": "", ERROR_COLUMN: None},
        {"id": "0x1F", "score": "1e3", "text": "NaN", ERROR_COLUMN: None},
    ]
    assert all(dtype == object for dtype in frame.dtypes)


def test_ragged_rows_are_kept_and_noted(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"id,title,text\n1,a\n2,b,c,d,e\n3,x,y\n4\n")
    assert records(path) == [
        {"id": "1", "title": "a", "text": None,
         ERROR_COLUMN: "row had 2 fields, expected 3; missing fields left empty"},
        {"id": "2", "title": "b", "text": "c",
         ERROR_COLUMN: "row had 5 fields, expected 3; extra fields dropped: 'd', 'e'"},
        {"id": "3", "title": "x", "text": "y", ERROR_COLUMN: None},
        {"id": "4", "title": None, "text": None,
         ERROR_COLUMN: "row had 1 field, expected 3; missing fields left empty"},
    ]


def test_embedded_newlines_quotes_and_delimiters(tmp_path):
    data = ('id,text\r\n1,"line one\r\nline two\nline three"\r\n'
            '2,"she said ""hi"", then left"\r\n3,"a,b\rc"\r\n').encode()
    path = write_bytes(tmp_path, "a.csv", data)
    assert read_all(path)["text"].tolist() == [
        "line one\r\nline two\nline three", 'she said "hi", then left', "a,b\rc"]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings(tmp_path, newline):
    data = newline.join(["id,text", "1,a", '2,"multi' + newline + 'line"', "3,c", ""])
    path = write_bytes(tmp_path, "a.csv", data.encode())
    frame = read_all(path)
    assert frame["id"].tolist() == ["1", "2", "3"]
    assert frame["text"].tolist() == ["a", "multi" + newline + "line", "c"]


def test_blank_lines_are_not_rows(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"\nid,text\n1,a\n\n\n2,b\n\n")
    assert read_all(path)["id"].tolist() == ["1", "2"]


def test_nul_bytes_removed_and_noted(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"id,text\n1,ab\x00c\n2,clean\n3,\x00\n")
    assert records(path) == [
        {"id": "1", "text": "abc", ERROR_COLUMN: "NUL bytes removed"},
        {"id": "2", "text": "clean", ERROR_COLUMN: None},
        {"id": "3", "text": "", ERROR_COLUMN: "NUL bytes removed"},
    ]


def test_ten_megabyte_field(tmp_path):
    big = "x" * (10 * 1024 * 1024) + "é"
    path = write_bytes(tmp_path, "a.csv", f'id,text\n1,"{big}"\n2,small\n'.encode())
    frame = read_all(path, chunk_size=1)
    assert frame["id"].tolist() == ["1", "2"]
    assert frame["text"].iloc[0] == big


def test_utf8_bom_is_stripped(tmp_path):
    path = write_bytes(tmp_path, "a.csv", "\ufeffid,text\n1,café\n".encode())
    assert read_columns(path) == ["id", "text"]
    assert records(path) == [{"id": "1", "text": "café", ERROR_COLUMN: None}]
    assert read_columns(path, encoding="utf-8") == ["id", "text"]


def test_utf16_with_bom(tmp_path):
    path = write_bytes(tmp_path, "a.csv", "id,text\n1,naïve\n".encode("utf-16"))
    assert records(path) == [{"id": "1", "text": "naïve", ERROR_COLUMN: None}]


def test_cp1252_fallback_warns(tmp_path, caplog, monkeypatch):
    # other tests (a Dask cluster, the CLI) reconfigure logging: listen on our logger itself
    logger = logging.getLogger("topicclf.io")
    monkeypatch.setattr(logger, "disabled", False)
    monkeypatch.setattr(logger, "propagate", False)
    monkeypatch.setattr(logging.root.manager, "disable", 0)
    level = logger.level
    logger.setLevel(logging.DEBUG)  # setLevel also clears the loggers' enabled-level cache
    logger.addHandler(caplog.handler)
    try:
        path = write_bytes(tmp_path, "a.csv", "id,text\n1,café “quoted”\n".encode("cp1252"))
        with pytest.warns(UnicodeWarning) as warned:
            frame = read_all(path)
    finally:
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)
    assert frame["text"].tolist() == ["café “quoted”"]
    assert str(warned[0].message) == (
        f"input file '{path}' is not valid UTF-8 (byte 0xe9 at offset 13); reading such bytes "
        "as cp1252; pass --encoding to choose one")
    assert [r.levelname for r in caplog.records if "not valid UTF-8" in r.message] == ["WARNING"]


def test_mixed_utf8_and_cp1252_keeps_both(tmp_path):
    data = "id,text\n1,déjà\n".encode() + "2,déjà\n".encode("cp1252")
    path = write_bytes(tmp_path, "a.csv", data)
    with pytest.warns(UnicodeWarning):
        assert read_all(path)["text"].tolist() == ["déjà", "déjà"]


def test_forced_encoding(tmp_path):
    path = write_bytes(tmp_path, "a.csv", "id,text\n1,café\n".encode("latin-1"))
    assert read_all(path, encoding="latin-1")["text"].tolist() == ["café"]
    with pytest.raises(DataFileError, match=r"^cannot decode input file .* as utf-8"):
        read_all(path, encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        read_chunks(path, encoding="klingon")
    assert str(info.value) == ("unknown encoding 'klingon'; pass --encoding with a Python "
                               "codec name such as utf-8 or cp1252")


def test_tsv_and_gzip(tmp_path):
    path = write_bytes(tmp_path, "a.tsv.gz", gzip.compress(b"id\ttext\n007\ta,b\n"))
    assert records(path) == [{"id": "007", "text": "a,b", ERROR_COLUMN: None}]
    # gzip is recognised by its magic bytes, whatever the name
    path = write_bytes(tmp_path, "plain.csv", gzip.compress(b"id,text\n1,x\n"))
    assert read_columns(path) == ["id", "text"]


def test_duplicate_and_reserved_column_names(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"id,id,__io_error__\n1,2,3\n")
    assert read_columns(path) == ["id", "id.1", "__io_error__.1"]
    assert records(path) == [{"id": "1", "id.1": "2", "__io_error__.1": "3", ERROR_COLUMN: None}]


# --- chunking and streaming -----------------------------------------------------------------

def test_chunk_sizes_and_continuous_index(tmp_path):
    lines = ["id,text"] + [f"{i},t{i}" for i in range(25)]
    path = write_bytes(tmp_path, "a.csv", "\n".join(lines).encode())
    chunks = list(read_chunks(path, chunk_size=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert [list(c.index) for c in chunks] == [list(range(0, 10)), list(range(10, 20)),
                                               list(range(20, 25))]
    assert all(isinstance(c.index, pd.RangeIndex) for c in chunks)
    assert pd.concat(chunks)["id"].tolist() == [str(i) for i in range(25)]


def test_exact_multiple_and_header_only(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"id\n1\n2\n")
    assert [len(c) for c in read_chunks(path, chunk_size=2)] == [2]
    path = write_bytes(tmp_path, "b.csv", b"id,text\n")
    (chunk,) = list(read_chunks(path))
    assert list(chunk.columns) == ["id", "text", ERROR_COLUMN] and len(chunk) == 0


def test_invalid_chunk_size(tmp_path):
    path = write_bytes(tmp_path, "a.csv", b"id\n1\n")
    with pytest.raises(InvalidInputError, match="chunk_size must be a positive integer, got 0"):
        read_chunks(path, chunk_size=0)


def test_reading_streams_instead_of_loading(monkeypatch):
    endless = _Endless()
    monkeypatch.setattr(sys, "stdin", _FakeStdin(io.BufferedReader(endless)))
    chunks = read_chunks("-", chunk_size=100)
    first = [next(chunks) for _ in range(3)]
    assert first[2]["id"].tolist() == [str(i) for i in range(200, 300)]
    assert endless.served < 8 * 1024 * 1024  # a few blocks read ahead, not the endless rest
    chunks.close()


def test_stdin_header_is_replayed(monkeypatch):
    data = b"id,text\n007,a\n008,b\n"
    monkeypatch.setattr(sys, "stdin", _FakeStdin(io.BytesIO(data)))
    assert read_columns("-") == ["id", "text"]
    assert read_all("-")["id"].tolist() == ["007", "008"]


# --- JSON Lines -----------------------------------------------------------------------------

def test_jsonl_values_become_text(tmp_path):
    lines = ['{"id": "007", "n": 1.50, "ok": true, "none": null, "tags": [1, "é"], "obj": {"a": 2}}',
             "", "   ", '{"id": "008", "n": 12, "ok": false, "tags": [], "extra": 1}']
    path = write_bytes(tmp_path, "a.jsonl", "\n".join(lines).encode())
    assert read_columns(path) == ["id", "n", "ok", "none", "tags", "obj", "extra"]
    assert records(path) == [
        {"id": "007", "n": "1.50", "ok": "true", "none": None, "tags": '[1, "é"]',
         "obj": '{"a": 2}', "extra": None, ERROR_COLUMN: None},
        {"id": "008", "n": "12", "ok": "false", "none": None, "tags": "[]", "obj": None,
         "extra": "1", ERROR_COLUMN: None},
    ]


def test_jsonl_bad_lines_become_rows(tmp_path):
    lines = ['{"id": "1", "text": "a"}', '{"id": "2", "text": ', '["not", "an object"]',
             '{"id": "3", "text": "c\x00d"}']
    path = write_bytes(tmp_path, "a.jsonl", "\r\n".join(lines).encode())
    assert records(path) == [
        {"id": "1", "text": "a", ERROR_COLUMN: None},
        {"id": None, "text": None,
         ERROR_COLUMN: "invalid JSON: Expecting value: line 1 column 20 (char 19)"},
        {"id": None, "text": None, ERROR_COLUMN: "expected a JSON object, got array"},
        {"id": "3", "text": "cd", ERROR_COLUMN: "NUL bytes removed"},
    ]


def test_jsonl_escaped_nul(tmp_path):
    path = write_bytes(tmp_path, "a.jsonl", b'{"id": "1", "text": "a\\u0000b"}\n')
    assert records(path) == [{"id": "1", "text": "ab", ERROR_COLUMN: "NUL bytes removed"}]


def test_jsonl_keys_beyond_the_lookahead_are_noted(tmp_path, monkeypatch):
    monkeypatch.setattr("topicclf.io._JSONL_LOOKAHEAD", 1)
    path = write_bytes(tmp_path, "a.jsonl", b'{"id": "1"}\n{"id": "2", "x": 1, "y": 2}\n')
    assert records(path) == [
        {"id": "1", ERROR_COLUMN: None},
        {"id": "2", ERROR_COLUMN: "keys not in the header dropped: 'x', 'y'"},
    ]


def test_empty_jsonl_is_a_table_without_rows(tmp_path):
    path = write_bytes(tmp_path, "a.jsonl", b"\n  \n")
    assert read_columns(path) == []
    (chunk,) = list(read_chunks(path))
    assert list(chunk.columns) == [ERROR_COLUMN] and len(chunk) == 0


def test_jsonl_deep_nesting_does_not_crash(tmp_path):
    path = write_bytes(tmp_path, "a.jsonl", b'{"id": "1"}\n' + b"[" * 100_000 + b"\n")
    assert records(path)[1] == {"id": None, ERROR_COLUMN: "invalid JSON: nested too deeply"}


# --- Parquet --------------------------------------------------------------------------------

def test_parquet_values_become_text(tmp_path):
    path = str(tmp_path / "a.parquet")
    table = pa.table({"id": pa.array([7, None, 9], pa.int64()), "score": [1.5, 2.0, None],
                      "ok": [True, False, None], "tags": [["a", "b"], [], None],
                      "text": pa.array(["x\x00y", "b", None]).dictionary_encode()})
    pq.write_table(table, path, row_group_size=2)
    assert read_columns(path) == ["id", "score", "ok", "tags", "text"]
    assert records(path, chunk_size=2) == [
        {"id": "7", "score": "1.5", "ok": "true", "tags": '["a", "b"]', "text": "xy",
         ERROR_COLUMN: "NUL bytes removed"},
        {"id": None, "score": "2", "ok": "false", "tags": "[]", "text": "b", ERROR_COLUMN: None},
        {"id": "9", "score": None, "ok": None, "tags": None, "text": None, ERROR_COLUMN: None},
    ]


def test_parquet_not_from_stdin_and_invalid_file(tmp_path):
    with pytest.raises(InvalidInputError, match="Parquet cannot be read from stdin"):
        read_chunks("-", format="parquet")
    path = write_bytes(tmp_path, "a.parquet", b"id,text\n")
    with pytest.raises(DataFileError, match=r"^input file '.*a.parquet' is not a readable "
                                            r"Parquet file"):
        read_chunks(path)


def test_read_throughput_smoke(tmp_path):
    """Many small rows pass through unchanged (figures are in benchmarks, not here)."""
    rows = "".join(f"{i:06d},\"text, {i}\"\n" for i in range(20_000))
    path = write_bytes(tmp_path, "a.csv", ("id,text\n" + rows).encode())
    frame = read_all(path, chunk_size=3000)
    assert frame["id"].tolist() == [f"{i:06d}" for i in range(20_000)]
    assert frame.index.equals(pd.RangeIndex(20_000))
    assert json.dumps(frame["text"].iloc[-1]) == '"text, 19999"'


def test_corrupt_gzip_is_a_data_file_error(tmp_path):
    data = gzip.compress(b"id,text\n" + b"1,abc\n" * 1000)
    path = write_bytes(tmp_path, "a.csv.gz", data[:40] + b"\xff" * 40 + data[80:])
    with pytest.raises(DataFileError, match=r"^cannot read input file '.*a.csv.gz': "):
        read_all(path)


# --- properties: whatever the content, every row comes back once, in order ------------------

CELLS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
ROWS = st.lists(st.tuples(CELLS, CELLS), max_size=15)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, name=st.sampled_from(["p.csv", "p.tsv", "p.jsonl", "p.parquet", "p.csv.gz"]))
def test_round_trip_property(tmp_path, rows, name):
    path = str(tmp_path / name)
    frame = pd.DataFrame({"id": [f"{i:03d}" for i in range(len(rows))],
                          "a": [a for a, _ in rows], "b": [b for _, b in rows]}, dtype=object)
    with open_output(path) as out:
        out.write(frame)
    back = read_all(path, chunk_size=4)
    if not rows and name == "p.jsonl":  # JSON Lines has no header to keep the columns
        assert list(back.columns) == [ERROR_COLUMN] and len(back) == 0
        return
    assert back["id"].tolist() == frame["id"].tolist()
    for column in ("a", "b"):
        assert back[column].tolist() == [v.replace("\x00", "") for v in frame[column]]
    assert back[ERROR_COLUMN].tolist() == [
        "NUL bytes removed" if "\x00" in a + b else None for a, b in rows]


@pytest.mark.filterwarnings("ignore::UnicodeWarning")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=300), name=st.sampled_from(["f.csv", "f.tsv", "f.jsonl"]))
def test_arbitrary_bytes_never_crash(tmp_path, body, name):
    header = b'{"id": "0"}\n' if name.endswith("jsonl") else b"id,text\n"
    path = write_bytes(tmp_path, name, header + body)
    frame = read_all(path, chunk_size=3)
    assert frame.index.equals(pd.RangeIndex(len(frame)))
    assert all(v is None or (isinstance(v, str) and "\x00" not in v)
               for column in frame.columns for v in frame[column])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_foreign_csv_property(tmp_path, rows, encoding):
    """CSV written by the csv module (CRLF, BOMs) reads back cell for cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # CRLF row ends, and it quotes any cell with CR or LF
    writer.writerow(["id", "a", "b"])
    writer.writerows((str(i), a, b) for i, (a, b) in enumerate(rows))
    text = buffer.getvalue()
    path = write_bytes(tmp_path, "f.csv", text.encode(encoding))
    back = read_all(path, chunk_size=5)
    assert back["id"].tolist() == [str(i) for i in range(len(rows))]
    assert list(zip(back["a"], back["b"])) == [(a.replace("\x00", ""), b.replace("\x00", ""))
                                               for a, b in rows]
