"""The ``topicclf`` command line: exact outputs, one-line errors, exit codes, no row lost."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from topicclf import __version__
from topicclf.cli import main
from topicclf.persist import read_card

ROOT = Path(__file__).resolve().parents[1]
TERROR = "Attentat terroriste revendiqué à Kaboul"
SPORT = "The football club wins the match"
DIPLO = "Le ministre reçoit son homologue pour une visite officielle"


@pytest.fixture(scope="module")
def model(tiny_tagger, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny"
    tiny_tagger.save(path)
    return str(path)


def run(capsys, monkeypatch, *argv, stdin=None):
    """Run the CLI in this process: (exit status, stdout, stderr)."""
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write(path, data):
    Path(path).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return str(path)


def cli_env():
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}


# ------------------------------------------------------------------- score
def test_score_writes_the_documented_columns_and_tags(capsys, monkeypatch, model, tmp_path):
    source = write(tmp_path / "in.csv", f"id,title,text\nt,Kaboul,{TERROR}\ns,Sport,{SPORT}\n"
                                        f"d,,{DIPLO}\n")
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, monkeypatch, "score", source, "-o", target, "--model", model)
    assert (code, out, err) == (0, "", "")
    with open(target, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == ["id", "title", "text", "language", "topics", "topic:diplomacy",
                      "topic:sport", "topic:terrorism", "countries", "regions", "country_names",
                      "region_names", "stance", "stance_score", "model", "error"]
    got = [(r["id"], r["language"], r["topics"], r["stance"], r["model"], r["error"])
           for r in rows(target)]
    assert got == [("t", "fr", "terrorism", "conflict", "tiny@1", ""),
                   ("s", "en", "sport", "neutral", "tiny@1", ""),
                   ("d", "fr", "diplomacy", "cooperation", "tiny@1", "")]


def test_every_row_comes_out_once_in_order_with_its_id(capsys, monkeypatch, model, tmp_path):
    quoted = 'Le club remporte le match\nde football, dit-il : "quel but"'
    big = "football " * 1_200_000  # a 10 MB field
    data = ("id,text\nr1," + TERROR + "\nr2,\nr3,\"   \"\nr4,\"" + quoted.replace('"', '""')
            + "\"\nr5,The football club wins,EXTRA\nr6\nr7,Tennis star\x00 wins\nr8,"
            + big + "\n\nr9," + SPORT + "\n")
    source = write(tmp_path / "in.csv", data)
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, monkeypatch, "score", source, "-o", target, "--model", model,
                         "--max-chars", 5000)
    assert code == 0
    got = rows(target)
    assert [r["id"] for r in got] == [f"r{i}" for i in range(1, 10)]
    assert [r["error"] for r in got] == [
        "",
        "not scored: empty text in column 'text'",
        "not scored: empty text in column 'text'",
        "",
        "not scored: the input row was repaired on reading (row had 3 fields, expected 2; "
        "extra fields dropped: 'EXTRA')",
        "not scored: the input row was repaired on reading (row had 1 field, expected 2; "
        "missing fields left empty)",
        "not scored: the input row was repaired on reading (NUL bytes removed)",
        f"text truncated from {len(big):,} to 5,000 characters before scoring",
        ""]
    assert [r["topics"] for r in got] == ["terrorism", "", "", "sport", "", "", "", "sport",
                                          "sport"]
    assert got[3]["text"] == quoted and got[7]["text"] == big
    assert err.splitlines() == [
        f"topicclf: warning: 3 of 9 rows of {source} were repaired on reading; see __io_error__",
        "topicclf: warning: 5 of 9 rows could not be scored; their error column says why",
        "topicclf: warning: 1 of 9 rows had texts longer than 5000 characters, cut before scoring; "
        "their error column says so"]


def test_jsonl_rows_hold_the_result_dict(capsys, monkeypatch, model, tmp_path, tiny_tagger):
    source = write(tmp_path / "in.csv", f"id,text\n1,{SPORT}\n2,\n")
    code, out, err = run(capsys, monkeypatch, "score", source, "--output-format", "jsonl",
                         "--model", model)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines == [
        {"id": "1", "text": SPORT, **tiny_tagger.tag(SPORT).to_dict(), "error": None},
        {"id": "2", "text": "", "language": None, "topics": [], "countries": [], "regions": [],
         "stance": None, "model": {"name": "tiny", "version": "1"},
         "error": "not scored: empty text in column 'text'"}]


def test_csv_to_jsonl_to_csv_keeps_ids_and_order(capsys, monkeypatch, model, tmp_path):
    texts = [TERROR, "", SPORT, 'Il a dit "oui",\npuis "non"', DIPLO]
    ids = ["k9", "k8", "k7", "k6", "k5"]
    pd.DataFrame({"ref": ids, "text": texts}).to_csv(tmp_path / "in.csv", index=False)
    assert run(capsys, monkeypatch, "score", tmp_path / "in.csv", "-o", tmp_path / "mid.jsonl",
               "--model", model, "--id-column", "ref")[0] == 0
    assert run(capsys, monkeypatch, "score", tmp_path / "mid.jsonl", "-o",
               tmp_path / "back.csv", "--model", model)[0] == 0
    mid = [json.loads(line) for line in (tmp_path / "mid.jsonl").read_text().splitlines()]
    back = rows(tmp_path / "back.csv")
    assert [r["id"] for r in mid] == [r["id"] for r in back] == ids
    assert [r["text"] for r in mid] == [r["text"] for r in back] == texts
    assert [r["topics"] for r in back] == ["|".join(t["id"] for t in r["topics"]) for r in mid]
    assert [json.loads(r["input:topics"]) for r in back] == [r["topics"] for r in mid]
    assert [r["topics"] for r in back][:3] == ["terrorism", "", "sport"]


def test_stdin_to_stdout(capsys, monkeypatch, model):
    code, out, err = run(capsys, monkeypatch, "score", "-", "--model", model, "--keep-columns",
                         "none", stdin=f"text\n{SPORT}\n".encode())
    assert code == 0
    assert list(csv.reader(io.StringIO(out)))[1][:3] == ["1", "en", "sport"]


def test_keep_columns_list_and_parquet_output(capsys, monkeypatch, model, tmp_path):
    source = write(tmp_path / "in.tsv", f"a\tb\ttext\nx\ty\t{SPORT}\n")
    code, _, _ = run(capsys, monkeypatch, "score", source, "-o", tmp_path / "o.parquet",
                     "--model", model, "--keep-columns", "b")
    assert code == 0
    out = pd.read_parquet(tmp_path / "o.parquet")
    assert list(out.columns[:3]) == ["id", "b", "language"]
    assert out[["id", "b", "topics"]].to_dict("records") == [{"id": 1, "b": "y", "topics": "sport"}]


def test_cp1252_input_is_read_with_one_warning(capsys, monkeypatch, model, tmp_path):
    source = write(tmp_path / "in.csv", f"text\n{DIPLO}\n".encode("cp1252"))
    code, _, err = run(capsys, monkeypatch, "score", source, "-o", tmp_path / "o.csv",
                       "--model", model)
    assert code == 0
    assert rows(tmp_path / "o.csv")[0]["text"] == DIPLO
    assert err.splitlines() == [f"topicclf: warning: input file '{source}' is not valid UTF-8 "
                                "(byte 0xe7 at offset 19); reading such bytes as cp1252; pass "
                                "--encoding to choose one"]


def test_skip_row_and_fail(capsys, monkeypatch, model, tmp_path):
    source = write(tmp_path / "in.csv", f"id,text\na,{SPORT}\nb,\n")
    code, _, err = run(capsys, monkeypatch, "score", source, "-o", tmp_path / "o.csv",
                       "--model", model, "--on-error", "skip-row")
    assert (code, [r["id"] for r in rows(tmp_path / "o.csv")]) == (0, ["a"])
    assert err == "topicclf: warning: left out 1 of 2 rows that could not be scored " \
                  "(--on-error skip-row)\n"
    code, out, err = run(capsys, monkeypatch, "score", source, "-o", tmp_path / "f.csv",
                         "--model", model, "--on-error", "fail")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"topicclf: warning: output {tmp_path / 'f.csv'} not written: the run did not complete",
        "topicclf: error: row 2 (id 'b') cannot be scored: empty text in column 'text'; pass "
        "--on-error mark to keep such rows with the reason, or --on-error skip-row to leave "
        "them out"]
    assert not (tmp_path / "f.csv").exists()


def test_jobs_2_gives_the_same_file_as_jobs_1(capsys, monkeypatch, model, tmp_path):
    texts = [TERROR, SPORT, DIPLO, "", "Tennis star wins the final"] * 12
    pd.DataFrame({"text": texts}).to_csv(tmp_path / "in.csv", index=False)
    for jobs in (1, 2):
        code, _, _ = run(capsys, monkeypatch, "score", tmp_path / "in.csv", "-o",
                         tmp_path / f"j{jobs}.csv", "--model", model, "--jobs", jobs,
                         "--chunk-size", 7)
        assert code == 0
    one, two = (tmp_path / "j1.csv").read_bytes(), (tmp_path / "j2.csv").read_bytes()
    assert one == two
    assert [r["id"] for r in rows(tmp_path / "j2.csv")] == [str(i) for i in range(1, 61)]


def test_dask_engine_gives_the_same_rows_as_the_local_engine(capsys, monkeypatch, model,
                                                              tmp_path):
    distributed = pytest.importorskip("distributed")
    texts = [TERROR, SPORT, "", DIPLO, None] * 8
    pd.DataFrame({"id": [f"x{i}" for i in range(40)], "text": texts}).to_csv(
        tmp_path / "in.csv", index=False)
    common = ["--model", model, "--chunk-size", 6, "--explain", 1]
    assert run(capsys, monkeypatch, "score", tmp_path / "in.csv", "-o", tmp_path / "local.jsonl",
               *common)[0] == 0
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        code, _, err = run(capsys, monkeypatch, "score", tmp_path / "in.csv", "-o",
                           tmp_path / "dask.jsonl", *common, "--engine", "dask",
                           "--scheduler", cluster.scheduler_address)
    assert code == 0, err
    local = (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    dask = (tmp_path / "dask.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(local) == 40
    for a, b in zip(local, dask, strict=True):
        assert json.loads(a) == json.loads(b)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("args, message", [
    (["missing.csv"], "input file 'missing.csv' not found"),
    (["in.csv", "--text-column", "body"],
     "column 'body' not found in in.csv (columns: id, title, text); pass --text-column text"),
    (["notext.csv"], "no column 'text' in notext.csv (columns: id, body); pass --text-column "
                     "with the column(s) holding the article text"),
    (["in.csv", "--id-column", "key"], "column 'key' not found in in.csv (columns: id, title, "
     "text); pass --id-column with one of these, or leave it out to number rows"),
    (["in.csv", "--model", "./nowhere"], "model directory 'nowhere' not found"),
    (["in.csv", "--model", "in.csv"], "'in.csv' is not a model directory (expected a folder "
                                      "holding model-card.json)"),
    (["in.csv", "-o", "no/such/dir/out.csv"], "cannot write output 'no/such/dir/out.csv': "
     "directory 'no/such/dir' does not exist; create it or choose another output path"),
    (["in.csv", "-o", "out.txt"], "cannot tell the format of 'out.txt' from its extension "
     "(accepted: csv, tsv, jsonl, parquet; text formats may end in .gz); pass --output-format "
     "with one of these"),
    (["in.csv", "--top-k", 0], "top_k must be an integer >= 1, got 0"),
    (["in.csv", "--scheduler", "tcp://127.0.0.1:1"],
     "a Dask scheduler is only used by the dask engine; add --engine dask"),
])
def test_score_errors_are_one_line_before_any_output(capsys, monkeypatch, model, tmp_path,
                                                     args, message):
    monkeypatch.chdir(tmp_path)
    write("in.csv", f"id,title,text\n1,T,{SPORT}\n")
    write("notext.csv", f"id,body\n1,{SPORT}\n")
    argv = ["score", *args] + ([] if "--model" in args else ["--model", model])
    code, out, err = run(capsys, monkeypatch, *argv)
    assert (code, out, err) == (1, "", f"topicclf: error: {message}\n")
    assert sorted(os.listdir(tmp_path)) == ["in.csv", "notext.csv"]


def test_without_a_shipped_model_the_error_says_what_to_do(capsys, monkeypatch, tmp_path):
    import topicclf.persist

    monkeypatch.setattr(topicclf.persist, "_models_root", lambda: tmp_path)
    source = write(tmp_path / "in.csv", f"text\n{SPORT}\n")
    code, out, err = run(capsys, monkeypatch, "score", source)
    assert (code, out) == (1, "")
    assert err == ("topicclf: error: no shipped model named 'topicclf-news' is installed with "
                   "topicclf; train one with topicclf.train(...) or pass a model directory\n")


def test_ctrl_c_exits_130_and_leaves_no_file(capsys, monkeypatch, model, tmp_path):
    import topicclf.scoring

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(topicclf.scoring, "_score_chunk", interrupt)
    source = write(tmp_path / "in.csv", f"text\n{SPORT}\n")
    code, out, err = run(capsys, monkeypatch, "score", source, "-o", tmp_path / "o.csv",
                         "--model", model)
    assert (code, out) == (130, "")
    assert err.splitlines()[-1] == "topicclf: interrupted; no output written"
    assert sorted(os.listdir(tmp_path)) == ["in.csv"]


def children(pid):
    done = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                          text=True)
    return [int(p) for p in done.stdout.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses ps --ppid")
@pytest.mark.parametrize("sig, code, word, jobs", [(signal.SIGTERM, 143, "terminated", 1),
                                                   (signal.SIGINT, 130, "interrupted", 1),
                                                   (signal.SIGTERM, 143, "terminated", 2)])
def test_a_killed_run_leaves_no_file_that_looks_finished(model, tmp_path, sig, code, word,
                                                         jobs):
    pd.DataFrame({"text": [TERROR, SPORT, DIPLO] * 40_000}).to_csv(tmp_path / "in.csv",
                                                                   index=False)
    proc = subprocess.Popen([sys.executable, "-m", "topicclf", "score", "in.csv", "-o",
                             "out.csv", "--model", model, "--chunk-size", "100", "--jobs",
                             str(jobs)], cwd=tmp_path, env=cli_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            # a shell's background job ignores SIGINT, and so would the child
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not any(p.endswith(".partial") for p in os.listdir(tmp_path)):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.05)
    workers = children(proc.pid)
    assert len(workers) >= (jobs if jobs > 1 else 0)  # the pool has started its workers
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.splitlines()[-1] == f"topicclf: {word}; no output written", err
    assert sorted(os.listdir(tmp_path)) == ["in.csv"]
    time.sleep(0.5)
    assert [pid for pid in workers if os.path.exists(f"/proc/{pid}")] == []


# --------------------------------------------------------------- tag, info
def test_tag_prints_the_tags_for_people(capsys, monkeypatch, model):
    code, out, err = run(capsys, monkeypatch, "tag", TERROR, "--model", model)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "language   fr"
    assert re.fullmatch(r"topics     terrorism 0\.9\d|topics     terrorism 1\.00", lines[1])
    assert lines[2:5] == ["countries  -", "regions    -", lines[4]]
    assert re.fullmatch(r"stance     conflict 0\.\d\d", lines[4])
    assert lines[5] == "model      tiny@1"


def test_tag_json_from_stdin_with_explanations(capsys, monkeypatch, model, tiny_tagger):
    code, out, err = run(capsys, monkeypatch, "tag", "--json", "--model", model, "--explain",
                         2, stdin=SPORT.encode())
    assert (code, err) == (0, "")
    expected = tiny_tagger.tag(SPORT).to_dict()
    expected["explanations"] = {
        "topics": {"sport": [r.to_dict() for r in tiny_tagger.explain(SPORT, "sport", 2)]},
        "stance": {"neutral": [r.to_dict() for r in tiny_tagger.explain(SPORT, "neutral", 2)]}}
    assert json.loads(out) == expected


def test_tag_refuses_an_empty_text(capsys, monkeypatch, model):
    assert run(capsys, monkeypatch, "tag", "  ", "--model", model) == (
        1, "", "topicclf: error: nothing to tag: the text is empty; pass TEXT or pipe it on "
               "stdin\n")


def test_info_prints_the_card(capsys, monkeypatch, model):
    code, out, err = run(capsys, monkeypatch, "info", model)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "# Model card: tiny 1"
    assert "- **topics** (multilabel): diplomacy (" in out
    code, out, err = run(capsys, monkeypatch, "info", model, "--json")
    assert json.loads(out) == read_card(model)
    assert run(capsys, monkeypatch, "info", "./nowhere") == (
        1, "", "topicclf: error: model directory 'nowhere' not found\n")


def test_a_model_given_by_name(capsys, monkeypatch, model, tmp_path):
    """--model NAME finds a model in $TOPICCLF_MODELS (then the user's and the shipped ones)."""
    store = tmp_path / "store"
    shutil.copytree(model, store / "mine")
    monkeypatch.setenv("TOPICCLF_MODELS", str(store))
    source = write(tmp_path / "in.csv", f"id,text\na,{SPORT}\n")
    by_path = run(capsys, monkeypatch, "score", source, "--model", model)
    by_name = run(capsys, monkeypatch, "score", source, "--model", "mine")
    assert by_name == by_path and by_name[0] == 0
    code, out, err = run(capsys, monkeypatch, "info", "--list")
    assert code == 0 and out.splitlines()[0] == f"mine\t{store / 'mine'}"
    assert "topicclf-news\t" in out  # the shipped model is listed too
    code, out, err = run(capsys, monkeypatch, "tag", "--model", "yours", SPORT)
    assert code == 1 and out == ""
    assert err.startswith("topicclf: error: no model directory or model named 'yours'; "
                          "models found by name: mine, topicclf-news (searched ")
    # a model directory of the current directory with the same name wins, with a warning
    monkeypatch.chdir(tmp_path)
    shutil.copytree(model, tmp_path / "topicclf-news")
    code, out, err = run(capsys, monkeypatch, "info", "topicclf-news")
    assert code == 0 and out.splitlines()[0] == "# Model card: tiny 1"
    assert "using the model directory ./topicclf-news, not the installed model" in err


def test_version_and_usage_errors(capsys, monkeypatch):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert (info.value.code, capsys.readouterr().out) == (0, f"topicclf {__version__}\n")
    with pytest.raises(SystemExit) as info:
        main(["score", "in.csv", "--engine", "spark"])
    assert info.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "topicclf score: error: argument --engine: invalid choice: 'spark' (choose from ")


def test_python_m_topicclf_is_the_same_command(model, tmp_path):
    source = write(tmp_path / "in.csv", f"text\n{SPORT}\n")
    done = subprocess.run([sys.executable, "-m", "topicclf", "score", source, "--model", model,
                           "--keep-columns", "none"], env=cli_env(), capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[1].startswith("1,en,sport,")
