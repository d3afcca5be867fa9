import warnings

import numpy as np
import pytest
from sklearn.base import clone

import topicclf
from topicclf import InvalidInputError, NotFittedError, Tagger, TopicclfError


def test_tags_unseen_french_and_english_texts(tiny_tagger):
    fr = tiny_tagger.tag("Un attentat terroriste frappe la capitale, les terroristes arrêtés")
    en = tiny_tagger.tag("The minister meets his counterpart for bilateral cooperation talks")
    assert fr.language == "fr" and fr.topics[0].id == "terrorism"
    assert en.language == "en" and en.topics[0].id == "diplomacy"
    assert en.stance.id == "cooperation"


def test_result_dict_has_exactly_the_documented_keys(tiny_tagger):
    d = tiny_tagger.tag("Le club gagne le match de football").to_dict()
    assert set(d) == {"language", "topics", "countries", "regions", "stance", "model"}
    assert d["model"] == {"name": "tiny", "version": "1"}
    assert d["topics"][0]["id"] == "sport" and 0 < d["topics"][0]["score"] <= 1


def test_tag_many_matches_tag(tiny_tagger):
    texts = ["Terror attack claimed by the group", "Le match de tennis", "Visite officielle"]
    many = tiny_tagger.tag_many(texts)
    assert [r.to_dict() for r in many] == [tiny_tagger.tag(t).to_dict() for t in texts]


def test_thresholds_decide_the_labels(tiny_tagger):
    text = "Le club gagne le match de football"
    scores = tiny_tagger.tag(text).scores["topics"]
    head = tiny_tagger.heads_["topics"]
    expected = {c for c, t in zip(head.classes_, head.thresholds_) if scores[c] >= t}
    assert {x.id for x in tiny_tagger.tag(text).topics} == expected
    # min_score overrides the tuned thresholds, top_k caps the list
    assert len(tiny_tagger.tag(text, min_score=0.0).topics) == len(head.classes_)
    assert len(tiny_tagger.tag(text, min_score=0.0, top_k=1).topics) == 1
    assert "sport" in expected
    saved = head.thresholds_.copy()
    head.thresholds_ = np.full(len(head.classes_), 1.01)
    try:
        # every article keeps its best topic (min_topics=1) ...
        assert [x.id for x in tiny_tagger.tag(text).topics] == ["sport"]
        # ... and with min_topics=0 a threshold above every score removes the label
        tiny_tagger.set_params(min_topics=0)
        assert tiny_tagger.tag(text).topics == []
    finally:
        head.thresholds_ = saved
        tiny_tagger.set_params(min_topics=1)


def test_explanation_names_words_of_the_text(tiny_tagger):
    text = "Les terroristes ont revendiqué un attentat contre la police"
    reasons = tiny_tagger.explain(text, "terrorism", k=5)
    assert 0 < len(reasons) <= 5
    words = set(text.lower().split())
    assert all(set(r.phrase.split()) <= words for r in reasons)
    top = max(reasons, key=lambda r: r.weight)
    assert top.weight > 0 and top.phrase in {"terroristes", "attentat", "revendiqué", "police"}


def test_explain_unknown_label(tiny_tagger):
    with pytest.raises(InvalidInputError, match="unknown label 'nope'"):
        tiny_tagger.explain("text", "nope")


def test_bare_string_is_rejected(tiny_tagger):
    with pytest.raises(ValueError, match="single str"):
        tiny_tagger.tag_many("Un seul texte")
    with pytest.raises(InvalidInputError, match="single str"):
        Tagger().fit("Un seul texte", topics=[["x"]])


def test_non_string_text_is_rejected(tiny_tagger):
    with pytest.raises(InvalidInputError, match=r"texts\[1\] is float"):
        tiny_tagger.tag_many(["ok", float("nan")])


def test_unfitted_tagger_says_what_to_do():
    with pytest.raises(NotFittedError, match="not fitted yet"):
        Tagger().tag("texte")


def test_small_data_trains_with_a_warning():
    texts = [f"{w} {i}" for i in range(50) for w in ["football match", "élection du président",
                                                     "terrorist attack"]][:50]
    topics = [["sport"] if "football" in t else ["politics"] if "élection" in t else ["terror"]
              for t in texts]
    with pytest.warns(UserWarning, match="unreliable"):
        tagger = Tagger(min_df=1).fit(texts, topics=topics)
    assert tagger.tag("un match de football").topics[0].id == "sport"


