"""Scoring tables: one row out per row in, in order, with its id and a reason when not scored."""

from __future__ import annotations

import logging
import sys

import numpy as np
import pandas as pd
import pytest

from topicclf.errors import InvalidInputError, MissingColumnError
from topicclf.io import ERROR_COLUMN
from topicclf.scoring import EngineError, ScoreSummary, score_file, score_frame

TERROR = "Attentat terroriste revendiqué à Kaboul"
SPORT = "The football club wins the match"
DIPLO = "Le ministre reçoit son homologue pour une visite officielle"
FLAT = ["id", "text", "language", "topics", "topic:diplomacy", "topic:sport", "topic:terrorism",
        "countries", "regions", "country_names", "region_names", "stance", "stance_score",
        "model", "error"]


class Recording:
    """The tiny tagger, recording the texts of every ``tag_many`` call."""

    def __init__(self, tagger):
        self.tagger, self.calls = tagger, []

    def __getattr__(self, name):
        return getattr(self.tagger, name)

    def tag_many(self, texts, **kwargs):
        self.calls.append(list(texts))
        return self.tagger.tag_many(texts, **kwargs)


def test_flat_rows_have_the_documented_columns_and_labels(tiny_tagger):
    out = score_frame(tiny_tagger, pd.DataFrame({"text": [TERROR, SPORT, DIPLO]}))
    assert list(out.columns) == FLAT
    assert out["id"].tolist() == [1, 2, 3]
    assert out["topics"].tolist() == ["terrorism", "sport", "diplomacy"]
    assert out["stance"].tolist() == ["conflict", "neutral", "cooperation"]
    assert out["language"].tolist() == ["fr", "en", "fr"]
    assert out["model"].tolist() == ["tiny@1"] * 3
    assert out["error"].tolist() == [None] * 3
    expected = tiny_tagger.tag(TERROR)
    assert out.loc[0, "topic:terrorism"] == round(expected.scores["topics"]["terrorism"], 4)
    assert out.loc[0, "stance_score"] == round(expected.stance.score, 4)
    assert out.loc[0, "topic:terrorism"] > 0.9 > out.loc[0, "topic:sport"]


def test_nested_rows_are_the_result_dict(tiny_tagger):
    out = score_frame(tiny_tagger, pd.DataFrame({"id": ["x"], "text": [SPORT]}), layout="nested")
    assert out.to_dict("records") == [{"id": "x", "text": SPORT,
                                       **tiny_tagger.tag(SPORT).to_dict(), "error": None}]


def test_one_tag_many_call_per_chunk_on_the_rows_with_text(tiny_tagger):
    frame = pd.DataFrame({"title": ["Match", None, "", 7, np.nan, "Attentat"],
                          "text": ["de football", " \n ", None, "x", pd.NA, ""]})
    tagger = Recording(tiny_tagger)
    out = score_frame(tagger, frame, text_columns=["title", "text"])
    assert tagger.calls == [["Match\nde football", "Attentat"]]
    assert out["error"].tolist() == [
        None, "not scored: empty text in columns 'title', 'text'",
        "not scored: empty text in columns 'title', 'text'",
        "not scored: column 'title' holds a int (7), not text",
        "not scored: empty text in columns 'title', 'text'", None]
    assert out["topics"].tolist() == ["sport", "", "", "", "", "terrorism"]
    assert out["language"].isna().tolist() == [False, True, True, True, True, False]
    assert out["topic:sport"].isna().tolist() == [False, True, True, True, True, False]


def test_no_call_at_all_when_no_row_has_text(tiny_tagger):
    tagger = Recording(tiny_tagger)
    out = score_frame(tagger, pd.DataFrame({"text": [None, ""]}))
    assert tagger.calls == []
    assert len(out) == 2


def test_rows_repaired_on_reading_keep_their_place_unscored(tiny_tagger):
    frame = pd.DataFrame({"id": ["a", "b"], "text": [SPORT, SPORT],
                          ERROR_COLUMN: [None, "NUL bytes removed"]})
    out = score_frame(tiny_tagger, frame)
    assert ERROR_COLUMN not in out.columns
    assert out["id"].tolist() == ["a", "b"]
    assert out["topics"].tolist() == ["sport", ""]
    assert out["error"].tolist() == [
        None, "not scored: the input row was repaired on reading (NUL bytes removed)"]


