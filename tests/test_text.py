import pytest

from topicclf import text


@pytest.mark.parametrize("sentence, lang", [
    # written for this test, in the style of wire copy
    ("Le Premier ministre a annoncé mardi un nouveau plan pour l'emploi des jeunes.", "fr"),
    ("Les forces de sécurité ont arrêté trois suspects après l'explosion.", "fr"),
    ("Grève à la SNCF : le trafic sera très perturbé jeudi", "fr"),
    ("Attentat terroriste à Paris", "fr"),
    ("The central bank raised interest rates for the third time this year.", "en"),
    ("Police arrested three suspects after the blast on Tuesday.", "en"),
    ("US throws out Russian diplomats", "en"),
    ("Terror attack in London", "en"),
    ("El gobierno anunció nuevas medidas para la economía del país.", "es"),
    ("Die Regierung hat am Dienstag neue Maßnahmen beschlossen.", "de"),
])
def test_detect_language_on_news_sentences(sentence, lang):
    assert text.detect_language(sentence) == lang


def test_detect_language_without_evidence_is_und():
    assert text.detect_language("") == "und"
    assert text.detect_language("12 345 678") == "und"


def test_detect_language_rejects_non_text():
    with pytest.raises(TypeError):
        text.detect_language(None)


def test_corpus_language_accuracy(shared_dir):
    """On the 8,222 annotated French/English documents, 99.9% are right."""
    import json

    rows = [json.loads(line) for line in (shared_dir / "corpus" / "train.jsonl").open()]
    right = sum(text.detect_language(r["text"]) == r["lang"] for r in rows)
    assert right / len(rows) >= 0.999


def test_fold_and_normalize():
    assert text.fold("Élysée À Œuvre") == "elysee a oeuvre"
    assert text.normalize("l’Etat\x00") == "l'Etat"


def test_stems_share_french_and_english_roots():
    assert text.stems("terrorisme", "fr") == ["terror"]
    assert text.stems("terrorism", "en") == ["terror"]
    assert text.stems("Les États-Unis", "fr") == ["le", "etat", "unis"]


def test_split_headline():
    assert text.split_headline("Titre\nCorps du texte\nsuite") == ("Titre", "Corps du texte\nsuite")
