"""`msglint check --diff`: the suggested rewrites as a unified diff; the files are never touched."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..analysis.findings import Result
from ..analysis.rewrite import apply_fixes
from . import Tally


class DiffWriter:
    def __init__(self, stream, *, fail_on: str, **_: object):
        self.stream, self.tally = stream, Tally(fail_on)

    def add(self, result: Result) -> None:
        self.tally.add(result)
        if result.message is None or not any(f.fix for f in result.findings):
            return
        before = result.message.original
        after = apply_fixes(before, result.findings)
        old_name, new_name = _header_names(result.path)
        lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                     fromfile=old_name, tofile=new_name)
        for line in lines:
            self.stream.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")

    def close(self) -> Tally:
        return self.tally


def _header_names(path: str) -> tuple[str, str]:
    """git's a/ and b/ names for a file below the current folder, so that `git apply` takes the diff;
    a file elsewhere keeps its path as given, for `patch -p0`."""
    if path == "-":
        return "a/<stdin>", "b/<stdin>"
    try:
        inside = Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path, path
    return f"a/{inside}", f"b/{inside}"

