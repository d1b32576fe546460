"""Comments that talk to msglint: suppressions and inline context.

    <!-- msglint-disable RULE [RULE...] -->        until a matching enable (no RULE: every rule)
    <!-- msglint-enable RULE [RULE...] -->
    <!-- msglint-disable-next-line RULE -->         only the line after the comment
    <!-- msglint: relationship=instrumental customer-level=2 -->
    {# msglint-disable RULE #}                      the same in Jinja comments
    front matter:  msglint: disable=RULE[,RULE]

A RULE may be an id or a family prefix ("expressive" for every expressive.* rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .textscan import NextMatch, blank, delimited_spans, next_of, replace_spans

_BODY_START = re.compile(r"\s*msglint[-:]")
_COMMENT_START = re.compile(r"<!--|\{#")
_KINDS = ("disable-next-line", "disable", "enable")


@dataclass(frozen=True)
class Directive:
    kind: str  # disable | enable | disable-next-line | context
    start: int  # offsets of the comment in the original text
    end: int
    rules: tuple[str, ...] = ()  # empty: every rule
    settings: dict = field(default_factory=dict, hash=False, compare=False)


def _rule_list(text: str) -> tuple[str, ...]:
    return tuple(r for r in re.split(r"[\s,]+", text.strip()) if r)


def _directive_comments(original: str):
    """(start, end, body) of each comment that talks to msglint, in one linear pass: what
    `<!--\\s*(msglint[-:][^\\n]*?)\\s*-->|\\{#\\s*(msglint[-:].*?)\\s*#\\}` (DOTALL) finds."""
    if "<!--" not in original and "{#" not in original:
        return  # most copy has no comments: no scanners to set up
    html_end, jinja_end = next_of(original, "-->"), next_of(original, "#}")
    line_end, next_visible = next_of(original, "\n"), NextMatch(original, r"\S")
    position = 0
    while (found := _COMMENT_START.search(original, position)) is not None:
        start = found.start()
        position = start + 1
        body = _BODY_START.match(original, found.end())
        if not body:
            continue
        body_start = body.end() - len("msglint-")
        if found.group() == "<!--":
            end = html_end(body.end())
            if end == len(original):
                continue
            # The body stays on its line; only the space before --> may break it.
            newline = line_end(body.end())
            if newline < end and next_visible(newline) < end:
                continue
            close = end + 3
        else:
            end = jinja_end(body.end())
            if end == len(original):
                continue
            close = end + 2
        yield start, close, original[body_start:end].strip()
        position = close


def parse_directives(original: str) -> list[Directive]:
    found = []
    for start, end, body in _directive_comments(original):
        if body.startswith("msglint:"):
            settings = dict(pair.split("=", 1) for pair in body[len("msglint:"):].split() if "=" in pair)
            if "disable" in settings:
                found.append(Directive("disable", start, end, _rule_list(settings.pop("disable"))))
            if settings:
                found.append(Directive("context", start, end, settings=settings))
            continue
        for kind in _KINDS:
            if body.startswith(f"msglint-{kind}") and (len(body) == len(kind) + 8 or body[len(kind) + 8].isspace()):
                found.append(Directive(kind, start, end, _rule_list(body[len(kind) + 8:])))
                break
    return found


def front_matter_problem(value) -> str | None:
    """What is wrong with a front matter `msglint:` value, or None: read before any output."""
    if value is None or isinstance(value, str):
        return None
    if not isinstance(value, dict):
        return "must be 'disable=RULE[,RULE]' or a mapping such as {disable: [RULE, ...]}"
    disabled = value.get("disable")
    if disabled is None or isinstance(disabled, str):
        return None
    if not isinstance(disabled, list) or not all(isinstance(rule, str) for rule in disabled):
        return "disable must be a rule id or family, or a list of them"
    return None


def front_matter_disables(front_matter: dict) -> tuple[str, ...]:
    value = front_matter.get("msglint")
    if isinstance(value, str) and value.strip().startswith("disable="):
        return _rule_list(value.strip()[len("disable="):])
    if isinstance(value, dict) and value.get("disable"):
        disabled = value["disable"]
        if isinstance(disabled, list):
            return tuple(rule for rule in disabled if isinstance(rule, str))
        return _rule_list(disabled) if isinstance(disabled, str) else ()
    return ()


def mask_comments(text: str) -> str:
    """HTML comments are never copy: blank them, keeping offsets (plain text and Markdown)."""
    if "<!--" not in text:
        return text
    return replace_spans(text, delimited_spans(text, "<!--", "-->"), blank)


def covers(selector: str, rule_id: str) -> bool:
    return rule_id == selector or rule_id.startswith(selector + ".")
