"""Check a labelled table before training, and list every problem at once.

A user retraining on their own CSV should learn about all of its problems in
one run, not one per run: :func:`validate_training_table` returns every
problem it finds as one readable line each, and :func:`check_training_table`
raises them together as one :class:`~topicclf.errors.InvalidInputError`.

The checks:

* the named columns exist (the message lists the table's columns);
* no text is empty or missing (with the row numbers);
* every topic and stance label has at least ``min_examples`` examples (with
  the counts); country and region labels are not checked, as the tagger
  itself leaves rare countries without a label of their own;
* every row has exactly one stance label;
* the same text is not given different labels in two rows (with the rows).

Row numbers are 0-based positions in the table (the header is not a row),
as in every other topicclf message.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"text": ["Bomb attack in Kabul", "", "Bomb attack in Kabul", "Cup final"],
...                    "topics": ["terror", "sport", "sport", "sport"]})
>>> for problem in validate_training_table(df, text_column="text", topics="topics",
...                                        min_examples=2):
...     print(problem)  # doctest: +NORMALIZE_WHITESPACE
1 row(s) have an empty or non-text 'text' (rows 1); fill or drop them before training
topics: labels with fewer than 2 examples: 'terror' (1); add examples or remove these labels
the same text has different labels in 1 group(s) of rows: rows 0, 2
    (topics: 'terror' vs 'sport'); keep one labelling per text
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import pandas as pd

from topicclf.errors import InvalidInputError, MissingColumnError

__all__ = ["validate_training_table", "check_training_table"]

#: At most this many row numbers or labels are shown in one problem line.
MAX_SHOWN = 20


def _shown(items: Sequence[Any], limit: int = MAX_SHOWN, sep: str = ", ") -> str:
    head = sep.join(map(str, items[:limit]))
    return head + (f" ... ({len(items) - limit} more)" if len(items) > limit else "")


def _text_key(text: str) -> str:
    """Texts equal up to case, Unicode form and white space count as duplicates."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def validate_training_table(frame: pd.DataFrame, *, text_column: str,
                            topics: str | None = None, stance: str | None = None,
                            countries: str | None = None, regions: str | None = None,
                            language_column: str | None = None, label_sep: str = "|",
                            min_examples: int = 5) -> list[str]:
    """Every problem of a labelled table that would spoil training, one line each.

    Parameters
    ----------
    frame : DataFrame
        The labelled table (see :func:`topicclf.training.read_table` to read a file).
    text_column : str
        Column of the article texts.
    topics, stance, countries, regions : str, optional
        Names of the label columns, as in :func:`topicclf.train`.  Cells hold
        one label, ids joined by ``label_sep``, or a JSON list.
    language_column : str, optional
        Column of language codes; only its presence is checked.
    label_sep : str, default="|"
        Separator of the labels of one multi-label cell.
    min_examples : int, default=5
        Fewest examples a topic or stance label needs.

    Returns
    -------
    list of str
        The problems, empty when the table is fit for training.

    Raises
    ------
    InvalidInputError
        If ``frame`` is not a DataFrame or ``min_examples`` is below 1.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"body": ["a", "b"], "desk": ["x", "y"]})
    >>> validate_training_table(df, text_column="text", topics="desk", min_examples=1)
    ["column not found: text_column='text' (columns: body, desk)"]
    """
    # training imports this module
    from topicclf.training import missing_columns, no_label_column, parse_labels

    if not isinstance(frame, pd.DataFrame):
        raise InvalidInputError(f"expected a pandas DataFrame, got {type(frame).__name__}; "
                                "read files with topicclf.training.read_table(path)")
    if int(min_examples) < 1:
        raise InvalidInputError(f"min_examples must be at least 1, got {min_examples!r}")
    heads = {"topics": topics, "stance": stance, "countries": countries, "regions": regions}
    problems: list[str] = []

    for problem in (missing_columns(frame, text_column, heads, language_column),
                    no_label_column(heads)):
        if problem:
            problems.append(problem)
    if len(frame) == 0:
        problems.append("the table has no rows")

    texts: list[Any] | None = None
    if text_column in frame.columns:
        texts = frame[text_column].tolist()
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str) or not t.strip()]
        if bad:
            problems.append(f"{len(bad)} row(s) have an empty or non-text {text_column!r} "
                            f"(rows {_shown(bad)}); fill or drop them before training")

    labels: dict[str, list[list[str]]] = {}
    for head, column in heads.items():
        if column is None or column not in frame.columns:
            continue
        lists = [parse_labels(v, label_sep) for v in frame[column].tolist()]
        labels[head] = lists
        if head == "stance":
            none = [i for i, v in enumerate(lists) if not v]
            several = [i for i, v in enumerate(lists) if len(v) > 1]
            if none:
                problems.append(f"stance: {len(none)} row(s) have no label in {column!r} "
                                f"(rows {_shown(none)}); every row needs one stance label")
            if several:
                problems.append(f"stance: {len(several)} row(s) have more than one label in "
                                f"{column!r} (rows {_shown(several)}); keep one per row")
            distinct = {v[0] for v in lists if v}
            if len(distinct) == 1:
                problems.append(f"stance: only one label ({next(iter(distinct))!r}) in "
                                f"{column!r}; a stance head needs at least two")
        if head in ("topics", "stance"):
            counts = Counter(x for v in lists for x in (v[:1] if head == "stance" else v))
            rare = sorted((c, lab) for lab, c in counts.items() if c < min_examples)
            if rare:
                listed = _shown([f"{lab!r} ({c})" for c, lab in rare])
                problems.append(f"{head}: labels with fewer than {min_examples} examples: "
                                f"{listed}; add examples or remove these labels")

    if texts is not None and labels:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(texts):
            if isinstance(t, str) and t.strip():
                groups[_text_key(t)].append(i)
        conflicts = []
        for rows in groups.values():
            if len(rows) < 2:
                continue
            differing = []
            for head, lists in labels.items():
                seen = list(dict.fromkeys(tuple(sorted(set(lists[i]))) for i in rows))
                if len(seen) > 1:
                    shown = " vs ".join(repr(label_sep.join(s)) for s in seen[:3])
                    differing.append(f"{head}: {shown}")
            if differing:
                conflicts.append(f"rows {_shown(rows, 5)} ({'; '.join(differing)})")
        if conflicts:
            problems.append(f"the same text has different labels in {len(conflicts)} group(s) "
                            f"of rows: {_shown(conflicts, 10, '; ')}; "
                            "keep one labelling per text")
    return problems


