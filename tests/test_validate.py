import pandas as pd
import pytest

from topicclf.errors import InvalidInputError, MissingColumnError
from topicclf.validate import check_training_table, validate_training_table


def test_clean_table_has_no_problem(tiny_frame):
    df = tiny_frame(3)  # each text three times, always with the same labels
    assert validate_training_table(df, text_column="text", topics="topics",
                                   stance="stance") == []
    check_training_table(df, text_column="text", topics="topics", stance="stance")


def test_every_problem_is_listed_at_once():
    df = pd.DataFrame({
        "text": ["Bomb in Kabul", None, "Cup final", "  ", "bomb in  KABUL", "Minister visit"]
        + [f"Goal number {i}" for i in range(5)],
        "topics": ["terror", "sport", "sport", "sport", "sport|terror", "diplomacy"]
        + ["sport"] * 5,
        "stance": ["conflict", "neutral", "", "neutral", "conflict", "cooperation|neutral"]
        + ["neutral"] * 5,
    })
    problems = validate_training_table(df, text_column="text", topics="topics",
                                       stance="stance", min_examples=3)
    assert problems == [
        "2 row(s) have an empty or non-text 'text' (rows 1, 3); fill or drop them before "
        "training",
        "topics: labels with fewer than 3 examples: 'diplomacy' (1), 'terror' (2); add "
        "examples or remove these labels",
        "stance: 1 row(s) have no label in 'stance' (rows 2); every row needs one stance label",
        "stance: 1 row(s) have more than one label in 'stance' (rows 5); keep one per row",
        "stance: labels with fewer than 3 examples: 'cooperation' (1), 'conflict' (2); add "
        "examples or remove these labels",
        "the same text has different labels in 1 group(s) of rows: rows 0, 4 (topics: "
        "'terror' vs 'sport|terror'); keep one labelling per text",
    ]


def test_missing_columns_are_named_with_the_existing_ones(tiny_frame):
    df = tiny_frame()
    problems = validate_training_table(df, text_column="body", topics="desk", stance="stance")
    assert problems == ["column not found: text_column='body'; topics='desk' "
                        "(columns: id, text, topics, stance)"]


def test_missing_column_message_matches_train(tiny_frame):
    """Alone, a missing column gives exactly the message topicclf.train gives today."""
    with pytest.raises(MissingColumnError) as err:
        check_training_table(tiny_frame(), text_column="body", topics="topics")
    assert str(err.value) == ("column not found: text_column='body' "
                              "(columns: id, text, topics, stance)")


def test_check_raises_all_problems_one_per_line():
    df = pd.DataFrame({"body": ["Goal!", ""], "topics": ["sport", "sport"]})
    with pytest.raises(MissingColumnError) as err:
        check_training_table(df, text_column="text", topics="topics", stance="stance")
    assert isinstance(err.value, InvalidInputError)
    assert str(err.value).splitlines() == [
        "the training table has 2 problems:",
        "- column not found: text_column='text'; stance='stance' (columns: body, topics)",
        "- topics: labels with fewer than 5 examples: 'sport' (2); add examples or remove "
        "these labels",
    ]


def test_json_lists_and_separator_are_parsed():
    df = pd.DataFrame({"text": [f"text {i}" for i in range(6)],
                       "topics": ['["a", "b"]'] * 3 + ["a;b"] * 3})
    assert validate_training_table(df, text_column="text", topics="topics", label_sep=";",
                                   min_examples=6) == []


def test_countries_are_not_held_to_min_examples():
    df = pd.DataFrame({"text": [f"text {i}" for i in range(6)], "topics": ["a"] * 6,
                       "countries": ["FR"] * 5 + ["TV"]})
    assert validate_training_table(df, text_column="text", topics="topics",
                                   countries="countries") == []


def test_long_row_lists_are_shortened():
    df = pd.DataFrame({"text": [""] * 25 + ["x"] * 5, "topics": ["a"] * 30})
    (problem,) = validate_training_table(df, text_column="text", topics="topics")
    assert problem == ("25 row(s) have an empty or non-text 'text' (rows 0, 1, 2, 3, 4, 5, 6, "
                       "7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 ... (5 more)); fill or "
                       "drop them before training")


def test_single_stance_label_and_no_label_column():
    df = pd.DataFrame({"text": [f"t{i}" for i in range(5)], "stance": ["neutral"] * 5})
    assert validate_training_table(df, text_column="text", stance="stance") == [
        "stance: only one label ('neutral') in 'stance'; a stance head needs at least two"]
    assert validate_training_table(df, text_column="text") == [
        "no label column given: pass topics=, stance=, countries= or regions= (column names)"]


def test_bad_arguments():
    with pytest.raises(InvalidInputError, match="expected a pandas DataFrame, got list"):
        validate_training_table([{"text": "a"}], text_column="text", topics="t")
    with pytest.raises(InvalidInputError, match="min_examples must be at least 1, got 0"):
        validate_training_table(pd.DataFrame({"text": ["a"]}), text_column="text",
                                topics="text", min_examples=0)