def test_long_texts_are_cut_and_still_scored(tiny_tagger):
    out = score_frame(tiny_tagger, pd.DataFrame({"text": [TERROR * 3]}), max_chars=len(TERROR))
    assert out["error"].tolist() == [f"text truncated from {3 * len(TERROR)} to {len(TERROR)} "
                                     "characters before scoring"]
    assert out["topics"].tolist() == ["terrorism"]


def test_ids_from_a_column_or_numbered_after_the_offset(tiny_tagger):
    frame = pd.DataFrame({"doc": ["007", None], "text": [SPORT, DIPLO]}, dtype=object)
    assert score_frame(tiny_tagger, frame, id_column="doc")["id"].tolist() == ["007", None]
    assert score_frame(tiny_tagger, frame, id_column="doc").columns[1] == "text"
    assert score_frame(tiny_tagger, frame, keep_columns=[], row_offset=40)["id"].tolist() == \
        [41, 42]


def test_kept_columns_named_like_output_columns_are_renamed(tiny_tagger, caplog):
    frame = pd.DataFrame({"text": [SPORT], "topics": ["sport"], "other": ["o"]})
    with caplog.at_level(logging.WARNING, logger="topicclf.scoring"):
        out = score_frame(tiny_tagger, frame)
    assert list(out.columns[:4]) == ["id", "text", "input:topics", "other"]
    assert out["input:topics"].tolist() == ["sport"]
    assert caplog.messages == ["input columns named like output columns are renamed: "
                               "topics -> input:topics"]
    assert list(score_frame(tiny_tagger, frame, keep_columns=[]).columns[:2]) == ["id", "language"]


def test_top_k_and_min_score_pass_through(tiny_tagger):
    frame = pd.DataFrame({"text": [TERROR]})
    assert score_frame(tiny_tagger, frame, min_score=0.0)["topics"].tolist() == \
        ["terrorism|diplomacy|sport"]
    assert score_frame(tiny_tagger, frame, min_score=0.0, top_k=1)["topics"].tolist() == \
        ["terrorism"]


def test_explanations_flat_and_nested(tiny_tagger):
    frame = pd.DataFrame({"text": [TERROR, None]})
    flat = score_frame(tiny_tagger, frame, explain=1)
    reasons = tiny_tagger.explain(TERROR, "terrorism", 1)
    stance = tiny_tagger.explain(TERROR, "conflict", 1, head="stance")
    assert flat["explanations"].tolist() == [
        f"terrorism: {reasons[0].phrase} {reasons[0].weight:+.2f}; "
        f"conflict: {stance[0].phrase} {stance[0].weight:+.2f}", None]
    nested = score_frame(tiny_tagger, frame, explain=1, layout="nested")
    assert nested["explanations"].tolist() == [
        {"topics": {"terrorism": [reasons[0].to_dict()]},
         "stance": {"conflict": [stance[0].to_dict()]}}, {}]
    assert list(nested.columns[-2:]) == ["explanations", "error"]


@pytest.mark.parametrize("kwargs, message", [
    ({"text_columns": ["body"]},
     "column 'body' not found in the frame (columns: id, text); pass --text-column text"),
    ({"id_column": "key"}, "column 'key' not found in the frame (columns: id, text); pass "
                           "--id-column with one of these, or leave it out to number rows"),
    ({"keep_columns": ["id", "x"]}, "column 'x' not found in the frame (columns: id, text); "
                                    "pass --keep-columns with names from these, or none"),
])
def test_unknown_columns_are_named_with_the_existing_ones(tiny_tagger, kwargs, message):
    with pytest.raises(MissingColumnError) as info:
        score_frame(tiny_tagger, pd.DataFrame({"id": ["1"], "text": [SPORT]}), **kwargs)
    assert str(info.value) == message


