"""Reliability of the scoring path: generated hostile inputs, size limits, thread safety.

The promise checked here (see docs/reliability.md): a run of
:func:`topicclf.scoring.score_file` either writes exactly one output row per input
row, in order, with its id, or fails with a one-line ``TopicclfError`` before
writing anything.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from topicclf.errors import TopicclfError
from topicclf.persist import load
from topicclf.scoring import score_file

# Characters that break naive readers: RTL text and marks, emoji (astral plane),
# combining marks, quotes, separators, line ends of every kind, BOM, NUL.
NASTY = ["\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627", "\u200f", "\u202e",
         "\U0001f4a3", "\U0001f1eb\U0001f1f7", "e\u0301", "\u0301", "\u0308\u0308", '"', "'",
         ",", "\t", "\n", "\r", "\r\n", "\u2028", "\u0085", "\ufeff", "\x00", " ", "\xa0",
         "Attentat terroriste", "football match", "\\", "{", "}", "\x1a"]
texts = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), max_size=8).map("".join)
# a text cell: a string, empty or blank, or (JSON Lines only) a number, a boolean, null, missing
cells = st.one_of(texts, st.sampled_from(["", " ", "\t \n", "Attentat terroriste à Kaboul"]))
json_cells = st.one_of(cells, st.integers(), st.floats(allow_nan=False), st.booleans(),
                       st.none(), st.just(MISSING := object()))
ids = st.one_of(st.sampled_from(["1", "1", "007", "a,b", 'q"q', "x y", "  "]),
                st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                        max_size=6))


@pytest.fixture(scope="module")
def loaded(tiny_tagger, tmp_path_factory):
    """The session's tiny model, saved once and loaded back as a user would."""
    path = tmp_path_factory.mktemp("model") / "tiny"
    tiny_tagger.save(path)
    return load(path)


def _csv_bytes(rows: list[tuple[str, str]], sep: str, eol: str, quote_all: bool) -> str:
    def field(value: str) -> str:
        if quote_all or any(c in value for c in (sep, '"', "\r", "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return eol.join(sep.join(field(v) for v in row) for row in [("id", "text"), *rows]) + eol


def _encode(text: str, encoding: str) -> bytes:
    return {"utf-8": text.encode("utf-8"), "utf-8-bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
            "utf-16": text.encode("utf-16")}[encoding]


def _output_ids(path: str, fmt: str) -> list[tuple[str, str | None]]:
    """(id, error) of every row of an output file, read without pandas."""
    with open(path, encoding="utf-8", newline="") as fh:
        data = fh.read()
    if fmt == "jsonl":
        rows = [json.loads(line) for line in data.split("\n") if line]
        return [(r["id"], r["error"]) for r in rows]
    rows = list(csv.DictReader(io.StringIO(data, newline=""),
                               delimiter="\t" if fmt == "tsv" else ","))
    return [(r["id"], r["error"] or None) for r in rows]


def _check_run(tagger, data: bytes, fmt: str, expected: list[tuple[str, str | None]],
               out_fmt: str) -> None:
    """Score ``data``; check one row out per row in, in order, ids intact, or a clean failure.

    ``expected`` holds (id, text) per input row; text ``None`` means not text or missing.
    """
    with tempfile.TemporaryDirectory() as tmp:
        source, target = os.path.join(tmp, f"in.{fmt}"), os.path.join(tmp, f"out.{out_fmt}")
        with open(source, "wb") as fh:
            fh.write(data)
        try:
            summary = score_file(tagger, source, target)
        except TopicclfError as exc:  # allowed: a one-line message, and nothing written
            assert "\n" not in str(exc) and str(exc)
            assert sorted(os.listdir(tmp)) == [f"in.{fmt}"]
            return
        got = _output_ids(target, out_fmt)
        assert sorted(os.listdir(tmp)) == sorted([f"in.{fmt}", f"out.{out_fmt}"])
    assert summary.rows_read == summary.rows_written == len(expected)
    assert [i for i, _ in got] == [i.replace("\x00", "") for i, _ in expected]
    for (_, text), (_, error) in zip(expected, got):
        if text is not None and "\x00" in text:
            assert error.startswith("not scored: the input row was repaired"), error
        elif text is not None and not text.strip():
            assert error.startswith("not scored: empty text"), error
        elif text is not None:
            assert error is None, error


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(ids, cells), max_size=12),
       sep=st.sampled_from([",", "\t"]), eol=st.sampled_from(["\n", "\r\n", "\r"]),
       quote_all=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-bom", "utf-16"]),
       out_fmt=st.sampled_from(["csv", "jsonl"]))
@example(rows=[("1", "a\x00b"), ("1", ""), ("\u05e9", "e\u0301\r\n\"x\""), ("2", " \t")],
         sep=",", eol="\r", quote_all=False, encoding="utf-8-bom", out_fmt="csv")
