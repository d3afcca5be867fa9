"""Tests of topicclf.geo: M49 table, country names, mentions and their traps, evidence."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import pycountry
import pytest

from topicclf import geo
from topicclf.errors import InvalidInputError
from topicclf.geo import Mention, country_continent, country_name, country_region, mentions
from topicclf.taxonomy import CONTINENTS, REGIONS

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "examples" / "seed_article_fr.txt"


def found(text: str, lang: str | None = None) -> list[tuple[str, str]]:
    return [(m.surface, m.code) for m in mentions(text, lang)]


def codes(text: str, lang: str | None = None) -> list[str]:
    return [m.code for m in mentions(text, lang)]


# --------------------------------------------------------------------------- M49 table

@pytest.mark.parametrize("code, region, region_name, continent", [
    ("PK", "034", "Southern Asia", "142"),
    ("RU", "151", "Eastern Europe", "150"),
    ("NG", "011", "Western Africa", "002"),
    ("BR", "005", "South America", "019"),
    ("US", "021", "Northern America", "019"),
    ("FR", "155", "Western Europe", "150"),
    ("AU", "053", "Australia and New Zealand", "009"),
    ("FJ", "054", "Melanesia", "009"),
    ("JP", "030", "Eastern Asia", "142"),
    ("EG", "015", "Northern Africa", "002"),
    ("KE", "014", "Eastern Africa", "002"),
    ("CD", "017", "Middle Africa", "002"),
    ("ZA", "018", "Southern Africa", "002"),
    ("MX", "013", "Central America", "019"),
    ("JM", "029", "Caribbean", "019"),
    ("GB", "154", "Northern Europe", "150"),
    ("IR", "034", "Southern Asia", "142"),
    ("KZ", "143", "Central Asia", "142"),
    ("ID", "035", "South-eastern Asia", "142"),
    ("GU", "057", "Micronesia", "009"),
    ("WS", "061", "Polynesia", "009"),
    ("XK", "039", "Southern Europe", "150"),
    ("PS", "145", "Western Asia", "142"),
    ("TW", "030", "Eastern Asia", "142"),
])
def test_known_m49_rows(code: str, region: str, region_name: str, continent: str) -> None:
    assert country_region(code) == region
    assert REGIONS[region].name == region_name
    assert country_continent(code) == continent
    assert REGIONS[region].parent == continent


def test_m49_table_covers_every_iso_country_with_the_taxonomy_codes() -> None:
    text = resources.files("topicclf").joinpath("data", "m49.csv").read_text(encoding="utf-8")
    assert text.startswith("# UN M49")
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert list(rows[0]) == ["iso2", "iso3", "m49", "name", "region_code", "region_name",
                             "subregion_code", "subregion_name", "continent_code", "continent_name"]
    by_code = {row["iso2"]: row for row in rows}
    assert set(by_code) == {c.alpha_2 for c in pycountry.countries} | {"XK"}
    assert by_code["PK"]["m49"] == "586" and by_code["PK"]["iso3"] == "PAK"
    assert by_code["NG"]["subregion_name"] == "Sub-Saharan Africa"
    for row in rows:
        if row["iso2"] == "AQ":
            assert row["region_code"] == ""
            continue
        assert REGIONS[row["region_code"]].name == row["region_name"]
        assert CONTINENTS[row["continent_code"]].name == row["continent_name"]
    assert {row["region_code"] for row in rows} - {""} == set(REGIONS)


def test_region_lookups_are_case_insensitive_and_none_when_unknown() -> None:
    assert country_region("pk") == "034"
    assert country_region("AQ") is None
    assert country_region("ZZ") is None
    assert country_continent("QQ") is None


# --------------------------------------------------------------------------- names

@pytest.mark.parametrize("code, en, fr", [
    ("RU", "Russia", "Russie"), ("IR", "Iran", "Iran"), ("SY", "Syria", "Syrie"),
    ("KR", "South Korea", "Corée du Sud"), ("KP", "North Korea", "Corée du Nord"),
    ("US", "United States", "États-Unis"), ("GB", "United Kingdom", "Royaume-Uni"),
    ("CD", "DR Congo", "RD Congo"), ("PK", "Pakistan", "Pakistan"), ("DE", "Germany", "Allemagne"),
    ("TZ", "Tanzania", "Tanzanie"), ("VN", "Vietnam", "Viêt Nam"), ("XK", "Kosovo", "Kosovo"),
])
def test_country_name_short_forms(code: str, en: str, fr: str) -> None:
    assert country_name(code) == en
    assert country_name(code, lang="fr") == fr


def test_every_country_has_a_short_name_in_both_languages() -> None:
    for c in pycountry.countries:
        for lang in ("en", "fr"):
            name = country_name(c.alpha_2, lang)
            assert name, (c.alpha_2, lang)
            assert not name.lower().endswith((" of", " de", " du", " d'", " the")), name
            assert ", " not in name or c.alpha_2 in {"SH"}, name  # "Saint Helena, Ascension..."


def test_country_name_unknown_and_invalid() -> None:
    assert country_name("ZZ") is None
    with pytest.raises(InvalidInputError, match=r"lang='de' is not supported; expected 'en', 'fr'"):
        country_name("FR", lang="de")
    with pytest.raises(InvalidInputError, match="country code must be a str"):
        country_name(250)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- mentions: API

def test_mentions_returns_offsets_into_the_original_text() -> None:
    text = "À Moscou, le Kremlin et les Américains ; la Côte d’Ivoire et les États-Unis."
    result = mentions(text)
    assert [(m.surface, m.code, m.kind) for m in result] == [
        ("Moscou", "RU", "capital"), ("Kremlin", "RU", "metonym"), ("Américains", "US", "demonym"),
        ("Côte d’Ivoire", "CI", "country"), ("États-Unis", "US", "country")]
    for m in result:
        assert text[m.start:m.end] == m.surface
    assert result[0] == Mention("Moscou", 2, 8, "RU", "capital")


def test_mentions_rejects_non_strings_and_unknown_languages() -> None:
    with pytest.raises(InvalidInputError, match="text must be a str, got list; call mentions"):
        mentions(["Paris"])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=r"lang='es' is not supported"):
        mentions("Madrid", lang="es")


def test_lang_restricts_language_specific_forms() -> None:
    assert codes("La Chine et les pakistanais", lang="fr") == ["CN", "PK"]
    assert codes("La Chine et les pakistanais", lang="en") == []
    assert codes("China and Pakistani troops", lang="en") == ["CN", "PK"]
    assert codes("Paris et Islamabad", lang="en") == ["FR", "PK"]  # places are in both languages


def test_english_sentences() -> None:
    text = ("Pakistani and Russian officials met in Islamabad on Wednesday. The White House said "
            "Washington would not attend, while Downing Street and the Quai d'Orsay stayed silent. "
            "Beijing and New Delhi sent observers from the DRC and South Sudan.")
    assert [(m.surface, m.code, m.kind) for m in mentions(text, "en")] == [
        ("Pakistani", "PK", "demonym"), ("Russian", "RU", "demonym"), ("Islamabad", "PK", "capital"),
        ("White House", "US", "metonym"), ("Washington", "US", "capital"),
        ("Downing Street", "GB", "metonym"), ("Quai d'Orsay", "FR", "metonym"),
        ("Beijing", "CN", "capital"), ("New Delhi", "IN", "capital"), ("DRC", "CD", "country"),
        ("South Sudan", "SS", "country")]


def test_french_sentences() -> None:
    text = ("Les autorités pakistanaises et russes se sont réunies à Islamabad. La Maison-Blanche "
            "et le Pentagone ont réagi, tandis que l'Élysée recevait l'ambassadeur de Grande-Bretagne. "
            "La RDC, le Royaume-Uni et la Corée du Nord ont été cités ; les Sénégalaises aussi.")
    assert [(m.surface, m.code, m.kind) for m in mentions(text, "fr")] == [
        ("pakistanaises", "PK", "demonym"), ("russes", "RU", "demonym"), ("Islamabad", "PK", "capital"),
        ("Maison-Blanche", "US", "metonym"), ("Pentagone", "US", "metonym"),
        ("Élysée", "FR", "metonym"), ("Grande-Bretagne", "GB", "country"), ("RDC", "CD", "country"),
        ("Royaume-Uni", "GB", "country"), ("Corée du Nord", "KP", "country"),
        ("Sénégalaises", "SN", "demonym")]


def test_french_demonym_inflections() -> None:
    for form in ("pakistanais", "pakistanaise", "pakistanaises", "Pakistanais"):
        assert codes(f"les {form}") == ["PK"], form
    for form in ("russe", "russes", "Russes", "italienne", "italiens", "américaine", "grecque", "turques"):
        assert len(codes(form)) == 1, form
    assert codes("Americans and an American") == ["US", "US"]


def test_official_names_from_pycountry_and_their_french_translations() -> None:
    assert found("la Fédération de Russie et la République islamique d'Iran") == [
        ("Fédération de Russie", "RU"), ("République islamique d'Iran", "IR")]
    assert found("the Russian Federation and the Hashemite Kingdom of Jordan") == [
        ("Russian Federation", "RU"), ("Hashemite Kingdom of Jordan", "JO")]
    assert codes("the Democratic Republic of the Congo") == ["CD"]


# --------------------------------------------------------------------------- traps

def test_niger_is_not_nigeria() -> None:
    assert found("Niger, Nigeria, Nigéria, Nigérian, nigérienne, Nigerian, Nigerien") == [
        ("Niger", "NE"), ("Nigeria", "NG"), ("Nigéria", "NG"), ("Nigérian", "NG"),
        ("nigérienne", "NE"), ("Nigerian", "NG"), ("Nigerien", "NE")]


def test_guinea_variants_longest_match() -> None:
    text = "la Guinée, la Guinée-Bissau, la Guinée équatoriale et la Papouasie-Nouvelle-Guinée"
    assert codes(text) == ["GN", "GW", "GQ", "PG"]
    assert codes("Guinea, Guinea-Bissau, Equatorial Guinea, Papua New Guinea") == ["GN", "GW", "GQ", "PG"]
    assert codes("pirates in the Gulf of Guinea and the golfe de Guinée") == []


def test_congo_is_not_dr_congo() -> None:
    text = "le Congo, la RD Congo, la RDC, la République démocratique du Congo et le Congo-Brazzaville"
    assert codes(text) == ["CG", "CD", "CD", "CD", "CG"]
    assert codes("the Democratic Republic of Congo, Kinshasa and Brazzaville") == ["CD", "CD", "CG"]


def test_georgia_the_us_state_is_not_the_country() -> None:
    assert found("He lives in Atlanta, Georgia.") == [("Atlanta", "US")]
    assert codes("Georgia Tech beat the Bulldogs.") == []
    assert codes("Georgia's governor and county officials certified the vote.") == []
    assert found("The Georgian government in Tbilisi said Georgia would apply.") == [
        ("Georgian", "GE"), ("Tbilisi", "GE"), ("Georgia", "GE")]
    assert codes("Russia and Georgia fought a war in 2008.") == ["RU", "GE"]


def test_jordan_the_first_name_is_not_the_country() -> None:
    assert codes("Michael Jordan scored 30 points.") == []
    assert codes("Jordan Henderson scored twice.") == []
    assert codes("King Abdullah of Jordan arrived.") == ["JO"]
    assert codes("Refugees fled to Syria, Jordan and Iraq.") == ["SY", "JO", "IQ"]
    assert codes("Jordan's foreign minister spoke.") == ["JO"]


def test_chad_the_first_name_is_not_the_country() -> None:
    assert codes("Chad Johnson caught the ball.") == []
    assert codes("Chad President Idriss Deby visited Niger.") == ["TD", "NE"]
    assert codes("Chad Smith said the Chadian army left Chad.") == ["TD", "TD", "TD"]  # supported


def test_turkey_the_bird_is_not_turkey() -> None:
    assert codes("They ate roast turkey and turkey sandwiches.") == []
    assert codes("Roast Turkey Recipes for Thanksgiving") == []
    assert codes("Turkey and Greece signed a deal in Ankara.") == ["TR", "GR", "TR"]


def test_albany_is_not_albania() -> None:
    assert codes("The governor spoke in Albany.") == []
    assert codes("Tirana is the capital of Albania, not Albany.") == ["AL", "AL"]


def test_washington_the_city_and_the_name() -> None:
    assert found("Washington said on Monday that it would respond.") == [("Washington", "US")]
    assert codes("George Washington and Denzel Washington.") == []
    assert codes("The Washington Post reported.") == []
    assert found("Talks in Washington, D.C. ended.") == [("Washington, D.C.", "US")]


def test_longest_match_wins() -> None:
    assert codes("New Mexico and Mexico") == ["US", "MX"]
    assert codes("South Sudan and Sudan") == ["SS", "SD"]
    assert codes("North Korea and South Korea") == ["KP", "KR"]
    assert codes("Northern Ireland and Ireland") == ["GB", "IE"]
    assert codes("New South Wales and Wales") == ["AU", "GB"]
    assert codes("Papouasie-Nouvelle-Guinée") == ["PG"]


def test_us_only_in_safe_forms() -> None:
    assert codes("Tell us about it, and let us know.") == []
    assert found("the US, the U.S. and the USA") == [("US", "US"), ("U.S.", "US"), ("USA", "US")]
    assert codes("THE GUERRILLAS TOLD US THAT THEY WOULD ATTACK") == []
    assert codes("It cost US$ 5 million.") == []
    assert codes("US-led forces and the U.S.-backed government") == ["US", "US"]


def test_case_sensitive_forms() -> None:
    assert codes("le porcelaine de chine et le chili con carne") == []
    assert codes("la Chine, l'Inde, le Maroc et le Chili") == ["CN", "IN", "MA", "CL"]
    assert codes("china and chile") == []


def test_short_places_in_capitals_only_in_all_caps_text() -> None:
    assert codes("PERU AND CUBA SIGNED THE ACCORD IN LIMA") == ["PE", "CU", "PE"]
    assert codes("The SWAT team arrived.") == []
    assert codes("BRAZIL beat France.") == ["BR", "FR"]
    assert codes("Talks with IRAN resumed in ROME.") == ["IR"]  # country names count, short places not


def test_accent_insensitive() -> None:
    assert codes("Etats-Unis, États-Unis, ETATS-UNIS") == ["US", "US", "US"]
    assert found("Perou, Pérou, Cote d'Ivoire, Côte d’Ivoire, Koweit") == [
        ("Perou", "PE"), ("Pérou", "PE"), ("Cote d'Ivoire", "CI"), ("Côte d’Ivoire", "CI"),
        ("Koweit", "KW")]


def test_islamic_state_is_not_a_country() -> None:
    assert codes("L'EI et l'Etat islamique ont revendiqué l'attaque.") == []
    assert codes("the Islamic State of Iraq and Syria (ISIS) attacked in Iraq") == ["IQ"]
    assert codes("l'Etat islamique en Irak et au Levant") == []


def test_person_and_common_word_forms_from_pycountry_are_excluded() -> None:
    assert codes("François Hollande a ouvert la réunion. Réunion du G7 demain.") == []
    assert codes("Il vit à La Réunion et à l'île Maurice.") == ["RE", "MU"]
    assert codes("Maurice Papon fut jugé.") == []


def test_regions_of_the_world_are_not_the_united_states() -> None:
    assert codes("en Amérique latine et en Amérique du Sud, les pays latino-américains") == []
    assert codes("Latin America and North American markets") == []
    assert codes("l'Amérique de Trump") == ["US"]


def test_compounds_and_web_addresses() -> None:
    assert found("le sommet sino-américain et l'accord pakistano-afghan") == [
        ("sino", "CN"), ("américain", "US"), ("pakistano", "PK"), ("afghan", "AF")]
    assert codes("Suivez China.org.cn sur Twitter") == []


# --------------------------------------------------------------------------- evidence

def test_mention_evidence_features() -> None:
    text = ("Pakistan et Russie\nDe hauts responsables pakistanais ont rencontré à Islamabad "
            "des délégués russes. La Syrie a été évoquée.")
    ev = geo.mention_evidence(text, "fr")
    assert list(ev) == ["PK", "RU", "SY"]
    assert ev["PK"]["count"] == 3.0 and ev["PK"]["count_country"] == 1.0
    assert ev["PK"]["count_demonym"] == 1.0 and ev["PK"]["count_capital"] == 1.0
    assert ev["PK"]["in_headline"] == 1.0 and ev["PK"]["in_first_sentence"] == 1.0
    assert ev["SY"] == {"count": 1.0, "count_country": 1.0, "count_capital": 0.0, "count_city": 0.0,
                        "count_demonym": 0.0, "count_metonym": 0.0, "share": pytest.approx(1 / 6),
                        "first_position": pytest.approx(text.index("Syrie") / len(text)),
                        "in_headline": 0.0, "in_first_sentence": 0.0}
    assert ev["PK"]["first_position"] == 0.0
    assert geo.mention_evidence("Rien ici.") == {}


def test_single_line_text_has_no_headline() -> None:
    ev = geo.mention_evidence("Kenya and Uganda signed a deal. Tanzania did not.")
    assert ev["KE"]["in_headline"] == 0.0 and ev["KE"]["in_first_sentence"] == 1.0
    assert ev["TZ"]["in_first_sentence"] == 0.0


@pytest.mark.skipif(not SEED.exists(),
                    reason=f"shared data not present: {SEED} (../shared is laid beside the repo)")
def test_seed_article_is_about_pakistan_and_russia() -> None:
    ev = geo.mention_evidence(SEED.read_text(encoding="utf-8"), "fr")
    ranked = sorted(ev, key=lambda c: (-ev[c]["count"], ev[c]["first_position"]))
    assert ranked[:2] == ["PK", "RU"]
    assert set(ranked[2:]) == {"SY", "IQ"}  # once each, later on; "EI" and China.org.cn are not countries
    assert ev["SY"]["count"] == ev["IQ"]["count"] == 1.0
    for code in ("PK", "RU"):
        assert ev[code]["in_headline"] == 1.0 and ev[code]["count"] >= 5
    assert {country_region(c) for c in ranked[:2]} == {"034", "151"}


# --------------------------------------------------------------------------- data file

def test_gazetteer_file_notes_sources_and_uses_known_codes() -> None:
    data = json.loads(resources.files("topicclf").joinpath("data", "gazetteer.json")
                      .read_text(encoding="utf-8"))
    assert any("Sources" in line and "M49" in line for line in data["_about"])
    assert set(data["countries"]) <= {c.alpha_2 for c in pycountry.countries} | {"XK"}
    assert "EI" not in json.dumps(data["countries"], ensure_ascii=False).split('"')
    kinds = {m.kind for m in mentions("Pakistan, Islamabad, Karachi, Pakistanais, Kremlin")}
    assert kinds == set(geo.KINDS)