def check_training_table(frame: pd.DataFrame, *, text_column: str, topics: str | None = None,
                         stance: str | None = None, countries: str | None = None,
                         regions: str | None = None, language_column: str | None = None,
                         label_sep: str = "|", min_examples: int = 5) -> None:
    """Raise one error listing every problem of a labelled table, if it has any.

    Parameters are those of :func:`validate_training_table`.

    Raises
    ------
    MissingColumnError
        If a named column is missing (it is an :class:`InvalidInputError` too);
        the message also lists the table's other problems.
    InvalidInputError
        If the table has any other problem, listed one per line.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"text": ["Goal!", " "], "topics": ["sport", "sport"]})
    >>> check_training_table(df, text_column="text", topics="topics", min_examples=3)
    Traceback (most recent call last):
    ...
    topicclf.errors.InvalidInputError: the training table has 2 problems:
    - 1 row(s) have an empty or non-text 'text' (rows 1); fill or drop them before training
    - topics: labels with fewer than 3 examples: 'sport' (2); add examples or remove these labels
    """
    problems = validate_training_table(
        frame, text_column=text_column, topics=topics, stance=stance, countries=countries,
        regions=regions, language_column=language_column, label_sep=label_sep,
        min_examples=min_examples)
    if not problems:
        return
    message = problems[0] if len(problems) == 1 else (
        f"the training table has {len(problems)} problems:\n"
        + "\n".join(f"- {p}" for p in problems))
    error = MissingColumnError if problems[0].startswith("column not found:") else \
        InvalidInputError
    raise error(message)
