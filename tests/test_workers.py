"""Large sends checked in forked worker processes (msglint.analysis.workers): the same report as one
process, in input order; only where there is uncached copy to share; a worker's death is one error."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from msglint.analysis import workers
from msglint.analysis.engine import Linter
from msglint.evaluation.corpus import load_corpus
from msglint.sources.context import merge_context, parse_context_fields
from msglint.sources.message import message_from_text

from .conftest import REPO

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="workers are forked, and this platform does not fork")

# Runs the command line as the console entry does (msglint.cli.run, which ends with os._exit), noting
# which processes checked messages. Modes: "caller" runs main() as a library caller would; "die" ends
# each worker at its first task; "slow" makes every task last a second; "raise" and "refuse" make
# the check raise an exception that cannot be pickled, or a MsglintError.
RECORDING_RUN = """
import json, os, sys
from msglint import cli
from msglint.analysis import workers

record, mode, *argv = sys.argv[1:]
real_task, real_main = workers._check_task, cli.main

class Unpicklable(Exception):
    def __init__(self, what, lock):
        super().__init__(what)
        self.lock = lock

def recording(task, batch_size):
    with open(record, "a") as out:
        out.write(f"{os.getpid()}\\n")
    if mode == "die":
        os._exit(3)
    if mode == "slow":
        import time
        time.sleep(1)
    if mode in ("raise", "refuse"):
        import threading
        from msglint.errors import MsglintError
        fault = Unpicklable("the rule broke", threading.Lock()) if mode == "raise" else MsglintError("m.txt: refused")
        workers._linter.check_serially = lambda *args, **kwargs: (_ for _ in ()).throw(fault)
    return real_task(task, batch_size)

def probed_main(_=None, *, one_run=False):
    code = real_main(argv, one_run=one_run and mode != "caller")
    print(json.dumps({"code": code, "pid": os.getpid(), "spacy_imported": "spacy" in sys.modules}), file=sys.stderr)
    return code

