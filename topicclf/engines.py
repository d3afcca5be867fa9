"""Run the chunk function in this process or in a pool of worker processes.

:func:`local_engine` gives ``(submit, window)``: ``submit(frame, spec, offset)``
returns a future of :func:`topicclf.scoring._score_chunk`'s result, and
``window`` is how many chunks may be in flight.  :func:`ordered` yields the
results in input order.  The Dask engine (:mod:`topicclf.dask_engine`) gives
the same pair.
"""

from __future__ import annotations

import functools
import itertools
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from topicclf import scoring
from topicclf.errors import EngineError

__all__ = ["local_engine", "ordered"]

Submit = Callable[[pd.DataFrame, Any, int], Any]  # returns a future of _score_chunk's result
_WORKER: dict[str, Any] = {}


def _init_worker(tagger: Any) -> None:
    """Process-pool initializer: each worker receives the model once."""
    import signal
    import warnings

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a forked worker must not inherit the CLI's
    warnings.simplefilter("ignore")  # the parent has shown the model's warnings
    _WORKER["tagger"] = tagger


def _work(frame: pd.DataFrame, spec: Any, offset: int) -> tuple[pd.DataFrame, np.ndarray]:
    return scoring._score_chunk(_WORKER["tagger"], frame, spec, offset)


def _done(tagger: Any, frame: pd.DataFrame, spec: Any, offset: int) -> Future:
    future: Future = Future()
    future.set_result(scoring._score_chunk(tagger, frame, spec, offset))
    return future


@contextmanager
def local_engine(tagger: Any, jobs: int) -> Iterator[tuple[Submit, int]]:
    if jobs == 1:
        yield functools.partial(_done, tagger), 1
        return
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # fork starts workers at once with the model already in memory, but is only safe on
    # Linux without other threads; spawn imports topicclf and unpickles the model anew
    fork = sys.platform.startswith("linux") and threading.active_count() == 1
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(
        "fork" if fork else "spawn"), initializer=_init_worker, initargs=(tagger,))
    try:
        pool.submit(int).result()  # start the workers now, before other threads or files
        yield functools.partial(pool.submit, _work), 2 * jobs
    except BaseException:
        workers = list((getattr(pool, "_processes", None) or {}).values())
        for process in workers:
            process.terminate()  # their chunks will never be written: do not wait for them
        for process in workers:
            process.join(timeout=2)  # reap them: no zombie outlives the command
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def ordered(submit: Submit, chunks: Iterator[tuple[pd.DataFrame, int]], spec: Any,
             window: int) -> Iterator[tuple[int, tuple[pd.DataFrame, np.ndarray]]]:
    """Results in input order, with at most ``window`` chunks in flight."""
    from concurrent.futures.process import BrokenProcessPool

    pending: deque[tuple[int, Any]] = deque()
    for frame, offset in itertools.chain(chunks, [(None, -1)]):
        if frame is not None:
            pending.append((offset, submit(frame, spec, offset)))
        while pending and (len(pending) >= window or frame is None):
            offset, future = pending.popleft()
            try:
                yield offset, future.result()
            except BrokenProcessPool:
                raise EngineError("a scoring worker process died (out of memory?); try "
                                  "fewer --jobs or a smaller --chunk-size") from None
