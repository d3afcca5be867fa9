"""The built-in label sets, defined once: topics, stance and UN M49 regions.

These are the defaults of the shipped model.  A user may train on any label
set of their own; the functions here then simply return the label id as its
name.

Examples
--------
>>> TOPICS["counter-terrorism"].name_fr
'Contre-terrorisme'
>>> REGIONS["034"].name
'Southern Asia'
>>> region_id("Eastern Europe")
'151'
>>> fold_stance("material-cooperation")
'cooperation'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "LabelInfo",
    "TOPICS",
    "STANCES",
    "STANCES_FINE",
    "STANCE_FOLD",
    "REGIONS",
    "CONTINENTS",
    "fold_stance",
    "region_id",
    "label_name",
]


@dataclass(frozen=True)
class LabelInfo:
    """One label of a built-in label set."""

    id: str
    name: str
    name_fr: str = ""
    description: str = ""
    parent: str = ""  # for regions: the M49 continent code


def _table(rows: list[tuple[str, ...]]) -> dict[str, LabelInfo]:
    return {row[0]: LabelInfo(*row) for row in rows}


# The 14 topics of ../shared/corpus/GUIDELINES.md, in the guidelines' order.
TOPICS: dict[str, LabelInfo] = _table([
    ("counter-terrorism", "Counter-terrorism", "Contre-terrorisme",
     "Terrorism and the fight against it: attacks by militant groups, terror "
     "suspects, counter-terrorism operations, laws and cooperation."),
    ("bilateral-relations", "Bilateral relations", "Relations bilatérales",
     "Relations between two specific states: visits, talks, calls, joint "
     "commissions, bilateral agreements, ambassadors, diplomatic protests."),
    ("multilateral-diplomacy", "Multilateral diplomacy", "Diplomatie multilatérale",
     "The UN, regional and international organisations, summits and "
     "negotiations among many states, peacekeeping, sanctions regimes."),
    ("armed-conflict", "Armed conflict", "Conflit armé",
     "War and armed fighting, offensives, air strikes, clashes, ceasefires "
     "and peace talks about a war, military coups."),
    ("military-defence", "Military and defence", "Défense et armées",
     "Armed forces outside an ongoing fight: defence policy, budgets, arms, "
     "exercises, bases, nuclear and missile programmes."),
    ("domestic-politics", "Domestic politics", "Politique intérieure",
     "Politics inside one country: elections, governments, parliaments, "
     "parties, protests and political crises."),
    ("crime-justice", "Crime and justice", "Criminalité et justice",
     "Crime other than terrorism, police, courts and trials, corruption, "
     "prisons, drug trafficking."),
    ("human-rights-migration", "Human rights and migration", "Droits humains et migrations",
     "Human rights, press freedom, refugees and migrants, humanitarian crises "
     "and aid."),
    ("economy-business", "Economy and business", "Économie et entreprises",
     "Economy, companies, trade, finance, prices, jobs, energy, agriculture, "
     "infrastructure investment."),
    ("health", "Health", "Santé",
     "Health, diseases and epidemics, medicine, hospitals, vaccination."),
    ("science-technology", "Science and technology", "Sciences et technologies",
     "Science, technology, internet companies, telecoms, space."),
    ("environment-disaster", "Environment and disasters", "Environnement et catastrophes",
     "Environment, climate, natural disasters, accidents not caused by an attack."),
    ("sports", "Sports", "Sports", "Sport of any kind."),
    ("culture-society", "Culture and society", "Culture et société",
     "Arts, entertainment, religion, education, lifestyle, other social issues."),
])

STANCES: dict[str, LabelInfo] = _table([
    ("cooperation", "Cooperation", "Coopération",
     "The main actors cooperate, in words or in deeds."),
    ("conflict", "Conflict", "Conflit",
     "The main actors are in conflict, in words or by force."),
    ("neutral", "Neutral", "Neutre",
     "No interaction between actors, or statements, reports and appeals only."),
])

# CAMEO QuadClass values plus neutral, as in the corpus' ``stance5`` field.
STANCES_FINE: dict[str, LabelInfo] = _table([
    ("neutral", "Neutral", "Neutre", "No cooperation or conflict."),
    ("verbal-cooperation", "Verbal cooperation", "Coopération verbale",
     "Intent to cooperate, consultations, praise, agreement in words."),
    ("material-cooperation", "Material cooperation", "Coopération matérielle",
     "Agreements implemented, aid, intelligence sharing, joint operations."),
    ("verbal-conflict", "Verbal conflict", "Conflit verbal",
     "Accusations, criticism, demands, threats, sanctions by decision."),
    ("material-conflict", "Material conflict", "Conflit matériel",
     "Force or coercion: attacks, fighting, killings, arrests, protests."),
])

STANCE_FOLD: dict[str, str] = {
    "neutral": "neutral",
    "verbal-cooperation": "cooperation",
    "material-cooperation": "cooperation",
    "verbal-conflict": "conflict",
    "material-conflict": "conflict",
}

CONTINENTS: dict[str, LabelInfo] = _table([
    ("002", "Africa", "Afrique"),
    ("019", "Americas", "Amériques"),
    ("142", "Asia", "Asie"),
    ("150", "Europe", "Europe"),
    ("009", "Oceania", "Océanie"),
])

# The 22 UN M49 regions used by the corpus: intermediate regions where M49
# has them, sub-regions otherwise.  Ids are the three-digit M49 codes.
REGIONS: dict[str, LabelInfo] = _table([
    ("015", "Northern Africa", "Afrique du Nord", "", "002"),
    ("014", "Eastern Africa", "Afrique de l'Est", "", "002"),
    ("017", "Middle Africa", "Afrique centrale", "", "002"),
    ("018", "Southern Africa", "Afrique australe", "", "002"),
    ("011", "Western Africa", "Afrique de l'Ouest", "", "002"),
    ("029", "Caribbean", "Caraïbes", "", "019"),
    ("013", "Central America", "Amérique centrale", "", "019"),
    ("005", "South America", "Amérique du Sud", "", "019"),
    ("021", "Northern America", "Amérique septentrionale", "", "019"),
    ("143", "Central Asia", "Asie centrale", "", "142"),
    ("030", "Eastern Asia", "Asie de l'Est", "", "142"),
    ("035", "South-eastern Asia", "Asie du Sud-Est", "", "142"),
    ("034", "Southern Asia", "Asie du Sud", "", "142"),
    ("145", "Western Asia", "Asie occidentale", "", "142"),
    ("151", "Eastern Europe", "Europe de l'Est", "", "150"),
    ("154", "Northern Europe", "Europe du Nord", "", "150"),
    ("039", "Southern Europe", "Europe du Sud", "", "150"),
    ("155", "Western Europe", "Europe de l'Ouest", "", "150"),
    ("053", "Australia and New Zealand", "Australie et Nouvelle-Zélande", "", "009"),
    ("054", "Melanesia", "Mélanésie", "", "009"),
    ("057", "Micronesia", "Micronésie", "", "009"),
    ("061", "Polynesia", "Polynésie", "", "009"),
])

_REGION_BY_NAME = {info.name.lower(): code for code, info in REGIONS.items()}


def fold_stance(label: str) -> str:
    """Fold a five-way ``stance5`` label into cooperation/conflict/neutral.

    Labels that are not five-way labels are returned unchanged.
    """
    return STANCE_FOLD.get(label, label)


def region_id(name_or_code: str) -> str | None:
    """Return the M49 code of a region given its English name or its code.

    Returns ``None`` for names that are not one of the 22 regions (for
    example ``"Antarctica"``, which M49 does not place in a region).
    """
    key = str(name_or_code).strip()
    if key in REGIONS:
        return key
    return _REGION_BY_NAME.get(key.lower())


def label_name(head: str, label: str, lang: str = "en") -> str:
    """Human-readable name of ``label`` in ``head``; the id itself if unknown."""
    table = {"topics": TOPICS, "stance": STANCES, "stance_fine": STANCES_FINE,
             "regions": REGIONS, "continents": CONTINENTS}.get(head)
    if head == "countries":
        from topicclf.geo import country_name  # imported late: geo is optional data

        return country_name(label) or label
    if not table or label not in table:
        return label
    info = table[label]
    return (info.name_fr or info.name) if lang == "fr" else info.name
