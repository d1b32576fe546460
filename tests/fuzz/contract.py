"""The promise every msglint run keeps, whatever it is given (README, "Bad input")."""

from __future__ import annotations

import time
from pathlib import Path

TIME_BOUND = 10.0  # seconds for one run on one generated input


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_checked(run_cli, *args: str, folder: Path, names: tuple[str, ...] = (), stdin: bytes | None = None):
    """Run msglint and assert the contract: exit 0, 1 or 2; on 2 exactly one line on stderr naming
    one of `names` (the file at fault) and nothing on stdout; never "internal error"; within
    TIME_BOUND; every file in `folder` unchanged."""
    before = snapshot(folder)
    started = time.perf_counter()
    result = run_cli(*args, stdin=stdin)
    elapsed = time.perf_counter() - started
    assert result.exit_code in (0, 1, 2), result
    assert "internal error" not in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    if result.exit_code == 2:
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("msglint: error: "), lines[0]
        assert len(lines[0]) < 400, lines[0]
        assert result.stdout == "", result.stdout
        if names:
            assert any(name in lines[0] for name in names), (lines[0], names)
    assert elapsed < TIME_BOUND, f"{elapsed:.1f} s"
    assert snapshot(folder) == before, "an input file was changed"
    return result
