import numpy as np
import pytest

from topicclf.features import TextFeatures, check_texts
from topicclf.errors import InvalidInputError


def test_french_and_english_share_character_evidence():
    tf = TextFeatures(min_df=1).fit(["terrorisme", "terrorism", "football"])
    X = tf.transform(["terrorisme", "terrorism", "football"])
    sim = (X @ X.T).toarray()
    assert sim[0, 1] > 0.5 and sim[0, 2] < 0.2


def test_headline_is_weighted_above_the_body():
    docs = ["sport\nterrorisme", "terrorisme\nsport"]
    plain = TextFeatures(min_df=1, headline_repeat=0).fit(docs)
    heavy = TextFeatures(min_df=1, headline_repeat=2).fit(docs)
    names = list(heavy.get_feature_names_out())
    j = names.index("w:sport")
    assert heavy.transform(docs)[0, j] > heavy.transform(docs)[1, j]
    assert plain.transform(docs)[0, j] == pytest.approx(plain.transform(docs)[1, j])


def test_state_round_trip_is_exact():
    texts = ["Le Pakistan et la Russie", "Pakistan and Russia talk"]
    tf = TextFeatures(min_df=1).fit(texts)
    meta, arrays = tf.get_state()
    again = TextFeatures.from_state(meta, arrays)
    assert abs(again.transform(texts) - tf.transform(texts)).max() == 0


def test_unfitted_and_bad_input():
    with pytest.raises(ValueError, match="not fitted"):
        TextFeatures().transform(["x"])
    with pytest.raises(InvalidInputError, match="single str"):
        check_texts("one text")
    with pytest.raises(InvalidInputError, match=r"texts\[0\] is int"):
        check_texts([3])


def test_matches_scikit_learn_char_wb():
    """Our fast char n-grams count exactly what scikit-learn's char_wb counts."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from topicclf.charngrams import CharNgrams

    docs = ["la lutte contre le terrorisme", "the fight against terrorism", "lutte lutte"]
    ours = CharNgrams(ngram_range=(2, 4), min_df=1).fit(docs)
    ref = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True,
                          lowercase=False).fit(docs)
    assert set(ours.vocabulary_) == set(ref.vocabulary_)
    order = [ref.vocabulary_[g] for g in sorted(ours.vocabulary_, key=ours.vocabulary_.get)]
    np.testing.assert_allclose(ours.transform(docs).toarray(),
                               ref.transform(docs).toarray()[:, order], atol=1e-6)


def _grams(tokens):
    return tokens + [" ".join(tokens[i:i + 2]) for i in range(len(tokens) - 1)]


def test_word_ngrams_match_scikit_learn():
    """Our word n-gram TF-IDF gives scikit-learn's vocabulary and numbers."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from topicclf.tfidf import WordNgrams

    docs = ["le terror attaqu le pakistan", "le pakistan et la russi", "the terror the",
            "russi russi coop", ""]
    for min_df, cap in ((1, None), (2, None), (1, 6)):
        ours = WordNgrams(ngram_range=(1, 2), min_df=min_df, max_features=cap).fit(docs)
        ref = TfidfVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False,
                              ngram_range=(1, 2), min_df=min_df, max_features=cap,
                              sublinear_tf=True).fit(docs)
        if cap is None:
            assert ours.vocabulary_ == ref.vocabulary_
        else:  # the same terms above the cut; ties at the cut may be broken differently
            from collections import Counter

            total = Counter(g for d in docs for g in _grams(d.split()))
            cut = min(total[t] for t in ours.vocabulary_)
            assert len(ours.vocabulary_) == len(ref.vocabulary_) == cap
            assert {t for t in total if total[t] > cut} <= set(ours.vocabulary_) & set(
                ref.vocabulary_)
            assert all(total[t] >= cut for t in ref.vocabulary_)
            continue
        np.testing.assert_allclose(ours.transform(docs + ["inconnu le"]).toarray(),
                                   ref.transform(docs + ["inconnu le"]).toarray(), atol=1e-6)


def test_scoring_path_imports_neither_scikit_learn_nor_nltk(tmp_path):
    """Loading a model and tagging needs NumPy and SciPy only: a fast cold start."""
    import subprocess
    import sys
    import warnings

    from topicclf import Tagger

    texts = ["Le Pakistan et la Russie contre le terrorisme", "Football match in Paris",
             "La Russie et le Pakistan", "The match in Paris"] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        Tagger(min_df=1, cv=2).fit(texts, topics=[["counter-terrorism"], ["sports"]] * 6,
                                   stance=["cooperation", "neutral"] * 6).save(tmp_path / "m")
    code = ("import sys, topicclf; m = topicclf.load(sys.argv[1]); m.tag('Le terrorisme'); "
            "print(sorted(k for k in sys.modules if k.split('.')[0] in ('sklearn', 'nltk', 'joblib')))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m")], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
