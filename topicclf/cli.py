"""The ``topicclf`` command: parse the arguments, call the library, report its errors.

No ML here.  Library errors (:class:`~topicclf.errors.TopicclfError`) become one
line ``topicclf: error: ...`` and exit status 1; Ctrl-C exits 130 and SIGTERM
143, after the output writer has removed its partial file.  Any other exception
is a bug and keeps its traceback.  Logs and the progress bar go to stderr, data
to stdout or the output file.

To add a command, write ``def _name(args) -> int`` whose docstring is its help
(ending with an example), an ``_name_arguments(parser)`` function, and list
both in :data:`COMMANDS`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from topicclf._version import __version__
from topicclf.cli_retrain import RETRAIN_COMMANDS
from topicclf.errors import InvalidInputError, TopicclfError

__all__ = ["main", "build_parser", "COMMANDS"]

log = logging.getLogger("topicclf")


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that ``with`` blocks clean up."""


# ----------------------------------------------------------------- score
def _score(args: argparse.Namespace) -> int:
    """Tag every row of a table of articles and write the rows with their tags.

    INPUT and OUTPUT are CSV, TSV, JSON Lines or Parquet, told by their extension
    (or --input-format/--output-format); '-' is stdin/stdout (CSV by default).
    Every input row comes out once, in order, with its id: rows that cannot be
    scored keep their place with the reason in the 'error' column.  The output
    file appears only when the run completes.

    Output columns: id, the input columns, language, topics (joined by '|',
    best first), one topic:<id> score column per topic, countries, regions,
    country_names, region_names, stance, stance_score, model, error.  JSON Lines
    rows hold lists and objects instead of joined strings.

    With --engine dask, INPUT may be a directory or a quoted glob of files with
    the same columns ('exports/*.csv'), and OUTPUT a directory (ending in '/'):
    the Dask workers read, score and write one part file per input file, named
    after it, and the directory appears only when every part is complete.

    Example:
      topicclf score examples/articles.csv -o tagged.csv --text-column title --text-column text
    """
    from topicclf.scoring import score_file

    keep = args.keep_columns
    if keep is not None:
        keep = [] if keep.strip().lower() == "none" else [c.strip() for c in keep.split(",")]
    score_file(args.model, args.input, args.output, input_format=args.input_format,
               output_format=args.output_format, encoding=args.encoding,
               text_columns=args.text_columns, id_column=args.id_column, keep_columns=keep,
               top_k=args.top_k, min_score=args.min_score, explain=args.explain,
               max_chars=args.max_chars, chunk_size=args.chunk_size, jobs=args.jobs,
               engine=args.engine, scheduler=args.scheduler, on_error=args.on_error,
               progress=args.progress, resume=args.resume)
    return 0