def test_no_text_column_by_default_is_an_error(tiny_tagger):
    with pytest.raises(MissingColumnError, match=r"^no column 'text' in the frame \(columns: "
                                                 r"body\); pass --text-column with the "):
        score_frame(tiny_tagger, pd.DataFrame({"body": [SPORT]}))


@pytest.mark.parametrize("kwargs, message", [
    ({"top_k": 0}, "top_k must be an integer >= 1, got 0"),
    ({"min_score": 1.5}, "min_score must be between 0 and 1, got 1.5"),
    ({"explain": -1}, "explain must be an integer >= 0, got -1"),
    ({"layout": "wide"}, "layout must be 'flat' or 'nested', got 'wide'"),
])
def test_bad_options_are_refused(tiny_tagger, kwargs, message):
    with pytest.raises(InvalidInputError) as info:
        score_frame(tiny_tagger, pd.DataFrame({"text": [SPORT]}), **kwargs)
    assert str(info.value) == message


# ------------------------------------------------------------------ files
@pytest.fixture()
def table(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(f"id,text\na,{TERROR}\nb,\nc,{SPORT}\n", encoding="utf-8")
    return str(path)


def test_score_file_counts_and_writes_every_row(tiny_tagger, table, tmp_path, caplog):
    target = str(tmp_path / "out.csv")
    with caplog.at_level(logging.WARNING, logger="topicclf.scoring"):
        summary = score_file(tiny_tagger, table, target, chunk_size=2)
    assert summary == ScoreSummary(rows_read=3, rows_written=3, not_scored=1, truncated=0)
    out = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert out["id"].tolist() == ["a", "b", "c"]
    assert out["topics"].tolist() == ["terrorism", "", "sport"]
    assert caplog.messages == ["1 of 3 rows could not be scored; their error column says why"]


def test_skip_row_leaves_out_unscored_rows_and_says_how_many(tiny_tagger, table, tmp_path,
                                                             caplog):
    target = str(tmp_path / "out.jsonl")
    with caplog.at_level(logging.WARNING, logger="topicclf.scoring"):
        summary = score_file(tiny_tagger, table, target, on_error="skip-row")
    assert summary == ScoreSummary(rows_read=3, rows_written=2, not_scored=1, truncated=0)
    assert pd.read_json(target, lines=True, dtype=False)["id"].tolist() == ["a", "c"]
    assert caplog.messages == ["left out 1 of 3 rows that could not be scored "
                               "(--on-error skip-row)"]


def test_fail_stops_at_the_first_unscored_row_and_writes_nothing(tiny_tagger, table, tmp_path):
    with pytest.raises(InvalidInputError) as info:
        score_file(tiny_tagger, table, str(tmp_path / "out.csv"), on_error="fail")
    assert str(info.value) == ("row 2 (id 'b') cannot be scored: empty text in column 'text'; "
                               "pass --on-error mark to keep such rows with the reason, or "
                               "--on-error skip-row to leave them out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


@pytest.mark.parametrize("kwargs, message", [
    ({"on_error": "ignore"}, "on_error must be one of mark, skip-row, fail; got 'ignore'"),
    ({"engine": "spark"}, "engine must be 'local' or 'dask', got 'spark'"),
    ({"jobs": 0}, "jobs must be an integer >= 1, got 0"),
    ({"scheduler": "tcp://h:8786"},
     "a Dask scheduler is only used by the dask engine; add --engine dask"),
])
def test_bad_run_options_are_refused_before_reading(tiny_tagger, kwargs, message, tmp_path):
    with pytest.raises(InvalidInputError) as info:
        score_file(tiny_tagger, str(tmp_path / "missing.csv"), "-", **kwargs)
    assert str(info.value) == message


def test_dask_engine_without_dask_says_how_to_install(tiny_tagger, table, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(EngineError) as info:
        score_file(tiny_tagger, table, str(tmp_path / "out.csv"), engine="dask")
    assert str(info.value) == ("--engine dask needs Dask, an optional extra: "
                               "pip install 'topicclf[dask]'")
    assert not (tmp_path / "out.csv").exists()