def test_label_with_one_example_is_an_error():
    with pytest.raises(InvalidInputError, match=r"too few for 'rare' \(1\)"):
        Tagger().fit(["a b", "c d", "e f"], topics=[["x"], ["x"], ["rare"]])


def test_empty_training_set_is_an_error():
    with pytest.raises(InvalidInputError, match="empty training set"):
        Tagger().fit([], topics=[])


def test_label_set_in_one_language_only(tiny_frame):
    df = tiny_frame()
    topics = [t.split("|") for t in df["topics"]]
    topics = [["french-sport"] if t == ["sport"] and lang_fr else t
              for t, lang_fr in zip(topics, ["Le " in x or "L'" in x or "Tennis :" in x
                                             for x in df["text"]])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = Tagger(min_df=1, cv=3).fit(df["text"].tolist(), topics=topics)
    assert "french-sport" in tagger.labels_["topics"]


def test_errors_are_typed_and_builtin_compatible():
    assert issubclass(InvalidInputError, TopicclfError) and issubclass(InvalidInputError, ValueError)
    assert topicclf.TopicclfError is TopicclfError


def test_sklearn_conventions():
    tagger = Tagger(C=0.7, cv=4)
    assert tagger.get_params()["C"] == 0.7
    cloned = clone(tagger)
    assert cloned.get_params() == tagger.get_params() and cloned is not tagger
    assert tagger.set_params(cv=3).cv == 3


def test_scikit_learn_model_selection_works_with_a_tagger(tiny_frame):
    """Tags and params without sklearn.base.BaseEstimator: GridSearchCV still runs."""
    from sklearn.model_selection import GridSearchCV

    df = tiny_frame(4)
    texts, topics = df["text"].tolist(), [[t] for t in df["topics"]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = GridSearchCV(Tagger(min_df=1, cv=2), {"C": [0.3, 1.0]}, cv=2,
                              scoring=lambda est, X, y=None: est.C).fit(texts, topics=topics)
    assert search.best_params_ == {"C": 1.0}


def test_fitted_tagger_pickles_and_gives_the_same_scores(tiny_tagger):
    import pickle

    copy = pickle.loads(pickle.dumps(tiny_tagger))  # our own object, in memory only
    a = tiny_tagger.predict_proba(["Le match de football"])
    b = copy.predict_proba(["Le match de football"])
    assert np.allclose(a["topics"], b["topics"])


def test_same_data_and_seed_give_the_same_model(tiny_frame):
    df = tiny_frame(2)
    fit = lambda: Tagger(min_df=1, cv=2, random_state=3).fit(  # noqa: E731
        df["text"].tolist(), topics=[[t] for t in df["topics"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = fit(), fit()
    assert np.array_equal(a.heads_["topics"].coef_.toarray(), b.heads_["topics"].coef_.toarray())
    assert np.array_equal(a.heads_["topics"].thresholds_, b.heads_["topics"].thresholds_)


def test_countries_and_regions_from_head_and_mentions():
    texts, countries = [], []
    pairs = [("Pakistan", "PK"), ("la Russie", "RU"), ("le Kenya", "KE"), ("Brazil", "BR")]
    for i in range(40):
        (a, ca), (b, cb) = pairs[i % 4], pairs[(i + 1) % 4]
        texts.append(f"Talks between {a} and {b} on trade, round {i}")
        countries.append([ca, cb])
    for i in range(10):  # a country mentioned in passing is not what the text is about
        texts.append(f"Football results of the weekend {i}, a player born in Brazil")
        countries.append([])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = Tagger(min_df=1, cv=3).fit(texts, countries=countries)
    result = tagger.tag("Le Pakistan et la Russie discutent de coopération")
    assert {c.id: c.name for c in result.countries} == {"PK": "Pakistan", "RU": "Russia"}
    assert {r.id: r.name for r in result.regions} == {"034": "Southern Asia",
                                                     "151": "Eastern Europe"}
    assert {x.id for x in result.continents} == {"142", "150"}
