import warnings

import numpy as np
import pytest

from topicclf import Tagger
from topicclf.errors import InvalidInputError, NotFittedError
from topicclf.suggest import entropy_uncertainty, margin_uncertainty, suggest, suggest_frame

# 15 near-copies of one ambiguous story (terrorism words and sport words),
# then distinct texts; the copies differ only by a number, unknown to the model.
VARIANTS = [f"Terror attack at the football match, report {i}" for i in range(15)]
OTHERS = ["Le ministre visite le stade après l'attentat", "Tennis: the minister meets the team",
          "The ambassador watches the football final", "Weather is sunny",
          "Police arrest a football fan", "Le club signe un accord de coopération",
          "The football club wins the match with a late goal"]
POOL = VARIANTS + OTHERS


@pytest.mark.parametrize("n", [0, 1, 6, len(POOL), len(POOL) + 5])
def test_returns_min_n_distinct_rows(tiny_tagger, n):
    rows = suggest(tiny_tagger, POOL, n=n)
    assert len(rows) == min(n, len(POOL)) == len(set(rows))
    assert all(isinstance(r, int) and 0 <= r < len(POOL) for r in rows)


def test_identical_texts_are_suggested_once(tiny_tagger):
    texts = ["Terror attack at the match", "terror attack at the  MATCH",
             "Terror attack at the match", "Visite du ministre", "Football final"]
    rows = suggest(tiny_tagger, texts, n=3)
    assert sorted(rows) == [0, 3, 4]  # one copy, the first, of the repeated story
    # asked for more rows than distinct texts: copies come last, still distinct rows
    rows = suggest(tiny_tagger, texts, n=5)
    assert sorted(rows[:3]) == [0, 3, 4] and sorted(rows[3:]) == [1, 2]


def test_diversity_spreads_the_batch(tiny_tagger):
    plain = suggest_frame(tiny_tagger, POOL, n=6, diversity=0.0)
    diverse = suggest_frame(tiny_tagger, POOL, n=6, diversity=0.5)
    variants = set(range(len(VARIANTS)))
    # ranked by uncertainty alone, four near-copies of the same story are picked
    assert len(set(plain["row"]) & variants) == 4
    # with diversity, one of them, and no pick is a near-copy of an earlier one
    assert len(set(diverse["row"]) & variants) == 1
    assert diverse["similarity"].max() < 0.5
    # the first pick is the most uncertain text either way
    assert plain["row"][0] == diverse["row"][0]
    assert diverse["uncertainty"][0] == diverse["uncertainty"].max()
    assert diverse["reason"][0] == "stance: cooperation 0.38 vs neutral 0.32"


def test_same_seed_same_rows(tiny_tagger):
    assert suggest(tiny_tagger, POOL, n=8, seed=3) == suggest(tiny_tagger, POOL, n=8, seed=3)


def test_uncertainty_measures():
    proba = np.array([[0.30, 0.95], [0.05, 0.60], [0.0, 1.0]])
    assert margin_uncertainty(proba, np.array([0.3, 0.6])).round(4).tolist() == [1.0, 1.0, 0.0]
    # below the threshold p / t, above it (1 - p) / (1 - t)
    assert margin_uncertainty(proba[:, 1:], np.array([0.6])).round(4).tolist() == [0.125, 1.0,
                                                                                 0.0]
    assert margin_uncertainty(proba[:, :1], np.array([0.3])).round(4).tolist() == [1.0, 0.1667,
                                                                                 0.0]
    assert entropy_uncertainty(np.array([[0.5, 0.5], [0.9, 0.1]])).round(3).tolist() == [
        1.0, 0.469]


def test_bad_input(tiny_tagger):
    with pytest.raises(InvalidInputError, match="expected a list of texts, got a single str"):
        suggest(tiny_tagger, "one text")
    with pytest.raises(InvalidInputError, match="n must be a non-negative integer, got -1"):
        suggest(tiny_tagger, POOL, n=-1)
    with pytest.raises(InvalidInputError, match="diversity must be between 0 and 1, got 2"):
        suggest(tiny_tagger, POOL, diversity=2)
    with pytest.raises(NotFittedError):
        suggest(Tagger(), POOL)


def test_stance_only_model_uses_entropy():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = Tagger(min_df=1, cv=2).fit(["Bomb attack in Kabul", "The football match"] * 6,
                                            stance=["conflict", "neutral"] * 6)
    frame = suggest_frame(tagger, ["Bomb attack", "Bomb attack at the football match"], n=2)
    assert frame["row"].tolist() == [1, 0]
    assert frame["reason"][0].startswith("stance: ")


def test_suggest_from_a_table(tiny_tagger, tmp_path):
    import pandas as pd

    from topicclf.errors import MissingColumnError
    from topicclf.suggest import suggest_table

    df = pd.DataFrame({"id": [f"u{i}" for i in range(len(POOL))], "body": POOL})
    df.loc[3, "body"] = None  # a missing text is scored as empty, not an error
    df.to_csv(tmp_path / "unlabelled.csv", index=False)
    out = suggest_table(tiny_tagger, tmp_path / "unlabelled.csv", 5, text_column="body")
    assert list(out.columns) == ["id", "body", "row", "uncertainty", "reason"]
    assert out["row"].tolist() == suggest(tiny_tagger, df["body"].fillna("").tolist(), n=5)
    assert out["id"].tolist() == [f"u{r}" for r in out["row"]]
    with pytest.raises(MissingColumnError, match=r"column not found: text_column='text' "
                                                 r"\(columns: id, body\)"):
        suggest_table(tiny_tagger, df)
