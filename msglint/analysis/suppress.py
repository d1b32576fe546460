"""Applying suppression directives to a message's findings, and reporting directives that name
rules msglint does not know."""

from __future__ import annotations

from ..sources.directives import Directive, covers, front_matter_disables
from .findings import Finding
from ..sources.message import Message


def _matches(selectors: tuple[str, ...], rule_id: str) -> bool:
    return not selectors or any(covers(s, rule_id) for s in selectors)


def is_suppressed(finding: Finding, message: Message, directives: list[Directive], file_wide: tuple[str, ...]) -> bool:
    """file_wide: the rules front matter disables (from front_matter_disables, read once per message)."""
    if file_wide and _matches(file_wide, finding.rule):
        return True
    start = message.original_span(finding.location.start, finding.location.end)[0]
    disabled = False
    for directive in directives:
        if directive.kind == "disable-next-line":
            next_line = message.line_column(directive.end)[0] + 1
            if finding.location.line == next_line and _matches(directive.rules, finding.rule):
                return True
        elif directive.kind in ("disable", "enable") and directive.end <= start and _matches(directive.rules, finding.rule):
            disabled = directive.kind == "disable"
    return disabled


def unknown_selectors(message: Message, known_ids: set[str]) -> list[tuple[Directive | None, str]]:
    """Rule names in directives (or front matter) that are neither a rule id nor a family prefix."""
    def known(selector: str) -> bool:
        return any(covers(selector, rule_id) for rule_id in known_ids)

    out: list[tuple[Directive | None, str]] = []
    for directive in message.directives:
        out.extend((directive, s) for s in directive.rules if not known(s))
    out.extend((None, s) for s in front_matter_disables(message.front_matter) if not known(s))
    return out
