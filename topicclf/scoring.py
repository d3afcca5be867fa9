"""Score tables of articles in chunks: in this process, in worker processes, or on Dask.

Data flow: :mod:`topicclf.io` streams chunks of text cells → :func:`score_frame`
turns one chunk into output rows with one ``Tagger.tag_many`` call, here or in
workers (:mod:`topicclf.engines`, :mod:`topicclf.dask_engine`) →
:mod:`topicclf.writers` writes them, in input order, to a file that appears
only when complete.  This module reads and writes no data file itself; a
resumable run keeps its state with :mod:`topicclf.checkpoint`.

Ground rule: every input row comes out exactly once, in order, with its id.  A
row that cannot be scored (empty or non-text cell, a row repaired on reading)
keeps its place with empty tags and the reason in ``error``.  The one explicit
opt-out is ``on_error="skip-row"``, which leaves such rows out and logs how many.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from topicclf.checkpoint import Checkpoint, fingerprint
from topicclf.errors import EngineError, InvalidInputError, MissingColumnError, TopicclfError
from topicclf.io import ERROR_COLUMN, detect_format, read_chunks, read_columns
from topicclf.writers import AtomicWriter, check_writable, open_output

__all__ = ["score_frame", "score_file", "ScoreSummary", "EngineError", "layout_for",
           "explain_tags"]

log = logging.getLogger(__name__)

_ON_ERROR = ("mark", "skip-row", "fail")
_HEADS = ("topics", "countries", "regions", "stance")


@dataclass(frozen=True)
class ScoreSummary:
    """What :func:`score_file` did: rows read and written, rows not scored or truncated."""

    rows_read: int = 0
    rows_written: int = 0
    not_scored: int = 0
    truncated: int = 0


@dataclass(frozen=True)
class _Spec:
    """Everything a worker needs to turn a chunk into output rows (picklable)."""

    text_columns: tuple[str, ...]
    id_column: str | None
    keep: tuple[tuple[str, str], ...]  # (input column, output column)
    topic_labels: tuple[str, ...]
    model: dict[str, str]
    layout: str = "flat"
    top_k: int | None = None
    min_score: float | None = None
    explain: int = 0
    max_chars: int = 1_000_000

    @property
    def columns(self) -> list[str]:
        """The output columns, in order."""
        keep = [out for _, out in self.keep]
        extra = ["explanations"] if self.explain else []
        if self.layout == "nested":
            return ["id", *keep, "language", *_HEADS, "model", *extra, "error"]
        return ["id", *keep, "language", "topics", *(f"topic:{t}" for t in self.topic_labels),
                "countries", "regions", "country_names", "region_names", "stance",
                "stance_score", "model", *extra, "error"]


def layout_for(fmt: str) -> str:
    """``"nested"`` (lists and objects, as ``TagResult.to_dict``) for JSON Lines, else ``"flat"``.

    >>> layout_for("jsonl"), layout_for("csv")
    ('nested', 'flat')
    """
    return "nested" if fmt == "jsonl" else "flat"


def _plan(columns: Sequence[str], text_columns: Sequence[str] | None, id_column: str | None,
          keep_columns: Sequence[str] | None, source: str
          ) -> tuple[tuple[str, ...], str | None, tuple[tuple[str, str], ...]]:
    """Check the column options against the input's columns and apply the defaults."""
    columns = [c for c in columns if c != ERROR_COLUMN]
    where = f"(columns: {', '.join(columns) or 'none'})"
    if isinstance(text_columns, str):
        text_columns = [text_columns]
    if not text_columns:
        if "text" not in columns:
            raise MissingColumnError(f"no column 'text' in {source} {where}; pass --text-column "
                                     "with the column(s) holding the article text")
        # a headline column comes first: the model weighs the first line as the headline
        headline = next((c for c in ("title", "headline") if c in columns), None)
        text_columns = [headline, "text"] if headline else ["text"]
    for name in text_columns:
        if name not in columns:
            hint = "text" if "text" in columns else "with one of these"
            raise MissingColumnError(f"column '{name}' not found in {source} {where}; "
                                     f"pass --text-column {hint}")
    if id_column is None and "id" in columns:
        id_column = "id"
    elif id_column is not None and id_column not in columns:
        raise MissingColumnError(f"column '{id_column}' not found in {source} {where}; pass "
                                 "--id-column with one of these, or leave it out to number rows")
    if keep_columns is None:
        keep_columns = [c for c in columns if c != id_column]
    elif isinstance(keep_columns, str):
        raise InvalidInputError(f"keep_columns: expected a list of column names, got the string "
                                f"{keep_columns!r}; wrap it in a list")
    if unknown := [c for c in keep_columns if c not in columns]:
        raise MissingColumnError(f"column '{unknown[0]}' not found in {source} {where}; pass "
                                 "--keep-columns with names from these, or none")
    return tuple(text_columns), id_column, tuple((c, c) for c in keep_columns)


