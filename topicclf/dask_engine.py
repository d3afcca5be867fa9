"""Scoring on a Dask cluster: streamed chunks, dask DataFrames, partitioned files.

Three ways in, one chunk function (:func:`topicclf.scoring._score_chunk`):

* :func:`dask_engine` — ``score_file(..., engine="dask")`` on one input file
  and one output file: this process streams the chunks, the cluster scores
  them, the rows are written here in order;
* :func:`score_dataframe` — a lazy ``dask.dataframe`` of output rows from a
  dask DataFrame of articles, one output partition per input partition;
* :func:`score_partitioned` — ``score_file(..., engine="dask")`` when the
  input is a directory or a glob of files, or the output a directory: each
  input file is one partition of a dask DataFrame read on the workers by
  :func:`topicclf.io.read_chunks` (so every guarantee of the local reader
  holds: encodings, ragged rows marked, nothing lost), scored there, and
  written there as one part file of the output directory, which appears only
  when every part is complete.

With a ``--scheduler`` on other machines, input and output paths must be on
a file system that every worker sees.  Needs the ``dask`` extra
(``pip install 'topicclf[dask]'``).
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from topicclf.errors import EngineError, InvalidInputError, MissingColumnError, OutputError
from topicclf.io import ERROR_COLUMN, FORMATS, detect_format, read_chunks, read_columns
from topicclf.writers import check_writable, open_output

__all__ = ["dask_client", "is_partitioned", "input_files", "score_dataframe",
           "score_partitioned"]

log = logging.getLogger(__name__)

_GLOB = set("*?[")


def is_partitioned(input: str, output: str) -> bool:
    """Whether ``input`` is a directory or glob, or ``output`` a directory (existing or
    written with a trailing separator)."""
    return _is_many(input) or _is_directory(output)


def _is_directory(output: str) -> bool:
    """An existing directory, or a path written with a trailing separator."""
    return output != "-" and (os.path.isdir(output) or output.endswith(("/", os.sep)))


def _is_many(input: str) -> bool:
    """A directory, or a glob pattern that is not itself the name of a file."""
    return input != "-" and (os.path.isdir(input)
                             or bool(_GLOB & set(input)) and not os.path.exists(input))


def input_files(input: str) -> list[str]:
    """The data files of a partitioned input, sorted: a directory's files or a
    glob's matches, without hidden files, names starting with ``_`` (such as
    ``_SUCCESS`` markers) and unknown extensions.

    Raises
    ------
    InvalidInputError
        If nothing matches.
    """
    found = ([os.path.join(input, n) for n in os.listdir(input)] if os.path.isdir(input)
             else glob.glob(input))
    files = sorted(f for f in found if os.path.isfile(f)
                   and not os.path.basename(f).startswith((".", "_"))
                   and _known(os.path.basename(f)))
    if not files:
        raise InvalidInputError(f"no data files in '{input}' (accepted extensions: "
                                f"{', '.join(FORMATS)}, text formats optionally .gz)")
    return files


def _known(name: str) -> bool:
    try:
        detect_format(name)
    except InvalidInputError:
        return False
    return True


@contextmanager
def dask_client(jobs: int, scheduler: str | None) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``jobs`` workers."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError("--engine dask needs Dask, an optional extra: "
                          "pip install 'topicclf[dask]'") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError, RuntimeError) as exc:  # a nanny that fails
        if cluster is not None:                                        # to start: RuntimeError
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise EngineError(f"cannot connect to {where}: {exc}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


@contextmanager
def dask_engine(tagger: Any, jobs: int, scheduler: str | None) -> Iterator[tuple[Any, int]]:
    """``(submit, window)`` for :func:`topicclf.scoring.score_file`'s streamed chunks."""
    from topicclf.scoring import _score_chunk

    with dask_client(jobs, scheduler) as client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        model = client.scatter(tagger, broadcast=True)  # sent once, kept by every worker

        def submit(frame: pd.DataFrame, spec: Any, offset: int) -> Any:
            return client.submit(_score_chunk, model, client.scatter(frame), spec, offset,
                                 pure=False)

        yield submit, 2 * workers


