"""Machine-readable output, schema `msglint/schemas/report-v1.json` (documented in the README).

Written file by file, so a run over 100,000 files never holds their reports in memory.
"""

from __future__ import annotations

import json

from .. import __version__
from ..analysis.findings import Result
from . import Tally

SCHEMA_VERSION = 1


def file_report(result: Result) -> dict:
    return {
        "path": result.path,
        "context": result.context.as_dict(),
        "pyramid": {
            "level": result.level,
            "name": result.level_name,
            "evidence": [e.as_dict() for e in result.evidence],
        },
        "findings": [f.as_dict() for f in result.findings],
    }


def _indented(value, prefix: str) -> str:
    # JSON text has no blank lines (a newline in a string is written "\n"): every line break takes
    # the prefix, as textwrap.indent would give it, at a C call's cost
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + prefix)


class JsonWriter:
    def __init__(self, stream, *, fail_on: str, **_: object):
        self.stream, self.tally = stream, Tally(fail_on)
        tool = json.dumps({"name": "msglint", "version": __version__})
        stream.write(f'{{\n  "version": {SCHEMA_VERSION},\n  "tool": {tool},\n  "files": [')

    def add(self, result: Result) -> None:
        separator = "," if self.tally.files else ""
        self.stream.write(f"{separator}\n    {_indented(file_report(result), '    ')}")
        self.tally.add(result)

    def close(self) -> Tally:
        summary = {
            "files": self.tally.files,
            "findings": self.tally.findings,
            "by_severity": self.tally.by_severity,
            "fail_on": self.tally.fail_on,
            "failing": self.tally.failing,
        }
        closing = "\n  ]" if self.tally.files else "]"
        self.stream.write(f'{closing},\n  "summary": {_indented(summary, "  ")}\n}}\n')
        return self.tally
