"""Country mentions in French and English text, and ISO 3166 codes → UN M49 regions.

The gazetteer is compiled once, on first use, from pycountry (ISO 3166-1
names, official names and their French translations) and the reviewed file
``topicclf/data/gazetteer.json`` (capitals, cities, demonyms, short forms,
metonyms such as "le Kremlin"), into one trie-shaped regular expression run
over an accent-folded, case-preserving copy of the text: "Etats-Unis" and
"États-Unis" are one form, and the longest form wins ("Guinée-Bissau" over
"Guinée").  Regions come from ``topicclf/data/m49.csv`` (UN M49).  See
``docs/geo.md``.
"""

from __future__ import annotations

import csv
import gettext
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import pycountry

from topicclf.errors import InvalidInputError

__all__ = ["KINDS", "Mention", "country_name", "country_region", "country_continent",
           "mentions", "mention_evidence", "fold"]

KINDS = ("country", "capital", "city", "demonym", "metonym")
_PRIORITY = {"country": 0, "capital": 1, "metonym": 2, "city": 3, "demonym": 4}
_LANGS = ("en", "fr")
_SMALL = {"de", "du", "des", "la", "le", "les", "of", "the", "and", "et", "en", "au", "aux",
          "y", "da", "do", "dos", "del", "el", "al", "on", "sur"}
_PREPOSITIONS = ("of", "of the", "de", "du", "des", "d'")


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


class _Entry(NamedTuple):
    code: str          # "" for a blocker
    kind: str
    lang: str          # "en", "fr" or "*"
    veto: tuple[str, ...] | None  # None unless the form is ambiguous
    short_upper: bool  # LIMA, SWAT: a short place in capitals, valid in all-caps text only
    case_word: bool    # an acronym that is a common word in all-caps text ("US")


_Term = tuple[str, str, str, str, str]  # form, code, kind, lang, style


class _Gazetteer(NamedTuple):
    first_words: frozenset[str]  # the first word of every form
    prefixes: frozenset[str]    # every prefix of every form, to stop a scan early
    ends: re.Pattern[str]       # where a form may end: a word's end, or a final symbol
    longest: int                # characters of the longest form
    entries: dict[str, _Entry]
    not_names: frozenset[str]   # function words: never part of a person's name
    titles: frozenset[str]      # words that may follow a country name (Chad President ...)


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(cp))[0]
        if base != chr(cp) and base.isascii():
            table[cp] = base
    extra = {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
             "’": "'", "‘": "'", "ʼ": "'", "ʽ": "'", "`": "'", "´": "'",
             "\u2010": "-", "\u2011": "-", "\u00a0": " ", "\u202f": " "}
    table.update({ord(k): v for k, v in extra.items()})
    return table


def fold(text: str) -> str:
    """Remove accents and normalise apostrophes, keeping case and length.

    Examples
    --------
    >>> fold("États-Unis, Côte d’Ivoire, Türkiye")
    "Etats-Unis, Cote d'Ivoire, Turkiye"
    """
    return text.translate(_fold_table())


def _read(name: str) -> str:
    return resources.files("topicclf").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _m49() -> dict[str, dict[str, str]]:
    lines = [line for line in _read("m49.csv").splitlines() if not line.startswith("#")]
    return {row["iso2"]: row for row in csv.DictReader(lines)}


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(_read("gazetteer.json"))


@lru_cache(maxsize=1)
def _french() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


def _code(code: str) -> str:
    if not isinstance(code, str):
        raise InvalidInputError(f"country code must be a str such as 'PK', got {type(code).__name__}")
    return code.strip().upper()


def _check_lang(lang: str | None, allow_none: bool) -> None:
    if not (lang is None and allow_none or lang in _LANGS):
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
    names = _data()["countries"].get(code, {}).get("name")
    if names:
        return names[_LANGS.index(lang)]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return None
    name = getattr(country, "common_name", None) or country.name
    return _french().gettext(name) if lang == "fr" else name


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