def _score_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", metavar="INPUT",
                   help="the articles: a file, - for stdin, or (--engine dask) a directory "
                        "or glob of files")
    p.add_argument("-o", "--output", default="-",
                   help="where to write (default: - stdout); with --engine dask, a directory "
                        "ending in / gets one part file per input file")
    p.add_argument("--input-format", choices=("csv", "tsv", "jsonl", "parquet"))
    p.add_argument("--output-format", choices=("csv", "tsv", "jsonl", "parquet"))
    p.add_argument("--text-column", dest="text_columns", action="append", metavar="NAME",
                   help="column of the text; repeat to join title and body (default: text)")
    p.add_argument("--id-column", metavar="NAME",
                   help="column of the row ids (default: 'id' if present, else the row number)")
    p.add_argument("--keep-columns", metavar="none|A,B",
                   help="input columns to pass through (default: all)")
    p.add_argument("--max-chars", type=int, default=1_000_000, metavar="N",
                   help="cut longer texts, noted in 'error' (default: 1000000)")
    p.add_argument("--chunk-size", type=int, default=1000, metavar="ROWS",
                   help="rows scored at a time (default: 1000)")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="worker processes, each receiving the model once (default: 1)")
    p.add_argument("--engine", choices=("local", "dask"), default="local",
                   help="dask needs pip install 'topicclf[dask]' (default: local)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="a running Dask scheduler (default: a local cluster of --jobs workers)")
    p.add_argument("--encoding", help="input encoding (default: UTF-8, cp1252 fallback)")
    p.add_argument("--on-error", choices=("mark", "skip-row", "fail"), default="mark",
                   help="rows that cannot be scored: keep with the reason in 'error' "
                        "(default), leave out, or stop without output")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar on stderr (default: when stderr is a terminal)")
    p.add_argument("--resume", action="store_true",
                   help="keep the partial file .OUTPUT.partial if the run is interrupted, and "
                        "continue it after its last complete chunk when rerun with --resume "
                        "(same input and options)")


# ------------------------------------------------------------------- tag
def _tag(args: argparse.Namespace) -> int:
    """Tag one article, given as TEXT or on stdin; print its tags.

    The headline, if any, goes on the first line.  Prints one tag set per line
    for people, or with --json the dict of TagResult.to_dict().

    Example:
      topicclf tag "Le Pakistan et la Russie renforcent leur coopération antiterroriste"
    """
    from topicclf.persist import load
    from topicclf.scoring import explain_tags

    text = args.text if args.text not in (None, "-") else _read_stdin()
    if not text.strip():
        raise InvalidInputError("nothing to tag: the text is empty; pass TEXT or pipe it "
                                "on stdin")
    tagger = load(args.model)
    result = tagger.tag(text, top_k=args.top_k, min_score=args.min_score)
    why = explain_tags(tagger, text, result, args.explain) if args.explain else {}
    if args.json:
        print(json.dumps({**result.to_dict(), **({"explanations": why} if why else {})},
                         ensure_ascii=False))
        return 0
    print(f"{'language':<10} {result.language}")
    heads = {"topics": result.topics, "countries": result.countries,
             "regions": result.regions, "stance": [result.stance] if result.stance else []}
    for head, labels in heads.items():
        shown = ", ".join(f"{lab.id} {lab.score:.2f}" if lab.name.lower().replace(" ", "-")
                          == lab.id.lower() else f"{lab.id} {lab.name} {lab.score:.2f}"
                          for lab in labels)
        print(f"{head:<10} {shown or '-'}")
        for label, reasons in why.get(head, {}).items():
            print(f"{'':<13}{label}: " + ", ".join(f"{r['phrase']} {r['weight']:+.2f}"
                                                  for r in reasons))
    print(f"{'model':<10} {result.model.get('name')}@{result.model.get('version')}")
    return 0


def _read_stdin() -> str:
    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidInputError("no text given: pass TEXT, or pipe the article on stdin")
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        log.warning("stdin is not valid UTF-8; reading it as cp1252")
        return data.decode("cp1252", errors="replace")


def _tag_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", metavar="TEXT", nargs="?", help="the article (default: stdin)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


# ------------------------------------------------------------------ info
def _info(args: argparse.Namespace) -> int:
    """Show a model's card: labels, thresholds, languages, metrics, data, versions.

    MODEL is a model directory or the name of an installed model (default:
    the shipped model).  The hashes of its files are checked as when loading
    it.  --json prints the card as is.  --list shows the models that can be
    given by name: those in $TOPICCLF_MODELS, ~/.local/share/topicclf/models
    and the shipped ones.

    Example:
      topicclf info topicclf-news
    """
    from topicclf.card import render_markdown
    from topicclf.persist import available_models, read_card

    if args.list:
        for name, path in available_models().items():
            print(f"{name}\t{path}")
        return 0
    card = read_card(args.model_dir)
    print(json.dumps(card, ensure_ascii=False, indent=1) if args.json
          else render_markdown(card), end="\n" if args.json else "")
    return 0


def _info_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model_dir", metavar="MODEL", nargs="?",
                   help="a model directory or an installed model's name "
                        "(default: the shipped model)")
    p.add_argument("--json", action="store_true", help="print the card as JSON")
    p.add_argument("--list", action="store_true",
                   help="list the models that can be given by name, and where they are")


