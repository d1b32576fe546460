"""Output formats. Each is a writer fed one Result at a time, so output streams in bounded memory."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Result
from ..ruleset import SEVERITIES, SEVERITY_RANK


@dataclass
class Tally:
    """What the summary line and the exit code need, counted as results stream past."""

    fail_on: str
    files: int = 0
    by_severity: dict = field(default_factory=lambda: {s: 0 for s in SEVERITIES})
    failing: int = 0

    def add(self, result: Result) -> None:
        self.files += 1
        for finding in result.findings:
            self.by_severity[finding.severity] += 1
            if SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[self.fail_on]:
                self.failing += 1

    @property
    def findings(self) -> int:
        return sum(self.by_severity.values())


def writer_for(output_format: str):
    from .github import GithubWriter
    from .json_report import JsonWriter
    from .sarif import SarifWriter
    from .text import TextWriter

    return {"text": TextWriter, "json": JsonWriter, "sarif": SarifWriter, "github": GithubWriter}[output_format]


FORMATS = ("text", "json", "sarif", "github")
