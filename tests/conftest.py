"""Shared fixtures: a tiny French/English corpus and a session-scoped model."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Written for these tests: each label is learnable from its own words.
TINY = [
    ("Attentat terroriste revendiqué par l'Etat islamique à Kaboul", ["terrorism"], "conflict"),
    ("Un kamikaze se fait exploser, les terroristes visaient la police", ["terrorism"], "conflict"),
    ("Suicide bomber kills ten, terrorists claim the attack", ["terrorism"], "conflict"),
    ("Terror group claims the bombing of the market", ["terrorism"], "conflict"),
    ("Les djihadistes ont attaqué un poste militaire, attentat meurtrier", ["terrorism"], "conflict"),
    ("Counter-terrorism police arrest a terror suspect after the attack", ["terrorism"], "conflict"),
    ("Le ministre reçoit son homologue pour renforcer la coopération bilatérale",
     ["diplomacy"], "cooperation"),
    ("Les deux pays signent un accord de coopération lors de la visite officielle",
     ["diplomacy"], "cooperation"),
    ("The foreign minister meets his counterpart to deepen bilateral ties", ["diplomacy"],
     "cooperation"),
    ("The two countries sign a cooperation agreement during the state visit", ["diplomacy"],
     "cooperation"),
    ("Visite officielle du président, les deux pays saluent leur partenariat",
     ["diplomacy"], "cooperation"),
    ("Ambassador praises the partnership at the bilateral summit", ["diplomacy"], "cooperation"),
    ("Le club remporte le match de football grâce à un but à la dernière minute",
     ["sport"], "neutral"),
    ("L'équipe nationale gagne le championnat, le gardien brille", ["sport"], "neutral"),
    ("The football club wins the match with a late goal", ["sport"], "neutral"),
    ("The national team wins the championship, the goalkeeper shines", ["sport"], "neutral"),
    ("Tennis : la joueuse remporte le tournoi en finale", ["sport"], "neutral"),
    ("Tennis star wins the tournament final in straight sets", ["sport"], "neutral"),
]


def _tiny_frame(repeat: int = 3):
    import pandas as pd

    rows = [{"id": f"d{i}-{k}", "text": t, "topics": "|".join(tp), "stance": st}
            for k in range(repeat) for i, (t, tp, st) in enumerate(TINY)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def tiny_tagger():
    from topicclf import Tagger

    df = _tiny_frame()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Tagger(min_df=1, cv=3, name="tiny").fit(
            df["text"].tolist(), topics=[t.split("|") for t in df["topics"]],
            stance=df["stance"].tolist())


@pytest.fixture(name="tiny_frame")
def tiny_frame_fixture():
    """The tiny corpus as a DataFrame factory: ``tiny_frame(repeat)``."""
    return _tiny_frame


@pytest.fixture()
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared data folder {SHARED} (present in CI, absent in a "
                    "fresh clone)")
    return SHARED