# ------------------------------------------------------------ dask DataFrames
def _score_partition(frame: pd.DataFrame, tagger: Any, spec: Any, offset: int,
                     chunk_size: int) -> pd.DataFrame:
    """The chunk function over one partition, ``chunk_size`` rows at a time; the
    default ids start after ``offset`` rows."""
    from topicclf.scoring import _score_chunk

    if ERROR_COLUMN not in frame.columns:
        frame = frame.assign(**{ERROR_COLUMN: pd.Series(None, index=frame.index, dtype=object)})
    parts = [_score_chunk(tagger, frame.iloc[a:a + chunk_size], spec, offset + a)[0]
             for a in range(0, len(frame), chunk_size)]
    if not parts:
        return _score_chunk(tagger, frame, spec, offset)[0]
    return pd.concat(parts).set_axis(frame.index)


def score_dataframe(tagger: Any, ddf: Any, *, text_columns: Sequence[str] | None = None,
                    id_column: str | None = None, keep_columns: Sequence[str] | None = None,
                    top_k: int | None = None, min_score: float | None = None, explain: int = 0,
                    max_chars: int = 1_000_000, layout: str = "flat",
                    chunk_size: int = 1000) -> Any:
    """Tag every row of a dask DataFrame: a lazy dask DataFrame of output rows.

    The output has the columns of :func:`topicclf.scoring.score_frame` and the
    same rows, partition by partition, in order.  Without an id column the
    rows are numbered 1, 2, ... across partitions, which costs one pass to
    count each partition's rows; each output partition carries its own
    numbers, so a slice of the result (``.partitions[i]``, ``.tail()``) keeps
    them.  The model travels to each worker once.

    Examples
    --------
    >>> import dask.dataframe as dd, warnings
    >>> from topicclf import Tagger
    >>> with warnings.catch_warnings(action="ignore"):
    ...     tagger = Tagger(min_df=1, cv=2).fit(["Attentat terroriste", "Terror attack",
    ...         "Match de football", "Football match"] * 3, topics=[["terror"], ["terror"],
    ...         ["sport"], ["sport"]] * 3)
    >>> articles = dd.from_pandas(pd.DataFrame({"text": ["Un attentat", "Le match", None]}),
    ...                           npartitions=2)
    >>> out = score_dataframe(tagger, articles).compute(scheduler="sync")
    >>> out[["id", "topics"]].to_dict("records")
    [{'id': 1, 'topics': 'terror'}, {'id': 2, 'topics': 'sport'}, {'id': 3, 'topics': ''}]
    """
    import dask
    import dask.dataframe as dd

    from topicclf.scoring import _make_spec, _score_chunk

    columns = [str(c) for c in ddf.columns]
    spec = _make_spec(tagger, columns, text_columns=text_columns, id_column=id_column,
                      keep_columns=keep_columns, source="the dask DataFrame", layout=layout,
                      top_k=top_k, min_score=min_score, explain=explain, max_chars=max_chars)
    parts = ddf.to_delayed()
    offsets = [0] * len(parts)
    if spec.id_column is None:
        lengths = dask.compute(*[dask.delayed(len)(p) for p in parts])
        offsets = np.r_[0, np.cumsum(lengths)[:-1]].astype(int).tolist()
    empty = ddf._meta
    if ERROR_COLUMN not in empty.columns:
        empty = empty.assign(**{ERROR_COLUMN: pd.Series([], dtype=object)})
    meta = _score_chunk(tagger, empty, spec, 0)[0]
    model = _model_on_cluster(tagger)
    score = dask.delayed(_score_partition, pure=True)
    # object columns stay object columns (None stays None), as in score_frame's output
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_delayed([score(p, model, spec, off, chunk_size)
                                for p, off in zip(parts, offsets)],
                               meta=meta, divisions=ddf.divisions, verify_meta=False)


def _identity(value: Any) -> Any:
    return value


def _model_on_cluster(tagger: Any) -> Any:
    """The tagger as one key of the task graph, never a copy per task: scattered to
    every worker when a distributed client is active, else a delayed literal."""
    import dask

    try:
        from distributed import get_client

        future = get_client().scatter(tagger, broadcast=True)
    except (ImportError, ValueError):  # no distributed, or no client: local schedulers
        return dask.delayed(tagger, pure=False)
    return dask.delayed(_identity, pure=True)(future)


