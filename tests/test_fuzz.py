"""The fuzzing harness (benchmarks/fuzz.py) for a short budget, and the crashes it found.

Readers: any exception but a ``TopicclfError`` is a crash.  The two crash kinds
found (a forced UTF-16 encoding without BOM; a Parquet file that is corrupt past
its header) are fixed in ``topicclf.io`` and kept here as regression tests, with
the crashing files in ``tests/fuzz/crashes/``.

Model loader: the crashes found (a non-zip arrays file, wrong JSON types,
wrong array shapes, an out-of-range sparse index that corrupted memory) are
fixed in ``persist.py``/``heads.py``; each became a regression test below.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from topicclf.errors import DataFileError, ModelFileError, TopicclfError
from topicclf.io import read_chunks
from topicclf.persist import load

ROOT = Path(__file__).resolve().parents[1]
CRASHES = Path(__file__).parent / "fuzz" / "crashes"


def _harness():
    spec = importlib.util.spec_from_file_location("topicclf_fuzz", ROOT / "benchmarks" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_readers_survive_a_fuzzing_budget():
    fuzz = _harness()
    stats = fuzz.fuzz(12, ("csv", "tsv", "jsonl", "parquet"), seed=20261127)
    assert [f"{c.target} seed {c.seed}: {c.error}" for c in stats.crashes] == []
    assert min(stats.runs.values()) >= 50, stats.runs  # the budget did fuzz every format


def test_model_loader_survives_a_fuzzing_budget():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fuzz.py"), "--seconds", "6",
                           "--target", "load", "--seed", "1"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]


# ------------------------------------------------------------ reader crashes (fixed)
def test_forced_utf16_without_bom_is_a_data_file_error(tmp_path):
    # was: UnicodeError "UTF-16 stream does not start with BOM" with a traceback
    path = tmp_path / "in.csv"
    path.write_bytes("id,text\n1,Kaboul\n".encode("utf-16-le"))
    with pytest.raises(DataFileError, match=r"^cannot read input file '.*in.csv': UTF-16 stream "
                                            r"does not start with BOM$"):
        list(read_chunks(str(path), encoding="utf-16"))


@pytest.mark.parametrize("name, reason", [("corrupt-page.parquet", "Output buffer size"),
                                          ("bad-dictionary.parquet", "dictionary bounds")])
def test_parquet_corrupt_past_its_header_is_a_data_file_error(name, reason):
    # was: pyarrow.lib.ArrowInvalid raised while iterating the row batches
    with pytest.raises(DataFileError, match=f"cannot read input file .*{reason}"):
        list(read_chunks(str(CRASHES / name)))


def test_cli_reports_a_corrupt_parquet_in_one_line(tmp_path, capsys):
    from topicclf.cli import main

    code = main(["score", str(CRASHES / "corrupt-page.parquet"), "-o", str(tmp_path / "o.csv")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.splitlines()[-1].startswith("topicclf: error: cannot read input file ")
    assert all(line.startswith("topicclf: ") for line in err.splitlines())  # no traceback
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------ loader crashes (fixed)
@pytest.fixture()
def saved(tiny_tagger, tmp_path):
    return tiny_tagger.save(tmp_path / "model")


def _rehash(model: Path, name: str) -> None:
    card = json.loads((model / "model-card.json").read_text())
    card["files"][name] = hashlib.sha256((model / name).read_bytes()).hexdigest()
    (model / "model-card.json").write_text(json.dumps(card))


def _replace_array(model: Path, key: str, change) -> None:
    with np.load(model / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays[key] = change(arrays[key])
    np.savez(model / "arrays.npz", **arrays)
    _rehash(model, "arrays.npz")


def test_arrays_file_that_is_not_a_zip_is_a_model_file_error(saved):
    (saved / "arrays.npz").write_bytes(b"PK\x03\x04 not really a zip")
    _rehash(saved, "arrays.npz")
    with pytest.raises(ModelFileError):
        load(saved)


@pytest.mark.parametrize("heads", [[], {"stance": "../x"}])
def test_features_json_of_the_wrong_shape_is_a_model_file_error(saved, heads):
    meta = json.loads((saved / "features.json").read_text())
    (saved / "features.json").write_text(json.dumps({**meta, "heads": heads}))
    _rehash(saved, "features.json")
    with pytest.raises(ModelFileError):
        load(saved)


def test_arrays_of_the_wrong_shape_are_refused_on_load(saved):
    with np.load(saved / "arrays.npz", allow_pickle=False) as npz:
        key = next(k for k in npz.files if k.startswith("heads/stance/") and npz[k].ndim == 2
                   and npz[k].shape[0] > 1)
    _replace_array(saved, key, lambda a: a[:-1])
    with pytest.raises(TopicclfError):
        load(saved).tag_many(["Attentat terroriste à Kaboul"])


def test_out_of_range_sparse_index_is_refused_not_a_native_crash(saved):
    _replace_array(saved, "heads/stance/coef_indices",
                   lambda a: np.where(np.arange(a.size) == 0, -1, a).astype(a.dtype))
    code = textwrap.dedent(f"""
        import warnings; warnings.simplefilter("ignore")
        from topicclf.persist import load
        from topicclf.errors import TopicclfError
        try:
            load({str(saved)!r}).tag_many(["Attentat terroriste à Kaboul"] * 50)
        except TopicclfError:
            raise SystemExit(3)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 3, (done.returncode, done.stderr[-500:])
