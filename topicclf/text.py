"""Text normalisation, accent folding, tokenising, stemming and language id.

Pure functions, no state beyond caches.  The language identifier is a small
function-word model of our own: news text in French and English is told
apart with near certainty by its most frequent words (le, la, les, des, et /
the, of, and, to), and it needs no download and runs in microseconds.  A few
other European languages are recognised so that they are not mistaken for
French or English; text without any evidence is ``"und"``.

Examples
--------
>>> fold("Élysée Ministère")
'elysee ministere'
>>> detect_language("Le Pakistan et la Russie discutent de la lutte contre le terrorisme")
'fr'
>>> detect_language("Pakistan and Russia discuss the fight against terrorism")
'en'
>>> stems("Les terroristes ont attaqué", "fr")
['le', 'terror', 'ont', 'attaqu']
"""

from __future__ import annotations

import importlib
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any


__all__ = [
    "LANGUAGES",
    "normalize",
    "fold",
    "tokens",
    "stems",
    "detect_language",
    "detect_languages",
    "split_headline",
]

#: Languages with a stemmer and a function-word profile.  The shipped model
#: is trained on ``fr`` and ``en``; the others are only recognised.
LANGUAGES = {
    "fr": "french", "en": "english", "es": "spanish", "de": "german",
    "it": "italian", "pt": "portuguese", "nl": "dutch",
}

# Frequent function words, written for this project.  Words shared by two
# languages (e.g. "a", "de", "en") are kept out so each one is evidence.
_FUNCTION_WORDS = {
    "fr": "le la les de des du et est une un en à dans pour que qui sur au aux par "
          "pas ce cette ces il elle ils sont ont avec plus mais ou leur leurs "
          "selon été était entre lors contre après aussi vous nous d l qu n s c j",
    "en": "the of and to is was in that for on with as by at from it are were "
          "this be has have had an its which their not but after said will "
          "would been who they he she against between new over s",
    "es": "el los las del y que por con para una es su se al como más pero "
          "sus fue ha le lo entre sobre también según",
    "de": "der die das und ist nicht mit von den dem zu ein eine sich auf für "
          "im auch es als wird wurde bei nach aus sind hat",
    "it": "il di che della per non una sono gli del dei delle nel alla anche "
          "come più ha stato dal nella questo",
    "pt": "o os da do das dos e que não uma para com por em no na mais foi "
          "como seu sua são pelo pela também",
    "nl": "de het een van en in is dat op te met voor niet zijn aan er ook "
          "als bij door naar wordt werd",
}
# Letter patterns typical of one language, used only when function words are
# too few to decide (headlines, fragments).
_LETTER_CUES = {
    "fr": [r"[éèêàçùâîôœ]", r"\w(?:eaux?|oux|ais|ait|ées?)\b", r"\b(?:l|d|qu)'[aeiouyh]"],
    "en": [r"\bth", r"\w(?:ing|ed|ly)\b", r"\w's\b", r"\bw(?:h|ar|ill|est)"],
}
_WORD_LANG: dict[str, list[str]] = {}
for _lang, _words in _FUNCTION_WORDS.items():
    for _w in _words.split():
        _WORD_LANG.setdefault(_w, []).append(_lang)

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+", re.UNICODE)
_SPLIT_RE = re.compile(r"[^\W_]+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "«": '"', "»": '"',
                         "“": '"', "”": '"', "\u00a0": " ", "\u202f": " ", "\x00": ""})


def normalize(text: str) -> str:
    """Unicode NFKC, one kind of apostrophe and quote, NUL bytes removed."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _FoldTable(dict):
    """``str.translate`` table that folds each character once, on first sight."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = "".join(c for c in unicodedata.normalize("NFKD", char)
                         if not unicodedata.combining(c))
        folded = {"œ": "oe", "æ": "ae", "ß": "ss"}.get(folded, folded)
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower-case and strip accents: ``"Élysée"`` becomes ``"elysee"``."""
    text = text.lower()
    return text if text.isascii() else text.translate(_FOLD_TABLE)


def tokens(text: str) -> list[str]:
    """Lower-cased alphanumeric word tokens (elisions and hyphens split)."""
    return _SPLIT_RE.findall(text.lower())


_LOCAL = threading.local()


def _stemmer(lang: str) -> Any:
    """This thread's stemmer for ``lang`` (a Snowball stemmer keeps state while
    it works, so threads must not share one), or None for other languages."""
    cache = _LOCAL.__dict__.setdefault("stemmers", {})
    if lang not in cache:
        name = LANGUAGES.get(lang)
        cache[lang] = _snowball(name)() if name else None
    return cache[lang]


def _snowball(name: str) -> Any:
    """The pure-Python Snowball stemmer class: always this one, even where
    PyStemmer is installed, so that stems (and so features) never depend on
    which optional C extension a machine has."""
    module = importlib.import_module(f"snowballstemmer.{name}_stemmer")
    return getattr(module, f"{name.title()}Stemmer")


@lru_cache(maxsize=500_000)
def _stem(word: str, lang: str) -> str:
    stemmer = _stemmer(lang)
    stemmed = stemmer.stemWord(word) if stemmer is not None else word
    return _fold_word(stemmed)


def stems(text: str, lang: str) -> list[str]:
    """Snowball stems of the words of ``text`` for ``lang``, accent-folded.

    Unknown languages keep the folded word unchanged.
    """
    return [_stem(t, lang) for t in tokens(text)]


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the language of ``text``, or ``"und"``."""
    if not isinstance(text, str):
        raise TypeError(f"expected a str, got {type(text).__name__}")
    counts: dict[str, float] = {}
    for word in _WORD_RE.findall(text[:5000].lower().replace("’", "'")):
        for part in re.split(r"'", word):
            for lang in _WORD_LANG.get(part, ()):
                counts[lang] = counts.get(lang, 0.0) + 1.0
    if not counts or max(counts.values()) < 2:  # short text: add letter cues
        folded = text[:2000].lower()
        for lang, cues in _LETTER_CUES.items():
            hits = sum(len(re.findall(cue, folded)) for cue in cues)
            if hits:
                counts[lang] = counts.get(lang, 0.0) + 0.5 * hits
    if not counts:
        return "und"
    return max(sorted(counts), key=counts.__getitem__)


def detect_languages(texts: Iterable[str]) -> list[str]:
    """:func:`detect_language` of each text."""
    return [detect_language(t) for t in texts]


def split_headline(text: str) -> tuple[str, str]:
    """Split a document into its first line (the headline) and the rest.

    A one-line document is all headline.
    """
    head, _, body = text.strip().partition("\n")
    return head, body
