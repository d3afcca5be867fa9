"""The wheel installs into a fresh virtual environment and its console script works there."""

from __future__ import annotations

import csv
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Distributions the installed package imports; the fresh environment takes them from the
# environment running the tests (a .pth file), so that no download is needed.
RUNTIME = ("numpy", "scipy", "sklearn", "pandas", "snowballstemmer", "pycountry", "tqdm", "pyarrow")


def _build_offline() -> bool:
    """Whether the build backend is importable here, so pip need not download it."""
    try:
        import setuptools
    except ImportError:
        return False
    major = int(setuptools.__version__.split(".")[0])
    return major >= 70 or (major >= 68 and importlib.util.find_spec("wheel") is not None)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")  # a copy: the build leaves the checkout untouched
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for name in ("topicclf", "models"):
        shutil.copytree(ROOT / name, src / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
               str(src)] + (["--no-build-isolation"] if _build_offline() else [])
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    (found,) = dist.glob("topicclf-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True,
                   timeout=120)
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; "
                           "print(sysconfig.get_paths()['purelib'])"], capture_output=True,
                          text=True, check=True).stdout.strip()
    dirs = dict.fromkeys(str(Path(importlib.util.find_spec(m).origin).parents[1])
                         for m in RUNTIME)
    Path(site, "_topicclf_test_deps.pth").write_text("\n".join(dirs) + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                           "--no-deps", "--no-index", "--ignore-installed", "--quiet",
                           str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return home


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_console_script_scores_a_file_from_the_fresh_venv(venv, tiny_tagger, tmp_path):
    from topicclf import __version__

    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    where = run(venv, bin_dir / "python", "-c", "import topicclf; print(topicclf.__file__)",
                cwd=tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout + where.stderr
    version = run(venv, bin_dir / "topicclf", "--version", cwd=tmp_path)
    assert (version.returncode, version.stdout) == (0, f"topicclf {__version__}\n")
    tiny_tagger.save(tmp_path / "model")
    (tmp_path / "in.csv").write_text("id,text\na,The football club wins the match\nb,\n",
                                     encoding="utf-8")
    done = run(venv, bin_dir / "topicclf", "score", "in.csv", "-o", "out.csv", "--model",
               "model", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (
        0, "topicclf: warning: 1 of 2 rows could not be scored; their error column says why\n")
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as fh:
        rows = [(r["id"], r["topics"], r["model"]) for r in csv.DictReader(fh)]
    assert rows == [("a", "sport", "tiny@1"), ("b", "", "tiny@1")]


def test_the_wheel_ships_its_data_and_type_marker(venv, tmp_path):
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    done = run(venv, python, "-c", "from importlib import resources as r; "
               "print(sorted(p.name for p in r.files('topicclf').iterdir() if not "
               "p.name.endswith('.py') and p.name != '__pycache__')); "
               "print(sorted(p.name for p in r.files('topicclf.data').iterdir() "
               "if p.name != '__pycache__'))", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    top, data = done.stdout.splitlines()
    assert "'py.typed'" in top and "'data'" in top and "'models'" in top
    assert "'gazetteer.json'" in data and "'m49.csv'" in data
