"""Output formats. Each is a writer fed one Result at a time, so output streams in bounded memory."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.findings import Result
from ..ruleset.loading import SEVERITIES, SEVERITY_RANK


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


# Format name -> module and writer class; imported only when chosen.
_WRITERS = {"text": ("text", "TextWriter"), "json": ("json_report", "JsonWriter"),
            "sarif": ("sarif", "SarifWriter"), "github": ("github", "GithubWriter")}
FORMATS = tuple(_WRITERS)


def writer_for(output_format: str):
    import importlib

    module, name = _WRITERS[output_format]
    return getattr(importlib.import_module(f".{module}", __package__), name)
