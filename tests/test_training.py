import warnings

import numpy as np
import pandas as pd
import pytest

import topicclf
from topicclf import InvalidInputError, MissingColumnError
from topicclf.training import parse_labels


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def test_train_from_dataframe_reports_held_out_metrics(tiny_frame):
    df = tiny_frame(4)
    tagger = topicclf.train(df, text_column="text", topics="topics", stance="stance", min_df=1)
    metrics = tagger.card_["metrics"]
    held_out = metrics["heads"]["topics"]["n"]
    assert 0 < held_out < len(df) and f"held-out {held_out} rows" in metrics["note"]
    assert set(metrics["heads"]["topics"]["per_label"]) == {"terrorism", "diplomacy", "sport"}
    assert metrics["heads"]["stance"]["confusion"]["labels"] == ["conflict", "cooperation",
                                                                 "neutral"]
    assert tagger.card_["training_data"]["rows"] == len(df)
    assert tagger.tag("Attentat terroriste revendiqué").topics[0].id == "terrorism"


def test_train_from_csv_path_with_json_list_labels(tiny_frame, tmp_path):
    df = tiny_frame(3)
    df["topics"] = ['["' + t + '"]' for t in df["topics"]]
    path = tmp_path / "labelled.csv"
    df.to_csv(path, index=False)
    tagger = topicclf.train(path, topics="topics", min_df=1, test_size=0)
    assert tagger.labels_["topics"] == ["diplomacy", "sport", "terrorism"]


def test_missing_column_lists_the_columns(tiny_frame):
    with pytest.raises(MissingColumnError) as err:
        topicclf.train(tiny_frame(), text_column="body", topics="topics")
    assert str(err.value) == ("column not found: text_column='body' "
                              "(columns: id, text, topics, stance)")


def test_empty_texts_are_reported(tiny_frame):
    df = tiny_frame()
    df.loc[[2, 5], "text"] = ["", None]
    with pytest.raises(InvalidInputError, match=r"2 row\(s\) have an empty or non-text 'text' "
                                                r"\(rows 2, 5\)"):
        topicclf.train(df, topics="topics")


def test_no_label_column_is_an_error(tiny_frame):
    with pytest.raises(InvalidInputError, match="no label column given"):
        topicclf.train(tiny_frame())


def test_parse_labels_forms():
    assert parse_labels("a|b") == ["a", "b"]
    assert parse_labels("a;b", sep=";") == ["a", "b"]
    assert parse_labels(["a", " b "]) == ["a", "b"]
    assert parse_labels(float("nan")) == []
    assert parse_labels("[not json") == ["[not json"]


def test_calibration_on_held_out_split():
    """Scores mean what they say: a reliability check on held-out rows.

    Documents draw words at random; the label's true probability is a logistic
    function of the words, so a calibrated model's held-out scores must match
    observed frequencies.
    """
    rng = np.random.RandomState(0)
    vocab = [f"w{i}" for i in range(60)]
    weights = rng.normal(0, 1.2, len(vocab))
    texts, labels = [], []
    for _ in range(3000):
        idx = rng.choice(len(vocab), 8, replace=False)
        p = 1 / (1 + np.exp(-(weights[idx].sum() / 2)))
        texts.append(" ".join(vocab[i] for i in idx))
        labels.append(["yes"] if rng.rand() < p else ["no"])
    df = pd.DataFrame({"text": texts, "topics": ["|".join(x) for x in labels]})
    tagger = topicclf.train(df, topics="topics", min_df=1, char_ngram_range=(1, 1),
                            word_ngram_range=(1, 1), test_size=0.25, refit=False)
    report = tagger.card_["metrics"]["heads"]["topics"]
    assert report["ece"] <= 0.05
