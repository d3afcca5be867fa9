"""Tests of topicclf.writers: every format written and read back, atomic replacement."""

from __future__ import annotations

import io
import os
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import topicclf.writers
from topicclf.errors import InvalidInputError, OutputError
from topicclf.io import ERROR_COLUMN, read_chunks
from topicclf.writers import AtomicWriter, check_writable, open_output


def write_bytes(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def read_all(path: str, **kwargs) -> pd.DataFrame:
    return pd.concat(list(read_chunks(path, **kwargs)))


def records(path: str, **kwargs) -> list[dict]:
    return read_all(path, **kwargs).to_dict("records")


# --- writing --------------------------------------------------------------------------------

FRAME = pd.DataFrame({
    "id": ["007", "008", "009"],
    "text": ['quote " and, comma', "new\nline and bare\rCR", ""],
    "topics": [["eco", "pol"], [], ["sport"]],
    "score": [0.25, np.nan, 1.0],
})


@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.csv.gz", "out.jsonl",
                                  "out.jsonl.gz", "out.parquet"])
def test_round_trip(tmp_path, name):
    path = str(tmp_path / name)
    with open_output(path) as out:
        out.write(FRAME.iloc[:2])
        out.write(FRAME.iloc[2:])
        assert out.rows_written == 3
    frame = read_all(path)
    assert frame["id"].tolist() == ["007", "008", "009"]
    assert frame["text"].tolist() == FRAME["text"].tolist()
    assert frame[ERROR_COLUMN].tolist() == [None, None, None]
    if name.startswith("out.jsonl") or name.endswith("parquet"):
        assert frame["topics"].tolist() == ['["eco", "pol"]', "[]", '["sport"]']
        assert frame["score"].tolist() == ["0.25", None, "1.0" if "jsonl" in name else "1"]
    else:
        assert frame["topics"].tolist() == ["eco|pol", "", "sport"]
        assert frame["score"].tolist() == ["0.25", "", "1.0"]


def test_csv_output_text(tmp_path):
    path = str(tmp_path / "out.csv")
    with open_output(path) as out:
        out.write(FRAME.iloc[[0, 2]])
        out.write(pd.DataFrame({"id": ["x"], "text": [None], "topics": [["a"]], "score": [2]}))
    with open(path, encoding="utf-8", newline="") as f:
        assert f.read() == ('id,text,topics,score\n007,"quote "" and, comma",eco|pol,0.25\n'
                            "009,,sport,1.0\nx,,a,2\n")


def test_jsonl_output_text(tmp_path):
    path = str(tmp_path / "out.jsonl")
    frame = pd.DataFrame({"id": ["é"], "topics": [["a", "b"]], "score": [np.nan],
                          "n": [np.int64(3)], "inf": [np.inf]})
    with open_output(path, columns_order=["topics", "id", "score", "n", "inf"]) as out:
        out.write(frame)
    with open(path, encoding="utf-8") as f:
        assert f.read() == ('{"topics": ["a", "b"], "id": "é", "score": null, "n": 3, '
                            '"inf": null}\n')


def test_parquet_one_row_group_per_chunk_and_string_schema(tmp_path):
    path = str(tmp_path / "out.parquet")
    with open_output(path) as out:
        out.write(pd.DataFrame({"id": ["1", "2"], "error": [None, None]}))
        out.write(pd.DataFrame({"id": ["3"], "error": ["bad row"]}))
        out.write(pd.DataFrame({"id": ["4"], "error": [5]}))
    parquet = pq.ParquetFile(path)
    assert parquet.num_row_groups == 3
    assert parquet.schema_arrow == pa.schema([("id", pa.string()), ("error", pa.string())])
    assert parquet.read().to_pydict() == {"id": ["1", "2", "3", "4"],
                                          "error": [None, None, "bad row", "5"]}


def test_parquet_type_change_is_an_output_error(tmp_path):
    path = str(tmp_path / "out.parquet")
    with pytest.raises(OutputError, match="cannot write column 'n' to Parquet"):
        with open_output(path) as out:
            out.write(pd.DataFrame({"n": [1]}))
            out.write(pd.DataFrame({"n": ["text"]}))
    assert os.listdir(tmp_path) == []


