"""The checkpoint of a resumable scoring run (``topicclf score --resume``)."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from topicclf.errors import InvalidInputError

__all__ = ["Checkpoint", "fingerprint"]

log = logging.getLogger("topicclf.scoring")


def fingerprint(tagger: Any, input: str, spec: Any, **options: Any) -> dict[str, Any]:
    """What must not change between an interrupted run and its resumption."""
    stat = os.stat(input)
    files = getattr(tagger, "card_", {}).get("files")
    return {"input": os.path.abspath(input), "input_size": stat.st_size,
            "input_mtime_ns": stat.st_mtime_ns, "spec": repr(spec),
            "model_files": files, **options}


class Checkpoint:
    """The checkpoint of a resumable run: the partial file and, beside it, the chunks done.

    ``.<name>.partial.json`` holds the run's fingerprint, the input rows done and
    the size in bytes of the partial file after the last complete chunk; it is
    replaced atomically after every chunk.  Bytes after that size (a chunk being
    written when the run was killed) are cut off on resuming.
    """

    @staticmethod
    def check(input: str, output: str, out_fmt: str) -> None:
        """Refuse what cannot be resumed, before anything is read."""
        if input == "-" or output == "-":
            raise InvalidInputError("--resume needs an input file and an output file, not "
                                    "stdin or stdout")
        if out_fmt == "parquet" or output.lower().endswith(".gz"):
            raise InvalidInputError(f"--resume writes CSV, TSV or JSON Lines without .gz; got "
                                    f"'{output}'; choose another output or leave out --resume")

    def __init__(self, input: str, output: str, fingerprint: dict[str, Any]) -> None:
        head, name = os.path.split(output)
        self.partial = os.path.join(head, f".{name}.partial")
        self.state = self.partial + ".json"
        self.fingerprint = json.loads(json.dumps(fingerprint, default=str))

    def load(self) -> dict[str, Any]:
        """The state to resume from, or ``{}`` to start from the first row."""
        try:
            with open(self.state, encoding="utf-8") as fh:
                state = json.load(fh)
            size = os.path.getsize(self.partial)
        except FileNotFoundError:
            state, size = None, 0
        except (OSError, ValueError) as exc:
            log.warning("cannot read the checkpoint %s (%s); starting from the first row",
                        self.state, exc)
            state, size = None, 0
        if not isinstance(state, dict):
            if os.path.exists(self.partial):
                log.warning("%s has no checkpoint; starting from the first row", self.partial)
            return {}
        if state.get("run") != self.fingerprint:
            changed = sorted(k for k in {**self.fingerprint, **state.get("run", {})}
                             if self.fingerprint.get(k) != state.get("run", {}).get(k))
            log.warning("the partial output %s is from a run with another %s; starting from "
                        "the first row", self.partial, ", ".join(changed))
            return {}
        if size < state.get("bytes", 0):
            log.warning("the partial output %s is shorter than its checkpoint says; starting "
                        "from the first row", self.partial)
            return {}
        log.warning("resuming %s after row %d (%d bytes kept)", self.partial,
                    state["rows_read"], state["bytes"])
        return state

    def save(self, **counts: int) -> None:
        state = {"run": self.fingerprint, "bytes": os.path.getsize(self.partial), **counts}
        with open(self.state + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(state, fh)
        os.replace(self.state + ".tmp", self.state)

    def clear(self, partial: bool) -> None:
        for path in (self.state, self.state + ".tmp", *([self.partial] if partial else [])):
            if os.path.exists(path):
                os.remove(path)