def _check_options(top_k: Any, min_score: Any, explain: Any, max_chars: Any,
                   layout: str = "flat", jobs: Any = 1) -> None:
    if layout not in ("flat", "nested"):
        raise InvalidInputError(f"layout must be 'flat' or 'nested', got {layout!r}")
    for name, value, low in (("top_k", top_k, 1), ("explain", explain, 0),
                             ("max_chars", max_chars, 1), ("jobs", jobs, 1)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < low):
            raise InvalidInputError(f"{name} must be an integer >= {low}, got {value!r}")
    if min_score is not None and not 0.0 <= min_score <= 1.0:
        raise InvalidInputError(f"min_score must be between 0 and 1, got {min_score!r}")


def _make_spec(tagger: Any, columns: Sequence[str], *, text_columns: Sequence[str] | None,
               id_column: str | None, keep_columns: Sequence[str] | None, source: str,
               layout: str, top_k: int | None, min_score: float | None, explain: int,
               max_chars: int) -> _Spec:
    _check_options(top_k, min_score, explain, max_chars, layout)
    texts, id_col, keep = _plan(columns, text_columns, id_column, keep_columns, source)
    spec = _Spec(texts, id_col, (), tuple(tagger.labels_.get("topics", ())),
                 {"name": tagger.name, "version": str(tagger.version)}, layout, top_k,
                 min_score, explain, max_chars)
    renamed = tuple((c, f"input:{c}" if c in spec.columns else c) for c, _ in keep)
    if clash := [c for c, out in renamed if out != c]:
        log.warning("input columns named like output columns are renamed: %s",
                    ", ".join(f"{c} -> input:{c}" for c in clash))
    return _Spec(**{**spec.__dict__, "keep": renamed})


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _row_text(values: Sequence[Any], names: Sequence[str], repaired: Any,
              max_chars: int) -> tuple[str | None, str | None]:
    """The text of one row (``None``: not scored) and its note for the error column."""
    if not _missing(repaired):
        return None, f"not scored: the input row was repaired on reading ({repaired})"
    parts = []
    for name, value in zip(names, values):
        if not _missing(value) and not isinstance(value, str):
            return None, (f"not scored: column '{name}' holds a {type(value).__name__} "
                          f"({value!r:.40}), not text")
        if not _missing(value) and value.strip():
            parts.append(value)
    if not parts:
        shown = ", ".join(f"'{c}'" for c in names)
        return None, f"not scored: empty text in column{'s' * (len(names) > 1)} {shown}"
    text = "\n".join(parts)  # the first column (the title) becomes the headline line
    if len(text) > max_chars:
        return text[:max_chars], (f"text truncated from {len(text):,} to {max_chars:,} "
                                  "characters before scoring")
    return text, None


def explain_tags(tagger: Any, text: str, result: Any, k: int) -> dict[str, dict[str, list]]:
    """The top ``k`` reasons of every tag of ``result``: ``{head: {label: [reason dict]}}``."""
    found = {"topics": result.topics, "countries": result.countries, "regions": result.regions,
             "stance": [result.stance_fine or result.stance] if result.stance else []}
    return {head: {lab.id: [r.to_dict() for r in tagger.explain(text, lab.id, k, head=head)]
                   for lab in labels} for head, labels in found.items() if labels}


