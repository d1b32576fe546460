"""What a check reports: findings, pyramid evidence and the result for one message."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..sources.context import Context
from ..levels import level_name
from ..sources.message import Message


@dataclass(frozen=True)
class Location:
    start: int  # character offsets, end exclusive: into the display text for a match, the file for a directive
    end: int
    line: int
    column: int
    end_line: int
    end_column: int  # exclusive, as in SARIF: the column just after the last character
    excerpt: str

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "excerpt": self.excerpt,
        }


@dataclass(frozen=True)
class Fix:
    """A suggested rewrite as one replacement in the original file: offsets, lines and columns as in
    Location (end exclusive). Only made where the original holds exactly the text being replaced."""

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str

    def as_dict(self) -> dict:
        return {
            "start": {"offset": self.start, "line": self.line, "column": self.column},
            "end": {"offset": self.end, "line": self.end_line, "column": self.end_column},
            "replacement": self.replacement,
        }


@dataclass(frozen=True)
class Finding:
    rule: str
    category: str
    severity: str
    location: Location
    message: str
    suggestion: str
    fix: Fix | None = None

    def sort_key(self) -> tuple:
        # Positions in the file first: a directive's offsets are the file's, a match's are the display
        # text's, so offsets alone would put directives out of line order in HTML and e-mail.
        loc = self.location
        return (loc.line, loc.column, loc.end_line, loc.end_column, loc.start, loc.end, self.rule)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            **self.location.as_dict(),
            "message": self.message,
            "suggestion": self.suggestion,
            **({"fix": self.fix.as_dict()} if self.fix else {}),
        }


@dataclass(frozen=True)
class Evidence:
    rule: str
    level: int
    location: Location
    sentence: int = 0  # character offset where the sentence holding the cue starts

    def as_dict(self) -> dict:
        return {"rule": self.rule, "level": self.level, **self.location.as_dict()}


@dataclass
class Result:
    path: str
    context: Context
    level: int
    evidence: list[Evidence] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    message: "Message | None" = field(default=None, repr=False)  # for reporters that quote the line

    @property
    def level_name(self) -> str:
        return level_name(self.level)

    def rule_ids(self) -> set[str]:
        return {f.rule for f in self.findings}
