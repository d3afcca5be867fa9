"""``topicclf score --resume``: an interrupted run continues from its last complete chunk.

The result must be the very file an uninterrupted run writes, byte for byte.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from topicclf.cli import main
from topicclf.writers import AtomicWriter

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ["Attentat terroriste revendiqué à Kaboul", "The football club wins the match",
         "Le ministre reçoit son homologue pour une visite officielle", "",
         'Tennis : "la joueuse" remporte\r\nle tournoi', "Terror attack, 10 dead"]


@pytest.fixture(scope="module")
def model(tiny_tagger, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "tiny"
    tiny_tagger.save(path)
    return str(path)


def _input(path: Path, rows: int, with_ids: bool = True) -> str:
    frame = pd.DataFrame({"text": [f"{TEXTS[i % len(TEXTS)]} {i}" if i % 7 else TEXTS[i % 6]
                                   for i in range(rows)]})
    if with_ids:
        frame.insert(0, "id", [f"a{i:06d}" for i in range(rows)])
    frame.to_csv(path, index=False)
    return str(path)


def _env():
    return {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}


def _score(*argv) -> int:
    return main(["score", *map(str, argv)])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SIGKILL")
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_resume_after_sigkill_gives_the_uninterrupted_file(model, tmp_path, fmt, capsys):
    source = _input(tmp_path / "in.csv", 12_000)
    options = ["--model", model, "--chunk-size", "200", "--quiet"]
    assert _score(source, "-o", tmp_path / f"ref.{fmt}", *options) == 0
    proc = subprocess.Popen([sys.executable, "-m", "topicclf", "score", source, "-o",
                             f"out.{fmt}", *options, "--resume"], cwd=tmp_path, env=_env(),
                            stderr=subprocess.PIPE)
    state = tmp_path / f".out.{fmt}.partial.json"
    deadline = time.monotonic() + 90
    while not (state.exists() and json.loads(state.read_text() or "{}").get("rows_read", 0)
               >= 600):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no clean-up at all
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    partial = tmp_path / f".out.{fmt}.partial"
    assert not (tmp_path / f"out.{fmt}").exists() and partial.exists()
    done = json.loads(state.read_text())
    assert done["rows_read"] < 12_000 and done["rows_read"] % 200 == 0
    with open(partial, "ab") as fh:  # as if killed in the middle of writing a chunk
        fh.write(b'a999999,"half a row')
    capsys.readouterr()
    assert _score(source, "-o", tmp_path / f"out.{fmt}", *options[:-1], "--resume") == 0
    err = capsys.readouterr().err
    assert f"topicclf: warning: resuming {partial} after row {done['rows_read']}" in err
    assert (tmp_path / f"out.{fmt}").read_bytes() == (tmp_path / f"ref.{fmt}").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", f"out.{fmt}", f"ref.{fmt}"]


def _interrupt_after(monkeypatch, chunks: int):
    """Make the run raise KeyboardInterrupt (Ctrl-C) when scoring chunk ``chunks + 1``."""
    import topicclf.scoring

    real, calls = topicclf.scoring._score_chunk, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) > chunks:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(topicclf.scoring, "_score_chunk", flaky)
    return calls


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_ctrl_c_with_resume_keeps_the_partial_and_numbered_ids_run_on(model, tmp_path, fmt,
                                                                     capsys, monkeypatch):
    source = _input(tmp_path / "in.csv", 230, with_ids=False)  # ids are row numbers
    options = ["--model", model, "--chunk-size", "50", "--resume"]
    assert _score(source, "-o", tmp_path / f"ref.{fmt}", *options[:-1]) == 0
    _interrupt_after(monkeypatch, 2)
    assert _score(source, "-o", tmp_path / f"out.{fmt}", *options) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        "topicclf: interrupted; no output written; the partial file is kept: run the same "
        "command again to continue")
    assert json.loads((tmp_path / f".out.{fmt}.partial.json").read_text())["rows_read"] == 100
    monkeypatch.undo()
    calls = _interrupt_after(monkeypatch, 99)
    assert _score(source, "-o", tmp_path / f"out.{fmt}", *options) == 0
    assert len(calls) == 3  # rows 101-230 only: the first two chunks are not scored again
    assert (tmp_path / f"out.{fmt}").read_bytes() == (tmp_path / f"ref.{fmt}").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", f"out.{fmt}", f"ref.{fmt}"]


def test_changed_options_start_over_with_a_warning(model, tmp_path, capsys, monkeypatch):
    source = _input(tmp_path / "in.csv", 120)
    _interrupt_after(monkeypatch, 1)
    assert _score(source, "-o", tmp_path / "out.csv", "--model", model, "--chunk-size", "50",
                  "--resume") == 130
    monkeypatch.undo()
    capsys.readouterr()
    assert _score(source, "-o", tmp_path / "out.csv", "--model", model, "--chunk-size", "40",
                  "--resume") == 0
    err = capsys.readouterr().err
    assert ("topicclf: warning: the partial output " in err
            and "is from a run with another chunk_size; starting from the first row" in err)
    assert _score(source, "-o", tmp_path / "ref.csv", "--model", model) == 0
    assert (tmp_path / "out.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()


def test_a_failed_run_leaves_nothing_to_resume(model, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,Attentat terroriste\n2,\n", encoding="utf-8")
    assert _score(source, "-o", tmp_path / "out.csv", "--model", model, "--on-error", "fail",
                  "--resume") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.parametrize("argv, message", [
    (["-", "-o", "out.csv"], "--resume needs an input file and an output file, not stdin "
                             "or stdout"),
    (["in.csv", "-o", "out.parquet"], "--resume writes CSV, TSV or JSON Lines without .gz; "
                                      "got 'out.parquet'; choose another output or leave out "
                                      "--resume"),
])
def test_what_cannot_be_resumed_is_refused_in_one_line(model, tmp_path, capsys, monkeypatch,
                                                       argv, message):
    monkeypatch.chdir(tmp_path)
    _input(tmp_path / "in.csv", 3)
    assert _score(*argv, "--model", model, "--resume") == 1
    assert capsys.readouterr().err == f"topicclf: error: {message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_atomic_writer_resume_at_cuts_the_partial_and_appends(tmp_path):
    target, partial = tmp_path / "out.csv", tmp_path / ".out.csv.partial"
    partial.write_bytes(b"id,text\n1,a\n2,half")
    with AtomicWriter(str(target), partial_path=str(partial), resume_at=12,
                      columns_order=["id", "text"]) as out:
        out.write(pd.DataFrame({"id": ["2"], "text": ["b"]}))
    assert target.read_bytes() == b"id,text\n1,a\n2,b\n"
    assert not partial.exists()


def test_atomic_writer_keep_partial_keeps_it_on_an_exception(tmp_path):
    partial = tmp_path / ".out.jsonl.partial"
    with pytest.raises(KeyboardInterrupt):
        with AtomicWriter(str(tmp_path / "out.jsonl"), partial_path=str(partial),
                          keep_partial=True) as out:
            out.write(pd.DataFrame({"id": ["1"]}))
            raise KeyboardInterrupt
    assert partial.read_bytes() == b'{"id": "1"}\n'
    assert not (tmp_path / "out.jsonl").exists()
    with pytest.raises(Exception, match="only a CSV, TSV or JSON Lines file"):
        AtomicWriter(str(tmp_path / "o.parquet"), resume_at=0)