def test_empty_outputs_have_headers(tmp_path):
    for name in ("e.csv", "e.parquet"):
        with open_output(str(tmp_path / name), columns_order=["id", "text"]):
            pass
    assert (tmp_path / "e.csv").read_text() == "id,text\n"
    assert pq.read_schema(tmp_path / "e.parquet").names == ["id", "text"]


def test_chunks_must_keep_their_columns(tmp_path):
    with pytest.raises(InvalidInputError) as info:
        with open_output(str(tmp_path / "out.csv")) as out:
            out.write(pd.DataFrame({"id": ["1"], "text": ["a"]}))
            out.write(pd.DataFrame({"id": ["2"], "other": ["b"]}))
    assert str(info.value) == ("chunk columns differ from the output's: missing ['text'], "
                               "unexpected ['other']")
    assert os.listdir(tmp_path) == []


def test_partial_file_then_atomic_rename(tmp_path):
    target = tmp_path / "tagged.csv"
    partial = tmp_path / f".tagged.csv.{os.getpid()}.partial"
    with open_output(str(target)) as out:
        out.write(pd.DataFrame({"id": ["1"]}))
        assert out.partial_path == str(partial)
        assert partial.read_text() == "id\n1\n"  # flushed after each chunk
        assert not target.exists()
    assert target.read_text() == "id\n1\n"
    assert sorted(os.listdir(tmp_path)) == ["tagged.csv"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt()])
def test_interrupted_write_leaves_nothing(tmp_path, error):
    target = tmp_path / "tagged.csv"
    with pytest.raises(type(error)):
        with open_output(str(target)) as out:
            out.write(pd.DataFrame({"id": ["1"]}))
            raise error
    assert os.listdir(tmp_path) == []


def test_interrupted_write_keeps_the_old_target(tmp_path):
    target = tmp_path / "tagged.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with open_output(str(target)) as out:
            out.write(pd.DataFrame({"id": ["1"]}))
            raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["tagged.jsonl"]


def test_unwritable_outputs(tmp_path):
    missing = str(tmp_path / "no" / "out.csv")
    with pytest.raises(OutputError) as info:
        open_output(missing)
    assert str(info.value) == (f"cannot write output '{missing}': directory "
                               f"'{tmp_path / 'no'}' does not exist; create it or choose "
                               "another output path")
    with pytest.raises(OutputError) as info:
        check_writable(str(tmp_path))
    assert str(info.value) == f"cannot write output '{tmp_path}': it is a directory"
    (tmp_path / "file").write_text("")
    under_file = str(tmp_path / "file" / "out.csv")
    with pytest.raises(OutputError, match="does not exist"):
        check_writable(under_file)
    check_writable("-")
    assert os.listdir(tmp_path) == ["file"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can write to read-only directories")
def test_read_only_directory(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        with pytest.raises(OutputError) as info:
            check_writable(str(locked / "out.csv"))
        assert str(info.value) == (f"cannot write output '{locked / 'out.csv'}': directory "
                                   f"'{locked}' is not writable (Permission denied)")
    finally:
        locked.chmod(0o755)


def test_unwritable_directory_message(tmp_path, monkeypatch):
    def refuse(path, mode="r", *args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(topicclf.writers, "open", refuse, raising=False)
    target = str(tmp_path / "out.csv")
    with pytest.raises(OutputError) as info:
        open_output(target)
    assert str(info.value) == (f"cannot write output '{target}': directory '{tmp_path}' is not "
                               "writable (Permission denied)")


def test_write_to_stdout_streams(monkeypatch):
    stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", stdout)
    with AtomicWriter("-", format="jsonl") as out:
        out.write(pd.DataFrame({"id": ["007"]}))
        assert stdout.buffer.getvalue() == b'{"id": "007"}\n'
    assert out.partial_path is None
    assert not stdout.closed


def test_csv_to_jsonl_to_csv_keeps_ids_and_order(tmp_path):
    source = write_bytes(tmp_path, "in.csv", b"id,text\n010,b\n002,a\n001,\"c\nd\"\n")
    middle, final = str(tmp_path / "mid.jsonl"), str(tmp_path / "final.csv")
    for src, dst in ((source, middle), (middle, final)):
        with open_output(dst) as out:
            for chunk in read_chunks(src, chunk_size=2):
                out.write(chunk.drop(columns=ERROR_COLUMN))
    with open(final, newline="") as f:
        assert f.read() == 'id,text\n010,b\n002,a\n001,"c\nd"\n'
