"""Human output: `path:line:col: severity rule-id message`, the line with a caret, the suggestion."""

from __future__ import annotations

import click

from ..analysis.findings import Finding, Location, Result
from ..levels import level_name
from ..sources.message import Message
from ..ruleset.loading import SEVERITIES
from . import Tally

_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def _caret(line_text: str, finding: Finding) -> list[str]:
    loc = finding.location
    width = (loc.end_column if loc.end_line == loc.line else len(line_text) + 1) - loc.column
    gutter = " " * len(str(loc.line))
    return [
        f"  {loc.line} | {line_text}",
        f"  {gutter} | {' ' * (loc.column - 1)}{'^' * max(width, 1)}",
    ]


def _encoded_as_a_whole(message: Message, loc: Location) -> bool:
    """Whether the finding's characters all stand for one encoded unit in the file (a base64 body,
    an RFC 2047 header), so that the file's line under a caret would show no words at all."""
    origin = message.origin
    return origin is not None and loc.end - loc.start > 1 and origin.start(loc.start) == origin.start(loc.end - 1)


def _decoded_caret(message: Message, finding: Finding) -> list[str]:
    """The decoded line holding the finding, with the caret under its words."""
    loc = finding.location
    line_start = message.display.rfind("\n", 0, loc.start) + 1
    line_end = message.display.find("\n", loc.end)
    decoded = message.display[line_start: line_end if line_end >= 0 else len(message.display)].rstrip("\r")
    label, gutter = "decoded: ", " " * len(str(loc.line))
    width = min(loc.end, line_start + len(decoded)) - loc.start
    return [
        f"  {loc.line} | {label}{decoded}",
        f"  {gutter} | {' ' * (len(label) + loc.start - line_start)}{'^' * max(width, 1)}",
    ]


def _pyramid_line(result: Result) -> str:
    recorded = result.context.customer_level
    customer = f"customer level {recorded} ({level_name(recorded)})" if recorded else "customer level unknown"
    top = [e for e in result.evidence if e.level == result.level]
    cue = f" from {top[0].location.excerpt!r}" if top else ""
    return f"{result.path}: pyramid level {result.level} ({result.level_name}){cue}; {customer}; {result.context.relationship}"


class TextWriter:
    def __init__(self, stream, *, fail_on: str, colour: bool = False, show_levels: bool = False, **_: object):
        self.stream, self.tally = stream, Tally(fail_on)
        self.colour, self.show_levels = colour, show_levels

    def add(self, result: Result) -> None:
        out: list[str] = []
        if self.show_levels:
            out.append(_pyramid_line(result))
        for finding in result.findings:
            loc = finding.location
            severity = finding.severity
            if self.colour:
                severity = click.style(severity, fg=_COLOURS[severity], bold=True)
            out.append(f"{result.path}:{loc.line}:{loc.column}: {severity} {finding.rule} {finding.message}")
            if _encoded_as_a_whole(result.message, loc):
                out.extend(_decoded_caret(result.message, finding))
            else:
                out.extend(_caret(result.message.line_text(loc.line), finding))
            out.append(f"  = suggestion: {finding.suggestion}")
        if out:
            self.stream.write("\n".join(out) + "\n")
        self.tally.add(result)

    def close(self) -> Tally:
        tally = self.tally
        files = _plural(tally.files, "file")
        if not tally.findings:
            line = f"Checked {files}: no findings."
        else:
            parts = ", ".join(_plural(tally.by_severity[s], s) for s in reversed(SEVERITIES) if tally.by_severity[s])
            verdict = f"{tally.failing} at or above {tally.fail_on}" if tally.failing else f"none at or above {tally.fail_on}"
            line = f"Checked {files}: {parts} ({verdict})."
        self.stream.write(line + "\n")
        return tally
