"""Word-level reasons: map feature contributions back to the words of a text.

A label's calibrated log-odds is a sum over features of (feature value ×
weight).  Word features are stem n-grams; character features are n-grams
inside words.  :func:`attribute` gives each feature's contribution to the
surface words of the text that produced it (a character n-gram's share is
split over the words that contain it), so a user reads words of the
article, not stems or character fragments.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from topicclf import text as textmod
from topicclf.features import TextFeatures
from topicclf.results import Reason

__all__ = ["attribute"]

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def attribute(features: TextFeatures, text: str, lang: str, indices: np.ndarray,
              values: np.ndarray, k: int = 10) -> list[Reason]:
    """The ``k`` phrases of ``text`` with the largest absolute contribution."""
    text = textmod.normalize(text[: features.max_chars])
    words = [m.group() for m in _WORD.finditer(text)]
    stems = textmod.stems(" ".join(words), lang)
    if len(stems) != len(words):  # tokenisers disagree on exotic input
        stems = [textmod.stems(w, lang)[0] if textmod.stems(w, lang) else w for w in words]
    # surface form of every stem n-gram present in the text (first occurrence)
    lo, hi = features.word_ngram_range
    surface: dict[str, str] = {}
    for n in range(lo, hi + 1):
        for i in range(len(stems) - n + 1):
            surface.setdefault(" ".join(stems[i:i + n]), " ".join(words[i:i + n]).lower())
    # words containing each char n-gram: char_wb pads each folded word with spaces
    folded = {w.lower(): " " + textmod.fold(w) + " " for w in words}
    n_word = len(features.word_vocabulary_)
    weights: dict[str, float] = defaultdict(float)
    for idx, value in zip(indices.tolist(), values.tolist()):
        if value == 0:
            continue
        if idx < n_word:
            term = str(features.word_vocabulary_[idx])
            weights[surface.get(term, term)] += value
        else:
            gram = str(features.char_vocabulary_[idx - n_word])
            owners = [w for w, f in folded.items() if gram in f]
            for w in owners:
                weights[w] += value / len(owners)
    ranked = sorted(weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
    return [Reason(phrase, weight) for phrase, weight in ranked[:k] if abs(weight) > 1e-9]
