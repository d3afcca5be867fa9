"""Fuzz the data readers and the model loader for a fixed time budget.

A mutational fuzzer (seeded, reproducible): it starts from valid files, mutates
their bytes or fields, and feeds them to

* ``topicclf.io.read_chunks`` (every chunk consumed), one target per format
  (csv, tsv, jsonl, parquet), from mutated files, gzip-wrapped ones and random bytes;
* ``topicclf.persist.load`` on a copy of a tiny model directory whose card JSON
  fields, ``features.json`` values or ``arrays.npz`` bytes/arrays are mutated,
  with the sha256 in the card re-computed so that loading gets past the hash
  check; a model that loads is then asked to tag a text.

The promise under test: bad input gives a ``TopicclfError`` (one clear message),
never another exception.  Any other exception is a crash: it is printed with
the seed and mutation that made it, the input is saved under ``--crashes``, and
the exit status is 1.

Usage::

    python benchmarks/fuzz.py --seconds 30            # all targets, time split evenly
    python benchmarks/fuzz.py --seconds 60 --target load --seed 7
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from topicclf.errors import TopicclfError  # noqa: E402

TARGETS = ("csv", "tsv", "jsonl", "parquet", "load")
TOKENS = [b",", b"\t", b'"', b'""', b"\n", b"\r", b"\r\n", b"\x00", b"\xef\xbb\xbf",
          b"\xff\xfe", b"\xfe\xff", b"\x1f\x8b", b"{", b"}", b"[", b"]", b":", b'"text"',
          b"null", b"true", b"1e999", b"-0", b"\\u0000", b"\\ud800", b"\xc3", b"\xe2\x80\xa8",
          b"\xf0\x9f\x92\xa3", b"\x80", b"\\", b"PAR1", b"[" * 2000, b"a" * 5000]
FR_EN = [("Attentat terroriste revendiqué à Kaboul", "terrorism", "conflict"),
         ("Suicide bomber kills ten, terrorists claim the attack", "terrorism", "conflict"),
         ("Le ministre reçoit son homologue, coopération", "diplomacy", "cooperation"),
         ("The two countries sign a cooperation agreement", "diplomacy", "cooperation"),
         ("Le club remporte le match de football", "sport", "neutral"),
         ("The national team wins the championship", "sport", "neutral")]


@dataclass
class Crash:
    target: str
    seed: int
    mutation: str
    error: str
    trace: str


@dataclass
class Stats:
    runs: dict[str, int] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    crashes: list[Crash] = field(default_factory=list)


# ------------------------------------------------------------------ seeds
def seed_table() -> pd.DataFrame:
    return pd.DataFrame({"id": ["1", "007", "x,y", "4"],
                         "title": ["Kaboul", "", None, 'quote "q"'],
                         "text": [t for t, _, _ in FR_EN[:3]] + ["line\nbreak\r\nend"]})


def seed_bytes(fmt: str) -> bytes:
    frame = seed_table()
    if fmt == "parquet":
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return buffer.getvalue()
    if fmt == "jsonl":
        return frame.to_json(orient="records", lines=True, force_ascii=False).encode()
    return frame.to_csv(index=False, sep="\t" if fmt == "tsv" else ",").encode()


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A few random edits of ``data``; returns the new bytes and what was done."""
    done = []
    for _ in range(rng.randint(1, 6)):
        kind = rng.choice(("flip", "insert", "delete", "truncate", "splice", "repeat", "random"))
        pos = rng.randint(0, max(0, len(data) - 1))
        if kind == "flip" and data:
            data = data[:pos] + bytes([data[pos] ^ (1 << rng.randint(0, 7))]) + data[pos + 1:]
        elif kind == "insert":
            data = data[:pos] + rng.choice(TOKENS) + data[pos:]
        elif kind == "delete":
            data = data[:pos] + data[pos + rng.randint(1, 16):]
        elif kind == "truncate":
            data = data[:pos]
        elif kind == "splice":
            other = rng.randint(0, max(0, len(data) - 1))
            data = data[:pos] + data[other:other + rng.randint(1, 64)] + data[pos:]
        elif kind == "repeat":
            data = data[:pos] + data[pos:pos + 32] * rng.randint(2, 50) + data[pos:]
        else:
            data = data[:pos] + rng.randbytes(rng.randint(1, 64)) + data[pos:]
        done.append(f"{kind}@{pos}")
    if rng.random() < 0.1:
        data, done = gzip.compress(data, mtime=0)[:None if rng.random() < 0.7 else -8], \
            done + ["gzip"]
    return data, " ".join(done)


