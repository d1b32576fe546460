"""Checking a large send in forked worker processes, each a copy of the Linter that built the pipeline.

The pipeline and the compiled rules are built once, in this process; the workers are forked after
that, so they start at once and share those pages with it (copy on write) instead of each loading
spaCy again. A message's result depends only on the message, its context and the rules, so the
messages are dealt out in tasks of consecutive messages and the results come back in input order,
streamed. Each worker reads and writes the result cache itself (SQLite takes concurrent writers).

Workers only pay where there is parsing to share: a run with few uncached units stays in one
process, and so does any platform without fork (a spawned worker would load spaCy again).
"""

from __future__ import annotations

import collections
import itertools
import os
import signal
import sys
from dataclasses import replace
from typing import Iterable, Iterator

from ..errors import MsglintError

# Each worker's copied pages are its own memory (about 15 MB on the bench's 10,000 files): auto stops
# at eight, which is more than one parent reading the files keeps busy on most sends.
MAX_AUTO_JOBS = 8
TASKS_PER_WORKER = 3  # tasks queued per worker, so none waits for the reader

_linter = None  # the Linter a forked worker inherits


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    # macOS has fork, but its system libraries (numpy's Accelerate among them) are not safe in a
    # forked child
    return hasattr(os, "fork") and sys.platform != "darwin"


def auto_jobs(environ=os.environ) -> int:
    """The processes `msglint check --jobs auto` uses: one per usable core (at most MAX_AUTO_JOBS),
    except under pre-commit, which already runs a hook's batches of files in parallel, one per core."""
    if environ.get("PRE_COMMIT") == "1" or not can_fork():
        return 1
    return max(1, min(usable_cores(), MAX_AUTO_JOBS))


def check_in_workers(linter, items: Iterable, jobs: int, batch_size: int, messages_per_task: int) -> Iterator:
    """Results for `items` ((message, context) pairs) in input order, checked by `jobs` forked
    copies of `linter`, whose pipeline and compiled rules must already be built."""
    import multiprocessing
    from concurrent.futures import BrokenExecutor, ProcessPoolExecutor

    global _linter
    if linter.cache is not None:
        linter.cache.close()  # an SQLite connection must not cross a fork; each worker opens its own
    _linter = linter
    iterator = iter(items)
    pending: collections.deque = collections.deque()
    pids: set[int] = set()
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_ignore_interrupts)
    try:
        def submit() -> None:
            task = list(itertools.islice(iterator, messages_per_task))
            if task:
                pending.append((task, executor.submit(_check_task, task, batch_size)))

        for _ in range(jobs * TASKS_PER_WORKER):
            submit()
        while pending:
            task, future = pending.popleft()
            submit()
            try:
                results, counts, tokens, pid = future.result()
            except BrokenExecutor as exc:
                raise MsglintError(f"a worker process stopped before it finished ({exc}); "
                                   "try --jobs 1") from None
            pids.add(pid)
            linter.workers_used = len(pids)
            linter.stage_counts.update(counts)
            linter.stage_tokens.update(tokens)
            # the messages stayed here: only the findings cross back
            yield from (replace(result, message=message) for result, (message, _) in zip(results, task))
    finally:
        _linter = None
        executor.shutdown(wait=True, cancel_futures=True)


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the run and shuts the workers down
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _check_task(task: list, batch_size: int) -> tuple[list, collections.Counter, collections.Counter, int]:
    linter = _linter
    linter.stage_counts.clear()
    linter.stage_tokens.clear()
    results = [replace(result, message=None) for result in linter.check_serially(task, batch_size=batch_size)]
    return results, linter.stage_counts, linter.stage_tokens, os.getpid()
