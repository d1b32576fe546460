"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""

from __future__ import annotations

from ..analysis.findings import Result
from . import Tally

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubWriter:
    def __init__(self, stream, *, fail_on: str, **_: object):
        self.stream, self.tally = stream, Tally(fail_on)

    def add(self, result: Result) -> None:
        for finding in result.findings:
            loc = finding.location
            properties = ",".join([
                f"file={_property(result.path)}", f"line={loc.line}", f"col={loc.column}",
                f"endLine={loc.end_line}", f"endColumn={loc.end_column}", f"title={_property(finding.rule)}",
            ])
            text = _data(f"{finding.message}\nSuggestion: {finding.suggestion}")
            self.stream.write(f"::{COMMANDS[finding.severity]} {properties}::{text}\n")
        self.tally.add(result)

    def close(self) -> Tally:
        return self.tally
