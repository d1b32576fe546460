"""Checking a large send in forked worker processes, each a copy of the Linter that built the pipeline.

The pipeline and the compiled rules are built once, in this process; the workers are forked after
that, so they start at once and share those pages with it (copy on write) instead of each loading
spaCy again. A message's result depends only on the message, its context and the rules, so the
messages are dealt out in tasks of consecutive messages and the results come back in input order,
streamed. Each worker reads and writes the result cache itself (SQLite takes concurrent writers),
and remembers what it analysed (msglint.analysis.cache.KnownHits), so copy repeated across the
send is analysed once per worker.

Workers only pay where there is parsing to share: a run with few uncached units stays in one
process (msglint.analysis.engine). So does any platform but Linux: a spawned worker would load
spaCy again, macOS's system libraries are not safe in a forked child, and only Linux lets a worker
ask to be stopped when its parent dies.
"""

from __future__ import annotations

import collections
import itertools
import math
import os
import signal
import sys
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import MsglintError

# Each worker's copied pages are its own memory (about 15 MB on the bench's 10,000 files): auto stops
# at eight, which is more than one parent reading the files keeps busy on most sends.
MAX_AUTO_JOBS = 8
TASKS_PER_WORKER = 3  # tasks queued per worker, so none waits for the reader
MESSAGES_PER_TASK = 64  # at most; fewer when the send is small, so that every worker gets several
CGROUP_CPU_LIMIT = Path("/sys/fs/cgroup/cpu.max")  # a container's CPU quota (cgroup v2)
_PR_SET_PDEATHSIG = 1  # prctl(2)

_linter = None  # the Linter a forked worker inherits (set by _start_worker, in the worker)


class WorkerError(Exception):
    """An unexpected error inside a worker, told by its type, message and traceback."""


def can_fork() -> bool:
    return sys.platform.startswith("linux")


def usable_cores(cpu_limit: Path = CGROUP_CPU_LIMIT) -> int:
    """The cores this process may use: its CPU affinity, and no more than a container's quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = cpu_limit.read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError, ZeroDivisionError):
        pass  # no cgroup v2 limit readable: the affinity stands
    return cores


def auto_jobs(environ=os.environ) -> int:
    """The processes `msglint check --jobs auto` uses: one per usable core (at most MAX_AUTO_JOBS),
    except under pre-commit, which already runs a hook's batches of files in parallel, one per core."""
    if environ.get("PRE_COMMIT") == "1" or not can_fork():
        return 1
    return max(1, min(usable_cores(), MAX_AUTO_JOBS))


def messages_per_task(lead_messages: int, jobs: int) -> int:
    """Task size for a send whose first chunk holds `lead_messages` messages."""
    return max(1, min(MESSAGES_PER_TASK, lead_messages // (jobs * 4)))


def check_in_workers(linter, items: Iterable, jobs: int, batch_size: int, messages_per_task: int) -> Iterator:
    """Results for `items` ((message, context) pairs) in input order, checked by `jobs` forked
    copies of `linter`, whose pipeline and compiled rules must already be built."""
    import multiprocessing
    from concurrent.futures import BrokenExecutor, ProcessPoolExecutor

    if linter.cache is not None:
        linter.cache.close()  # an SQLite connection must not cross a fork; each worker opens its own
    iterator = iter(items)
    pending: collections.deque = collections.deque()
    pids: set[int] = set()
    # With fork, the initializer's arguments are inherited, not pickled: each worker gets this very
    # Linter, pipeline and all.
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_start_worker, initargs=(linter, os.getpid()))
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
                outcome = future.result()
            except BrokenExecutor as exc:
                raise MsglintError(f"a worker process stopped before it finished ({exc}); "
                                   "try --jobs 1") from None
            if outcome[0] == "failed":
                _, kind, text, trace = outcome
                if kind == "MsglintError":
                    raise MsglintError(text)
                error = WorkerError(f"{kind}: {text} (in a worker process)")
                error.add_note(trace)
                raise error
            _, results, counts, tokens, pid = outcome
            pids.add(pid)
            linter.workers_used = len(pids)
            linter.stage_counts.update(counts)
            linter.stage_tokens.update(tokens)
            # the messages stayed here: only the findings cross back
            yield from (replace(result, message=message) for result, (message, _) in zip(results, task))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _start_worker(linter, parent: int) -> None:
    global _linter
    _linter = linter
    # Ctrl-C reaches the whole process group: the parent stops the run and shuts the workers down
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent killed outright (SIGKILL, or SIGTERM from a caller) runs no cleanup: the kernel then
    # stops the worker, which would otherwise wait on its task queue for ever.
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _check_task(task: list, batch_size: int) -> tuple:
    """("done", results without their messages, stage counters, pid) or ("failed", type, message,
    traceback): an exception is told as text, since not every exception can cross back as itself."""
    linter = _linter
    linter.stage_counts.clear()
    linter.stage_tokens.clear()
    try:
        results = [replace(result, message=None) for result in linter.check_serially(task, batch_size=batch_size)]
    except BaseException as exc:  # noqa: BLE001 - even SystemExit: the parent decides, with the message
        return "failed", type(exc).__name__, str(exc), traceback.format_exc()
    return "done", results, linter.stage_counts, linter.stage_tokens, os.getpid()