workers._check_task = recording
cli.main = probed_main
cli.run()
"""


def _cases():
    return [case for case in load_corpus(REPO / "corpora") if case.text.strip()]


@pytest.fixture(scope="module")
def send(tmp_path_factory) -> Path:
    """Our corpus, twice over (the second time every line numbered apart), as one file per message
    with a customer level and relationship of its own: enough fresh units to fork workers. Only
    read by the tests, so written once."""
    folder = tmp_path_factory.mktemp("send")
    for copy in range(2):
        for index, case in enumerate(_cases()):
            relationship = "instrumental" if index % 3 else "expressive"
            text = case.text if copy == 0 else "\n".join(f"{line} ({index})" for line in case.text.splitlines())
            (folder / f"m{copy}-{index:03}.txt").write_text(
                f"---\ncustomer-level: {index % 6 + 1}\nrelationship: {relationship}\n---\n{text}\n")
    return folder


def _start(tmp_path: Path, mode: str, args: list[str], **popen) -> tuple[subprocess.Popen, Path]:
    """The recording run started (its own cache folder, never under pre-commit), and the file its
    workers write their process ids to."""
    record = tmp_path / f"pids-{len(list(tmp_path.glob('pids-*')))}.txt"
    record.touch()
    env = {**os.environ, "MSGLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("PRE_COMMIT", None)
    process = subprocess.Popen([sys.executable, "-c", RECORDING_RUN, str(record), mode, *args], env=env,
                               cwd=REPO, **popen)
    return process, record


def _pids(record: Path) -> list[int]:
    return [int(line) for line in record.read_text().split()]


def _run(tmp_path: Path, mode: str, args: list[str]) -> tuple[subprocess.CompletedProcess, dict | None, list[int]]:
    process, record = _start(tmp_path, mode, args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.communicate(timeout=300)
    run = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    lines = stderr.strip().splitlines()
    probe = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    return run, probe, _pids(record)


def test_a_large_send_in_two_workers_gives_the_report_of_one_process(tmp_path, send):
    files = len(list(send.iterdir()))
    check = ["check", "--format", "json", str(send)]
    one, one_probe, one_pids = _run(tmp_path, "check", [*check, "--no-cache", "--jobs", "1"])
    two, two_probe, two_pids = _run(tmp_path, "check", [*check, "--no-cache", "--jobs", "2"])
    assert one_pids == []
    assert len(set(two_pids)) == 2 and two_probe["pid"] not in two_pids
    assert len(two_pids) >= 4  # dealt out in several tasks, not one each
    assert two.stdout == one.stdout  # same findings, same order, byte for byte
    report = json.loads(two.stdout)
    assert [entry["path"] for entry in report["files"]] == sorted(str(path) for path in send.iterdir())
    assert len(report["files"]) == files and sum(len(entry["findings"]) for entry in report["files"]) > 100
    assert one_probe["code"] == two_probe["code"] == 1


def test_a_cached_re_check_of_a_large_send_stays_in_one_process_without_spacy(tmp_path, send):
    check = ["check", "--format", "json", "--jobs", "2", str(send)]
    first, _, first_pids = _run(tmp_path, "check", check)
    again, probe, again_pids = _run(tmp_path, "check", check)
    assert len(set(first_pids)) == 2
    assert again_pids == [] and probe["spacy_imported"] is False
    assert again.stdout == first.stdout


def test_a_reader_that_stops_early_leaves_no_worker_behind(tmp_path, send):
    process, record = _start(tmp_path, "check", ["check", "--no-cache", "--jobs", "2", str(send)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()  # the first finding, then the reader goes away ("| head -1")
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)
    assert "Traceback" not in stderr.decode()
    assert process.returncode == 1
    pids = set(_pids(record))
    assert len(pids) == 2
    assert not any(_alive(pid) for pid in pids)


def test_a_worker_that_dies_is_one_error_line_and_exit_2(tmp_path, send):
    run, probe, pids = _run(tmp_path, "die", ["check", "--no-cache", "--jobs", "2", str(send)])
    assert pids, "no worker started"
    assert probe["code"] == 2
    (error,) = run.stderr.strip().splitlines()[:-1]
    assert error.startswith("msglint: error: a worker process stopped before it finished")
    assert error.endswith("try --jobs 1")


@pytest.mark.skipif(workers.usable_cores() < 2, reason="auto is one process on one core")
def test_by_default_the_command_uses_every_core_but_a_caller_of_main_keeps_its_process(tmp_path, send):
    check = ["check", "--no-cache", "--format", "json", str(send)]
    command, _, command_pids = _run(tmp_path, "check", check)
    caller, _, caller_pids = _run(tmp_path, "caller", check)
    assert len(set(command_pids)) == min(workers.usable_cores(), workers.MAX_AUTO_JOBS)
    assert caller_pids == []
    assert command.stdout == caller.stdout


def test_an_unexpected_error_in_a_worker_is_told_by_its_type_and_message(tmp_path, send):
    run, probe, _ = _run(tmp_path, "raise", ["check", "--no-cache", "--jobs", "2", str(send)])
    assert probe["code"] == 2 and run.stdout == ""
    (error,) = run.stderr.strip().splitlines()[:-1]
    assert error == ("msglint: internal error: WorkerError: Unpicklable: the rule broke (in a worker process) "
                     "(set MSGLINT_DEBUG=1 for details)")


def test_a_msglint_error_in_a_worker_is_the_usual_one_line_error(tmp_path, send):
    run, probe, _ = _run(tmp_path, "refuse", ["check", "--no-cache", "--jobs", "2", str(send)])
    assert probe["code"] == 2
    assert run.stderr.strip().splitlines()[:-1] == ["msglint: error: m.txt: refused"]


def test_workers_stop_when_their_parent_is_killed(tmp_path, send):
    """A caller that kills msglint by its process id (an editor, a CI timeout) leaves no worker behind."""
    parent, record = _start(tmp_path, "slow", ["check", "--no-cache", "--jobs", "2", str(send)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(set(_pids(record))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = set(_pids(record))
    assert len(pids) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    try:
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(pid) for pid in pids)
    finally:
        for pid in pids:  # a failing run must not leave its orphans to the rest of the suite
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status  # a zombie has ended; only its exit status waits to be read


def test_an_explicit_jobs_stays_in_one_process_where_workers_cannot_fork(ruleset, nlp, monkeypatch):
    monkeypatch.setattr(workers, "can_fork", lambda: False)
    linter = Linter(ruleset, nlp=nlp, jobs=2)
    linter.min_fresh_units_for_workers = 0
    items = _items()
    results = list(linter.check(items))
    assert linter.workers_used == 0 and len(results) == len(items)


def test_repeated_copy_is_analysed_once_per_process_not_once_per_chunk_or_task(ruleset, nlp):
    footer = "We miss you, friend! Come back soon."
    items = [(message_from_text(f"Lamp number {i} is 20% off.\n\n{footer}"),
              merge_context([("test", {})])) for i in range(700)]  # more than one chunk of 512
    distinct_units = 700 + 2
    one = Linter(ruleset, nlp=nlp, jobs=1)
    one_results = list(one.check(items))
    assert sum(one.stage_counts.values()) == distinct_units
    two = Linter(ruleset, nlp=nlp, jobs=2)
    two.min_fresh_units_for_workers = 0
    two_results = list(two.check(items))
    assert two.workers_used == 2
    assert sum(two.stage_counts.values()) <= distinct_units + 2  # the footer at most once per worker
    assert [r.findings for r in two_results] == [r.findings for r in one_results]
    assert all({f.rule for f in r.findings} == {"expressive.simulated-intimacy"} for r in one_results)


def test_usable_cores_follow_a_containers_cpu_quota(tmp_path):
    limit = tmp_path / "cpu.max"
    limit.write_text("150000 100000\n")  # one and a half cores: two processes
    assert workers.usable_cores(limit) == min(2, workers.usable_cores(tmp_path / "none"))
    limit.write_text("max 100000\n")
    assert workers.usable_cores(limit) == workers.usable_cores(tmp_path / "none")


def test_auto_is_one_process_per_core_but_one_under_pre_commit(monkeypatch):
    monkeypatch.setattr(workers, "usable_cores", lambda: 2)
    assert workers.auto_jobs({}) == 2
    assert workers.auto_jobs({"PRE_COMMIT": "1"}) == 1  # pre-commit runs a batch per core already
    monkeypatch.setattr(workers, "usable_cores", lambda: 64)
    assert workers.auto_jobs({}) == workers.MAX_AUTO_JOBS


def _items():
    return [(message_from_text(case.text, path=f"m{index}.txt"),
             merge_context([("test", parse_context_fields({"customer-level": index % 6 + 1}, where="test"))]))
            for index, case in enumerate(_cases())]


def test_workers_in_process_give_results_evidence_and_stages_as_one_process(ruleset, nlp):
    items = _items()
    one = Linter(ruleset, nlp=nlp, jobs=1)
    two = Linter(ruleset, nlp=nlp, jobs=2)
    two.min_fresh_units_for_workers = 0
    one_results, two_results = list(one.check(items)), list(two.check(items))
    assert two.workers_used == 2 and one.workers_used == 0
    assert [r.path for r in two_results] == [m.path for m, _ in items]
    assert [(r.level, r.evidence, r.findings) for r in two_results] == [(r.level, r.evidence, r.findings)
                                                                       for r in one_results]
    assert all(r.message is m for r, (m, _) in zip(two_results, items))  # the caller's own messages
    # the workers' unit counts come back (a text repeated in two tasks is analysed in both)
    assert set(two.stage_counts) == set(one.stage_counts)
    assert sum(one.stage_counts.values()) <= sum(two.stage_counts.values()) <= sum(one.stage_counts.values()) + 10
    assert any(r.findings for r in two_results)


def test_forgetting_the_recent_analyses_analyses_afresh(ruleset, nlp):
    """What the benchmark relies on: a turn after forget() does the work again."""
    linter = Linter(ruleset, nlp=nlp)
    items = _items()[:40]
    list(linter.check(items))
    first = sum(linter.stage_counts.values())
    list(linter.check(items))
    assert sum(linter.stage_counts.values()) == first  # remembered: nothing analysed again
    linter.known.forget()
    list(linter.check(items))
    assert sum(linter.stage_counts.values()) == 2 * first > 0