def _variants(term: str, style: str) -> list[tuple[str, bool]]:
    """Case variants of a form: (variant, is-the-all-capitals-variant)."""
    def cap(w: str) -> str:
        return w[:1].upper() + w[1:]

    letters = [c for c in term if c.isalpha()]
    if style != "dem" and letters and all(c.isupper() for c in letters):
        return [(term, False)]  # acronym: exactly as written
    out = {term: False, cap(term): False}
    if style == "name":  # "Arabie saoudite" -> "Arabie Saoudite"
        out.setdefault(" ".join(w if w.lower() in _SMALL or w[1:2] == "'" else cap(w)
                                for w in term.split(" ")), False)
    if style == "dem":
        out.setdefault(term.lower(), False)
    out.setdefault(term.upper(), True)
    return list(out.items())


def _inflections(m: str, lang: str) -> list[str]:
    """Plural (English) or feminine and plural (French) of a demonym."""
    if lang == "en":
        return [m] if m.endswith(("s", "sh", "ch", "ese", "x", "z")) else [m, m + "s"]
    if m.endswith(("s", "x")):
        return [m, m + "e", m + "es"]
    if m.endswith("e"):
        return [m, m + "s"]
    return [m, m + "s", m + "ne", m + "nes"] if m.endswith("en") else [m, m + "s", m + "e", m + "es"]