# ---------------------------------------------------------------- readers
def read_target(fmt: str, tmp: Path) -> Callable[[random.Random], str]:
    from topicclf.io import read_chunks

    seed = seed_bytes(fmt)

    def run(rng: random.Random) -> str:
        if rng.random() < 0.05:
            data, how = rng.randbytes(rng.randint(0, 512)), "random bytes"
        else:
            data, how = mutate_bytes(seed, rng)
        path = tmp / f"input.{fmt}"
        path.write_bytes(data)
        encoding = rng.choice([None] * 8 + ["utf-8", "cp1252", "utf-16", "latin-1"])
        try:
            for chunk in read_chunks(str(path), format=fmt, encoding=encoding,
                                     chunk_size=rng.choice([1, 2, 1000])):
                chunk.to_dict("records")
        finally:
            _last_input[0] = data
        return f"{how}; encoding={encoding}"

    return run


# ----------------------------------------------------------------- loader
def tiny_model(directory: Path) -> Path:
    from topicclf import Tagger

    texts = [t for t, _, _ in FR_EN] * 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tagger = Tagger(min_df=1, cv=3, name="fuzz").fit(
            texts, topics=[[tp] for _, tp, _ in FR_EN] * 3, stance=[s for _, _, s in FR_EN] * 3)
    return tagger.save(directory / "model")


def _rehash(model: Path, name: str) -> None:
    card_path = model / "model-card.json"
    card = json.loads(card_path.read_text("utf-8"))
    if isinstance(card, dict) and isinstance(card.get("files"), dict) and name in card["files"]:
        card["files"][name] = hashlib.sha256((model / name).read_bytes()).hexdigest()
        card_path.write_text(json.dumps(card, ensure_ascii=False), "utf-8")


JSON_VALUES: list[Any] = [None, True, 0, -1, 2**63, 1e308, float("nan"), "", "x" * 300, "../x",
                          [], [1, "a"], {}, {"a": None}, "\x00", "1", -2**31]