def test_generated_csv_and_tsv_keep_every_row_and_id(loaded, rows, sep, eol, quote_all,
                                                      encoding, out_fmt):
    fmt = "tsv" if sep == "\t" else "csv"
    data = _encode(_csv_bytes(rows, sep, eol, quote_all), encoding)
    _check_run(loaded, data, fmt, rows, out_fmt)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.tuples(ids, json_cells), max_size=12),
       eol=st.sampled_from(["\n", "\r\n", "\r"]), bom=st.booleans(),
       ascii_only=st.booleans(), out_fmt=st.sampled_from(["jsonl", "csv"]))
@example(rows=[("1", 3), ("1", True), ("2", None), ("3", MISSING), ("4", "\x00")], eol="\r",
         bom=True, ascii_only=False, out_fmt="jsonl")
def test_generated_json_lines_keep_every_row_and_id(loaded, rows, eol, bom, ascii_only,
                                                    out_fmt):
    lines, expected = [], []
    for i, value in rows:
        obj = {"id": i} if value is MISSING else {"id": i, "text": value}
        lines.append(json.dumps(obj, ensure_ascii=ascii_only))
        text = value if isinstance(value, str) else None
        # numbers and booleans are read as their JSON text, and scored as such
        if isinstance(value, (bool, int, float)) and not isinstance(value, str):
            text = json.dumps(value)
        expected.append((i, text))
    if not any(v is not MISSING for _, v in rows):
        lines.insert(0, json.dumps({"id": "header", "text": "Attentat"}))
        expected.insert(0, ("header", "Attentat"))
    data = ((b"\xef\xbb\xbf" if bom else b"")
            + (eol.join(lines) + eol).encode("utf-8"))
    _check_run(loaded, data, "jsonl", expected, out_fmt)


def test_a_10_mb_field_is_cut_to_the_default_limit_and_scored(loaded, tmp_path):
    big = ("Attentat terroriste revendiqué à Kaboul. " * 250_000)[:10_000_000]
    source = tmp_path / "in.csv"
    with open(source, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([("id", "text"), ("before", "The football club wins"),
                                  ("big", big), ("after", "Visite officielle du ministre")])
    summary = score_file(loaded, str(source), str(tmp_path / "out.jsonl"))
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["before", "big", "after"]
    assert rows[1]["error"] == ("text truncated from 10,000,000 to 1,000,000 characters "
                                "before scoring")
    assert [t["id"] for t in rows[1]["topics"]] == ["terrorism"]  # still scored
    assert rows[1]["language"] == "fr"
    assert (summary.truncated, summary.not_scored) == (1, 0)
    assert rows[0]["error"] is None and rows[2]["error"] is None


def test_max_chars_option_cuts_and_notes_each_long_text(loaded, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,Attentat terroriste à Kaboul\n2,Tennis\n", encoding="utf-8")
    score_file(loaded, str(source), str(tmp_path / "out.csv"), max_chars=10)
    got = _output_ids(str(tmp_path / "out.csv"), "csv")
    assert got == [("1", "text truncated from 28 to 10 characters before scoring"),
                   ("2", None)]


# ------------------------------------------------------------ thread safety
THREAD_TEXTS = [
    "Attentat terroriste revendiqué à Kaboul, la police visée",
    "The football club wins the match with a late goal",
    "Le ministre reçoit son homologue pakistanais pour une visite officielle",
    "Tennis : la joueuse remporte le tournoi",
    "Terror attack in Paris and Moscow, the embassy of France closed",
    "",
]


def _signature(results) -> list:
    return [(r.to_dict(), {h: dict(s) for h, s in r.scores.items()}) for r in results]


def test_tag_many_from_four_threads_matches_sequential_calls(tiny_tagger):
    # each batch has its own mix of new words, so the threads fill the caches together
    batches = [[f"{t} {k} mot{k * 7 + j} word{j}" for j, t in enumerate(THREAD_TEXTS)]
               for k in range(16)]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):  # several rounds: cold caches, then warm ones
            threaded = list(pool.map(lambda b: _signature(tiny_tagger.tag_many(b)), batches))
            sequential = [_signature(tiny_tagger.tag_many(b)) for b in batches]
            assert threaded == sequential
    assert threaded[0][0][0]["topics"][0]["id"] == "terrorism"


# ------------------------------------------------------- hostile model files
class _Payload:
    """Unpickling this creates the file ``marker``: proof that code from the model ran."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("name", ["features.json", "model-card.json"])
def test_a_pickle_in_features_or_card_is_refused_and_never_run(tiny_tagger, tmp_path, name):
    import hashlib
    import pickle

    from topicclf.errors import ModelFileError

    model, marker = tiny_tagger.save(tmp_path / "model"), tmp_path / "pwned"
    payload = pickle.dumps(_Payload(str(marker)))
    assert b"open" in payload  # a real payload: unpickling it would create the marker
    (model / name).write_bytes(payload)
    if name == "features.json":  # with a matching hash, so that only its content is judged
        card = json.loads((model / "model-card.json").read_text())
        card["files"][name] = hashlib.sha256(payload).hexdigest()
        (model / "model-card.json").write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match="not (valid JSON|a readable topicclf model)"):
        load(model)
    assert not marker.exists()
