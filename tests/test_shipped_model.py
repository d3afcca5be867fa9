"""The shipped pretrained model, as a user gets it from ``topicclf.load()``."""

from __future__ import annotations

import pytest

import topicclf


@pytest.fixture(scope="module")
def shipped():
    return topicclf.load()


# Written for this test: a short wire story in the style of the canonical example.
OUR_SEED = (
    "Le Pakistan et la Russie renforcent leur coopération antiterroriste\n"
    "Des responsables pakistanais et russes se sont réunis mardi à Islamabad dans le cadre "
    "du groupe de travail conjoint sur la lutte contre le terrorisme. Les deux pays ont "
    "convenu de partager davantage de renseignements sur les réseaux de l'Etat islamique, "
    "a indiqué le ministère pakistanais des Affaires étrangères. La prochaine réunion se "
    "tiendra à Moscou."
)


def _check_seed(result):
    assert result.language == "fr"
    assert {"counter-terrorism", "bilateral-relations"} <= {t.id for t in result.topics}
    assert {c.id for c in result.countries[:2]} == {"PK", "RU"}
    assert {r.id: r.name for r in result.regions[:2]} == {"034": "Southern Asia",
                                                         "151": "Eastern Europe"}
    assert result.stance.id == "cooperation"


def test_our_seed_story(shipped):
    _check_seed(shipped.tag(OUR_SEED))


def test_canonical_seed_article(shipped, shared_dir):
    text = (shared_dir / "examples" / "seed_article_fr.txt").read_text(encoding="utf-8")
    _check_seed(shipped.tag(text))


def test_english_story(shipped):
    result = shipped.tag("Suicide bomber kills 12 at a police station in Peshawar\n"
                         "A suicide bomber blew himself up at a police station in the north-west "
                         "Pakistani city of Peshawar on Monday, killing 12 officers, police said. "
                         "The Pakistani Taliban claimed the attack.")
    assert result.language == "en"
    assert result.topics[0].id == "counter-terrorism"
    assert result.countries[0].id == "PK"
    assert result.stance.id == "conflict"


def test_shipped_card_describes_the_model(shipped):
    card = shipped.card_
    assert card["name"] == "topicclf-news"
    assert set(card["heads"]) == {"topics", "countries", "regions", "stance"}
    assert {lab["id"] for lab in card["heads"]["topics"]["labels"]} == set(topicclf.TOPICS)
    assert card["metrics"], "the card must carry the cross-validated figures"


def test_explanation_of_the_seed_story(shipped):
    reasons = shipped.explain(OUR_SEED, "counter-terrorism", k=8)
    positive = [r.phrase for r in reasons if r.weight > 0]
    assert any("terror" in p for p in positive)
