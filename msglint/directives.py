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

_COMMENT = re.compile(r"<!--\s*(msglint(?:-|:)[^\n]*?)\s*-->|\{#\s*(msglint(?:-|:).*?)\s*#\}", re.DOTALL)
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


def parse_directives(original: str) -> list[Directive]:
    found = []
    for match in _COMMENT.finditer(original):
        body = (match.group(1) or match.group(2)).strip()
        if body.startswith("msglint:"):
            settings = dict(pair.split("=", 1) for pair in body[len("msglint:"):].split() if "=" in pair)
            if "disable" in settings:
                found.append(Directive("disable", match.start(), match.end(), _rule_list(settings.pop("disable"))))
            if settings:
                found.append(Directive("context", match.start(), match.end(), settings=settings))
            continue
        for kind in _KINDS:
            if body.startswith(f"msglint-{kind}") and (len(body) == len(kind) + 8 or body[len(kind) + 8].isspace()):
                found.append(Directive(kind, match.start(), match.end(), _rule_list(body[len(kind) + 8:])))
                break
    return found


def front_matter_disables(front_matter: dict) -> tuple[str, ...]:
    value = front_matter.get("msglint")
    if isinstance(value, str) and value.strip().startswith("disable="):
        return _rule_list(value.strip()[len("disable="):])
    if isinstance(value, dict) and value.get("disable"):
        disabled = value["disable"]
        return tuple(disabled) if isinstance(disabled, list) else _rule_list(str(disabled))
    return ()


def mask_comments(text: str) -> str:
    """HTML comments are never copy: blank them, keeping offsets (plain text and Markdown)."""
    if "<!--" not in text:
        return text
    return re.sub(r"<!--.*?-->", lambda m: "".join("\n" if c == "\n" else " " for c in m.group()), text, flags=re.DOTALL)


def covers(selector: str, rule_id: str) -> bool:
    return rule_id == selector or rule_id.startswith(selector + ".")
