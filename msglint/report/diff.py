"""`msglint check --diff`: the suggested rewrites as a unified diff; the files are never touched."""

from __future__ import annotations

import difflib

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
        name = result.path if result.path != "-" else "<stdin>"
        lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                     fromfile=f"a/{name}", tofile=f"b/{name}")
        for line in lines:
            self.stream.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")

    def close(self) -> Tally:
        return self.tally
