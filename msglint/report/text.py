"""Human output: `path:line:col: severity rule-id message`, the line with a caret, the suggestion."""

from __future__ import annotations

import click

from ..findings import Finding, Result
from ..levels import level_name
from ..ruleset import SEVERITIES

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


def _pyramid_line(result: Result) -> str:
    recorded = result.context.customer_level
    customer = f"customer level {recorded} ({level_name(recorded)})" if recorded else "customer level unknown"
    top = [e for e in result.evidence if e.level == result.level]
    cue = f" from {top[0].location.excerpt!r}" if top else ""
    return f"{result.path}: pyramid level {result.level} ({result.level_name}){cue}; {customer}; {result.context.relationship}"


def render(results: list[Result], *, fail_on: str, lines_of, colour: bool = False, show_levels: bool = False) -> str:
    out: list[str] = []
    for result in results:
        if show_levels:
            out.append(_pyramid_line(result))
        for finding in result.findings:
            loc = finding.location
            severity = click.style(finding.severity, fg=_COLOURS[finding.severity], bold=True) if colour else finding.severity
            out.append(f"{result.path}:{loc.line}:{loc.column}: {severity} {finding.rule} {finding.message}")
            out.extend(_caret(lines_of(result.path, loc.line), finding))
            out.append(f"  = suggestion: {finding.suggestion}")
    counts = {s: sum(1 for r in results for f in r.findings if f.severity == s) for s in SEVERITIES}
    failing = sum(len(r.at_or_above(fail_on)) for r in results)
    files = _plural(len(results), "file")
    if not any(counts.values()):
        out.append(f"Checked {files}: no findings.")
    else:
        parts = ", ".join(_plural(counts[s], s) for s in reversed(SEVERITIES) if counts[s])
        verdict = f"{failing} at or above {fail_on}" if failing else f"none at or above {fail_on}"
        out.append(f"Checked {files}: {parts} ({verdict}).")
    return "\n".join(out) + "\n"