Command = tuple[Callable[[argparse.Namespace], int], Callable[[argparse.ArgumentParser], None]]
#: name -> (run, add_arguments); the run function's docstring is the command's help.
COMMANDS: dict[str, Command] = {
    "score": (_score, _score_arguments),
    "tag": (_tag, _tag_arguments),
    "info": (_info, _info_arguments),
    **RETRAIN_COMMANDS,
}
_MODEL_OPTIONS = {"score", "tag"}


def _help(func: Callable[..., Any]) -> tuple[str, str]:
    """A docstring split into its description and its final example."""
    import inspect

    doc = inspect.cleandoc(func.__doc__ or "")
    body, _, example = doc.partition("\nExample:\n")
    return body.strip(), "Example:\n" + example.rstrip()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=0, help="more log messages")
    common.add_argument("-q", "--quiet", action="count", default=0, help="errors only")
    parser = argparse.ArgumentParser(
        prog="topicclf", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Tag French and English news by topic, country/region and stance.",
        epilog="Example:\n  topicclf score examples/articles.csv -o tagged.csv")
    parser.add_argument("--version", action="version", version=f"topicclf {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (run, add_arguments) in COMMANDS.items():
        description, epilog = _help(run)
        p = sub.add_parser(name, help=description.splitlines()[0].rstrip("."),
                           description=description, epilog=epilog, parents=[common],
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        add_arguments(p)
        if name in _MODEL_OPTIONS:
            p.add_argument("--model", metavar="PATH|NAME",
                           help="a model directory, or the name of an installed model "
                                "(see 'topicclf info --list'; default: the shipped model)")
            p.add_argument("--top-k", type=int, metavar="K", help="at most K labels per head")
            p.add_argument("--min-score", type=float, metavar="P",
                           help="one cut-off for every label instead of the tuned thresholds")
            p.add_argument("--explain", type=int, default=0, metavar="N",
                           help="the N words that weigh most for each tag")
        p.set_defaults(run=run)
    return parser


@contextlib.contextmanager
def _reporting(verbosity: int) -> Iterator[None]:
    """Logs and warnings to stderr as ``topicclf: warning: ...`` lines, for this run only."""
    handler = logging.StreamHandler(sys.stderr)
    handler.format = lambda r: f"topicclf: {r.levelname.lower()}: {r.getMessage()}"  # type: ignore
    seen: set[str] = set()

    def once(record: logging.LogRecord) -> bool:
        # the same warning twice in a run (e.g. one per opening of the input) is shown once
        message = record.getMessage()
        fresh = record.levelno < logging.WARNING or message not in seen
        seen.add(message)
        return fresh

    handler.addFilter(once)
    saved = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.INFO if verbosity > 0 else logging.ERROR if verbosity < 0
                 else logging.WARNING)
    log.propagate = False

    def show(message: Any, category: type[Warning], *_: Any, **__: Any) -> None:
        if not issubclass(category, UnicodeWarning):  # topicclf.io logs those itself
            log.warning("%s", message)

    try:
        with warnings.catch_warnings():
            warnings.showwarning = show
            yield
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]


def _resumable(args: argparse.Namespace) -> str:
    if not getattr(args, "resume", False):
        return ""
    return "; the partial file is kept: run the same command again to continue"


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``topicclf`` command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not in the main thread
        previous = None
    try:
        with _reporting(args.verbose - args.quiet):
            return args.run(args)
    except TopicclfError as exc:
        print(f"topicclf: error: {' '.join(str(exc).splitlines())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"topicclf: interrupted; no output written{_resumable(args)}", file=sys.stderr)
        return 130
    except _Terminated:
        print(f"topicclf: terminated; no output written{_resumable(args)}", file=sys.stderr)
        return 143
    except BrokenPipeError:  # e.g. piped into head: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def entry() -> None:
    """The ``topicclf`` console script and ``python -m topicclf``: :func:`main`, then exit.

    After Ctrl-C or SIGTERM the output has already been discarded and the
    message printed; the process then ends at once, so that the threads of a
    worker pool cut short by the signal cannot print tracebacks while the
    interpreter shuts down.
    """
    code = main()
    if code in (130, 143):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