def _mutate_json(value: Any, rng: random.Random, path: str = "") -> tuple[Any, str]:
    """Replace, delete or perturb one randomly chosen node of a JSON document."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(list(value))
        if rng.random() < 0.15:
            return {k: v for k, v in value.items() if k != key}, f"del {path}/{key}"
        new, how = _mutate_json(value[key], rng, f"{path}/{key}")
        return {**value, key: new}, how
    if isinstance(value, list) and value and rng.random() < 0.8:
        i = rng.randrange(len(value))
        if rng.random() < 0.15:
            return value[:i] + value[i + 1:], f"del {path}[{i}]"
        new, how = _mutate_json(value[i], rng, f"{path}[{i}]")
        return value[:i] + [new] + value[i + 1:], how
    new = rng.choice(JSON_VALUES)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and rng.random() < 0.5:
        new = value * rng.choice([-1, 0, 2, 1000]) + rng.choice([0, 1, -1])
    return new, f"set {path} = {new!r:.40}"


def _mutate_arrays(path: Path, rng: random.Random) -> str:
    if rng.random() < 0.5:  # the bytes of the archive
        data, how = mutate_bytes(path.read_bytes(), rng)
        path.write_bytes(data)
        return f"npz bytes: {how}"
    with np.load(path, allow_pickle=False) as npz:  # one array changed, archive valid
        arrays = {k: npz[k] for k in npz.files}
    key = rng.choice(sorted(arrays))
    a = arrays[key]
    kind = rng.choice(("shape", "dtype", "empty", "values", "drop", "2d"))
    if kind == "shape":
        arrays[key] = a.ravel()[: max(0, a.size - rng.randint(1, 3))]
    elif kind == "dtype":
        arrays[key] = a.astype(rng.choice([np.float16, np.int8, np.uint64, "U3", np.bool_]),
                               copy=True) if a.dtype.kind != "U" else np.zeros(a.shape)
    elif kind == "empty":
        arrays[key] = np.zeros((0,), dtype=a.dtype)
    elif kind == "values" and a.size and a.dtype.kind in "fiu":
        b = a.copy().ravel()
        b[rng.randrange(b.size)] = rng.choice([-1, 2**31 - 1, 0]) if a.dtype.kind in "iu" \
            else rng.choice([np.nan, np.inf, -1e30])
        arrays[key] = b.reshape(a.shape)
    elif kind == "drop":
        del arrays[key]
    else:
        arrays[key] = np.atleast_2d(a)
    np.savez(path, **arrays)
    return f"npz array {key}: {kind}"


def load_target(tmp: Path) -> Callable[[random.Random], str]:
    from topicclf.persist import load

    pristine = tiny_model(tmp / "pristine")

    def run(rng: random.Random) -> str:
        model = tmp / "mutant"
        shutil.rmtree(model, ignore_errors=True)
        shutil.copytree(pristine, model)
        what = rng.choice(("card", "features", "arrays", "arrays", "card-bytes"))
        if what == "card":
            card = json.loads((model / "model-card.json").read_text("utf-8"))
            card, how = _mutate_json(card, rng)
            (model / "model-card.json").write_text(json.dumps(card), "utf-8")
        elif what == "card-bytes":
            data, how = mutate_bytes((model / "model-card.json").read_bytes(), rng)
            (model / "model-card.json").write_bytes(data)
        elif what == "features":
            meta = json.loads((model / "features.json").read_text("utf-8"))
            meta, how = _mutate_json(meta, rng)
            (model / "features.json").write_text(json.dumps(meta), "utf-8")
            _rehash(model, "features.json")
        else:
            how = _mutate_arrays(model / "arrays.npz", rng)
            _rehash(model, "arrays.npz")
        _last_case[0] = f"{what}: {how}"
        if _verbose:
            print(_last_case[0], file=sys.stderr, flush=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tagger = load(model)
            # a model that loads must also tag, or fail with a TopicclfError
            tagger.tag_many(["Attentat terroriste à Kaboul", "The football match"])
        return f"{what}: {how}"

    return run


_last_input: list[bytes] = [b""]
_last_case: list[str] = [""]
_verbose = False


# ------------------------------------------------------------------ driver
def fuzz(seconds: float, targets: tuple[str, ...] = TARGETS, seed: int = 0,
         crashes_dir: str | None = None, stop_at_first: bool = False, start: int = 0,
         progress: str | None = None) -> Stats:
    """Run each target for its share of ``seconds`` in this process; return what happened.

    A case that kills the interpreter (a native crash) ends this function too:
    :func:`isolated` runs it in child processes to survive those.
    """
    import logging

    logging.getLogger("topicclf").setLevel(logging.CRITICAL)
    stats = Stats()
    with tempfile.TemporaryDirectory(prefix="topicclf-fuzz-") as tmp_name:
        tmp = Path(tmp_name)
        share = seconds / len(targets)
        for name in targets:
            work = tmp / name
            work.mkdir()
            run = load_target(work) if name == "load" else read_target(name, work)
            stats.runs[name] = stats.refused[name] = 0
            end, i = time.monotonic() + share, start
            while time.monotonic() < end:
                case_seed = seed * 1_000_003 + i
                i += 1
                if progress:
                    Path(progress).write_text(str(case_seed))
                rng = random.Random(f"{name}:{case_seed}")
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        run(rng)
                except TopicclfError:
                    stats.refused[name] += 1
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as exc:  # noqa: BLE001 - a crash is what we look for
                    crash = Crash(name, case_seed, _describe(name, case_seed),
                                  f"{type(exc).__name__}: {exc}"[:300], traceback.format_exc())
                    stats.crashes.append(crash)
                    _report(crash, work, crashes_dir)
                    if stop_at_first:
                        return stats
                stats.runs[name] += 1
    return stats


def isolated(seconds: float, targets: tuple[str, ...], seed: int,
             crashes_dir: str | None) -> tuple[dict[str, int], int]:
    """Each target in a child process, restarted after a native crash; (runs, crashes)."""
    import subprocess

    runs, crashes = {}, 0
    with tempfile.TemporaryDirectory() as tmp:
        progress = os.path.join(tmp, "case")
        for name in targets:
            end, start, runs[name] = time.monotonic() + seconds / len(targets), 0, 0
            while (left := end - time.monotonic()) > 0.5:
                Path(progress).write_text("")
                child = subprocess.run(
                    [sys.executable, __file__, "--child", "--seconds", f"{left:.2f}",
                     "--target", name, "--seed", str(seed), "--start", str(start),
                     "--progress", progress, *(["--crashes", crashes_dir] if crashes_dir
                                              else [])], stdout=subprocess.PIPE, text=True)
                done = json.loads(child.stdout.splitlines()[-1]) if child.returncode in (0, 1) \
                    and child.stdout.strip() else None
                if done is not None:
                    runs[name] += done["runs"]
                    crashes += done["crashes"]
                    break
                case = Path(progress).read_text() or "?"
                crashes += 1
                print(f"CRASH in {name} (seed {case}): the interpreter died (exit status "
                      f"{child.returncode}), a native crash\n  "
                      f"{_describe(name, case)}\n", file=sys.stderr)
                start = (int(case) - seed * 1_000_003 + 1) if case != "?" else start + 1
                runs[name] += start
    return runs, crashes


def _describe(name: str, case_seed: int) -> str:
    return f"replay: python benchmarks/fuzz.py --replay {name}:{case_seed}"


def _report(crash: Crash, work: Path, crashes_dir: str | None) -> None:
    print(f"CRASH in {crash.target} (seed {crash.seed}): {crash.error}\n  {crash.mutation}\n"
          f"{crash.trace}", file=sys.stderr)
    if crashes_dir:
        out = Path(crashes_dir) / f"{crash.target}-{crash.seed}"
        out.mkdir(parents=True, exist_ok=True)
        if crash.target == "load":
            shutil.copytree(work / "mutant", out / "model", dirs_exist_ok=True)
        else:
            (out / f"input.{crash.target}").write_bytes(_last_input[0])
        (out / "traceback.txt").write_text(crash.trace, "utf-8")


def replay(spec: str) -> None:
    """Re-run one case, ``target:seed``, with its traceback."""
    global _verbose
    name, case_seed = spec.split(":")
    _verbose = True
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run = load_target(work) if name == "load" else read_target(name, work)
        print(run(random.Random(f"{name}:{case_seed}")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="total budget (default 30)")
    parser.add_argument("--target", action="append", choices=TARGETS,
                        help="fuzz only this target; repeatable (default: all)")
    parser.add_argument("--seed", type=int, default=int(time.time()) % 100_000,
                        help="base seed (default: from the clock; printed)")
    parser.add_argument("--crashes", metavar="DIR", help="save crashing inputs here")
    parser.add_argument("--replay", metavar="TARGET:SEED", help="re-run one case and raise")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--progress", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.replay:
        replay(args.replay)
        return 0
    targets = tuple(args.target or TARGETS)
    if args.child:
        stats = fuzz(args.seconds, targets, args.seed, args.crashes, start=args.start,
                     progress=args.progress)
        for name in targets:
            print(f"{name:8} {stats.runs[name]:6d} inputs, {stats.refused[name]:6d} refused "
                  "with TopicclfError", file=sys.stderr)
        print(json.dumps({"runs": sum(stats.runs.values()), "crashes": len(stats.crashes)}))
        return 1 if stats.crashes else 0
    print(f"fuzzing {', '.join(targets)} for {args.seconds:g} s, seed {args.seed}",
          file=sys.stderr)
    runs, crashes = isolated(args.seconds, targets, args.seed, args.crashes)
    if crashes:
        print(f"{crashes} crash(es) in {sum(runs.values())} inputs", file=sys.stderr)
        return 1
    print(f"no crash in {sum(runs.values())} inputs", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
