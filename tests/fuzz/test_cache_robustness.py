"""The result cache never decides a finding on its own say-so, and never stops a run (issues 12, 13)."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import sys
import threading

import pytest

from msglint.analysis.cache import FILE_NAME, ResultCache
from msglint.ruleset.hits import Hit

pytestmark = pytest.mark.fuzz

MESSAGE = "Nicely done! You've been selected.\nShoes 30% off.\n"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("MSGLINT_CACHE_DIR", str(folder))
    return folder


def _check(run_cli, tmp_path, *extra):
    message = tmp_path / "m.txt"
    message.write_text(MESSAGE)
    return run_cli("check", "--format", "json", *extra, str(message))


def _findings(result) -> list[tuple[str, int, int, int]]:
    report = json.loads(result.stdout)
    return sorted((f["rule"], f["line"], f["column"], f["end_column"])
                  for file in report["files"] for f in file["findings"])


@pytest.fixture
def reference(run_cli, tmp_path_factory):
    folder = tmp_path_factory.mktemp("reference")
    return _findings(_check(run_cli, folder, "--no-cache"))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty-header"])
def test_regression_corrupt_cache_file_is_rebuilt_with_one_warning(run_cli, tmp_path, cache_dir, reference, damage):
    """issue 12 item 5: a corrupt or truncated cache file."""
    _check(run_cli, tmp_path)
    database = cache_dir / FILE_NAME
    data = database.read_bytes()
    for suffix in ("-wal", "-shm"):
        (cache_dir / (FILE_NAME + suffix)).unlink(missing_ok=True)
    damaged = {"garbage": b"not a database at all" * 100, "truncated": data[:100],
               "empty-header": b"\0" * 16 + data[16:]}[damage]
    database.write_bytes(damaged)
    result = _check(run_cli, tmp_path)
    assert result.exit_code == 1
    assert _findings(result) == reference
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 1 and warnings[0].startswith("msglint: warning: result cache"), result.stderr
    assert _findings(_check(run_cli, tmp_path)) == reference  # the rebuilt cache serves the next run


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores directory permissions")
def test_regression_read_only_cache_directory_is_bypassed(run_cli, tmp_path, cache_dir, reference):
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        result = _check(run_cli, tmp_path)
    finally:
        cache_dir.chmod(0o700)
    assert result.exit_code == 1 and _findings(result) == reference
    assert len(result.stderr.strip().splitlines()) == 1


def test_regression_unopenable_cache_is_bypassed(run_cli, tmp_path, cache_dir, reference):
    """The cache path is a directory: it cannot be opened (as a read-only or locked cache cannot)."""
    (cache_dir / FILE_NAME).mkdir(parents=True)
    result = _check(run_cli, tmp_path)
    assert result.exit_code == 1 and _findings(result) == reference
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "running without it" in lines[0]


def test_two_runs_sharing_one_cache(run_cli, tmp_path, cache_dir, reference):
    """Two writers on one cache file (threads here; pre-commit runs processes) both succeed."""
    a, b = ResultCache(cache_dir, "salt"), ResultCache(cache_dir, "salt")
    errors = []

    def write(cache, offset):
        try:
            for i in range(50):
                cache.put_many("unit", {f"text {offset + i}": [Hit("x.y", 0, 4)]})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(cache, n * 100)) for n, cache in enumerate((a, b))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and a.usable and b.usable
    reader = ResultCache(cache_dir, "salt")
    assert reader.get_many("unit", ["text 5", "text 105"]) == {"text 5": [Hit("x.y", 0, 4)],
                                                              "text 105": [Hit("x.y", 0, 4)]}
    assert _findings(_check(run_cli, tmp_path)) == reference


@pytest.mark.parametrize("stored", [
    [["x.y", 0, 99]],            # past the end of the text
    [["x.y", -3, 2]],            # before its start
    [["x.y", 3, 1]],             # ends before it starts
    [["x.y", 0, 2, 0]] * 0 + [["x.y", "0", 2, 0]],  # a string where an offset belongs
    [["x.y", 0, 2, 0, 9]],       # a field too many
    [["x.y", True, 2, 0]],       # a boolean is not an offset
    [["other.rule", 0, 2, 0]],   # a rule the rule set does not have
    {"x.y": [0, 2]},             # not a list of hits
], ids=["past-end", "negative", "reversed", "string", "extra-field", "bool", "unknown-rule", "mapping"])
def test_regression_doctored_cache_row_is_a_miss(tmp_path, stored):
    """issue 13: a doctored row with out-of-range offsets silently changed findings."""
    cache = ResultCache(tmp_path, "salt")
    cache.expect_rules(["x.y"])
    cache.put_many("unit", {"short": [Hit("x.y", 0, 2)]})
    with sqlite3.connect(tmp_path / FILE_NAME) as db:
        db.execute("UPDATE units SET hits = ?", (json.dumps(stored),))
    assert cache.get_many("unit", ["short"]) == {}
    assert ResultCache(tmp_path, "salt").get_many("unit", ["nothing"]) == {}


def test_regression_doctored_row_does_not_change_findings(run_cli, tmp_path, cache_dir, reference):
    _check(run_cli, tmp_path)
    with sqlite3.connect(cache_dir / FILE_NAME) as db:
        db.execute("UPDATE units SET hits = ?", (json.dumps([["expressive.unearned-praise", 0, 10**6, 0]]),))
    result = _check(run_cli, tmp_path)
    assert result.exit_code == 1 and _findings(result) == reference


class _Planted:
    def __reduce__(self):
        return (os.system, (f"touch {os.environ['MSGLINT_PLANTED_MARK']}",))


def test_regression_planted_pickle_in_cache_dir_is_never_executed(run_cli, tmp_path, cache_dir, monkeypatch):
    """issue 13: a pickle planted in the cache directory ran its code. Whatever the rule-set cache
    is called, no file there may be unpickled: plant one under every name a run reads or writes."""
    mark = tmp_path / "planted-code-ran"
    monkeypatch.setenv("MSGLINT_PLANTED_MARK", str(mark))
    _check(run_cli, tmp_path)  # a first run writes whatever it caches
    payload = pickle.dumps(_Planted())
    for path in list(cache_dir.iterdir()):
        if path.is_file() and not path.name.startswith(FILE_NAME):
            path.write_bytes(payload)
    for name in ("ruleset.pickle", "rules.pickle", "ruleset.pkl"):
        (cache_dir / name).write_bytes(payload)
    result = _check(run_cli, tmp_path)
    assert result.exit_code in (1, 2)
    assert not mark.exists(), "code planted in the cache directory ran"