# ----------------------------------------------------------- partitioned files
def _read_file(path: str, fmt: str, encoding: str | None) -> pd.DataFrame:
    return pd.concat(list(read_chunks(path, format=fmt, chunk_size=10_000, encoding=encoding)),
                     ignore_index=True)


def _check_columns(files: list[str], fmt: str, encoding: str | None) -> list[str]:
    first = read_columns(files[0], format=fmt, encoding=encoding)
    for path in files[1:]:
        other = read_columns(path, format=fmt, encoding=encoding)
        if other != first:
            raise MissingColumnError(f"the files of a partitioned input must have the same "
                                     f"columns: '{files[0]}' has {', '.join(first)}; '{path}' "
                                     f"has {', '.join(other)}")
    return first


def _part_names(files: list[str], out_fmt: str) -> list[str]:
    """An output part per input file, named after it (``2024-01.csv`` → ``2024-01.parquet``)."""
    stems = [os.path.basename(f).removesuffix(".gz") for f in files]
    stems = [os.path.splitext(s)[0] for s in stems]
    if len(set(stems)) < len(stems):  # same names in several directories
        stems = [f"part-{i:05d}-{s}" for i, s in enumerate(stems)]
    return [f"{s}.{out_fmt}" for s in stems]  # each format's name is its extension


def _write_part(rows: pd.DataFrame, path: str | None, out_fmt: str, columns: list[str],
                on_error: str) -> tuple[pd.DataFrame | None, dict[str, int]]:
    """Apply ``on_error`` to one scored partition; write it to ``path`` (or return it)."""
    from topicclf.scoring import _missing

    failed = rows["language"].isna().to_numpy() if len(rows) else np.zeros(0, dtype=bool)
    errors = rows["error"].to_numpy(dtype=object)
    counts = {"rows_read": len(rows), "not_scored": int(failed.sum()),
              "truncated": int(sum(not _missing(e) and not f for e, f in zip(errors, failed)))}
    if failed.any() and on_error == "fail":
        i = int(np.argmax(failed))
        raise InvalidInputError(
            f"row id {rows['id'].iloc[i]!r} cannot be scored: "
            f"{str(errors[i]).removeprefix('not scored: ')}; pass --on-error mark to keep such "
            "rows with the reason, or --on-error skip-row to leave them out")
    kept = rows[~failed] if on_error == "skip-row" else rows
    counts["rows_written"] = len(kept)
    if path is None:
        return kept, counts
    with open_output(path, format=out_fmt, columns_order=columns) as out:
        out.write(kept)
    return None, counts


