"""Country mentions in French and English text, and ISO 3166 codes → UN M49 regions.

The gazetteer (:mod:`topicclf.gazetteer`) is built once, on first use, from
pycountry and the reviewed file ``topicclf/data/gazetteer.json``, and scanned
over an accent-folded, case-preserving copy of the text: "Etats-Unis" and
"États-Unis" are one form, and the longest form wins ("Guinée-Bissau" over
"Guinée").  This module decides which matches are mentions (case rules,
ambiguous forms) and derives the evidence of what a text is about.  Regions
come from ``topicclf/data/m49.csv`` (UN M49).  See ``docs/geo.md``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

import pycountry

from topicclf.errors import InvalidInputError
from topicclf.gazetteer import (LANGS, Gazetteer, fold, french_names, gazetteer, load_data,
                                read_data_file, scan)

__all__ = ["KINDS", "Mention", "country_name", "country_region", "country_continent",
           "mentions", "mention_evidence", "fold"]

KINDS = ("country", "capital", "city", "demonym", "metonym")


@dataclass(frozen=True)
class Mention:
    """One mention of a country in a text.

    ``surface`` is the text as written, ``start``/``end`` its character
    offsets in the original text, ``code`` the ISO 3166-1 alpha-2 code (XK
    for Kosovo) and ``kind`` one of :data:`KINDS`.
    """

    surface: str
    start: int
    end: int
    code: str
    kind: str


@lru_cache(maxsize=1)
def _m49() -> dict[str, dict[str, str]]:
    lines = [line for line in read_data_file("m49.csv").splitlines() if not line.startswith("#")]
    return {row["iso2"]: row for row in csv.DictReader(lines)}


def _code(code: str) -> str:
    if not isinstance(code, str):
        raise InvalidInputError(f"country code must be a str such as 'PK', got {type(code).__name__}")
    return code.strip().upper()


def _check_lang(lang: str | None, allow_none: bool) -> None:
    if not (lang is None and allow_none or lang in LANGS):
        raise InvalidInputError(f"lang={lang!r} is not supported; expected 'en', 'fr'"
                                + (" or None (both)" if allow_none else ""))


def country_name(code: str, lang: str = "en") -> str | None:
    """Common short name of a country, in English or French.

    Parameters
    ----------
    code : str
        ISO 3166-1 alpha-2 code (case-insensitive); ``"XK"`` is Kosovo.
    lang : {"en", "fr"}

    Returns
    -------
    str or None
        ``None`` for an unknown code.

    Raises
    ------
    InvalidInputError
        If ``code`` is not a string or ``lang`` is not "en" or "fr".

    Examples
    --------
    >>> country_name("RU"), country_name("ru", lang="fr"), country_name("KR")
    ('Russia', 'Russie', 'South Korea')
    >>> country_name("ZZ") is None
    True
    """
    code = _code(code)
    _check_lang(lang, allow_none=False)
    names = load_data()["countries"].get(code, {}).get("name")
    if names:
        return names[LANGS.index(lang)]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return None
    name = getattr(country, "common_name", None) or country.name
    return french_names().gettext(name) if lang == "fr" else name


def country_region(code: str) -> str | None:
    """M49 region of a country: the three-digit code of ``taxonomy.REGIONS``.

    The intermediate region where M49 has one (Western Africa, South
    America...), the sub-region otherwise (Southern Asia, Western Europe...).

    Examples
    --------
    >>> country_region("PK"), country_region("ng"), country_region("BR"), country_region("GB")
    ('034', '011', '005', '154')
    >>> country_region("AQ") is None, country_region("ZZ") is None
    (True, True)
    """
    return _m49().get(_code(code), {}).get("region_code") or None


def country_continent(code: str) -> str | None:
    """M49 continent of a country: "002" Africa, "019" Americas, "142" Asia, "150" Europe, "009" Oceania.

    Examples
    --------
    >>> country_continent("RU"), country_continent("MX")
    ('150', '019')
    """
    return _m49().get(_code(code), {}).get("continent_code") or None


_PREV_WORD = re.compile(r"(?<![\w'])([A-Z][\w'.]*)(, | |-)$")
_NEXT_WORD = re.compile(r" ([A-Z][\w'-]*)")


def _all_caps(folded: str, start: int, end: int) -> bool:
    window = folded[max(0, start - 40):end + 40]
    return window == window.upper()


def _name_like(folded: str, start: int, end: int, after_country: bool, gaz: Gazetteer) -> bool:
    """True when the form sits next to another capitalised word (Michael Jordan)."""
    prev = _PREV_WORD.search(folded, max(0, start - 40), start)
    if prev and prev.group(1).rstrip(".").lower() not in gaz.not_names:
        if not (prev.group(2) != " " and after_country):  # "Syria, Jordan" is a list
            return True
    nxt = _NEXT_WORD.match(folded, end)
    return bool(nxt and nxt.group(1).lower() not in gaz.titles)


def mentions(text: str, lang: str | None = None) -> list[Mention]:
    """Every mention of a country in a French or English text, in text order.

    Parameters
    ----------
    text : str
        The text, headline included.
    lang : {"en", "fr"} or None
        Language of the text; ``None`` uses the forms of both languages.

    Returns
    -------
    list of Mention
        Ambiguous forms ("Jordan", "Chad", "Georgia", "Washington"...) are
        kept unless they sit next to another capitalised word or a veto word
        of the gazetteer occurs in the text, and always when the same country
        is also mentioned unambiguously.

    Raises
    ------
    InvalidInputError
        If ``text`` is not a string or ``lang`` is not supported.

    Examples
    --------
    >>> [(m.surface, m.code) for m in mentions("Du Niger au Nigeria, puis en Guinée-Bissau.")]
    [('Niger', 'NE'), ('Nigeria', 'NG'), ('Guinée-Bissau', 'GW')]
    >>> [m.surface for m in mentions("Michael Jordan met Chad Johnson in Atlanta, Georgia.")]
    ['Atlanta']
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"text must be a str, got {type(text).__name__}; "
                                "call mentions() once per text")
    _check_lang(lang, allow_none=True)
    gaz = gazetteer()
    folded = fold(text)
    found: list[Mention] = []
    pending: list[tuple[Mention, tuple[str, ...], bool]] = []
    supported: set[str] = set()
    last_country_end = -1
    for start, end in scan(folded, gaz):
        entry = gaz.entries[folded[start:end]]
        if not entry.code or (lang and entry.lang not in ("*", lang)):
            continue
        if entry.short_upper and not _all_caps(folded, start, end):
            continue
        if entry.case_word and _all_caps(folded, start, end):
            continue
        end -= folded[end - 1] == "-"  # prefix of a compound: "sino-"
        mention = Mention(text[start:end], start, end, entry.code, entry.kind)
        if entry.veto is None:
            found.append(mention)
            supported.add(entry.code)
        else:
            pending.append((mention, entry.veto, last_country_end in (start - 1, start - 2)))
        if entry.kind == "country":
            last_country_end = end
    for mention, veto, after_country in pending:
        if mention.code in supported or not (
                any(v in folded for v in veto)
                or _name_like(folded, mention.start, mention.end, after_country, gaz)):
            found.append(mention)
    return sorted(found, key=lambda m: m.start)


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def _layout(text: str) -> tuple[int, int, int]:
    """(end of headline, start and end of first sentence) as character offsets."""
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    head_end = 0
    if len(lines) > 1 and len(lines[0].group()) <= 200:
        head_end = lines[0].end()
        lines = lines[1:]
    # first sentence: of the first body line that reads like prose (8 words or more)
    para = next((m for m in lines if len(m.group().split()) >= 8), lines[0] if lines else None)
    if para is None:
        return head_end, 0, 0
    stop = _SENTENCE_END.search(text, para.start(), para.end())
    return head_end, para.start(), stop.end() if stop else para.end()