def _flat_explanations(found: dict[str, dict[str, list]]) -> str:
    return "; ".join(f"{label}: " + ", ".join(f"{r['phrase']} {r['weight']:+.2f}" for r in rs)
                     for labels in found.values() for label, rs in labels.items())


def _score_chunk(tagger: Any, frame: pd.DataFrame, spec: _Spec, row_offset: int = 0
                 ) -> tuple[pd.DataFrame, np.ndarray]:
    """Output rows of one chunk, and which rows could not be scored (the chunk function)."""
    n = len(frame)
    repaired = frame[ERROR_COLUMN].tolist() if ERROR_COLUMN in frame.columns else [None] * n
    cells = zip(*[frame[c].tolist() for c in spec.text_columns])
    texts, notes = zip(*[_row_text(values, spec.text_columns, note, spec.max_chars)
                         for values, note in zip(cells, repaired)]) if n else ((), ())
    todo = [i for i, t in enumerate(texts) if t is not None]
    results: list[Any] = [None] * n
    if todo:
        for i, r in zip(todo, tagger.tag_many([texts[i] for i in todo], top_k=spec.top_k,
                                              min_score=spec.min_score)):
            results[i] = r
    ids = (frame[spec.id_column].tolist() if spec.id_column
           else np.arange(row_offset + 1, row_offset + n + 1, dtype=np.int64))
    out: dict[str, Any] = {"id": ids}
    for source, name in spec.keep:
        out[name] = frame[source].tolist()
    out["language"] = [r.language if r else None for r in results]
    if spec.layout == "nested":
        empty = {"topics": [], "countries": [], "regions": [], "stance": None}
        rows = [r.to_dict() if r else empty for r in results]
        for head in _HEADS:
            out[head] = [row[head] for row in rows]
        out["model"] = [dict(spec.model) for _ in range(n)]
    else:
        def joined(head: str, attr: str) -> list[str]:
            return ["|".join(getattr(x, attr) for x in getattr(r, head)) if r else ""
                    for r in results]

        out["topics"] = joined("topics", "id")
        for label in spec.topic_labels:
            out[f"topic:{label}"] = np.array([round(r.scores["topics"][label], 4) if r else np.nan
                                              for r in results], dtype=float)
        out["countries"], out["regions"] = joined("countries", "id"), joined("regions", "id")
        out["country_names"] = joined("countries", "name")
        out["region_names"] = joined("regions", "name")
        out["stance"] = [r.stance.id if r and r.stance else None for r in results]
        out["stance_score"] = np.array([round(r.stance.score, 4) if r and r.stance else np.nan
                                        for r in results], dtype=float)
        out["model"] = [f"{spec.model['name']}@{spec.model['version']}"] * n
    if spec.explain:
        found = [explain_tags(tagger, texts[i], r, spec.explain) if r else {}
                 for i, r in enumerate(results)]
        out["explanations"] = found if spec.layout == "nested" else [
            _flat_explanations(f) or None for f in found]
    out["error"] = notes
    failed = np.array([r is None for r in results], dtype=bool)
    # object columns keep None as None (pandas 3 would infer str columns with NaN)
    return pd.DataFrame({k: v if isinstance(v, np.ndarray) else pd.Series(v, dtype=object)
                         for k, v in out.items()}, columns=spec.columns
                        ).set_axis(frame.index), failed


