"""The Dask engine over partitioned files and dask DataFrames gives the local engine's rows."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from topicclf.errors import InvalidInputError, MissingColumnError, OutputError
from topicclf.scoring import score_file

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

TERROR = "Attentat terroriste revendiqué à Kaboul"
SPORT = "The football club wins the match"
DIPLO = "Le ministre reçoit son homologue pour une visite officielle"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as running:
        yield running.scheduler_address


@pytest.fixture
def parts(tmp_path):
    """Three CSV files of one table (one with a ragged row and an empty text) and the whole."""
    texts = [TERROR, SPORT, DIPLO, "", "Un second attentat à Kaboul", SPORT + " again", DIPLO]
    frame = pd.DataFrame({"title": [f"t{i}" for i in range(len(texts))], "text": texts})
    folder = tmp_path / "in"
    folder.mkdir()
    for name, rows in (("2024-01.csv", slice(0, 3)), ("2024-02.csv", slice(3, 5)),
                       ("2024-03.csv", slice(5, 7))):
        frame.iloc[rows].to_csv(folder / name, index=False)
    with open(folder / "2024-02.csv", "a", encoding="utf-8") as fh:
        fh.write("ragged\n")  # one field of two: kept, marked
    (folder / "README.txt").write_text("not data")  # unknown extensions are left out
    whole = tmp_path / "whole.csv"
    with open(whole, "w", encoding="utf-8") as out:
        for i, name in enumerate(sorted(os.listdir(folder))[:3]):
            lines = (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
            out.writelines(lines if i == 0 else lines[1:])
    return folder, whole


def read(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_a_folder_of_files_gives_the_rows_of_the_whole_file(tiny_tagger, parts, tmp_path,
                                                           cluster):
    folder, whole = parts
    local = score_file(tiny_tagger, str(whole), str(tmp_path / "local.csv"))
    summary = score_file(tiny_tagger, str(folder), str(tmp_path / "one.csv"), engine="dask",
                         scheduler=cluster, chunk_size=2)
    assert summary == local and local.rows_read == 8 and local.not_scored == 1
    assert read(tmp_path / "one.csv").equals(read(tmp_path / "local.csv"))
    # a glob, written as a directory of parts named after the input files
    summary = score_file(tiny_tagger, str(folder / "2024-*.csv"), str(tmp_path / "out") + "/",
                         engine="dask", scheduler=cluster, chunk_size=2)
    assert summary == local
    assert sorted(os.listdir(tmp_path / "out")) == [".topicclf-output", "2024-01.csv",
                                                    "2024-02.csv", "2024-03.csv"]
    joined = pd.concat([read(tmp_path / "out" / n) for n in sorted(os.listdir(tmp_path / "out"))
                        if not n.startswith(".")], ignore_index=True)
    assert joined.equals(read(tmp_path / "local.csv"))
    assert joined["id"].tolist() == [str(i) for i in range(1, 9)]
    assert [n for n in os.listdir(tmp_path) if n.startswith(".")] == []  # no staging left


def test_parquet_parts_and_an_earlier_output_directory_replaced_whole(tiny_tagger, parts,
                                                                     tmp_path, cluster):
    folder, whole = parts
    target = tmp_path / "out"
    score_file(tiny_tagger, str(folder), str(target) + "/", engine="dask", scheduler=cluster,
               output_format="jsonl")
    (target / "stale.jsonl").write_text("{}\n")  # replaced with the rest: ours to replace
    score_file(tiny_tagger, str(folder), str(target), engine="dask", scheduler=cluster,
               output_format="parquet", id_column="title")
    names = sorted(n for n in os.listdir(target) if not n.startswith("."))
    assert names == ["2024-01.parquet", "2024-02.parquet", "2024-03.parquet"]
    got = pd.concat([pd.read_parquet(target / n) for n in names], ignore_index=True)
    score_file(tiny_tagger, str(whole), str(tmp_path / "local.parquet"), id_column="title")
    assert got.equals(pd.read_parquet(tmp_path / "local.parquet"))


def test_directories_topicclf_did_not_write_are_never_replaced(tiny_tagger, parts, tmp_path,
                                                               cluster):
    folder, _ = parts
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    for output, message in ((tmp_path / "mine", "was not written by topicclf"),
                            (folder, "would hold or lie inside the input directory"),
                            (folder / "sub", "would hold or lie inside the input directory"),
                            (tmp_path, "would hold or lie inside the input directory")):
        with pytest.raises(OutputError, match=message):
            score_file(tiny_tagger, str(folder), str(output) + "/", engine="dask",
                       scheduler=cluster)
    assert os.listdir(tmp_path / "mine") == ["notes.txt"]
    assert len(os.listdir(folder)) == 4


def test_partitioned_errors_are_clear_and_write_nothing(tiny_tagger, parts, tmp_path, cluster):
    folder, _ = parts
    with pytest.raises(InvalidInputError, match="add --engine dask"):
        score_file(tiny_tagger, str(folder), str(tmp_path / "o.csv"))
    with pytest.raises(InvalidInputError, match="cannot be scored"):
        score_file(tiny_tagger, str(folder), str(tmp_path / "o") + "/", engine="dask",
                   scheduler=cluster, on_error="fail")
    (folder / "2024-04.csv").write_text("id,body\n1,x\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="must have the same columns"):
        score_file(tiny_tagger, str(folder), str(tmp_path / "o.csv"), engine="dask",
                   scheduler=cluster)
    (folder / "2024-04.csv").unlink()
    (folder / "2024-05.jsonl").write_text('{"title": "t", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="in several formats"):
        score_file(tiny_tagger, str(folder), str(tmp_path / "o.csv"), engine="dask",
                   scheduler=cluster)
    with pytest.raises(InvalidInputError, match="no data files"):
        score_file(tiny_tagger, str(tmp_path / "nothing-*.csv"), str(tmp_path / "o.csv"),
                   engine="dask", scheduler=cluster)
    assert sorted(os.listdir(tmp_path)) == ["in", "whole.csv"]


def test_skipped_rows_are_counted_in_a_warning(tiny_tagger, parts, tmp_path, cluster, caplog):
    folder, _ = parts
    with caplog.at_level("WARNING", logger="topicclf.scoring"):
        summary = score_file(tiny_tagger, str(folder), str(tmp_path / "o.csv"), engine="dask",
                             scheduler=cluster, on_error="skip-row", text_columns=["text"])
    assert summary.rows_read == 8 and summary.rows_written == 8 - summary.not_scored > 0
    assert (f"left out {summary.not_scored} of 8 rows that could not be scored"
            in caplog.text)


def test_a_dask_dataframe_scored_lazily(tiny_tagger, cluster):
    import dask.dataframe as dd

    from topicclf.dask_engine import score_dataframe
    from topicclf.scoring import score_frame

    frame = pd.DataFrame({"text": [TERROR, SPORT, None, DIPLO, SPORT]})
    with distributed.Client(cluster):
        got = score_dataframe(tiny_tagger, dd.from_pandas(frame, npartitions=3)).compute()
    expected = score_frame(tiny_tagger, frame)
    articles = dd.from_pandas(frame, npartitions=3)
    with distributed.Client(cluster):  # a slice keeps the ids of the whole
        middle = score_dataframe(tiny_tagger, articles).partitions[1].compute()
    assert middle["id"].tolist() == (articles.partitions[1].compute().index + 1).tolist() != [1]
    # the passed-through text column is dask's string dtype: compare the tags
    pd.testing.assert_frame_equal(got.reset_index(drop=True).drop(columns="text"),
                                  expected.drop(columns="text"))


def test_a_file_whose_name_looks_like_a_glob_is_one_file(tiny_tagger, tmp_path):
    from topicclf.dask_engine import is_partitioned

    odd = tmp_path / "news[1].csv"
    odd.write_text(f"text\n{SPORT}\n", encoding="utf-8")
    assert not is_partitioned(str(odd), str(tmp_path / "out.csv"))
    assert is_partitioned(str(tmp_path / "news*.csv"), "-")
    assert is_partitioned("-", str(tmp_path) + "/")
    assert score_file(tiny_tagger, str(odd), str(tmp_path / "out.csv")).rows_written == 1


def test_the_command_line_scores_a_folder_into_a_folder(tiny_tagger, parts, tmp_path, cluster,
                                                        capsys):
    from topicclf.cli import main

    folder, whole = parts
    model = tiny_tagger.save(tmp_path / "model")
    code = main(["score", str(folder), "-o", str(tmp_path / "tagged") + "/", "--engine", "dask",
                 "--scheduler", cluster, "--model", str(model), "--output-format", "jsonl"])
    assert code == 0 and capsys.readouterr().out == ""
    names = sorted(n for n in os.listdir(tmp_path / "tagged") if not n.startswith("."))
    assert names == ["2024-01.jsonl", "2024-02.jsonl", "2024-03.jsonl"]
    rows = pd.concat([pd.read_json(tmp_path / "tagged" / n, lines=True, dtype=False)
                      for n in names], ignore_index=True)
    assert rows["id"].tolist() == list(range(1, 9))
    assert rows["title"].tolist()[:3] == ["t0", "t1", "t2"]
