import warnings

import numpy as np
import pytest

import topicclf
from topicclf import Tagger
from topicclf.errors import InvalidInputError
from topicclf.heads import best_f1_threshold
from topicclf.thresholds import precision_threshold, threshold_curve, tune_thresholds


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def noisy_corpus(n, seed):
    """Texts of random words; "yes" is drawn with a logistic probability of
    the words, "no" otherwise, so no threshold is perfect."""
    rng = np.random.RandomState(seed)
    vocab = [f"w{i}" for i in range(60)]
    weights = np.random.RandomState(0).normal(0, 1.2, len(vocab))
    texts, labels = [], []
    for _ in range(n):
        idx = rng.choice(len(vocab), 8, replace=False)
        p = 1 / (1 + np.exp(-(weights[idx].sum() / 2)))
        texts.append(" ".join(vocab[i] for i in idx))
        labels.append(["yes"] if rng.rand() < p else ["no"])
    return texts, labels


@pytest.fixture(scope="module")
def noisy():
    texts, labels = noisy_corpus(1200, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = Tagger(min_df=1, cv=3, char_ngram_range=(1, 1), word_ngram_range=(1, 1)).fit(
            texts[:600], topics=labels[:600], languages=["en"] * 600)
    return tagger, texts[600:], labels[600:]


def held_out(tagger, texts, labels):
    proba = tagger.predict_proba(texts, languages=["en"] * len(texts))["topics"]
    truth = np.array([[c in v for c in tagger.heads_["topics"].classes_] for v in labels])
    return proba, truth


def test_f1_objective_tunes_on_the_given_rows_and_copies(noisy):
    tagger, texts, labels = noisy
    before = tagger.heads_["topics"].thresholds_.copy()
    tuned = tune_thresholds(tagger, texts, topics=labels, languages=["en"] * len(texts))
    proba, truth = held_out(tagger, texts, labels)
    expected = [best_f1_threshold(proba[:, j], truth[:, j]) for j in range(2)]
    assert tuned.heads_["topics"].thresholds_.tolist() == expected
    assert tuned is not tagger and tuned.heads_["topics"] is not tagger.heads_["topics"]
    assert tagger.heads_["topics"].thresholds_.tolist() == before.tolist()
    assert "thresholds" not in tagger.card_
    record = tuned.card_["thresholds"]
    assert (record["rows"], record["objective"]) == (600, "f1")
    yes = record["heads"]["topics"]["yes"]
    assert yes["rule"] == "best F1" and yes["old"] == round(float(before[1]), 6)
    assert yes["new"] == round(expected[1], 6) and yes["support"] == int(truth[:, 1].sum())


def test_precision_target_gives_the_lowest_threshold_reaching_it(noisy):
    tagger, texts, labels = noisy
    tuned = tune_thresholds(tagger, texts, topics=labels, objective=0.9,
                            languages=["en"] * len(texts))
    proba, truth = held_out(tagger, texts, labels)
    for j, label in enumerate(["no", "yes"]):
        t = tuned.heads_["topics"].thresholds_[j]
        pred = proba[:, j] >= t
        assert (pred & truth[:, j]).sum() / pred.sum() >= 0.9
        # any lower cut between two scores misses the target
        lower = np.unique(proba[:, j][proba[:, j] < t])
        for cut in lower[-5:]:
            below = proba[:, j] >= cut
            assert (below & truth[:, j]).sum() / below.sum() < 0.9
        record = tuned.card_["thresholds"]["heads"]["topics"][label]
        assert record["rule"] == "precision >= 0.9" and record["precision"] >= 0.9
        f1_only = tune_thresholds(tagger, texts, topics=labels, languages=["en"] * len(texts))
        assert record["recall"] < f1_only.card_["thresholds"]["heads"]["topics"][label]["recall"]


def test_targets_per_label_and_unreachable_targets(tiny_tagger):
    texts = ["Attentat terroriste à Kaboul", "Le club gagne le match de football",
             "Suicide bombing in the market", "The team wins the final",
             "Visite officielle du ministre", "The ambassador praises the partnership"] * 3
    wrong = [["sport"], ["terrorism"], ["sport"], ["terrorism"], ["diplomacy"], ["diplomacy"]] * 3
    with pytest.warns(UserWarning, match=r"no threshold reaches the precision target for "
                                         r"topics/sport, topics/terrorism on these rows"):
        tuned = tune_thresholds(tiny_tagger, texts, topics=wrong,
                                objective={"sport": 0.9, "terrorism": 0.9})
    heads = tuned.card_["thresholds"]["heads"]["topics"]
    assert heads["sport"]["rule"] == "best F1 (precision 0.9 not reachable)"
    assert heads["diplomacy"]["rule"] == "best F1"
    assert tuned.card_["thresholds"]["objective"] == {"sport": 0.9, "terrorism": 0.9}


def test_rare_labels_keep_their_threshold(tiny_tagger):
    texts = ["Attentat terroriste à Kaboul"] * 5 + ["The team wins the final"] * 2
    topics = [["terrorism"]] * 5 + [["sport"]] * 2
    with pytest.warns(UserWarning, match=r"too few positive rows to tune topics/diplomacy \(0\), "
                                         r"topics/sport \(2\) \(fewer than 5\)"):
        tuned = tune_thresholds(tiny_tagger, texts, topics=topics)
    old = dict(zip(tiny_tagger.heads_["topics"].classes_, tiny_tagger.heads_["topics"].thresholds_))
    new = dict(zip(tuned.heads_["topics"].classes_, tuned.heads_["topics"].thresholds_))
    assert new["sport"] == old["sport"] and new["diplomacy"] == old["diplomacy"]
    assert tuned.card_["thresholds"]["heads"]["topics"]["sport"]["rule"] == (
        "kept: 2 positive row(s), fewer than 5")


def test_saved_and_loaded_with_the_record(noisy, tmp_path):
    tagger, texts, labels = noisy
    tuned = tune_thresholds(tagger, texts, topics=labels, objective=0.8,
                            languages=["en"] * len(texts))
    tuned.save(tmp_path / "tuned")
    again = topicclf.load(tmp_path / "tuned")
    assert np.allclose(again.heads_["topics"].thresholds_, tuned.heads_["topics"].thresholds_,
                       atol=1e-6)
    assert again.card_["thresholds"]["heads"] == tuned.card_["thresholds"]["heads"]


def test_country_combiner_threshold_is_tuned():
    texts = ["Attack in Kabul, Afghanistan mourns", "Pakistan army strikes near Islamabad",
             "La France et l'Allemagne signent un accord", "Paris hosts the summit on Mali",
             "Berlin and Paris meet", "Les talibans à Kaboul"] * 6
    countries = [["AF"], ["PK"], ["FR", "DE"], ["ML"], ["DE", "FR"], ["AF"]] * 6
    tagger = Tagger(min_df=1, cv=2).fit(texts, topics=[["news"]] * len(texts),
                                        countries=countries)
    old = tagger.about_.threshold_
    tuned = tune_thresholds(tagger, texts[:12], countries=countries[:12], min_support=1)
    record = tuned.card_["thresholds"]["countries_combiner"]
    assert record["old"] == round(old, 6) and tuned.about_.threshold_ == record["new"]
    assert tagger.about_.threshold_ == old
    assert record["rule"] == "best F1" and record["support"] == 16  # gold countries of 12 rows


def test_bad_arguments(tiny_tagger):
    texts = ["Attentat à Kaboul"]
    with pytest.raises(InvalidInputError, match="no labels given: pass topics="):
        tune_thresholds(tiny_tagger, texts)
    with pytest.raises(InvalidInputError, match=r"this model has no countries head \(its heads: "
                                                r"topics, stance\); drop countries="):
        tune_thresholds(tiny_tagger, texts, countries=[["AF"]])
    with pytest.raises(InvalidInputError, match="objective names labels this model does not "
                                                "have: 'terror'; its labels are diplomacy, "
                                                "sport, terrorism"):
        tune_thresholds(tiny_tagger, texts, topics=[["terrorism"]], objective={"terror": 0.9})
    with pytest.raises(InvalidInputError, match="a precision target must be a number in "
                                                r"\(0, 1\], got 1.5"):
        tune_thresholds(tiny_tagger, texts, topics=[["terrorism"]], objective=1.5)
    with pytest.raises(InvalidInputError, match="objective must be 'f1'"):
        tune_thresholds(tiny_tagger, texts, topics=[["terrorism"]], objective="recall")
    with pytest.raises(InvalidInputError, match="topics: got 2 label lists for 1 texts"):
        tune_thresholds(tiny_tagger, texts, topics=[["terrorism"], ["sport"]])


def test_precision_threshold_and_curve():
    proba = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    truth = np.array([1, 0, 1, 1, 0, 0])
    # precision by cut: 1, .5, .67, .75, .6, .5 -> lowest cut reaching .7 keeps 4 rows
    assert precision_threshold(proba, truth, 0.7) == 0.55
    assert precision_threshold(proba, truth, 0.76) == 0.85
    assert precision_threshold(np.array([0.5, 0.5, 0.2]), np.array([1, 0, 1]), 0.9) is None
    curve = threshold_curve(proba, truth)
    assert len(curve["threshold"]) == 99 and curve["threshold"][54] == 0.55
    assert (curve["precision"][54], curve["recall"][54], curve["f1"][54]) == (0.75, 1.0, 0.8571)
    assert curve["precision"][-1] == 1.0 and curve["recall"][-1] == 0.0


def test_tune_from_a_table(noisy, tmp_path):
    import pandas as pd

    from topicclf.thresholds import tune_thresholds_table

    tagger, texts, labels = noisy
    path = tmp_path / "tuning.jsonl"
    pd.DataFrame({"text": texts, "labels": labels, "lang": "en"}).to_json(
        path, orient="records", lines=True)
    from_table = tune_thresholds_table(tagger, path, topics="labels", language_column="lang",
                                       objective=0.85)
    direct = tune_thresholds(tagger, texts, topics=labels, languages=["en"] * len(texts),
                             objective=0.85)
    assert (from_table.heads_["topics"].thresholds_.tolist()
            == direct.heads_["topics"].thresholds_.tolist())
    with pytest.raises(InvalidInputError, match="no label column given"):
        tune_thresholds_table(tagger, path)