def score_frame(tagger: Any, frame: pd.DataFrame, *, text_columns: Sequence[str] | None = None,
                id_column: str | None = None, keep_columns: Sequence[str] | None = None,
                top_k: int | None = None, min_score: float | None = None, explain: int = 0,
                max_chars: int = 1_000_000, row_offset: int = 0,
                layout: str = "flat") -> pd.DataFrame:
    """Tag every row of ``frame``: one output row per input row, in order.

    Parameters
    ----------
    tagger : Tagger
    frame : pandas.DataFrame
        Articles, e.g. a chunk from :func:`topicclf.io.read_chunks`.
    text_columns : list of str, optional
        Joined with a newline, the first as headline; default ``["text"]``.
    id_column : str, optional
        Default: ``"id"`` if present, else the row number (``row_offset + 1``...).
    keep_columns : list of str, optional
        Passed through; default all but the id column.  Names taken by an
        output column get the prefix ``input:``.
    top_k, min_score
        As in :meth:`Tagger.tag_many`.
    explain : int, default 0
        Top reasons per tag, in an ``explanations`` column.
    max_chars : int, default 1,000,000
        Longer texts are cut to this length, and ``error`` says so.
    row_offset : int, default 0
        Rows before this frame in its file, for the default ids.
    layout : {"flat", "nested"}
        ``flat`` (CSV, TSV, Parquet): labels joined by "|", a ``topic:<id>``
        score column per topic, names and stance score in columns.  ``nested``
        (JSON Lines): the lists and objects of ``TagResult.to_dict``.

    Returns
    -------
    pandas.DataFrame
        ``id``, the kept columns, ``language``, the tags, ``model``, ``error``.
        Rows that cannot be scored have empty tags and the reason in ``error``.

    Raises
    ------
    MissingColumnError, InvalidInputError

    Examples
    --------
    >>> import warnings
    >>> from topicclf import Tagger
    >>> with warnings.catch_warnings(action="ignore"):
    ...     tagger = Tagger(min_df=1, cv=2).fit(["Attentat terroriste", "Terror attack",
    ...         "Match de football", "Football match"] * 3, topics=[["terror"], ["terror"],
    ...         ["sport"], ["sport"]] * 3)
    >>> out = score_frame(tagger, pd.DataFrame({"text": ["Un attentat terroriste", None]}))
    >>> out[["id", "topics", "error"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'id': 1, 'topics': 'terror', 'error': None},
     {'id': 2, 'topics': '', 'error': "not scored: empty text in column 'text'"}]
    """
    spec = _make_spec(tagger, [str(c) for c in frame.columns], text_columns=text_columns,
                      id_column=id_column, keep_columns=keep_columns, source="the frame",
                      layout=layout, top_k=top_k, min_score=min_score, explain=explain,
                      max_chars=max_chars)
    return _score_chunk(tagger, frame, spec, row_offset)[0]


class _Progress:
    """A tqdm bar on stderr: rows done, rows/s, and an ETA estimated from the bytes read."""

    def __init__(self, path: str, fmt: str, enabled: bool | None) -> None:
        from tqdm import tqdm

        compressed = fmt == "parquet" or path.lower().endswith(".gz")
        self.size = os.path.getsize(path) if path != "-" and not compressed else 0
        self.fmt, self.seen, self.rows = fmt, 0, 0
        self.bar = tqdm(unit=" rows", file=sys.stderr, desc="scoring", dynamic_ncols=True,
                        disable=None if enabled is None else not enabled)

    def read(self, frame: pd.DataFrame) -> None:
        self.rows += len(frame)
        for name in frame.columns if self.size else ():
            if name != ERROR_COLUMN:  # text length + separator (JSON Lines: + key and quotes)
                per_row = len(str(name)) + 6 if self.fmt == "jsonl" else 1
                self.seen += sum(map(len, filter(None, frame[name].tolist()))) \
                    + per_row * len(frame)

    def done(self, rows: int) -> None:
        if self.seen:
            self.bar.total = max(self.rows, round(self.rows * self.size / self.seen))
        self.bar.update(rows)