def _iso_forms(name: str) -> list[str]:
    """'Russie, Fédération de' -> ['Russie', 'Fédération de Russie']."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    forms = [name]
    if ", " in name:
        head, tail = name.split(", ", 1)
        forms = [head]
        if tail.lower().endswith(_PREPOSITIONS):
            forms.append(tail + ("" if tail.endswith("'") else " ") + head)
    return [re.sub(r"^(?:the |l')", "", f, flags=re.I) for f in forms]


def _explicit_terms(data: dict) -> Iterator[_Term]:
    """(form, code, kind, lang, style) from gazetteer.json."""
    for code, rec in data["countries"].items():
        for lang, name in zip(_LANGS, rec.get("name", []), strict=False):
            yield name, code, "country", lang, "name"
        for key, kind in (("alias", "country"), ("capital", "capital"), ("city", "city"),
                          ("metonym", "metonym")):
            for t in rec.get(key, []):
                yield t, code, kind, "*", "name"
        for lang, style in (("en", "dem_en"), ("fr", "dem")):
            for t in rec.get(f"dem_{lang}", []):
                for f in _inflections(fold(t), lang):
                    yield f, code, "demonym", lang, style
        for t in rec.get("dem_x", []):
            yield t, code, "demonym", "*", "dem_en" if t[:1].isupper() else "dem"
        for t in rec.get("prefix", []):
            yield t + "-", code, "demonym", "*", "dem"


def _iso_terms() -> Iterator[_Term]:
    """(form, code, "country", lang, "name") from pycountry, English and French."""
    fr = _french()
    for c in pycountry.countries:
        names = [n for n in (c.name, getattr(c, "common_name", None),
                             getattr(c, "official_name", None)) if n]
        for n in names:
            for lang, text in (("en", n), ("fr", fr.gettext(n))):
                for form in _iso_forms(text):
                    yield form, c.alpha_2, "country", lang, "name"


def _is_word(char: str) -> bool:
    """What ``\\w`` matches: letters, digits, underscore."""
    return char.isalnum() or char == "_"


def _ends_here(folded: str, end: int) -> bool:
    """A form may end at ``end``: after a hyphen (``sino-``), or before a non-word
    character that does not start an e-mail address or a domain (``.fr``)."""
    if folded[end - 1] == "-" or end == len(folded):
        return True
    after = folded[end]
    if _is_word(after) or after == "@":
        return False
    return not (after == "." and end + 1 < len(folded) and _is_word(folded[end + 1]))


_FIRST_WORD = re.compile(r"(?<![\w@])\w+")


def _scan(folded: str, gaz: _Gazetteer) -> Iterator[tuple[int, int]]:
    """(start, end) of each gazetteer form in ``folded``, left to right, the
    longest form at each start, none overlapping.

    A form starts at a word's beginning (not after a letter, digit or ``@``)
    and ends at a word's end or after a symbol such as a hyphen
    (:func:`_ends_here`).  So a form's first word is a whole word of the
    text: words that begin no form are skipped with one set lookup, and at
    the others only the possible ends are tried, shortest first, until the
    text read begins no form.  Compiling the 11,000 forms into one regular
    expression gives the same matches but costs about a second each time
    the program starts; this needs only sets.
    """
    resume = 0
    for word in _FIRST_WORD.finditer(folded):
        start = word.start()
        if start < resume or word.group() not in gaz.first_words:
            continue
        best = 0
        for end_match in gaz.ends.finditer(folded, start):
            end = end_match.end()
            if end - start > gaz.longest:
                break
            piece = folded[start:end]
            if piece not in gaz.prefixes:
                break
            if piece in gaz.entries and _ends_here(folded, end):
                best = end
        if best:
            yield start, best
            resume = best


@lru_cache(maxsize=1)
def _gazetteer() -> _Gazetteer:
    data = _data()
    ambiguous = {fold(k).lower(): tuple(fold(v) for v in vs) for k, vs in data["ambiguous"].items()}
    exclude = {fold(x).lower() for x in data["exclude"]}
    case_words = {fold(x) for x in data["case_words"]}
    entries: dict[str, _Entry] = {}
    origin: dict[str, str] = {}  # surface -> "blocker" | "explicit" | "iso"
    dropped: set[str] = set()

    def add(term: str, code: str, kind: str, lang: str, style: str, source: str) -> None:
        for variant, upper in _variants(fold(term), style):
            short_upper = upper and kind != "country" and sum(c.isalpha() for c in variant) < 5
            new = _Entry(code, kind, lang, ambiguous.get(variant.lower()), short_upper,
                         variant in case_words)
            old = entries.get(variant)
            if old is None:
                if variant not in dropped:
                    entries[variant], origin[variant] = new, source
            elif old.code != code:
                if origin[variant] == source == "explicit":
                    raise ValueError(f"gazetteer.json: {variant!r} is both {old.code} and {code}")
                if origin[variant] == source == "iso":
                    del entries[variant]
                    dropped.add(variant)
            else:
                better = _PRIORITY.get(kind, 9) < _PRIORITY.get(old.kind, 9)
                entries[variant] = old._replace(
                    kind=kind if better else old.kind,
                    lang=old.lang if old.lang == lang else "*",
                    short_upper=old.short_upper and short_upper)

    for t in data["blockers"]:
        add(t, "", "", "*", "name", "blocker")
    for source, terms in (("explicit", _explicit_terms(data)), ("iso", _iso_terms())):
        for term in terms:
            if fold(term[0]).lower() not in exclude:
                add(*term, source)
    first_words = frozenset(m.group() for form in entries if (m := re.match(r"\w+", form)))
    prefixes = frozenset(form[:k] for form in entries for k in range(1, len(form) + 1))
    symbols = "".join(sorted({form[-1] for form in entries if not _is_word(form[-1])} | {"-"}))
    ends = re.compile(r"\w(?!\w)|[" + re.escape(symbols) + "]")
    not_names = frozenset(w.lower() for w in data["not_names"])
    return _Gazetteer(first_words, prefixes, ends, max(map(len, entries)), entries, not_names,
                      not_names | {w.lower() for w in data["titles"]})


_PREV_WORD = re.compile(r"(?<![\w'])([A-Z][\w'.]*)(, | |-)$")
_NEXT_WORD = re.compile(r" ([A-Z][\w'-]*)")


def _all_caps(folded: str, start: int, end: int) -> bool:
    window = folded[max(0, start - 40):end + 40]
    return window == window.upper()


def _name_like(folded: str, start: int, end: int, after_country: bool, gaz: _Gazetteer) -> bool:
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
    gaz = _gazetteer()
    folded = fold(text)
    found: list[Mention] = []
    pending: list[tuple[Mention, tuple[str, ...], bool]] = []
    supported: set[str] = set()
    last_country_end = -1
    for start, end in _scan(folded, gaz):
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
