import json
import os
import shutil

import numpy as np
import pytest

import topicclf
from topicclf import ModelFileError, ModelVersionError, TamperedModelError
from topicclf.errors import NoShippedModelError


@pytest.fixture()
def saved(tiny_tagger, tmp_path):
    path = tmp_path / "model"
    tiny_tagger.save(path)
    return path


def _rehash(path, name):
    import hashlib

    card = json.loads((path / "model-card.json").read_text())
    card["files"][name] = hashlib.sha256((path / name).read_bytes()).hexdigest()
    (path / "model-card.json").write_text(json.dumps(card))


def test_save_load_gives_identical_scores(tiny_tagger, saved):
    loaded = topicclf.load(saved)
    texts = ["Attentat à Kaboul", "Football match", "Visite officielle du ministre"]
    a, b = tiny_tagger.predict_proba(texts), loaded.predict_proba(texts)
    assert a.keys() == b.keys()
    for head in a:
        np.testing.assert_allclose(a[head], b[head], rtol=1e-5, atol=1e-6)
    assert [r.to_dict() for r in loaded.tag_many(texts)] == \
        [r.to_dict() for r in tiny_tagger.tag_many(texts)]


def test_saved_directory_is_self_describing(saved):
    assert sorted(os.listdir(saved)) == ["MODEL_CARD.md", "arrays.npz", "features.json",
                                         "model-card.json"]
    card = json.loads((saved / "model-card.json").read_text())
    assert card["format_version"] == 1 and card["library_version"] == topicclf.__version__
    assert {lab["id"] for lab in card["heads"]["topics"]["labels"]} == {"terrorism", "diplomacy",
                                                                        "sport"}
    assert all(0 <= lab["threshold"] <= 1 for lab in card["heads"]["topics"]["labels"])
    assert "## Labels and thresholds" in (saved / "MODEL_CARD.md").read_text()


def test_saving_twice_gives_the_same_bytes(tiny_tagger, tmp_path):
    tiny_tagger.card_["created"] = "2026-01-01T00:00:00Z"
    tiny_tagger.save(tmp_path / "a")
    tiny_tagger.save(tmp_path / "b")
    for name in ("arrays.npz", "features.json", "model-card.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_modified_array_file_is_refused(saved):
    data = bytearray((saved / "arrays.npz").read_bytes())
    data[-40] ^= 0xFF
    (saved / "arrays.npz").write_bytes(bytes(data))
    with pytest.raises(TamperedModelError, match="does not match the sha256"):
        topicclf.load(saved)


def test_card_pointing_outside_is_refused(saved):
    card = json.loads((saved / "model-card.json").read_text())
    card["files"]["../arrays.npz"] = card["files"].pop("arrays.npz")
    (saved / "model-card.json").write_text(json.dumps(card))
    with pytest.raises(ModelFileError):
        topicclf.load(saved)


def test_symlink_is_refused(saved, tmp_path):
    outside = tmp_path / "elsewhere.npz"
    shutil.move(saved / "arrays.npz", outside)
    os.symlink(outside, saved / "arrays.npz")
    with pytest.raises(ModelFileError, match="symbolic link"):
        topicclf.load(saved)


def test_pickle_disguised_as_arrays_is_refused_and_never_run(saved, tmp_path):
    import pickle

    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (saved / "arrays.npz").write_bytes(pickle.dumps(Payload()))
    _rehash(saved, "arrays.npz")  # even with a matching hash
    with pytest.raises(ModelFileError):
        topicclf.load(saved)
    assert not marker.exists()


def test_future_format_version_is_refused(saved):
    card = json.loads((saved / "model-card.json").read_text())
    card["format_version"] = 99
    card["library_version"] = "9.0"
    (saved / "model-card.json").write_text(json.dumps(card))
    with pytest.raises(ModelVersionError, match=r"format version 99.*upgrade topicclf to version 9.0"):
        topicclf.load(saved)


def test_other_library_version_warns(saved):
    card = json.loads((saved / "model-card.json").read_text())
    card["library_version"] = "0.0.1"
    (saved / "model-card.json").write_text(json.dumps(card))
    with pytest.warns(UserWarning, match="saved by topicclf 0.0.1"):
        topicclf.load(saved)


def test_oversized_file_is_refused(saved, monkeypatch):
    from topicclf import persist

    monkeypatch.setattr(persist, "MAX_FILE_BYTES", 100)
    with pytest.raises(ModelFileError, match="larger than 100 bytes"):
        topicclf.load(saved)


def test_missing_directory_and_non_model(tmp_path):
    with pytest.raises(ModelFileError, match="not found"):
        topicclf.load(tmp_path / "nope")
    (tmp_path / "model-card.json").write_text("{}")
    with pytest.raises(ModelFileError, match="not a topicclf model"):
        topicclf.load(tmp_path)


def test_no_shipped_model_error_is_clear(monkeypatch):
    from topicclf import persist

    monkeypatch.setattr(persist, "SHIPPED_MODEL", "does-not-exist")
    with pytest.raises(NoShippedModelError, match="no shipped model named 'does-not-exist'"):
        topicclf.load()
