"""The gazetteer of country forms and the scan that finds them in a text.

Built once, on first use, from pycountry (ISO 3166-1 names, official names
and their French translations) and the reviewed file
``topicclf/data/gazetteer.json`` (capitals, cities, demonyms, short forms,
metonyms such as "le Kremlin"): about 11,000 accent-folded, case-preserving
forms.  :func:`scan` finds the longest form at each word of a folded text.
The rules that decide which of those matches are mentions are in
:mod:`topicclf.geo`.
"""

from __future__ import annotations

import gettext
import json
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import pycountry

__all__ = ["LANGS", "Gazetteer", "fold", "french_names", "gazetteer", "load_data",
           "read_data_file", "scan"]

_PRIORITY = {"country": 0, "capital": 1, "metonym": 2, "city": 3, "demonym": 4}
LANGS = ("en", "fr")
_SMALL = {"de", "du", "des", "la", "le", "les", "of", "the", "and", "et", "en", "au", "aux",
          "y", "da", "do", "dos", "del", "el", "al", "on", "sur"}
_PREPOSITIONS = ("of", "of the", "de", "du", "des", "d'")


class _Entry(NamedTuple):
    code: str          # "" for a blocker
    kind: str
    lang: str          # "en", "fr" or "*"
    veto: tuple[str, ...] | None  # None unless the form is ambiguous
    short_upper: bool  # LIMA, SWAT: a short place in capitals, valid in all-caps text only
    case_word: bool    # an acronym that is a common word in all-caps text ("US")


_Term = tuple[str, str, str, str, str]  # form, code, kind, lang, style


class Gazetteer(NamedTuple):
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


def read_data_file(name: str) -> str:
    return resources.files("topicclf").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_data() -> dict:
    return json.loads(read_data_file("gazetteer.json"))


@lru_cache(maxsize=1)
def french_names() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


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
        for lang, name in zip(LANGS, rec.get("name", []), strict=False):
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
    fr = french_names()
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


def scan(folded: str, gaz: Gazetteer) -> Iterator[tuple[int, int]]:
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
def gazetteer() -> Gazetteer:
    data = load_data()
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
    return Gazetteer(first_words, prefixes, ends, max(map(len, entries)), entries, not_names,
                      not_names | {w.lower() for w in data["titles"]})