def score_file(model: Any, input: str, output: str = "-", *, input_format: str | None = None,
               output_format: str | None = None, encoding: str | None = None,
               text_columns: Sequence[str] | None = None, id_column: str | None = None,
               keep_columns: Sequence[str] | None = None, top_k: int | None = None,
               min_score: float | None = None, explain: int = 0, max_chars: int = 1_000_000,
               chunk_size: int = 1000, jobs: int = 1, engine: str = "local",
               scheduler: str | None = None, on_error: str = "mark",
               progress: bool | None = None, resume: bool = False) -> ScoreSummary:
    """Tag a data file chunk by chunk; write its rows, in order, as chunks finish.

    Options, the input's header, the output location and the model are all
    checked before any row is read.  The output appears only when complete.

    Parameters
    ----------
    model : Tagger, path or None
        A tagger, a model directory, or ``None`` for the shipped model.
    input, output : str
        Files (CSV, TSV, JSON Lines, Parquet by extension) or ``-``.  With
        ``engine="dask"``, the input may also be a directory or a glob of files
        with the same columns and the output a directory (an existing one, or a
        path ending in ``/``): see :mod:`topicclf.dask_engine`.
    input_format, output_format, encoding
        As in :func:`topicclf.io.read_chunks` and :func:`topicclf.writers.open_output`.
    text_columns, id_column, keep_columns, top_k, min_score, explain, max_chars
        As in :func:`score_frame`; JSON Lines output gets the nested layout.
    chunk_size : int, default 1000
        Rows scored at a time (one ``tag_many`` call each).
    jobs : int, default 1
        Worker processes (or local Dask workers), each receiving the model once.
    engine : {"local", "dask"}
        ``dask`` (``pip install 'topicclf[dask]'``): for one input file, this
        process streams the chunks and the cluster scores them with the same
        chunk function; for partitioned files, the workers read, score and
        write them, one partition per input file.
    scheduler : str, optional
        Address of a running Dask scheduler; default: a local cluster.
    on_error : {"mark", "skip-row", "fail"}
        Rows that cannot be scored are kept with the reason in ``error``; or
        left out, counted in a warning (the one exception to "every row comes
        out"); or stop the run, writing nothing.
    progress : bool, optional
        A progress bar on stderr; by default when stderr is a terminal.
    resume : bool, default False
        Write through a stable partial file ``.<name>.partial`` and its
        checkpoint ``.<name>.partial.json`` (the chunks done), kept if the run
        is interrupted; if they are there from an interrupted run with the same
        input, model and options, continue after its last complete chunk.  The
        result is the file an uninterrupted run writes, byte for byte.  Needs
        an input file and a CSV, TSV or JSON Lines output file (not ``.gz``).

    Raises
    ------
    DataFileError, MissingColumnError, ModelFileError, OutputError, InvalidInputError, EngineError
    """
    if on_error not in _ON_ERROR:
        raise InvalidInputError(f"on_error must be one of {', '.join(_ON_ERROR)}; got {on_error!r}")
    if engine not in ("local", "dask"):
        raise InvalidInputError(f"engine must be 'local' or 'dask', got {engine!r}")
    if scheduler and engine != "dask":
        raise InvalidInputError("a Dask scheduler is only used by the dask engine; "
                                "add --engine dask")
    _check_options(top_k, min_score, explain, max_chars, jobs=jobs)
    from topicclf.dask_engine import is_partitioned

    if is_partitioned(input, output):
        if engine != "dask":
            raise InvalidInputError(f"'{input}' -> '{output}': a directory or a glob of files "
                                    "is scored by the Dask engine; add --engine dask")
        if resume:
            raise InvalidInputError("--resume works on one output file; a partitioned run "
                                    "writes its output directory only when complete")
        from topicclf.dask_engine import score_partitioned

        return score_partitioned(
            _load(model), input, output, input_format=input_format, output_format=output_format,
            encoding=encoding, chunk_size=chunk_size, jobs=jobs, scheduler=scheduler,
            on_error=on_error, progress=progress, text_columns=text_columns,
            id_column=id_column, keep_columns=keep_columns, top_k=top_k, min_score=min_score,
            explain=explain, max_chars=max_chars)
    in_fmt = detect_format(input, input_format)
    out_fmt = detect_format(output, output_format, option="--output-format")
    if resume:
        Checkpoint.check(input, output, out_fmt)
    source = "<stdin>" if input == "-" else input
    columns = read_columns(input, format=in_fmt, encoding=encoding)
    _plan(columns, text_columns, id_column, keep_columns, source)
    check_writable(output)
    tagger = _load(model)
    spec = _make_spec(tagger, columns, text_columns=text_columns, id_column=id_column,
                      keep_columns=keep_columns, source=source, layout=layout_for(out_fmt),
                      top_k=top_k, min_score=min_score, explain=explain, max_chars=max_chars)
    checkpoint = (Checkpoint(input, output, fingerprint(
        tagger, input, spec, chunk_size=chunk_size, on_error=on_error, in_fmt=in_fmt,
        out_fmt=out_fmt, encoding=encoding)) if resume else None)
    done = checkpoint.load() if checkpoint else {}
    if checkpoint and not done:
        checkpoint.clear(partial=False)  # a stale checkpoint must not outlive a fresh start
    chunks = read_chunks(input, format=in_fmt, chunk_size=chunk_size, encoding=encoding)
    n, skip = 0, done.get("rows_read", 0)
    written, failed_rows, truncated = (done.get(k, 0) for k in ("rows_written", "not_scored",
                                                                  "truncated"))

    def numbered(bar: _Progress) -> Iterator[tuple[pd.DataFrame, int]]:
        nonlocal n
        for frame in chunks:
            if n < skip:  # scored by the interrupted run: read again, not scored again
                n += len(frame)
                continue
            bar.read(frame)
            yield frame, n
            n += len(frame)

    from topicclf.engines import local_engine, ordered

    if engine == "dask":
        from topicclf.dask_engine import dask_engine

        runner = dask_engine(tagger, jobs, scheduler)
    else:
        runner = local_engine(tagger, jobs)
    bar: _Progress | None = None
    writer = (AtomicWriter(output, format=out_fmt, columns_order=spec.columns,
                           partial_path=checkpoint.partial, keep_partial=True,
                           resume_at=done.get("bytes")) if checkpoint
              else open_output(output, format=out_fmt, columns_order=spec.columns))
    try:
        with runner as (submit, window), writer as out:
            bar = _Progress(input, in_fmt, progress)
            for offset, (rows, failed) in ordered(submit, numbered(bar), spec, window):
                errors = rows["error"].to_numpy(dtype=object)
                failed_rows += int(failed.sum())
                truncated += sum(e is not None and not f for e, f in zip(errors, failed))
                if failed.any() and on_error == "fail":
                    i = int(np.argmax(failed))
                    raise InvalidInputError(
                        f"row {offset + i + 1} (id {rows['id'].iloc[i]!r}) cannot be scored: "
                        f"{str(errors[i]).removeprefix('not scored: ')}; pass --on-error mark "
                        "to keep such rows with the reason, or --on-error skip-row to leave "
                        "them out")
                kept = rows[~failed] if on_error == "skip-row" else rows
                out.write(kept)
                written += len(kept)
                bar.done(len(rows))
                if checkpoint:
                    checkpoint.save(rows_read=offset + len(rows), rows_written=written,
                                    not_scored=failed_rows, truncated=truncated)
            bar.bar.total = bar.bar.n  # the estimate gives way to the count
    except TopicclfError as exc:
        # a failed run leaves nothing to resume, unlike an interrupted one or a dead worker
        if checkpoint and not isinstance(exc, EngineError):
            checkpoint.clear(partial=True)
        raise
    finally:
        if bar is not None:
            bar.bar.close()
    if checkpoint:
        checkpoint.clear(partial=False)
    return log_summary(ScoreSummary(n, written, failed_rows, truncated), on_error, max_chars)


def log_summary(summary: ScoreSummary, on_error: str, max_chars: int) -> ScoreSummary:
    """Warn about the rows left out, not scored or cut; return ``summary``."""
    n, failed, truncated = summary.rows_read, summary.not_scored, summary.truncated
    if failed and on_error == "skip-row":
        log.warning("left out %d of %d rows that could not be scored (--on-error skip-row)",
                    failed, n)
    elif failed:
        log.warning("%d of %d rows could not be scored; their error column says why", failed, n)
    if truncated:
        log.warning("%d of %d rows had texts longer than %d characters, cut before scoring; "
                    "their error column says so", truncated, n, max_chars)
    return summary


def _load(model: Any) -> Any:
    from topicclf.model import Tagger
    from topicclf.persist import load

    return model if isinstance(model, Tagger) else load(model)