def score_partitioned(tagger: Any, input: str, output: str, *, input_format: str | None,
                      output_format: str | None, encoding: str | None, chunk_size: int,
                      jobs: int, scheduler: str | None, on_error: str, progress: bool | None,
                      **options: Any) -> Any:
    """:func:`topicclf.scoring.score_file` for partitioned inputs or outputs, on Dask.

    ``options`` are the column and tagging options of ``score_file``.
    """
    import dask
    import dask.dataframe as dd

    from topicclf.scoring import ScoreSummary, _plan, layout_for, log_summary

    files = input_files(input) if _is_many(input) else [input]
    if files == ["-"]:
        raise InvalidInputError("a partitioned output needs input files, not stdin")
    formats = {f: detect_format(f, input_format) for f in files}
    if len(set(formats.values())) > 1:
        raise InvalidInputError(
            f"the files of '{input}' are in several formats ("
            + ", ".join(sorted({f"{fmt}: {os.path.basename(f)}" for f, fmt in formats.items()}))
            + "); score one format at a time, e.g. with a glob such as 'dir/*.csv'")
    in_fmt = formats[files[0]]
    to_dir = _is_directory(output)
    out_fmt = (detect_format(output, output_format, option="--output-format") if not to_dir
               else detect_format("x", output_format, option="--output-format")
               if output_format else in_fmt)
    columns = _check_columns(files, in_fmt, encoding)
    _plan(columns, options.get("text_columns"), options.get("id_column"),
          options.get("keep_columns"), f"'{files[0]}'")
    target = output.rstrip("/" + os.sep) if to_dir else output
    if to_dir:
        _check_directory_output(target, files)
    else:
        check_writable(output)
    meta = pd.DataFrame({c: pd.Series([], dtype=object) for c in [*columns, ERROR_COLUMN]})
    ddf = dd.from_map(_read_file, files, fmt=in_fmt, encoding=encoding, meta=meta,
                      label="topicclf-read")
    with dask_client(jobs, scheduler) as client:
        scored = score_dataframe(tagger, ddf, layout=layout_for(out_fmt), chunk_size=chunk_size,
                                 **options)
        spec_columns = list(scored.columns)
        parts = scored.to_delayed()
        write = dask.delayed(_write_part, pure=False)
        bar = _bar(len(files), progress)
        try:
            if to_dir:
                staging = _staging_dir(target)
                try:
                    names = _part_names(files, out_fmt)
                    futures = client.compute([write(p, os.path.join(staging, n), out_fmt,
                                                    spec_columns, on_error)
                                              for p, n in zip(parts, names)])
                    results = []
                    for f in futures:
                        results.append(f.result())
                        bar.update(1)
                    _publish(staging, target)
                except BaseException:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
            else:
                results = []
                window = max(1, len(client.scheduler_info().get("workers", {})))
                pending: deque[Any] = deque()
                with open_output(output, format=out_fmt, columns_order=spec_columns) as out:
                    for part in [*parts, None]:  # in order, a few partitions in flight
                        if part is not None:
                            pending.append(client.compute(
                                write(part, None, out_fmt, spec_columns, on_error)))
                        while pending and (len(pending) > window or part is None):
                            kept, counts = pending.popleft().result()
                            out.write(kept)
                            results.append((None, counts))
                            bar.update(1)
        finally:
            bar.close()
    totals = {k: sum(c[k] for _, c in results) for k in
              ("rows_read", "rows_written", "not_scored", "truncated")}
    return log_summary(ScoreSummary(**totals), on_error, options.get("max_chars", 1_000_000))


def _bar(total: int, enabled: bool | None) -> Any:
    import sys

    from tqdm import tqdm

    return tqdm(total=total, unit=" files", file=sys.stderr, desc="scoring",
                disable=None if enabled is None else not enabled)


#: Written into every output directory; only a directory holding it is replaced.
MARKER = ".topicclf-output"


def _check_directory_output(target: str, files: Sequence[str]) -> None:
    """Refuse an output directory that cannot be written, that holds or lies in
    an input file's directory, or that exists and was not written by topicclf."""
    parent = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(parent):
        raise OutputError(f"cannot write output '{target}': directory "
                          f"'{os.path.dirname(target) or '.'}' does not exist")
    if os.path.exists(target) and not os.path.isdir(target):
        raise OutputError(f"cannot write output directory '{target}': a file has that name")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write output '{target}': '{parent}' is not writable")
    out = os.path.realpath(target)
    for path in files:
        folder = os.path.dirname(os.path.realpath(path))
        if folder == out or folder.startswith(out + os.sep) or out.startswith(folder + os.sep):
            raise OutputError(f"output directory '{target}' would hold or lie inside the input "
                              f"directory '{os.path.dirname(path) or '.'}'; choose another one")
    if os.path.isdir(target) and os.listdir(target) and not os.path.isfile(
            os.path.join(target, MARKER)):
        raise OutputError(f"output directory '{target}' exists and was not written by topicclf "
                          f"(no {MARKER} file); refusing to replace it: choose a new or empty "
                          "directory")


def _staging_dir(target: str) -> str:
    head, name = os.path.split(os.path.abspath(target))
    staging = os.path.join(head, f".{name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    os.mkdir(staging)
    with open(os.path.join(staging, MARKER), "w", encoding="utf-8") as fh:
        fh.write("written by topicclf score --engine dask; the directory is replaced whole "
                 "by the next run that writes here\n")
    return staging


def _publish(staging: str, target: str) -> None:
    """Put the complete directory in place; an older one is replaced only then,
    and put back if the new one cannot take its place."""
    old = None
    if os.path.exists(target):
        old = f"{staging}.old"
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except OSError:
        if old:
            os.replace(old, target)
        raise
    if old:
        shutil.rmtree(old, ignore_errors=True)
    log.info("wrote %s", target)
