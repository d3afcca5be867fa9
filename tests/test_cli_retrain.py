"""The retraining commands, run as a user would: topicclf.cli.main([...])."""

from __future__ import annotations

import csv
import json

import pytest

import topicclf
from topicclf.cli import main


@pytest.fixture()
def labelled(tiny_frame, tmp_path):
    path = tmp_path / "labelled.csv"
    tiny_frame(5).to_csv(path, index=False)
    return path


def test_train_saves_a_model_and_prints_the_held_out_report(labelled, tmp_path, capsys):
    out = tmp_path / "my-model"
    code = main(["train", str(labelled), "-o", str(out), "--topic-column", "topics",
                 "--stance-column", "stance", "--seed", "1"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "held-out" in printed and "terrorism" in printed and "diplomacy" in printed
    model = topicclf.load(out)
    assert model.labels_["topics"] == ["diplomacy", "sport", "terrorism"]
    assert model.card_["metrics"]["heads"]["topics"]["n"] > 0


def test_train_lists_every_problem(tiny_frame, tmp_path, capsys):
    df = tiny_frame(5)
    df.loc[3, "text"] = ""
    df.loc[0, "topics"] = "rare"
    path = tmp_path / "bad.csv"
    df.to_csv(path, index=False)
    code = main(["train", str(path), "-o", str(tmp_path / "m"), "--topic-column", "topics"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("topicclf: error: ")
    assert "'rare'" in err and "empty" in err
    assert not (tmp_path / "m").exists()


def test_train_unknown_column(labelled, tmp_path, capsys):
    code = main(["train", str(labelled), "-o", str(tmp_path / "m"), "--topic-column", "nope"])
    err = capsys.readouterr().err
    assert code == 1 and "nope" in err and "columns: id, text, topics, stance" in err


def test_evaluate_prints_table_and_writes_report_and_json(labelled, tiny_tagger, tmp_path,
                                                          capsys):
    tiny_tagger.save(tmp_path / "m")
    code = main(["evaluate", str(tmp_path / "m"), str(labelled), "--topic-column", "topics",
                 "--stance-column", "stance", "--report", str(tmp_path / "r.html"),
                 "--json", str(tmp_path / "r.json")])
    assert code == 0
    assert "sport" in capsys.readouterr().out
    html = (tmp_path / "r.html").read_text()
    assert html.count('<section class="label"') == 3
    figures = json.loads((tmp_path / "r.json").read_text())
    assert figures["heads"]["topics"]["per_label"]["sport"]["support"] == 30


def test_tune_thresholds_saves_a_new_model(labelled, tiny_tagger, tmp_path):
    tiny_tagger.save(tmp_path / "m")
    code = main(["tune-thresholds", str(tmp_path / "m"), str(labelled), "--topic-column",
                 "topics", "-o", str(tmp_path / "tuned")])
    assert code == 0
    assert "thresholds" in topicclf.load(tmp_path / "tuned").card_


def test_suggest_writes_n_distinct_rows(tiny_tagger, tiny_frame, tmp_path):
    tiny_tagger.save(tmp_path / "m")
    unlabelled = tmp_path / "u.csv"
    tiny_frame(1)[["id", "text"]].to_csv(unlabelled, index=False)
    out = tmp_path / "next.csv"
    assert main(["suggest", str(tmp_path / "m"), str(unlabelled), "-n", "5", "-o",
                 str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 5 and len({r["id"] for r in rows}) == 5


def test_explain_prints_weighted_words(tiny_tagger, tmp_path, capsys):
    tiny_tagger.save(tmp_path / "m")
    assert main(["explain", str(tmp_path / "m"), "Les terroristes ont revendiqué l'attentat",
                 "--label", "terrorism"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("terrorism: score ")
    assert any(line.split()[0] in {"terroristes", "attentat"} for line in lines[1:3])


def test_audit_flags_a_flipped_label(tiny_frame, tmp_path):
    df = tiny_frame(5)
    df.loc[0, "topics"] = "sport"  # a terrorism story labelled sport
    path = tmp_path / "labelled.csv"
    df.to_csv(path, index=False)
    out = tmp_path / "suspects.csv"
    assert main(["audit", str(path), "--topic-column", "topics", "--id-column", "id",
                 "--cv", "3", "-o", str(out)]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    flagged = {r["id"]: r for r in rows}
    assert df.loc[0, "id"] in flagged
    assert "terrorism" in flagged[df.loc[0, "id"]]["suggested"]


def test_train_with_cross_validation(labelled, tmp_path, capsys):
    out = tmp_path / "cv-model"
    assert main(["train", str(labelled), "-o", str(out), "--topic-column", "topics",
                 "--cv", "3"]) == 0
    metrics = topicclf.load(out).card_["metrics"]
    assert metrics["note"].startswith("3-fold cross-validation")
    # every row is scored once across the folds
    assert metrics["heads"]["topics"]["n"] == 90
    assert sum(r["support"] for r in metrics["heads"]["topics"]["per_label"].values()) == 90