def mention_evidence(text: str, lang: str | None = None) -> dict[str, dict[str, float]]:
    """Per country, cheap features for deciding whether a text is ABOUT it.

    The headline is the first line, when the text has several lines and it
    is at most 200 characters long; the first sentence is that of the first
    body line of 8 words or more.  ``text`` and ``lang`` are as in
    :func:`mentions`.

    Returns
    -------
    dict
        ISO code → features, in order of first mention: ``count``,
        ``count_<kind>`` for each of :data:`KINDS`, ``share`` (of all
        mentions), ``first_position`` (offset / text length, 0..1),
        ``in_headline`` and ``in_first_sentence`` (0 or 1).

    Examples
    --------
    >>> ev = mention_evidence("Pakistan et Russie\\nIslamabad et Moscou parlent du Pakistan et de la Syrie.")
    >>> ev["PK"]["count"], ev["PK"]["in_headline"], ev["SY"]["in_headline"], ev["SY"]["in_first_sentence"]
    (3.0, 1.0, 0.0, 1.0)
    """
    found = mentions(text, lang)
    head_end, sent_start, sent_end = _layout(text)
    size = max(len(text), 1)
    evidence: dict[str, dict[str, float]] = {}
    for m in found:
        f = evidence.get(m.code)
        if f is None:
            f = evidence[m.code] = {"count": 0.0, **{f"count_{k}": 0.0 for k in KINDS},
                                    "share": 0.0, "first_position": m.start / size,
                                    "in_headline": 0.0, "in_first_sentence": 0.0}
        f["count"] += 1
        f[f"count_{m.kind}"] += 1
        if m.start < head_end:
            f["in_headline"] = 1.0
        if sent_start <= m.start < sent_end:
            f["in_first_sentence"] = 1.0
    for f in evidence.values():
        f["share"] = f["count"] / len(found)
    return evidence
